// The PDF a signer is shown and the final PDF (issue 13): the agreement's own copy, printed by
// src/documents in its print language. Deterministic, so the hash of what a signer was shown can
// be checked against what is printed when they confirm.
import { createHash } from 'node:crypto';
import type { DbOrTx } from '../../db/client.js';
import { renderAgreementPdf, type SignatureLine } from '../../documents/index.js';
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
