// Web Crypto's `crypto` (a `Crypto`: getRandomValues, randomUUID, DigestStream) and
// `crypto.subtle` (a `SubtleCrypto`) as workerd has them, on the natives of `internal.crypto` and
// the keys and algorithms of `crypto_keys.js` (`internal.cryptoKeys`). Every `subtle` method is
// async, so a bad argument rejects instead of throwing.
(function (internal) {
  "use strict";

  const native = internal.crypto;
  const {
    error, notOfType, isView, isBufferSource, bytesArgument, algorithmArgument, usagesArgument,
    recordArgument, hashName, requireUsages, isKey, checkKey, ALGORITHMS, implementation,
  } = internal.cryptoKeys;
  const { TextEncoder, TextDecoder } = globalThis;
  const ILLEGAL_INVOCATION =
    "Illegal invocation: function called with incorrect `this` reference. See https://developers.cloudflare.com/workers/observability/errors/#illegal-invocation-errors for details.";

  // Brand checks, taken before site code can replace anything.
  const TypedArray = Object.getPrototypeOf(Uint8Array.prototype);
  const typedArrayTag = Object.getOwnPropertyDescriptor(TypedArray, Symbol.toStringTag).get;
  const typedArrayLength = Object.getOwnPropertyDescriptor(TypedArray, "byteLength").get;
  const INTEGER_ARRAYS = new Set([
    "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array",
    "Int32Array", "Uint32Array", "BigInt64Array", "BigUint64Array",
  ]);

  // ---- SubtleCrypto -----------------------------------------------------------------------

  function SubtleCrypto() {
    throw new TypeError("Illegal constructor");
  }
  const subtle = Object.create(SubtleCrypto.prototype);

  function checkSubtle(self) {
    if (self !== subtle) throw new TypeError(ILLEGAL_INVOCATION);
  }

  // `encrypt`/`decrypt`/`sign`: the operation of the key's algorithm, after the key checks.
  function keyOperation(method, algorithm, key, data) {
    const requested = algorithmArgument(algorithm, method, 1);
    const record = recordArgument(key, method, 2);
    const bytes = bytesArgument(data, method, 3);
    checkKey(record, requested.name, method);
    return ALGORITHMS[record.algorithm.name][method](requested, record, bytes);
  }

  function importKey(format, keyData, algorithm, extractable, keyUsages) {
    format = String(format);
    if (!isBufferSource(keyData) && (keyData === null || typeof keyData !== "object")) {
      throw notOfType("importKey", 2, "BufferSource or JsonWebKey");
    }
    const requested = algorithmArgument(algorithm, "importKey", 3);
    const usages = usagesArgument(keyUsages, "importKey", 5);
    if (!["raw", "jwk", "spki", "pkcs8"].includes(format)) {
      throw error("NotSupportedError", `Unrecognized key import format "${format}".`);
    }
    const spec = implementation(requested.name);
    if (spec === undefined) {
      throw error("NotSupportedError", `Unrecognized key import algorithm "${requested.name}" requested.`);
    }
    return requireUsages(spec.importKey(format, keyData, requested, Boolean(extractable), usages));
  }

  function exportKey(format, key) {
    format = String(format);
    const record = recordArgument(key, "exportKey", 2);
    if (!record.extractable) {
      throw error("InvalidAccessError", `Attempt to export non-extractable ${record.algorithm.name} key.`);
    }
    return ALGORITHMS[record.algorithm.name].exportKey(format, record);
  }

  // Key wrapping: the exported key (a JWK as JSON text) encrypted with the wrapping key.
  function wrapKey(format, key, wrappingKey, wrapAlgorithm) {
    const requested = algorithmArgument(wrapAlgorithm, "wrapKey", 4);
    const record = recordArgument(wrappingKey, "wrapKey", 3);
    checkKey(record, requested.name, "wrapKey");
    const exported = exportKey(format, key);
    const bytes = format === "jwk"
      ? new TextEncoder().encode(JSON.stringify(exported))
      : new Uint8Array(exported);
    return ALGORITHMS[record.algorithm.name].encrypt(requested, record, bytes);
  }

  function unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, keyAlgorithm, extractable, keyUsages) {
    const requested = algorithmArgument(unwrapAlgorithm, "unwrapKey", 4);
    const record = recordArgument(unwrappingKey, "unwrapKey", 3);
    const wrapped = bytesArgument(wrappedKey, "unwrapKey", 2);
    checkKey(record, requested.name, "unwrapKey");
    const bytes = ALGORITHMS[record.algorithm.name].decrypt(requested, record, wrapped);
    let keyData = bytes;
    if (format === "jwk") keyData = JSON.parse(new TextDecoder().decode(bytes));
    return importKey(format, keyData, keyAlgorithm, extractable, keyUsages);
  }

  // Derivation: no derivation algorithm (ECDH, HKDF, PBKDF2) is implemented here.
  function unsupportedDerivation(method, algorithm, baseKey) {
    const requested = algorithmArgument(algorithm, method, 1);
    recordArgument(baseKey, method, 2);
    throw error("NotSupportedError", `Unrecognized key derivation algorithm "${requested.name}" requested.`);
  }

  const subtleMethods = {
    async encrypt(algorithm, key, data) {
      checkSubtle(this);
      return keyOperation("encrypt", algorithm, key, data);
    },
    async decrypt(algorithm, key, data) {
      checkSubtle(this);
      return keyOperation("decrypt", algorithm, key, data);
    },
    async sign(algorithm, key, data) {
      checkSubtle(this);
      return keyOperation("sign", algorithm, key, data);
    },
    async verify(algorithm, key, signature, data) {
      checkSubtle(this);
      const requested = algorithmArgument(algorithm, "verify", 1);
      const record = recordArgument(key, "verify", 2);
      const signatureBytes = bytesArgument(signature, "verify", 3);
      const bytes = bytesArgument(data, "verify", 4);
      checkKey(record, requested.name, "verify");
      return ALGORITHMS[record.algorithm.name].verify(requested, record, signatureBytes, bytes);
    },
    async digest(algorithm, data) {
      checkSubtle(this);
      const requested = algorithmArgument(algorithm, "digest", 1, "string or HashAlgorithm");
      const bytes = bytesArgument(data, "digest", 2);
      return native.digest(hashName(requested), bytes);
    },
    async generateKey(algorithm, extractable, keyUsages) {
      checkSubtle(this);
      const requested = algorithmArgument(algorithm, "generateKey", 1);
      const usages = usagesArgument(keyUsages, "generateKey", 3);
      const spec = implementation(requested.name);
      if (spec === undefined) {
        throw error("NotSupportedError", `Unrecognized key generation algorithm "${requested.name}" requested.`);
      }
      const generated = spec.generateKey(requested, Boolean(extractable), usages);
      return isKey(generated) ? requireUsages(generated) : generated;
    },
    async deriveKey(algorithm, baseKey) {
      checkSubtle(this);
      return unsupportedDerivation("deriveKey", algorithm, baseKey);
    },
    async deriveBits(algorithm, baseKey) {
      checkSubtle(this);
      return unsupportedDerivation("deriveBits", algorithm, baseKey);
    },
    async importKey(format, keyData, algorithm, extractable, keyUsages) {
      checkSubtle(this);
      return importKey(format, keyData, algorithm, extractable, keyUsages);
    },
    async exportKey(format, key) {
      checkSubtle(this);
      return exportKey(format, key);
    },
    async wrapKey(format, key, wrappingKey, wrapAlgorithm) {
      checkSubtle(this);
      return wrapKey(format, key, wrappingKey, wrapAlgorithm);
    },
    async unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, keyAlgorithm, extractable, keyUsages) {
      checkSubtle(this);
      return unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, keyAlgorithm, extractable, keyUsages);
    },
    // workerd's extension: compares two buffers of the same length in constant time.
    timingSafeEqual(a, b) {
      checkSubtle(this);
      const method = "timingSafeEqual";
      if (!isBufferSource(a)) throw notOfType(method, 1, "BufferSource");
      if (!isBufferSource(b)) throw notOfType(method, 2, "BufferSource");
      const [left, right] = [new Uint8Array(native.copy(a)), new Uint8Array(native.copy(b))];
      if (left.length !== right.length) throw new TypeError("Input buffers must have the same byte length.");
      return native.timingSafeEqual(left, right);
    },
  };

  // Methods as workerd defines them: writable, enumerable, configurable.
  function defineMethods(prototype, methods) {
    for (const [name, value] of Object.entries(methods)) {
      Object.defineProperty(prototype, name, { value, writable: true, enumerable: true, configurable: true });
    }
  }
  defineMethods(SubtleCrypto.prototype, subtleMethods);
  Object.defineProperty(SubtleCrypto.prototype, Symbol.toStringTag, { value: "SubtleCrypto", configurable: true });

  // ---- Crypto -----------------------------------------------------------------------------

  function Crypto() {
    throw new TypeError("Illegal constructor");
  }
  const crypto = Object.create(Crypto.prototype);

  function checkCrypto(self) {
    if (self !== crypto) throw new TypeError(ILLEGAL_INVOCATION);
  }

  Object.defineProperty(Crypto.prototype, "subtle", {
    get() {
      checkCrypto(this);
      return subtle;
    },
    enumerable: true,
    configurable: true,
  });
  defineMethods(Crypto.prototype, {
    getRandomValues(array) {
      checkCrypto(this);
      if (!isView(array)) {
        throw new TypeError("Failed to execute 'getRandomValues' on 'Crypto': parameter 1 is not of type 'ArrayBufferView'.");
      }
      if (!INTEGER_ARRAYS.has(typedArrayTag.call(array))) {
        throw error("TypeMismatchError", "ArrayBufferView argument to getRandomValues() must be an integer-typed view.");
      }
      const length = typedArrayLength.call(array);
      if (length > 65536) {
        throw error("QuotaExceededError", `getRandomValues() only accepts buffers of size <= 64K but provided ${length} bytes.`);
      }
      native.fill(array);
      return array;
    },
    randomUUID() {
      checkCrypto(this);
      return native.uuid();
    },
  });
  // ---- DigestStream -----------------------------------------------------------------------

  // DigestStream -> { digest, bytesWritten }
  const digestStreams = new WeakMap();
  const { WritableStream } = globalThis;

  // A WritableStream that hashes what is written to it (strings as UTF-8); `digest` settles
  // when it closes, or rejects with the reason it was aborted with.
  function DigestStream(algorithm) {
    if (new.target === undefined) {
      throw new TypeError("Failed to construct 'DigestStream': Please use the 'new' operator, this object constructor cannot be called as a function.");
    }
    const hasher = native.hasher(hashName(algorithmArgument(algorithm, "DigestStream", 1, "string or HashAlgorithm")));
    const state = { bytesWritten: 0n };
    state.digest = new Promise((resolve, reject) => {
      state.resolve = resolve;
      state.reject = reject;
    });
    const encoder = new TextEncoder();
    const stream = Reflect.construct(WritableStream, [{
      write(chunk) {
        const bytes = typeof chunk === "string" ? encoder.encode(chunk) : chunk;
        if (!isBufferSource(bytes)) throw new TypeError("DigestStream accepts only strings and BufferSources.");
        const copy = new Uint8Array(native.copy(bytes));
        hasher.update(copy);
        state.bytesWritten += BigInt(copy.length);
      },
      close() {
        state.resolve(hasher.finish());
      },
      abort(reason) {
        state.reject(reason);
      },
    }], new.target);
    digestStreams.set(stream, state);
    return stream;
  }
  Object.setPrototypeOf(DigestStream, WritableStream);
  DigestStream.prototype = Object.create(WritableStream.prototype, {
    digest: { get() { return streamState(this).digest; }, enumerable: true, configurable: true },
    bytesWritten: { get() { return streamState(this).bytesWritten; }, enumerable: true, configurable: true },
    constructor: { value: DigestStream, writable: true, configurable: true },
    [Symbol.toStringTag]: { value: "DigestStream", configurable: true },
  });
  Object.defineProperty(DigestStream, "prototype", { writable: false });

  function streamState(self) {
    const state = digestStreams.get(self);
    if (state === undefined) throw new TypeError(ILLEGAL_INVOCATION);
    return state;
  }
  defineMethods(Crypto.prototype, { DigestStream });

  Object.defineProperty(Crypto.prototype, Symbol.toStringTag, { value: "Crypto", configurable: true });
  // As in workerd, `constructor` comes after the methods.
  for (const constructor of [Crypto, SubtleCrypto]) {
    delete constructor.prototype.constructor;
    Object.defineProperty(constructor.prototype, "constructor", { value: constructor, writable: true, configurable: true });
  }

  Object.defineProperty(globalThis, "crypto", { value: crypto, writable: true, enumerable: true, configurable: true });
  internal.exposeGlobals({ Crypto, SubtleCrypto });
});
