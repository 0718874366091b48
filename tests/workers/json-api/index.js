// A small JSON API without a framework: routes by method and path, JSON bodies in and out,
// query parameters, and the status codes an API answers with.
const ITEMS = [
  { id: 1, name: "anvil", price: 120, tags: ["heavy", "iron"] },
  { id: 2, name: "rocket skates", price: 300, tags: ["fast"] },
  { id: 3, name: "bird seed", price: 5, tags: [] },
  { id: 4, name: "giant magnet", price: 80, tags: ["iron"] },
];

function json(data, status = 200, headers = {}) {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

function problem(status, message) {
  return json({ error: message, status }, status);
}

async function readJson(request) {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("application/json")) {
    return { error: problem(415, "expected application/json, got " + JSON.stringify(type)) };
  }
  try {
    return { value: await request.json() };
  } catch (e) {
    return { error: problem(400, "invalid JSON: " + e.name) };
  }
}

function list(url) {
  const params = url.searchParams;
  let items = ITEMS.slice();
  const tag = params.get("tag");
  if (tag !== null) items = items.filter((item) => item.tags.includes(tag));
  const max = params.get("max_price");
  if (max !== null) {
    const limit = Number(max);
    if (!Number.isFinite(limit)) return problem(400, "max_price must be a number");
    items = items.filter((item) => item.price <= limit);
  }
  const sort = params.get("sort") ?? "id";
  if (!["id", "name", "price"].includes(sort)) return problem(400, "unknown sort " + sort);
  items.sort((a, b) => (a[sort] < b[sort] ? -1 : a[sort] > b[sort] ? 1 : 0));
  if (params.get("order") === "desc") items.reverse();
  const limit = Math.min(Number(params.get("limit") ?? 10) || 10, 10);
  const fields = params.getAll("field");
  const shown = items.slice(0, limit).map((item) =>
    fields.length ? Object.fromEntries(fields.map((f) => [f, item[f] ?? null])) : item,
  );
  return json({ count: shown.length, total: items.length, items: shown });
}

async function create(request) {
  const { value, error } = await readJson(request);
  if (error) return error;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return problem(422, "expected an object");
  }
  const missing = ["name", "price"].filter((key) => !(key in value));
  if (missing.length) return problem(422, "missing " + missing.join(", "));
  if (typeof value.price !== "number" || value.price < 0) return problem(422, "bad price");
  const item = { id: ITEMS.length + 1, name: String(value.name), price: value.price, tags: value.tags ?? [] };
  return json(item, 201, { location: "/items/" + item.id });
}

async function update(request, item) {
  const { value, error } = await readJson(request);
  if (error) return error;
  return json({ ...item, ...value, id: item.id });
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const parts = url.pathname.split("/").filter(Boolean);
    if (parts[0] !== "items" || parts.length > 2) return problem(404, "no route " + url.pathname);
    if (parts.length === 1) {
      if (request.method === "GET") return list(url);
      if (request.method === "POST") return create(request);
      return new Response(null, { status: 405, headers: { allow: "GET, POST" } });
    }
    const id = Number(parts[1]);
    if (!Number.isInteger(id)) return problem(400, "item id must be an integer");
    const item = ITEMS.find((candidate) => candidate.id === id);
    if (!item) return problem(404, "no item " + id);
    switch (request.method) {
      case "GET":
        return json(item);
      case "PUT":
      case "PATCH":
        return update(request, item);
      case "DELETE":
        return new Response(null, { status: 204 });
      default:
        return new Response(null, { status: 405, headers: { allow: "GET, PUT, PATCH, DELETE" } });
    }
  },
};
