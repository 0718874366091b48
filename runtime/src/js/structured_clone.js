// structuredClone (HTML's structured serialization, as V8 performs it for workerd: Web
// objects workerd can serialize are copied, other Web objects refused with its messages) and
// the `performance` global, whose clock is Date's, as in workerd (`timeOrigin` 0, `now()`
// equal to `Date.now()`). Listed after the other Web API files: the Web classes defined by
// then are the host objects.
(function (internal) {
  "use strict";

  const { DOMException } = internal;
  const ERRORS = new Map(
    [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError].map(
      (E) => [E.prototype.name, E],
    ),
  );
  const TYPED = [
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array,
    Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  ];
  const tagOf = (v) => Object.prototype.toString.call(v).slice(8, -1);

  // Web objects workerd serializes, by class name, and how to copy each.
  const SERIALIZABLE = new Map([
    ["Request", (r) => new Request(r)],
    ["Headers", (h) => new Headers(h)],
    ["File", (f) => new File([f], f.name, { type: f.type, lastModified: f.lastModified })],
    ["Blob", (b) => b.slice(0, b.size, b.type)],
    ["DOMException", copyDomException],
  ]);
  // The language's objects that have no serialization.
  const UNCLONEABLE = [WeakMap, WeakSet, Promise, globalThis.WeakRef, globalThis.FinalizationRegistry];
  const STREAMS = ["ReadableStream", "WritableStream", "TransformStream"];
  // The language's classes, whose instances are not Web objects.
  const LANGUAGE = new Set([
    Object, Function, Array, Error, Boolean, Number, String, Symbol, BigInt, Date, RegExp, Map,
    Set, WeakMap, WeakSet, Promise, ArrayBuffer, DataView, ...ERRORS.values(), ...TYPED,
    globalThis.WeakRef, globalThis.FinalizationRegistry, globalThis.SharedArrayBuffer,
    globalThis.AggregateError,
  ]);
  // The names of the Web classes: the capitalised globals there are by now. Only names are
  // read here, so Web APIs not loaded yet stay unloaded (an instance means its class is).
  const HOST_NAMES = new Set(
    Object.getOwnPropertyNames(globalThis).filter((name) => /^[A-Z]/.test(name)),
  );

  function copyDomException(e) {
    const out = new DOMException(e.message, e.name);
    Object.defineProperty(out, "stack", {
      value: e.stack, writable: true, enumerable: true, configurable: true,
    });
    return out;
  }

  // The Web classes `value` is an instance of, nearest first.
  function hostClassesOf(value) {
    const found = [];
    for (let p = Object.getPrototypeOf(value); p !== null; p = Object.getPrototypeOf(p)) {
      const d = Object.getOwnPropertyDescriptor(p, "constructor");
      const C = d && d.value;
      if (typeof C !== "function" || LANGUAGE.has(C) || !HOST_NAMES.has(C.name)) continue;
      const global = Object.getOwnPropertyDescriptor(globalThis, C.name);
      if (global && global.value === C) found.push(C);
    }
    return found;
  }

  function copyHost(value, hosts) {
    for (const Host of hosts) {
      const clone = SERIALIZABLE.get(Host.name);
      if (clone) return clone(value);
    }
    const Host = hosts[0];
    if (STREAMS.includes(Host.name)) {
      return new DOMException(`${Host.name} can only be serialized for RPC.`, "DataCloneError");
    }
    return new DOMException(
      `Could not serialize object of type "${Host.name}". This type does not support serialization.`,
      "DataCloneError",
    );
  }

  function uncloneable(value) {
    let shown;
    try {
      shown = typeof value === "symbol" ? value.toString() : String(value);
    } catch {
      shown = "#<Object>";
    }
    if (typeof value === "object" && value !== null && /^\[object \w+\]$/.test(shown)) {
      shown = `#<${tagOf(value)}>`;
    }
    return new DOMException(`${shown} could not be cloned.`, "DataCloneError");
  }

  // Copies `value`; `seen` maps originals already copied to their copies (cycles and shared
  // references keep their shape), `moved` maps transferred buffers to their new owners.
  function copy(value, seen, moved) {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) {
      if (typeof value === "symbol") throw uncloneable(value);
      return value;
    }
    if (typeof value === "function") throw uncloneable(value);
    if (seen.has(value)) return seen.get(value);
    const keep = (c) => (seen.set(value, c), c);
    switch (tagOf(value)) {
      case "Boolean": return keep(Object(Boolean.prototype.valueOf.call(value)));
      case "Number": return keep(Object(Number.prototype.valueOf.call(value)));
      case "String": return keep(Object(String.prototype.valueOf.call(value)));
      case "BigInt": return keep(Object(BigInt.prototype.valueOf.call(value)));
      case "Date": return keep(new Date(Date.prototype.getTime.call(value)));
      case "RegExp": return keep(new RegExp(value.source, value.flags));
      case "ArrayBuffer":
        if (moved.has(value)) return keep(moved.get(value));
        return keep(value.slice(0));
      case "SharedArrayBuffer": throw uncloneable(value);
      case "DataView": {
        const buffer = copy(value.buffer, seen, moved);
        return keep(new DataView(buffer, value.byteOffset, value.byteLength));
      }
      case "Map": {
        const out = keep(new Map());
        for (const [k, v] of Map.prototype.entries.call(value)) {
          out.set(copy(k, seen, moved), copy(v, seen, moved));
        }
        return out;
      }
      case "Set": {
        const out = keep(new Set());
        for (const v of Set.prototype.values.call(value)) out.add(copy(v, seen, moved));
        return out;
      }
      case "Error": return copyError(value, keep, seen, moved);
      case "Array": {
        const out = keep(new Array(value.length));
        copyProperties(value, out, seen, moved);
        return out;
      }
      case "Object": return copyPlain(value, keep, seen, moved);
      default: {
        const Typed = TYPED.find((T) => value instanceof T);
        if (Typed && ArrayBuffer.isView(value)) {
          const buffer = copy(value.buffer, seen, moved);
          return keep(new Typed(buffer, value.byteOffset, value.length));
        }
        if (UNCLONEABLE.some((C) => C && value instanceof C)) throw uncloneable(value);
        return copyPlain(value, keep, seen, moved);
      }
    }
  }

  // Objects that are not one of the kinds above (class instances, `Object.create(null)`)
  // copy as plain objects of their own enumerable string keys; Web objects are copied or
  // refused as workerd does.
  function copyPlain(value, keep, seen, moved) {
    const hosts = hostClassesOf(value);
    if (hosts.length > 0) {
      const copied = copyHost(value, hosts);
      if (copied instanceof DOMException && copied.name === "DataCloneError") throw copied;
      return keep(copied);
    }
    const out = keep({});
    copyProperties(value, out, seen, moved);
    return out;
  }

  function copyError(value, keep, seen, moved) {
    let name = "Error";
    try {
      name = ERRORS.has(value.name) ? value.name : "Error";
    } catch {
      // A throwing getter leaves the plain Error name.
    }
    const out = keep(new (ERRORS.get(name))());
    const own = (key) => Object.prototype.hasOwnProperty.call(value, key);
    const define = (key, v) =>
      Object.defineProperty(out, key, { value: v, writable: true, configurable: true });
    if (own("message")) define("message", String(value.message));
    else delete out.message;
    define("stack", own("stack") ? String(value.stack) : undefined);
    if (!own("stack")) delete out.stack;
    if (own("cause")) define("cause", copy(value.cause, seen, moved));
    return out;
  }

  function copyProperties(from, to, seen, moved) {
    for (const key of Object.keys(from)) to[key] = copy(from[key], seen, moved);
  }

  // Maps each buffer to transfer to its new owner (filled by `detachAll`).
  function transferAll(transfer) {
    const moved = new Map();
    if (transfer === undefined) return moved;
    if (!Array.isArray(transfer)) {
      throw new TypeError(
        "Incorrect type for the 'transfer' field on 'StructuredCloneOptions': " +
          "the provided value is not of type 'Array'.",
      );
    }
    for (const item of transfer) {
      if (tagOf(item) !== "ArrayBuffer") throw new TypeError("Object is not transferable");
      moved.set(item, new ArrayBuffer(item.byteLength));
    }
    return moved;
  }

  // Once the value is copied (its views read their lengths), moves each transferred buffer's
  // bytes to its new owner and detaches it.
  function detachAll(moved) {
    for (const [from, to] of moved) {
      new Uint8Array(to).set(new Uint8Array(from));
      from.transfer();
    }
  }

  const refuse = (n, type) =>
    new TypeError(
      `Failed to execute 'structuredClone' on 'ServiceWorkerGlobalScope': ` +
        `parameter ${n} is not of type '${type}'.`,
    );

  function structuredClone(value, options = undefined) {
    if (arguments.length === 0) throw refuse(1, "Value");
    if (options != null && typeof options !== "object" && typeof options !== "function") {
      throw refuse(2, "StructuredCloneOptions");
    }
    const moved = transferAll(options == null ? undefined : options.transfer);
    const copied = copy(value, new Map(), moved);
    detachAll(moved);
    return copied;
  }

  class Performance {
    constructor() {
      throw new TypeError("Illegal constructor");
    }
    get timeOrigin() {
      return 0;
    }
    now() {
      return Date.now();
    }
  }
  Object.defineProperty(Performance.prototype, Symbol.toStringTag, { value: "Performance" });
  const performance = Object.create(Performance.prototype);

  internal.exposeGlobals({ structuredClone });
  Object.defineProperty(globalThis, "performance", {
    value: performance, writable: true, enumerable: true, configurable: true,
  });
});
