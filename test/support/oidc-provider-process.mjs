// A real OpenID Connect provider (the `oidc-provider` package) for the SSO specs, in a process of
// its own (the package is an ECMAScript module only). Arguments: redirect URI, client id, client
// secret. Prints `{"issuer": …}` once listening. The login step signs in whoever the
// authorization request names in `login_hint`; `unverified+<email>` has email_verified false.
import http from 'node:http';
import process from 'node:process';
import Provider from 'oidc-provider';

const [redirectUri, clientId, clientSecret] = process.argv.slice(2);
const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  conformIdTokenClaims: false,
  cookies: { keys: ['oidc-spec-cookie-key'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id,
      email: id.replace(/^unverified\+/, ''),
      email_verified: !id.startsWith('unverified+'),
      name: 'Spec User',
    }),
  }),
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

const callback = provider.callback();
server.on('request', (req, res) => {
  if (/^\/interaction\/[^/?]+/.test(req.url)) {
    provider
      .interactionDetails(req, res)
      .then((details) =>
        provider.interactionFinished(req, res, { login: { accountId: details.params.login_hint } }, { mergeWithLastSubmission: false }),
      )
      .catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    return;
  }
  callback(req, res);
});
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
