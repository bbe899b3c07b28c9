// The three evaluations of an internship (issue 14), on the form machinery of forms.ts: the company
// tutor's evaluation of the student (with a proposed grade; signed in here, or from an e-mailed link:
// evaluations.links.ts), which the academic tutor marks consulted; the academic tutor's own
// (optional for the label); the student's confidential evaluation of the internship, once the final
// grade is recorded. Each opens as the label's step table says (label.steps.ts), never before.
import { z } from 'zod';
import { Service, type Act, type ServiceDeps } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import type { EvaluationKind } from '../../generated/prisma/enums.js';
import { fieldErrors, f } from '../../http/validate.js';
import { isLocale } from '../../i18n/index.js';
import { queueEmail } from '../../mail/outbox.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import type { AgreementService } from '../agreements/agreements.service.js';
import type { JournalService } from '../followup/journal.service.js';
import { stepsOf, type StepView } from '../followup/label.steps.js';
import { tellStepDone } from '../followup/step.notices.js';
import { evaluationRoles, FILLS, maskEmail, READS } from './evaluations.access.js';
import { currentForm, definitionOf, readAnswers, type Answers, type FormDefinition } from './forms.js';

export type Shown = Awaited<ReturnType<AgreementService['show']>>;

/** The step of the label each evaluation is. */
export const STEP_OF: Record<EvaluationKind, string> = { COMPANY: 'companyEvaluation', ACADEMIC: 'academicEvaluation', STUDENT: 'studentEvaluation' };

const gradeSchema = z.object({ proposedGrade: f.grade() });

export interface EvaluationInput {
  answers: Answers;
  /** The company tutor's proposed grade out of 20 ("14.5"), for the Decimal column. */
  proposedGrade: string | null;
}

