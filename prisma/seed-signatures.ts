// Demo signatures (issue 13): an agreement's signature phase as the signatures module leaves it —
// the rows of the centre's signers (resolveSigners), the signatures given with their record (the
// hash of the exact PDF, the channel; a paper one with its scan), the next signer invited, and once
// all are in, the final PDF with its signature page. No mail, no link: a signer without an account
// asks for a new link from the page (or the staff remind them). The same for an amendment's phase
// (`amendmentId`): its rows carry the amendment, its PDF is the amendment's.
import type { Tx } from '../src/db/client.js';
import type { SignatureChannel } from '../src/generated/prisma/enums.js';
import { documentPdf, sha256 } from '../src/modules/signatures/signatures.pdf.js';
import { DOC_PARTY, resolveSigners } from '../src/modules/signatures/signatures.signers.js';
import type { SignatureLine } from '../src/documents/index.js';

/**
 * Opens the phase of an agreement sent and checked (SIGNING), then gives the first `signed`
 * signatures in the centre's order, each `at` its date, through `channels[i]`. Returns whether
 * every signature is in (the caller then moves the agreement to SIGNED / VALIDATED). With
 * `amendmentId`, the phase is that amendment's (a DRAFT of the agreement, signed by the agreement's
 * signatories: an amendment naming a new tutor, who would sign too, is not seeded this way).
 */
export async function seedSignatures(tx: Tx, agreementId: number, opts: { openedAt: Date; signed: { at: Date; channel: SignatureChannel; by?: number }[]; amendmentId?: number }) {
  const amendmentId = opts.amendmentId ?? null;
  const doc = { agreementId, amendmentId };
  const a = await tx.agreement.findUniqueOrThrow({
    where: { id: agreementId },
    select: { studentId: true, organisationId: true, signatoryId: true, companyTutorId: true, academicTutorId: true, centre: { select: { signatureParties: true, signatureRepresentativeId: true, signatureInSequence: true } } },
  });
  const { signers, missing } = await resolveSigners(tx, a);
  if (missing.length) throw new Error(`demo agreement ${agreementId}: no ${missing.join(', ')} to sign`);
  if (amendmentId) {
    const m = await tx.agreementAmendment.findUniqueOrThrow({ where: { id: amendmentId }, select: { kinds: true } });
    if (m.kinds.some((k) => ['place', 'companyTutor', 'academicTutor'].includes(k))) throw new Error(`demo amendment ${amendmentId}: a new tutor would sign it too`);
  }
  const shown = await documentPdf(tx, doc);
  const opened = { status: 'SIGNING', signaturesOpenedAt: opts.openedAt } as const;
  if (amendmentId) await tx.agreementAmendment.update({ where: { id: amendmentId }, data: opened });
  else await tx.agreement.update({ where: { id: agreementId }, data: opened });
  const lines: SignatureLine[] = [];
  for (const [i, s] of signers.entries()) {
    const given = opts.signed[i];
    const invitedAt = i === 0 ? opts.openedAt : (opts.signed[i - 1]?.at ?? null);
    let paperFileId: number | null = null;
    if (given?.channel === 'PAPER') {
      // The scan: here the printed agreement itself stands for the signed paper.
      const file = await tx.storedFile.create({ data: { originalName: amendmentId ? 'avenant-signe-scan.pdf' : 'convention-signee-scan.pdf', mimeType: 'application/pdf', extension: 'pdf', size: shown.bytes.length, sha256: sha256(shown.bytes), data: new Uint8Array(shown.bytes), uploadedById: given.by ?? null }, select: { id: true } });
      paperFileId = file.id;
    }
    await tx.agreementSignature.create({
      data: {
        agreementId, amendmentId, ...s, position: a.centre.signatureInSequence ? i : 0,
        status: given ? 'SIGNED' : invitedAt ? 'INVITED' : 'WAITING',
        invitedAt: given || invitedAt ? (invitedAt ?? opts.openedAt) : null,
        ...(given ? { signedAt: given.at, channel: given.channel, pdfSha256: given.channel === 'PAPER' ? null : shown.sha256, clientIp: given.channel === 'PAPER' ? null : '192.0.2.10', userAgent: given.channel === 'PAPER' ? null : 'Mozilla/5.0 (démonstration)' } : {}),
        ...(paperFileId ? { paperFileId, paperSignedOn: given!.at, recordedById: given!.by ?? null } : {}),
      },
    });
    if (given) lines.push({ party: DOC_PARTY[s.party], name: s.signerName, signedAt: given.at, channel: given.channel, ip: given.channel === 'PAPER' ? null : '192.0.2.10', userAgent: given.channel === 'PAPER' ? null : 'Mozilla/5.0 (démonstration)', pdfSha256: given.channel === 'PAPER' ? null : shown.sha256 });
  }
  if (lines.length < signers.length) return false;
  const final = await documentPdf(tx, doc, lines);
  // Named as SignatureService.advance names it.
  const file = await tx.storedFile.create({ data: { originalName: amendmentId ? `avenant-${amendmentId}-signe.pdf` : `convention-${agreementId}-signee.pdf`, mimeType: 'application/pdf', extension: 'pdf', size: final.bytes.length, sha256: final.sha256, data: new Uint8Array(final.bytes) }, select: { id: true } });
  const signed = { status: 'SIGNED', signedAt: opts.signed.at(-1)!.at, finalPdfFileId: file.id, finalPdfSha256: final.sha256 } as const;
  if (amendmentId) await tx.agreementAmendment.update({ where: { id: amendmentId }, data: signed });
  else await tx.agreement.update({ where: { id: agreementId }, data: signed });
  return true;
}
