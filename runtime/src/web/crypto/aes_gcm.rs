//! AES-GCM (NIST SP 800-38D) on the AES block cipher and GHASH: 128, 192 and 256-bit keys,
//! IVs of any non-zero length and tags of 32 to 128 bits, as WebCrypto allows (ring's AEAD
//! takes only 96-bit nonces, full tags, and no 192-bit keys).

use aes::cipher::generic_array::GenericArray;
use aes::cipher::{BlockEncrypt, KeyInit};
use aes::{Aes128, Aes192, Aes256};
use ghash::universal_hash::UniversalHash;
use ghash::GHash;
use subtle::ConstantTimeEq;

/// Why an AES-GCM operation failed.
#[derive(Debug, PartialEq, Eq)]
pub enum GcmError {
    /// The key is not 16, 24 or 32 bytes.
    KeyLength,
    /// The tag does not authenticate the ciphertext and additional data.
    Authentication,
}

type Block = [u8; 16];

/// An AES key schedule of one of the three sizes.
enum Cipher {
    Aes128(Box<Aes128>),
    Aes192(Box<Aes192>),
    Aes256(Box<Aes256>),
}

impl Cipher {
    fn new(key: &[u8]) -> Result<Cipher, GcmError> {
        let schedule = match key.len() {
            16 => Aes128::new_from_slice(key).map(|k| Cipher::Aes128(Box::new(k))),
            24 => Aes192::new_from_slice(key).map(|k| Cipher::Aes192(Box::new(k))),
            32 => Aes256::new_from_slice(key).map(|k| Cipher::Aes256(Box::new(k))),
            _ => return Err(GcmError::KeyLength),
        };
        schedule.map_err(|_| GcmError::KeyLength)
    }

    fn encrypt(&self, block: &Block) -> Block {
        let mut out = GenericArray::clone_from_slice(block);
        match self {
            Cipher::Aes128(c) => c.encrypt_block(&mut out),
            Cipher::Aes192(c) => c.encrypt_block(&mut out),
            Cipher::Aes256(c) => c.encrypt_block(&mut out),
        }
        out.into()
    }
}

/// One key's GCM state: the cipher and the hash subkey `H = E(K, 0)`.
struct Gcm {
    cipher: Cipher,
    h: Block,
}

impl Gcm {
    fn new(key: &[u8]) -> Result<Gcm, GcmError> {
        let cipher = Cipher::new(key)?;
        let h = cipher.encrypt(&[0; 16]);
        Ok(Gcm { cipher, h })
    }

    /// GHASH of `a` and `c`, each zero-padded to whole blocks, then their bit lengths.
    fn ghash(&self, a: &[u8], c: &[u8]) -> Block {
        let mut hash = GHash::new(GenericArray::from_slice(&self.h));
        hash.update_padded(a);
        hash.update_padded(c);
        let mut lengths = [0u8; 16];
        lengths[..8].copy_from_slice(&(a.len() as u64 * 8).to_be_bytes());
        lengths[8..].copy_from_slice(&(c.len() as u64 * 8).to_be_bytes());
        hash.update_padded(&lengths);
        hash.finalize().into()
    }

    /// The pre-counter block `J0`: a 96-bit IV followed by 1, or the GHASH of any other IV.
    fn pre_counter(&self, iv: &[u8]) -> Block {
        if iv.len() == 12 {
            let mut j0 = [0u8; 16];
            j0[..12].copy_from_slice(iv);
            j0[15] = 1;
            j0
        } else {
            self.ghash(&[], iv)
        }
    }

    /// XORs `data` with the key stream counted up from `inc32(j0)`.
    fn ctr(&self, j0: &Block, data: &mut [u8]) {
        let mut counter = *j0;
        for chunk in data.chunks_mut(16) {
            let low = u32::from_be_bytes([counter[12], counter[13], counter[14], counter[15]]);
            counter[12..].copy_from_slice(&low.wrapping_add(1).to_be_bytes());
            let stream = self.cipher.encrypt(&counter);
            chunk
                .iter_mut()
                .zip(stream)
                .for_each(|(byte, s)| *byte ^= s);
        }
    }

    /// The tag of `ciphertext` with `aad`, `tag_len` bytes of it.
    fn tag(&self, j0: &Block, aad: &[u8], ciphertext: &[u8], tag_len: usize) -> Vec<u8> {
        let mask = self.cipher.encrypt(j0);
        let hash = self.ghash(aad, ciphertext);
        hash.iter()
            .zip(mask)
            .map(|(h, m)| h ^ m)
            .take(tag_len)
            .collect()
    }
}

/// `plaintext` encrypted, followed by a tag of `tag_len` bytes (4 to 16).
pub fn seal(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    tag_len: usize,
    plaintext: &[u8],
) -> Result<Vec<u8>, GcmError> {
    let gcm = Gcm::new(key)?;
    let j0 = gcm.pre_counter(iv);
    let mut out = plaintext.to_vec();
    gcm.ctr(&j0, &mut out);
    let tag = gcm.tag(&j0, aad, &out, tag_len);
    out.extend_from_slice(&tag);
    Ok(out)
}

/// The plaintext of `sealed` (ciphertext and a tag of `tag_len` bytes, which the caller has
/// checked it is at least), if the tag authenticates it.
pub fn open(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    tag_len: usize,
    sealed: &[u8],
) -> Result<Vec<u8>, GcmError> {
    let gcm = Gcm::new(key)?;
    let split = sealed.len().saturating_sub(tag_len);
    let (ciphertext, tag) = sealed.split_at(split);
    let j0 = gcm.pre_counter(iv);
    let expected = gcm.tag(&j0, aad, ciphertext, tag_len);
    if !bool::from(expected.ct_eq(tag)) {
        return Err(GcmError::Authentication);
    }
    let mut out = ciphertext.to_vec();
    gcm.ctr(&j0, &mut out);
    Ok(out)
}
