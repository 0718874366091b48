// fetch(), as workerd has it: builds a Request, sends it through the native client
// (`internal.fetchSend`), follows redirects when `redirect` is "follow" (at most 20; 303, and
// 301/302 after a POST, become GET without a body; Authorization is dropped when the origin
// changes), honours the request's AbortSignal, and returns a Response whose body streams from
// the network (`internal.fetchRead`).
(function (internal) {
  "use strict";

  const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
  const MAX_REDIRECTS = 20;
  const BODY_HEADERS = new Set([
    "content-type", "content-length", "content-encoding", "content-language", "content-location",
  ]);

  /** The response body read from the network; `length` is its Content-Length, if any. */
  function networkBody(id, length) {
    const body = new ReadableStream({
      type: "bytes",
      async pull(controller) {
        const chunk = await internal.fetchRead(id);
        if (chunk === null) controller.close();
        else controller.enqueue(chunk);
      },
      cancel() {
        internal.fetchCancel(id);
      },
    });
    if (length !== null && /^[0-9]+$/.test(length)) internal.streams.expectLength(body, Number(length));
    return body;
  }

  function abortable(promise, signal) {
    if (!signal) return promise;
    signal.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        (error) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  }

  function header(pairs, name) {
    const found = pairs.find(([n]) => n === name);
    return found ? found[1] : null;
  }

  async function fetch(input, init = undefined) {
    const request = new Request(input, init);
    const parts = internal.requestParts(request);
    const signal = parts.signal;
    let { method, url, headers } = parts;
    let body =
      parts.body === null || parts.body instanceof Uint8Array
        ? parts.body
        : await abortable(internal.streams.readAll(parts.body), signal);
    for (let hops = 0; ; hops++) {
      const [status, statusText, responseHeaders, id] = await abortable(
        internal.fetchSend(method, url, headers, body),
        signal,
      );
      const location =
        parts.redirect === "follow" && REDIRECT_STATUSES.has(status)
          ? header(responseHeaders, "location")
          : null;
      if (location === null) {
        const empty = method === "HEAD" || status === 204 || status === 304;
        if (empty) internal.fetchCancel(id);
        return internal.makeResponse(
          status,
          statusText,
          responseHeaders,
          empty ? null : networkBody(id, header(responseHeaders, "content-length")),
          url,
          hops > 0,
        );
      }
      internal.fetchCancel(id);
      if (hops >= MAX_REDIRECTS) throw new TypeError("Too many redirects.");
      const next = new URL(location, url);
      if ((status === 303 && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) {
        method = "GET";
        body = null;
        headers = headers.filter(([name]) => !BODY_HEADERS.has(name));
      }
      if (next.origin !== new URL(url).origin) {
        headers = headers.filter(([name]) => name !== "authorization");
      }
      url = next.href;
    }
  }

  internal.exposeGlobals({ fetch });
});
