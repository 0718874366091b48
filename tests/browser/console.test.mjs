// The web console in a real browser (Debian's Chromium via playwright-core), against the real
// `sitegate` binary with its development IdP: an owner signs in, sees her sites, changes a
// site from workspace_all to admins_only and a member loses access; promotes and rolls back a
// version; sets a secret and sees only its name; a member may not manage; forms without the
// console's CSRF token are refused. Screenshots of each page go to tests/browser/screenshots/.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, screenshot } from './lib/browser.js';
import { BASE_DOMAIN, SIGNIN_HOST, SITEGATE_BIN, startGateway } from './lib/gateway.js';
import { freePorts, sleep } from './lib/ports.js';

const TEAM = `team.demo.${BASE_DOMAIN}`;
const NOTES = `notes.demo.${BASE_DOMAIN}`;
const SECRET = 'console-secret-value-7c1d';

function rbac(upstream) {
  return `# The demo workspace (comments and layout must survive the console's edits).
[workspace]
id = "demo"
name = "Demo"
idp = "dev"

[members]
"alice@demo.test" = "owner"
"carol@demo.test" = "member"

# The team's site.
[sites.team]
access = "workspace_all"   # every member
backend = { upstream = "${upstream}" }

[sites.notes]
access = "workspace_all"
backend = { deployed = true }
`;
}

function toml({ https, admin, demo }) {
  return `base_domain = "${BASE_DOMAIN}"
state_dir = "state"
rbac = ["rbac/*.toml"]

[listen]
https = "127.0.0.1:${https}"
admin = "127.0.0.1:${admin}"

[tls]
dev_ca = true

[demo_backend]
listen = "127.0.0.1:${demo}"

[dev_idp]
enabled = true

[signin]
host = "${SIGNIN_HOST}"
`;
}

/** A worker project saying which version it is and whether it has its secret. */
function project(root, label) {
  const dir = path.join(root, label);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'wrangler.json'), '{"main": "index.js"}');
  fs.writeFileSync(
    path.join(dir, 'index.js'),
    `export default { fetch(request, env) { return Response.json({ version: "${label}", secret: env.API_KEY ? "set" : "unset" }); } };\n`,
  );
  return dir;
}

let gateway;
let chromium;
let port;
let versions;
let failed = false;
const url = (host, p = '/') => `https://${host}:${port}${p}`;

function cli(args) {
  return execFileSync(SITEGATE_BIN, [...args, '--config', gateway.config], { encoding: 'utf8' }).trim();
}

before(async () => {
  const [https, admin, demo] = await freePorts(3);
  port = https;
  gateway = await startGateway({
    adminPort: admin,
    toml: toml({ https, admin, demo }),
    files: { 'rbac/demo.toml': rbac(`http://127.0.0.1:${demo}`) },
  });
  chromium = await launchBrowser(gateway.caPem());
  const projects = fs.mkdtempSync(path.join(os.tmpdir(), 'sitegate-console-'));
  versions = {
    v1: cli(['deploy', project(projects, 'v1'), '--site', 'demo/notes']),
    v2: cli(['deploy', project(projects, 'v2'), '--site', 'demo/notes', '--save']),
  };
});

after(async () => {
  await chromium?.close();
  if (failed && gateway) console.error(`--- sitegate log ---\n${gateway.log().slice(-6000)}`);
  await gateway?.stop();
});

function step(fn) {
  return async () => {
    try {
      await fn();
    } catch (e) {
      failed = true;
      throw e;
    }
  };
}

/** Signs in to the console as `email` through the development IdP; returns the page. */
async function signIn(context, email) {
  const page = await context.newPage();
  await page.goto(url(SIGNIN_HOST, '/console'));
  await page.locator('h1', { hasText: 'Sign in to the console' }).waitFor();
  await page.locator('a', { hasText: 'Continue with' }).first().click();
  try {
    await page.locator('button', { hasText: email }).click();
  } catch (e) {
    throw new Error(`no sign-in button for ${email} at ${page.url()}:\n${await page.locator('body').innerText()}`);
  }
  await page.waitForURL(url(SIGNIN_HOST, '/console'));
  return page;
}

/** The JSON the notes site answers in `page`'s browser context (opened in a page of its own). */
async function notes(page) {
  const tab = await page.context().newPage();
  try {
    await tab.goto(url(NOTES, '/'));
    return JSON.parse(await tab.locator('body').innerText());
  } finally {
    await tab.close();
  }
}

/** Waits until `check()` is true (the gateway reloads within a second of a file change). */
async function eventually(check, what) {
  for (let i = 0; i < 60; i += 1) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`timed out waiting: ${what}`);
}

