// Headers: several Set-Cookie values (getSetCookie, kept apart on the wire), combined values,
// iteration order and case, validation errors, and request headers as the worker sees them.
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
    const { pathname } = new URL(request.url);
    if (pathname === "/cookies") {
      const headers = new Headers();
      headers.append("Set-Cookie", "a=1; Path=/; HttpOnly");
      headers.append("set-cookie", "b=2; Path=/; Secure; SameSite=Lax");
      headers.append("Set-Cookie", "c=3, with comma; Max-Age=60");
      headers.set("X-Count", String(headers.getSetCookie().length));
      return new Response("cookies", { headers });
    }
    if (pathname === "/inspect") {
      const h = new Headers([["B", "2"], ["a", "1"], ["C-Multi", "x"]]);
      h.append("c-multi", "y");
      h.append("Set-Cookie", "z=1");
      h.append("Set-Cookie", "y=2");
      h.set("a", "  padded value\t");
      h.delete("B");
      return Response.json({
        entries: [...h],
        keys: [...h.keys()],
        multi: h.get("C-MULTI"),
        cookie_get: h.get("set-cookie"),
        cookies: h.getSetCookie(),
        has: [h.has("A"), h.has("b")],
        from_object: [...new Headers({ Zeta: "z", alpha: "a" })],
        errors: {
          bad_name: attempt(() => h.set("bad name", "x")),
          bad_value: attempt(() => h.set("x", "a\nb")),
          bad_pair: attempt(() => new Headers([["only-one"]])),
        },
        immutable_request: attempt(() => request.headers.set("x", "y")),
      });
    }
    if (pathname === "/request") {
      return Response.json({
        custom: request.headers.get("x-custom"),
        repeated: request.headers.get("x-repeated"),
        accept: request.headers.get("accept"),
        content_type: request.headers.get("content-type"),
        method: request.method,
      });
    }
    if (pathname === "/response-headers") {
      const response = new Response("x", { headers: { "X-A": "1", "x-b": "two" } });
      response.headers.append("x-a", "3");
      response.headers.set("Content-Type", "text/x-custom; charset=utf-8");
      return response;
    }
    return new Response("not found", { status: 404 });
  },
};
