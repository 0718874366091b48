// Web Crypto with deterministic outputs only: digests, HMAC sign and verify, imported and
// exported keys, and the shapes (not values) of random UUIDs and random bytes.
const encoder = new TextEncoder();
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

async function digests(input) {
  const data = encoder.encode(input);
  const out = {};
  for (const algorithm of ["SHA-1", "SHA-256", "SHA-384", "SHA-512"]) {
    out[algorithm] = hex(await crypto.subtle.digest(algorithm, data));
  }
  out.object_form = hex(await crypto.subtle.digest({ name: "sha-256" }, data.buffer));
  return out;
}

async function hmac(message) {
  const out = {};
  for (const hash of ["SHA-1", "SHA-256", "SHA-512"]) {
    const key = await crypto.subtle.importKey(
      "raw",
      encoder.encode("key of the test"),
      { name: "HMAC", hash },
      true,
      ["sign", "verify"],
    );
    const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(message));
    const tampered = new Uint8Array(signature.slice(0));
    tampered[0] ^= 1;
    out[hash] = {
      signature: hex(signature),
      verifies: await crypto.subtle.verify("HMAC", key, signature, encoder.encode(message)),
      tampered: await crypto.subtle.verify("HMAC", key, tampered, encoder.encode(message)),
      other_message: await crypto.subtle.verify("HMAC", key, signature, encoder.encode(message + "!")),
      algorithm: key.algorithm,
      usages: key.usages,
      extractable: key.extractable,
      type: key.type,
      exported: hex(await crypto.subtle.exportKey("raw", key)),
    };
  }
  return out;
}

function shapes() {
  const uuids = Array.from({ length: 20 }, () => crypto.randomUUID());
  const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const bytes = new Uint8Array(37);
  const returned = crypto.getRandomValues(bytes);
  const words = crypto.getRandomValues(new Uint32Array(5));
  let tooBig;
  try {
    crypto.getRandomValues(new Uint8Array(65537));
    tooBig = "no error";
  } catch (e) {
    tooBig = e.name;
  }
  let floats;
  try {
    crypto.getRandomValues(new Float64Array(2));
    floats = "no error";
  } catch (e) {
    floats = e.name;
  }
  return {
    uuid_shapes: uuids.every((u) => v4.test(u)),
    uuids_distinct: new Set(uuids).size === uuids.length,
    same_array: returned === bytes,
    length: returned.length,
    words: words.length,
    too_big: tooBig,
    floats,
  };
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const input = url.searchParams.get("s") ?? "";
    switch (url.pathname) {
      case "/digest":
        return Response.json(await digests(input));
      case "/digest-body":
        return new Response(hex(await crypto.subtle.digest("SHA-256", await request.arrayBuffer())));
      case "/hmac":
        return Response.json(await hmac(input));
      case "/shapes":
        return Response.json(shapes());
      case "/md5":
        // workerd offers MD5 for digest (not in Web Crypto proper); workers use it for ETags.
        return new Response(hex(await crypto.subtle.digest("MD5", encoder.encode(input))));
      case "/bad-algorithm":
        try {
          await crypto.subtle.digest("SHA-3", encoder.encode("x"));
          return new Response("no error");
        } catch (e) {
          return new Response(e.name);
        }
      default:
        return new Response("not found", { status: 404 });
    }
  },
};
