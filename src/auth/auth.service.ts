import type { ServiceDeps } from '../act.js';
import type { Db } from '../db/client.js';
import { later, type Clock } from '../time/clock.js';
import { audit } from '../audit/audit.js';
import { queueEmail } from '../mail/outbox.js';
import { ValidationError } from '../errors.js';
import type { Actor } from '../authz/actor.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import { LoginThrottle } from './rate-limit.js';
import { hashToken, newToken } from './tokens.js';

export const RESET_TTL_MS = 60 * 60 * 1000;

export type SignInResult = { kind: 'ok'; userId: number } | { kind: 'invalid' } | { kind: 'blocked' };

export class AuthService {
  readonly throttle: LoginThrottle;

  private db: Db;
  private baseUrl: string;
  private clock: Clock;

  constructor(deps: ServiceDeps, opts: { secret: string }) {
    this.db = deps.db;
    this.baseUrl = deps.baseUrl;
    this.clock = deps.clock;
    this.throttle = new LoginThrottle(deps.db, opts.secret, deps.clock);
  }

  async signIn(email: string, password: string, address: string): Promise<SignInResult> {
    const normalised = email.trim().toLowerCase();
    if (await this.throttle.isBlocked(normalised, address)) return { kind: 'blocked' };
    const user = await this.db.user.findUnique({ where: { email: normalised }, select: { id: true, passwordHash: true, active: true } });
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
    if (!user || !ok || !user.active) {
      await this.throttle.recordFailure(normalised, address);
      return { kind: 'invalid' };
    }
    await this.throttle.recordSuccess(normalised);
    await this.db.user.update({ where: { id: user.id }, data: { lastLoginAt: this.clock.now() } });
    return { kind: 'ok', userId: user.id };
  }

  /**
   * Queues a single-use reset link when the account exists; does nothing visible otherwise, so the
   * caller answers the same either way (no enumeration).
   */
  async requestPasswordReset(email: string, requestId?: string): Promise<void> {
    const user = await this.db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
    if (!user || !user.active) return;
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

  async resetPassword(token: string, password: string, requestId?: string): Promise<boolean> {
    const passwordHash = await hashPassword(password);
    return this.db.$transaction(async (tx) => {
      // Marking the token used in the same statement that checks it makes it single-use under concurrency.
      const used = await tx.passwordResetToken.updateMany({
        where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: this.clock.now() } },
        data: { usedAt: this.clock.now() },
      });
      if (used.count !== 1) return false;
      const row = await tx.passwordResetToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) } });
      await tx.user.update({ where: { id: row.userId }, data: { passwordHash } });
      // Other outstanding links die with this one, and every open session of the account ends.
      await tx.passwordResetToken.updateMany({ where: { userId: row.userId, usedAt: null }, data: { usedAt: this.clock.now() } });
      await tx.$executeRaw`DELETE FROM "session" WHERE (sess->'passport'->>'user') = ${String(row.userId)}`;
      await audit(tx, { actorId: row.userId, action: 'user.passwordReset', entityType: 'User', entityId: row.userId, requestId });
      return true;
    });
  }

  async changePassword(actor: Actor, current: string, next: string, requestId?: string): Promise<void> {
    const user = await this.db.user.findUniqueOrThrow({ where: { id: actor.id } });
    if (!(await verifyPassword(user.passwordHash, current))) throw new ValidationError({ currentPassword: 'auth.password.currentWrong' });
    const passwordHash = await hashPassword(next);
    await this.db.$transaction(async (tx) => {
      await tx.user.update({ where: { id: actor.id }, data: { passwordHash } });
      await audit(tx, { actorId: actor.id, action: 'user.passwordChanged', entityType: 'User', entityId: actor.id, requestId });
    });
  }
}
