// cloudflare:workers: the version's bindings as `env` (the very object fetch handlers
// receive) and the base classes bundles extend or import.
import internal from "sitegate:internal";

export const env = internal.env;

/** A class-based entrypoint: `new Entrypoint(ctx, env)`, then its `fetch(request)`. */
export class WorkerEntrypoint {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

/** The base class of a Durable Object: `new Object(state, env)`. */
export class DurableObject {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

/** The base class of a Workflow: `new Workflow(ctx, env)`. */
export class WorkflowEntrypoint {
  constructor(ctx, env) {
    this.ctx = ctx;
    this.env = env;
  }
}

/** The marker class for objects passed by reference over RPC. */
export class RpcTarget {}

/** Keeps the isolate working on `promise` after the response; a failure is logged. */
export function waitUntil(promise) {
  Promise.resolve(promise).catch((error) => console.error("waitUntil:", error));
}
