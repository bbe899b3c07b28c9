import { randomBytes } from 'node:crypto';
import { Service, type ServiceDeps } from '../../act.js';
import { notFound } from '../../errors.js';
import type { IdentityProvider } from '../../generated/prisma/client.js';
import { log } from '../../log.js';
import { accountFor, personFrom, type SignInContext } from './sso.accounts.js';
import { SsoAdminService } from './sso.admin.service.js';
import { casLoginUrl, casLogoutUrl, casValidate } from './sso.cas.js';
import { SsoError } from './sso.errors.js';
import { OidcClient } from './sso.oidc.js';

/** A sign-in under way, kept in the browser's session from the start to the provider's answer. */
export interface SsoPending {
  institutionId: number;
  protocol: 'OIDC' | 'CAS';
  state: string;
  nonce?: string;
  verifier?: string;
  /** Where to go once signed in (a same-site path). */
  next?: string | null;
}

declare module 'express-session' {
  interface SessionData {
    ssoPending?: SsoPending;
    /** The institution whose provider signed this session in: signing out offers its logout. */
    ssoInstitutionId?: number;
  }
}

/**
 * Single sign-on through an institution's provider: OpenID Connect (authorization code, PKCE,
 * state and nonce) or CAS (service ticket validated by the server), then the platform's account of
 * the person (sso.accounts.ts). The routes keep the pending sign-in in the session and open it.
 */
export class SsoService extends Service {
  readonly admin: SsoAdminService;
  private oidc = new OidcClient();

  constructor(deps: ServiceDeps) {
    super(deps);
    this.admin = new SsoAdminService(deps);
  }

  /** The sign-in page's buttons: one per enabled provider. */
  buttons() {
    return this.db.identityProvider.findMany({
      where: { enabled: true },
      orderBy: [{ label: 'asc' }, { id: 'asc' }],
      select: { institutionId: true, label: true, passwordsDisabled: true },
    });
  }

  private async provider(institutionId: number): Promise<IdentityProvider> {
    const p = await this.db.identityProvider.findUnique({ where: { institutionId } });
    if (!p || !p.enabled) throw notFound();
    return p;
  }

  /** The redirect URI to declare at an OpenID provider. */
  callbackUrl(institutionId: number) {
    return `${this.baseUrl}/sso/${institutionId}/callback`;
  }

  /** The CAS service: our address with the sign-in's state, so that a ticket is good for this browser only. */
  casService(institutionId: number, state: string) {
    return `${this.baseUrl}/sso/${institutionId}/cas?state=${encodeURIComponent(state)}`;
  }

  /** Where to send the browser, and what to keep in its session until the answer. */
  async start(institutionId: number, next: string | null): Promise<{ url: string; pending: SsoPending }> {
    const p = await this.provider(institutionId);
    if (p.protocol === 'OIDC') {
      const { url, checks } = await this.oidc.authorizationUrl(p, this.callbackUrl(institutionId));
      return { url, pending: { institutionId, protocol: 'OIDC', ...checks, next } };
    }
    const state = randomBytes(24).toString('base64url');
    return { url: casLoginUrl(p.casUrl!, this.casService(institutionId, state)), pending: { institutionId, protocol: 'CAS', state, next } };
  }

  /** The provider and the pending sign-in, which must be this institution's and this protocol's. */
  private async expected(institutionId: number, pending: SsoPending | undefined, protocol: SsoPending['protocol']) {
    const p = await this.provider(institutionId);
    if (!pending || pending.institutionId !== institutionId || pending.protocol !== protocol || p.protocol !== protocol) throw new SsoError('state', 'nothing pending');
    return p;
  }

  /** The OpenID callback (`search`: its query string, "?code=…&state=…"): the user id signed in. */
  async finishOidc(institutionId: number, pending: SsoPending | undefined, search: string, c: SignInContext): Promise<number> {
    const p = await this.expected(institutionId, pending, 'OIDC');
    const current = new URL(this.callbackUrl(institutionId) + search);
    if (current.searchParams.get('state') !== pending!.state) throw new SsoError('state', 'state mismatch');
    const claims = await this.oidc.claims(p, current, { state: pending!.state, nonce: pending!.nonce ?? '', verifier: pending!.verifier ?? '' });
    return this.signIn(p, String(claims.sub), claims, c);
  }

  /** The CAS return: the ticket is validated for the very service it was issued for. */
  async finishCas(institutionId: number, pending: SsoPending | undefined, answer: { state?: unknown; ticket?: unknown }, c: SignInContext): Promise<number> {
    const p = await this.expected(institutionId, pending, 'CAS');
    if (answer.state !== pending!.state) throw new SsoError('state', 'state mismatch');
    if (typeof answer.ticket !== 'string') throw new SsoError('provider', 'no ticket');
    const { user, attributes } = await casValidate(p.casUrl!, this.casService(institutionId, pending!.state), answer.ticket);
    return this.signIn(p, user, attributes, c);
  }

  private async signIn(p: IdentityProvider, subject: string, values: Record<string, unknown>, c: SignInContext) {
    const userId = await accountFor(this.db, p, personFrom(p, subject, values), c);
    log.info('sso sign-in', { institutionId: p.institutionId, userId });
    return userId;
  }

  /**
   * The provider's sign-out, offered after ours: its label and address. Null when it has none, or
   * when the provider was removed meanwhile (the page then only says that the person is signed out).
   */
  async logoutLink(institutionId: number): Promise<{ label: string; url: string } | null> {
    const p = await this.db.identityProvider.findUnique({ where: { institutionId } });
    if (!p) return null;
    const url = p.protocol === 'CAS' ? (p.casUrl ? casLogoutUrl(p.casUrl) : null) : await this.oidc.logoutUrl(p);
    return url ? { label: p.label, url } : null;
  }
}
