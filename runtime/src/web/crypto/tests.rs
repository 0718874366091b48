use std::time::Duration;

use crate::testutil::{isolate, run_on};
use crate::Limits;

/// Functions the test bodies share: hex of bytes, UTF-8 of a string, and the
/// `"Class Name: message"` of what a promise rejects with (`err`) or a function throws (`thrown`).
const HELPERS: &str = r#"
const hex = (b) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, "0")).join("");
const unhex = (h) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
const enc = (s) => new TextEncoder().encode(s);
const describe = (e) => `${e.constructor.name} ${e.name}: ${e.message}`;
const err = (p) => p.then(() => "no error", describe);
const thrown = (f) => { try { f(); return "no error"; } catch (e) { return describe(e); } };
const json = (v) => JSON.stringify(v);
"#;

/// Runs `body` as an async function on a fresh isolate and returns the string it returns.
/// Elliptic curve arithmetic is slow in unoptimized builds, so the isolate gets a second of CPU.
fn run(body: &str) -> String {
    let (_dir, js) = isolate(Limits {
        cpu_per_call: Duration::from_secs(1),
        ..Limits::default()
    });
    run_on(&js, &format!("{HELPERS}\n{body}"))
}

#[test]
fn globals_and_constructors_are_as_in_workerd() {
    assert_eq!(
        run(
            r#"return json([typeof Crypto, typeof SubtleCrypto, typeof CryptoKey, String(crypto),
            Object.prototype.toString.call(crypto.subtle), crypto.subtle === crypto.subtle,
            Object.getOwnPropertyNames(Crypto.prototype), Object.getOwnPropertyNames(SubtleCrypto.prototype),
            Object.getOwnPropertyNames(CryptoKey.prototype), Object.getOwnPropertyNames(crypto),
            Object.getOwnPropertyDescriptor(globalThis, "crypto").enumerable,
            Object.getOwnPropertyDescriptor(SubtleCrypto.prototype, "digest").enumerable])"#
        ),
        r#"["function","function","function","[object Crypto]","[object SubtleCrypto]",true,["subtle","getRandomValues","randomUUID","DigestStream","constructor"],["encrypt","decrypt","sign","verify","digest","generateKey","deriveKey","deriveBits","importKey","exportKey","wrapKey","unwrapKey","timingSafeEqual","constructor"],["constructor"],[],true,true]"#
    );
    assert_eq!(
        run(
            r#"return json([thrown(() => new CryptoKey()), thrown(() => new SubtleCrypto()), thrown(() => new Crypto()), thrown(() => CryptoKey())])"#
        ),
        r#"["TypeError TypeError: Illegal constructor","TypeError TypeError: Illegal constructor","TypeError TypeError: Illegal constructor","TypeError TypeError: Illegal constructor"]"#
    );
    assert_eq!(
        run(
            r#"return json([thrown(() => Crypto.prototype.getRandomValues.call({}, new Uint8Array(1))),
            await err(SubtleCrypto.prototype.digest.call({}, "SHA-1", new Uint8Array(1)))])"#
        ),
        r#"["TypeError TypeError: Illegal invocation: function called with incorrect `this` reference. See https://developers.cloudflare.com/workers/observability/errors/#illegal-invocation-errors for details.","TypeError TypeError: Illegal invocation: function called with incorrect `this` reference. See https://developers.cloudflare.com/workers/observability/errors/#illegal-invocation-errors for details."]"#
    );
}

#[test]
fn get_random_values_fills_integer_views_in_place() {
    assert_eq!(
        run(
            r#"const a = new Uint32Array(64); const b = new BigUint64Array(8192);
            const same = crypto.getRandomValues(a) === a && crypto.getRandomValues(b) === b;
            const view = new Uint8Array(16); crypto.getRandomValues(view.subarray(4, 8));
            return json([same, a.some((x) => x !== 0), view.slice(0, 4).every((x) => x === 0) && view.slice(8).every((x) => x === 0),
                [Int8Array, Int16Array, Int32Array, Uint8ClampedArray, Uint16Array, BigInt64Array].map((T) => thrown(() => crypto.getRandomValues(new T(1))))])"#
        ),
        r#"[true,true,true,["no error","no error","no error","no error","no error","no error"]]"#
    );
}

#[test]
fn get_random_values_refuses_float_views_and_more_than_64k() {
    assert_eq!(
        run(
            r#"const code = (f) => { try { f(); } catch (e) { return `${describe(e)} ${e.code}`; } };
            return json([code(() => crypto.getRandomValues(new Float64Array(2))), code(() => crypto.getRandomValues(new DataView(new ArrayBuffer(4)))),
                code(() => crypto.getRandomValues(new Uint8Array(65537))), thrown(() => crypto.getRandomValues(new Uint8Array(65536))),
                code(() => crypto.getRandomValues()), code(() => crypto.getRandomValues(new ArrayBuffer(2)))])"#
        ),
        r#"["DOMException TypeMismatchError: ArrayBufferView argument to getRandomValues() must be an integer-typed view. 17","DOMException TypeMismatchError: ArrayBufferView argument to getRandomValues() must be an integer-typed view. 17","DOMException QuotaExceededError: getRandomValues() only accepts buffers of size <= 64K but provided 65537 bytes. 22","no error","TypeError TypeError: Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'. undefined","TypeError TypeError: Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'. undefined"]"#
    );
}

#[test]
fn random_uuid_is_version_4() {
    assert_eq!(
        run(
            r#"const ids = Array.from({ length: 50 }, () => crypto.randomUUID());
            return json([ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)), new Set(ids).size])"#
        ),
        "[true,50]"
    );
}

