import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** The app's public address in tests (testConfig's BASE_URL): where the provider sends the browser back. */
export const APP_ORIGIN = 'http://stages.test';
export const CLIENT_ID = 'stages';
export const CLIENT_SECRET = 'stages-client-secret-for-tests';

export type AccountClaims = { email?: string; email_verified?: boolean; given_name?: string; family_name?: string; student_number?: string };

export interface TestOidcProvider {
  issuer: string;
  /** The accounts the provider knows (sub → claims), changed freely by the tests. */
  accounts: Map<string, AccountClaims>;
  /** Who the provider's sign-in page signs in, without a form: the next authorization's person. */
  signInAs(sub: string): void;
  /**
   * Plays the browser at the provider: follows its redirects from the authorization URL (our
   * start's Location) to the answer sent back to the app, and returns that answer's path and query.
   */
  authorize(authorizationUrl: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (oidc-provider) in the test process, on 127.0.0.1 and a free port: a
 * confidential client for the app (redirect URIs of institutions 1 to 20), PKCE required, the
 * claims of the `email` and `profile` scopes (student_number with profile), and an interaction
 * that signs in the chosen account at once and grants what is asked (no consent page).
 */
export async function startOidcProvider(): Promise<TestOidcProvider> {
  const accounts = new Map<string, AccountClaims>();
  let current = '';
  let provider: InstanceType<typeof Provider>;

  const interaction = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name !== 'login') throw new Error(`unexpected prompt ${details.prompt.name}`);
    await provider.interactionFinished(req, res, { login: { accountId: current } }, { mergeWithLastSubmission: false });
  };
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((err: Error) => {
        res.statusCode = 500;
        res.end(err.message);
      });
      return;
    }
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: Array.from({ length: 20 }, (_, i) => `${APP_ORIGIN}/sso/${i + 1}/callback`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name', 'student_number'] },
    findAccount: async (_ctx: unknown, sub: string) => {
      const claims = accounts.get(sub);
      return claims ? { accountId: sub, claims: async () => ({ sub, ...claims }) } : undefined;
    },
    features: { devInteractions: { enabled: false } },
    interactions: { url: async (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    // Every request of the app's client is granted: a test has no consent page to click.
    loadExistingGrant: async (ctx: GrantContext) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    pkce: { required: () => true },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    // Short lives, said explicitly (the provider otherwise notes each default it falls back to).
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    jwks: { keys: [generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })] },
  });

  return {
    issuer,
    accounts,
    signInAs: (sub) => {
      current = sub;
    },
    authorize: (url) => followToApp(url),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface GrantContext {
  oidc: {
    client: { clientId: string };
    session: { accountId: string };
    provider: { Grant: new (init: { clientId: string; accountId: string }) => { addOIDCScope(s: string): void; save(): Promise<string> } };
  };
}

/** Follows redirects with the provider's cookies (one jar, a browser's) until one leads back to the app. */
async function followToApp(start: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1);
      if (value && !/expires=Thu, 01 Jan 1970/i.test(c)) jar.set(pair.slice(0, eq), value);
      else jar.delete(pair.slice(0, eq));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider answered ${res.status} without a redirect: ${(await res.text()).slice(0, 500)}`);
    const next = new URL(location, url);
    if (next.origin === APP_ORIGIN) return next.pathname + next.search;
    url = next.href;
  }
  throw new Error('too many redirects at the provider');
}
