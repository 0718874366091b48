// Request (Fetch), as workerd has it: absolute URLs only, workerd's list of methods
// (case-insensitive, CONNECT refused), redirect "follow" or "manual", `cf`, cache "no-store" or
// "no-cache", no integrity checking, `keepalive` always false, `fetcher` null, and no `mode`,
// `credentials` or `referrer`. A Request built from another takes its body and copies its
// headers (mutable); a clone keeps them as they were (the gateway's request has immutable ones).
//
// For the gateway and `fetch`:
//   internal.makeRequest(method, url, headerPairs, body, cf?) → Request, trusting what the
//     gateway already checked, with immutable headers; `body` is null, a Uint8Array (adopted, not copied) or a
//     ReadableStream; `headerPairs` an array of [name, value].
//   internal.requestParts(request) → { method, url, headers: [[name, value]...], body: null |
//     Uint8Array | ReadableStream, redirect, signal: AbortSignal | null }; takes the body
//     (marks the request's body used). TypeError if `request` is not a Request.
(function (internal) {
  "use strict";

  const bodies = internal.body;
  /** Stands for "these fields are already checked" as a constructor's first argument. */
  const ADOPT = Symbol("adopt");
  const METHODS = new Set([
    ..."GET HEAD POST PUT DELETE PATCH OPTIONS TRACE PURGE COPY LOCK MKCOL MOVE".split(" "),
    ..."PROPFIND PROPPATCH SEARCH UNLOCK ACL REPORT MKACTIVITY CHECKOUT MERGE".split(" "),
    ..."NOTIFY SUBSCRIBE UNSUBSCRIBE QUERY BAN".split(" "),
  ]);
  const REDIRECT_MODES =
    'Invalid redirect value, must be one of "follow" or "manual" ("error" won\'t be implemented ' +
    'since it does not make sense at the edge; use "manual" and check the response status code).';

  function normalizeMethod(value) {
    const method = String(value);
    const upper = /^[A-Za-z-]+$/.test(method) ? method.toUpperCase() : "";
    if (!METHODS.has(upper)) throw new TypeError(`Invalid HTTP method string: ${method}`);
    return upper;
  }

  function absoluteUrl(input) {
    const text = String(input);
    try {
      return new URL(text).href;
    } catch {
      throw new TypeError(`Invalid URL: ${text}`);
    }
  }

  function hasContent(state) {
    return state.bytes !== null || state.stream !== null;
  }

  class Request extends internal.Body {
    #method;
    #url;
    #headers;
    #redirect;
    #signal;
    #cf;
    #cache;

    /** The fields of `new Request(input, init)`, checked as workerd checks them. */
    static #fields(input, init) {
      if (init === undefined || init === null) init = {};
      else if (typeof init !== "object" && typeof init !== "function") {
        throw new TypeError(
          "Failed to construct 'Request': constructor parameter 2 is not of type " +
            "'RequestInitializerDict or Request'.",
        );
      }
      const from = input instanceof Request ? input : null;
      const fields =
        from === null
          ? { method: "GET", url: absoluteUrl(input), redirect: "follow", signal: null }
          : {
              method: from.#method,
              url: from.#url,
              redirect: from.#redirect,
              signal: from.#signal,
              cf: from.#cf,
              cache: from.#cache,
            };
      if (init.method !== undefined) fields.method = normalizeMethod(init.method);
      fields.headers =
        init.headers !== undefined
          ? bodies.headers(init.headers, "RequestInitializerDict")
          : new Headers(from === null ? undefined : from.#headers);
      if (init.redirect !== undefined) {
        const redirect = String(init.redirect);
        if (redirect !== "follow" && redirect !== "manual") throw new TypeError(REDIRECT_MODES);
        fields.redirect = redirect;
      }
      if (init.signal !== undefined) {
        if (init.signal !== null && !(init.signal instanceof AbortSignal)) {
          throw new TypeError(
            "Incorrect type for the 'signal' field on 'RequestInitializerDict': the provided " +
              "value is not of type 'AbortSignal'.",
          );
        }
        fields.signal = init.signal;
      }
      if (init.cf !== undefined) fields.cf = init.cf;
      if (init.integrity !== undefined && String(init.integrity) !== "") {
        throw new TypeError(
          "Subrequest integrity checking is not implemented. The integrity option must be " +
            "either undefined or an empty string.",
        );
      }
      if (init.cache !== undefined) {
        const cache = String(init.cache);
        if (cache !== "no-store" && cache !== "no-cache") {
          throw new TypeError(`Unsupported cache mode: ${cache}`);
        }
        fields.cache = cache;
      }

      const bodyless = fields.method === "GET" || fields.method === "HEAD";
      const noBodyOnGet = "Request with a GET or HEAD method cannot have a body.";
      if (init instanceof Request || init.body !== undefined) {
        const { state, type } =
          init instanceof Request
            ? { state: bodies.clone(bodies.of(init)), type: null }
            : bodies.extract(init.body);
        if (bodyless && hasContent(state)) throw new TypeError(noBodyOnGet);
        if (type !== null && !fields.headers.has("content-type")) {
          fields.headers.set("content-type", type);
        }
        fields.state = state;
      } else if (from !== null) {
        const state = bodies.of(from);
        if (bodies.isUsed(state)) throw new TypeError("Cannot reconstruct a Request with a used body.");
        if (bodyless && hasContent(state)) throw new TypeError(noBodyOnGet);
        fields.state = bodies.fromParts(bodies.take(state));
      } else {
        fields.state = bodies.none();
      }
      return fields;
    }

    constructor(input, init = undefined) {
      if (arguments.length === 0) {
        throw new TypeError(
          "Failed to construct 'Request': constructor parameter 1 is not of type 'Request or string'.",
        );
      }
      const fields = input === ADOPT ? init : Request.#fields(input, init);
      super(fields.state);
      this.#method = fields.method;
      this.#url = fields.url;
      this.#headers = fields.headers;
      this.#redirect = fields.redirect;
      this.#signal = fields.signal;
      this.#cf = fields.cf;
      this.#cache = fields.cache;
    }

    clone() {
      return new Request(ADOPT, {
        method: this.#method,
        url: this.#url,
        headers: internal.cloneHeaders(this.#headers),
        redirect: this.#redirect,
        signal: this.#signal,
        cf: this.#cf,
        cache: this.#cache,
        state: bodies.clone(bodies.of(this)),
      });
    }

    get method() {
      return this.#method;
    }

    get url() {
      return this.#url;
    }

    get headers() {
      return this.#headers;
    }

    get redirect() {
      return this.#redirect;
    }

    get fetcher() {
      return null;
    }

    get signal() {
      this.#signal ??= new AbortController().signal;
      return this.#signal;
    }

    get cf() {
      return this.#cf;
    }

    get integrity() {
      return "";
    }

    get keepalive() {
      return false;
    }

    get cache() {
      return this.#cache;
    }

    static {
      internal.requestParts = (request) => {
        if (!(request instanceof Request)) throw new TypeError("Expected a Request.");
        return {
          method: request.#method,
          url: request.#url,
          headers: [...request.#headers],
          body: bodies.take(bodies.of(request)),
          redirect: request.#redirect,
          signal: request.#signal,
        };
      };
    }
  }

  Object.defineProperty(Request.prototype, Symbol.toStringTag, {
    value: "Request",
    configurable: true,
  });

  internal.makeRequest = (method, url, headerPairs, body, cf = undefined) =>
    new Request(ADOPT, {
      method,
      url,
      headers: internal.immutableHeaders(headerPairs),
      redirect: "follow",
      signal: null,
      cf,
      cache: undefined,
      state: bodies.fromParts(body),
    });
  internal.exposeGlobals({ Request });
});
