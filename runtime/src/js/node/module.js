// node:module: `createRequire`, whose `require` returns a built-in module (its default export,
// as Node's `require` does) and throws for anything else, as Sitegate cannot load a site
// module synchronously; `isBuiltin` and `builtinModules` name Sitegate's built-ins.
import internal from "sitegate:internal";
import "node:buffer"; // defines internal.nodeErrors

const { nodeError } = internal.nodeErrors;
const { names, importNow } = internal.builtins;

export const builtinModules = names
  .filter((name) => name.startsWith("node:"))
  .map((name) => name.slice("node:".length));

export function isBuiltin(name) {
  const bare = String(name).startsWith("node:") ? String(name).slice("node:".length) : String(name);
  return builtinModules.includes(bare);
}

export function createRequire(path) {
  const text = path instanceof URL ? path.href : path;
  if (typeof text !== "string" || !(text.startsWith("/") || text.startsWith("file:"))) {
    throw nodeError(
      TypeError,
      "ERR_INVALID_ARG_VALUE",
      `The argument 'path' must be a file URL object, a file URL string, or an absolute path string. Received ${JSON.stringify(text)}`,
    );
  }
  return function require(id) {
    const namespace = isBuiltin(id) ? importNow(String(id)) : undefined;
    if (namespace === undefined) throw new Error(`No such module "${id}".`);
    return "default" in namespace ? namespace.default : namespace;
  };
}

export default { builtinModules, isBuiltin, createRequire };
