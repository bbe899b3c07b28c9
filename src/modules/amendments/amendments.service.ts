import { Service, type Act, type ServiceDeps } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import { notFound, ValidationError, WrongStateError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { isLocale, translate } from '../../i18n/index.js';
import { CalendarDate } from '../../time/calendar.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import type { AgreementService, Told } from '../agreements/agreements.service.js';
import type { AgreementSnapshot } from '../agreements/agreements.snapshot.js';
import { changesOf, terminationChanges, type AmendmentInput } from './amendments.form.js';
import { AMENDMENT_WORKFLOW, type AmendmentAction, type AmendmentRecord } from './amendments.workflow.js';

type Shown = Awaited<ReturnType<AgreementService['show']>>;
type Amendment = Prisma.AgreementAmendmentGetPayload<object>;

/** The signatures module's side of an amendment's signature phase (set by the context). */
export interface AmendmentSignaturePhase {
  open(tx: Tx, act: Act, agreementId: number, amendmentId: number): Promise<void>;
  voidAll(tx: Tx, act: Act<Actor | null>, agreementId: number, reason: 'cancelled', amendmentId: number): Promise<number>;
}

/** The centre's columns an amendment's record reads. */
const CENTRE_SELECT = { studentsMayAmend: true, signatureParties: true, signatureAutoValidate: true } as const;
type CentreSettings = Pick<AmendmentRecord, 'studentsMayAmend' | 'signatureParties' | 'signatureAutoValidate'>;

/** The workflow's view of an amendment (a new one: DRAFT). */
export function amendmentRecord(a: { studentId: number; centreId: number }, centre: CentreSettings, status: AmendmentRecord['status'] = 'DRAFT'): AmendmentRecord {
  return { status, studentId: a.studentId, centreId: a.centreId, ...centre };
}

/**
 * Amendments ("avenants", issue 13) of a validated agreement: drafted by WRITE staff of the
 * managing centre (or its student when the centre allows it), numbered per agreement, one open at a
 * time; each draft is previewed on the agreement itself inside a savepoint rolled back (the legal
 * engine, the overlap and load checks and the printed copy computed exactly as they will be), signed
 * by the agreement's signatories (and a new tutor), then validated: its values are written onto the
 * agreement for good. Reach is the agreement's (a 404 out of it).
 */
export class AmendmentService extends Service {
  /** Set once by the context (the signatures module needs this service too). */
  phase: AmendmentSignaturePhase | null = null;

  constructor(deps: ServiceDeps, private readonly agreements: AgreementService) {
    super(deps);
  }

  /** The agreement's amendments, oldest first (the agreement page's list and history). */
  list(agreementId: number) {
    return this.db.agreementAmendment.findMany({ where: { agreementId }, orderBy: { seq: 'asc' } });
  }

  /** The agreement (in reach) and its centre's amendment settings. */
  async agreement(actor: Actor, agreementId: number) {
    const a = await this.agreements.show(actor, agreementId);
    const centre = await this.db.managementCentre.findUniqueOrThrow({ where: { id: a.centreId }, select: CENTRE_SELECT });
    return { a, centre };
  }

  /** May the actor draft an amendment of this agreement now (validated, none open)? */
  async mayCreate(actor: Actor, a: Shown, centre: CentreSettings): Promise<boolean> {
    if (a.status !== 'VALIDATED' || !AMENDMENT_WORKFLOW.can(actor, amendmentRecord(a, centre), 'edit')) return false;
    return !(await this.db.agreementAmendment.findFirst({ where: { agreementId: a.id, status: { in: AMENDMENT_WORKFLOW.group('open') } }, select: { id: true } }));
  }

  /** One amendment of an agreement in reach, by its number; 404 otherwise. */
  async show(actor: Actor, agreementId: number, seq: number) {
    const { a, centre } = await this.agreement(actor, agreementId);
    const m = await this.db.agreementAmendment.findUnique({ where: { agreementId_seq: { agreementId, seq } } });
    if (!m) throw notFound();
    return { a, centre, m, record: amendmentRecord(a, centre, m.status) };
  }

  /** A new draft: the next number, its copies and checks previewed. */
  async create(act: Act, agreementId: number, input: AmendmentInput) {
    const { a, centre } = await this.agreement(act.actor, agreementId);
    AMENDMENT_WORKFLOW.require(act.actor, amendmentRecord(a, centre), 'edit');
    return this.db.$transaction(async (tx) => {
      const status = await this.lockAgreement(tx, agreementId);
      if (status !== 'VALIDATED') throw new ValidationError({ _form: 'amendments.errors.notValidated' });
      if (await tx.agreementAmendment.findFirst({ where: { agreementId, status: { in: AMENDMENT_WORKFLOW.group('open') } }, select: { id: true } })) throw new ValidationError({ _form: 'amendments.errors.oneOpen' });
      const last = await tx.agreementAmendment.aggregate({ where: { agreementId }, _max: { seq: true } });
      const seq = (last._max.seq ?? 0) + 1;
      const data = await this.preview(tx, a, input, act.now);
      const m = await tx.agreementAmendment.create({ data: { agreementId, seq, ...data, createdById: act.actor.id } });
      await audit(tx, { actorId: act.actor.id, action: 'amendment.create', entityType: 'AgreementAmendment', entityId: m.id, after: { agreementId, seq, kinds: input.kinds, reason: input.reason }, requestId: act.requestId });
      return { seq, warnings: warningsOf(m) };
    });
  }

  /** A draft corrected: its values, copies and checks again. */
  async update(act: Act, agreementId: number, seq: number, input: AmendmentInput) {
    const { a, record, m } = await this.show(act.actor, agreementId, seq);
    AMENDMENT_WORKFLOW.require(act.actor, record, 'edit');
    return this.db.$transaction(async (tx) => {
      await this.lockAgreement(tx, agreementId);
      if ((await this.lock(tx, m.id)).status !== 'DRAFT') throw new WrongStateError('edit', m.status);
      const data = await this.preview(tx, a, input, act.now);
      const saved = await tx.agreementAmendment.update({ where: { id: m.id }, data });
      await audit(tx, { actorId: act.actor.id, action: 'amendment.update', entityType: 'AgreementAmendment', entityId: m.id, before: { kinds: m.kinds, reason: m.reason }, after: { kinds: input.kinds, reason: input.reason }, requestId: act.requestId });
      return { seq, warnings: warningsOf(saved) };
    });
  }

  /** A manual action of the amendment's page: delete, openSignatures, cancelSignatures, validate. */
  async perform(act: Act, agreementId: number, seq: number, action: Exclude<AmendmentAction, 'edit' | 'completeSignatures'>) {
    const { a, centre, m } = await this.show(act.actor, agreementId, seq);
    return this.db.$transaction(async (tx) => {
      await this.lockAgreement(tx, agreementId);
      const record = amendmentRecord(a, centre, (await this.lock(tx, m.id)).status);
      AMENDMENT_WORKFLOW.require(act.actor, record, action);
      if (action === 'delete') {
        await tx.agreementAmendment.delete({ where: { id: m.id } });
        await audit(tx, { actorId: act.actor.id, action: 'amendment.delete', entityType: 'AgreementAmendment', entityId: m.id, before: { agreementId, seq, kinds: m.kinds }, requestId: act.requestId });
        return { deleted: true };
      }
      if ((action === 'openSignatures' || action === 'validate') && blocking(m)) throw new ValidationError({ _form: 'amendments.errors.blocking' });
      const data: Prisma.AgreementAmendmentUncheckedUpdateInput = action === 'openSignatures' ? { signaturesOpenedAt: act.now } : {};
      await this.transition(tx, act, a, m, record, action, data);
      if (action === 'openSignatures') await this.phase!.open(tx, act, agreementId, m.id);
      if (action === 'cancelSignatures') await this.phase!.voidAll(tx, act, agreementId, 'cancelled', m.id);
      return { deleted: false };
    });
  }

  /** The last signature is in (the signatures module, in its transaction): SIGNED, or VALIDATED when the centre says so. */
  async complete(tx: Tx, act: Act<null>, amendmentId: number) {
    const m = await tx.agreementAmendment.findUniqueOrThrow({ where: { id: amendmentId } });
    // The platform's move: the agreement as its page reads it, without a reach.
    const a = await this.agreements.byLink(m.agreementId);
    const centre = await tx.managementCentre.findUniqueOrThrow({ where: { id: a.centreId }, select: CENTRE_SELECT });
    await this.transition(tx, act, a, m, amendmentRecord(a, centre, m.status), 'completeSignatures', {});
  }

  /** The new tutors an amendment names (they sign it besides the agreement's signatories). */
  async newTutors(tx: Tx, amendmentId: number) {
    const m = await tx.agreementAmendment.findUniqueOrThrow({ where: { id: amendmentId }, select: { kinds: true, changes: true, terminationOn: true } });
    const c = changesOf(m.kinds, m.changes as Record<string, unknown>, null);
    return { companyTutorId: c.companyTutorId ?? null, academicTutorId: c.academicTutorId ?? null };
  }

  /**
   * The draft's values on the agreement, in a savepoint rolled back: what the amendment will make of
   * it (its copy, its figures, its checks), exactly as the validation will compute it.
   */
  private async preview(tx: Tx, a: Shown, input: AmendmentInput, now: Date) {
    const changes = { ...changesOf(input.kinds, input.values, input.termination?.on ?? null), ...(input.termination ? terminationChanges(a, input.kinds, input.termination.on) : {}) };
    await tx.$executeRawUnsafe('SAVEPOINT amendment_preview');
    const r = await this.agreements.applyChanges(tx, a.id, changes, now);
    await tx.$executeRawUnsafe('ROLLBACK TO SAVEPOINT amendment_preview');
    return {
      reason: input.reason,
      kinds: input.kinds,
      changes: input.values as Prisma.InputJsonValue,
      otherText: input.otherText,
      terminationOn: input.termination?.on.toDb() ?? null,
      terminationComment: input.termination?.comment ?? null,
      beforeSnapshot: r.before as unknown as Prisma.InputJsonValue,
      snapshot: r.snapshot as unknown as Prisma.InputJsonValue,
      checks: r.checks as unknown as Prisma.InputJsonValue,
    };
  }

  /** One transition: state, audit row, mails; reaching VALIDATED writes the amendment's values onto the agreement. */
  private async transition(tx: Tx, act: Act<Actor | null>, a: Shown, m: Amendment, record: AmendmentRecord, action: AmendmentAction, data: Prisma.AgreementAmendmentUncheckedUpdateInput) {
    const to = AMENDMENT_WORKFLOW.target(AMENDMENT_WORKFLOW.require(act.actor, record, action), record);
    if (to === 'VALIDATED') {
      Object.assign(data, { validatedAt: act.now, validatedById: act.actor?.id ?? null });
      const r = await this.agreements.applyChanges(tx, a.id, { ...changesOf(m.kinds, m.changes as Record<string, unknown>, m.terminationOn ? CalendarDate.fromDb(m.terminationOn) : null), ...(m.terminationOn ? terminationChanges(a, m.kinds, CalendarDate.fromDb(m.terminationOn)) : {}) }, act.now);
      if (r.blocking) throw new ValidationError({ _form: 'amendments.errors.blocking' });
    }
    const number = agreementNumber(a);
    await AMENDMENT_WORKFLOW.apply(tx, {
      act,
      record,
      id: m.id,
      action,
      write: (status) => tx.agreementAmendment.update({ where: { id: m.id }, data: { ...data, status } }),
      recipients: (who) => this.agreements.recipients(tx, who as Told, a),
      mail: (_t, u) => {
        const locale = isLocale(u.locale) ? u.locale : 'fr';
        return {
          firstName: u.firstName,
          number,
          seq: m.seq,
          student: `${a.student.user.firstName} ${a.student.user.lastName}`,
          organisation: a.organisation.legalName,
          state: translate(locale, AMENDMENT_WORKFLOW.stateLabel(to)),
          link: `${this.baseUrl}/agreements/${a.id}/amendments/${m.seq}`,
        };
      },
      audit: { before: { agreementId: a.id, seq: m.seq } },
    });
  }

  private async lockAgreement(tx: Tx, id: number): Promise<string> {
    const [row] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM "Agreement" WHERE id = ${id} FOR UPDATE`;
    if (!row) throw notFound();
    return row.status;
  }

  private async lock(tx: Tx, id: number) {
    const [row] = await tx.$queryRaw<{ status: Amendment['status'] }[]>`SELECT status FROM "AgreementAmendment" WHERE id = ${id} FOR UPDATE`;
    if (!row) throw notFound();
    return row;
  }
}

interface CheckRow { code: string; severity: string; params: Record<string, string | number> }

/** A blocking check among the amended agreement's. */
export const blocking = (m: Pick<Amendment, 'checks'>) => (m.checks as unknown as CheckRow[]).some((c) => c.severity === 'blocking');

/** What staff are warned of: a stipend that the amendment makes due (the 308-hour threshold crossed), a blocking check. */
export function warningsOf(m: Pick<Amendment, 'checks' | 'beforeSnapshot' | 'snapshot'>): string[] {
  const due = (s: unknown) => !!(s as AgreementSnapshot | null)?.legal?.result.stipend.due;
  const out: string[] = [];
  if (!due(m.beforeSnapshot) && due(m.snapshot)) out.push('amendments.warnings.stipendDue');
  if (blocking(m)) out.push('amendments.warnings.blocking');
  return out;
}

