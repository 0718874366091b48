// A Hono app (bundled from the `hono` npm package at test time): route groups, path and
// query parameters, JSON in and out, middleware, CORS, redirects, 404 and error handlers.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";

const app = new Hono();

app.use("*", async (c, next) => {
  await next();
  c.header("x-powered-by-test", "hono");
});
app.use("/api/*", cors({ origin: "https://allowed.example", allowMethods: ["GET", "POST"] }));

app.get("/", (c) => c.text("Hono home"));
app.get("/html", (c) => c.html("<h1>Hello <em>Hono</em></h1>"));

const api = new Hono();
api.get("/users/:id{[0-9]+}", (c) => c.json({ id: Number(c.req.param("id")), kind: "numeric" }));
api.get("/users/:name", (c) => c.json({ name: c.req.param("name"), kind: "named" }));
api.get("/files/*", (c) => c.json({ path: c.req.path }));
api.get("/search", (c) =>
  c.json({ q: c.req.query("q") ?? null, tags: c.req.queries("tag") ?? [], all: c.req.query() }),
);
api.post("/echo", async (c) => {
  const body = await c.req.json();
  return c.json({ received: body, type: c.req.header("content-type") }, 201);
});
api.post("/form", async (c) => {
  const body = await c.req.parseBody();
  return c.json(body);
});
api.get("/teapot", (c) => c.json({ error: "I'm a teapot" }, 418));
api.get("/fail", () => {
  throw new HTTPException(403, { message: "forbidden by test" });
});
api.get("/crash", () => {
  throw new Error("boom");
});
app.route("/api", api);

app.get("/old", (c) => c.redirect("/new", 301));
app.get("/new", (c) => c.text("new place"));

app.notFound((c) => c.json({ error: "not found", path: c.req.path }, 404));
app.onError((err, c) => {
  if (err instanceof HTTPException) return c.json({ error: err.message }, err.status);
  return c.json({ error: "internal", message: err.message }, 500);
});

export default app;