/** A posted evaluation: the answers and, for the company tutor's, the proposed grade; every field's error at once. */
export function readInput(d: FormDefinition, body: Record<string, unknown>, withGrade: boolean): EvaluationInput {
  const { answers, errors } = readAnswers(d, body);
  let proposedGrade: string | null = null;
  if (withGrade) {
    const g = gradeSchema.safeParse({ proposedGrade: body.proposedGrade });
    if (g.success) proposedGrade = g.data.proposedGrade;
    else Object.assign(errors, fieldErrors(g.error));
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { answers, proposedGrade };
}

/** Open: the follow-up is kept and the step is no longer waiting (its day has come, the steps before it are done). */
const isOpen = (s: StepView | null) => !!s && s.state !== 'waiting';

/** Who wrote or consulted, as a page names them. */
const person = { select: { firstName: true, lastName: true } } as const;

/**
 * Queues the invitation to the student's evaluation of the internship, in the transaction that records
 * the final grade (the defence's). Once per internship (dedupe key). Returns whether a mail was queued.
 */
export async function inviteStudentEvaluation(tx: Tx, a: { id: number; studentId: number; academicYear: string; seq: number; organisation: { legalName: string } }, baseUrl: string): Promise<boolean> {
  const { user } = await tx.studentProfile.findUniqueOrThrow({ where: { id: a.studentId }, select: { user: { select: { email: true, firstName: true, locale: true, active: true } } } });
  if (!user.active) return false;
  return queueEmail(tx, {
    to: user.email,
    template: 'evaluation-student',
    locale: isLocale(user.locale) ? user.locale : 'fr',
    data: { firstName: user.firstName, number: agreementNumber(a), organisation: a.organisation.legalName, link: `${baseUrl}/agreements/${a.id}/evaluations/student` },
    dedupeKey: `evaluation-student:${a.id}`,
  });
}

export class EvaluationService extends Service {
  constructor(deps: ServiceDeps, readonly agreements: AgreementService, private readonly journal: JournalService) {
    super(deps);
  }

  /** The evaluation steps of the internship today (each null when the follow-up is not kept). */
  async steps(a: Shown, now: Date) {
    const kept = await this.journal.isOpen(a);
    const all = kept ? (await stepsOf(this.db, a, now)).steps : [];
    const of = (code: string) => all.find((s) => s.code === code) ?? null;
    return { kept, of, step: (kind: EvaluationKind) => of(STEP_OF[kind]) };
  }

  /** Whether the evaluation can be filled now (the follow-up kept, its step open). */
  async isOpen(a: Shown, kind: EvaluationKind, now: Date): Promise<boolean> {
    return isOpen((await this.steps(a, now)).step(kind));
  }

  /** An internship's evaluation of a kind with the version of the form it answered. */
  async find(agreementId: number, kind: EvaluationKind) {
    const ev = await this.db.evaluation.findUnique({ where: { agreementId_kind: { agreementId, kind } }, include: { form: true, submittedBy: person, consultedBy: person } });
    return ev ? { ...ev, definition: definitionOf(ev.form.definition) } : null;
  }

  /**
   * The page of an evaluation: its form for the one who fills it (while open and not sent), its
   * answers for those who read it. Anyone else: 404. The student's page never shows answers
   * (their own included): only the programme manager reads them, on `studentAnswers`.
   */
  async page(actor: Actor, agreementId: number, kind: EvaluationKind, now: Date) {
    const a = await this.agreements.show(actor, agreementId);
    const roles = await evaluationRoles(this.db, actor, a);
    const fills = FILLS[kind](roles);
    const reads = kind !== 'STUDENT' && READS[kind](roles);
    if (!fills && !reads) throw notFound();
    const ev = await this.find(a.id, kind);
    const { kept, step, of } = await this.steps(a, now);
    const open = isOpen(step(kind));
    const form = fills && !ev && open ? await currentForm(this.db, a.centreId, kind) : null;
    const link = kind === 'COMPANY' && !ev && open && (roles.centreWrite || roles.academicTutor) ? await this.tutorAddress(a.companyTutorId) : null;
    return {
      a,
      kind,
      roles,
      kept,
      open,
      step: step(kind),
      /** The first day the step may open (its own day): shown while it waits. */
      opensOn: step(kind)?.opensOn ?? of(STEP_OF[kind])?.opensOn ?? null,
      evaluation: ev && reads ? ev : null,
      sentAt: ev?.submittedAt ?? null,
      form,
      mayConsult: kind === 'COMPANY' && roles.academicTutor && !!ev && !ev.consultedAt,
      linkTo: link ? maskEmail(link) : null,
    };
  }

  /** The student's evaluation of the internship, for the manager of the student's programme only (anyone else: 404). */
  async studentAnswers(actor: Actor, agreementId: number) {
    const a = await this.agreements.show(actor, agreementId);
    if (!READS.STUDENT(await evaluationRoles(this.db, actor, a))) throw notFound();
    return { a, evaluation: await this.find(a.id, 'STUDENT') };
  }

  /** The company tutor's contact address (where links go), or null. */
  async tutorAddress(companyTutorId: number | null): Promise<string | null> {
    if (!companyTutorId) return null;
    return (await this.db.contact.findUnique({ where: { id: companyTutorId }, select: { email: true } }))?.email ?? null;
  }

  /** The one who fills it sends the evaluation: once, while open; with the version of the form it answered. */
  async submit(act: Act, agreementId: number, kind: EvaluationKind, body: Record<string, unknown>) {
    const a = await this.agreements.show(act.actor, agreementId);
    if (!FILLS[kind](await evaluationRoles(this.db, act.actor, a))) throw forbidden();
    if (!(await this.isOpen(a, kind, act.now))) throw new ValidationError({ _form: 'evaluations.errors.notOpen' });
    const [sent, form] = await Promise.all([this.db.evaluation.findUnique({ where: { agreementId_kind: { agreementId, kind } }, select: { id: true } }), currentForm(this.db, a.centreId, kind)]);
    if (sent) throw new ValidationError({ _form: 'evaluations.errors.alreadySent' });
    const input = readInput(form.definition, body, kind === 'COMPANY');
    await this.db.$transaction((tx) => this.record(tx, { actorId: act.actor.id, requestId: act.requestId, now: act.now }, a, kind, form.id, input));
  }

  /**
   * Writes a sent evaluation under the agreement's lock (two clicks write once), its audit row (never
   * the answers: the student's are confidential), the link it came from marked used, and the step's
   * "une étape a été franchie" mails — all in the caller's transaction.
   */
  async record(tx: Tx, by: { actorId: number | null; requestId: string | null; now: Date }, a: Shown, kind: EvaluationKind, formId: number, input: EvaluationInput, linkId?: number) {
    await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${a.id} FOR UPDATE`;
    if (await tx.evaluation.findUnique({ where: { agreementId_kind: { agreementId: a.id, kind } }, select: { id: true } })) throw new ValidationError({ _form: 'evaluations.errors.alreadySent' });
    const ev = await tx.evaluation.create({ data: { agreementId: a.id, kind, formId, answers: input.answers, proposedGrade: input.proposedGrade, submittedAt: by.now, submittedById: by.actorId } });
    if (linkId) await tx.evaluationLink.update({ where: { id: linkId }, data: { usedAt: by.now } });
    await audit(tx, { actorId: by.actorId, action: 'evaluation.submit', entityType: 'Agreement', entityId: a.id, after: { kind, evaluationId: ev.id, formId, proposedGrade: input.proposedGrade, viaLink: !!linkId }, requestId: by.requestId });
    await tellStepDone(tx, this.agreements, a, STEP_OF[kind], this.baseUrl);
    return ev;
  }

  /** The academic tutor marks the company tutor's evaluation consulted (a step of the label). */
  async consult(act: Act, agreementId: number) {
    const a = await this.agreements.show(act.actor, agreementId);
    if (!(await evaluationRoles(this.db, act.actor, a)).academicTutor) throw forbidden();
    await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${agreementId} FOR UPDATE`;
      const ev = await tx.evaluation.findUnique({ where: { agreementId_kind: { agreementId, kind: 'COMPANY' } }, select: { id: true, consultedAt: true } });
      if (!ev) throw new ValidationError({ _form: 'evaluations.errors.notSent' });
      if (ev.consultedAt) throw new ValidationError({ _form: 'evaluations.errors.alreadyConsulted' });
      await tx.evaluation.update({ where: { id: ev.id }, data: { consultedAt: act.now, consultedById: act.actor.id } });
      await audit(tx, { actorId: act.actor.id, action: 'evaluation.consult', entityType: 'Agreement', entityId: agreementId, after: { evaluationId: ev.id }, requestId: act.requestId });
      await tellStepDone(tx, this.agreements, a, 'evaluationConsulted', this.baseUrl);
    });
  }

  /** The follow-up page's evaluation sections: each evaluation's state and what the actor may do (null: not theirs to see). */
  async followUp(actor: Actor, a: Shown, now: Date) {
    if (a.status !== 'VALIDATED') return null;
    const roles = await evaluationRoles(this.db, actor, a);
    if (!Object.values(roles).some(Boolean) && !actor.isPlatformAdmin) return null;
    const rows = await this.db.evaluation.findMany({ where: { agreementId: a.id }, select: { kind: true, submittedAt: true, submittedById: true, proposedGrade: true, consultedAt: true, consultedBy: person } });
    const { kept, step } = await this.steps(a, now);
    const row = (k: EvaluationKind) => rows.find((r) => r.kind === k) ?? null;
    const part = (k: EvaluationKind) => ({ step: step(k), open: isOpen(step(k)), sentAt: row(k)?.submittedAt ?? null, fills: FILLS[k](roles), reads: READS[k](roles) });
    const company = row('COMPANY');
    const mayLink = (roles.centreWrite || roles.academicTutor) && !company && isOpen(step('COMPANY'));
    const address = mayLink ? await this.tutorAddress(a.companyTutorId) : null;
    return {
      kept,
      company: {
        ...part('COMPANY'),
        viaLink: !!company && company.submittedById === null,
        proposedGrade: company && READS.COMPANY(roles) ? company.proposedGrade : null,
        consultedAt: company?.consultedAt ?? null,
        consultedBy: company?.consultedBy ?? null,
        mayConsult: roles.academicTutor && !!company && !company.consultedAt,
        linkTo: address ? maskEmail(address) : null,
      },
      academic: part('ACADEMIC'),
      student: part('STUDENT'),
    };
  }
}
