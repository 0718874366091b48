// A third-party OpenID provider for the tests: the `oidc-provider` package (OpenID-certified),
// on a free loopback port, with one confidential client for Sitegate and two users. Its own
// development interactions supply the login form (any password) and the consent page.

import crypto from 'node:crypto';
import Provider from 'oidc-provider';

import { freePort } from './ports.js';

/** The provider's users, by the login typed into its form. */
export const USERS = {
  'ada@acme.test': { name: 'Ada Lovelace', email_verified: true },
  'ben@acme.test': { name: 'Ben Okafor', email_verified: true },
};

/**
 * Starts the provider. `redirectUri` is Sitegate's sign-in host callback.
 * Returns { issuer, port, clientId, clientSecret, requests, close }; `requests` logs every
 * request path it served (tests use it to see whether the browser came here at all).
 */
export async function startProvider({ redirectUri, clientId = 'sitegate-browser-tests', options = {} }) {
  const clientSecret = crypto.randomBytes(24).toString('base64url');
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'rs256-test', alg: 'RS256', use: 'sig' };

  let lastError;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: 'RS256',
        },
      ],
      jwks: { keys: [jwk] },
      cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
      pkce: { required: () => true },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      // Put the scope claims into the ID token: Sitegate reads identity from the ID token only
      // (it does not call the UserInfo endpoint). See README.md, "Known gateway issues".
      conformIdTokenClaims: false,
      findAccount(ctx, sub) {
        const user = USERS[sub];
        if (!user) return undefined;
        return {
          accountId: sub,
          async claims() {
            return { sub, email: sub, email_verified: user.email_verified, name: user.name };
          },
        };
      },
      features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
      ...options,
    });
    const requests = [];
    provider.use(async (ctx, next) => {
      requests.push(`${ctx.method} ${ctx.path}`);
      await next();
    });
    const errors = [];
    provider.on('server_error', (ctx, err) => errors.push(err));
    try {
      const server = await new Promise((resolve, reject) => {
        const s = provider.listen(port, '127.0.0.1', () => resolve(s));
        s.once('error', reject);
      });
      return {
        issuer,
        port,
        clientId,
        clientSecret,
        requests,
        errors,
        close: () =>
          new Promise((resolve) => {
            server.closeAllConnections?.();
            server.close(() => resolve());
          }),
      };
    } catch (e) {
      lastError = e; // the port was taken between picking and binding: try another
    }
  }
  throw new Error(`oidc-provider did not start: ${lastError}`);
}
