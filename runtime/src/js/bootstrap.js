// The first prelude file: globals every later file may rely on. Enumerable as in workerd
// (`navigator`, `self`, `global`); the rest are not.
(function (internal) {
  "use strict";
  const shown = (value) => ({ value, enumerable: true, configurable: true, writable: true });
  Object.defineProperties(globalThis, {
    navigator: shown(Object.freeze({ userAgent: "Cloudflare-Workers" })),
    self: shown(globalThis),
    global: shown(globalThis),
  });
  function queueMicrotask(callback) {
    if (typeof callback !== "function") {
      throw new TypeError("queueMicrotask requires a function");
    }
    Promise.resolve().then(() => callback());
  }
  Object.defineProperty(globalThis, "queueMicrotask", {
    value: queueMicrotask,
    enumerable: false,
    configurable: true,
    writable: true,
  });
});
