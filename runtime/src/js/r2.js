// R2 buckets (`env.BUCKET`), as workerd shapes them: `head`, `get`, `put`, `delete`, `list`
// and multipart uploads, over the bucket's native `op(argumentsJson, body)` (see
// bindings/r2.rs), whose promise resolves to `[resultJson, bytes | null]`. Arguments are
// checked here; storage, checksums, ranges and preconditions are the native side's.
(function (internal) {
  "use strict";

  const MAX_CUSTOM_METADATA = 2048;
  const MAX_KEYS = 1000;
  const ALGORITHMS = ["md5", "sha1", "sha256", "sha384", "sha512"];
  const DIGEST_LENGTHS = { md5: 16, sha1: 20, sha256: 32, sha384: 48, sha512: 64 };
  const HTTP_FIELDS = [
    ["contentType", "content-type"],
    ["contentLanguage", "content-language"],
    ["contentDisposition", "content-disposition"],
    ["contentEncoding", "content-encoding"],
    ["cacheControl", "cache-control"],
    ["cacheExpiry", "expires"],
  ];
  const encoder = new TextEncoder();

  function r2Error(action, message) {
    const error = new Error(`${action}: ${message}`);
    return error;
  }

  async function call(op, action, args, body) {
    try {
      const [json, bytes] = await op(JSON.stringify(args), body ?? null);
      return [JSON.parse(json), bytes];
    } catch (e) {
      throw r2Error(action, e && e.message !== undefined ? e.message : String(e));
    }
  }

  function checkKey(action, key) {
    if (typeof key !== "string") key = String(key);
    if (encoder.encode(key).length > 1024) {
      throw r2Error(action, "The specified object name is not valid. (10020)");
    }
    return key;
  }

  const hex = (bytes) =>
    Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
  const unhex = (text) => {
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
    return out.buffer;
  };

  // httpMetadata (an object or Headers) as stored: strings, the expiry in milliseconds.
  function httpFields(value) {
    const out = {};
    if (value === undefined || value === null) return out;
    const isHeaders = value instanceof Headers;
    for (const [field, header] of HTTP_FIELDS) {
      const got = isHeaders ? value.get(header) : value[field];
      if (got === undefined || got === null) continue;
      out[field] = field === "cacheExpiry" ? String(new Date(got).getTime()) : String(got);
    }
    return out;
  }

  function httpMetadata(fields) {
    const out = {};
    for (const [field] of HTTP_FIELDS) {
      if (fields[field] === undefined) continue;
      out[field] = field === "cacheExpiry" ? new Date(Number(fields[field])) : fields[field];
    }
    return out;
  }

  function customFields(action, value) {
    const out = {};
    let size = 0;
    if (value === undefined || value === null) return out;
    for (const name of Object.keys(value)) {
      out[name] = String(value[name]);
      size += encoder.encode(name).length + encoder.encode(out[name]).length;
    }
    if (size > MAX_CUSTOM_METADATA) {
      throw r2Error(action, "Your metadata headers exceed the maximum allowed metadata size. (10012)");
    }
    return out;
  }

  const time = (d) => (d === undefined || d === null ? undefined : new Date(d).getTime());
  const etags = (v) => {
    if (v === undefined || v === null) return undefined;
    const list = Array.isArray(v) ? v : String(v).split(",");
    return list.map((e) => String(e).trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1"));
  };

  // onlyIf (an object or Headers) as the native side takes it.
  function conditions(value) {
    if (value === undefined || value === null) return {};
    if (value instanceof Headers) {
      return {
        etagMatches: etags(value.get("if-match") ?? undefined),
        etagDoesNotMatch: etags(value.get("if-none-match") ?? undefined),
        uploadedBefore: time(value.get("if-unmodified-since") ?? undefined),
        uploadedAfter: time(value.get("if-modified-since") ?? undefined),
      };
    }
    return {
      etagMatches: etags(value.etagMatches),
      etagDoesNotMatch: etags(value.etagDoesNotMatch),
      uploadedBefore: time(value.uploadedBefore),
      uploadedAfter: time(value.uploadedAfter),
    };
  }

  function range(value) {
    if (value === undefined || value === null) return undefined;
    if (value instanceof Headers) {
      const header = value.get("range");
      if (header === null) return undefined;
      const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
      if (!m || (m[1] === "" && m[2] === "")) {
        throw r2Error("get", "The requested range is not satisfiable. (10039)");
      }
      if (m[1] === "") return { suffix: Number(m[2]) };
      const offset = Number(m[1]);
      return m[2] === "" ? { offset } : { offset, length: Number(m[2]) - offset + 1 };
    }
    const spec = {};
    for (const field of ["offset", "length", "suffix"]) {
      if (value[field] === undefined) continue;
      const n = Number(value[field]);
      if (!Number.isInteger(n) || n < 0) {
        throw r2Error("get", "The requested range is not satisfiable. (10039)");
      }
      spec[field] = n;
    }
    return spec;
  }

  async function bodyBytes(value) {
    if (value === undefined || value === null) return new Uint8Array(0);
    if (typeof value === "string") return encoder.encode(value);
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
    if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
    if (value instanceof ReadableStream) return new Uint8Array(await new Response(value).arrayBuffer());
    throw new TypeError(
      "Failed to execute 'put' on 'R2Bucket': parameter 2 is not of type 'ReadableStream or ArrayBuffer or ArrayBufferView or string or Blob'."
    );
  }

  function checksumOption(options) {
    let chosen;
    for (const algorithm of ALGORITHMS) {
      const given = options[algorithm];
      if (given === undefined || given === null) continue;
      if (chosen) throw new TypeError("You cannot specify multiple hash algorithms.");
      const digest = typeof given === "string" ? given.toLowerCase() : hex(given);
      if (digest.length !== DIGEST_LENGTHS[algorithm] * 2 || !/^[0-9a-f]*$/.test(digest)) {
        throw new TypeError(`${algorithm} is ${DIGEST_LENGTHS[algorithm] * 8} bits, but the given digest is not.`);
      }
      chosen = [algorithm, digest];
    }
    return chosen ?? null;
  }

  class R2Checksums {
    constructor(hexes) {
      for (const algorithm of ALGORITHMS) {
        if (hexes[algorithm] !== undefined) this[algorithm] = unhex(hexes[algorithm]);
      }
    }
    toJSON() {
      const out = {};
      for (const algorithm of ALGORITHMS) if (this[algorithm]) out[algorithm] = hex(this[algorithm]);
      return out;
    }
  }

  class R2Object {
    constructor(meta, include) {
      this.key = meta.key;
      this.version = meta.version;
      this.size = meta.size;
      this.etag = meta.etag;
      this.httpEtag = `"${meta.etag}"`;
      this.checksums = new R2Checksums(meta.checksums);
      this.uploaded = new Date(meta.uploaded);
      const all = include === undefined;
      this.httpMetadata = all || include.includes("httpMetadata") ? httpMetadata(meta.httpMetadata) : {};
      this.customMetadata = all || include.includes("customMetadata") ? { ...meta.customMetadata } : {};
      if (meta.range) this.range = { offset: meta.range[0], length: meta.range[1] };
      this.storageClass = "Standard";
    }
    writeHttpMetadata(headers) {
      for (const [field, header] of HTTP_FIELDS) {
        const value = this.httpMetadata[field];
        if (value === undefined) continue;
        headers.set(header, value instanceof Date ? value.toUTCString() : value);
      }
    }
  }

  class R2ObjectBody extends R2Object {
    #response;
    constructor(meta, bytes) {
      super(meta);
      this.#response = new Response(bytes);
    }
    get body() { return this.#response.body; }
    get bodyUsed() { return this.#response.bodyUsed; }
    arrayBuffer() { return this.#response.arrayBuffer(); }
    async bytes() { return new Uint8Array(await this.#response.arrayBuffer()); }
    text() { return this.#response.text(); }
    json() { return this.#response.json(); }
    async blob() {
      return new Blob([await this.#response.arrayBuffer()], { type: this.httpMetadata.contentType ?? "" });
    }
  }

  class R2MultipartUpload {
    #op;
    constructor(op, key, uploadId) {
      this.#op = op;
      this.key = key;
      this.uploadId = uploadId;
    }
    async uploadPart(partNumber, value) {
      const number = Number(partNumber);
      if (!Number.isInteger(number) || number < 1 || number > 10000) {
        throw new TypeError("Part number must be between 1 and 10000 (inclusive).");
      }
      const args = { op: "uploadPart", key: this.key, upload: this.uploadId, number };
      const [etag] = await call(this.#op, "uploadPart", args, await bodyBytes(value));
      return { partNumber: number, etag };
    }
    async abort() {
      const args = { op: "abortMultipart", key: this.key, upload: this.uploadId };
      await call(this.#op, "abortMultipartUpload", args);
    }
    async complete(uploadedParts) {
      const parts = Array.from(uploadedParts, (p) => [Number(p.partNumber), String(p.etag)]);
      const args = { op: "completeMultipart", key: this.key, upload: this.uploadId, parts };
      const [meta] = await call(this.#op, "completeMultipartUpload", args);
      return new R2Object(meta);
    }
  }

  class R2Bucket {
    #op;
    constructor(op) {
      this.#op = op;
    }
    async head(key) {
      key = checkKey("head", key);
      const [meta] = await call(this.#op, "head", { op: "head", key });
      return meta === null ? null : new R2Object(meta);
    }
    async get(key, options = {}) {
      key = checkKey("get", key);
      const args = { op: "get", key, onlyIf: conditions(options.onlyIf), range: range(options.range) };
      const [meta, bytes] = await call(this.#op, "get", args);
      if (meta === null) return null;
      return bytes === null ? new R2Object(meta) : new R2ObjectBody(meta, bytes);
    }
    async put(key, value, options = {}) {
      key = checkKey("put", key);
      const object = {
        httpMetadata: httpFields(options.httpMetadata),
        customMetadata: customFields("put", options.customMetadata),
        checksum: checksumOption(options),
      };
      const body = await bodyBytes(value);
      const args = { op: "put", key, object, onlyIf: conditions(options.onlyIf) };
      const [meta] = await call(this.#op, "put", args, body);
      return meta === null ? null : new R2Object(meta);
    }
    async delete(keys) {
      const list = Array.isArray(keys) ? keys : [keys];
      if (list.length > MAX_KEYS) {
        throw r2Error("delete", `Too many keys: at most ${MAX_KEYS} may be deleted at once. (10029)`);
      }
      await call(this.#op, "delete", { op: "delete", keys: list.map((k) => checkKey("delete", k)) });
    }
    async list(options = {}) {
      const limit = options.limit === undefined ? MAX_KEYS : Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_KEYS) {
        throw r2Error("list", "MaxKeys params must be positive integer <= 1000. (10022)");
      }
      const include = options.include === undefined ? [] : Array.from(options.include, String);
      const args = {
        op: "list",
        options: {
          prefix: options.prefix ?? undefined,
          delimiter: options.delimiter ?? undefined,
          cursor: options.cursor ?? undefined,
          startAfter: options.startAfter ?? undefined,
          limit,
        },
      };
      const [listing] = await call(this.#op, "list", args);
      const result = {
        objects: listing.objects.map((meta) => new R2Object(meta, include)),
        truncated: listing.truncated,
        delimitedPrefixes: listing.delimitedPrefixes,
      };
      if (listing.truncated) result.cursor = listing.cursor;
      return result;
    }
    async createMultipartUpload(key, options = {}) {
      key = checkKey("createMultipartUpload", key);
      const object = {
        httpMetadata: httpFields(options.httpMetadata),
        customMetadata: customFields("createMultipartUpload", options.customMetadata),
        checksum: null,
      };
      const [uploadId] = await call(this.#op, "createMultipartUpload", { op: "createMultipart", key, object });
      return new R2MultipartUpload(this.#op, key, uploadId);
    }
    resumeMultipartUpload(key, uploadId) {
      return new R2MultipartUpload(this.#op, checkKey("resumeMultipartUpload", key), String(uploadId));
    }
  }

  internal.r2Bucket = (op) => new R2Bucket(op);
});
