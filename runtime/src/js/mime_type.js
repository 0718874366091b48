// MIME types as the WHATWG MIME Sniffing standard parses and serializes them: a lower-cased
// type/subtype essence and parameters with lower-cased names (the first of each name wins).
//
// For later prelude files: `internal.mimeType.parse(text)` → { essence, params: Map } or null,
// and `internal.mimeType.serialize(parsed)`.
(function (internal) {
  "use strict";

  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const QUOTED_CHARS = /^[\t\u0020-\u007e\u0080-\u00ff]*$/;
  const WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

  function parse(input) {
    const text = String(input).replace(WHITESPACE, "");
    const slash = text.indexOf("/");
    if (slash === -1) return null;
    const type = text.slice(0, slash);
    let at = text.indexOf(";", slash);
    const subtype = text.slice(slash + 1, at === -1 ? text.length : at).replace(WHITESPACE, "");
    if (!TOKEN.test(type) || !TOKEN.test(subtype)) return null;
    const params = new Map();
    while (at !== -1 && at < text.length) {
      at++;
      while (" \t\n\r".includes(text[at]) && at < text.length) at++;
      let end = at;
      while (end < text.length && text[end] !== ";" && text[end] !== "=") end++;
      const name = text.slice(at, end).toLowerCase();
      at = end;
      if (at >= text.length) break;
      if (text[at] === ";") continue;
      at++;
      let value;
      if (text[at] === '"') {
        value = "";
        at++;
        while (at < text.length && text[at] !== '"') {
          if (text[at] === "\\" && at + 1 < text.length) at++;
          value += text[at++];
        }
        at = text.indexOf(";", at);
      } else {
        end = text.indexOf(";", at);
        value = text.slice(at, end === -1 ? text.length : end).replace(/[\t\n\r ]+$/, "");
        at = end;
        if (value === "") continue;
      }
      if (TOKEN.test(name) && QUOTED_CHARS.test(value) && !params.has(name)) {
        params.set(name, value);
      }
    }
    return { essence: `${type}/${subtype}`.toLowerCase(), params };
  }

  function serialize({ essence, params }) {
    let out = essence;
    for (const [name, value] of params) {
      const shown = TOKEN.test(value) ? value : `"${value.replace(/(["\\])/g, "\\$1")}"`;
      out += `;${name}=${shown}`;
    }
    return out;
  }

  internal.mimeType = { parse, serialize };
});
