// Real-browser sign-in through Sitegate: Debian's Chromium (playwright-core), the real
// `sitegate` binary, a third-party OpenID provider (oidc-provider) and the development IdP.
// Run: scripts/browser-tests.sh (or `node --test tests/browser/` once set up).
// Screenshots of every page a person would look at go to tests/browser/screenshots/.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { launchBrowser, recordNavigations, screenshot } from './lib/browser.js';
import { DEMO_MEMBERS, HOSTS, SIGNIN_HOST, startEnvironment } from './lib/env.js';

/** The demo backend's table of forwarded headers: { 'sitegate-user-email': '...', ... }. */
async function forwarded(page) {
  await page.locator('h1', { hasText: 'Hello from the demo backend' }).waitFor({ timeout: 5000 });
  return page.$$eval('table tr', (rows) =>
    Object.fromEntries(rows.map((r) => [r.querySelector('th')?.textContent, r.querySelector('td')?.textContent])),
  );
}

function jwtPayload(jwt) {
  const parts = (jwt || '').split('.');
  assert.equal(parts.length, 3, `sitegate-jwt-assertion is not a compact JWT: ${jwt}`);
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

const hostOf = (url) => new URL(url).host;

let env;
let chromium;
let failed = false;

before(async () => {
  env = await startEnvironment();
  chromium = await launchBrowser(env.gateway.caPem());
});

after(async () => {
  await chromium?.close();
  if (failed && env) {
    console.error(`--- sitegate log (${env.gateway.dir}) ---\n${env.gateway.log().slice(-8000)}`);
    if (env.op.errors.length) console.error('--- oidc-provider errors ---\n', env.op.errors);
  }
  await env?.stop();
});

/** Wraps a test body so that a failure also prints the gateway log at the end. */
const step = (fn) => async (t) => {
  try {
    await fn(t);
  } catch (e) {
    failed = true;
    throw e;
  }
};

describe('sign-in through a third-party OpenID provider (oidc-provider)', () => {
  let context;
  let appUserId;

  before(async () => {
    context = await chromium.newContext();
  });
  after(async () => {
    await context?.close();
  });

  it('a: site → sign-in host → provider login form → back on the site with the identity headers', step(async () => {
    const page = await context.newPage();
    const hops = recordNavigations(page);
    await page.goto(env.url(HOSTS.app, '/hello'));

    // The site sent the anonymous visitor to the sign-in host, which started OIDC with PKCE.
    assert.equal(hops[0].status, 302, `the site should redirect to sign-in: ${JSON.stringify(hops[0])}`);
    assert.equal(hostOf(hops[0].location), `${SIGNIN_HOST}:${env.httpsPort}`);
    const toProvider = hops.find((h) => h.location?.startsWith(`${env.op.issuer}/auth?`));
    assert.ok(toProvider, `the sign-in host should send the browser to the provider: ${JSON.stringify(hops, null, 1)}`);
    const authorize = new URL(toProvider.location);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'), 'state and nonce are sent');
    assert.equal(authorize.searchParams.get('redirect_uri'), `https://${SIGNIN_HOST}:${env.httpsPort}/callback`);

    // The provider's own login form.
    assert.ok(page.url().startsWith(`${env.op.issuer}/interaction/`), `expected the provider's login page, at ${page.url()}`);
    const login = page.locator('input[name="login"]');
    await login.waitFor();
    await screenshot(page, '01-provider-login');
    await login.fill('ada@acme.test');
    await page.locator('input[name="password"]').fill('correct horse battery staple');
    await page.locator('button[type="submit"]', { hasText: 'Sign-in' }).click();

    // Consent, when the provider asks for it (first sign-in of this user to this client).
    const consent = page.locator('button[type="submit"]', { hasText: 'Continue' });
    await consent.or(page.locator('h1', { hasText: 'Hello from the demo backend' })).waitFor();
    if (await consent.isVisible()) {
      await screenshot(page, '02-provider-consent');
      await page.locator('button[type="submit"]', { hasText: 'Continue' }).click();
    }

    await page.waitForURL(env.url(HOSTS.app, '/hello'));
    const headers = await forwarded(page);
    await screenshot(page, '03-back-on-site');
    assert.equal(headers['sitegate-user-email'], 'ada@acme.test');
    assert.equal(headers['sitegate-user-name'], 'Ada%20Lovelace', 'the name is percent-encoded UTF-8');
    assert.equal(headers['sitegate-user-role'], 'owner');
    assert.ok(headers['sitegate-user-id'], 'a pairwise user id is forwarded');
    appUserId = headers['sitegate-user-id'];
    const claims = jwtPayload(headers['sitegate-jwt-assertion']);
    assert.equal(claims.email, 'ada@acme.test');
    assert.ok(
      [env.url(HOSTS.app, ''), env.url(HOSTS.app, '/')].includes(claims.aud) ||
        (Array.isArray(claims.aud) && claims.aud.includes(env.url(HOSTS.app, ''))),
      `assertion audience should be the site's origin, got ${JSON.stringify(claims.aud)}`,
    );
    assert.ok(claims.exp - claims.iat <= 300, 'assertion lives at most 5 minutes');

    // The site session is a host-only __Host- cookie: Secure, HttpOnly, SameSite=Lax.
    const cookies = await context.cookies(env.url(HOSTS.app, '/'));
    const session = cookies.find((c) => c.name === '__Host-sitegate');
    assert.ok(session, `no __Host-sitegate cookie on the site: ${cookies.map((c) => c.name)}`);
    assert.equal(session.domain, HOSTS.app, 'host-only cookie');
    assert.equal(session.secure, true);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    await page.close();
  }));

  it('b: SSO: a second site of the same workspace opens with no login form', step(async () => {
    assert.ok(appUserId, 'needs test a to have signed in');
    const page = await context.newPage();
    const hops = recordNavigations(page);
    const before = env.op.requests.length;
    await page.goto(env.url(HOSTS.two, '/second'));
    await page.waitForURL(env.url(HOSTS.two, '/second'));
    const headers = await forwarded(page);
    await screenshot(page, '04-sso-second-site');

    assert.equal(hops[0].status, 302, 'the second site had no session of its own yet');
    assert.equal(hostOf(hops[0].location), `${SIGNIN_HOST}:${env.httpsPort}`);
    assert.deepEqual(
      hops.filter((h) => h.url.startsWith(env.op.issuer)),
      [],
      'SSO must not go back to the provider',
    );
    assert.deepEqual(env.op.requests.slice(before), [], 'the provider saw no request');
    assert.equal(headers['sitegate-user-email'], 'ada@acme.test');
    assert.ok(headers['sitegate-user-id'], 'a user id on the second site');
    assert.notEqual(headers['sitegate-user-id'], appUserId, 'sitegate-user-id is pairwise: different per site');
    await page.close();
  }));

  it('c: logout: /.sitegate/logout ends the session and the next visit asks for sign-in again', step(async () => {
    assert.ok(appUserId, 'needs test a to have signed in');
    const page = await context.newPage();
    const hops = recordNavigations(page);
    await page.goto(env.url(HOSTS.app, '/.sitegate/logout'));

    // Site cookie gone; the sign-in host ended SSO and continued to the provider's
    // end_session_endpoint (advertised by oidc-provider).
    const cookies = await context.cookies(env.url(HOSTS.app, '/'));
    assert.equal(cookies.find((c) => c.name === '__Host-sitegate'), undefined, 'the site cookie is cleared');
    assert.equal(hostOf(hops[0].location ?? ''), `${SIGNIN_HOST}:${env.httpsPort}`, `logout goes on to the sign-in host: ${JSON.stringify(hops[0])}`);
    assert.ok(
      hops.some((h) => h.url.startsWith(`https://${SIGNIN_HOST}:${env.httpsPort}/logout`) && h.location?.startsWith(`${env.op.issuer}/session/end`)),
      `the sign-in host should continue to the provider's end_session_endpoint: ${JSON.stringify(hops, null, 1)}`,
    );
    assert.ok(page.url().startsWith(`${env.op.issuer}/session/end`), `at ${page.url()}`);
    await screenshot(page, '05-provider-logout');
    await page.locator('button[name="logout"][value="yes"]').click();
    await page.locator('h1', { hasText: 'Sign-out Success' }).waitFor();

    // Next visit: the site redirects to the sign-in host, which (no SSO any more) sends the
    // browser to the provider, which asks for the login again.
    const again = recordNavigations(page);
    await page.goto(env.url(HOSTS.app, '/hello'));
    assert.equal(again[0].status, 302, `the site must ask for sign-in again: ${JSON.stringify(again[0])}`);
    assert.equal(hostOf(again[0].location), `${SIGNIN_HOST}:${env.httpsPort}`);
    assert.ok(
      again.some((h) => h.url.startsWith(`https://${SIGNIN_HOST}:${env.httpsPort}/signin`) && h.location?.startsWith(`${env.op.issuer}/auth?`)),
      'with SSO ended, the sign-in host goes to the provider again',
    );
    await page.locator('input[name="login"]').waitFor();
    await screenshot(page, '06-after-logout-login-again');
    await page.close();
  }));
});

describe('the development IdP', () => {
  it('d: lists the RBAC members, says it is for development, signs in by a click; a member gets 403 on an admins_only site', step(async () => {
    const context = await chromium.newContext();
    try {
      const page = await context.newPage();
      await page.goto(env.url(HOSTS.team, '/'));
      assert.ok(
        page.url().startsWith(`https://${SIGNIN_HOST}:${env.httpsPort}/dev-idp/`),
        `expected the development IdP's page, at ${page.url()}`,
      );
      const text = await page.locator('body').innerText();
      assert.match(text, /development/i);
      assert.match(text, /for development/i, 'the page says in plain words it is for development');
      for (const email of Object.keys(DEMO_MEMBERS)) {
        await page.locator('button', { hasText: email }).waitFor();
      }
      await screenshot(page, '07-dev-idp');

      await page.locator('button', { hasText: 'carol@demo.test' }).click();
      await page.waitForURL(env.url(HOSTS.team, '/'));
      const headers = await forwarded(page);
      assert.equal(headers['sitegate-user-email'], 'carol@demo.test');
      assert.equal(headers['sitegate-user-role'], 'member');

      // carol is a member, not an admin: the admins_only site refuses her (after SSO).
      const response = await page.goto(env.url(HOSTS.admin, '/'));
      assert.equal(page.url(), env.url(HOSTS.admin, '/'), 'SSO brought her back to the admin site');
      assert.equal(response.status(), 403);
      await page.locator('h1', { hasText: 'Access denied' }).waitFor();
      assert.equal(await page.getByText('Hello from the demo backend').count(), 0, 'the backend is not reached');
      await screenshot(page, '08-access-denied');
    } finally {
      await context.close();
    }
  }));

  it('d2: an admin signed in through the dev IdP opens the admins_only site', step(async () => {
    const context = await chromium.newContext();
    try {
      const page = await context.newPage();
      await page.goto(env.url(HOSTS.admin, '/ops'));
      await page.locator('button', { hasText: 'bob@demo.test' }).click();
      await page.waitForURL(env.url(HOSTS.admin, '/ops'));
      const headers = await forwarded(page);
      assert.equal(headers['sitegate-user-email'], 'bob@demo.test');
      assert.equal(headers['sitegate-user-role'], 'admin');
      await screenshot(page, '09-admin-allowed');
    } finally {
      await context.close();
    }
  }));
});

describe('TLS', () => {
  it('Chromium checks certificates: the site fails without the dev CA in its trust store', step(async () => {
    const untrusting = await launchBrowser('');
    try {
      const context = await untrusting.newContext();
      const page = await context.newPage();
      await assert.rejects(page.goto(env.url(HOSTS.app, '/hello')), /ERR_CERT_AUTHORITY_INVALID|ERR_CERT/);
    } finally {
      await untrusting.close();
    }
  }));
});

// Known gateway bug, kept visible as a TODO test (reported, not failing the run): OpenID Connect
// Core 5.4 lets a provider return the email/profile claims from the UserInfo endpoint only,
// not in the ID token, when the code flow issues an access token. oidc-provider does exactly
// that by default (conformIdTokenClaims: true). Sitegate reads the ID token only, so the
// listed owner ada@acme.test arrives without an email and gets "Access denied".
// When the gateway calls UserInfo, this passes: drop the `todo`.
describe('a provider that returns email and name only from UserInfo (OIDC Core 5.4)', () => {
  it('signs the user in with the UserInfo email', { todo: 'gateway reads claims from the ID token only' }, async () => {
    const conforming = await startEnvironment({ providerOptions: { conformIdTokenClaims: true } });
    const browser = await launchBrowser(conforming.gateway.caPem());
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(conforming.url(HOSTS.app, '/hello'));
      await page.locator('input[name="login"]').fill('ada@acme.test');
      await page.locator('input[name="password"]').fill('correct horse battery staple');
      await page.locator('button[type="submit"]', { hasText: 'Sign-in' }).click();
      await page.locator('button[type="submit"]', { hasText: 'Continue' }).click();
      await page.waitForURL(conforming.url(HOSTS.app, '/hello'));
      await page.locator('h1').first().waitFor();
      await screenshot(page, '10-userinfo-only-provider');
      assert.equal(await page.locator('h1').first().innerText(), 'Hello from the demo backend', 'the listed owner is let in');
      const headers = await forwarded(page);
      assert.equal(headers['sitegate-user-email'], 'ada@acme.test');
    } finally {
      await browser.close();
      await conforming.stop();
    }
  });
});
