// AsyncLocalStorage (node:async_hooks, nodejs_compat): a store set by run() follows the
// request across awaits, timers and promise chains, stays apart between concurrent runs, and
// nests; outside any run there is none.
import { AsyncLocalStorage } from "node:async_hooks";

const storage = new AsyncLocalStorage();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function step(label, ms) {
  await sleep(ms);
  return `${label}:${storage.getStore()?.id ?? "none"}`;
}

function timerStore() {
  return new Promise((resolve) => setTimeout(() => resolve(storage.getStore()?.id ?? "none"), 1));
}

export default {
  async fetch(request) {
    const { searchParams } = new URL(request.url);
    const id = searchParams.get("id") ?? "default";
    const outside = storage.getStore() ?? "none";
    const result = await storage.run({ id }, async () => {
      const trail = [await step("a", 5)];
      trail.push(await step("b", 1));
      // Concurrent runs keep their own stores.
      const concurrent = await Promise.all(
        ["x", "y", "z"].map((inner, i) => storage.run({ id: `${id}/${inner}` }, () => step(inner, 9 - 3 * i))),
      );
      trail.push(await step("c", 0));
      const nested = storage.run({ id: "nested" }, () => storage.getStore().id);
      const thenChain = await Promise.resolve().then(() => storage.getStore().id);
      const timer = await timerStore();
      const exited = storage.exit(() => storage.getStore() ?? "none");
      return { trail, concurrent, nested, after_nested: storage.getStore().id, thenChain, timer, exited };
    });
    const snapshot = storage.run({ id: "snap" }, () => AsyncLocalStorage.snapshot());
    return Response.json({
      outside,
      result,
      after_run: storage.getStore() ?? "none",
      snapshot: snapshot(() => storage.getStore().id),
    });
  },
};
