// node:crypto as nodejs_compat has it for hashes and secrets: createHash and createHmac (MD5,
// SHA-1, SHA-256/384/512 under OpenSSL's names), random bytes, integers and UUIDs,
// timingSafeEqual, and Web Crypto as `webcrypto`/`subtle`. The digests are the natives of
// `internal.crypto`, which Web Crypto uses too. Ciphers, key pairs, signatures and key
// derivation are missing: each of their functions throws, naming itself.
import internal from "sitegate:internal";
import { Buffer } from "node:buffer"; // and internal.nodeErrors

const native = internal.crypto;
const { nodeError, invalidType, outOfRange } = internal.nodeErrors;

/** OpenSSL's digest names (any case) to Web Crypto's. */
const DIGESTS = {
  md5: "MD5", "rsa-md5": "MD5",
  sha1: "SHA-1", "sha-1": "SHA-1", "rsa-sha1": "SHA-1",
  sha256: "SHA-256", "sha-256": "SHA-256", "rsa-sha256": "SHA-256",
  sha384: "SHA-384", "sha-384": "SHA-384", "rsa-sha384": "SHA-384",
  sha512: "SHA-512", "sha-512": "SHA-512", "rsa-sha512": "SHA-512",
};

function digestName(algorithm) {
  if (typeof algorithm !== "string") throw invalidType("algorithm", "of type string", algorithm);
  const name = DIGESTS[algorithm.toLowerCase()];
  if (name === undefined) throw new Error("Digest method not supported");
  return name;
}

/** The bytes of `update`'s argument: a string in `encoding`, or a buffer view. */
function dataBytes(data, encoding) {
  if (typeof data === "string") return Buffer.from(data, encoding);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw invalidType("data", "of type string or an instance of Buffer, TypedArray, or DataView", data);
}

function finalized() {
  return nodeError(Error, "ERR_CRYPTO_HASH_FINALIZED", "Digest already called");
}

function output(bytes, encoding) {
  const buffer = Buffer.from(bytes);
  return encoding === undefined || encoding === "buffer" ? buffer : buffer.toString(encoding);
}

export class Hash {
  #hasher;
  #name;

  constructor(algorithm, options, hasher) {
    this.#name = digestName(algorithm);
    this.#hasher = hasher ?? native.hasher(this.#name);
  }

