// How a request reaches a worker's fetch handler and its Response goes back to the gateway:
// `internal.serve` builds the Request, calls the handler (an object with `fetch` or a
// WorkerEntrypoint class) with the env and an ExecutionContext, and answers through the
// native `reply`: whole when the body is known, else chunk by chunk as the stream produces it.
// As on workerd, a streamed body is sent with a Content-Length only when the stream declares its
// length (a FixedLengthStream, a fetch() body); a Content-Length header the worker set on
// another stream is dropped, and the body goes chunked.
(function (internal) {
  "use strict";

  class ExecutionContext {
    #reply;
    constructor(reply) {
      this.#reply = reply;
    }
    // The request's work goes on after the response until the promise settles (for at most
    // 30 seconds); a failure is logged.
    waitUntil(promise) {
      const reply = this.#reply;
      reply.hold();
      Promise.resolve(promise)
        .catch((error) => console.error("waitUntil:", error))
        .finally(() => reply.release());
    }
    // Workers sites have no origin behind them to fall back to: an exception still fails the
    // request with a 500, as workerd does when there is no origin.
    passThroughOnException() {}
  }
  Object.defineProperty(ExecutionContext.prototype, Symbol.toStringTag, {
    value: "ExecutionContext",
  });

  async function pump(reader, reply) {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const wait = reply.write(value);
        if (wait !== undefined) await wait;
      }
      reply.close();
    } catch (error) {
      reply.fail(error);
      reader.cancel(error).catch(() => {});
    }
  }

  function answer(response, reply) {
    if (!(response instanceof Response)) {
      throw new TypeError(
        "Incorrect type for Promise: the Promise did not resolve to 'Response'.",
      );
    }
    const parts = internal.responseParts(response);
    if (parts.body === null || parts.body instanceof Uint8Array) {
      reply.full(parts.status, parts.headers, parts.body);
      return undefined;
    }
    const length = internal.streams.expectedLength(parts.body);
    const headers = parts.headers.filter(([name]) => name !== "content-length");
    if (length !== null) headers.push(["content-length", String(length)]);
    reply.start(parts.status, headers);
    return pump(parts.body.getReader(), reply);
  }

  internal.serve = function serve(handler, env, method, url, headers, body, reply) {
    const ctx = new ExecutionContext(reply);
    let result;
    try {
      const request = internal.makeRequest(method, url, headers, body);
      result =
        typeof handler === "function"
          ? new handler(ctx, env).fetch(request)
          : handler.fetch(request, env, ctx);
    } catch (error) {
      reply.fail(error);
      return;
    }
    Promise.resolve(result)
      .then((response) => answer(response, reply))
      .catch((error) => reply.fail(error));
  };
});