#[test]
fn digests_match_known_answers() {
    assert_eq!(
        run(r#"const abc = enc("abc");
            return json([hex(await crypto.subtle.digest("MD5", abc)), hex(await crypto.subtle.digest({ name: "sha-1" }, abc)),
                hex(await crypto.subtle.digest("SHA-256", abc.buffer)), hex(await crypto.subtle.digest("sha-384", new DataView(abc.buffer))),
                hex(await crypto.subtle.digest({ name: "SHA-512" }, abc)), hex(await crypto.subtle.digest("SHA-256", new ArrayBuffer(0))),
                Object.prototype.toString.call(await crypto.subtle.digest("SHA-1", abc))])"#),
        r#"["900150983cd24fb0d6963f7d28e17f72","a9993e364706816aba3e25717850c26c9cd0d89d","ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7","ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f","e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","[object ArrayBuffer]"]"#
    );
}

#[test]
fn digest_rejects_bad_arguments() {
    assert_eq!(
        run(r#"const p = crypto.subtle.digest("SHA-3", enc("abc"));
            return json([p instanceof Promise, await err(p), await err(crypto.subtle.digest({}, enc("abc"))),
                await err(crypto.subtle.digest("SHA-256", "abc")), await err(crypto.subtle.digest())])"#),
        r#"[true,"DOMException NotSupportedError: Unrecognized or unimplemented digest algorithm requested.","DOMException NotSupportedError: Unrecognized or unimplemented digest algorithm requested.","TypeError TypeError: Failed to execute 'digest' on 'SubtleCrypto': parameter 2 is not of type 'BufferSource'.","TypeError TypeError: Failed to execute 'digest' on 'SubtleCrypto': parameter 1 is not of type 'string or HashAlgorithm'."]"#
    );
}

#[test]
fn hmac_matches_rfc_4231_and_known_answers() {
    // RFC 4231 test cases 1 and 2, and the "quick brown fox" HMACs.
    assert_eq!(
        run(
            r#"const mac = async (key, hash, data) => hex(await crypto.subtle.sign("HMAC",
                await crypto.subtle.importKey("raw", key, { name: "HMAC", hash }, false, ["sign"]), enc(data)));
            const fox = "The quick brown fox jumps over the lazy dog";
            return json([await mac(new Uint8Array(20).fill(0x0b), "SHA-256", "Hi There"),
                await mac(enc("Jefe"), "SHA-384", "what do ya want for nothing?"),
                await mac(enc("Jefe"), { name: "sha-512" }, "what do ya want for nothing?"),
                await mac(enc("key"), "SHA-1", fox), await mac(enc("key"), "SHA-256", fox), await mac(enc("key"), "MD5", fox)])"#
        ),
        r#"["b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7","af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649","164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737","de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9","f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8","80070713463e7749b90c2dc24911e275"]"#
    );
}

#[test]
fn hmac_verifies_and_rejects_wrong_signatures() {
    assert_eq!(
        run(
            r#"const k = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-512" }, false, ["sign", "verify"]);
            const s = await crypto.subtle.sign({ name: "hmac" }, k, enc("data"));
            const t = new Uint8Array(s.slice(0)); t[0] ^= 1;
            return json([s.byteLength, await crypto.subtle.verify("HMAC", k, s, enc("data")), await crypto.subtle.verify("HMAC", k, t, enc("data")),
                await crypto.subtle.verify("HMAC", k, s.slice(1), enc("data")), await crypto.subtle.verify("HMAC", k, s, enc("datum"))])"#
        ),
        "[64,true,false,false,false]"
    );
}

#[test]
fn hmac_keys_have_workerd_shapes() {
    assert_eq!(
        run(
            r#"const k = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, ["verify", "sign", "verify"]);
            const jwk = await crypto.subtle.exportKey("jwk", k); const klen = jwk.k.length; jwk.k = "...";
            const i = await crypto.subtle.importKey("raw", enc("key"), { name: "HMAC", hash: { name: "sha-512" } }, false, ["sign"]);
            const d = Object.getOwnPropertyDescriptor(k, "algorithm");
            return json([Object.keys(k), k, k instanceof CryptoKey, String(k), k.algorithm === k.algorithm, d.writable, d.enumerable, jwk, klen, i.algorithm,
                (await crypto.subtle.exportKey("raw", k)).byteLength,
                await Promise.all(["SHA-1", "SHA-384", "SHA-512"].map(async (hash) => (await crypto.subtle.generateKey({ name: "HMAC", hash }, true, ["sign"])).algorithm.length))])"#
        ),
        r#"[["usages","algorithm","extractable","type"],{"usages":["sign","verify"],"algorithm":{"name":"HMAC","hash":{"name":"SHA-256"},"length":512},"extractable":true,"type":"secret"},true,"[object CryptoKey]",true,false,true,{"kty":"oct","key_ops":["sign","verify"],"alg":"HS256","ext":true,"k":"..."},86,{"name":"HMAC","hash":{"name":"SHA-512"},"length":24},64,[512,1024,1024]]"#
    );
}

