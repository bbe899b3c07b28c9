// The PDF a signer is shown and the final PDF (issue 13): the agreement's own copy, printed by
// src/documents in its print language. Deterministic, so the hash of what a signer was shown can
// be checked against what is printed when they confirm.
import { createHash } from 'node:crypto';
import type { DbOrTx } from '../../db/client.js';
import { renderAgreementPdf, renderAmendmentPdf, type AmendmentKind, type SignatureLine } from '../../documents/index.js';
import { CalendarDate } from '../../time/calendar.js';
import type { PrintLanguage } from '../agreements/agreement.types.js';
import type { AgreementSnapshot } from '../agreements/agreements.snapshot.js';
import { DOC_PARTY } from './signatures.signers.js';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The agreement as printed now (its stored copy), with the signature page when `signatures` are given. */
export async function agreementPdf(db: DbOrTx, agreementId: number, signatures?: SignatureLine[]): Promise<{ bytes: Buffer; sha256: string }> {
  const a = await db.agreement.findUniqueOrThrow({
    where: { id: agreementId },
    select: { snapshot: true, printLanguage: true, centre: { select: { signatureParties: true, logoFile: { select: { data: true } } } } },
  });
  if (!a.snapshot) throw new Error(`agreement ${agreementId} has no stored copy: it is signed only after its submission`);
  const bytes = await renderAgreementPdf({
    snapshot: a.snapshot as unknown as AgreementSnapshot,
    language: a.printLanguage as PrintLanguage,
    logo: a.centre.logoFile ? Buffer.from(a.centre.logoFile.data) : null,
    signers: a.centre.signatureParties.map((p) => DOC_PARTY[p]),
    signatures,
  });
  return { bytes, sha256: sha256(bytes) };
}

/** The amendment as printed (its own copies before and after), with the signature page when `signatures` are given. */
export async function amendmentPdf(db: DbOrTx, amendmentId: number, signatures?: SignatureLine[]): Promise<{ bytes: Buffer; sha256: string }> {
  const m = await db.agreementAmendment.findUniqueOrThrow({
    where: { id: amendmentId },
    select: { seq: true, reason: true, kinds: true, otherText: true, terminationOn: true, terminationComment: true, beforeSnapshot: true, snapshot: true, agreement: { select: { printLanguage: true, centre: { select: { signatureParties: true, logoFile: { select: { data: true } } } } } } },
  });
  const bytes = await renderAmendmentPdf({
    snapshot: m.snapshot as unknown as AgreementSnapshot,
    before: m.beforeSnapshot as unknown as AgreementSnapshot,
    language: m.agreement.printLanguage as PrintLanguage,
    logo: m.agreement.centre.logoFile ? Buffer.from(m.agreement.centre.logoFile.data) : null,
    amendment: { seq: m.seq, reason: m.reason, kinds: m.kinds as AmendmentKind[], otherText: m.otherText, termination: m.terminationOn ? { on: CalendarDate.fromDb(m.terminationOn).toString(), comment: m.terminationComment } : null },
    signers: m.agreement.centre.signatureParties.map((p) => DOC_PARTY[p]),
    signatures,
  });
  return { bytes, sha256: sha256(bytes) };
}

/** The PDF of what is signed: the agreement, or one of its amendments. */
export function documentPdf(db: DbOrTx, doc: { agreementId: number; amendmentId: number | null }, signatures?: SignatureLine[]) {
  return doc.amendmentId ? amendmentPdf(db, doc.amendmentId, signatures) : agreementPdf(db, doc.agreementId, signatures);
}
