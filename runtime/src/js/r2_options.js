// The options of R2 calls checked and converted as workerd does before it asks the bucket:
// `internal.r2Options` has `conditions(onlyIf)`, `range(value)`, `httpFields(value)`,
// `customFields(action, value)`, `checksum(options)`, `body(action, value)` and
// `partNumber(value)`; each throws workerd's TypeError or RangeError for a bad value.
// `HTTP_FIELDS` pairs each httpMetadata field with its header; `hex(bytes)` spells bytes.
(function (internal) {
  "use strict";

  const MAX_CUSTOM_METADATA = 2048;
  const ALGORITHMS = [
    ["md5", "MD5", 16],
    ["sha1", "SHA-1", 20],
    ["sha256", "SHA-256", 32],
    ["sha384", "SHA-384", 48],
    ["sha512", "SHA-512", 64],
  ];
  const HTTP_FIELDS = [
    ["contentType", "content-type"],
    ["contentLanguage", "content-language"],
    ["contentDisposition", "content-disposition"],
    ["contentEncoding", "content-encoding"],
    ["cacheControl", "cache-control"],
    ["cacheExpiry", "expires"],
  ];
  const TEXT_FIELDS = HTTP_FIELDS.filter(([field]) => field !== "cacheExpiry");
  const encoder = new TextEncoder();

  // Bytes (an ArrayBuffer or a Uint8Array) in lower-case hex.
  const hex = (bytes) =>
    Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

  // The etags of an If-Match / If-None-Match header: `*`, `"tag"`, `W/"tag"`, comma-separated.
  function headerEtags(text, name) {
    const tags = [];
    let rest = text;
    let needComma = false;
    for (;;) {
      const at = (c) => { const i = rest.indexOf(c); return i < 0 ? Infinity : i; };
      const [star, quote, weak, comma] = [at("*"), at('"'), at("W"), at(",")];
      if (quote === Infinity && star === Infinity) break;
      if (comma < star && comma < quote && comma < weak) {
        rest = rest.slice(comma + 1);
        needComma = false;
        continue;
      }
      if (needComma) {
        const first = Math.min(star, quote, weak);
        const why = first === star
          ? "Encountered a wildcard character '*' instead."
          : first === quote
            ? "Encountered a double quote character '\"' instead. This would otherwise indicate the start of a new strong etag."
            : "Encountered a weak quotation character 'W' instead. This would otherwise indicate the start of a new weak etag.";
        throw new Error(`Comma was expected to separate etags. ${why}`);
      }
      if (star < quote) return [{ type: "wildcard" }];
      const close = rest.indexOf('"', quote + 1);
      if (close < 0) throw new Error("Unclosed double quote for Etag");
      const value = rest.slice(quote + 1, close);
      if (weak < quote) {
        if (rest[weak + 1] !== "/" || weak + 2 !== quote) {
          throw new Error("Weak etags must start with W/ and their value must be quoted");
        }
        tags.push({ type: "weak", value });
      } else {
        tags.push({ type: "strong", value });
      }
      rest = rest.slice(close + 1);
      needComma = true;
    }
    if (tags.length === 0) throw new Error(`Invalid ETag in ${name} header`);
    return tags;
  }

  // One etag given as an option: `*` or the bare tag.
  function optionEtag(value) {
    const tag = String(value);
    if (tag.startsWith('"') && tag.endsWith('"')) {
      throw new TypeError(`Conditional ETag should not be wrapped in quotes (${tag}).`);
    }
    return [tag === "*" ? { type: "wildcard" } : { type: "strong", value: tag }];
  }

  function dateOption(value, field, struct) {
    if (value === undefined || value === null) return undefined;
    if (!(value instanceof Date)) {
      throw new TypeError(
        `Incorrect type for the '${field}' field on '${struct}': the provided value is not of type 'date'.`
      );
    }
    return value.getTime();
  }

  // onlyIf (an R2Conditional or Headers) as the bucket takes it.
  function conditions(value) {
    if (value === undefined || value === null) return {};
    if (value instanceof Headers) {
      const out = { secondsGranularity: true };
      const ifMatch = value.get("if-match");
      if (ifMatch !== null) out.etagMatches = headerEtags(ifMatch, "if-match");
      const ifNoneMatch = value.get("if-none-match");
      if (ifNoneMatch !== null) out.etagDoesNotMatch = headerEtags(ifNoneMatch, "if-none-match");
      const since = value.get("if-modified-since");
      if (since !== null) out.uploadedAfter = Date.parse(since);
      const unmodified = value.get("if-unmodified-since");
      if (unmodified !== null) out.uploadedBefore = Date.parse(unmodified);
      return out;
    }
    const out = { secondsGranularity: Boolean(value.secondsGranularity) };
    if (value.etagMatches !== undefined) out.etagMatches = optionEtag(value.etagMatches);
    if (value.etagDoesNotMatch !== undefined) out.etagDoesNotMatch = optionEtag(value.etagDoesNotMatch);
    out.uploadedAfter = dateOption(value.uploadedAfter, "uploadedAfter", "R2Conditional");
    out.uploadedBefore = dateOption(value.uploadedBefore, "uploadedBefore", "R2Conditional");
    return out;
  }

  function whole(value, what) {
    const n = Number(value);
    if (n < 0) throw new RangeError(`${what} (${n}) must be greater than or equal to 0.`);
    return n;
  }

  function integral(n, what) {
    if (!Number.isInteger(n)) {
      throw new RangeError(`Invalid range. ${what} (${n}) must be an integer, not floating point.`);
    }
    return n;
  }

  // A get's range (an R2Range or Headers with a Range header) as the bucket takes it.
  function range(value) {
    if (value === undefined || value === null) return undefined;
    if (value instanceof Headers) {
      const header = value.get("range");
      return header === null ? undefined : { header };
    }
    const out = {};
    if (value.offset !== undefined) {
      out.offset = integral(whole(value.offset, "Invalid range. Starting offset"), "Starting offset");
    }
    if (value.length !== undefined) {
      out.length = integral(whole(value.length, "Invalid range. Length"), "Length");
    }
    if (value.suffix !== undefined) {
      if (value.offset !== undefined) throw new TypeError("Suffix is incompatible with offset.");
      if (value.length !== undefined) throw new TypeError("Suffix is incompatible with length.");
      out.suffix = integral(whole(value.suffix, "Invalid suffix. Suffix"), "Suffix");
    }
    return out;
  }

  // httpMetadata (an R2HTTPMetadata or Headers) as stored: strings, the expiry in milliseconds.
  function httpFields(value) {
    const out = {};
    if (value === undefined || value === null) return out;
    if (value instanceof Headers) {
      for (const [field, header] of TEXT_FIELDS) {
        const got = value.get(header);
        if (got !== null) out[field] = got;
      }
      const expires = value.get("expires");
      if (expires !== null) out.cacheExpiry = String(Date.parse(expires));
      return out;
    }
    for (const [field] of TEXT_FIELDS) {
      if (value[field] !== undefined && value[field] !== null) out[field] = String(value[field]);
    }
    const expiry = dateOption(value.cacheExpiry, "cacheExpiry", "HttpMetadata");
    if (expiry !== undefined) out.cacheExpiry = String(expiry);
    return out;
  }

  // How R2 counts a metadata string: a byte a character, two if any is past U+00FF.
  const metadataLength = (text) =>
    /[^\u0000-\u00ff]/.test(text) ? text.length * 2 : text.length;

  function customFields(action, value) {
    const out = {};
    if (value === undefined || value === null) return out;
    let size = 0;
    for (const name of Object.keys(value)) {
      out[name] = String(value[name]);
      size += metadataLength(name) + metadataLength(out[name]);
    }
    if (size > MAX_CUSTOM_METADATA) {
      throw new Error(`${action}: Your metadata headers exceed the maximum allowed metadata size. (10012)`);
    }
    return out;
  }

  // The checksum a put is to be verified against: `[algorithm, hex]` or null.
  function checksum(options) {
    let chosen = null;
    for (const [algorithm, name, size] of ALGORITHMS) {
      const given = options[algorithm];
      if (given === undefined || given === null) continue;
      if (chosen) throw new TypeError("You cannot specify multiple hashing algorithms.");
      if (typeof given === "string") {
        if (given.length !== size * 2) {
          throw new TypeError(`${name} is ${size * 2} hex characters, not ${given.length}`);
        }
        if (!/^[0-9a-fA-F]*$/.test(given)) throw new TypeError(`Provided ${name} wasn't a valid hex string`);
        chosen = [algorithm, given.toLowerCase()];
      } else if (given instanceof ArrayBuffer || ArrayBuffer.isView(given)) {
        const bytes = given instanceof ArrayBuffer
          ? new Uint8Array(given)
          : new Uint8Array(given.buffer, given.byteOffset, given.byteLength);
        if (bytes.length !== size) throw new TypeError(`${name} is ${size} bytes, not ${bytes.length}`);
        chosen = [algorithm, hex(bytes)];
      } else {
        throw new TypeError(
          `Incorrect type for the '${algorithm}' field on 'PutOptions': the provided value is not of type 'BufferSource or string'.`
        );
      }
    }
    return chosen;
  }

  // The bytes of a put or part body; a stream must say how long it is, as workerd needs.
  async function body(action, value) {
    if (value === undefined || value === null) return new Uint8Array(0);
    if (typeof value === "string") return encoder.encode(value);
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return value;
    if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
    if (value instanceof ReadableStream) {
      if (internal.streams.expectedLength(value) === null) {
        throw new TypeError(
          "Provided readable stream must have a known length (request/response body or readable half of FixedLengthStream)"
        );
      }
      return new Uint8Array(await new Response(value).arrayBuffer());
    }
    const [method, type] = action === "put" ? ["put", "R2Bucket"] : ["uploadPart", "R2MultipartUpload"];
    throw new TypeError(
      `Failed to execute '${method}' on '${type}': parameter 2 is not of type 'JsReadableStream or ArrayBuffer or ArrayBufferView or string or Blob'.`
    );
  }

  // A part number as workerd converts it (to an integer), checked to be 1..10000.
  function partNumber(value) {
    const number = Math.trunc(Number(value)) || 0;
    if (number < 1 || number > 10000) {
      throw new TypeError(`Part number must be between 1 and 10000 (inclusive). Actual value was: ${number}`);
    }
    return number;
  }

  internal.r2Options = {
    HTTP_FIELDS, hex, conditions, range, httpFields, customFields, checksum, body, partNumber,
  };
});
