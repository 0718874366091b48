// node:process (also the global `process`): an EventEmitter with workerd's process fields;
// `env` shows the string bindings (vars and secrets) of `internal.env` as they are now, plus
// what the site sets on it; `nextTick` queues a microtask, as workerd does.
import internal from "sitegate:internal";
import { EventEmitter } from "node:events";

const overrides = Object.create(null);
const removed = new Set();

function bound(key) {
  if (typeof key !== "string") return undefined;
  if (key in overrides) return overrides[key];
  if (removed.has(key)) return undefined;
  const value = internal.env[key];
  return typeof value === "string" ? value : undefined;
}

function keys() {
  const out = Object.keys(internal.env).filter((k) => bound(k) !== undefined);
  for (const key of Object.keys(overrides)) if (!out.includes(key)) out.push(key);
  return out;
}

export const env = new Proxy(Object.create(null), {
  get: (_, key) => bound(key),
  has: (_, key) => bound(key) !== undefined,
  set(_, key, value) {
    if (typeof key !== "string") return false;
    overrides[key] = String(value);
    removed.delete(key);
    return true;
  },
  deleteProperty(_, key) {
    delete overrides[key];
    removed.add(key);
    return true;
  },
  ownKeys: () => keys(),
  getOwnPropertyDescriptor(_, key) {
    const value = bound(key);
    return value === undefined
      ? undefined
      : { value, writable: true, enumerable: true, configurable: true };
  },
  defineProperty(_, key, descriptor) {
    if (typeof key !== "string" || !("value" in descriptor)) return false;
    overrides[key] = String(descriptor.value);
    removed.delete(key);
    return true;
  },
});

export function nextTick(callback, ...args) {
  if (typeof callback !== "function") {
    const error = new TypeError(
      `The "callback" argument must be of type function. Received type ${typeof callback}`,
    );
    error.code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
  queueMicrotask(() => callback(...args));
}

export const platform = "linux";
export const arch = "x64";
export const version = "v22.23.4";
export const versions = Object.freeze({ node: "22.23.4" });
export const title = "workerd";
export const argv = ["workerd"];
export const argv0 = "workerd";
export const execArgv = [];
export const pid = 1;
export const ppid = 0;
export const release = Object.freeze({ name: "node", lts: true, sourceUrl: "", headersUrl: "" });
export const features = Object.freeze({
  cached_builtins: true, debug: false, inspector: false, ipv6: true,
  openssl_is_boringssl: true, require_module: false, tls: true, tls_alpn: true,
  tls_ocsp: true, tls_sni: true, typescript: false, uv: true,
});

export function cwd() {
  return "/bundle";
}

export function chdir(directory) {
  const error = new Error(`process.chdir() is not supported (to ${directory})`);
  error.code = "ERR_UNSUPPORTED_OPERATION";
  throw error;
}

export function umask() {
  return 0o22;
}

export function exit(code = 0) {
  throw new Error(`The Node.js process.exit(${code}) API was called. Canceling the request.`);
}

export function emitWarning(warning, type, code) {
  const options = type !== null && typeof type === "object" ? type : { type, code };
  const name = warning instanceof Error ? warning.name : options.type || "Warning";
  const message = warning instanceof Error ? warning.message : String(warning);
  const prefix = options.code ? `[${options.code}] ` : "";
  process.emit("warning", warning instanceof Error ? warning : Object.assign(
    new Error(message), { name },
  ));
  console.warn(`${prefix}${name}: ${message}`);
}

const started = performance.now();

export function hrtime(previous) {
  const now = performance.now();
  let seconds = Math.floor(now / 1000);
  let nanos = Math.round((now % 1000) * 1e6);
  if (previous !== undefined) {
    seconds -= previous[0];
    nanos -= previous[1];
    if (nanos < 0) {
      seconds -= 1;
      nanos += 1e9;
    }
  }
  return [seconds, nanos];
}
hrtime.bigint = function bigint() {
  return BigInt(Math.round(performance.now() * 1e6));
};

export function uptime() {
  return (performance.now() - started) / 1000;
}

export function memoryUsage() {
  return { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
}
memoryUsage.rss = () => 0;

const process = Object.create(EventEmitter.prototype);
EventEmitter.init.call(process);
Object.assign(process, {
  env, nextTick, platform, arch, version, versions, title, argv, argv0, execArgv, pid, ppid,
  release, features, cwd, chdir, umask, exit, emitWarning, hrtime, uptime, memoryUsage,
  exitCode: undefined,
});
Object.defineProperty(process, Symbol.toStringTag, { value: "process" });

export default process;