#[test]
fn hmac_lengths_truncate_keys_as_workerd() {
    assert_eq!(
        run(
            r#"const k = await crypto.subtle.importKey("raw", enc("key"), { name: "HMAC", hash: "SHA-1", length: 20 }, true, ["sign"]);
            const g = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256", length: 12 }, true, ["sign"]);
            const graw = new Uint8Array(await crypto.subtle.exportKey("raw", g));
            return json([k.algorithm, await crypto.subtle.exportKey("jwk", k), g.algorithm.length, graw.length, graw[1] & 0x0f,
                (await crypto.subtle.importKey("raw", enc("key"), { name: "HMAC", hash: "SHA-256", length: 17 }, true, ["sign"])).algorithm.length,
                await err(crypto.subtle.importKey("raw", enc("key"), { name: "HMAC", hash: "SHA-256", length: 30 }, true, ["sign"])),
                await err(crypto.subtle.importKey("raw", new Uint8Array(0), { name: "HMAC", hash: "SHA-256" }, true, ["sign"])),
                await err(crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256", length: 0 }, true, ["sign"]))])"#
        ),
        r#"[{"name":"HMAC","hash":{"name":"SHA-1"},"length":20},{"kty":"oct","key_ops":["sign"],"alg":"HS1","ext":true,"k":"a2Vw"},12,2,0,17,"DOMException DataError: Imported HMAC key length (30) must be a non-zero value up to 7 bits less than, and no greater than, the bit length of the raw key data (24).","DOMException DataError: Imported HMAC key length (0) must be a non-zero value up to 7 bits less than, and no greater than, the bit length of the raw key data (0).","DOMException OperationError: HMAC key length must be a non-zero unsigned long integer (requested 0)."]"#
    );
}

#[test]
fn key_usages_are_validated_and_normalized() {
    assert_eq!(
        run(r#"const hmac = { name: "HMAC", hash: "SHA-256" };
            return json([(await crypto.subtle.importKey("raw", new Uint8Array(16), "AES-GCM", true, ["unwrapKey", "decrypt", "wrapKey", "encrypt"])).usages,
                await err(crypto.subtle.importKey("raw", enc("key"), hmac, true, [])),
                await err(crypto.subtle.importKey("raw", enc("key"), hmac, true, ["encrypt"])),
                await err(crypto.subtle.importKey("raw", enc("key"), { name: "HMAC" }, true, ["encrypt"])),
                await err(crypto.subtle.importKey("raw", new Uint8Array(16), "AES-GCM", true, ["sign"])),
                await err(crypto.subtle.generateKey(hmac, true, ["encrypt"])),
                await err(crypto.subtle.generateKey({ name: "AES-GCM", length: 128 }, true, [])),
                await err(crypto.subtle.importKey("raw", enc("k"), hmac, true, "sign"))])"#),
        r#"[["encrypt","decrypt","wrapKey","unwrapKey"],"DOMException SyntaxError: Secret/private CryptoKeys must have at least one usage.","DOMException SyntaxError: Attempt to import secret HMAC key with invalid usage \"encrypt\".","DOMException SyntaxError: Attempt to import secret HMAC key with invalid usage \"encrypt\".","DOMException SyntaxError: Attempt to import secret AES-GCM key with invalid usage \"sign\".","DOMException SyntaxError: Attempt to generate HMAC key with invalid usage \"encrypt\".","DOMException SyntaxError: Secret/private CryptoKeys must have at least one usage.","TypeError TypeError: Failed to execute 'importKey' on 'SubtleCrypto': parameter 5 is not of type 'Array'."]"#
    );
}

#[test]
fn operations_check_the_key_algorithm_and_usage() {
    assert_eq!(
        run(
            r#"const k = await crypto.subtle.importKey("raw", enc("key"), { name: "HMAC", hash: "SHA-256" }, true, ["verify"]);
            const a = await crypto.subtle.importKey("raw", new Uint8Array(16), "AES-GCM", false, ["encrypt"]);
            return json([await err(crypto.subtle.sign("HMAC", k, enc("x"))), await err(crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, k, enc("x"))),
                await err(crypto.subtle.sign("AES-GCM", a, enc("x"))), await err(crypto.subtle.sign("HMAC", {}, enc("x"))),
                await err(crypto.subtle.exportKey("raw", a)), await err(crypto.subtle.exportKey("jwk", a)), await err(crypto.subtle.exportKey("spki", k)),
                await err(crypto.subtle.importKey("foo", enc("k"), { name: "FOO" }, true, ["sign"])), await err(crypto.subtle.importKey("raw", enc("k"), "FOO", true, ["sign"])),
                await err(crypto.subtle.generateKey({ name: "AES-CTR", length: 128 }, true, ["encrypt"])),
                await err(crypto.subtle.importKey("raw", "abc", "AES-GCM", true, ["encrypt"])), await err(crypto.subtle.importKey("raw", { k: 1 }, "AES-GCM", true, ["encrypt"]))])"#
        ),
        r#"["DOMException InvalidAccessError: Requested key usage \"sign\" does not match any usage listed in this CryptoKey.","DOMException InvalidAccessError: Requested algorithm \"ECDSA\" does not match this CryptoKey's algorithm \"HMAC\".","DOMException InvalidAccessError: Requested key usage \"sign\" does not match any usage listed in this CryptoKey.","TypeError TypeError: Failed to execute 'sign' on 'SubtleCrypto': parameter 2 is not of type 'CryptoKey'.","DOMException InvalidAccessError: Attempt to export non-extractable AES-GCM key.","DOMException InvalidAccessError: Attempt to export non-extractable AES-GCM key.","DOMException NotSupportedError: Unimplemented key export format \"spki\".","DOMException NotSupportedError: Unrecognized key import format \"foo\".","DOMException NotSupportedError: Unrecognized key import algorithm \"FOO\" requested.","DOMException NotSupportedError: Unrecognized key generation algorithm \"AES-CTR\" requested.","TypeError TypeError: Failed to execute 'importKey' on 'SubtleCrypto': parameter 2 is not of type 'BufferSource or JsonWebKey'.","TypeError TypeError: Import data provided for buffer-based import formats must be a buffer source."]"#
    );
}

#[test]
fn symmetric_jwk_import_checks_as_workerd() {
    assert_eq!(
        run(
            r#"const imp = (jwk, alg = "AES-GCM", usages = ["encrypt"]) => crypto.subtle.importKey("jwk", jwk, alg, true, usages);
            const zero = "AAAAAAAAAAAAAAAAAAAAAA"; const hmac = { name: "HMAC", hash: "SHA-384" };
            const k = await imp({ kty: "oct", k: zero, alg: "A128GCM", ext: true, key_ops: ["encrypt"] });
            const h = await imp({ kty: "oct", k: "a2V5", alg: "HS384" }, hmac, ["sign"]);
            return json([k.algorithm, await crypto.subtle.exportKey("jwk", k), await crypto.subtle.exportKey("jwk", h),
                await err(imp({ kty: "oct", k: zero, alg: "A256GCM" })), await err(imp({ kty: "EC", k: zero })), await err(imp({ kty: "oct", k: zero, ext: false })),
                await err(imp({ kty: "oct", k: zero, key_ops: ["decrypt"] })), await err(imp({ kty: "oct", k: zero, use: "sig" })), await err(imp({ kty: "oct", k: "AA+A" })),
                await err(imp({ kty: "oct" })), await err(imp({ kty: "oct", k: "a2V5=" }, hmac, ["sign"])), await err(imp({ kty: "oct", k: "a2V5", alg: "HS256" }, hmac, ["sign"])),
                await err(imp({ kty: "oct", k: zero, key_ops: "encrypt" })), await err(imp(enc("x")))])"#
        ),
        r#"[{"name":"AES-GCM","length":128},{"kty":"oct","key_ops":["encrypt"],"alg":"A128GCM","ext":true,"k":"AAAAAAAAAAAAAAAAAAAAAA"},{"kty":"oct","key_ops":["sign"],"alg":"HS384","ext":true,"k":"a2V5"},"DOMException DataError: Symmetric \"jwk\" key contains invalid \"alg\" value \"A256GCM\", expected \"A128GCM\".","DOMException DataError: Symmetric \"jwk\" key import requires a JSON Web Key with Key Type parameter \"kty\" equal to \"oct\" (encountered \"EC\").","DOMException DataError: JWK ext field for \"AES-GCM\" is set to false but extractable is true","DOMException DataError: \"jwk\" key missing usage \"encrypt\", in \"key_ops\".","DOMException DataError: Symmetric \"jwk\" key must have a \"use\" of \"enc\", not \"sig\".","DOMException DataError: Imported AES key length must be 128, 192, or 256 bits but provided 24.","DOMException DataError: Symmetric \"jwk\" key import requires a base64Url encoding of the key.","DOMException DataError: HMAC \"jwk\" key import requires a base64Url encoding of the key","DOMException DataError: HMAC \"jwk\" key import specifies \"alg\" that is incompatible with the hash name (encountered \"HS256\", expected \"HS384\").","TypeError TypeError: Incorrect type for the 'key_ops' field on 'JsonWebKey': the provided value is not of type 'Array'.","TypeError TypeError: Import data provided for \"jwk\" import format must be a JsonWebKey."]"#
    );
}

#[test]
fn aes_gcm_matches_the_gcm_specification_vectors() {
    // Test cases 4 (96-bit IV) and 6 (60-byte IV) of McGrew and Viega's GCM specification.
    assert_eq!(
        run(
            r#"const key = await crypto.subtle.importKey("raw", unhex("feffe9928665731c6d6a8f9467308308"), "AES-GCM", false, ["encrypt", "decrypt"]);
            const p = unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
            const additionalData = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
            const iv4 = unhex("cafebabefacedbaddecaf888");
            const iv6 = unhex("9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b");
            const c4 = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv4, additionalData }, key, p);
            const c6 = await crypto.subtle.encrypt({ name: "aes-gcm", iv: iv6, additionalData }, key, p);
            const back = await crypto.subtle.decrypt({ name: "AES-GCM", iv: iv6, additionalData }, key, c6);
            return json([hex(c4), hex(c6), hex(back) === hex(p)])"#
        ),
        r#"["42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e0915bc94fbc3221a5db94fae95ae7121a47","8ce24998625615b603a033aca13fb894be9112a5c3a211a8ba262a3cca7e2ca701e4a9a4fba43c90ccdcb281d48c7c6fd62875d2aca417034c34aee5619cc5aefffe0bfa462af43c1699d050",true]"#
    );
}

#[test]
fn aes_gcm_matches_workerd_for_every_key_size_iv_and_tag_length() {
    // Outputs of the same calls on workerd.
    assert_eq!(
        run(
            r#"const imp = (bytes) => crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
            const text = enc("hello, world! this is more than a block");
            const k128 = await imp(new Uint8Array(16)), k192 = await imp(new Uint8Array(24).map((_, i) => i)), k256 = await imp(new Uint8Array(32).map((_, i) => 255 - i));
            return json([hex(await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12), tagLength: 96, additionalData: enc("aad") }, k128, enc("hi"))),
                hex(await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(16) }, k128, enc("hi"))),
                hex(await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(1) }, k128, new Uint8Array(0))),
                hex(await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12), tagLength: 32 }, k128, enc("hi"))),
                hex(await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12).fill(1), additionalData: enc("hdr"), tagLength: 104 }, k192, text)),
                hex(await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(7).fill(9) }, k256, text))])"#
        ),
        r#"["6be1dbcf05dbcbbd20f66311f639","cbdbc8840d81176420599ecbe1c17afaa481","3c2fa7a9aaaee8e056709d0fb8a3b276","6be1e33a8eca","3279246c5baf956f7cc3a073e29a7a2dba5f2e49456ef93a21e15150c2ac628ee4109b72fe1b82fc03543844615d9297f177d432","f8d6f56d706a3658319d24e5b8674db9c2dc7fa5abeb6e4dd8c32a3407e2a90186921002d0bacde18ef8ad6f6b63eaa774016486ba492a"]"#
    );
}

