// Blob and File (File API), as workerd has them: immutable bytes with a MIME type. Parts are
// copied once at construction; slices and Blob parts share those bytes (nothing can change
// them), and every read hands out a fresh copy.
//
// For later prelude files: `internal.blobBytes(blob)` (the shared bytes, not to be handed to
// site code), `internal.makeBlob(bytes, type)` and `internal.makeFile(bytes, name, type,
// lastModified)` (adopt `bytes` and `type` as they are), `internal.copyBytes(bufferOrView)`,
// `internal.concatBytes(chunks)` and `internal.utf8.encode/decode`.
(function (internal) {
  "use strict";

  // Made on first use. workerd's body readers keep a leading byte-order mark.
  let encoder = null;
  let decoder = null;
  internal.utf8 = {
    encode: (text) => (encoder ??= new TextEncoder()).encode(text),
    decode: (bytes) => (decoder ??= new TextDecoder("utf-8", { ignoreBOM: true })).decode(bytes),
  };

  /** Stands for "adopt these bytes" as a constructor's first argument; site code never sees it. */
  const ADOPT = Symbol("adopt");
  const EMPTY = new Uint8Array(0);

  /** A MIME type as Blob keeps it: lower-cased, or "" if it has a character outside U+0020–U+007E. */
  function normalizeType(type) {
    const text = String(type);
    return /[^\u0020-\u007e]/.test(text) ? "" : text.toLowerCase();
  }

  /** A copy of the bytes of an ArrayBuffer or of a view's window on one. */
  function copyBytes(source) {
    if (source instanceof ArrayBuffer) return new Uint8Array(source.slice(0));
    const { buffer, byteOffset, byteLength } = source;
    return new Uint8Array(buffer.slice(byteOffset, byteOffset + byteLength));
  }
  internal.copyBytes = copyBytes;

  /** The bytes of one blob part. */
  function partBytes(part) {
    if (part instanceof Blob) return internal.blobBytes(part);
    if (part instanceof ArrayBuffer || ArrayBuffer.isView(part)) return copyBytes(part);
    return internal.utf8.encode(String(part));
  }

  function concat(chunks) {
    if (chunks.length === 0) return EMPTY;
    if (chunks.length === 1) return chunks[0];
    let size = 0;
    for (const chunk of chunks) size += chunk.byteLength;
    const out = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.byteLength;
    }
    return out;
  }
  internal.concatBytes = concat;

  /** A relative Blob.slice index: negative counts from the end, clamped to [0, size]. */
  function sliceIndex(value, size, fallback) {
    if (value === undefined) return fallback;
    const n = Math.trunc(Number(value)) || 0;
    return n < 0 ? Math.max(size + n, 0) : Math.min(n, size);
  }

  class Blob {
    #bytes;
    #type;

    constructor(parts = undefined, options = undefined) {
      if (parts === ADOPT) {
        this.#bytes = options.bytes;
        this.#type = options.type;
        return;
      }
      const chunks = [];
      if (parts !== undefined) {
        if (parts === null || typeof parts !== "object" || !(Symbol.iterator in parts)) {
          throw new TypeError(
            "Failed to construct 'Blob': constructor parameter 1 is not of type 'Array'.",
          );
        }
        for (const part of parts) chunks.push(partBytes(part));
      }
      const type = options?.type;
      if (options?.endings !== undefined) {
        throw new Error("The 'endings' field on 'Options' is not implemented.");
      }
      this.#bytes = concat(chunks);
      this.#type = type === undefined ? "" : normalizeType(type);
    }

    get size() {
      return this.#bytes.byteLength;
    }

    get type() {
      return this.#type;
    }

    slice(start = undefined, end = undefined, contentType = undefined) {
      const size = this.#bytes.byteLength;
      const from = sliceIndex(start, size, 0);
      const to = sliceIndex(end, size, size);
      const bytes = from < to ? this.#bytes.subarray(from, to) : EMPTY;
      const type = contentType === undefined ? "" : normalizeType(contentType);
      return new Blob(ADOPT, { bytes, type });
    }

    async arrayBuffer() {
      return this.#bytes.slice().buffer;
    }

    async bytes() {
      return this.#bytes.slice();
    }

    async text() {
      return internal.utf8.decode(this.#bytes);
    }

    stream() {
      return internal.streams.fromBytes(this.#bytes.slice());
    }

    static {
      internal.blobBytes = (blob) => blob.#bytes;
    }
  }

  class File extends Blob {
    #name;
    #lastModified;

    constructor(bits, name, options = undefined) {
      if (bits === ADOPT) {
        super(ADOPT, options);
        this.#name = name;
        this.#lastModified = options.lastModified;
        return;
      }
      if (arguments.length < 2) {
        throw new TypeError(
          "Failed to construct 'File': constructor parameter 2 is not of type 'string'.",
        );
      }
      super(bits, options);
      this.#name = String(name);
      const lastModified = options?.lastModified;
      this.#lastModified = lastModified === undefined ? Date.now() : Number(lastModified);
    }

    get name() {
      return this.#name;
    }

    get lastModified() {
      return this.#lastModified;
    }
  }

  for (const [cls, tag] of [
    [Blob, "Blob"],
    [File, "File"],
  ]) {
    Object.defineProperty(cls.prototype, Symbol.toStringTag, { value: tag, configurable: true });
  }

  internal.makeBlob = (bytes, type) => new Blob(ADOPT, { bytes, type });
  internal.makeFile = (bytes, name, type, lastModified) =>
    new File(ADOPT, name, { bytes, type, lastModified });
  internal.exposeGlobals({ Blob, File });
});
