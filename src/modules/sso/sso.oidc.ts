import * as oidc from 'openid-client';
import type { IdentityProvider } from '../../generated/prisma/client.js';
import { SsoError } from './sso.errors.js';

/** What the sign-in needs back at the callback: kept in the session between the two. */
export interface OidcChecks {
  state: string;
  nonce: string;
  verifier: string;
}

export type Claims = Record<string, unknown>;

const SCOPE = 'openid email profile';
const TIMEOUT_S = 10;

/**
 * An issuer on this machine (a provider under development, the tests' in-process one) may be
 * reached over plain HTTP: its traffic never leaves the host. Every other issuer is HTTPS only,
 * openid-client's default; the settings form refuses other addresses too.
 */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** The provider could not be reached (network, timeout) or answered outside the protocol. */
function failure(err: unknown): SsoError {
  if (err instanceof SsoError) return err;
  const e = err as { name?: string; message?: string; code?: string; error?: string };
  if ((e.name === 'TypeError' && e.message === 'fetch failed') || e.name === 'TimeoutError' || e.name === 'AbortError') return new SsoError('unreachable', e.name);
  // ResponseBodyError / AuthorizationResponseError carry the OAuth error code, ClientError its own.
  return new SsoError('provider', e.error ?? e.code ?? e.name);
}

/**
 * The OpenID Connect side: discovery (kept per provider until its settings change), the
 * authorization code flow with PKCE, state and nonce, and the person's claims (ID token, then the
 * userinfo endpoint, which is where providers put the scopes' claims).
 */
export class OidcClient {
  private configs = new Map<string, Promise<oidc.Configuration>>();

  private configuration(p: IdentityProvider): Promise<oidc.Configuration> {
    if (!p.issuerUrl || !p.clientId) throw new SsoError('unreachable', 'not configured');
    const key = `${p.id}:${p.updatedAt.getTime()}`;
    let config = this.configs.get(key);
    if (!config) {
      const issuer = new URL(p.issuerUrl);
      // Without a secret the client is a public one: PKCE alone binds the code to this browser.
      const auth = p.clientSecret ? oidc.ClientSecretPost(p.clientSecret) : oidc.None();
      config = oidc.discovery(issuer, p.clientId, undefined, auth, { execute: isLoopbackHttp(issuer) ? [oidc.allowInsecureRequests] : [], timeout: TIMEOUT_S });
      for (const old of this.configs.keys()) if (old.startsWith(`${p.id}:`)) this.configs.delete(old);
      this.configs.set(key, config);
      // A failed discovery is tried again at the next sign-in, not remembered.
      config.catch(() => this.configs.delete(key));
    }
    return config;
  }

  async authorizationUrl(p: IdentityProvider, redirectUri: string): Promise<{ url: string; checks: OidcChecks }> {
    try {
      const config = await this.configuration(p);
      const checks = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier() };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: SCOPE,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.verifier),
        code_challenge_method: 'S256',
      });
      return { url: url.href, checks };
    } catch (err) {
      throw failure(err);
    }
  }

  /** The callback: `currentUrl` is our redirect URI with the provider's answer in its query. */
  async claims(p: IdentityProvider, currentUrl: URL, checks: OidcChecks): Promise<Claims> {
    try {
      const config = await this.configuration(p);
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        pkceCodeVerifier: checks.verifier,
        idTokenExpected: true,
      });
      const idToken = tokens.claims();
      if (!idToken) throw new SsoError('provider', 'no id_token');
      if (!config.serverMetadata().userinfo_endpoint) return { ...idToken };
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub);
      return { ...info, ...idToken };
    } catch (err) {
      throw failure(err);
    }
  }

  /** The provider's sign-out page (RP-initiated logout), when it has one; null otherwise or unreachable. */
  async logoutUrl(p: IdentityProvider): Promise<string | null> {
    try {
      const config = await this.configuration(p);
      if (!config.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(config, { client_id: p.clientId! }).href;
    } catch {
      return null;
    }
  }
}
