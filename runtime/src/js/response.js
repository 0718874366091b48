// Response (Fetch), as workerd has it: status 200–599 (101 only with a `webSocket`), a
// null-body status (101, 204, 205, 304) refuses a non-empty body, `type` "default" (or
// "error"), `webSocket` and `cf`, `Response.json`, `Response.redirect` (301, 302, 303, 307,
// 308 to an absolute URL) and `Response.error`. `new Response(body, response)` copies the
// other response's status, statusText and headers (mutable). A redirect's and a `fetch()`
// response's headers are immutable, and a clone keeps them so.
//
// For the gateway and `fetch`:
//   internal.responseParts(response) → { status, statusText, headers: [[name, value]...] (each
//     Set-Cookie its own entry), body: null | Uint8Array (read-only) | ReadableStream,
//     webSocket }; a static body comes back as its bytes, no stream is made; takes the body
//     (TypeError if it was used) and throws TypeError if `response` is not a Response.
//   internal.makeResponse(status, statusText, headerPairs, body, url, redirected) → Response
//     with immutable headers, `body` null, a Uint8Array (adopted) or a ReadableStream, with no checks.
(function (internal) {
  "use strict";

  const bodies = internal.body;
  /** Stands for "these fields are already checked" as a constructor's first argument. */
  const ADOPT = Symbol("adopt");
  const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
  const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

  /** A status as workerd converts it: truncated to an integer, TypeError outside int32. */
  function toStatus(value) {
    const status = Math.trunc(Number(value)) || 0;
    if (status < -2147483648 || status > 2147483647) {
      throw new TypeError(
        "Value out of range. Must be between -2147483648 and 2147483647 (inclusive).",
      );
    }
    return status;
  }

  /** A reason phrase: tab, space, visible ASCII and obs-text only. */
  function toStatusText(value) {
    const text = String(value);
    if (/[^\t\u0020-\u007e\u0080-\u00ff]/.test(text)) throw new TypeError("Invalid statusText");
    return text;
  }

  function checkInit(init) {
    if (init === undefined || init === null) return {};
    if (typeof init !== "object" && typeof init !== "function") {
      throw new TypeError(
        "Failed to construct 'Response': constructor parameter 2 is not of type 'InitializerDict or Response'.",
      );
    }
    return init;
  }

  /** Every field of a Response, defaults filled in. */
  function fields({
    status,
    statusText = "",
    headers,
    state = bodies.none(),
    type = "default",
    url = "",
    redirected = false,
    webSocket = null,
    cf = undefined,
  }) {
    return { status, statusText, headers, state, type, url, redirected, webSocket, cf };
  }

  /** The fields of `new Response(body, init)`, checked as workerd checks them. */
  function construct(body, options) {
    const init = checkInit(options);
    const status = init.status === undefined ? 200 : toStatus(init.status);
    const webSocket = init.webSocket ?? null;
    if ((status < 200 || status > 599) && !(status === 101 && webSocket !== null)) {
      throw new RangeError(
        "Responses may only be constructed with status codes in the range 200 to 599, inclusive.",
      );
    }
    const statusText = init.statusText === undefined ? "" : toStatusText(init.statusText);
    const headers = bodies.headers(init.headers, "InitializerDict");
    let { state, type } = bodies.extract(body);
    if (NULL_BODY_STATUSES.has(status) && (state.bytes !== null || state.stream !== null)) {
      if (state.bytes === null || state.bytes.byteLength !== 0) {
        throw new TypeError(
          "Response with null body status (101, 204, 205, or 304) cannot have a body.",
        );
      }
      state = bodies.none();
      type = null;
    }
    if (type !== null && !headers.has("content-type")) headers.set("content-type", type);
    return fields({ status, statusText, headers, state, webSocket, cf: init.cf });
  }

  class Response extends internal.Body {
    #status;
    #statusText;
    #headers;
    #type;
    #url;
    #redirected;
    #webSocket;
    #cf;

    constructor(body = null, init = undefined) {
      const f = body === ADOPT ? init : construct(body, init);
      super(f.state);
      this.#status = f.status;
      this.#statusText = f.statusText;
      this.#headers = f.headers;
      this.#type = f.type;
      this.#url = f.url;
      this.#redirected = f.redirected;
      this.#webSocket = f.webSocket;
      this.#cf = f.cf;
    }

    static json(data, init = undefined) {
      const options = checkInit(init);
      const headers = bodies.headers(options.headers, "InitializerDict");
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
      return new Response(String(JSON.stringify(data)), {
        status: options.status,
        statusText: options.statusText,
        headers,
        webSocket: options.webSocket,
        cf: options.cf,
      });
    }

    static redirect(url, status = 302) {
      const code = toStatus(status);
      if (!REDIRECT_STATUSES.has(code)) {
        throw new RangeError(
          `${code} is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308.`,
        );
      }
      let location;
      try {
        location = new URL(String(url)).href;
      } catch {
        throw new TypeError(`Unable to parse URL: ${url}`);
      }
      return new Response(
        ADOPT,
        fields({ status: code, headers: internal.immutableHeaders([["location", location]]) }),
      );
    }

    static error() {
      return new Response(ADOPT, fields({ status: 0, headers: new Headers(), type: "error" }));
    }

    clone() {
      return new Response(
        ADOPT,
        fields({
          status: this.#status,
          statusText: this.#statusText,
          headers: internal.cloneHeaders(this.#headers),
          state: bodies.clone(bodies.of(this)),
          type: this.#type,
          url: this.#url,
          redirected: this.#redirected,
          cf: this.#cf,
        }),
      );
    }

    get status() {
      return this.#status;
    }

    get statusText() {
      return this.#statusText;
    }

    get headers() {
      return this.#headers;
    }

    get ok() {
      return this.#status >= 200 && this.#status <= 299;
    }

    get redirected() {
      return this.#redirected;
    }

    get url() {
      return this.#url;
    }

    get webSocket() {
      return this.#webSocket;
    }

    get cf() {
      return this.#cf;
    }

    get type() {
      return this.#type;
    }

    static {
      internal.responseParts = (response) => {
        if (!(response instanceof Response)) {
          throw new TypeError("Expected a Response object from the handler.");
        }
        return {
          status: response.#status,
          statusText: response.#statusText,
          headers: [...response.#headers],
          body: bodies.take(bodies.of(response)),
          webSocket: response.#webSocket,
        };
      };
    }
  }

  Object.defineProperty(Response.prototype, Symbol.toStringTag, {
    value: "Response",
    configurable: true,
  });

  internal.makeResponse = (status, statusText, headerPairs, body, url, redirected) =>
    new Response(
      ADOPT,
      fields({
        status,
        statusText,
        headers: internal.immutableHeaders(headerPairs),
        state: bodies.fromParts(body),
        url,
        redirected,
      }),
    );
  internal.exposeGlobals({ Response });
});
