// An itty-router app (bundled from the `itty-router` npm package at test time): AutoRouter
// with path params, query, JSON bodies, status helpers, before/finally stages and errors.
import { AutoRouter, error, json, status, StatusError, text, withContent } from "itty-router";

const router = AutoRouter({
  before: [(request) => void (request.started = "yes")],
  finally: [(response) => (response ? (response.headers.set("x-router", "itty"), response) : response)],
});

router
  .get("/", () => text("itty home"))
  .get("/hello/:name", ({ name }) => ({ hello: name }))
  .get("/params/:a/:b?", ({ params }) => params)
  .get("/query", ({ query }) => ({ query }))
  .get("/started", (request) => ({ started: request.started }))
  .post("/items", withContent, ({ content }) => json({ created: content }, { status: 201 }))
  .get("/status/:code", ({ code }) => status(Number(code)))
  .get("/error/:code", ({ code }) => error(Number(code), "custom " + code))
  .get("/throw", () => {
    throw new StatusError(409, "conflicted");
  })
  .get("/crash", () => {
    throw new Error("unexpected");
  })
  .all("/any", (request) => ({ method: request.method }));

export default router;
