// Starting and stopping a real `sitegate serve` with a generated config in a temp dir, the
// way tests/src/gateway.rs does for the Rust end-to-end tests.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { sleep } from './ports.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../../..');
export const SITEGATE_BIN = process.env.SITEGATE_BIN || path.join(REPO, 'target/debug/sitegate');

export const BASE_DOMAIN = 'test.localhost';
export const SIGNIN_HOST = `auth.${BASE_DOMAIN}`;

/** Every gateway still running, stopped at exit whatever happens to the test. */
const running = new Set();
function killAll() {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    killAll();
    process.exit(130);
  });
}

/** GET http://127.0.0.1:<port><path>; resolves { status, body } or rejects. */
function httpGet(port, urlPath) {
  return new Promise((resolve, reject) => {
    // A readiness probe of the admin listener (HTTPS): the pid in the answer, not the
    // certificate, tells that it is this very process.
    const req = https.get({ host: '127.0.0.1', port, path: urlPath, timeout: 2000, rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/**
 * Writes the config directory and starts the gateway; resolves once its admin listener
 * answers /healthz as this very process. Rejects (with the log) if the process exits first,
 * e.g. because a port was taken in the meantime: the caller picks new ports and tries again.
 *
 * files: { 'rbac/acme.toml': '...', 'op-secret': '...' }; toml: the whole sitegate.toml.
 */
export async function startGateway({ toml, files, adminPort }) {
  if (!fs.existsSync(SITEGATE_BIN)) {
    throw new Error(`${SITEGATE_BIN} is missing: run \`cargo build -p gateway --bin sitegate\` (scripts/browser-tests.sh does)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sitegate-browser-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text, { mode: 0o600 });
  }
  const config = path.join(dir, 'sitegate.toml');
  fs.writeFileSync(config, toml);
  const logPath = path.join(dir, 'sitegate.log');
  const logFd = fs.openSync(logPath, 'w');
  const child = spawn(SITEGATE_BIN, ['serve', '--config', config], {
    env: { ...process.env, SITEGATE_LOG: 'info' },
    stdio: ['ignore', 'ignore', logFd],
  });
  fs.closeSync(logFd);
  running.add(child);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    running.delete(child);
  });
  const log = () => fs.readFileSync(logPath, 'utf8');

  const gateway = {
    dir,
    config,
    pid: child.pid,
    log,
    caPem: () => fs.readFileSync(path.join(dir, 'state/dev-ca/ca.pem'), 'utf8'),
    /** SIGINT (stops at once), then SIGKILL if it lingers; removes the temp dir. */
    async stop({ keepDir = false } = {}) {
      if (!exited) {
        child.kill('SIGINT');
        for (let i = 0; i < 50 && !exited; i += 1) await sleep(100);
        if (!exited) child.kill('SIGKILL');
        for (let i = 0; i < 20 && !exited; i += 1) await sleep(50);
      }
      if (!keepDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };

  const started = Date.now();
  while (Date.now() - started < 30_000) {
    if (exited) {
      const text = log();
      await gateway.stop();
      const err = new Error(`sitegate exited (${JSON.stringify(exited)}) before it was ready; log:\n${text}`);
      err.portCollision = /address already in use|Address in use|os error 98/i.test(text);
      throw err;
    }
    try {
      const { status, body } = await httpGet(adminPort, '/healthz');
      if (status === 200 && body.includes(`"pid":${child.pid}`)) return gateway;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  const text = log();
  await gateway.stop();
  throw new Error(`sitegate did not become ready within 30s; log:\n${text}`);
}
