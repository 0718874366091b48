// The whole world of one test file: the OpenID provider, and Sitegate configured with it
// (workspace `acme`, IdP `op`) and with its development IdP (workspace `demo`, IdP `dev`),
// proxying every site to its built-in demo backend.

import { startGateway, BASE_DOMAIN, SIGNIN_HOST } from './gateway.js';
import { freePorts } from './ports.js';
import { startProvider } from './provider.js';

export { BASE_DOMAIN, SIGNIN_HOST };

/** Hostnames of the sites (default hostnames `<site>.<workspace>.<base_domain>`). */
export const HOSTS = {
  app: `app.acme.${BASE_DOMAIN}`, // workspace_all, acme (IdP op)
  two: `two.acme.${BASE_DOMAIN}`, // workspace_all, acme (IdP op)
  team: `team.demo.${BASE_DOMAIN}`, // workspace_all, demo (dev IdP)
  admin: `admin.demo.${BASE_DOMAIN}`, // admins_only, demo (dev IdP)
};

/** Members of the dev-IdP workspace. */
export const DEMO_MEMBERS = {
  'alice@demo.test': 'owner',
  'bob@demo.test': 'admin',
  'carol@demo.test': 'member',
};

function rbacAcme(upstream) {
  return `[workspace]
id = "acme"
name = "Acme"
idp = "op"

[members]
"ada@acme.test" = "owner"
"ben@acme.test" = "member"

[sites.app]
access = "workspace_all"
backend = { upstream = "${upstream}" }

[sites.two]
access = "workspace_all"
backend = { upstream = "${upstream}" }
`;
}

function rbacDemo(upstream) {
  const members = Object.entries(DEMO_MEMBERS)
    .map(([email, role]) => `"${email}" = "${role}"`)
    .join('\n');
  return `[workspace]
id = "demo"
name = "Demo"
idp = "dev"

[members]
${members}

[sites.team]
access = "workspace_all"
backend = { upstream = "${upstream}" }

[sites.admin]
access = "admins_only"
backend = { upstream = "${upstream}" }
`;
}

function sitegateToml({ https, admin, demo, op }) {
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

[idps.op]
display_name = "Test OpenID Provider"
issuer = "${op.issuer}"
client_id = "${op.clientId}"
client_secret_file = "op-secret"
scopes = ["openid", "email", "profile"]

[shutdown]
grace_period = "1s"
`;
}

/**
 * Starts the provider and the gateway; retries on fresh ports if one was taken meanwhile.
 * Returns { gateway, op, httpsPort, url(host, path), stop() }.
 */
export async function startEnvironment({ providerOptions } = {}) {
  let lastError;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const [https, admin, demo] = await freePorts(3);
    const op = await startProvider({
      redirectUri: `https://${SIGNIN_HOST}:${https}/callback`,
      options: providerOptions,
    });
    const upstream = `http://127.0.0.1:${demo}`;
    try {
      const gateway = await startGateway({
        adminPort: admin,
        toml: sitegateToml({ https, admin, demo, op }),
        files: {
          'rbac/acme.toml': rbacAcme(upstream),
          'rbac/demo.toml': rbacDemo(upstream),
          'op-secret': `${op.clientSecret}\n`,
        },
      });
      return {
        gateway,
        op,
        httpsPort: https,
        url: (host, path = '/') => `https://${host}:${https}${path}`,
        async stop() {
          await gateway.stop();
          await op.close();
        },
      };
    } catch (e) {
      lastError = e;
      await op.close();
      if (!e.portCollision) break;
    }
  }
  throw lastError;
}
