// node:util: format and a basic inspect, promisify/callbackify, inherits, deprecate,
// isDeepStrictEqual and the `types` checks.
import types from "node:util/types";

export { types };
export const TextEncoder = globalThis.TextEncoder;
export const TextDecoder = globalThis.TextDecoder;

const customInspect = Symbol.for("nodejs.util.inspect.custom");
const customPromisify = Symbol.for("nodejs.util.promisify.custom");

function invalidType(name, expected, value) {
  const error = new TypeError(
    `The "${name}" argument must be ${expected}. Received ${
      value === null ? "null" : `type ${typeof value}`}`,
  );
  error.code = "ERR_INVALID_ARG_TYPE";
  return error;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function quote(string) {
  const escaped = string.replace(/[\\\n\t\r\b\f\v]/g, (c) => ({
    "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f", "\v": "\\v",
  })[c]);
  if (!escaped.includes("'")) return `'${escaped}'`;
  if (!escaped.includes('"')) return `"${escaped}"`;
  if (!escaped.includes("`")) return `\`${escaped}\``;
  return `'${escaped.replace(/'/g, "\\'")}'`;
}

function key(k) {
  if (typeof k === "symbol") return `[${k.toString()}]`;
  return IDENTIFIER.test(k) ? k : quote(k);
}

/** Joins entries on one line when short, one per line otherwise (as Node breaks them). */
function wrap(open, entries, close, indent) {
  if (entries.length === 0) return `${open}${close}`;
  const line = `${open} ${entries.join(", ")} ${close}`;
  if (line.length <= 72 && !entries.some((e) => e.includes("\n"))) return line;
  const pad = " ".repeat(indent + 2);
  return `${open}\n${pad}${entries.join(`,\n${pad}`)}\n${" ".repeat(indent)}${close}`;
}

function formatValue(value, depth, seen, indent, options) {
  switch (typeof value) {
    case "string": return indent === 0 && options.top ? value : quote(value);
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "bigint": return `${value}n`;
    case "undefined": return "undefined";
    case "boolean": return String(value);
    case "symbol": return value.toString();
    case "function": {
      const source = Function.prototype.toString.call(value);
      if (source.startsWith("class")) return `[class ${value.name || "(anonymous)"}]`;
      const kind = types.isAsyncFunction(value) ? "AsyncFunction"
        : types.isGeneratorFunction(value) ? "GeneratorFunction" : "Function";
      return value.name ? `[${kind}: ${value.name}]` : `[${kind} (anonymous)]`;
    }
  }
  if (value === null) return "null";
  if (typeof value[customInspect] === "function") {
    const shown = value[customInspect](depth, options, inspect);
    return typeof shown === "string" ? shown : formatValue(shown, depth, seen, indent, options);
  }
  if (seen.includes(value)) return "[Circular *1]";
  if (types.isDate(value)) {
    return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  }
  if (types.isRegExp(value)) return String(value);
  if (value instanceof Error) {
    const head = `${value.name}: ${value.message}`;
    return value.stack ? `${head}\n${String(value.stack).trimEnd()}` : `[${head}]`;
  }
  if (types.isPromise(value)) return "Promise { <pending> }";
  if (types.isBoxedPrimitive(value)) {
    const inner = value.valueOf();
    const name = typeof inner === "bigint" ? "BigInt" : typeof inner === "symbol" ? "Symbol"
      : inner.constructor.name;
    return `[${name}: ${formatValue(inner, depth, seen, indent, { ...options, top: false })}]`;
  }
  const nested = { ...options, top: false };
  const recurse = (v) => formatValue(v, depth + 1, [...seen, value], indent + 2, nested);
  const tooDeep = depth > options.depth;
  if (Array.isArray(value)) {
    if (tooDeep) return "[Array]";
    const shown = value.slice(0, 100).map(recurse);
    if (value.length > 100) shown.push(`... ${value.length - 100} more items`);
    if (options.showHidden) shown.push(`[length]: ${value.length}`);
    return wrap("[", shown, "]", indent);
  }
  if (types.isTypedArray(value)) {
    const name = value.constructor.name;
    const shown = Array.from(value.slice(0, 100), (v) => formatValue(v, 0, [], 0, nested));
    return wrap(`${name}(${value.length}) [`, shown, "]", indent);
  }
  if (types.isArrayBuffer(value)) {
    const bytes = Array.from(new Uint8Array(value).slice(0, 50),
      (b) => b.toString(16).padStart(2, "0"));
    return `ArrayBuffer { [Uint8Contents]: <${bytes.join(" ")}>, byteLength: ${value.byteLength} }`;
  }
  if (types.isMap(value)) {
    if (tooDeep) return "[Map]";
    const shown = [...value].map(([k, v]) => `${recurse(k)} => ${recurse(v)}`);
    return wrap(`Map(${value.size}) {`, shown, "}", indent);
  }
  if (types.isSet(value)) {
    if (tooDeep) return "[Set]";
    return wrap(`Set(${value.size}) {`, [...value].map(recurse), "}", indent);
  }
  const proto = Object.getPrototypeOf(value);
  const ctor = proto === null ? null : proto.constructor && proto.constructor.name;
  const tag = value[Symbol.toStringTag];
  let prefix = proto === null ? "[Object: null prototype] " : ctor && ctor !== "Object"
    ? `${ctor} ` : "";
  if (typeof tag === "string" && tag !== "" && tag !== ctor) {
    prefix = `${prefix || "Object "}[${tag}] `;
  }
  if (tooDeep) return `[${ctor || "Object"}]`;
  const keys = Reflect.ownKeys(value).filter((k) =>
    Object.getOwnPropertyDescriptor(value, k).enumerable);
  const shown = keys.map((k) => {
    const descriptor = Object.getOwnPropertyDescriptor(value, k);
    const shownValue = descriptor.get
      ? (descriptor.set ? "[Getter/Setter]" : "[Getter]")
      : descriptor.set ? "[Setter]" : recurse(descriptor.value);
    return `${key(k)}: ${shownValue}`;
  });
  return wrap(`${prefix}{`, shown, "}", indent);
}

/** A readable rendering of `value` as Node's util.inspect gives it (its common cases). */
export function inspect(value, options) {
  const settings = { depth: 2, ...(typeof options === "object" && options !== null ? options : {}) };
  if (settings.depth === null) settings.depth = Infinity;
  return formatValue(value, 0, [], 0, { ...settings, top: false });
}
inspect.custom = customInspect;
inspect.defaultOptions = { depth: 2 };

/** printf-like formatting: %s %d %i %f %j %o %O %c %%, then the rest, space-separated. */
export function format(...args) {
  return formatWithOptions({}, ...args);
}

export function formatWithOptions(options, first, ...rest) {
  const show = (v) => (typeof v === "string" ? v : inspect(v, options));
  if (typeof first !== "string") return [first, ...rest].map(show).join(" ");
  let index = 0;
  let out = first.replace(/%[sdifjoOc%]/g, (spec) => {
    if (spec === "%%") return "%";
    if (index >= rest.length) return spec;
    const arg = rest[index++];
    switch (spec) {
      case "%s":
        if (typeof arg === "bigint") return `${arg}n`;
        if (typeof arg === "symbol") return arg.toString();
        if (typeof arg === "object" && arg !== null) return inspect(arg, { depth: 0 });
        return String(arg);
      case "%d":
        if (typeof arg === "bigint") return `${arg}n`;
        if (typeof arg === "symbol") return "NaN";
        return String(Number(arg));
      case "%i":
        if (typeof arg === "bigint") return `${arg}n`;
        if (typeof arg === "symbol") return "NaN";
        return String(parseInt(arg));
      case "%f":
        return typeof arg === "symbol" ? "NaN" : String(parseFloat(arg));
      case "%j":
        try {
          return JSON.stringify(arg);
        } catch {
          return "[Circular]";
        }
      case "%o":
        return inspect(arg, { ...options, showHidden: true, depth: 4 });
      case "%O":
        return inspect(arg, options);
      default:
        return "";
    }
  });
  for (; index < rest.length; index++) out += ` ${show(rest[index])}`;
  return out;
}

export function promisify(original) {
  if (typeof original !== "function") throw invalidType("original", "of type function", original);
  if (typeof original[customPromisify] === "function") return original[customPromisify];
  function promisified(...args) {
    return new Promise((resolve, reject) => {
      original.call(this, ...args, (error, ...values) => {
        if (error) reject(error);
        else resolve(values.length > 1 ? values : values[0]);
      });
    });
  }
  Object.setPrototypeOf(promisified, Object.getPrototypeOf(original));
  Object.defineProperty(promisified, customPromisify, { value: promisified });
  return Object.defineProperties(promisified, Object.getOwnPropertyDescriptors(original));
}
promisify.custom = customPromisify;

export function callbackify(original) {
  if (typeof original !== "function") throw invalidType("original", "of type function", original);
  return function callbackified(...args) {
    const callback = args.pop();
    if (typeof callback !== "function") {
      throw invalidType("last argument", "of type function", callback);
    }
    original.apply(this, args).then(
      (value) => queueMicrotask(() => callback(null, value)),
      (reason) => {
        if (!reason) {
          const error = new Error("Promise was rejected with a falsy value");
          error.code = "ERR_FALSY_VALUE_REJECTION";
          error.reason = reason;
          reason = error;
        }
        queueMicrotask(() => callback(reason));
      },
    );
  };
}

export function inherits(ctor, superCtor) {
  if (typeof ctor !== "function") throw invalidType("ctor", "of type function", ctor);
  if (typeof superCtor !== "function") {
    throw invalidType("superCtor", "of type function", superCtor);
  }
  if (superCtor.prototype === undefined) {
    throw invalidType("superCtor.prototype", "of type object", undefined);
  }
  Object.defineProperty(ctor, "super_", { value: superCtor, writable: true, configurable: true });
  Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
}

const warned = new Set();

export function deprecate(fn, message, code) {
  if (typeof fn !== "function") throw invalidType("fn", "of type function", fn);
  return function deprecated(...args) {
    const id = code || message;
    if (!warned.has(id)) {
      warned.add(id);
      console.warn(`${code ? `[${code}] ` : ""}DeprecationWarning: ${message}`);
    }
    return new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
  };
}

/** Node's strict deep equality: same prototypes, same own enumerable keys, recursively. */
export function isDeepStrictEqual(a, b, seen = []) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.some(([x, y]) => x === a && y === b)) return true;
  const pairs = [...seen, [a, b]];
  const tag = Object.prototype.toString.call(a);
  if (tag !== Object.prototype.toString.call(b)) return false;
  if (types.isDate(a)) return Object.is(a.getTime(), b.getTime());
  if (types.isRegExp(a)) return String(a) === String(b) && a.lastIndex === b.lastIndex;
  if (types.isBoxedPrimitive(a)) return Object.is(a.valueOf(), b.valueOf());
  if (ArrayBuffer.isView(a)) {
    if (a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (!x.every((v, i) => v === y[i])) return false;
  }
  if (a instanceof Error && (a.message !== b.message || a.name !== b.name)) return false;
  if (types.isMap(a)) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k) || !isDeepStrictEqual(v, b.get(k), pairs)) return false;
    }
  } else if (types.isSet(a)) {
    if (a.size !== b.size) return false;
    for (const v of a) {
      if (!b.has(v) && ![...b].some((w) => isDeepStrictEqual(v, w, pairs))) return false;
    }
  }
  const ownKeys = (o) => Reflect.ownKeys(o).filter((k) =>
    Object.prototype.propertyIsEnumerable.call(o, k) && !(ArrayBuffer.isView(o) &&
    typeof k === "string" && /^\d+$/.test(k)));
  const keysA = ownKeys(a);
  const keysB = ownKeys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => Object.prototype.propertyIsEnumerable.call(b, k) &&
    isDeepStrictEqual(a[k], b[k], pairs));
}

export function isArray(value) {
  return Array.isArray(value);
}

export function isError(value) {
  return types.isNativeError(value);
}

export function stripVTControlCharacters(text) {
  // eslint-disable-next-line no-control-regex
  return String(text).replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

export function toUSVString(text) {
  return String(text).toWellFormed();
}

export function debuglog() {
  const log = () => {};
  log.enabled = false;
  return log;
}
export const debug = debuglog;

export default {
  types, TextEncoder, TextDecoder, inspect, format, formatWithOptions, promisify, callbackify,
  inherits, deprecate, isDeepStrictEqual, isArray, isError, stripVTControlCharacters,
  toUSVString, debuglog, debug,
};
