// A real OpenID Connect provider for LabPortal's single sign-on tests.
//
// Usage: node provider.js <port>   (or OIDC_PORT=<port> node provider.js)
// Environment: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS (space-separated).
//
// It listens on 127.0.0.1 only; port 0 lets the system choose a free port. Once it
// answers, it prints one line to stdout: `ready <issuer URL>`. Its built-in development login form accepts any
// login name with any password; the login name is the account id and the email,
// and every email is reported as verified, as a municipality's identity provider
// does for its staff.
import http from 'node:http';

import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

const requestedPort = Number(process.argv[2] ?? process.env.OIDC_PORT);
if (!Number.isInteger(requestedPort) || requestedPort < 0) {
  console.error('Give the port (0 for any free one) as the first argument or in OIDC_PORT');
  process.exit(2);
}

const configuration = {
  clients: [
    {
      client_id: required('OIDC_CLIENT_ID'),
      client_secret: required('OIDC_CLIENT_SECRET'),
      redirect_uris: required('OIDC_REDIRECT_URIS').split(/\s+/).filter(Boolean),
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
  },
  async findAccount(_ctx, accountId) {
    return {
      accountId,
      async claims() {
        return { sub: accountId, email: accountId, email_verified: true };
      },
    };
  },
  // LabPortal is a first-party application of the identity provider: no consent
  // screen, as at a municipality. The grant covers what LabPortal asks for.
  async loadExistingGrant(ctx) {
    const { provider, client, session, result } = ctx.oidc;
    const grantId = result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (grantId) {
      return provider.Grant.find(grantId);
    }
    const grant = new provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  cookies: { keys: ['labportal-test-oidc-provider-not-secret'] },
  features: { devInteractions: { enabled: true } },
};

// The issuer names the port, so the provider is made once the port is bound.
const server = http.createServer();
server.listen(requestedPort, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  console.log(`ready ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
