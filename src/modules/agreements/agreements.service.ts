import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { notFound, ValidationError, WrongStateError } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { isLocale, translate } from '../../i18n/index.js';
import { CalendarDate, todayIn } from '../../time/calendar.js';
import type { Recipient } from '../../workflow/engine.js';
import { agreementNumber, type AgreementCreateInput } from './agreement.types.js';
import { checkParties, internshipColumns } from './agreements.columns.js';
import { databaseChecks } from './agreements.checks.js';
import { computeAgreement, isBlocking, type LegalOutcome } from './agreements.legal.js';
import { agreementReachWhere } from './agreements.reach.js';
import { buildSnapshot, detailInclude, legalColumns, type AgreementDetail, type AgreementSnapshot } from './agreements.snapshot.js';
import { AGREEMENT_WORKFLOW, STEP_COLUMNS, STEP_SETTINGS_SELECT, type AgreementAction, type AgreementRecord } from './agreements.workflow.js';

export { createAgreement, nextAgreementSeq } from './agreements.create.js';

const stepSelect = { ...STEP_SETTINGS_SELECT, agreementOverlapAllowed: true } as const;

/** The workflow's view of an agreement row and its centre's settings. */
export function recordOf(a: Omit<AgreementRecord, 'steps'> & { centre: AgreementRecord['steps'] }): AgreementRecord {
  return { status: a.status, studentId: a.studentId, centreId: a.centreId, studyYearId: a.studyYearId, academicTutorId: a.academicTutorId, pedagogicalAt: a.pedagogicalAt, administrativeAt: a.administrativeAt, signedAt: a.signedAt, steps: a.centre };
}

/** A submission refused by the law: the blocking checks are on the agreement's page. */
export class BlockingChecksError extends ValidationError {
  constructor(readonly legal: LegalOutcome) {
    super({ _form: 'agreements.errors.blockingChecks' });
  }
}

export type Told = 'student' | 'academicTutor' | 'companyTutor';
type PartyKey = 'serviceId' | 'companyTutorId' | 'signatoryId' | 'academicTutorId' | 'offerId';

/** What an edit may change: anything but the student, the sheet and the managing centre. */
export type AgreementChanges = Partial<Omit<AgreementCreateInput, 'studentId' | 'sheetId' | 'centreId' | 'academicYear'>>;

/**
 * The person may take the action in this state, but not now: the centre's order puts another step
 * first, or a step is left to undo. A 422 (the state), not a 403 (the person).
 */
function outOfOrder(actor: Actor, record: AgreementRecord, action: AgreementAction): boolean {
  const rows = AGREEMENT_WORKFLOW.def.transitions.filter((t) => t.action === action && t.from.includes(record.status) && t.by.some((p) => AGREEMENT_WORKFLOW.def.parties[p](actor, record)));
  return rows.length > 0 && !rows.some((t) => t.when?.(record) ?? true);
}

/** The same printed content: the copies but for the day the figures were computed (keys in any order: jsonb sorts them). */
function samePrint(a: unknown, b: unknown): boolean {
  const canon = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(canon) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).filter((k) => k !== 'signedOn').sort().map((k) => [k, canon((x as Record<string, unknown>)[k])])) : x;
  return JSON.stringify(canon(JSON.parse(JSON.stringify(a ?? null)))) === JSON.stringify(canon(JSON.parse(JSON.stringify(b ?? null))));
}

/** The signature phase, as the agreement's transitions drive it (src/modules/signatures, set in the context). */
export interface SignaturePhase {
  open(tx: Tx, act: Act, agreementId: number): Promise<void>;
  voidAll(tx: Tx, act: Act<Actor | null>, agreementId: number, reason: 'cancelled' | 'contentChanged'): Promise<number>;
}

type Locked = AgreementDetail & { centre: AgreementRecord['steps'] & { agreementOverlapAllowed: boolean } };

/**
 * Agreements: reach (a 404 out of it), the page's data, the workflow's actions (submission with the
 * legal engine and the snapshot, the validation steps and their undoing, the signature phase's
 * opening and cancelling, deletion), each with its audit row and mails in one transaction.
 * createAgreement (agreements.create.ts) makes them.
 */
export class AgreementService extends Service {
  /** Set once by the context (the signatures module needs this service too). */
  phase: SignaturePhase | null = null;

  /** The agreement with everything its page shows, in the actor's reach (404 otherwise). */
  async show(actor: Actor, id: number) {
    return this.read({ AND: [{ id }, agreementReachWhere(actor)] });
  }

  /** The same, for a link whose token is the authority (no signed-in person, no reach): 404 when it is gone. */
  async byLink(id: number) {
    return this.read({ id });
  }

