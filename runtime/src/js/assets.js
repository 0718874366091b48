// The `env.ASSETS` binding: `internal.assetsBinding(serve)` makes the object whose
// `fetch(request | url)` answers with the static asset for the URL's path, `serve` being the
// native `(method, path, ifNoneMatch) => Promise<{status, headers, body}>`.
(function (internal) {
  "use strict";

  internal.assetsBinding = function (serve) {
    return {
      async fetch(input, init) {
        const request = new Request(input, init);
        const path = new URL(request.url).pathname;
        const answer = await serve(request.method, path, request.headers.get("if-none-match"));
        const empty = answer.status === 304 || answer.status === 307 || request.method === "HEAD";
        return new Response(empty ? null : answer.body, {
          status: answer.status,
          headers: answer.headers,
        });
      },
    };
  };
});