#[test]
fn aes_gcm_round_trips_and_refuses_tampering() {
    assert_eq!(
        run(
            r#"const k = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
            const params = { name: "AES-GCM", iv: crypto.getRandomValues(new Uint8Array(12)), additionalData: enc("header"), tagLength: 112 };
            const sealed = await crypto.subtle.encrypt(params, k, enc("secret message"));
            const opened = new TextDecoder().decode(await crypto.subtle.decrypt(params, k, sealed));
            const tampered = new Uint8Array(sealed.slice(0)); tampered[3] ^= 0x80;
            const zero = await crypto.subtle.importKey("raw", new Uint8Array(16), "AES-GCM", true, ["encrypt", "decrypt"]);
            const c = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, zero, enc("hi"))); c[0] ^= 1;
            return json([sealed.byteLength, opened, await err(crypto.subtle.decrypt(params, k, tampered)),
                await err(crypto.subtle.decrypt({ ...params, additionalData: enc("other") }, k, sealed)),
                await err(crypto.subtle.decrypt({ name: "AES-GCM", iv: new Uint8Array(12) }, zero, c))])"#
        ),
        r#"[28,"secret message","DOMException OperationError: Decryption failed. This could be due to a ciphertext authentication failure, bad padding, incorrect CryptoKey, or another algorithm-specific reason. Input length was 14, output length expected to be 14 for AES-GCM","DOMException OperationError: Decryption failed. This could be due to a ciphertext authentication failure, bad padding, incorrect CryptoKey, or another algorithm-specific reason. Input length was 14, output length expected to be 14 for AES-GCM","DOMException OperationError: Decryption failed. This could be due to a ciphertext authentication failure, bad padding, incorrect CryptoKey, or another algorithm-specific reason. Input length was 2, output length expected to be 2 for AES-GCM"]"#
    );
}

