// `console`: formats its arguments as Node and workerd do for the common cases (printf-style
// `%s %d %i %f %o %O %j %c %%`, strings as they are, other values inspected) and hands the
// line to the gateway's log at the method's level.
(function (internal) {
  "use strict";
  const log = internal.log;
  const DEBUG = 0;
  const INFO = 1;
  const WARN = 2;
  const ERROR = 3;

  function inspect(value, depth, seen) {
    switch (typeof value) {
      case "string":
        return depth === 0 ? value : JSON.stringify(value);
      case "function":
        return `[Function: ${value.name || "(anonymous)"}]`;
      case "bigint":
        return `${value}n`;
      case "symbol":
      case "number":
      case "boolean":
      case "undefined":
        return String(value);
    }
    if (value === null) return "null";
    if (value instanceof Error) return value.stack ? `${value}\n${value.stack}` : String(value);
    if (seen.has(value)) return "[Circular]";
    if (depth > 2) return Array.isArray(value) ? "[Array]" : "[Object]";
    seen.add(value);
    try {
      if (Array.isArray(value)) {
        return `[ ${value.map((v) => inspect(v, depth + 1, seen)).join(", ")} ]`;
      }
      if (value instanceof Date) return value.toISOString();
      if (value instanceof Map || value instanceof Set || ArrayBuffer.isView(value)) {
        const name = value.constructor.name;
        const items = value instanceof Map
          ? [...value].map(([k, v]) => `${inspect(k, depth + 1, seen)} => ${inspect(v, depth + 1, seen)}`)
          : [...value].map((v) => inspect(v, depth + 1, seen));
        return `${name}(${items.length}) ${value instanceof Map || value instanceof Set ? `{ ${items.join(", ")} }` : `[ ${items.join(", ")} ]`}`;
      }
      const entries = Object.keys(value).map(
        (k) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${inspect(value[k], depth + 1, seen)}`,
      );
      const tag = value.constructor && value.constructor !== Object ? `${value.constructor.name} ` : "";
      return entries.length ? `${tag}{ ${entries.join(", ")} }` : `${tag}{}`;
    } finally {
      seen.delete(value);
    }
  }

  function format(args) {
    let out = [];
    let rest = 0;
    if (typeof args[0] === "string") {
      rest = 1;
      out.push(
        args[0].replace(/%[sdifoOjc%]/g, (spec) => {
          if (spec === "%%") return "%";
          if (rest >= args.length) return spec;
          const arg = args[rest++];
          switch (spec) {
            case "%s": return typeof arg === "string" ? arg : inspect(arg, 1, new Set());
            case "%d": case "%i": return typeof arg === "bigint" ? `${arg}n` : String(spec === "%i" ? Math.trunc(Number(arg)) : Number(arg));
            case "%f": return String(Number(arg));
            case "%j": try { return JSON.stringify(arg); } catch { return "[Circular]"; }
            case "%c": return "";
            default: return inspect(arg, 1, new Set());
          }
        }),
      );
    }
    for (; rest < args.length; rest++) out.push(inspect(args[rest], 0, new Set()));
    return out.join(" ");
  }

  const counts = new Map();
  const timers = new Map();
  let indent = "";
  const emit = (level, args) => log(level, indent + format(args));
  const console = {
    log: (...args) => emit(INFO, args),
    info: (...args) => emit(INFO, args),
    debug: (...args) => emit(DEBUG, args),
    warn: (...args) => emit(WARN, args),
    error: (...args) => emit(ERROR, args),
    trace: (...args) => emit(DEBUG, [...args, new Error("Trace").stack]),
    dir: (value) => emit(INFO, [value]),
    table: (...args) => emit(INFO, args),
    assert(condition, ...args) {
      if (!condition) emit(ERROR, ["Assertion failed" + (args.length ? ":" : ""), ...args]);
    },
    count(label = "default") {
      const n = (counts.get(label) || 0) + 1;
      counts.set(label, n);
      emit(INFO, [`${label}: ${n}`]);
    },
    countReset(label = "default") { counts.delete(label); },
    time(label = "default") { timers.set(label, performance.now()); },
    timeLog(label = "default", ...args) {
      if (timers.has(label)) emit(INFO, [`${label}: ${performance.now() - timers.get(label)}ms`, ...args]);
    },
    timeEnd(label = "default") {
      console.timeLog(label);
      timers.delete(label);
    },
    group(...args) {
      if (args.length) emit(INFO, args);
      indent += "  ";
    },
    groupEnd() { indent = indent.slice(2); },
  };
  console.groupCollapsed = console.group;
  Object.defineProperty(globalThis, "console", {
    value: console, writable: true, configurable: true, enumerable: false,
  });
  internal.format = format;
});
