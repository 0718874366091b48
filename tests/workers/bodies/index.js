// Request bodies: text, arrayBuffer, bytes, json, blob, clone() (both copies readable),
// bodyUsed, reading twice, and bodies of requests the worker builds itself.
async function attempt(fn) {
  try {
    await fn();
    return "ok";
  } catch (e) {
    return e.name;
  }
}

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    switch (pathname) {
      case "/text":
        return new Response(`got ${(await request.text()).length} chars: ${await Promise.resolve("")}`);
      case "/echo":
        return new Response(await request.arrayBuffer(), {
          headers: { "content-type": request.headers.get("content-type") ?? "application/octet-stream" },
        });
      case "/bytes": {
        const bytes = new Uint8Array(await request.arrayBuffer());
        let sum = 0;
        for (const b of bytes) sum += b;
        return Response.json({ length: bytes.length, sum, first: [...bytes.slice(0, 4)] });
      }
      case "/json": {
        const value = await request.json();
        return Response.json({ type: Array.isArray(value) ? "array" : typeof value, value });
      }
      case "/blob": {
        const blob = await request.blob();
        return Response.json({ size: blob.size, type: blob.type, text: await blob.slice(1, 4).text() });
      }
      case "/clone": {
        const copy = request.clone();
        const [a, b] = await Promise.all([request.text(), copy.text()]);
        return Response.json({ same: a === b, length: a.length, used: [request.bodyUsed, copy.bodyUsed] });
      }
      case "/twice": {
        const before = request.bodyUsed;
        await request.text();
        return Response.json({
          before,
          after: request.bodyUsed,
          second_read: await attempt(() => request.text()),
          clone_after_read: await attempt(() => request.clone()),
        });
      }
      case "/no-body":
        return Response.json({ body_null: request.body === null, text: await request.text() });
      case "/built": {
        const made = new Request("https://example.com/x", {
          method: "POST",
          body: JSON.stringify({ built: true }),
          headers: { "content-type": "application/json" },
        });
        const get = new Request("https://example.com/y");
        return Response.json({
          method: made.method,
          url: made.url,
          json: await made.json(),
          get_body_null: get.body === null,
          get_with_body: await attempt(() => new Request("https://example.com/", { body: "x" })),
          copy_method: new Request(get, { method: "PUT" }).method,
          redirect: get.redirect,
          headers: [...made.headers],
        });
      }
      case "/response-bodies": {
        const r = new Response('{"k":[1,2]}');
        return Response.json({
          json: await r.clone().json(),
          text: await r.clone().text(),
          bytes: new Uint8Array(await r.arrayBuffer()).length,
          used: r.bodyUsed,
          bad_json: await attempt(() => new Response("{").json()),
        });
      }
      default:
        return new Response("not found", { status: 404 });
    }
  },
};
