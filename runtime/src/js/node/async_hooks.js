// node:async_hooks: AsyncLocalStorage and AsyncResource. The current async context is a
// frame (a Map from storage to store, never changed once made) kept natively: the promise
// hook gives each new promise the frame current at its creation and makes it current again
// while that promise's reactions run (so it follows `await`, `then` and `queueMicrotask`);
// timers carry the frame they were scheduled in.
import internal from "sitegate:internal";

const context = internal.asyncContext;

/** Runs `fn` with `frame` current, then puts the previous frame back. */
function within(frame, fn, thisArg, args) {
  const previous = context.get();
  context.set(frame);
  try {
    return fn.apply(thisArg, args);
  } finally {
    context.set(previous);
  }
}

/** `callback` bound to the frame current now (itself when there is none). */
function carry(callback) {
  const frame = context.get();
  if (frame === undefined || typeof callback !== "function") return callback;
  return function (...args) {
    return within(frame, callback, this, args);
  };
}

for (const name of ["setTimeout", "setInterval"]) {
  const schedule = globalThis[name];
  globalThis[name] = {
    [name](callback, ...rest) {
      return schedule(carry(callback), ...rest);
    },
  }[name];
}

export class AsyncLocalStorage {
  static bind(fn) {
    return AsyncResource.bind(fn);
  }

  static snapshot() {
    const frame = context.get();
    return function runInSnapshot(fn, ...args) {
      return within(frame, fn, this, args);
    };
  }

  /** The store of this storage in the current context. */
  getStore() {
    const frame = context.get();
    return frame === undefined ? undefined : frame.get(this);
  }

  /** Runs `callback` with `store` as this storage's store, for it and what it starts. */
  run(store, callback, ...args) {
    const frame = new Map(context.get());
    frame.set(this, store);
    return within(frame, callback, null, args);
  }

  /** Runs `callback` with no store for this storage. */
  exit(callback, ...args) {
    const current = context.get();
    if (current === undefined || !current.has(this)) return callback(...args);
    const frame = new Map(current);
    frame.delete(this);
    return within(frame.size === 0 ? undefined : frame, callback, null, args);
  }

  /** Not in workerd, which throws. */
  enterWith() {
    throw new Error("asyncLocalStorage.enterWith() is not implemented");
  }

  /** Drops this storage's store from the current context. */
  disable() {
    const current = context.get();
    if (current !== undefined && current.has(this)) {
      const frame = new Map(current);
      frame.delete(this);
      context.set(frame.size === 0 ? undefined : frame);
    }
  }

  get name() {
    return "";
  }
}

let lastId = 1;

export class AsyncResource {
  #frame = context.get();
  #id = ++lastId;
  #type;

  constructor(type, options) {
    if (typeof type !== "string") {
      const error = new TypeError(
        `The "type" argument must be of type string. Received type ${typeof type}`,
      );
      error.code = "ERR_INVALID_ARG_TYPE";
      throw error;
    }
    this.#type = type;
    this.triggerId = typeof options === "number" ? options : options?.triggerAsyncId ?? 1;
  }

  static bind(fn, type, thisArg) {
    return new AsyncResource(type || fn.name || "bound-anonymous-fn").bind(fn, thisArg);
  }

  /** Calls `fn` in the context this resource was made in. */
  runInAsyncScope(fn, thisArg, ...args) {
    return within(this.#frame, fn, thisArg, args);
  }

  bind(fn, thisArg) {
    const resource = this;
    const bound = function (...args) {
      return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    };
    Object.defineProperty(bound, "length", { value: fn.length });
    Object.defineProperty(bound, "asyncResource", { value: this, enumerable: true });
    return bound;
  }

  emitDestroy() {
    return this;
  }

  asyncId() {
    return this.#id;
  }

  triggerAsyncId() {
    return this.triggerId;
  }

  get type() {
    return this.#type;
  }
}

export function executionAsyncId() {
  return 0;
}

export function triggerAsyncId() {
  return 0;
}

export function executionAsyncResource() {
  return {};
}

export function createHook() {
  return { enable() { return this; }, disable() { return this; } };
}

export const asyncWrapProviders = Object.freeze({ NONE: 0 });

export default {
  AsyncLocalStorage, AsyncResource, executionAsyncId, triggerAsyncId,
  executionAsyncResource, createHook, asyncWrapProviders,
};
