// The mails of the signature phase: who receives them and what they say (views/emails/signature-*.ejs).
import type { Act } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import { newToken } from '../../auth/tokens.js';
import type { Tx } from '../../db/client.js';
import { isLocale, translate, type LocaleCode } from '../../i18n/index.js';
import type { Recipient } from '../../workflow/engine.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { LINK_DAYS, SIGNATURE_WORKFLOW, type SignatureAction, type SignatureRecord } from './signatures.workflow.js';

/** A signature with what its mails and its checks read. */
export const signatureSelect = {
  id: true, agreementId: true, amendmentId: true, amendment: { select: { seq: true, status: true } }, party: true, position: true, status: true, signerName: true, signerEmail: true, signerId: true,
  invitedAt: true, lastReminderAt: true, reminderCount: true, signedAt: true, channel: true,
  agreement: {
    select: {
      id: true, status: true, academicYear: true, seq: true, centreId: true, printLanguage: true, organisation: { select: { legalName: true } },
      student: { select: { user: { select: { firstName: true, lastName: true } } } },
    },
  },
  signer: { select: { id: true, email: true, firstName: true, locale: true, active: true } },
} as const;

export interface SignatureRow {
  id: number; agreementId: number; amendmentId: number | null; amendment: { seq: number; status: string } | null; party: string; position: number; status: SignatureRecord['status']; signerName: string; signerEmail: string | null; signerId: number | null;
  invitedAt: Date | null; lastReminderAt: Date | null; reminderCount: number; signedAt: Date | null; channel: string | null;
  agreement: { id: number; status: string; academicYear: string; seq: number; centreId: number; printLanguage: string; organisation: { legalName: string }; student: { user: { firstName: string; lastName: string } } };
  signer: { id: number; email: string; firstName: string; locale: string; active: boolean } | null;
}

/** "2026-00042", or "2026-00042 (avenant n° 1)" for a signature of an amendment: what the mails and pages name. */
export function documentNumber(row: { agreement: { academicYear: string; seq: number }; amendment: { seq: number } | null }, locale: LocaleCode = 'fr'): string {
  const number = agreementNumber(row.agreement);
  return row.amendment ? translate(locale, 'signatures.mail.amendmentNumber', { number, seq: String(row.amendment.seq) }) : number;
}

/** A fresh single-use link to sign without an account, bound to the signature's address; the token only travels by mail. */
export async function newLink(tx: Tx, s: { id: number; signerEmail: string | null }, now: Date): Promise<string | null> {
  if (!s.signerEmail) return null;
  const { token, hash } = newToken();
  await tx.signatureLink.create({ data: { signatureId: s.id, tokenHash: hash, email: s.signerEmail, createdAt: now, expiresAt: new Date(now.getTime() + LINK_DAYS * 86_400_000) } });
  return token;
}

/**
 * Applies one signature transition (state, audit row, mail to the signer) in `tx`. A signer without
 * an account receives a fresh link when the mail asks them to sign (invitation, reminder).
 */
export async function applySignature(tx: Tx, o: { act: Act<Actor | null>; row: SignatureRow; record: SignatureRecord; action: SignatureAction; data: Record<string, unknown>; baseUrl: string; reason?: string; quiet?: boolean }) {
  const { row, act } = o;
  const asks = o.action === 'invite' || o.action === 'remind';
  const token = asks && !row.signerId ? await newLink(tx, row, act.now) : null;
  const link = token ? `${o.baseUrl}/sign/${token}` : `${o.baseUrl}/agreements/${row.agreementId}`;
  const a = row.agreement;
  const locale = row.signer ? row.signer.locale : isLocale(a.printLanguage) ? a.printLanguage : 'fr';
  return SIGNATURE_WORKFLOW.apply(tx, {
    act,
    record: o.record,
    id: row.id,
    action: o.action,
    write: (status) => tx.agreementSignature.update({ where: { id: row.id }, data: { ...o.data, status } }),
    recipients: async (): Promise<Recipient[]> => {
      if (o.quiet) return [];
      if (row.signer) return row.signer.active ? [row.signer] : [];
      // No account: its address on the agreement (the institution signed by any staff member has none).
      return row.signerEmail && (token || !asks) ? [{ id: -row.id, email: row.signerEmail, firstName: row.signerName, locale }] : [];
    },
    mail: (_t, u) => ({
      firstName: u.firstName,
      number: documentNumber(row, isLocale(u.locale) ? u.locale : 'fr'),
      student: `${a.student.user.firstName} ${a.student.user.lastName}`,
      organisation: a.organisation.legalName,
      party: row.party,
      link,
      byLink: !!token,
      days: 7,
      reason: o.reason ?? '',
    }),
    audit: { before: { agreementId: row.agreementId, party: row.party } },
  });
}
