import type { ServiceDeps } from '../act.js';
import type { Db, Tx } from '../db/client.js';
import { later, type Clock } from '../time/clock.js';
import { audit } from '../audit/audit.js';
import { log } from '../log.js';
import { queueEmail } from '../mail/outbox.js';
import { ValidationError } from '../errors.js';
import type { Actor } from '../authz/actor.js';
import { issueDevice, verifiedDevice } from './device.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import { RESET_MAILS_PER_ADDRESS, RESET_PER_CLIENT, Throttle, type Client } from './rate-limit.js';
import { hashToken, newToken } from './tokens.js';
import { passwordsDisabledFor } from '../modules/sso/sso.passwords.js';

export const RESET_TTL_MS = 60 * 60 * 1000;

/** What a request says of its client: its IP address and the device cookie it holds, if any. */
export interface ClientHints {
  address: string;
  deviceCookie?: string | null;
}

/** `device`: a fresh device cookie for the browser that proved it knows the password. */
export type SignInResult = { kind: 'ok'; userId: number; device: string } | { kind: 'invalid' } | { kind: 'blocked' } | { kind: 'sso'; label: string };

const normalise = (email: string) => email.trim().toLowerCase();

/** Every open session of an account ends (but the one given, when the account's owner is using it). */
export async function endSessions(tx: Tx, userId: number, exceptSid?: string) {
  await tx.$executeRaw`DELETE FROM "session" WHERE (sess->'passport'->>'user') = ${String(userId)} AND sid <> ${exceptSid ?? ''}`;
}

export class AuthService {
  readonly throttle: Throttle;

  private db: Db;
  private baseUrl: string;
  private clock: Clock;
  private secret: string;
  /** Work started after the answer was sent (password-reset requests), until it is done. */
  private pending = new Set<Promise<void>>();

  constructor(deps: ServiceDeps, opts: { secret: string }) {
    this.db = deps.db;
    this.baseUrl = deps.baseUrl;
    this.clock = deps.clock;
    this.secret = opts.secret;
    this.throttle = new Throttle(deps.db, opts.secret, deps.clock);
  }

  /** The client as the throttle counts it: its device when the cookie was issued for this account. */
  private client(account: string, hints: ClientHints): Client {
    return { address: hints.address, device: verifiedDevice(this.secret, account, hints.deviceCookie, this.clock.now()) };
  }

  /** A device cookie for a browser that has just proved it holds the account (password or reset link). */
  deviceCookie(email: string): string {
    return issueDevice(this.secret, normalise(email), this.clock.now());
  }

  /**
   * The throttle's place is taken before the password is verified, so that parallel guesses can
   * never check more passwords than the limit; a right password gives it back.
   */
  async signIn(email: string, password: string, hints: ClientHints): Promise<SignInResult> {
    const account = normalise(email);
    const attempt = await this.throttle.beginPasswordCheck(account, this.client(account, hints));
    if (!attempt) return { kind: 'blocked' };
    const user = await this.db.user.findUnique({ where: { email: account }, select: { id: true, passwordHash: true, active: true } });
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
    // A failure: the place taken stays counted.
    if (!user || !ok || !user.active) return { kind: 'invalid' };
    await this.throttle.passwordAccepted(attempt);
    // Said only once the password is right, so that the answer tells a stranger nothing of the account.
    const sso = await passwordsDisabledFor(this.db, user.id);
    if (sso) return { kind: 'sso', label: sso.label };
    await this.db.user.update({ where: { id: user.id }, data: { lastLoginAt: this.clock.now() } });
    return { kind: 'ok', userId: user.id, device: this.deviceCookie(account) };
  }

  /**
   * A reset request's first step, the same whatever the address: the client's own limit (false:
   * too many requests from this client).
   */
  async acceptResetRequest(address: string): Promise<boolean> {
    return !!(await this.throttle.take([{ key: this.throttle.key('reset-client', address), ...RESET_PER_CLIENT }]));
  }

