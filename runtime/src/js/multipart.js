// FormData bodies: `multipart/form-data` (RFC 7578) written with a random boundary and read
// the way workerd reads it (parts delimited by LF "--boundary" with an optional CR before the
// LF, only `form-data` dispositions with quoted parameters, workerd's TypeError messages), and
// `application/x-www-form-urlencoded` read through URLSearchParams.
//
// For later prelude files: `internal.serializeFormData(formData)` → { bytes, contentType } and
// `internal.parseFormData(bytes, contentType)` → FormData (rejects with TypeError).
(function (internal) {
  "use strict";

  const { encode, decode } = internal.utf8;
  const CR = 13;
  const LF = 10;
  const DASH = 45;

  // ---- writing ----

  function newBoundary() {
    let hex = "";
    for (let i = 0; i < 32; i++) hex += Math.floor(Math.random() * 16).toString(16);
    return hex;
  }

  /** A name or filename inside a quoted Content-Disposition parameter, as the HTML spec escapes it. */
  function escapeParam(text) {
    return text.replace(/[\n\r"]/g, (c) => (c === "\n" ? "%0A" : c === "\r" ? "%0D" : "%22"));
  }

  internal.serializeFormData = function serializeFormData(formData) {
    const boundary = newBoundary();
    const chunks = [];
    for (const [name, value] of internal.formDataEntries(formData)) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeParam(name)}"`;
      if (typeof value === "string") {
        chunks.push(encode(`${head}\r\n\r\n${value}\r\n`));
        continue;
      }
      head += `; filename="${escapeParam(value.name)}"`;
      head += `\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`;
      chunks.push(encode(head), internal.blobBytes(value), encode("\r\n"));
    }
    chunks.push(encode(`--${boundary}--`));
    return {
      bytes: internal.concatBytes(chunks),
      contentType: `multipart/form-data; boundary=${boundary}`,
    };
  };

  // ---- reading ----

  /** Where `needle` (bytes) first occurs in `haystack` at or after `from`, or -1. */
  function indexOfBytes(haystack, needle, from) {
    const first = needle[0];
    const last = haystack.length - needle.length;
    for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
      let j = 1;
      while (j < needle.length && haystack[i + j] === needle[j]) j++;
      if (j === needle.length) return i;
    }
    return -1;
  }

  /** The header lines of one part, as a Map of lower-cased names to the first value. */
  function partHeaders(text) {
    const headers = new Map();
    for (const raw of text.split("\n")) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      const colon = line.indexOf(":");
      const name = line.slice(0, colon);
      if (colon <= 0 || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
        throw new TypeError("FormData part had invalid headers.");
      }
      const key = name.toLowerCase();
      if (!headers.has(key)) headers.set(key, line.slice(colon + 1).trim());
    }
    return headers;
  }

  /**
   * The `name` and `filename` of a `form-data` Content-Disposition. As in workerd, parameters
   * are read in order up to the first that is not `; name="non-empty value"`.
   */
  function disposition(value) {
    const semicolon = value.indexOf(";");
    const kind = (semicolon === -1 ? value : value.slice(0, semicolon)).trim();
    if (kind !== "form-data") {
      throw new TypeError(
        'Content-Disposition header for FormData part must have the value "form-data", ' +
          `possibly followed by parameters. Got: "${kind}"`,
      );
    }
    const params = Object.create(null);
    const parameter = /\s*;\s*([^\s=;"]+)\s*=\s*"((?:[^"\\]|\\.)+)"/y;
    parameter.lastIndex = semicolon === -1 ? value.length : semicolon;
    for (let found; (found = parameter.exec(value)) !== null; ) {
      params[found[1]] = found[2].replace(/\\(.)/g, "$1");
    }
    if (!params.name) {
      throw new TypeError("Content-Disposition header in FormData part is missing a name.");
    }
    return params;
  }

  /**
   * Where a part's headers end and its content starts: the first line break followed by an
   * empty line (so a part must have a header line), or null.
   */
  function headerEnd(bytes, at) {
    for (let lf = bytes.indexOf(LF, at); lf !== -1; lf = bytes.indexOf(LF, lf + 1)) {
      if (bytes[lf + 1] === LF) return { end: lf, content: lf + 2 };
      if (bytes[lf + 1] === CR && bytes[lf + 2] === LF) return { end: lf, content: lf + 3 };
    }
    return null;
  }

  function parseMultipart(bytes, boundary, formData) {
    const delimiter = encode(`\n--${boundary}`);
    const first = indexOfBytes(bytes, delimiter.subarray(1), 0);
    if (first === -1) {
      throw new TypeError("No initial boundary string (or you have a truncated message).");
    }
    let at = first + delimiter.length - 1;
    for (;;) {
      // After a boundary: "--" ends the message, a line break starts a part.
      if (bytes[at] === DASH && bytes[at + 1] === DASH) return formData;
      if (bytes[at] === CR && bytes[at + 1] === LF) at += 2;
      else if (bytes[at] === LF) at += 1;
      else throw new TypeError("Boundary string was not succeeded by CRLF, LF, or '--'.");

      const head = headerEnd(bytes, at);
      if (head === null) throw new TypeError("No multipart message header termination found.");
      const headers = partHeaders(decode(bytes.subarray(at, head.end)).replace(/\r$/, ""));
      const contentDisposition = headers.get("content-disposition");
      if (contentDisposition === undefined) {
        throw new TypeError("No valid Content-Disposition header found in FormData part.");
      }
      const { name, filename } = disposition(contentDisposition);

      const end = indexOfBytes(bytes, delimiter, head.content);
      if (end === -1) throw new TypeError("No subsequent boundary string after multipart message.");
      const contentEnd = end > head.content && bytes[end - 1] === CR ? end - 1 : end;
      const content = bytes.subarray(head.content, contentEnd);
      const value = filename
        ? internal.makeFile(content.slice(), filename, headers.get("content-type") ?? "", Date.now())
        : decode(content);
      internal.appendFormEntry(formData, name, value);
      at = end + delimiter.length;
    }
  }

  internal.parseFormData = function parseFormData(bytes, contentType) {
    const formData = new FormData();
    const parsed = contentType === null ? null : internal.mimeType.parse(contentType);
    const essence = parsed?.essence;
    if (essence === "multipart/form-data") {
      const boundary = parsed.params.get("boundary");
      if (boundary === undefined) {
        throw new TypeError(
          "No boundary string in Content-Type header. The multipart/form-data MIME type " +
            "requires a boundary parameter, e.g. 'Content-Type: multipart/form-data; " +
            "boundary=\"abcd\"'. See RFC 7578, section 4.",
        );
      }
      return parseMultipart(bytes, boundary, formData);
    }
    if (essence === "application/x-www-form-urlencoded") {
      for (const [name, value] of new URLSearchParams(decode(bytes))) {
        internal.appendFormEntry(formData, name, value);
      }
      return formData;
    }
    throw new TypeError(
      "Unrecognized Content-Type header value. FormData can only parse the following MIME " +
        "types: multipart/form-data, application/x-www-form-urlencoded",
    );
  };
});
