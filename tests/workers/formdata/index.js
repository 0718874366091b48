// FormData: multipart and urlencoded request bodies parsed by request.formData() and echoed
// as JSON (fields and files), and FormData built by the worker sent as a multipart response.
async function describe(value) {
  if (typeof value === "string") return { kind: "field", value };
  return {
    kind: value instanceof File ? "file" : "blob",
    name: value.name,
    type: value.type,
    size: value.size,
    text: await value.text(),
  };
}

async function echo(request) {
  let form;
  try {
    form = await request.formData();
  } catch (e) {
    return Response.json({ error: e.name }, { status: 400 });
  }
  const entries = [];
  for (const [name, value] of form) entries.push([name, await describe(value)]);
  return Response.json({
    entries,
    keys: [...form.keys()],
    has_missing: form.has("missing"),
    all_multi: (form.getAll("multi") ?? []).length,
  });
}

function built() {
  const form = new FormData();
  form.append("text", "plain value");
  form.append("unicode", "ünï ☃");
  form.append("lines", "one\r\ntwo\nthree\rfour");
  form.append("quote", 'say "hi"');
  form.append("file", new File(["file contents\n"], "notes.txt", { type: "text/plain" }));
  form.append("blob", new Blob([new Uint8Array([0, 1, 2, 255])], { type: "application/octet-stream" }));
  form.append("renamed", new Blob(["x"]), "given name.bin");
  form.set("text", "replaced value");
  form.delete("nothing");
  return form;
}

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === "/echo") return echo(request);
    if (pathname === "/built") return new Response(built());
    if (pathname === "/roundtrip") {
      // The worker's own FormData through a Response and back.
      const form = await new Response(built()).formData();
      const entries = [];
      for (const [name, value] of form) entries.push([name, await describe(value)]);
      return Response.json(entries);
    }
    if (pathname === "/urlencoded") {
      const params = new URLSearchParams();
      params.append("a", "1 2");
      params.append("b", "ü&=");
      return new Response(params);
    }
    return new Response("not found", { status: 404 });
  },
};
