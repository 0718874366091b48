// URL and URLSearchParams: parsing, relative resolution, IDNA (punycode), percent-encoding,
// invalid inputs, and the host-independent pieces of request.url.
const PARTS = ["href", "origin", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash"];

function parts(input, base) {
  try {
    const url = base === undefined ? new URL(input) : new URL(input, base);
    return Object.fromEntries(PARTS.map((key) => [key, url[key]]));
  } catch (e) {
    return { error: e.name };
  }
}

const ABSOLUTE = [
  "https://example.com",
  "HTTPS://EXAMPLE.COM:443/A/../B/./c?Q=1#F",
  "http://user:pa%20ss@example.com:8080/p/a/t/h?query=string#hash",
  "http://example.com:80/",
  "https://example.com:0443/",
  "http://[::1]:3000/x",
  "http://[2001:db8::0:1]/",
  "http://192.168.0.1./",
  "http://0x7f.1/",
  "http://münchen.de/straße",
  "https://xn--mnchen-3ya.de/",
  "http://☃.net/",
  "https://EXAMPLE.com/ä ö?ü ß#å b",
  "https://example.com/%7Efoo/%2e%2E/bar",
  "https://example.com/a%2fb",
  "https://example.com/?q=a b&r=ü&s=%zz",
  "https://example.com/#frag ment<>",
  "file:///etc/hosts",
  "data:text/plain,hello world",
  "mailto:someone@example.com",
  "blob:https://example.com/uuid",
  "javascript:alert(1)",
  "ws://example.com:80/chat",
  "wss://example.com:443/chat",
  "http://example.com\\foo\\bar",
  "  https://example.com/trim  ",
  "https://exa\tmple.com/tab\nnewline",
  "not a url",
  "http://",
  "https://exa mple.com/",
  "http://[::1/",
  "http://example.com:65536/",
  "https://ex%41mple.com/",
];

const RELATIVE = [
  ["../c", "https://example.com/a/b/"],
  ["../../../../x", "https://example.com/a/b"],
  ["/abs?x", "https://example.com/a/b?y#z"],
  ["?only", "https://example.com/a/b?y#z"],
  ["#only", "https://example.com/a/b?y#z"],
  ["//other.example/p", "https://example.com/a"],
  ["", "https://example.com/a?b#c"],
  ["./d;p?q", "http://a/b/c/d;p?q"],
  ["g:h", "http://a/b/c/d;p?q"],
  [".", "http://a/b/c/d;p?q"],
  ["..", "http://a/b/c/d;p?q"],
  ["relative", "not a base"],
];

function params() {
  const p = new URLSearchParams("?a=1&b=2&a=3&c=%20x+y&d&=e&f=%F0%9F%98%80&g=%zz");
  const out = { entries: [...p], size: p.size, a: p.getAll("a"), has_d: p.has("d"), has_a3: p.has("a", "3") };
  p.append("space", "a b+c&d=e");
  p.append("unicode", "ü☃");
  p.set("a", "only");
  p.delete("b");
  out.after = p.toString();
  p.sort();
  out.sorted = p.toString();
  out.from_object = new URLSearchParams({ x: "1", y: "two words" }).toString();
  out.from_pairs = new URLSearchParams([["k", "v"], ["k", "w"]]).toString();
  const url = new URL("https://example.com/?keep=1");
  url.searchParams.append("added", "x y");
  url.search = url.search + "&raw=a%20b";
  out.url_after = url.href;
  url.hash = "new hash";
  url.pathname = "/new path/ü";
  url.port = "8443";
  url.hostname = "sub.example.com";
  out.mutated = url.href;
  out.can_parse = [URL.canParse("https://x"), URL.canParse("nope"), URL.canParse("/p", "https://x")];
  out.encode_uri = [encodeURIComponent("a b&c/d?é"), encodeURI("https://x/a b?c=d é#f"), decodeURIComponent("%E2%9C%93")];
  return out;
}

export default {
  fetch(request) {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/absolute":
        return Response.json(ABSOLUTE.map((input) => [input, parts(input)]));
      case "/relative":
        return Response.json(RELATIVE.map(([input, base]) => [input, base, parts(input, base)]));
      case "/params":
        return Response.json(params());
      default:
        // The request's own URL, minus what depends on the host it was sent to.
        return Response.json({
          protocol_is_http: url.protocol === "https:" || url.protocol === "http:",
          pathname: url.pathname,
          search: url.search,
          hash: url.hash,
          params: [...url.searchParams],
          starts_with_origin: request.url.startsWith(url.origin + "/"),
        });
    }
  },
};
