import type { Tx } from '../db/client.js';
import type { Locale } from '../generated/prisma/client.js';
import { queueEmails } from '../mail/outbox.js';
import { later } from '../time/clock.js';
import { newToken } from './tokens.js';

/** An account created for someone else is activated through a link valid for a week. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Inside the transaction that creates the account: a single-use link to choose a password
 * (a password-reset token with a longer life) and the e-mail that carries it. No password ever
 * travels by e-mail.
 */
export interface Invitation {
  user: { id: number; email: string; firstName: string; locale?: Locale };
  opts: { baseUrl: string; now: Date; reasonKey: string; reasonParams?: Record<string, string>; invitedBy: string };
}

export async function queueInvitation(tx: Tx, user: Invitation['user'], opts: Invitation['opts']) {
  await queueInvitations(tx, [{ user, opts }]);
}

/** The same for many accounts at once (imports): two statements whatever their number. */
export async function queueInvitations(tx: Tx, invitations: Invitation[]) {
  if (!invitations.length) return;
  const tokens = invitations.map(() => newToken());
  await tx.passwordResetToken.createMany({ data: invitations.map((inv, i) => ({ userId: inv.user.id, tokenHash: tokens[i].hash, expiresAt: later(inv.opts.now, INVITATION_TTL_MS) })) });
  await queueEmails(
    tx,
    invitations.map(({ user, opts }, i) => ({
      to: user.email,
      template: 'account-invitation',
      locale: user.locale ?? 'fr',
      data: { firstName: user.firstName, link: `${opts.baseUrl}/password/reset/${tokens[i].token}`, days: INVITATION_TTL_MS / 86_400_000, reasonKey: opts.reasonKey, reasonParams: opts.reasonParams ?? {}, invitedBy: opts.invitedBy },
    })),
  );
}
