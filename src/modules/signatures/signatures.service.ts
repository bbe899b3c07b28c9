import { Service, type Act, type ServiceDeps } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import type { SignatureLine } from '../../documents/index.js';
import { forbidden, notFound, ValidationError, WrongStateError } from '../../errors.js';
import { storeFile, type CheckedFile } from '../../files/upload.js';
import { CalendarDate, todayIn } from '../../time/calendar.js';
import type { AgreementService } from '../agreements/agreements.service.js';
import { documentPdf } from './signatures.pdf.js';
import { applySignature, signatureSelect, type SignatureRow } from './signatures.mail.js';
import { DOC_PARTY, resolveSigners } from './signatures.signers.js';
import { SIGNATURE_WORKFLOW, type SignatureRecord } from './signatures.workflow.js';

export type VoidReason = 'cancelled' | 'contentChanged';

/** What is signed: the agreement itself (amendmentId null), or one of its amendments. */
export interface SignedDoc {
  agreementId: number;
  amendmentId: number | null;
}
const agreementDoc = (agreementId: number): SignedDoc => ({ agreementId, amendmentId: null });

/** The amendments module's side of an amendment's signature phase (set by the context). */
export interface AmendmentSigning {
  /** The last signature is in: the amendment's phase completes (and it may be validated with it). */
  complete(tx: Tx, act: Act<null>, amendmentId: number): Promise<void>;
  /** The tutors the amendment names anew (they sign besides the agreement's). */
  newTutors(tx: Tx, amendmentId: number): Promise<{ companyTutorId: number | null; academicTutorId: number | null }>;
}
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
  /** Set once by the context (the amendments module needs this service too). */
  amendments: AmendmentSigning | null = null;

  constructor(deps: ServiceDeps, private readonly agreements: AgreementService) {
    super(deps);
  }

  /**
   * Creates the signature rows in the centre's order and invites the first signers (all of them in
   * parallel). An amendment is signed by the agreement's signatories, and by a new tutor it names
   * right after the one it replaces.
   */
  async open(tx: Tx, act: Act, agreementId: number, amendmentId: number | null = null) {
    const a = await tx.agreement.findUniqueOrThrow({
      where: { id: agreementId },
      select: { studentId: true, organisationId: true, signatoryId: true, companyTutorId: true, academicTutorId: true, centre: { select: { signatureParties: true, signatureRepresentativeId: true, signatureInSequence: true } } },
    });
    const { signers, missing } = await resolveSigners(tx, a);
    if (amendmentId) {
      const added = await this.amendments!.newTutors(tx, amendmentId);
      for (const [party, key] of [['COMPANY_TUTOR', 'companyTutorId'], ['ACADEMIC_TUTOR', 'academicTutorId']] as const) {
        if (!added[key] || added[key] === a[key] || !a.centre.signatureParties.includes(party)) continue;
        const more = await resolveSigners(tx, { ...a, [key]: added[key], centre: { ...a.centre, signatureParties: [party] } });
        missing.push(...more.missing);
        const at = signers.findIndex((x) => x.party === party);
        signers.splice(at < 0 ? signers.length : at + 1, 0, ...more.signers);
      }
    }
    if (missing.length) throw new ValidationError({ _form: `signatures.errors.missing.${missing[0]}` });
    await tx.agreementSignature.createMany({ data: signers.map((s, i) => ({ agreementId, amendmentId, ...s, position: a.centre.signatureInSequence ? i : 0 })) });
    await this.inviteNext(tx, act, { agreementId, amendmentId });
  }

  /** The signatures of a document (voided ones last, as history), with the page's words. */
  list(doc: SignedDoc) {
    return this.db.agreementSignature.findMany({
      where: { agreementId: doc.agreementId, amendmentId: doc.amendmentId },
      orderBy: [{ voidedAt: { sort: 'desc', nulls: 'first' } }, { position: 'asc' }, { id: 'asc' }],
      select: { id: true, party: true, position: true, status: true, signerName: true, signerId: true, invitedAt: true, lastReminderAt: true, reminderCount: true, signedAt: true, channel: true, paperSignedOn: true, paperFileId: true, voidedAt: true, voidReason: true, pdfSha256: true },
    });
  }

  /** Signs, signed in: the actor's invited signature of the document, on the PDF whose hash the page showed. */
  async sign(act: Act, doc: SignedDoc | number, input: { pdfSha256: string; ip: string | null; userAgent: string | null }) {
    const d = typeof doc === 'number' ? agreementDoc(doc) : doc;
    await this.agreements.show(act.actor, d.agreementId);
    return this.db.$transaction(async (tx) => {
      await this.lockSigning(tx, d);
      const row = (await this.rows(tx, d, ['INVITED'])).find((r) => SIGNATURE_WORKFLOW.can(act.actor, signatureRecord(r), 'sign'));
      if (!row) throw forbidden();
      await this.checkShown(tx, d, input.pdfSha256);
      await applySignature(tx, { act, row, record: signatureRecord(row), action: 'sign', baseUrl: this.baseUrl, data: { signedAt: act.now, channel: 'ACCOUNT', clientIp: input.ip, userAgent: input.userAgent?.slice(0, 500), pdfSha256: input.pdfSha256 } });
      await this.advance(tx, act, d);
    });
  }

  /** The document a signature of the agreement belongs to (404 when it is not one of the agreement's). */
  private async docOf(tx: Tx, target: SignedDoc | number, signatureId: number): Promise<SignedDoc> {
    const agreementId = typeof target === 'number' ? target : target.agreementId;
    const s = await tx.agreementSignature.findFirst({ where: { id: signatureId, agreementId }, select: { amendmentId: true } });
    // Posted under an amendment's URL, a signature of another document is not there.
    if (!s || (typeof target !== 'number' && s.amendmentId !== target.amendmentId)) throw notFound();
    return { agreementId, amendmentId: s.amendmentId };
  }

  /** Records a signature given on paper (date, scan) by WRITE staff of the managing centre. */
  async recordPaper(act: Act, target: SignedDoc | number, signatureId: number, input: { signedOn: CalendarDate; file: CheckedFile }) {
    await this.agreements.show(act.actor, typeof target === 'number' ? target : target.agreementId);
    if (input.signedOn.isAfter(todayIn(act.now))) throw new ValidationError({ signedOn: 'signatures.errors.future' });
    return this.db.$transaction(async (tx) => {
      const doc = await this.docOf(tx, target, signatureId);
      await this.lockSigning(tx, doc);
      const row = (await this.rows(tx, doc, ['WAITING', 'INVITED'])).find((r) => r.id === signatureId);
      if (!row) throw notFound();
      SIGNATURE_WORKFLOW.require(act.actor, signatureRecord(row), 'recordPaper');
      const file = await storeFile(tx, input.file, act.actor.id);
      await applySignature(tx, { act, row, record: signatureRecord(row), action: 'recordPaper', baseUrl: this.baseUrl, quiet: true, data: { signedAt: act.now, channel: 'PAPER', paperSignedOn: input.signedOn.toDb(), paperFileId: file.id, recordedById: act.actor.id } });
      await this.advance(tx, act, doc);
    });
  }

  /** A reminder by hand (WRITE staff): one per signer per 24 hours; a signer without an account gets a fresh link. */
  async remind(act: Act, target: SignedDoc | number, signatureId: number) {
    await this.agreements.show(act.actor, typeof target === 'number' ? target : target.agreementId);
    return this.db.$transaction(async (tx) => {
      const doc = await this.docOf(tx, target, signatureId);
      await this.lockSigning(tx, doc);
      const row = (await this.rows(tx, doc, ['INVITED'])).find((r) => r.id === signatureId);
      if (!row) throw notFound();
      SIGNATURE_WORKFLOW.require(act.actor, signatureRecord(row), 'remind');
      const last = row.lastReminderAt ?? row.invitedAt!;
      if (act.now.getTime() - last.getTime() < DAY_MS) throw new ValidationError({ _form: 'signatures.errors.cooldown' });
      await applySignature(tx, { act, row, record: signatureRecord(row), action: 'remind', baseUrl: this.baseUrl, data: { lastReminderAt: act.now, reminderCount: row.reminderCount + 1 } });
    });
  }

  /** Voids the signatures not yet voided (each signer asked or signed is told why); the phase's final PDF goes too. */
  async voidAll(tx: Tx, act: Act<Actor | null>, agreementId: number, reason: VoidReason, amendmentId: number | null = null) {
    const doc = { agreementId, amendmentId };
    const rows = await this.rows(tx, doc, ['WAITING', 'INVITED', 'SIGNED']);
    for (const row of rows) {
      await applySignature(tx, { act: { ...act, actor: null }, row, record: signatureRecord(row), action: 'void', baseUrl: this.baseUrl, reason, quiet: row.status === 'WAITING', data: { voidedAt: act.now, voidReason: reason } });
    }
    const cleared = { signedAt: null, finalPdfFileId: null, finalPdfSha256: null };
    if (amendmentId) await tx.agreementAmendment.update({ where: { id: amendmentId }, data: cleared });
    else await tx.agreement.update({ where: { id: agreementId }, data: cleared });
    return rows.length;
  }

  /**
   * After a signature: the next signers in sequence are invited; after the last one, the final PDF
   * (with its signature page) is produced once and stored, and the agreement's phase completes.
   */
  async advance(tx: Tx, act: Act<Actor | null>, doc: SignedDoc) {
    const rows = await this.rows(tx, doc, ['WAITING', 'INVITED', 'SIGNED']);
    if (rows.some((r) => r.status !== 'SIGNED')) return this.inviteNext(tx, act, doc);
    const records = await tx.agreementSignature.findMany({ where: { agreementId: doc.agreementId, amendmentId: doc.amendmentId, status: 'SIGNED' }, orderBy: [{ position: 'asc' }, { id: 'asc' }], select: { party: true, signerName: true, signedAt: true, channel: true, clientIp: true, userAgent: true, pdfSha256: true, paperSignedOn: true, recordedBy: { select: { firstName: true, lastName: true } } } });
    const lines: SignatureLine[] = records.map((r) => ({
      party: DOC_PARTY[r.party],
      name: r.signerName || (r.recordedBy ? `${r.recordedBy.firstName} ${r.recordedBy.lastName}` : ''),
      signedAt: r.paperSignedOn ?? r.signedAt!,
      channel: r.channel!,
      ip: r.clientIp,
      userAgent: r.userAgent,
      pdfSha256: r.pdfSha256,
    }));
    const final = await documentPdf(tx, doc, lines);
    const name = doc.amendmentId ? `avenant-${doc.amendmentId}-signe.pdf` : `convention-${doc.agreementId}-signee.pdf`;
    const file = await storeFile(tx, { field: 'final', originalName: name, extension: 'pdf', mimeType: 'application/pdf', size: final.bytes.length, sha256: final.sha256, buffer: final.bytes }, null);
    const done = { signedAt: act.now, finalPdfFileId: file.id, finalPdfSha256: final.sha256 };
    if (doc.amendmentId) {
      await tx.agreementAmendment.update({ where: { id: doc.amendmentId }, data: done });
      return this.amendments!.complete(tx, { ...act, actor: null }, doc.amendmentId);
    }
    await tx.agreement.update({ where: { id: doc.agreementId }, data: done });
    await this.agreements.platformAction(tx, { ...act, actor: null }, doc.agreementId, 'completeSignatures');
  }

  /** Invites the WAITING signers of the lowest position not yet signed, when nobody there is asked yet. */
  private async inviteNext(tx: Tx, act: Act<Actor | null>, doc: SignedDoc) {
    const rows = await this.rows(tx, doc, ['WAITING', 'INVITED']);
    if (!rows.length || rows.some((r) => r.status === 'INVITED')) return;
    const first = Math.min(...rows.map((r) => r.position));
    for (const row of rows.filter((r) => r.position === first)) {
      await applySignature(tx, { act: { ...act, actor: null }, row, record: signatureRecord(row), action: 'invite', baseUrl: this.baseUrl, data: { invitedAt: act.now } });
    }
  }

  /** The PDF the signer was shown must be the one printed now (its content may have changed meanwhile). */
  async checkShown(tx: Tx, doc: SignedDoc, shown: string) {
    if ((await documentPdf(tx, doc)).sha256 !== shown) throw new ValidationError({ _form: 'signatures.errors.changed' });
  }

  /** Locks the agreement (and the amendment signed); the document must be in its signature phase. */
  async lockSigning(tx: Tx, doc: SignedDoc) {
    const [a] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM "Agreement" WHERE id = ${doc.agreementId} FOR UPDATE`;
    if (!a) throw notFound();
    const [m] = doc.amendmentId ? await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM "AgreementAmendment" WHERE id = ${doc.amendmentId} FOR UPDATE` : [a];
    if (m.status !== 'SIGNING') throw new WrongStateError('sign', m.status);
  }

  async rows(tx: Tx, doc: SignedDoc, statuses: SignatureRow['status'][]): Promise<SignatureRow[]> {
    return tx.agreementSignature.findMany({ where: { agreementId: doc.agreementId, amendmentId: doc.amendmentId, status: { in: statuses } }, orderBy: [{ position: 'asc' }, { id: 'asc' }], select: signatureSelect }) as Promise<SignatureRow[]>;
  }
}
