// The first prelude file: globals every later file may rely on.
(function (internal) {
  "use strict";
  Object.defineProperty(globalThis, "navigator", {
    value: Object.freeze({ userAgent: "Cloudflare-Workers" }),
    enumerable: false,
    configurable: true,
    writable: true,
  });
  globalThis.self = globalThis;
  globalThis.queueMicrotask = function queueMicrotask(callback) {
    if (typeof callback !== "function") {
      throw new TypeError("queueMicrotask requires a function");
    }
    Promise.resolve().then(() => callback());
  };
});