#[test]
fn aes_gcm_rejects_bad_parameters_and_keys() {
    assert_eq!(
        run(
            r#"const k = await crypto.subtle.importKey("raw", new Uint8Array(16), "AES-GCM", true, ["encrypt", "decrypt"]);
            const iv = new Uint8Array(12);
            return json([await err(crypto.subtle.encrypt({ name: "AES-GCM" }, k, enc("hi"))), await err(crypto.subtle.encrypt({ name: "AES-GCM", iv: "abc" }, k, enc("hi"))),
                await err(crypto.subtle.encrypt({ name: "AES-GCM", iv: new Uint8Array(0) }, k, enc("hi"))), await err(crypto.subtle.encrypt({ name: "AES-GCM", iv, tagLength: 100 }, k, enc("hi"))),
                await err(crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: "x" }, k, enc("hi"))), await err(crypto.subtle.encrypt({ name: "AES-GCM", iv }, k, "x")),
                await err(crypto.subtle.decrypt({ name: "AES-GCM", iv }, k, new Uint8Array(4))), await err(crypto.subtle.encrypt("HMAC", k, enc("x"))),
                await err(crypto.subtle.importKey("raw", new Uint8Array(15), "AES-GCM", true, ["encrypt"])),
                await err(crypto.subtle.generateKey({ name: "AES-GCM", length: 100 }, true, ["encrypt"])), await err(crypto.subtle.generateKey("AES-GCM", true, ["encrypt"])),
                (await crypto.subtle.generateKey({ name: "AES-GCM", length: 192 }, true, ["decrypt", "encrypt"])).algorithm,
                (await crypto.subtle.exportKey("jwk", await crypto.subtle.importKey("raw", new Uint8Array(24), { name: "aes-gcm" }, true, ["encrypt"]))).alg])"#
        ),
        r#"["TypeError TypeError: Missing field \"iv\" in \"algorithm\".","TypeError TypeError: Incorrect type for the 'iv' field on 'EncryptAlgorithm': the provided value is not of type 'BufferSource'.","DOMException OperationError: AES-GCM IV must not be empty.","DOMException OperationError: Invalid AES-GCM tag length 100.","TypeError TypeError: Incorrect type for the 'additionalData' field on 'EncryptAlgorithm': the provided value is not of type 'BufferSource'.","TypeError TypeError: Failed to execute 'encrypt' on 'SubtleCrypto': parameter 3 is not of type 'BufferSource'.","DOMException OperationError: Ciphertext length of 32 bits must be greater than or equal to the size of the AES-GCM tag length of 128 bits.","DOMException InvalidAccessError: Requested algorithm \"HMAC\" does not match this CryptoKey's algorithm \"AES-GCM\".","DOMException DataError: Imported AES key length must be 128, 192, or 256 bits but provided 120.","DOMException OperationError: Generated AES key length must be 128, 192, or 256 bits but requested 100.","TypeError TypeError: Missing field \"length\" in \"algorithm\".",{"name":"AES-GCM","length":192},"A192GCM"]"#
    );
}

