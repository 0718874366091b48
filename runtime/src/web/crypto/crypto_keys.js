// Web Crypto's keys and algorithms as workerd has them, on the natives of `internal.crypto`:
// argument checks, algorithm normalization, key usages, `CryptoKey`, JWK, the HMAC, AES-GCM and
// ECDSA operations, and workerd's errors. A key's material is a native handle kept in
// `records`, which site code cannot reach. `crypto.js` builds `crypto` and `crypto.subtle` on
// what this file shares as `internal.cryptoKeys`:
//   error(name, message) → DOMException; notOfType(method, index, type) → TypeError
//   isView(value), isBufferSource(value) → boolean (brand checks)
//   bytesArgument, algorithmArgument, usagesArgument, recordArgument: checked arguments
//   hashName(value) → normalized hash name; requireUsages(key) → key; isKey(value) → boolean
//   checkKey(record, requestedName, usage); ALGORITHMS[name]; implementation(requestedName)
(function (internal) {
  "use strict";

  const native = internal.crypto;
  const { DOMException } = internal;
  const { atob, btoa } = globalThis;

  // Brand checks, taken before site code can replace anything.
  const isView = ArrayBuffer.isView;
  const arrayBufferLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;

  function isArrayBuffer(value) {
    try {
      arrayBufferLength.call(value);
      return true;
    } catch {
      return false;
    }
  }
  const isBufferSource = (value) => isView(value) || isArrayBuffer(value);

  const error = (name, message) => new DOMException(message, name);
  const notOfType = (method, index, type) =>
    new TypeError(`Failed to execute '${method}' on 'SubtleCrypto': parameter ${index} is not of type '${type}'.`);

  // A copy of a BufferSource argument, as bytes.
  function bytesArgument(value, method, index) {
    if (!isBufferSource(value)) throw notOfType(method, index, "BufferSource");
    return new Uint8Array(native.copy(value));
  }

  // ---- Algorithms -------------------------------------------------------------------------

  // An AlgorithmIdentifier as a dictionary.
  function algorithmArgument(value, method, index, type = "string or Algorithm") {
    if (value === undefined || value === null) throw notOfType(method, index, type);
    if (typeof value === "object") return value;
    return { name: String(value) };
  }

  function field(dictionary, name) {
    const value = dictionary[name];
    if (value === undefined) throw new TypeError(`Missing field "${name}" in "algorithm".`);
    return value;
  }

  const HASHES = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];
  // A hash (string or `{name}`) as its normalized name.
  function hashName(value) {
    const name = typeof value === "string" ? value : value?.name;
    const upper = String(name).toUpperCase();
    if (!HASHES.includes(upper)) {
      throw error("NotSupportedError", "Unrecognized or unimplemented digest algorithm requested.");
    }
    return upper;
  }

  function bufferField(dictionary, name) {
    const value = dictionary[name];
    if (!isBufferSource(value)) {
      throw new TypeError(`Incorrect type for the '${name}' field on 'EncryptAlgorithm': the provided value is not of type 'BufferSource'.`);
    }
    return new Uint8Array(native.copy(value));
  }

  // ---- Usages -----------------------------------------------------------------------------

  const USAGES = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];

  function usagesArgument(value, method, index) {
    if (!Array.isArray(value)) throw notOfType(method, index, "Array");
    return value.map(String);
  }

  // The usages, each allowed, in canonical order without repeats.
  function allowedUsages(usages, allowed, attempt) {
    for (const usage of usages) {
      if (!allowed.includes(usage)) {
        throw error("SyntaxError", `Attempt to ${attempt} with invalid usage "${usage}".`);
      }
    }
    return USAGES.filter((usage) => usages.includes(usage));
  }

  function requireUsages(key) {
    if (key.type !== "public" && key.usages.length === 0) {
      throw error("SyntaxError", "Secret/private CryptoKeys must have at least one usage.");
    }
    return key;
  }

  // ---- CryptoKey --------------------------------------------------------------------------

  function CryptoKey() {
    throw new TypeError("Illegal constructor");
  }
  Object.defineProperty(CryptoKey.prototype, Symbol.toStringTag, { value: "CryptoKey", configurable: true });

  // CryptoKey -> { handle, type, extractable, algorithm, usages }: what operations trust, apart
  // from the key's own (mutable) `algorithm` and `usages` objects.
  const records = new WeakMap();

  // The `algorithm` a key shows.
  function shownAlgorithm(algorithm) {
    switch (algorithm.name) {
      case "HMAC":
        return { name: "HMAC", hash: { name: algorithm.hash }, length: algorithm.length };
      case "AES-GCM":
        return { name: "AES-GCM", length: algorithm.length };
      default:
        return { name: algorithm.name, namedCurve: algorithm.namedCurve };
    }
  }

  function makeKey(handle, type, extractable, algorithm, usages) {
    const key = Object.create(CryptoKey.prototype);
    const fixed = { writable: false, enumerable: true, configurable: true };
    Object.defineProperties(key, {
      usages: { value: [...usages], ...fixed },
      algorithm: { value: shownAlgorithm(algorithm), ...fixed },
      extractable: { value: extractable, ...fixed },
      type: { value: type, ...fixed },
    });
    records.set(key, { handle, type, extractable, algorithm, usages: [...usages] });
    return key;
  }

  function recordArgument(value, method, index) {
    const record = records.get(value);
    if (record === undefined) throw notOfType(method, index, "CryptoKey");
    return record;
  }

  // Checks that `record` is a key of the requested algorithm allowed to `usage`.
  function checkKey(record, requested, usage) {
    if (String(requested).toUpperCase() !== record.algorithm.name) {
      throw error("InvalidAccessError", `Requested algorithm "${requested}" does not match this CryptoKey's algorithm "${record.algorithm.name}".`);
    }
    if (!record.usages.includes(usage)) {
      throw error("InvalidAccessError", `Requested key usage "${usage}" does not match any usage listed in this CryptoKey.`);
    }
  }

  // ---- JWK --------------------------------------------------------------------------------

  function base64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // Decodes unpadded base64url (as in workerd, '+' and '/' pass too), or `undefined`.
  function fromBase64url(text) {
    if (typeof text !== "string" || /[^A-Za-z0-9+/_-]/.test(text) || text.length % 4 === 1) return undefined;
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  function jwkArgument(keyData) {
    if (keyData === null || typeof keyData !== "object" || isBufferSource(keyData)) {
      throw new TypeError('Import data provided for "jwk" import format must be a JsonWebKey.');
    }
    if (keyData.key_ops !== undefined && !Array.isArray(keyData.key_ops)) {
      throw new TypeError("Incorrect type for the 'key_ops' field on 'JsonWebKey': the provided value is not of type 'Array'.");
    }
    return keyData;
  }

  function bufferKeyArgument(keyData) {
    if (!isBufferSource(keyData)) {
      throw new TypeError("Import data provided for buffer-based import formats must be a buffer source.");
    }
    return new Uint8Array(native.copy(keyData));
  }

  // The `ext` of a JWK must allow an extractable import.
  function checkJwkExt(jwk, name, extractable) {
    if (jwk.ext === false && extractable) {
      throw error("DataError", `JWK ext field for "${name}" is set to false but extractable is true`);
    }
  }

  // The key bytes of a symmetric JWK ("oct"), after its `kty`, `use`, `key_ops` and `ext` checks.
  function octJwk(jwk, missingKey, use, extractable, usages, name) {
    if (jwk.kty !== "oct") {
      throw error("DataError", `Symmetric "jwk" key import requires a JSON Web Key with Key Type parameter "kty" equal to "oct" (encountered "${jwk.kty}").`);
    }
    const key = fromBase64url(jwk.k);
    if (key === undefined) throw error("DataError", missingKey);
    if (jwk.use !== undefined && jwk.use !== use) {
      throw error("DataError", `Symmetric "jwk" key must have a "use" of "${use}", not "${jwk.use}".`);
    }
    if (jwk.key_ops !== undefined) {
      for (const usage of usages) {
        if (!Array.prototype.includes.call(jwk.key_ops, usage)) {
          throw error("DataError", `"jwk" key missing usage "${usage}", in "key_ops".`);
        }
      }
    }
    checkJwkExt(jwk, name, extractable);
    return key;
  }

  function exportSecret(format, record) {
    if (format === "raw") return native.secretBytes(record.handle);
    if (format === "jwk") {
      if (record.algorithm.hash === "MD5") {
        throw error("NotSupportedError", 'Unimplemented JWK key export format for key algorithm "MD5".');
      }
      return {
        kty: "oct",
        key_ops: [...record.usages],
        alg: jwkAlg(record.algorithm),
        ext: record.extractable,
        k: base64url(native.secretBytes(record.handle)),
      };
    }
    throw error("NotSupportedError", `Unimplemented key export format "${format}".`);
  }

  function jwkAlg(algorithm) {
    if (algorithm.name === "HMAC") return `HS${algorithm.hash.replace(/^SHA-/, "")}`;
    return `A${algorithm.length}GCM`;
  }

  // ---- HMAC -------------------------------------------------------------------------------

  const HMAC_BLOCK_BITS = { MD5: 512, "SHA-1": 512, "SHA-256": 512, "SHA-384": 1024, "SHA-512": 1024 };
  const HMAC_USAGES = ["sign", "verify"];

  // The first `bits` bits of `data`, the rest of the last byte cleared (as workerd keeps keys).
  function truncated(data, bits) {
    const kept = data.slice(0, Math.ceil(bits / 8));
    if (bits % 8 !== 0) kept[kept.length - 1] &= 0xff << (8 - (bits % 8));
    return kept;
  }

  function randomBytes(length) {
    const bytes = new Uint8Array(length);
    native.fill(bytes);
    return bytes;
  }

  const HMAC = {
    importKey(format, keyData, algorithm, extractable, usages) {
      usages = allowedUsages(usages, HMAC_USAGES, "import secret HMAC key");
      const hash = hashName(field(algorithm, "hash"));
      let data;
      if (format === "raw") {
        data = bufferKeyArgument(keyData);
      } else if (format === "jwk") {
        data = octJwk(jwkArgument(keyData), 'HMAC "jwk" key import requires a base64Url encoding of the key', "sig", extractable, usages, "HMAC");
        if (hash === "MD5" && keyData.alg !== undefined) {
          throw error("NotSupportedError", `Unrecognized or unimplemented hash algorithm requested${keyData.alg}`);
        }
      } else {
        throw error("NotSupportedError", `Unrecognized key import format "${format}".`);
      }
      const bits = data.length * 8;
      const length = algorithm.length === undefined ? bits : Number(algorithm.length) >>> 0;
      if (length === 0 || length > bits || length <= bits - 8) {
        throw error("DataError", `Imported HMAC key length (${length}) must be a non-zero value up to 7 bits less than, and no greater than, the bit length of the raw key data (${bits}).`);
      }
      const normalized = { name: "HMAC", hash, length };
      if (format === "jwk" && keyData.alg !== undefined && keyData.alg !== jwkAlg(normalized)) {
        throw error("DataError", `HMAC "jwk" key import specifies "alg" that is incompatible with the hash name (encountered "${keyData.alg}", expected "${jwkAlg(normalized)}").`);
      }
      return makeKey(native.secret(truncated(data, length)), "secret", extractable, normalized, usages);
    },
    exportKey: exportSecret,
    generateKey(algorithm, extractable, usages) {
      usages = allowedUsages(usages, HMAC_USAGES, "generate HMAC key");
      const hash = hashName(field(algorithm, "hash"));
      const length = algorithm.length === undefined ? HMAC_BLOCK_BITS[hash] : Number(algorithm.length) >>> 0;
      if (length === 0) {
        throw error("OperationError", `HMAC key length must be a non-zero unsigned long integer (requested ${length}).`);
      }
      const handle = native.secret(truncated(randomBytes(Math.ceil(length / 8)), length));
      return makeKey(handle, "secret", extractable, { name: "HMAC", hash, length }, usages);
    },
    sign(algorithm, record, data) {
      return native.hmacSign(record.handle, record.algorithm.hash, data);
    },
    verify(algorithm, record, signature, data) {
      return native.hmacVerify(record.handle, record.algorithm.hash, signature, data);
    },
  };

  // ---- AES-GCM ----------------------------------------------------------------------------

  const AES_USAGES = ["encrypt", "decrypt", "wrapKey", "unwrapKey"];
  const AES_LENGTHS = [128, 192, 256];
  const TAG_LENGTHS = [32, 64, 96, 104, 112, 120, 128];

  // iv, additional data and tag length (bytes) of an AesGcmParams.
  function gcmParams(algorithm) {
    field(algorithm, "iv");
    const iv = bufferField(algorithm, "iv");
    if (iv.length === 0) throw error("OperationError", "AES-GCM IV must not be empty.");
    const aad = algorithm.additionalData === undefined ? new Uint8Array(0) : bufferField(algorithm, "additionalData");
    const tagLength = algorithm.tagLength === undefined ? 128 : Number(algorithm.tagLength);
    if (!TAG_LENGTHS.includes(tagLength)) {
      throw error("OperationError", `Invalid AES-GCM tag length ${algorithm.tagLength}.`);
    }
    return { iv, aad, tagLength };
  }

  const AES_GCM = {
    importKey(format, keyData, algorithm, extractable, usages) {
      usages = allowedUsages(usages, AES_USAGES, "import secret AES-GCM key");
      let data;
      if (format === "raw") data = bufferKeyArgument(keyData);
      else if (format === "jwk") data = octJwk(jwkArgument(keyData), 'Symmetric "jwk" key import requires a base64Url encoding of the key.', "enc", extractable, usages, "AES-GCM");
      else throw error("NotSupportedError", `Unrecognized key import format "${format}".`);
      const length = data.length * 8;
      if (!AES_LENGTHS.includes(length)) {
        throw error("DataError", `Imported AES key length must be 128, 192, or 256 bits but provided ${length}.`);
      }
      const normalized = { name: "AES-GCM", length };
      if (format === "jwk" && keyData.alg !== undefined && keyData.alg !== jwkAlg(normalized)) {
        throw error("DataError", `Symmetric "jwk" key contains invalid "alg" value "${keyData.alg}", expected "${jwkAlg(normalized)}".`);
      }
      return makeKey(native.secret(data), "secret", extractable, normalized, usages);
    },
    exportKey: exportSecret,
    generateKey(algorithm, extractable, usages) {
      const length = Number(field(algorithm, "length"));
      usages = allowedUsages(usages, AES_USAGES, "generate AES-GCM key");
      if (!AES_LENGTHS.includes(length)) {
        throw error("OperationError", `Generated AES key length must be 128, 192, or 256 bits but requested ${algorithm.length}.`);
      }
      const handle = native.secret(randomBytes(length / 8));
      return makeKey(handle, "secret", extractable, { name: "AES-GCM", length }, usages);
    },
    encrypt(algorithm, record, data) {
      const { iv, aad, tagLength } = gcmParams(algorithm);
      return native.aesGcm(record.handle, true, iv, aad, tagLength / 8, data);
    },
    decrypt(algorithm, record, data) {
      const { iv, aad, tagLength } = gcmParams(algorithm);
      if (data.length * 8 < tagLength) {
        throw error("OperationError", `Ciphertext length of ${data.length * 8} bits must be greater than or equal to the size of the AES-GCM tag length of ${tagLength} bits.`);
      }
      return native.aesGcm(record.handle, false, iv, aad, tagLength / 8, data);
    },
  };

  // ---- ECDSA ------------------------------------------------------------------------------

  function namedCurve(algorithm) {
    const curve = String(field(algorithm, "namedCurve"));
    if (curve !== "P-256") {
      throw error("NotSupportedError", `Unrecognized or unimplemented EC curve "${curve}" requested.`);
    }
    return curve;
  }

  function ecdsaHash(algorithm) {
    if (algorithm.hash === undefined) {
      throw new TypeError('Missing "hash" in AlgorithmIdentifier. (ECDSA requires that the hash algorithm be specified at call time rather than on the key. This differs from other WebCrypto algorithms for historical reasons.)');
    }
    const hash = hashName(algorithm.hash);
    if (hash === "MD5") {
      throw error("NotSupportedError", "Unrecognized or unimplemented digest algorithm requested.");
    }
    return hash;
  }

  // The handle of an EC JWK, after its `kty`, `use`, `key_ops`, `ext` and `alg` checks.
  function ecJwk(jwk, extractable, usages) {
    if (jwk.kty !== "EC") {
      throw error("DataError", `Elliptic curve "jwk" key import requires a JSON Web Key with Key Type parameter "kty" ("${jwk.kty}") equal to "EC".`);
    }
    if (usages.length > 0 && jwk.use !== undefined && jwk.use !== "sig") {
      throw error("DataError", `Asymmetric "jwk" key import with usages requires a JSON Web Key with Public Key Use parameter "use" ("${jwk.use}") equal to "sig".`);
    }
    if (jwk.key_ops !== undefined && !usages.every((usage) => Array.prototype.includes.call(jwk.key_ops, usage))) {
      throw error("DataError", `All specified key usages must be present in the JSON Web Key's Key Operations parameter ("key_ops").`);
    }
    checkJwkExt(jwk, "ECDSA", extractable);
    if (jwk.alg !== undefined && jwk.alg !== "ES256") {
      throw error("DataError", `JSON Web Key Algorithm parameter "alg" ("${jwk.alg}") does not match requested curve.`);
    }
    const coordinate = (name) => {
      if (jwk[name] === undefined) throw error("DataError", `Invalid EC key in JSON Web Key; missing "${name}".`);
      const bytes = fromBase64url(jwk[name]);
      if (bytes === undefined) throw error("DataError", "Invalid EC key in JSON Web Key.");
      return bytes;
    };
    const [x, y] = [coordinate("x"), coordinate("y")];
    return native.ecImportJwk(x, y, jwk.d === undefined ? undefined : coordinate("d"));
  }

  const ECDSA = {
    importKey(format, keyData, algorithm, extractable, usages) {
      const normalized = { name: "ECDSA", namedCurve: namedCurve(algorithm) };
      let type;
      if (format === "raw" || format === "spki") type = "public";
      else if (format === "pkcs8") type = "private";
      else if (format === "jwk") type = jwkArgument(keyData).d === undefined ? "public" : "private";
      else throw error("NotSupportedError", `Unrecognized key import format "${format}".`);
      usages = allowedUsages(usages, type === "public" ? ["verify"] : ["sign"], `import ${type} ECDSA key`);
      const handle = format === "jwk"
        ? ecJwk(keyData, extractable, usages)
        : native.ecImport(format, bufferKeyArgument(keyData));
      return makeKey(handle, type, extractable, normalized, usages);
    },
    exportKey(format, record) {
      if (format === "raw") {
        if (record.type !== "public") {
          throw error("InvalidAccessError", "Raw export of elliptic curve keys is only allowed for public keys.");
        }
        return native.ecExport(record.handle, "raw");
      }
      if (format === "spki" || format === "pkcs8") {
        const needed = format === "spki" ? "public" : "private";
        if (record.type !== needed) {
          throw error("InvalidAccessError", `Asymmetric ${format} export requires ${needed} key (not "${record.type}").`);
        }
        return native.ecExport(record.handle, format);
      }
      if (format === "jwk") {
        const [x, y, d] = native.ecCoordinates(record.handle);
        const jwk = { kty: "EC", key_ops: [...record.usages], ext: record.extractable, crv: record.algorithm.namedCurve, x: base64url(x), y: base64url(y) };
        if (d !== undefined) jwk.d = base64url(d);
        return jwk;
      }
      throw error("InvalidAccessError", `Cannot export "ECDSA" in "${format}" format.`);
    },
    generateKey(algorithm, extractable, usages) {
      const normalized = { name: "ECDSA", namedCurve: namedCurve(algorithm) };
      usages = allowedUsages(usages, ["sign", "verify"], "generate ECDSA key");
      const privateUsages = usages.filter((usage) => usage === "sign");
      const publicUsages = usages.filter((usage) => usage === "verify");
      if (privateUsages.length === 0) {
        throw error("SyntaxError", "Attempt to generate asymmetric keys with no valid private key usages.");
      }
      const [privateHandle, publicHandle] = native.ecGenerate();
      return {
        publicKey: makeKey(publicHandle, "public", true, normalized, publicUsages),
        privateKey: makeKey(privateHandle, "private", extractable, normalized, privateUsages),
      };
    },
    sign(algorithm, record, data) {
      return native.ecdsaSign(record.handle, ecdsaHash(algorithm), data);
    },
    verify(algorithm, record, signature, data) {
      return native.ecdsaVerify(record.handle, ecdsaHash(algorithm), signature, data);
    },
  };

  const ALGORITHMS = { HMAC, "AES-GCM": AES_GCM, ECDSA };
  // The implementation of a requested algorithm name (case-insensitive), if any.
  const implementation = (name) => ALGORITHMS[String(name).toUpperCase()];

  internal.cryptoKeys = {
    error,
    notOfType,
    isView,
    isBufferSource,
    bytesArgument,
    algorithmArgument,
    usagesArgument,
    recordArgument,
    hashName,
    requireUsages,
    isKey: (value) => records.has(value),
    checkKey,
    ALGORITHMS,
    implementation,
  };
  internal.exposeGlobals({ CryptoKey });
});
