import { createHmac } from 'node:crypto';
import type { Db } from '../db/client.js';
import { later, MINUTE_MS as MINUTE, type Clock } from '../time/clock.js';

/** At most `max` events per `windowMs` (a sliding window) under `key`. */
export interface Limit {
  key: string;
  max: number;
  windowMs: number;
}

// Sign-in, and guesses of the current password on the change form (README, Decisions: "Sign-in throttling").
/** Failures of one account from one client (a known browser, otherwise an IP address). */
export const PER_ACCOUNT_CLIENT = { max: 5, windowMs: 15 * MINUTE };
/** Failures from one IP address over all accounts, for clients the account does not know. */
export const PER_ADDRESS = { max: 20, windowMs: 15 * MINUTE };
/** Failures of one account over all the clients it does not know: distributed guessing. */
export const PER_ACCOUNT = { max: 50, windowMs: 60 * MINUTE };
// Password-reset requests.
/** Reset requests from one client, whatever the address (answered 429 beyond). */
export const RESET_PER_CLIENT = { max: 10, windowMs: 15 * MINUTE };
/** Reset mails to one address (silently not sent beyond: the answer is the same). */
export const RESET_MAILS_PER_ADDRESS = { max: 3, windowMs: 60 * MINUTE };

/** Events are kept as long as the longest window counts them. */
const KEEP_MS = Math.max(PER_ACCOUNT_CLIENT.windowMs, PER_ADDRESS.windowMs, PER_ACCOUNT.windowMs, RESET_PER_CLIENT.windowMs, RESET_MAILS_PER_ADDRESS.windowMs);

/** Who is trying: the IP address, and the browser when it holds this account's device cookie. */
export interface Client {
  address: string;
  /** The id of a device cookie verified for this account (src/auth/device.ts). */
  device?: string | null;
}

/** The events a password check reserved, and the key of its account and client. */
export interface Attempt {
  ids: bigint[];
  pairKey: string;
}

/**
 * Throttles with their counters in PostgreSQL (they hold across instances and restarts). Keys are
 * HMACs of what is counted: no e-mail or address is stored in clear.
 *
 * `take` counts and records under advisory locks, in one transaction: two requests for the same key
 * are serialised, so that at most `max` events ever pass, however many arrive at once. A password
 * check therefore takes its place *before* the password is verified (the attempt counts as a
 * failure), and gives it back when the password was right.
 */
export class Throttle {
  constructor(
    private db: Db,
    private secret: string,
    private clock: Clock,
  ) {}

  key(kind: string, ...parts: string[]) {
    return createHmac('sha256', this.secret)
      .update([kind, ...parts.map((p) => p.trim().toLowerCase())].join('\u0000'))
      .digest('hex');
  }

  /** Records one event under every limit's key if each is still under its maximum; null (nothing recorded) otherwise. */
  async take(limits: Limit[]): Promise<bigint[] | null> {
    const now = this.clock.now();
    return this.db.$transaction(
      async (tx) => {
        // Locks in one global order (the lock ids, sorted): two attempts sharing keys cannot deadlock.
        const lockIds = [...new Set(limits.map((l) => lockId(l.key)))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        for (const id of lockIds) await tx.$executeRaw`SELECT pg_advisory_xact_lock(${id})`;
        for (const l of limits) {
          const n = await tx.throttleEvent.count({ where: { key: l.key, createdAt: { gt: later(now, -l.windowMs) } } });
          if (n >= l.max) return null;
        }
        const rows = await tx.throttleEvent.createManyAndReturn({ data: limits.map((l) => ({ key: l.key, createdAt: now })), select: { id: true } });
        return rows.map((r) => r.id);
      },
      // Requests queue on the locks for a few milliseconds each: wait for the pool rather than fail.
      { maxWait: 10_000, timeout: 10_000 },
    );
  }

  /**
   * Before a password is verified: the limits of this account from this client. A client holding
   * the account's device cookie is limited on its own counter only; any other is also limited per
   * IP address and, with the others the account does not know, per account. Null when blocked.
   */
  async beginPasswordCheck(account: string, client: Client): Promise<Attempt | null> {
    const who = client.device ? `device:${client.device}` : `address:${client.address}`;
    const pairKey = this.key('login-pair', account, who);
    const limits: Limit[] = [{ key: pairKey, ...PER_ACCOUNT_CLIENT }];
    if (!client.device) limits.push({ key: this.key('login-address', client.address), ...PER_ADDRESS }, { key: this.key('login-account', account), ...PER_ACCOUNT });
    const ids = await this.take(limits);
    return ids ? { ids, pairKey } : null;
  }

  /**
   * The password was right: the attempt was no failure, and this client's failures on this account
   * are forgiven. Other clients' failures stay (an attacker elsewhere remains throttled).
   */
  async passwordAccepted(attempt: Attempt) {
    await this.db.throttleEvent.deleteMany({ where: { OR: [{ id: { in: attempt.ids } }, { key: attempt.pairKey }] } });
  }

  async purge() {
    const r = await this.db.throttleEvent.deleteMany({ where: { createdAt: { lt: later(this.clock.now(), -KEEP_MS) } } });
    return r.count;
  }
}

/** A 64-bit advisory-lock id from a hex HMAC key. */
function lockId(key: string): bigint {
  return BigInt.asIntN(64, BigInt(`0x${key.slice(0, 16)}`));
}