  update(data, encoding) {
    if (this.#hasher === null) throw finalized();
    this.#hasher.update(dataBytes(data, encoding));
    return this;
  }

  digest(encoding) {
    if (this.#hasher === null) throw finalized();
    const bytes = this.#hasher.finish();
    this.#hasher = null;
    return output(bytes, encoding);
  }

  copy() {
    if (this.#hasher === null) throw finalized();
    return new Hash(this.#name, undefined, this.#hasher.copy());
  }
}

export class Hmac {
  #key;
  #name;
  #chunks = [];

  constructor(algorithm, key) {
    this.#name = digestName(algorithm);
    this.#key = native.secret(typeof key === "string" ? Buffer.from(key) : dataBytes(key));
  }

  update(data, encoding) {
    if (this.#chunks === null) throw finalized();
    this.#chunks.push(Buffer.from(dataBytes(data, encoding)));
    return this;
  }

  digest(encoding) {
    if (this.#chunks === null) throw finalized();
    const data = Buffer.concat(this.#chunks);
    this.#chunks = null;
    return output(native.hmacSign(this.#key, this.#name, data), encoding);
  }
}

export function createHash(algorithm, options) {
  return new Hash(algorithm, options);
}

export function createHmac(algorithm, key) {
  return new Hmac(algorithm, key);
}

/** Node 21's one-shot digest: `hash(algorithm, data, outputEncoding = "hex")`. */
export function hash(algorithm, data, outputEncoding = "hex") {
  return createHash(algorithm).update(data).digest(outputEncoding);
}

export function getHashes() {
  return ["md5", "sha1", "sha256", "sha384", "sha512"];
}

const MAX_RANDOM = 2 ** 31 - 1;

function randomInto(view, offset, size) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset + offset, size);
  for (let at = 0; at < size; at += 65536) {
    native.fill(bytes.subarray(at, Math.min(size, at + 65536)));
  }
  return view;
}

export function randomBytes(size, callback) {
  if (typeof size !== "number") throw invalidType("size", "of type number", size);
  if (!(size >= 0 && size <= MAX_RANDOM)) {
    throw outOfRange("size", `>= 0 && <= ${MAX_RANDOM}`, size);
  }
  const buffer = randomInto(Buffer.alloc(size), 0, size);
  if (typeof callback !== "function") return buffer;
  queueMicrotask(() => callback(null, buffer));
}

export function randomFillSync(view, offset = 0, size) {
  if (!ArrayBuffer.isView(view)) {
    throw invalidType("buf", "an instance of ArrayBuffer or ArrayBufferView", view);
  }
  const length = view.byteLength;
  if (!(offset >= 0 && offset <= length)) throw outOfRange("offset", `>= 0 && <= ${length}`, offset);
  size ??= length - offset;
  if (!(size >= 0 && offset + size <= length)) {
    throw outOfRange("size", `>= 0 && <= ${length - offset}`, size);
  }
  return randomInto(view, offset, size);
}

export function randomFill(view, offset, size, callback) {
  callback = [offset, size, callback].find((a) => typeof a === "function");
  const filled = randomFillSync(
    view,
    typeof offset === "number" ? offset : 0,
    typeof size === "number" ? size : undefined,
  );
  queueMicrotask(() => callback(null, filled));
}

/** A uniform integer in `[min, max)`, by rejection sampling 48-bit random values. */
export function randomInt(min, max, callback) {
  if (max === undefined || typeof max === "function") {
    callback = max;
    max = min;
    min = 0;
  }
  if (!Number.isSafeInteger(min)) throw invalidType("min", "a safe integer", min);
  if (!Number.isSafeInteger(max)) throw invalidType("max", "a safe integer", max);
  if (!(max > min)) throw outOfRange("min", "min < max", min);
  const range = max - min;
  const limit = 2 ** 48 - (2 ** 48 % range);
  let value;
  do {
    const bytes = randomInto(new Uint8Array(6), 0, 6);
    value = bytes.reduce((n, byte) => n * 256 + byte, 0);
  } while (value >= limit);
  const result = min + (value % range);
  if (typeof callback !== "function") return result;
  queueMicrotask(() => callback(null, result));
}

export function randomUUID() {
  return native.uuid();
}

export function getRandomValues(view) {
  return globalThis.crypto.getRandomValues(view);
}

export function timingSafeEqual(a, b) {
  for (const [name, value] of [["buf1", a], ["buf2", b]]) {
    if (!ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
      throw invalidType(name, "an instance of ArrayBuffer, Buffer, TypedArray, or DataView", value);
    }
  }
  if (a.byteLength !== b.byteLength) {
    throw new TypeError("Input buffers must have the same byte length.");
  }
  return native.timingSafeEqual(a, b);
}

export const webcrypto = globalThis.crypto;
export const subtle = globalThis.crypto.subtle;

/** A function that throws, naming `name`: what Sitegate's node:crypto lacks. */
function missing(name) {
  const fn = function () {
    throw nodeError(
      Error,
      "ERR_METHOD_NOT_IMPLEMENTED",
      `crypto.${name}() is not implemented in Sitegate (use crypto.subtle)`,
    );
  };
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

export const createCipheriv = missing("createCipheriv");
export const createDecipheriv = missing("createDecipheriv");
export const createSign = missing("createSign");
export const createVerify = missing("createVerify");
export const sign = missing("sign");
export const verify = missing("verify");
export const createPublicKey = missing("createPublicKey");
export const createPrivateKey = missing("createPrivateKey");
export const createSecretKey = missing("createSecretKey");
export const generateKeyPair = missing("generateKeyPair");
export const generateKeyPairSync = missing("generateKeyPairSync");
export const pbkdf2 = missing("pbkdf2");
export const pbkdf2Sync = missing("pbkdf2Sync");
export const hkdf = missing("hkdf");
export const hkdfSync = missing("hkdfSync");
export const scrypt = missing("scrypt");
export const scryptSync = missing("scryptSync");
export const publicEncrypt = missing("publicEncrypt");
export const privateDecrypt = missing("privateDecrypt");
export const createECDH = missing("createECDH");
export const createDiffieHellman = missing("createDiffieHellman");

export default {
  Hash, Hmac, createHash, createHmac, hash, getHashes, randomBytes, randomFillSync,
  randomFill, randomInt, randomUUID, getRandomValues, timingSafeEqual, webcrypto, subtle,
  createCipheriv, createDecipheriv, createSign, createVerify, sign, verify, createPublicKey,
  createPrivateKey, createSecretKey, generateKeyPair, generateKeyPairSync, pbkdf2, pbkdf2Sync,
  hkdf, hkdfSync, scrypt, scryptSync, publicEncrypt, privateDecrypt, createECDH,
  createDiffieHellman,
};
