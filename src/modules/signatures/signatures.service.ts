import { Service, type Act, type ServiceDeps } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import type { SignatureLine } from '../../documents/index.js';
import { forbidden, notFound, ValidationError, WrongStateError } from '../../errors.js';
import { storeFile, type CheckedFile } from '../../files/upload.js';
import { CalendarDate, todayIn } from '../../time/calendar.js';
import type { AgreementService } from '../agreements/agreements.service.js';
import { agreementPdf } from './signatures.pdf.js';
import { applySignature, signatureSelect, type SignatureRow } from './signatures.mail.js';
import { DOC_PARTY, resolveSigners } from './signatures.signers.js';
import { SIGNATURE_WORKFLOW, type SignatureRecord } from './signatures.workflow.js';

export type VoidReason = 'cancelled' | 'contentChanged';
const DAY_MS = 86_400_000;

/** The workflow's view of a signature. */
export function signatureRecord(row: Pick<SignatureRow, 'status' | 'signerId' | 'party' | 'invitedAt'> & { agreement: { centreId: number } }, viaLink = false): SignatureRecord {
  return {
    status: row.status,
    signerId: row.signerId,
    byCentre: row.party === 'INSTITUTION' && row.signerId === null,
    centreId: row.agreement.centreId,
    invitedOn: row.invitedAt ? todayIn(row.invitedAt) : null,
    viaLink,
  };
}

/**
 * The signature phase of an agreement (issue 13): opened by the agreement's `openSignatures`
 * (AgreementService calls `open` in its transaction), each party signs online (signed in, or from a
 * link: SignatureLinkService) or on paper (`recordPaper`); the last signature produces the final PDF
 * once and completes the agreement's phase; a change of the printed content (or a cancelled phase)
 * voids the signatures collected (`voidAll`). Every signature is a SIGNATURE_WORKFLOW transition.
 */
export class SignatureService extends Service {
  constructor(deps: ServiceDeps, private readonly agreements: AgreementService) {
    super(deps);
  }

  /** Creates the signature rows in the centre's order and invites the first signers (all of them in parallel). */
  async open(tx: Tx, act: Act, agreementId: number) {
    const a = await tx.agreement.findUniqueOrThrow({
      where: { id: agreementId },
      select: { studentId: true, organisationId: true, signatoryId: true, companyTutorId: true, academicTutorId: true, centre: { select: { signatureParties: true, signatureRepresentativeId: true, signatureInSequence: true } } },
    });
    const { signers, missing } = await resolveSigners(tx, a);
    if (missing.length) throw new ValidationError({ _form: `signatures.errors.missing.${missing[0]}` });
    await tx.agreementSignature.createMany({ data: signers.map((s, i) => ({ agreementId, ...s, position: a.centre.signatureInSequence ? i : 0 })) });
    await this.inviteNext(tx, act, agreementId);
  }

  /** The signatures of an agreement (voided ones last, as history), with the page's words. */
  list(agreementId: number) {
    return this.db.agreementSignature.findMany({
      where: { agreementId },
      orderBy: [{ voidedAt: { sort: 'desc', nulls: 'first' } }, { position: 'asc' }, { id: 'asc' }],
      select: { id: true, party: true, position: true, status: true, signerName: true, signerId: true, invitedAt: true, lastReminderAt: true, reminderCount: true, signedAt: true, channel: true, paperSignedOn: true, paperFileId: true, voidedAt: true, voidReason: true, pdfSha256: true },
    });
  }

  /** Signs, signed in: the actor's invited signature of the agreement, on the PDF whose hash the page showed. */
  async sign(act: Act, agreementId: number, input: { pdfSha256: string; ip: string | null; userAgent: string | null }) {
    await this.agreements.show(act.actor, agreementId);
    return this.db.$transaction(async (tx) => {
      await this.lockSigning(tx, agreementId);
      const row = (await this.rows(tx, agreementId, ['INVITED'])).find((r) => SIGNATURE_WORKFLOW.can(act.actor, signatureRecord(r), 'sign'));
      if (!row) throw forbidden();
      await this.checkShown(tx, agreementId, input.pdfSha256);
      await applySignature(tx, { act, row, record: signatureRecord(row), action: 'sign', baseUrl: this.baseUrl, data: { signedAt: act.now, channel: 'ACCOUNT', clientIp: input.ip, userAgent: input.userAgent?.slice(0, 500), pdfSha256: input.pdfSha256 } });
      await this.advance(tx, act, agreementId);
    });
  }

  /** Records a signature given on paper (date, scan) by WRITE staff of the managing centre. */
  async recordPaper(act: Act, agreementId: number, signatureId: number, input: { signedOn: CalendarDate; file: CheckedFile }) {
    await this.agreements.show(act.actor, agreementId);
    if (input.signedOn.isAfter(todayIn(act.now))) throw new ValidationError({ signedOn: 'signatures.errors.future' });
    return this.db.$transaction(async (tx) => {
      await this.lockSigning(tx, agreementId);
      const row = (await this.rows(tx, agreementId, ['WAITING', 'INVITED'])).find((r) => r.id === signatureId);
      if (!row) throw notFound();
      SIGNATURE_WORKFLOW.require(act.actor, signatureRecord(row), 'recordPaper');
      const file = await storeFile(tx, input.file, act.actor.id);
      await applySignature(tx, { act, row, record: signatureRecord(row), action: 'recordPaper', baseUrl: this.baseUrl, quiet: true, data: { signedAt: act.now, channel: 'PAPER', paperSignedOn: input.signedOn.toDb(), paperFileId: file.id, recordedById: act.actor.id } });
      await this.advance(tx, act, agreementId);
    });
  }

