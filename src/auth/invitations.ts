import type { Tx } from '../db/client.js';
import type { Locale } from '../generated/prisma/client.js';
import { queueEmail } from '../mail/outbox.js';
import { newToken } from './tokens.js';

/** An account created for someone else is activated through a link valid for a week. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Inside the transaction that creates the account: a single-use link to choose a password
 * (a password-reset token with a longer life) and the e-mail that carries it. No password ever
 * travels by e-mail.
 */
export async function queueInvitation(
  tx: Tx,
  user: { id: number; email: string; firstName: string; locale?: Locale },
  opts: { baseUrl: string; reasonKey: string; reasonParams?: Record<string, string>; invitedBy: string },
) {
  const { token, hash } = newToken();
  await tx.passwordResetToken.create({ data: { userId: user.id, tokenHash: hash, expiresAt: new Date(Date.now() + INVITATION_TTL_MS) } });
  await queueEmail(tx, {
    to: user.email,
    template: 'account-invitation',
    locale: user.locale ?? 'fr',
    data: { firstName: user.firstName, link: `${opts.baseUrl}/password/reset/${token}`, days: INVITATION_TTL_MS / 86_400_000, reasonKey: opts.reasonKey, reasonParams: opts.reasonParams ?? {}, invitedBy: opts.invitedBy },
  });
}
