// node:path/posix: the same module as node:path (POSIX paths).
export * from "node:path";
export { default } from "node:path";