  /**
   * Runs `work` without making the caller wait: the caller answers first, so the time of the answer
   * cannot tell what the work found (an account or none). Errors are logged.
   */
  inBackground(what: string, work: () => Promise<void>) {
    const p: Promise<void> = work()
      .catch((err: unknown) => log.error('background work failed', { what, error: err instanceof Error ? err.message : String(err) }))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once no background work is running (tests, shutdown). */
  async settled() {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  /**
   * Queues a single-use reset link when the account exists and its address has not had its share
   * of reset mails this hour; does nothing visible otherwise. Run after the answer (inBackground).
   */
  async requestPasswordReset(email: string, requestId?: string): Promise<void> {
    const address = normalise(email);
    if (!(await this.throttle.take([{ key: this.throttle.key('reset-mail', address), ...RESET_MAILS_PER_ADDRESS }]))) return;
    const user = await this.db.user.findUnique({ where: { email: address } });
    // Members of an institution that turned passwords off get no link: they sign in through its provider.
    if (!user || !user.active || (await passwordsDisabledFor(this.db, user.id))) return;
    const { token, hash } = newToken();
    await this.db.$transaction(async (tx) => {
      await tx.passwordResetToken.create({ data: { userId: user.id, tokenHash: hash, expiresAt: later(this.clock.now(), RESET_TTL_MS) } });
      await queueEmail(tx, {
        to: user.email,
        template: 'password-reset',
        locale: user.locale,
        data: { firstName: user.firstName, link: `${this.baseUrl}/password/reset/${token}`, minutes: RESET_TTL_MS / 60000 },
      });
      await audit(tx, { actorId: user.id, action: 'user.passwordResetRequested', entityType: 'User', entityId: user.id, requestId });
    });
  }

  /** The token's user id when the token is known, unused and not expired. */
  async checkResetToken(token: string): Promise<number | null> {
    const row = await this.db.passwordResetToken.findUnique({ where: { tokenHash: hashToken(token) } });
    if (!row || row.usedAt || row.expiresAt.getTime() <= this.clock.now().getTime()) return null;
    return row.userId;
  }

  /** Sets the password of the token's account; null when the token is not valid (any more). */
  async resetPassword(token: string, password: string, requestId?: string): Promise<{ email: string } | null> {
    const passwordHash = await hashPassword(password);
    return this.db.$transaction(async (tx) => {
      // Marking the token used in the same statement that checks it makes it single-use under concurrency.
      const used = await tx.passwordResetToken.updateMany({
        where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: this.clock.now() } },
        data: { usedAt: this.clock.now() },
      });
      if (used.count !== 1) return null;
      const row = await tx.passwordResetToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
      const user = await tx.user.update({ where: { id: row.userId }, data: { passwordHash }, select: { email: true } });
      // Other outstanding links die with this one, and every open session of the account ends.
      await tx.passwordResetToken.updateMany({ where: { userId: row.userId, usedAt: null }, data: { usedAt: this.clock.now() } });
      await endSessions(tx, row.userId);
      await audit(tx, { actorId: row.userId, action: 'user.passwordReset', entityType: 'User', entityId: row.userId, requestId });
      return user;
    });
  }

  /**
   * The change form: guesses of the current password are throttled like sign-in (same counters),
   * and the account's other sessions end with the change, as after a reset. 'blocked': too many
   * wrong guesses, nothing checked.
   */
  async changePassword(actor: Actor, current: string, next: string, opts: { hints: ClientHints; sessionId: string; requestId?: string }): Promise<'changed' | 'blocked'> {
    const user = await this.db.user.findUniqueOrThrow({ where: { id: actor.id } });
    const attempt = await this.throttle.beginPasswordCheck(user.email, this.client(user.email, opts.hints));
    if (!attempt) return 'blocked';
    if (!(await verifyPassword(user.passwordHash, current))) throw new ValidationError({ currentPassword: 'auth.password.currentWrong' });
    await this.throttle.passwordAccepted(attempt);
    const passwordHash = await hashPassword(next);
    await this.db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: actor.id }, data: { passwordHash } });
      // As after a reset: outstanding reset links die, and the other sessions end.
      await tx.passwordResetToken.updateMany({ where: { userId: actor.id, usedAt: null }, data: { usedAt: this.clock.now() } });
      await endSessions(tx, actor.id, opts.sessionId);
      await audit(tx, { actorId: actor.id, action: 'user.passwordChanged', entityType: 'User', entityId: actor.id, requestId: opts.requestId });
    });
    return 'changed';
  }
}