  /** A reminder by hand (WRITE staff): one per signer per 24 hours; a signer without an account gets a fresh link. */
  async remind(act: Act, agreementId: number, signatureId: number) {
    await this.agreements.show(act.actor, agreementId);
    return this.db.$transaction(async (tx) => {
      await this.lockSigning(tx, agreementId);
      const row = (await this.rows(tx, agreementId, ['INVITED'])).find((r) => r.id === signatureId);
      if (!row) throw notFound();
      SIGNATURE_WORKFLOW.require(act.actor, signatureRecord(row), 'remind');
      const last = row.lastReminderAt ?? row.invitedAt!;
      if (act.now.getTime() - last.getTime() < DAY_MS) throw new ValidationError({ _form: 'signatures.errors.cooldown' });
      await applySignature(tx, { act, row, record: signatureRecord(row), action: 'remind', baseUrl: this.baseUrl, data: { lastReminderAt: act.now, reminderCount: row.reminderCount + 1 } });
    });
  }

  /** Voids the signatures not yet voided (each signer asked or signed is told why); the phase's final PDF goes too. */
  async voidAll(tx: Tx, act: Act<Actor | null>, agreementId: number, reason: VoidReason) {
    const rows = await this.rows(tx, agreementId, ['WAITING', 'INVITED', 'SIGNED']);
    for (const row of rows) {
      await applySignature(tx, { act: { ...act, actor: null }, row, record: signatureRecord(row), action: 'void', baseUrl: this.baseUrl, reason, quiet: row.status === 'WAITING', data: { voidedAt: act.now, voidReason: reason } });
    }
    await tx.agreement.update({ where: { id: agreementId }, data: { signedAt: null, finalPdfFileId: null, finalPdfSha256: null } });
    return rows.length;
  }

  /**
   * After a signature: the next signers in sequence are invited; after the last one, the final PDF
   * (with its signature page) is produced once and stored, and the agreement's phase completes.
   */
  async advance(tx: Tx, act: Act<Actor | null>, agreementId: number) {
    const rows = await this.rows(tx, agreementId, ['WAITING', 'INVITED', 'SIGNED']);
    if (rows.some((r) => r.status !== 'SIGNED')) return this.inviteNext(tx, act, agreementId);
    const records = await tx.agreementSignature.findMany({ where: { agreementId, status: 'SIGNED' }, orderBy: [{ position: 'asc' }, { id: 'asc' }], select: { party: true, signerName: true, signedAt: true, channel: true, clientIp: true, userAgent: true, pdfSha256: true, paperSignedOn: true, recordedBy: { select: { firstName: true, lastName: true } } } });
    const lines: SignatureLine[] = records.map((r) => ({
      party: DOC_PARTY[r.party],
      name: r.signerName || (r.recordedBy ? `${r.recordedBy.firstName} ${r.recordedBy.lastName}` : ''),
      signedAt: r.paperSignedOn ?? r.signedAt!,
      channel: r.channel!,
      ip: r.clientIp,
      userAgent: r.userAgent,
      pdfSha256: r.pdfSha256,
    }));
    const final = await agreementPdf(tx, agreementId, lines);
    const file = await storeFile(tx, { field: 'final', originalName: `convention-${agreementId}-signee.pdf`, extension: 'pdf', mimeType: 'application/pdf', size: final.bytes.length, sha256: final.sha256, buffer: final.bytes }, null);
    await tx.agreement.update({ where: { id: agreementId }, data: { signedAt: act.now, finalPdfFileId: file.id, finalPdfSha256: final.sha256 } });
    await this.agreements.platformAction(tx, { ...act, actor: null }, agreementId, 'completeSignatures');
  }

  /** Invites the WAITING signers of the lowest position not yet signed, when nobody there is asked yet. */
  private async inviteNext(tx: Tx, act: Act<Actor | null>, agreementId: number) {
    const rows = await this.rows(tx, agreementId, ['WAITING', 'INVITED']);
    if (!rows.length || rows.some((r) => r.status === 'INVITED')) return;
    const first = Math.min(...rows.map((r) => r.position));
    for (const row of rows.filter((r) => r.position === first)) {
      await applySignature(tx, { act: { ...act, actor: null }, row, record: signatureRecord(row), action: 'invite', baseUrl: this.baseUrl, data: { invitedAt: act.now } });
    }
  }

  /** The PDF the signer was shown must be the one printed now (its content may have changed meanwhile). */
  async checkShown(tx: Tx, agreementId: number, shown: string) {
    if ((await agreementPdf(tx, agreementId)).sha256 !== shown) throw new ValidationError({ _form: 'signatures.errors.changed' });
  }

  /** Locks the agreement; it must be in its signature phase. */
  async lockSigning(tx: Tx, agreementId: number) {
    const [a] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM "Agreement" WHERE id = ${agreementId} FOR UPDATE`;
    if (!a) throw notFound();
    if (a.status !== 'SIGNING') throw new WrongStateError('sign', a.status);
  }

  async rows(tx: Tx, agreementId: number, statuses: SignatureRow['status'][]): Promise<SignatureRow[]> {
    return tx.agreementSignature.findMany({ where: { agreementId, status: { in: statuses } }, orderBy: [{ position: 'asc' }, { id: 'asc' }], select: signatureSelect }) as Promise<SignatureRow[]>;
  }
}