/// A P-256 key pair as JWK (from RFC 7515 appendix A.3), and a signature of "message" that
/// workerd made with it.
const EC_KEY: &str = r#"const jwk = { kty: "EC", crv: "P-256", x: "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4", y: "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM", d: "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE" };
    const publicJwk = { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y };
    const workerdSignature = unhex("32774b9d1e9971376c58686e37a66aee114b46f65d9bdeeabb54add9217e810ca954dbcd9dba32fd79fa3ab9d30f8f333f61880d2423f94d139bc4fd5b2381d1");
    const P256 = { name: "ECDSA", namedCurve: "P-256" };"#;

#[test]
fn ecdsa_keys_export_as_workerd_does() {
    let body = format!(
        r#"{EC_KEY}
        const priv = await crypto.subtle.importKey("jwk", jwk, P256, true, ["sign"]);
        const pub = await crypto.subtle.importKey("jwk", publicJwk, P256, true, ["verify"]);
        return json([priv.type, pub.type, priv.algorithm, hex(await crypto.subtle.exportKey("raw", pub)), hex(await crypto.subtle.exportKey("pkcs8", priv)),
            hex(await crypto.subtle.exportKey("spki", pub)), await crypto.subtle.exportKey("jwk", priv), await crypto.subtle.exportKey("jwk", pub),
            await err(crypto.subtle.exportKey("raw", priv)), await err(crypto.subtle.exportKey("spki", priv)), await err(crypto.subtle.exportKey("pkcs8", pub)),
            await err(crypto.subtle.exportKey("foo", pub))])"#
    );
    assert_eq!(
        run(&body),
        r#"["private","public",{"name":"ECDSA","namedCurve":"P-256"},"0430a0424cd21c2944838a2d75c92b37e76ea20d9f00893a3b4eee8a3c0aafec3ee04b65e92456d9888b52b379bdfbd51ee869ef1f0fc65b6659695b6cce081723","308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420f3bd0c07a81fb932781ed52752f60cc89a6be5e51934fe01938ddb55d8f77801a1440342000430a0424cd21c2944838a2d75c92b37e76ea20d9f00893a3b4eee8a3c0aafec3ee04b65e92456d9888b52b379bdfbd51ee869ef1f0fc65b6659695b6cce081723","3059301306072a8648ce3d020106082a8648ce3d0301070342000430a0424cd21c2944838a2d75c92b37e76ea20d9f00893a3b4eee8a3c0aafec3ee04b65e92456d9888b52b379bdfbd51ee869ef1f0fc65b6659695b6cce081723",{"kty":"EC","key_ops":["sign"],"ext":true,"crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM","d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"},{"kty":"EC","key_ops":["verify"],"ext":true,"crv":"P-256","x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4","y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"},"DOMException InvalidAccessError: Raw export of elliptic curve keys is only allowed for public keys.","DOMException InvalidAccessError: Asymmetric spki export requires public key (not \"private\").","DOMException InvalidAccessError: Asymmetric pkcs8 export requires private key (not \"public\").","DOMException InvalidAccessError: Cannot export \"ECDSA\" in \"foo\" format."]"#
    );
}

#[test]
fn ecdsa_verifies_workerd_signatures_and_its_own() {
    let body = format!(
        r#"{EC_KEY}
        const priv = await crypto.subtle.importKey("jwk", jwk, P256, false, ["sign"]);
        const pub = await crypto.subtle.importKey("raw", unhex("0430a0424cd21c2944838a2d75c92b37e76ea20d9f00893a3b4eee8a3c0aafec3ee04b65e92456d9888b52b379bdfbd51ee869ef1f0fc65b6659695b6cce081723"), P256, false, ["verify"]);
        const verify = (hash, signature, data = "message") => crypto.subtle.verify({{ name: "ECDSA", hash }}, pub, signature, enc(data));
        const s256 = await crypto.subtle.sign({{ name: "ECDSA", hash: "SHA-256" }}, priv, enc("message"));
        const s384 = await crypto.subtle.sign({{ name: "ecdsa", hash: {{ name: "SHA-384" }} }}, priv, enc("message"));
        const s1 = await crypto.subtle.sign({{ name: "ECDSA", hash: "SHA-1" }}, priv, enc("message"));
        return json([await verify("SHA-256", workerdSignature), await verify("SHA-256", workerdSignature, "massage"), await verify("SHA-384", workerdSignature),
            s256.byteLength, await verify("SHA-256", s256), await verify("SHA-384", s384), await verify("SHA-256", s384), await verify("SHA-1", s1),
            await verify("SHA-256", new Uint8Array(3)), await verify("SHA-256", new Uint8Array(64)),
            await err(crypto.subtle.sign({{ name: "ECDSA" }}, priv, enc("x"))), await err(crypto.subtle.sign({{ name: "ECDSA", hash: "MD5" }}, priv, enc("x"))),
            await err(crypto.subtle.sign("ECDSA", pub, enc("x")))])"#
    );
    assert_eq!(
        run(&body),
        r#"[true,false,false,64,true,true,false,true,false,false,"TypeError TypeError: Missing \"hash\" in AlgorithmIdentifier. (ECDSA requires that the hash algorithm be specified at call time rather than on the key. This differs from other WebCrypto algorithms for historical reasons.)","DOMException NotSupportedError: Unrecognized or unimplemented digest algorithm requested.","DOMException InvalidAccessError: Requested key usage \"sign\" does not match any usage listed in this CryptoKey."]"#
    );
}

