// node:path: POSIX path manipulation as Node has it (workerd's `path` is POSIX too);
// `resolve` starts from "/", as workerd's does.
function checkString(name, value) {
  if (typeof value !== "string") {
    const error = new TypeError(
      `The "${name}" argument must be of type string. Received ${
        value === null ? "null" : `type ${typeof value} (${String(value)})`}`,
    );
    error.code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
}

/** Resolves `.` and `..` segments; `absolute` keeps `..` from climbing above the root. */
function normalizeSegments(path, absolute) {
  const out = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
    } else {
      out.push(segment);
    }
  }
  return out.join("/");
}

export const sep = "/";
export const delimiter = ":";

export function normalize(path) {
  checkString("path", path);
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const trailing = path.endsWith("/");
  let out = normalizeSegments(path, absolute);
  if (out === "" && !absolute) out = ".";
  if (out !== "" && trailing) out += "/";
  return absolute ? "/" + out : out;
}

export function isAbsolute(path) {
  checkString("path", path);
  return path.startsWith("/");
}

export function join(...paths) {
  paths.forEach((p) => checkString("path", p));
  const joined = paths.filter((p) => p !== "").join("/");
  return joined === "" ? "." : normalize(joined);
}

export function resolve(...paths) {
  let resolved = "";
  for (let i = paths.length - 1; i >= -1 && !resolved.startsWith("/"); i--) {
    const path = i >= 0 ? paths[i] : "/";
    checkString(`paths[${i}]`, path);
    if (path !== "") resolved = resolved === "" ? path : `${path}/${resolved}`;
  }
  return "/" + normalizeSegments(resolved, true);
}

export function relative(from, to) {
  checkString("from", from);
  checkString("to", to);
  if (from === to) return "";
  const a = resolve(from).split("/").filter(Boolean);
  const b = resolve(to).split("/").filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => ".."), ...b.slice(common)].join("/");
}

function trimTrailing(path) {
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  return path.slice(0, end);
}

export function dirname(path) {
  checkString("path", path);
  if (path === "") return ".";
  const trimmed = trimTrailing(path);
  const slash = trimmed.lastIndexOf("/");
  if (slash === -1) return ".";
  if (slash === 0) return "/";
  return trimTrailing(trimmed.slice(0, slash));
}

export function basename(path, suffix) {
  checkString("path", path);
  if (suffix !== undefined) checkString("suffix", suffix);
  const trimmed = trimTrailing(path);
  const base = trimmed === "/" ? "" : trimmed.slice(trimmed.lastIndexOf("/") + 1);
  if (suffix !== undefined && suffix !== base && base.endsWith(suffix)) {
    return base.slice(0, base.length - suffix.length);
  }
  return base;
}

export function extname(path) {
  checkString("path", path);
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  if (dot <= 0 || (base === ".." && dot === 1)) return "";
  return base.slice(dot);
}

export function parse(path) {
  checkString("path", path);
  const root = path.startsWith("/") ? "/" : "";
  if (path === "" || path === root) return { root, dir: root, base: "", ext: "", name: "" };
  const base = basename(path);
  const ext = extname(path);
  let dir = dirname(path);
  if (dir === "." && !path.startsWith("./") && !trimTrailing(path).includes("/")) dir = "";
  return { root, dir, base, ext, name: base.slice(0, base.length - ext.length) };
}

export function format(parts) {
  if (parts === null || typeof parts !== "object") {
    const error = new TypeError(
      `The "pathObject" argument must be of type object. Received ${
        parts === null ? "null" : `type ${typeof parts} (${String(parts)})`}`,
    );
    error.code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
  const dir = parts.dir || parts.root || "";
  const base = parts.base ||
    `${parts.name || ""}${parts.ext && !parts.ext.startsWith(".") ? "." : ""}${parts.ext || ""}`;
  if (!dir) return base;
  return dir === parts.root ? `${dir}${base}` : `${dir}/${base}`;
}

export function toNamespacedPath(path) {
  return path;
}

export function matchesGlob(path, pattern) {
  checkString("path", path);
  checkString("pattern", pattern);
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        source += ".*";
        i++;
        if (pattern[i + 1] === "/") i++;
      } else {
        source += "[^/]*";
      }
    } else if (c === "?") {
      source += "[^/]";
    } else {
      source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`).test(path);
}

export const posix = {
  sep, delimiter, normalize, isAbsolute, join, resolve, relative, dirname, basename,
  extname, parse, format, toNamespacedPath, matchesGlob,
};
posix.posix = posix;
// workerd has no Windows paths; `win32` is there for code that names it.
export const win32 = posix;
posix.win32 = posix;

export default posix;