  private async read(where: Prisma.AgreementWhereInput) {
    const a = await this.db.agreement.findFirst({
      where,
      include: { ...detailInclude, centre: { select: { ...detailInclude.centre.select, ...stepSelect, pedagogicalLabelFr: true, pedagogicalLabelEn: true, administrativeLabelFr: true, administrativeLabelEn: true, studentsMayPrint: true, printCondition: true, followUpWithoutLabel: true } } },
    });
    if (!a) throw notFound();
    return a;
  }

  /** What the page shows: the stored copy from submission on, else the live rows with the engine run now. */
  async view(a: AgreementDetail, now: Date): Promise<AgreementSnapshot> {
    if (a.snapshot) return a.snapshot as unknown as AgreementSnapshot;
    return buildSnapshot(a, await computeAgreement(this.db, a, todayIn(now)));
  }

  /** The checks computed from the other agreements, now (the page shows them at every state). */
  otherChecks(a: AgreementDetail & { centre: { agreementOverlapAllowed: boolean } }) {
    return databaseChecks(this.db, a, a.centre.agreementOverlapAllowed);
  }

  /** The step history: the agreement's audit rows, oldest first. */
  history(id: number) {
    return this.db.auditLog.findMany({
      where: { entityType: 'Agreement', entityId: String(id) },
      orderBy: { id: 'asc' },
      select: { action: true, createdAt: true, before: true, after: true, actor: { select: { firstName: true, lastName: true } } },
    });
  }

