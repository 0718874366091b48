// R2 buckets (`env.BUCKET`), as workerd shapes them: `head`, `get`, `put`, `delete`, `list`
// and multipart uploads, over the bucket's native `op(argumentsJson, body)` (see
// bindings/r2.rs), whose promise resolves to `[resultJson, bytes | null]`. Options are
// checked by `r2_options.js`; storage, checksums, ranges and preconditions are the native
// side's. Objects are `HeadResult`s (and `GetResult`s with a body), as workerd names them.
(function (internal) {
  "use strict";

  const options = internal.r2Options;
  const MAX_KEYS = 1000;
  const MAX_KEY_BYTES = 1024;
  const MAX_LIST_WITH_METADATA = 100;
  const ALGORITHMS = ["md5", "sha1", "sha256", "sha384", "sha512"];
  const HTTP_FIELDS = options.HTTP_FIELDS;
  const encoder = new TextEncoder();

  async function call(op, action, args, body) {
    try {
      const [json, bytes] = await op(JSON.stringify(args), body ?? null);
      return [JSON.parse(json), bytes];
    } catch (e) {
      throw new Error(`${action}: ${e && e.message !== undefined ? e.message : String(e)}`);
    }
  }

  function checkKey(action, key) {
    key = String(key);
    if (encoder.encode(key).length > MAX_KEY_BYTES) {
      throw new Error(`${action}: The specified object name is not valid. (10020)`);
    }
    return key;
  }

  const hex = options.hex;
  const unhex = (text) => {
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
    return out.buffer;
  };

  // httpMetadata as objects show it: every field, undefined where unset, the expiry a Date.
  function httpMetadata(fields) {
    const out = {};
    for (const [field] of HTTP_FIELDS) {
      const value = fields[field];
      out[field] = value === undefined ? undefined : field === "cacheExpiry" ? new Date(Number(value)) : value;
    }
    return out;
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

  class HeadResult {
    // `include` lists the metadata a listing asked for (all of it elsewhere).
    constructor(meta, include) {
      const all = include === undefined;
      // Assigned in the order workerd's objects serialise their fields.
      this.storageClass = "Standard";
      this.ssecKeyMd5 = undefined;
      this.range = meta.range ? { offset: meta.range[0], length: meta.range[1] } : undefined;
      this.customMetadata = all || include.includes("customMetadata") ? { ...meta.customMetadata } : {};
      this.httpMetadata = httpMetadata(all || include.includes("httpMetadata") ? meta.httpMetadata : {});
      this.uploaded = new Date(meta.uploaded);
      this.checksums = new R2Checksums(meta.checksums);
      this.httpEtag = `"${meta.etag}"`;
      this.etag = meta.etag;
      this.size = meta.size;
      this.version = meta.version;
      this.key = meta.key;
    }
    writeHttpMetadata(headers) {
      for (const [field, header] of HTTP_FIELDS) {
        const value = this.httpMetadata[field];
        if (value === undefined) continue;
        headers.set(header, value instanceof Date ? value.toUTCString() : value);
      }
    }
  }

  const USED = "Body has already been used. It can only be used once. Use tee() first if you need to read it twice.";

  class GetResult extends HeadResult {
    #response;
    constructor(meta, bytes) {
      super(meta);
      this.#response = new Response(bytes);
    }
    #unread() {
      if (this.#response.bodyUsed) throw new TypeError(USED);
      return this.#response;
    }
    get body() { return this.#response.body; }
    get bodyUsed() { return this.#response.bodyUsed; }
    async arrayBuffer() { return this.#unread().arrayBuffer(); }
    async bytes() { return new Uint8Array(await this.#unread().arrayBuffer()); }
    async text() { return this.#unread().text(); }
    async json() { return this.#unread().json(); }
    async blob() {
      const bytes = await this.#unread().arrayBuffer();
      return new Blob([bytes], { type: this.httpMetadata.contentType ?? "" });
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
      const number = options.partNumber(partNumber);
      const body = await options.body("uploadPart", value);
      const args = { op: "uploadPart", key: this.key, upload: this.uploadId, number };
      const [etag] = await call(this.#op, "uploadPart", args, body);
      return { partNumber: number, etag };
    }
    async abort() {
      const args = { op: "abortMultipart", key: this.key, upload: this.uploadId };
      await call(this.#op, "abortMultipartUpload", args);
    }
    async complete(uploadedParts) {
      const parts = Array.from(uploadedParts, (p) => [options.partNumber(p.partNumber), String(p.etag)]);
      const args = { op: "completeMultipart", key: this.key, upload: this.uploadId, parts };
      const [meta] = await call(this.#op, "completeMultipartUpload", args);
      return new HeadResult(meta);
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
      return meta === null ? null : new HeadResult(meta);
    }
    async get(key, settings = {}) {
      const onlyIf = options.conditions(settings.onlyIf);
      const range = options.range(settings.range);
      key = checkKey("get", key);
      const [meta, bytes] = await call(this.#op, "get", { op: "get", key, onlyIf, range });
      if (meta === null) return null;
      return bytes === null ? new HeadResult(meta) : new GetResult(meta, bytes);
    }
    async put(key, value, settings = {}) {
      const body = await options.body("put", value);
      const object = {
        httpMetadata: options.httpFields(settings.httpMetadata),
        customMetadata: options.customFields("put", settings.customMetadata),
        checksum: options.checksum(settings),
      };
      const onlyIf = options.conditions(settings.onlyIf);
      key = checkKey("put", key);
      const [meta] = await call(this.#op, "put", { op: "put", key, object, onlyIf }, body);
      return meta === null ? null : new HeadResult(meta);
    }
    async delete(keys) {
      const list = Array.isArray(keys) ? keys : [keys];
      if (list.length > MAX_KEYS) {
        throw new Error(`delete: Too many keys: at most ${MAX_KEYS} may be deleted at once. (10029)`);
      }
      await call(this.#op, "delete", { op: "delete", keys: list.map((k) => checkKey("delete", k)) });
    }
    async list(settings = {}) {
      const include = settings.include === undefined ? [] : Array.from(settings.include, String);
      for (const field of include) {
        if (field !== "httpMetadata" && field !== "customMetadata") {
          throw new RangeError(`Unsupported include value ${field}`);
        }
      }
      let limit = settings.limit === undefined ? MAX_KEYS : Math.trunc(Number(settings.limit)) || 0;
      if (limit < 1 || limit > MAX_KEYS) {
        throw new Error("list: MaxKeys params must be positive integer <= 1000. (10022)");
      }
      if (include.length > 0) limit = Math.min(limit, MAX_LIST_WITH_METADATA);
      const text = (v) => (v === undefined || v === null ? undefined : String(v));
      const args = {
        op: "list",
        options: {
          prefix: text(settings.prefix),
          delimiter: text(settings.delimiter),
          cursor: text(settings.cursor),
          startAfter: text(settings.startAfter),
          limit,
        },
      };
      const [listing] = await call(this.#op, "list", args);
      return {
        objects: listing.objects.map((meta) => new HeadResult(meta, include)),
        truncated: listing.truncated,
        cursor: listing.cursor,
        delimitedPrefixes: listing.delimitedPrefixes,
      };
    }
    async createMultipartUpload(key, settings = {}) {
      const object = {
        httpMetadata: options.httpFields(settings.httpMetadata),
        customMetadata: options.customFields("createMultipartUpload", settings.customMetadata),
        checksum: null,
      };
      key = checkKey("createMultipartUpload", key);
      const [uploadId] = await call(this.#op, "createMultipartUpload", { op: "createMultipart", key, object });
      return new R2MultipartUpload(this.#op, key, uploadId);
    }
    resumeMultipartUpload(key, uploadId) {
      return new R2MultipartUpload(this.#op, String(key), String(uploadId));
    }
  }

  internal.r2Bucket = (op) => new R2Bucket(op);
});