#[test]
fn ecdsa_generates_key_pairs_that_round_trip() {
    assert_eq!(
        run(r#"const P256 = { name: "ECDSA", namedCurve: "P-256" };
            const pair = await crypto.subtle.generateKey(P256, false, ["verify", "sign"]);
            const data = enc("round trip");
            const sig = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, data);
            const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
            const compressed = new Uint8Array(33); compressed[0] = 2 + (raw[64] & 1); compressed.set(raw.slice(1, 33), 1);
            const fromCompressed = await crypto.subtle.importKey("raw", compressed, P256, true, ["verify"]);
            const spki = await crypto.subtle.importKey("spki", await crypto.subtle.exportKey("spki", pair.publicKey), P256, true, []);
            const exportable = await crypto.subtle.generateKey(P256, true, ["sign", "verify"]);
            const again = await crypto.subtle.importKey("pkcs8", await crypto.subtle.exportKey("pkcs8", exportable.privateKey), P256, true, ["sign"]);
            const jwkAgain = await crypto.subtle.importKey("jwk", await crypto.subtle.exportKey("jwk", exportable.privateKey), P256, true, ["sign"]);
            const sig2 = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-512" }, again, data);
            const sig3 = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-512" }, jwkAgain, data);
            return json([Object.prototype.toString.call(pair), Object.keys(pair), pair.privateKey.usages, pair.publicKey.usages, pair.privateKey.extractable, pair.publicKey.extractable,
                raw.length, hex(await crypto.subtle.exportKey("raw", fromCompressed)) === hex(raw), spki.usages,
                await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, fromCompressed, sig, data),
                await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-512" }, exportable.publicKey, sig2, data),
                await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-512" }, exportable.publicKey, sig3, data),
                await err(crypto.subtle.exportKey("jwk", pair.privateKey))])"#),
        r#"["[object Object]",["publicKey","privateKey"],["sign"],["verify"],false,true,65,true,[],true,true,true,"DOMException InvalidAccessError: Attempt to export non-extractable ECDSA key."]"#
    );
}

#[test]
fn ecdsa_rejects_bad_keys_and_parameters() {
    let body = format!(
        r#"{EC_KEY}
        const imp = (format, data, usages = ["verify"], alg = P256) => err(crypto.subtle.importKey(format, data, alg, true, usages));
        return json([await err(crypto.subtle.generateKey(P256, false, ["verify"])), await err(crypto.subtle.generateKey({{ name: "ECDSA", namedCurve: "P-999" }}, false, ["sign"])),
            await err(crypto.subtle.generateKey({{ name: "ECDSA" }}, false, ["sign"])), await err(crypto.subtle.generateKey(P256, false, ["encrypt"])),
            await imp("raw", new Uint8Array(65), ["sign"]), await imp("raw", new Uint8Array(65)), await imp("spki", new Uint8Array(10)), await imp("pkcs8", new Uint8Array(10), ["sign"]),
            await imp("jwk", jwk, []), await imp("jwk", jwk, ["verify"]), await imp("jwk", {{ ...jwk, alg: "ES384" }}, ["sign"]), await imp("jwk", {{ ...jwk, x: undefined }}, ["sign"]),
            await imp("jwk", {{ ...jwk, d: "AAAA" }}, ["sign"]), await imp("jwk", {{ ...publicJwk, kty: "RSA" }}), await imp("jwk", {{ ...publicJwk, x: "AAAA" }}),
            await imp("jwk", {{ ...publicJwk, use: "enc" }}), await imp("jwk", {{ ...publicJwk, ext: false }}), await imp("jwk", {{ ...publicJwk, key_ops: ["sign"] }}),
            await imp("jwk", {{ ...jwk, d: "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM" }}, ["sign"])])"#
    );
    assert_eq!(
        run(&body),
        r#"["DOMException SyntaxError: Attempt to generate asymmetric keys with no valid private key usages.","DOMException NotSupportedError: Unrecognized or unimplemented EC curve \"P-999\" requested.","TypeError TypeError: Missing field \"namedCurve\" in \"algorithm\".","DOMException SyntaxError: Attempt to generate ECDSA key with invalid usage \"encrypt\".","DOMException SyntaxError: Attempt to import public ECDSA key with invalid usage \"sign\".","DOMException DataError: Failed to import raw EC key data: Invalid point encoding..","DOMException DataError: Invalid SPKI input.","DOMException DataError: Invalid PKCS8 input.","DOMException SyntaxError: Secret/private CryptoKeys must have at least one usage.","DOMException SyntaxError: Attempt to import private ECDSA key with invalid usage \"verify\".","DOMException DataError: JSON Web Key Algorithm parameter \"alg\" (\"ES384\") does not match requested curve.","DOMException DataError: Invalid EC key in JSON Web Key; missing \"x\".","DOMException OperationError: Invalid EC key; private key component \"d\" is invalid.","DOMException DataError: Elliptic curve \"jwk\" key import requires a JSON Web Key with Key Type parameter \"kty\" (\"RSA\") equal to \"EC\".","DOMException OperationError: Invalid EC key; public key coordinates \"x\" and \"y\" are invalid: Point is not on curve..","DOMException DataError: Asymmetric \"jwk\" key import with usages requires a JSON Web Key with Public Key Use parameter \"use\" (\"enc\") equal to \"sig\".","DOMException DataError: JWK ext field for \"ECDSA\" is set to false but extractable is true","DOMException DataError: All specified key usages must be present in the JSON Web Key's Key Operations parameter (\"key_ops\").","DOMException DataError: Invalid EC key in JSON Web Key."]"#
    );
}