  /**
   * Locks the row, then reads it within reach (404) with its centre's step settings and what the
   * page shows: one statement (relations are loaded by joins, see README "Decisions").
   */
  private async lockInReach(tx: Tx, actor: Actor | null, id: number) {
    await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${id} FOR UPDATE`;
    // The platform's own moves (actor null) are not limited by a reach.
    const include = { ...detailInclude, centre: { select: { ...detailInclude.centre.select, ...stepSelect } } };
    const row = await tx.agreement.findFirst({ where: actor ? { AND: [{ id }, agreementReachWhere(actor)] } : { id }, include });
    if (!row) throw notFound();
    return row as unknown as Locked;
  }

  /**
   * A manual action of the agreement's page: 404 out of reach, 403 for the wrong person, 422 in the
   * wrong state (or the wrong step for the centre's order), a BlockingChecksError when the law
   * refuses the submission. Deletion has its own rules (remove).
   */
  async perform(act: Act, id: number, action: AgreementAction): Promise<{ deleted: boolean; number: string }> {
    return this.db.$transaction(async (tx) => {
      const a = await this.lockInReach(tx, act.actor, id);
      const record = recordOf(a);
      if (action === 'delete') return this.remove(tx, act, a, record);
      if (outOfOrder(act.actor, record, action)) throw new WrongStateError(action, record.status);
      // Amended, the agreement stays validated: a further change is a further amendment.
      if (action === 'unvalidate' && (await tx.agreementAmendment.count({ where: { agreementId: id } }))) throw new ValidationError({ _form: 'agreements.errors.unvalidateAmended' });
      const data: Prisma.AgreementUncheckedUpdateInput = {};
      const step = STEP_COLUMNS[action as keyof typeof STEP_COLUMNS];
      if (step) Object.assign(data, { [step.at]: step.set ? act.now : null, [step.by]: step.set ? act.actor.id : null });
      if (action === 'submit') Object.assign(data, await this.submission(tx, a, act.now));
      if (action === 'openSignatures') data.signaturesOpenedAt = act.now;
      await this.transition(tx, act, a, record, action, data);
      if (action === 'openSignatures') await this.phase!.open(tx, act, id);
      if (action === 'cancelSignatures') await this.phase!.voidAll(tx, act, id, 'cancelled');
      return { deleted: false, number: agreementNumber(a) };
    });
  }

  /**
   * Edits an agreement (the creation wizard's edit, the sheet's corrections): who may is the
   * workflow's `edit` rows — the student until the first validation step, staff until VALIDATED
   * (a VALIDATED one says to undo its validation first). A sent agreement is computed again: its
   * figures and its copy follow the edit, and a blocking check refuses it. The number stays.
   * `added` creates what the edit chose anew (a service, a contact) in the same transaction, once
   * the edit is allowed, and gives the changes naming it: refused, nothing is left behind.
   */
  async update(act: Act, id: number, changes: AgreementChanges, added?: (tx: Tx, a: AgreementDetail) => Promise<AgreementChanges>) {
    return this.db.$transaction(async (tx) => {
      const a = await this.lockInReach(tx, act.actor, id);
      const record = recordOf(a);
      if (record.status === 'VALIDATED' && AGREEMENT_WORKFLOW.def.parties.centreWriter(act.actor, record)) throw new ValidationError({ _form: 'agreements.errors.editValidated' });
      AGREEMENT_WORKFLOW.require(act.actor, record, 'edit');
      if (added) changes = { ...changes, ...(await added(tx, a)) };
      const data = await this.write(tx, a, changes);
      if (a.status !== 'DRAFT') await this.recompute(tx, act, a);
      const changed = Object.keys(data).filter((k) => JSON.stringify((a as Record<string, unknown>)[k]) !== JSON.stringify((data as Record<string, unknown>)[k]));
      await audit(tx, {
        actorId: act.actor.id,
        action: 'agreement.update',
        entityType: 'Agreement',
        entityId: id,
        before: Object.fromEntries(changed.map((k) => [k, (a as Record<string, unknown>)[k]])),
        after: Object.fromEntries(changed.map((k) => [k, (data as Record<string, unknown>)[k]])),
        requestId: act.requestId,
      });
      return { id, number: agreementNumber(a) };
    });
  }

  /** Writes the changes' columns (its parties checked to belong together): what was written. */
  private async write(tx: Tx, a: AgreementDetail, changes: AgreementChanges) {
    const pick = <K extends PartyKey>(k: K) => (k in changes ? (changes[k] ?? null) : a[k]);
    const parties = { organisationId: changes.organisationId ?? a.organisationId, serviceId: pick('serviceId'), companyTutorId: pick('companyTutorId'), signatoryId: pick('signatoryId'), academicTutorId: pick('academicTutorId'), offerId: pick('offerId') };
    await checkParties(tx, { ...parties, startDate: changes.startDate ?? CalendarDate.fromDb(a.startDate), endDate: changes.endDate ?? CalendarDate.fromDb(a.endDate) });
    const data = { ...internshipColumns(changes), ...parties };
    await tx.agreement.update({ where: { id: a.id }, data });
    return data;
  }

  /**
   * An amendment's values written onto a validated agreement (in the caller's transaction), its
   * figures and copy computed again: the agreement's effective values from then on. The copy it was
   * signed with is kept once (`originalSnapshot`). Answers the copies before and after and the
   * checks (the caller decides what a blocking one means: the amendments module previews a draft
   * this way inside a savepoint it rolls back).
   */
  async applyChanges(tx: Tx, id: number, changes: AgreementChanges, now: Date) {
    const a = await this.lockInReach(tx, null, id);
    await this.write(tx, a, changes);
    const after = await this.lockInReach(tx, null, id);
    const legal = await computeAgreement(tx, after, todayIn(now));
    const others = await databaseChecks(tx, after, after.centre.agreementOverlapAllowed);
    const snapshot = buildSnapshot(after, legal);
    const keep = a.originalSnapshot === null ? { originalSnapshot: a.snapshot as Prisma.InputJsonValue } : {};
    await tx.agreement.update({ where: { id }, data: { ...legalColumns(legal.result, legal.previousHours), snapshot: snapshot as unknown as Prisma.InputJsonValue, ...keep } });
    return { before: a.snapshot as unknown as AgreementSnapshot, snapshot, legal, checks: [...legal.result.checks, ...others], blocking: legal.result.checks.some(isBlocking) || others.some(isBlocking) };
  }

  /**
   * A sent agreement edited: its figures and its copy again. During the signature phase, a change of
   * what prints voids the signatures and sends it back to the administrative step (its signers told
   * why); an edit that prints the same keeps the copy they signed, and their signatures.
   */
  private async recompute(tx: Tx, act: Act, before: Locked) {
    const sub = await this.submission(tx, await this.lockInReach(tx, act.actor, before.id), act.now);
    const signing = AGREEMENT_WORKFLOW.group('inSignature').includes(before.status);
    if (signing && samePrint(before.snapshot, sub.snapshot)) delete sub.snapshot;
    await tx.agreement.update({ where: { id: before.id }, data: sub });
    if (!signing || !sub.snapshot) return;
    await this.phase!.voidAll(tx, act, before.id, 'contentChanged');
    await this.platformAction(tx, { ...act, actor: null }, before.id, 'reopenReview', before.centre.administrativeStep ? { administrativeAt: null, administrativeById: null } : {});
  }

  /** Submission: the engine and the database's checks (refused on a blocking one), the figures in columns, the snapshot. */
  private async submission(tx: Tx, a: AgreementDetail & { centre: { agreementOverlapAllowed: boolean } }, now: Date): Promise<Prisma.AgreementUncheckedUpdateInput> {
    const legal = await computeAgreement(tx, a, todayIn(now));
    const others = await databaseChecks(tx, a, a.centre.agreementOverlapAllowed);
    if (legal.result.checks.some(isBlocking) || others.some(isBlocking)) throw new BlockingChecksError(legal);
    return { ...legalColumns(legal.result, legal.previousHours), snapshot: buildSnapshot(a, legal) as unknown as Prisma.InputJsonValue };
  }

  /** One transition of the workflow on the locked agreement: state, audit row, mails (in each recipient's language). */
  private async transition(tx: Tx, act: Act<Actor | null>, a: Locked, record: AgreementRecord, action: AgreementAction, data: Prisma.AgreementUncheckedUpdateInput) {
    const to = AGREEMENT_WORKFLOW.target(AGREEMENT_WORKFLOW.require(act.actor, record, action), record);
    await AGREEMENT_WORKFLOW.apply(tx, {
      act,
      record,
      id: a.id,
      action,
      write: (status) => tx.agreement.update({ where: { id: a.id }, data: { ...data, status } }),
      recipients: (who) => this.recipients(tx, who as Told, a),
      mail: (_t, u) => ({
        firstName: u.firstName,
        number: agreementNumber(a),
        student: `${a.student.user.firstName} ${a.student.user.lastName}`,
        organisation: a.organisation.legalName,
        status: to,
        // The subject names the new state in the recipient's language.
        state: translate(isLocale(u.locale) ? u.locale : 'fr', AGREEMENT_WORKFLOW.stateLabel(to)),
        action,
        by: act.actor ? `${act.actor.firstName} ${act.actor.lastName}` : translate(isLocale(u.locale) ? u.locale : 'fr', 'common.appName'),
        link: `${this.baseUrl}/agreements/${a.id}`,
      }),
      audit: { before: { number: agreementNumber(a) } },
    });
  }

  /**
   * A move of the platform itself in the caller's transaction (the last signature completes the
   * signature phase; a change of content sends it back to review): `data` is written with it.
   */
  async platformAction(tx: Tx, act: Act<null>, id: number, action: 'completeSignatures' | 'reopenReview', data: Prisma.AgreementUncheckedUpdateInput = {}) {
    const a = await this.lockInReach(tx, null, id);
    const record = { ...recordOf(a), ...(data.administrativeAt === null ? { administrativeAt: null } : {}) };
    await this.transition(tx, act, a, record, action, data);
  }

  /** Deletion: the managing centre's WRITE staff, never a VALIDATED agreement (its validation is undone first). */
  private async remove(tx: Tx, act: Act, a: AgreementDetail, record: AgreementRecord) {
    if (record.status === 'VALIDATED' && AGREEMENT_WORKFLOW.def.parties.centreWriter(act.actor, record)) throw new ValidationError({ _form: 'agreements.errors.deleteValidated' });
    AGREEMENT_WORKFLOW.require(act.actor, record, 'delete');
    await tx.agreement.delete({ where: { id: a.id } });
    await audit(tx, { actorId: act.actor.id, action: 'agreement.delete', entityType: 'Agreement', entityId: a.id, before: { number: agreementNumber(a), status: a.status, studentId: a.studentId, organisationId: a.organisationId }, requestId: act.requestId });
    return { deleted: true, number: agreementNumber(a) };
  }

  /** The people a `tell` entry names: the student, the academic tutor, the company tutor (their account, else the contact's address). */
  async recipients(tx: DbOrTx, to: Told, a: AgreementDetail): Promise<Recipient[]> {
    const select = { id: true, email: true, firstName: true, locale: true, active: true } as const;
    const users = (rows: ({ id: number; email: string; firstName: string; locale: string; active: boolean } | null)[]) => rows.filter((u): u is NonNullable<typeof u> => !!u && u.active);
    if (to === 'student') return users([(await tx.studentProfile.findUniqueOrThrow({ where: { id: a.studentId }, select: { user: { select } } })).user]);
    if (to === 'academicTutor') return a.academicTutorId ? users([await tx.user.findUnique({ where: { id: a.academicTutorId }, select })]) : [];
    if (!a.companyTutorId) return [];
    const c = await tx.contact.findUnique({ where: { id: a.companyTutorId }, select: { id: true, email: true, firstName: true, user: { select } } });
    if (c?.user) return users([c.user]);
    // A contact without an account is written to at its address, in the language the agreement prints
    // in when the site speaks it (the host's best-known language; the directory keeps none), else French.
    return c?.email ? [{ id: -c.id, email: c.email, firstName: c.firstName, locale: isLocale(a.printLanguage) ? a.printLanguage : 'fr' }] : [];
  }

  /** The page's buttons for this actor; `edit` is a link to its pages (wizard/wizard.edit.ts). */
  actions(actor: Actor, a: Parameters<typeof recordOf>[0]) {
    return AGREEMENT_WORKFLOW.availableActions(actor, recordOf(a));
  }
}
