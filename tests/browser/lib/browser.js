// Debian's Chromium, headless, driven by playwright-core, trusting the gateway's development
// CA the way a person's browser would: the CA goes into a fresh NSS database ($HOME/.pki/nssdb
// of a throwaway HOME, which Chromium on Linux reads), and certificate errors are NOT ignored.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOTS = path.resolve(here, '../screenshots');

/** A fresh HOME whose NSS database trusts `caPem` as a TLS root (none when it is empty). */
function homeTrusting(caPem) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sitegate-chromium-home-'));
  const nssdb = path.join(home, '.pki/nssdb');
  fs.mkdirSync(nssdb, { recursive: true });
  execFileSync('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
  if (!caPem) return home;
  const caFile = path.join(home, 'sitegate-dev-ca.pem');
  fs.writeFileSync(caFile, caPem);
  execFileSync('certutil', ['-A', '-d', `sql:${nssdb}`, '-n', 'Sitegate development CA', '-t', 'C,,', '-i', caFile]);
  return home;
}

/**
 * Launches Chromium trusting `caPem`. Returns { browser, newContext(), close() }; each context
 * is a fresh cookie jar, and requests to anything but loopback names are refused (this
 * machine has no network, and a test must not depend on one).
 */
export async function launchBrowser(caPem) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh chromium; scripts/browser-tests.sh does)`);
  }
  const home = homeTrusting(caPem);
  // playwright-core gives every launch a fresh temporary --user-data-dir of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    env: { ...process.env, HOME: home },
    timeout: 30_000,
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    browser,
    async newContext() {
      const context = await browser.newContext({ ignoreHTTPSErrors: false, viewport: { width: 1000, height: 760 } });
      context.setDefaultTimeout(15_000);
      context.setDefaultNavigationTimeout(15_000);
      await context.route(
        (url) => !isLoopback(url.hostname),
        (route) => route.abort('blockedbyclient'),
      );
      return context;
    },
    async close() {
      await browser.close().catch(() => {});
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

function isLoopback(hostname) {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '127.0.0.1' ||
    hostname === '[::1]'
  );
}

/** Saves a full-page screenshot as screenshots/<name>.png; returns its path. */
export async function screenshot(page, name) {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Records every document (navigation) response of `page`, redirects included, in order:
 * [{ status, url, location }]. Tests read it to see which hosts a navigation went through.
 */
export function recordNavigations(page) {
  const hops = [];
  page.on('response', (response) => {
    const request = response.request();
    if (request.resourceType() !== 'document') return;
    hops.push({ status: response.status(), url: response.url(), location: response.headers().location });
  });
  return hops;
}
