// The defence ("soutenance") and the final grade (issue 14): the academic tutor records them once the
// company tutor's evaluation was consulted and the student's experience feedback exists — the step
// table's `after` for 'defence' says so, read here rather than restated. The page shows the company
// evaluation and its proposed grade next to the grade field ("obligatoirement prise en compte").
// Recording the grade tells the student the step is done and invites them to evaluate the internship.
import { Service, type Act, type ServiceDeps } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { forbidden, ValidationError } from '../../errors.js';
import { CalendarDate, todayIn } from '../../time/calendar.js';
import type { AgreementService } from '../agreements/agreements.service.js';
import { inviteStudentEvaluation } from '../evaluations/evaluations.service.js';
import { LABEL_STEPS, stepsOf } from './label.steps.js';
import { readsAcademicRecord } from './followup.access.js';
import { tellStepDone } from './step.notices.js';

type Shown = Awaited<ReturnType<AgreementService['show']>>;

export interface DefenceInput {
  defenceOn: CalendarDate;
  grade: string;
  comment: string | null;
}

/** The steps the defence waits for, from the table (in its order). */
const BEFORE_DEFENCE = LABEL_STEPS.find((s) => s.code === 'defence')!.after;

export class DefenceService extends Service {
  constructor(deps: ServiceDeps, private readonly agreements: AgreementService) {
    super(deps);
  }

  /** What the follow-up page shows: the grade, whether the actor records it now, what is missing, the company evaluation beside the field. */
  async state(actor: Actor, a: Shown, now: Date) {
    // The grade is the school's and the student's, not the host's.
    if (a.status !== 'VALIDATED' || !readsAcademicRecord(actor, a)) return null;
    const grade = await this.db.internshipGrade.findUnique({ where: { agreementId: a.id }, include: { recordedBy: { select: { firstName: true, lastName: true } } } });
    const tutor = actor.id === a.academicTutorId;
    const missing = tutor ? await this.missing(a, now) : [];
    const evaluation = tutor
      ? await this.db.evaluation.findUnique({ where: { agreementId_kind: { agreementId: a.id, kind: 'COMPANY' } }, select: { answers: true, proposedGrade: true, submittedAt: true, form: { select: { definition: true, version: true } } } })
      : null;
    return { grade, mayRecord: tutor && missing.length === 0, missing, evaluation };
  }

  /** The steps before the defence that are not done yet (their codes). */
  private async missing(a: Shown, now: Date): Promise<string[]> {
    const { steps } = await stepsOf(this.db, a, now);
    return BEFORE_DEFENCE.filter((c) => steps.find((s) => s.code === c)?.state !== 'done');
  }

  /**
   * The academic tutor records (or corrects) the defence's day and the final grade. Refused beside the
   * form while a step before it is missing (the feedback first: the student writes it before the defence).
   */
  async record(act: Act, agreementId: number, input: DefenceInput) {
    const a = await this.agreements.show(act.actor, agreementId);
    if (act.actor.id !== a.academicTutorId) throw forbidden();
    if (a.status !== 'VALIDATED') throw new ValidationError({ _form: 'followup.defence.errors.notValidated' });
    const missing = await this.missing(a, act.now);
    if (missing.includes('feedback')) throw new ValidationError({ _form: 'followup.defence.errors.noFeedback' });
    if (missing.length) throw new ValidationError({ _form: 'followup.defence.errors.notConsulted' });
    if (input.defenceOn.isBefore(CalendarDate.fromDb(a.startDate))) throw new ValidationError({ defenceOn: 'followup.defence.errors.beforeStart' });
    if (todayIn(act.now).isBefore(input.defenceOn)) throw new ValidationError({ defenceOn: 'followup.defence.errors.future' });
    await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${agreementId} FOR UPDATE`;
      const before = await tx.internshipGrade.findUnique({ where: { agreementId }, select: { defenceOn: true, grade: true } });
      const data = { defenceOn: input.defenceOn.toDb(), grade: input.grade, comment: input.comment, recordedById: act.actor.id };
      // A correction keeps the first recording's date: the step was done then (reminders, dashboards).
      await tx.internshipGrade.upsert({ where: { agreementId }, create: { agreementId, ...data, recordedAt: act.now }, update: data });
      await audit(tx, { actorId: act.actor.id, action: before ? 'defence.correct' : 'defence.record', entityType: 'Agreement', entityId: agreementId, before: before ? { defenceOn: CalendarDate.fromDb(before.defenceOn).toString(), grade: before.grade.toString() } : undefined, after: { defenceOn: input.defenceOn.toString(), grade: input.grade }, requestId: act.requestId });
      if (!before) {
        await tellStepDone(tx, this.agreements, a, 'defence', this.baseUrl);
        await inviteStudentEvaluation(tx, a, this.baseUrl);
      }
    });
  }
}
