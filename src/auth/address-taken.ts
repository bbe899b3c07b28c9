import { audit } from '../audit/audit.js';
import type { Tx } from '../db/client.js';
import type { Locale } from '../generated/prisma/client.js';
import { queueEmail } from '../mail/outbox.js';
import { HOUR_MS } from '../time/clock.js';

/**
 * A registration form was filled with an address that already has an account. The form answers as
 * for a new address (it must not tell whether someone has an account); the address's owner is told
 * instead: someone tried to register with it, sign in or reset the password. At most one such mail
 * an hour per account (the outbox's dedupe key), so the forms cannot be used to flood a mailbox.
 */
export async function warnAddressTaken(
  tx: Tx,
  user: { id: number; email: string; firstName: string; locale: Locale },
  opts: { baseUrl: string; now: Date; requestId?: string | null; form: 'student' | 'company' },
) {
  const queued = await queueEmail(tx, {
    to: user.email,
    template: 'address-taken',
    locale: user.locale,
    data: { firstName: user.firstName, loginLink: `${opts.baseUrl}/login`, forgotLink: `${opts.baseUrl}/password/forgot` },
    dedupeKey: `address-taken:${user.id}:${Math.floor(opts.now.getTime() / HOUR_MS)}`,
  });
  await audit(tx, { actorId: null, action: 'user.registrationWithTakenAddress', entityType: 'User', entityId: user.id, after: { form: opts.form, mailed: queued }, requestId: opts.requestId });
}
