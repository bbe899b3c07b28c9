import { createHmac } from 'node:crypto';
import type { Db } from '../db/client.js';
import type { Clock } from '../time/clock.js';

export const WINDOW_MS = 15 * 60 * 1000;
export const MAX_PER_ACCOUNT = 5;
export const MAX_PER_ADDRESS = 20;

/**
 * Sign-in throttling with counters in PostgreSQL, so they hold across instances and restarts.
 * Keys are HMACs of the e-mail and the address: no personal data is stored in clear.
 */
export class LoginThrottle {
  constructor(
    private db: Db,
    private secret: string,
    private clock: Clock,
  ) {}

  private key(kind: string, value: string) {
    return createHmac('sha256', this.secret).update(`${kind}:${value.trim().toLowerCase()}`).digest('hex');
  }

  async isBlocked(email: string, address: string): Promise<boolean> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - WINDOW_MS);
    const [byAccount, byAddress] = await Promise.all([
      this.db.loginFailure.count({ where: { accountKey: this.key('account', email), createdAt: { gt: since } } }),
      this.db.loginFailure.count({ where: { addressKey: this.key('address', address), createdAt: { gt: since } } }),
    ]);
    return byAccount >= MAX_PER_ACCOUNT || byAddress >= MAX_PER_ADDRESS;
  }

  async recordFailure(email: string, address: string) {
    await this.db.loginFailure.create({ data: { accountKey: this.key('account', email), addressKey: this.key('address', address), createdAt: this.clock.now() } });
  }

  /** A successful sign-in clears the account's failures (not the address's). */
  async recordSuccess(email: string) {
    await this.db.loginFailure.deleteMany({ where: { accountKey: this.key('account', email) } });
  }

  async purge() {
    const now = this.clock.now();
    const r = await this.db.loginFailure.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - WINDOW_MS) } } });
    return r.count;
  }
}
