import { Service, type ServiceDeps } from '../../act.js';
import { hashToken } from '../../auth/tokens.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { notFound, ValidationError } from '../../errors.js';
import { documentPdf } from './signatures.pdf.js';
import { applySignature, documentNumber, signatureSelect, type SignatureRow } from './signatures.mail.js';
import { signatureRecord, type SignatureService } from './signatures.service.js';

/** What a link leads to: the signature to give, or why it cannot be given from this link. */
export type LinkState =
  | { kind: 'valid'; row: SignatureRow; number: string }
  | { kind: 'expired' | 'used' | 'closed'; number: string; renewable: boolean };

/** A renewal at most this often per signature (the page offers it to whoever holds an old link). */
const RENEW_EVERY_MS = 10 * 60_000;

/**
 * Signing without an account (issue 13): the link e-mailed to the host's signatory or the company
 * tutor is single use, valid 7 days and bound to the address it was sent to. An expired or used one
 * offers "send me a new link", which only ever writes to the address on the agreement (the
 * contact's current one), never to one typed on the page.
 */
export class SignatureLinkService extends Service {
  constructor(deps: ServiceDeps, private readonly signatures: SignatureService) {
    super(deps);
  }

  /** The link's state now; an unknown token is a 404. */
  async state(token: string, now: Date, db: DbOrTx = this.db): Promise<LinkState> {
    const link = await db.signatureLink.findUnique({ where: { tokenHash: hashToken(token) }, select: { email: true, expiresAt: true, usedAt: true, signature: { select: signatureSelect } } });
    if (!link) throw notFound();
    const row = link.signature as SignatureRow;
    const number = documentNumber(row);
    const open = row.status === 'INVITED' && (row.amendment ?? row.agreement).status === 'SIGNING';
    if (!open || link.email !== row.signerEmail) return { kind: 'closed', number, renewable: open };
    if (link.usedAt) return { kind: 'used', number, renewable: true };
    if (link.expiresAt <= now) return { kind: 'expired', number, renewable: true };
    return { kind: 'valid', row, number };
  }

  /** The PDF the link's holder reads, with its hash (the confirmation sends it back). */
  async document(token: string, now: Date) {
    const s = await this.state(token, now);
    if (s.kind !== 'valid') throw notFound();
    return { ...(await documentPdf(this.db, s.row)), number: s.number };
  }

  /** Signs from the link: once, on the PDF shown, recorded with the client's address and user agent. */
  async sign(token: string, now: Date, input: { pdfSha256: string; ip: string | null; userAgent: string | null }) {
    return this.db.$transaction(async (tx) => {
      const first = await this.state(token, now, tx);
      if (first.kind !== 'valid') throw new ValidationError({ _form: 'signatures.errors.linkClosed' });
      await this.signatures.lockSigning(tx, first.row);
      // Read again under the lock: two clicks on one link sign once.
      const s = await this.state(token, now, tx);
      if (s.kind !== 'valid') throw new ValidationError({ _form: 'signatures.errors.linkClosed' });
      await this.signatures.checkShown(tx, s.row, input.pdfSha256);
      await tx.signatureLink.update({ where: { tokenHash: hashToken(token) }, data: { usedAt: now } });
      const act = { actor: null, requestId: null, now };
      await applySignature(tx, { act, row: s.row, record: signatureRecord(s.row, true), action: 'sign', baseUrl: this.baseUrl, data: { signedAt: now, channel: 'LINK', clientIp: input.ip, userAgent: input.userAgent?.slice(0, 500), pdfSha256: input.pdfSha256 } });
      await this.signatures.advance(tx, act, s.row);
    });
  }

  /** "Send me a new link": to the address on the agreement only, at most every 10 minutes. False when nothing was sent. */
  async renew(token: string, now: Date): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const s = await this.state(token, now, tx);
      if (s.kind === 'valid' || !s.renewable) return false;
      const link = await tx.signatureLink.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, select: { signatureId: true } });
      await tx.$queryRaw`SELECT id FROM "AgreementSignature" WHERE id = ${link.signatureId} FOR UPDATE`;
      const row = (await tx.agreementSignature.findUniqueOrThrow({ where: { id: link.signatureId }, select: signatureSelect })) as SignatureRow;
      const last = await tx.signatureLink.findFirst({ where: { signatureId: row.id }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
      if (last && now.getTime() - last.createdAt.getTime() < RENEW_EVERY_MS) return false;
      const email = await currentAddress(tx, row);
      if (!email) return false;
      if (email !== row.signerEmail) await tx.agreementSignature.update({ where: { id: row.id }, data: { signerEmail: email } });
      const act = { actor: null, requestId: null, now };
      await applySignature(tx, { act, row: { ...row, signerEmail: email }, record: signatureRecord(row), action: 'remind', baseUrl: this.baseUrl, data: {} });
      return true;
    });
  }
}

/** The signer's address as the agreement names it now (the contact's current e-mail). */
async function currentAddress(tx: Tx, row: SignatureRow): Promise<string | null> {
  const a = await tx.agreement.findUniqueOrThrow({ where: { id: row.agreementId }, select: { signatory: { select: { email: true } }, companyTutor: { select: { email: true } } } });
  if (row.party === 'HOST_SIGNATORY') return a.signatory?.email ?? null;
  if (row.party === 'COMPANY_TUTOR') return a.companyTutor?.email ?? null;
  return row.signerEmail;
}