describe('the web console', () => {
  it('signs in, lists my sites, and an owner changes access so a member loses it', step(async () => {
    const owner = await chromium.newContext();
    const member = await chromium.newContext();
    try {
      const signInPage = await owner.newPage();
      await signInPage.goto(url(SIGNIN_HOST, '/console'));
      await screenshot(signInPage, 'console-01-sign-in');

      const page = await signIn(owner, 'alice@demo.test');
      const text = await page.locator('main').innerText();
      assert.match(text, /My sites/);
      assert.match(text, /You are an owner of this workspace/);
      assert.ok(text.includes(TEAM) && text.includes(NOTES), text);
      await screenshot(page, 'console-02-my-sites-owner');
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, 'console-02b-my-sites-phone');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(overflow, false, 'the page fits a phone without scrolling sideways');
      await page.setViewportSize({ width: 1000, height: 760 });

      // carol, a member, opens the team site, sees it in her list, and may not manage.
      const carol = await signIn(member, 'carol@demo.test');
      const carolText = await carol.locator('main').innerText();
      assert.match(carolText, /You are a member of this workspace/);
      assert.equal(await carol.locator('a', { hasText: 'Manage' }).count(), 0);
      await screenshot(carol, 'console-03-my-sites-member');
      const refused = await carol.goto(url(SIGNIN_HOST, '/console/sites/demo/team'));
      assert.equal(refused.status(), 403);
      assert.match(await carol.locator('main').innerText(), /Only owners and admins manage team/);
      const opened = await carol.goto(url(TEAM, '/'));
      assert.equal(opened.status(), 200);

      // alice changes team to admins_only; the RBAC file keeps its comments.
      await page.goto(url(SIGNIN_HOST, '/console/sites/demo/team'));
      await screenshot(page, 'console-04-site-page');
      await page.selectOption('#mode', 'admins_only');
      await page.locator('button', { hasText: 'Save access' }).click();
      await page.locator('.note', { hasText: 'Access set to admins_only' }).waitFor();
      const file = fs.readFileSync(path.join(gateway.dir, 'rbac/demo.toml'), 'utf8');
      assert.match(file, /access = "admins_only"/);
      assert.match(file, /# The team's site\./, 'comments are kept');
      await eventually(async () => (await page.reload(), (await page.locator('main').innerText()).includes("the workspace's owners and admins")), 'the page shows the new mode');
      await screenshot(page, 'console-05-access-changed');
      await eventually(async () => (await carol.goto(url(TEAM, '/'))).status() === 403, 'carol loses access');
      const denied = await carol.locator('main').innerText();
      assert.match(denied, /You are signed in as carol@demo\.test\./);
      assert.match(denied, /This page is for workspace owners and admins only\./);
      assert.match(denied, /ask an admin of Demo: alice@demo\.test\./);
      assert.ok(await carol.locator('a', { hasText: 'Sign in as someone else' }).count());
      await screenshot(carol, 'console-06-member-denied');

      const audit = await page.locator('section[aria-labelledby=audit]').innerText();
      assert.match(audit, /alice@demo\.test\s+access\.change admins_only\s+ok/);

      // A form without the console's token is refused, even from a signed-in owner.
      const forged = await page.evaluate(async () => {
        const body = new URLSearchParams({ mode: 'public' });
        return (await fetch('/console/sites/demo/team/access', { method: 'POST', body })).status;
      });
      assert.equal(forged, 403);
      assert.doesNotMatch(fs.readFileSync(path.join(gateway.dir, 'rbac/demo.toml'), 'utf8'), /"public"/);

      // A link that carries its own "outcome" shows nothing: outcomes are tagged per session.
      await page.goto(url(SIGNIN_HOST, '/console/sites/demo/team?done=Your+site+was+deleted'));
      assert.equal(await page.locator('.note').count(), 0);
    } finally {
      await owner.close();
      await member.close();
    }
  }));

  it('promotes and rolls back a version, and sets a secret shown by name only', step(async () => {
    const owner = await chromium.newContext();
    try {
      const page = await signIn(owner, 'alice@demo.test');
      await page.goto(url(SIGNIN_HOST, '/console/sites/demo/notes'));
      const table = page.locator('section[aria-labelledby=versions]');
      assert.match(await table.innerText(), new RegExp(`${versions.v2}\\s+saved`));
      assert.match(await table.innerText(), new RegExp(`${versions.v1}\\s+live`));
      await screenshot(page, 'console-07-versions');

      // Signed in to the site too (SSO), so the owner can read what it serves.
      assert.equal((await notes(page)).version, 'v1');

      await page.goto(url(SIGNIN_HOST, '/console/sites/demo/notes'));
      await page.locator('tr', { hasText: versions.v2 }).locator('button', { hasText: 'Promote' }).click();
      await page.locator('.note', { hasText: `Version ${versions.v2} is live.` }).waitFor();
      await eventually(async () => (await notes(page)).version === 'v2', 'v2 serves');
      await screenshot(page, 'console-08-promoted');

      await page.locator('button', { hasText: 'Roll back to the previous version' }).click();
      await page.locator('.note', { hasText: `version ${versions.v1} is live` }).waitFor();
      await eventually(async () => (await notes(page)).version === 'v1', 'v1 serves again');

      await page.fill('#secret-name', 'API_KEY');
      await page.fill('#secret-value', SECRET);
      await page.locator('button', { hasText: 'Set secret' }).click();
      await page.locator('.note', { hasText: 'Secret API_KEY saved.' }).waitFor();
      const html = await page.content();
      assert.ok(!html.includes(SECRET), 'the page never shows the value');
      assert.match(await page.locator('section[aria-labelledby=secrets]').innerText(), /API_KEY/);
      await eventually(async () => (await notes(page)).secret === 'set', 'the live version has the secret');
      await screenshot(page, 'console-09-secret-set');
      assert.ok(!fs.readFileSync(path.join(gateway.dir, 'state/audit.log'), 'utf8').includes(SECRET));

      await page.locator('button', { hasText: 'New deploy token for this site' }).click();
      const token = await page.locator('.token').innerText();
      assert.match(token, /^sgt_/);
      await screenshot(page, 'console-10-deploy-token');
      await page.goto(url(SIGNIN_HOST, '/console/sites/demo/notes'));
      assert.ok(!(await page.content()).includes(token), 'a token is shown once');
    } finally {
      await owner.close();
    }
  }));
});