#[test]
fn wrap_and_unwrap_match_workerd() {
    assert_eq!(
        run(
            r#"const w = await crypto.subtle.importKey("raw", new Uint8Array(16).fill(7), "AES-GCM", true, ["encrypt", "decrypt", "wrapKey", "unwrapKey"]);
            const k = await crypto.subtle.importKey("raw", enc("key"), { name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
            const gcm = { name: "AES-GCM", iv: new Uint8Array(12) };
            const wrapped = await crypto.subtle.wrapKey("jwk", k, w, gcm);
            const wrappedRaw = await crypto.subtle.wrapKey("raw", k, w, gcm);
            const u = await crypto.subtle.unwrapKey("jwk", wrapped, w, gcm, { name: "HMAC", hash: "SHA-256" }, true, ["sign"]);
            const encryptOnly = await crypto.subtle.importKey("raw", new Uint8Array(16).fill(7), "AES-GCM", true, ["encrypt"]);
            const locked = await crypto.subtle.importKey("raw", enc("key"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
            return json([hex(wrapped), hex(wrappedRaw), u.algorithm, u.usages, hex(await crypto.subtle.exportKey("raw", u)),
                await err(crypto.subtle.wrapKey("raw", k, encryptOnly, gcm)), await err(crypto.subtle.wrapKey("raw", locked, w, gcm))])"#
        ),
        r#"["87bd73d6cbed62a0d6b0b564a0d552097f35b19f3114416ed5d945e4d3fae66cb7a6ebeb8c72eaf67188f8d0bdce2006610fc402314e65800d7fa136f0356e529033e49dc0f31c8e549c661ff230b0250bce8eae56c97746ec8afd63d3","97fa61b6ea81d39999fff7ed9a9b7ec2dc97cd",{"name":"HMAC","hash":{"name":"SHA-256"},"length":24},["sign"],"6b6579","DOMException InvalidAccessError: Requested key usage \"wrapKey\" does not match any usage listed in this CryptoKey.","DOMException InvalidAccessError: Attempt to export non-extractable HMAC key."]"#
    );
}

#[test]
fn digest_stream_hashes_what_is_written() {
    assert_eq!(
        run(
            r#"const s = new crypto.DigestStream("SHA-256"); const w = s.getWriter();
            await w.write(enc("a")); await w.write("b"); await w.write(enc("c").buffer); await w.close();
            const md5 = new crypto.DigestStream({ name: "md5" }); const mw = md5.getWriter(); await mw.write(enc("abc")); await mw.close();
            const aborted = new crypto.DigestStream("SHA-1"); await aborted.getWriter().abort(new Error("stop"));
            return json([hex(await s.digest), typeof s.bytesWritten, String(s.bytesWritten), String(s), s instanceof WritableStream,
                Object.getOwnPropertyNames(Object.getPrototypeOf(s)), hex(await md5.digest), await aborted.digest.then(() => "resolved", (e) => e.message),
                thrown(() => new crypto.DigestStream("FOO")), thrown(() => crypto.DigestStream("SHA-256"))])"#
        ),
        r#"["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad","bigint","3","[object DigestStream]",true,["digest","bytesWritten","constructor"],"900150983cd24fb0d6963f7d28e17f72","stop","DOMException NotSupportedError: Unrecognized or unimplemented digest algorithm requested.","TypeError TypeError: Failed to construct 'DigestStream': Please use the 'new' operator, this object constructor cannot be called as a function."]"#
    );
}

#[test]
fn timing_safe_equal_compares_equal_length_buffers() {
    assert_eq!(
        run(r#"const t = crypto.subtle;
            return json([t.timingSafeEqual(enc("ab"), enc("ab")), t.timingSafeEqual(enc("ab"), enc("ac")), t.timingSafeEqual(new ArrayBuffer(2), new Uint16Array(1)),
                thrown(() => t.timingSafeEqual(enc("ab"), enc("abc"))), thrown(() => t.timingSafeEqual("a", "a")), thrown(() => t.timingSafeEqual(new ArrayBuffer(2)))])"#),
        r#"[true,false,true,"TypeError TypeError: Input buffers must have the same byte length.","TypeError TypeError: Failed to execute 'timingSafeEqual' on 'SubtleCrypto': parameter 1 is not of type 'BufferSource'.","TypeError TypeError: Failed to execute 'timingSafeEqual' on 'SubtleCrypto': parameter 2 is not of type 'BufferSource'."]"#
    );
}

#[test]
fn key_material_is_not_reachable_from_javascript() {
    assert_eq!(
        run(
            r#"const k = await crypto.subtle.importKey("raw", enc("secret"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
            const seen = [...Object.getOwnPropertyNames(k), ...Object.getOwnPropertySymbols(k).map(String), ...Object.getOwnPropertyNames(Object.getPrototypeOf(k))];
            k.algorithm.hash.name = "SHA-1"; k.usages.push("verify");
            const s = await crypto.subtle.sign("HMAC", k, enc("x"));
            return json([seen, s.byteLength, await err(crypto.subtle.verify("HMAC", k, s, enc("x")))])"#
        ),
        r#"[["usages","algorithm","extractable","type","constructor"],32,"DOMException InvalidAccessError: Requested key usage \"verify\" does not match any usage listed in this CryptoKey."]"#
    );
}
