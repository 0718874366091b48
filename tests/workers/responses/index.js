// Response constructors and helpers: Response.json, Response.redirect (absolute and
// relative-to-request), statuses with and without bodies, statusText, and invalid inits.
function attempt(fn) {
  try {
    fn();
    return "ok";
  } catch (e) {
    return e.name;
  }
}

export default {
  fetch(request) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/json":
        return Response.json({ a: 1, nested: { b: [true, null] }, s: "é\u2028" });
      case "/json-init":
        return Response.json([1, 2], { status: 202, headers: { "x-extra": "yes", "content-type": "application/vnd.test+json" } });
      case "/redirect":
        return Response.redirect("https://example.com/target?x=1", 302);
      case "/redirect-301":
        return Response.redirect("https://example.com/moved", 301);
      case "/redirect-relative":
        return Response.redirect(new URL("/landing?from=redirect", request.url).href, 307);
      case "/redirect-308":
        return Response.redirect("https://example.com/a b", 308);
      case "/manual-redirect":
        return new Response(null, { status: 303, headers: { location: "/see-other" } });
      case "/no-content":
        return new Response(null, { status: 204 });
      case "/teapot":
        return new Response("short and stout", { status: 418, statusText: "I'm a teapot" });
      case "/created":
        return new Response("made", { status: 201 });
      case "/status-text":
        return Response.json((() => {
          const r = new Response("x", { status: 299, statusText: "Odd" });
          return { status: r.status, statusText: r.statusText, ok: r.ok, redirected: r.redirected, type: r.type, url: r.url };
        })());
      case "/invalid":
        return Response.json({
          status_99: attempt(() => new Response("x", { status: 99 })),
          status_600: attempt(() => new Response("x", { status: 600 })),
          body_with_204: attempt(() => new Response("x", { status: 204 })),
          redirect_200: attempt(() => Response.redirect("https://example.com/", 200)),
          redirect_bad_url: attempt(() => Response.redirect("not a url")),
          bad_status_text: attempt(() => new Response("x", { statusText: "a\nb" })),
          error_type: Response.error().type,
          error_status: Response.error().status,
        });
      case "/clone": {
        const original = new Response("cloned body", { headers: { "x-from": "original" } });
        const copy = original.clone();
        return new Response(copy.body, { status: 200, headers: copy.headers });
      }
      case "/empty":
        return new Response();
      case "/uint8":
        return new Response(new Uint8Array([104, 105, 0, 255]));
      case "/blob":
        return new Response(new Blob(["blob ", "parts"], { type: "text/x-blob" }));
      case "/params":
        return new Response(new URLSearchParams({ q: "a b", r: "é" }));
      default:
        return new Response("not found: " + url.pathname, { status: 404, headers: { "content-type": "text/plain" } });
    }
  },
};
