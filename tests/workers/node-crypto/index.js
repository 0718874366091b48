// node:crypto's hashes, HMACs, random values and helpers, and node:module, as nodejs_compat
// has them (deterministic outputs only; random values are checked by shape).
import crypto, {
  createHash,
  createHmac,
  getHashes,
  randomBytes,
  randomFillSync,
  randomInt,
  randomUUID,
  timingSafeEqual,
  webcrypto,
} from "node:crypto";
import { Buffer } from "node:buffer";
import { builtinModules, createRequire, isBuiltin } from "node:module";

function attempt(fn) {
  try {
    return { value: fn() };
  } catch (e) {
    return { name: e.name, code: e.code ?? null, message: e.message };
  }
}

const routes = {
  hash(url) {
    const input = url.searchParams.get("s") ?? "";
    const out = {};
    for (const algorithm of ["md5", "sha1", "sha256", "sha384", "sha512", "SHA256", "RSA-SHA256"]) {
      out[algorithm] = attempt(() => createHash(algorithm).update(input).digest("hex"));
    }
    out.chunks = createHash("sha256").update("ab").update(Buffer.from("cd")).update(new Uint8Array([101])).digest("base64");
    out.encodings = ["hex", "base64", "base64url", "latin1"].map((e) => createHash("md5").update("x").digest(e));
    out.buffer = [...createHash("sha1").update("abc").digest()].slice(0, 4);
    out.isBuffer = Buffer.isBuffer(createHash("sha1").digest());
    out.inputEncoding = createHash("sha256").update("68656c6c6f", "hex").digest("hex");
    const base = createHash("sha256").update("shared");
    const copy = base.copy();
    out.copy = [base.update("-a").digest("hex"), copy.update("-b").digest("hex")];
    const done = createHash("sha256");
    done.digest();
    out.again = attempt(() => done.digest("hex"));
    out.updateAfter = attempt(() => done.update("x"));
    out.unknown = attempt(() => createHash("nope"));
    out.badData = attempt(() => createHash("sha256").update(42));
    out.hashes = ["md5", "sha1", "sha256", "sha384", "sha512"].map((h) => getHashes().includes(h));
    return out;
  },
  hmac(url) {
    const input = url.searchParams.get("s") ?? "";
    const out = {};
    for (const algorithm of ["md5", "sha1", "sha256", "sha512"]) {
      out[algorithm] = createHmac(algorithm, "secret key").update(input).digest("hex");
    }
    out.bufferKey = createHmac("sha256", Buffer.from([1, 2, 3])).update("a").update("b").digest("base64");
    out.emptyKey = createHmac("sha256", "").digest("hex");
    out.longKey = createHmac("sha256", "k".repeat(200)).update(input).digest("hex");
    const done = createHmac("sha1", "k");
    done.digest();
    out.updateAfter = attempt(() => done.update("x"));
    out.unknown = attempt(() => createHmac("nope", "k"));
    return out;
  },
  random() {
    const bytes = randomBytes(16);
    const filled = randomFillSync(new Uint8Array(8));
    const part = Buffer.alloc(8);
    randomFillSync(part, 2, 4);
    const ints = Array.from({ length: 200 }, () => randomInt(3, 7));
    return {
      bytes: [Buffer.isBuffer(bytes), bytes.length],
      filled: filled.length,
      partUntouched: [part[0], part[1], part[6], part[7]],
      intsInRange: ints.every((n) => Number.isInteger(n) && n >= 3 && n < 7),
      intOnlyMax: randomInt(1),
      uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(randomUUID()),
      badSize: attempt(() => randomBytes(-1)),
      badRange: attempt(() => randomInt(5, 5)),
    };
  },
  helpers() {
    return {
      equal: timingSafeEqual(Buffer.from("abc"), Buffer.from("abc")),
      differ: timingSafeEqual(Buffer.from("abc"), Buffer.from("abd")),
      lengths: attempt(() => timingSafeEqual(Buffer.from("a"), Buffer.from("ab"))),
      webcrypto: webcrypto === globalThis.crypto,
      subtle: crypto.subtle === globalThis.crypto.subtle,
      defaultExport: crypto.createHash === createHash,
    };
  },
  async randomBytesCallback() {
    const result = await new Promise((resolve) =>
      randomBytes(4, (error, buffer) => resolve([error, buffer.length])),
    );
    return { result };
  },
  module() {
    const require = createRequire("/bundle/index.js");
    return {
      isBuiltin: ["node:crypto", "crypto", "fs", "react"].map((name) => isBuiltin(name)),
      listed: ["crypto", "buffer", "path"].map((name) => builtinModules.includes(name)),
      required: require("node:buffer").Buffer === Buffer && require("crypto").createHash === createHash,
      missing: attempt(() => require("react")).name,
    };
  },
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const route = routes[url.pathname.slice(1)];
    if (!route) return new Response("not found", { status: 404 });
    return Response.json(await route(url));
  },
};
