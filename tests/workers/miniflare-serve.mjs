// Serves one ES-module worker on miniflare, the reference the D1 and R2 bindings are compared
// against (tests/src/miniflare.rs starts it):
//
//   node miniflare-serve.mjs <worker.js> <persist dir> [--d1 NAME[=migrations dir]]... [--r2 NAME]...
//
// D1 databases and R2 buckets are persisted under <persist dir>; a D1 binding's migrations
// (its directory's *.sql files, in name order) are applied before serving. Prints the URL on
// stdout, then serves until stdin closes or SIGTERM/SIGINT, and disposes of miniflare (so its
// workerd exits too).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Miniflare } from "miniflare";

const COMPATIBILITY_DATE = "2026-11-01";

function usage(message) {
  process.stderr.write(`miniflare-serve: ${message}\n`);
  process.exit(2);
}

const [scriptPath, persist, ...rest] = process.argv.slice(2);
if (!scriptPath || !persist) usage("usage: miniflare-serve.mjs <worker.js> <persist dir> [--d1 NAME[=dir]] [--r2 NAME]");
const d1 = new Map();
const r2 = [];
for (let i = 0; i < rest.length; i += 2) {
  const [flag, value] = [rest[i], rest[i + 1]];
  if (value === undefined) usage(`${flag} needs a value`);
  if (flag === "--d1") {
    const [name, migrations] = value.split("=");
    d1.set(name, migrations);
  } else if (flag === "--r2") {
    r2.push(value);
  } else {
    usage(`unknown option ${flag}`);
  }
}

const mf = new Miniflare({
  host: "127.0.0.1",
  port: 0,
  resourcePersistencePath: persist,
  modules: true,
  scriptPath,
  modulesRoot: dirname(resolve(scriptPath)),
  modulesRules: [{ type: "ESModule", include: ["**/*.js", "**/*.mjs"] }],
  compatibilityDate: COMPATIBILITY_DATE,
  d1Databases: [...d1.keys()],
  r2Buckets: r2,
});

let disposing;
function stop() {
  disposing ??= mf.dispose().finally(() => process.exit(0));
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();

const url = await mf.ready;
for (const [name, dir] of d1) {
  if (!dir) continue;
  const db = await mf.getD1Database(name);
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".sql")).sort()) {
    const statements = readFileSync(join(dir, file), "utf8")
      .split(";")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}
process.stdout.write(`${url}\n`);
