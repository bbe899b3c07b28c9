// The quality label's steps (issue 14; DESIGN.md "The label process"), declared once: order, whether
// the label needs it, who acts, when it opens and is due, what must come first, and how to tell it
// is done from the internship's facts. The follow-up page draws its step list from this table; the
// dashboards, reminders and calendar feed of the next steps of the issue read the same rows. Adding
// a step is a row here plus its form.
import type { DbOrTx } from '../../db/client.js';
import type { StructureType } from '../../generated/prisma/enums.js';
import { CalendarDate, todayIn } from '../../time/calendar.js';
import { midtermOpensOn, type Dated } from './midterm.service.js';

/** What the steps are read from, for one internship. */
export interface StepFacts {
  start: CalendarDate;
  end: CalendarDate;
  /** The day half of the presence hours is reached. */
  halfway: CalendarDate;
  sheetSentAt: Date | null;
  sheetValidatedAt: Date | null;
  /** The agreement's validation (its signature completed). */
  validatedAt: Date | null;
  journalEntries: number;
  midtermSubmittedAt: Date | null;
  midtermCompanyAckAt: Date | null;
  midtermAcademicAckAt: Date | null;
  feedbackAt: Date | null;
  companyEvaluationAt: Date | null;
  evaluationConsultedAt: Date | null;
  academicEvaluationAt: Date | null;
  /** The defence recorded with the final grade. */
  gradeAt: Date | null;
  studentEvaluationAt: Date | null;
  /** The agreement follows the label (the award step exists only then). */
  followsLabel: boolean;
  /** The programme manager's decision on the label (awarded or refused), when made. */
  labelDecidedAt: Date | null;
}

export type StepActor = 'student' | 'yearManager' | 'centre' | 'companyTutor' | 'academicTutor' | 'programmeManager';

export interface LabelStep {
  code: string;
  mandatory: boolean;
  actor: StepActor;
  /** The steps that come first (the step opens once they are done, and not before its own day). */
  after: readonly string[];
  /** From which day it can be done (null: as soon as the steps before it are done). */
  opensOn?: (f: StepFacts) => CalendarDate | null;
  /** The day it is due (null: no deadline). */
  dueOn?: (f: StepFacts) => CalendarDate | null;
  /** When it was done (a date), done without a date (true), or not (null/false). */
  done: (f: StepFacts) => Date | boolean | null;
  /** Where it is done: the follow-up page's section (or another page). */
  anchor: string;
  /**
   * Reminders to the actor while the step is to do: `days` after the day it became ready (0: that
   * day), then every `lateEvery` days once it is late. None: no reminder.
   */
  remind?: { days: readonly number[]; lateEvery?: number };
  /** Who is told when it is done ("une étape a été franchie"). */
  tell: readonly StepActor[];
  /** The step exists only for an internship that follows the label (the award). */
  labelOnly?: boolean;
}

const MANDATORY_BEFORE_AWARD = ['sheetSent', 'sheetValidated', 'agreementValidated', 'midtermSent', 'midtermCompanyAck', 'midtermAcademicAck', 'companyEvaluation', 'evaluationConsulted', 'feedback', 'defence', 'studentEvaluation'];
const week = { days: [0, 3, 10], lateEvery: 7 } as const;

export const LABEL_STEPS: readonly LabelStep[] = [
  { code: 'sheetSent', mandatory: true, actor: 'student', after: [], dueOn: (f) => f.start.addDays(-1), done: (f) => f.sheetSentAt, anchor: 'sheet', tell: [] },
  { code: 'sheetValidated', mandatory: true, actor: 'yearManager', after: ['sheetSent'], dueOn: (f) => f.start.addDays(-1), done: (f) => f.sheetValidatedAt, anchor: 'sheet', tell: [] },
  { code: 'agreementValidated', mandatory: true, actor: 'centre', after: ['sheetValidated'], dueOn: (f) => f.start.addDays(-1), done: (f) => f.validatedAt, anchor: 'agreement', tell: [] },
  { code: 'journal', mandatory: false, actor: 'student', after: ['agreementValidated'], opensOn: (f) => f.start, done: (f) => f.journalEntries > 0, anchor: 'journal', tell: [] },
  { code: 'midtermSent', mandatory: true, actor: 'student', after: ['agreementValidated'], opensOn: (f) => f.halfway, dueOn: (f) => f.halfway.addDays(14), done: (f) => f.midtermSubmittedAt, anchor: 'midterm', remind: week, tell: ['companyTutor', 'academicTutor'] },
  { code: 'midtermCompanyAck', mandatory: true, actor: 'companyTutor', after: ['midtermSent'], dueOn: (f) => (f.midtermSubmittedAt ? todayIn(f.midtermSubmittedAt).addDays(7) : null), done: (f) => f.midtermCompanyAckAt, anchor: 'midterm', remind: week, tell: ['student'] },
  { code: 'midtermAcademicAck', mandatory: true, actor: 'academicTutor', after: ['midtermSent'], dueOn: (f) => (f.midtermSubmittedAt ? todayIn(f.midtermSubmittedAt).addDays(7) : null), done: (f) => f.midtermAcademicAckAt, anchor: 'midterm', remind: week, tell: ['student'] },
  // The company tutor's evaluation opens 10 days before the end; due on the last day.
  { code: 'companyEvaluation', mandatory: true, actor: 'companyTutor', after: ['agreementValidated'], opensOn: (f) => f.end.addDays(-10), dueOn: (f) => f.end, done: (f) => f.companyEvaluationAt, anchor: 'evaluation', remind: week, tell: ['academicTutor'] },
  { code: 'evaluationConsulted', mandatory: true, actor: 'academicTutor', after: ['companyEvaluation'], dueOn: (f) => (f.companyEvaluationAt ? todayIn(f.companyEvaluationAt).addDays(7) : null), done: (f) => f.evaluationConsultedAt, anchor: 'evaluation', remind: week, tell: [] },
  { code: 'academicEvaluation', mandatory: false, actor: 'academicTutor', after: ['agreementValidated'], opensOn: (f) => f.end.addDays(-10), dueOn: (f) => f.end.addDays(30), done: (f) => f.academicEvaluationAt, anchor: 'evaluation', tell: [] },
  { code: 'feedback', mandatory: true, actor: 'student', after: ['agreementValidated'], opensOn: (f) => f.start, dueOn: (f) => f.end, done: (f) => f.feedbackAt, anchor: 'feedback', remind: { days: [], lateEvery: 7 }, tell: [] },
  // The defence and the final grade: after the evaluation was consulted and the feedback written.
  { code: 'defence', mandatory: true, actor: 'academicTutor', after: ['evaluationConsulted', 'feedback'], dueOn: (f) => f.end.addDays(60), done: (f) => f.gradeAt, anchor: 'defence', remind: { days: [], lateEvery: 7 }, tell: ['student'] },
  // The student's confidential evaluation of the internship, invited once the grade is recorded.
  { code: 'studentEvaluation', mandatory: true, actor: 'student', after: ['defence'], dueOn: (f) => (f.gradeAt ? todayIn(f.gradeAt).addDays(14) : null), done: (f) => f.studentEvaluationAt, anchor: 'studentEvaluation', remind: week, tell: [] },
  // The award (or refusal) by the programme manager once every mandatory step is done.
  { code: 'labelAward', mandatory: false, actor: 'programmeManager', after: MANDATORY_BEFORE_AWARD, done: (f) => f.labelDecidedAt, anchor: 'award', remind: week, tell: ['student'], labelOnly: true },
];

export type StepState = 'done' | 'todo' | 'late' | 'waiting';

export interface StepView {
  code: string;
  mandatory: boolean;
  actor: StepActor;
  state: StepState;
  doneAt: Date | null;
  opensOn: CalendarDate | null;
  dueOn: CalendarDate | null;
  /** The day a step to do became doable (its own day, and the steps before it done); null when waiting or done. */
  readyOn: CalendarDate | null;
  anchor: string;
}

/**
 * Each step's state on `today`: done; waiting (a step before it is not done, or its day has not
 * come); late (due day passed); to do. With the share of the mandatory steps done.
 */
export function stepStates(f: StepFacts, today: CalendarDate): { steps: StepView[]; progress: number } {
  const done = new Map<string, boolean>();
  // The day a step was done, read only when a step after it needs it (a day in Paris costs a lookup).
  const doneAt = new Map<string, Date | null>();
  const steps = LABEL_STEPS.filter((s) => !s.labelOnly || f.followsLabel).map((s): StepView => {
    const d = s.done(f);
    const isDone = d instanceof Date || d === true;
    done.set(s.code, isDone);
    doneAt.set(s.code, d instanceof Date ? d : null);
    const opensOn = s.opensOn?.(f) ?? null;
    const dueOn = s.dueOn?.(f) ?? null;
    const ready = s.after.every((c) => done.get(c)) && !(opensOn && today.isBefore(opensOn));
    // The day it became ready (a step to do): its own day or the last of the steps before it, whichever is later.
    let readyOn: CalendarDate | null = null;
    if (ready && !isDone) {
      readyOn = opensOn;
      for (const c of s.after) {
        const at = doneAt.get(c);
        const day = at ? todayIn(at) : null;
        if (day && (!readyOn || readyOn.isBefore(day))) readyOn = day;
      }
    }
    const state: StepState = isDone ? 'done' : !ready ? 'waiting' : dueOn && dueOn.isBefore(today) ? 'late' : 'todo';
    return { code: s.code, mandatory: s.mandatory, actor: s.actor, state, doneAt: d instanceof Date ? d : null, opensOn, dueOn, readyOn, anchor: s.anchor };
  });
  const mandatory = steps.filter((s) => s.mandatory);
  return { steps, progress: mandatory.length ? Math.round((100 * mandatory.filter((s) => s.state === 'done').length) / mandatory.length) : 100 };
}

type Followed = Dated & { id: number; sheetId: number | null; validatedAt: Date | null; status: string; programmeId: number | null; organisationId: number };

/** Hosts that cannot carry the label (the same list as label.enrolment.ts: research and teaching establishments). */
const NOT_SOCIO_ECONOMIC: StructureType[] = ['PUBLIC_LAB'];

/** What factsOf reads of the records each internship's steps depend on (named as in StepFacts). */
type FactRow = { id: number; hasSheet: boolean; journals: number } & Pick<
  StepFacts,
  'sheetSentAt' | 'sheetValidatedAt' | 'midtermSubmittedAt' | 'midtermCompanyAckAt' | 'midtermAcademicAckAt' | 'feedbackAt' | 'companyEvaluationAt' | 'evaluationConsultedAt' | 'academicEvaluationAt' | 'studentEvaluationAt' | 'gradeAt' | 'labelDecidedAt'
>;

/**
 * The facts of many internships, in one statement (never one per internship, nor one per kind of
 * record: seven round trips were a third of a follow-up page's statements). Each record is one per
 * internship (an evaluation one per kind), so each joins as one row.
 */
export async function factsOf(db: DbOrTx, agreements: Followed[]): Promise<Map<number, StepFacts>> {
  const reading = agreements.length ? db.$queryRaw<FactRow[]>`
    SELECT a.id, s.id IS NOT NULL AS "hasSheet", s."sentAt" AS "sheetSentAt", s."validatedAt" AS "sheetValidatedAt",
           (SELECT count(*)::int FROM "JournalEntry" j WHERE j."agreementId" = a.id) AS journals,
           m."submittedAt" AS "midtermSubmittedAt", m."companyAckAt" AS "midtermCompanyAckAt", m."academicAckAt" AS "midtermAcademicAckAt",
           f."submittedAt" AS "feedbackAt", ce."submittedAt" AS "companyEvaluationAt", ce."consultedAt" AS "evaluationConsultedAt",
           ae."submittedAt" AS "academicEvaluationAt", se."submittedAt" AS "studentEvaluationAt", g."recordedAt" AS "gradeAt", w."decidedAt" AS "labelDecidedAt"
    FROM unnest(${agreements.map((a) => a.id)}::int[], ${agreements.map((a) => a.sheetId)}::int[]) AS a(id, "sheetId")
    LEFT JOIN "InternshipSheet" s ON s.id = a."sheetId"
    LEFT JOIN "MidtermReport" m ON m."agreementId" = a.id
    LEFT JOIN "ExperienceFeedback" f ON f."agreementId" = a.id
    LEFT JOIN "Evaluation" ce ON ce."agreementId" = a.id AND ce.kind = 'COMPANY'
    LEFT JOIN "Evaluation" ae ON ae."agreementId" = a.id AND ae.kind = 'ACADEMIC'
    LEFT JOIN "Evaluation" se ON se."agreementId" = a.id AND se.kind = 'STUDENT'
    LEFT JOIN "InternshipGrade" g ON g."agreementId" = a.id
    LEFT JOIN "LabelAward" w ON w."agreementId" = a.id` : Promise.resolve([]);
  const [rows, follows] = await Promise.all([reading, followingLabel(db, agreements)]);
  const read = new Map(rows.map((r) => [r.id, r]));
  const halves = new Map<string, CalendarDate>();
  const halfwayOf = (a: Followed) => {
    const key = `${a.startDate.getTime()}|${a.endDate.getTime()}|${a.holidaysCountry}|${JSON.stringify(a.schedule)}|${JSON.stringify(a.interruptions)}`;
    let h = halves.get(key);
    if (!h) halves.set(key, (h = midtermOpensOn(a)));
    return h;
  };
  return new Map(agreements.map((a) => {
    const r = read.get(a.id)!;
    const facts: StepFacts = {
      start: CalendarDate.fromDb(a.startDate),
      end: CalendarDate.fromDb(a.endDate),
      halfway: halfwayOf(a),
      // An agreement made without a sheet (by the centre's wizard) has its sheet steps done with it.
      sheetSentAt: r.hasSheet ? r.sheetSentAt : a.validatedAt,
      sheetValidatedAt: r.hasSheet ? r.sheetValidatedAt : a.validatedAt,
      validatedAt: a.validatedAt,
      journalEntries: r.journals,
      midtermSubmittedAt: r.midtermSubmittedAt,
      midtermCompanyAckAt: r.midtermCompanyAckAt,
      midtermAcademicAckAt: r.midtermAcademicAckAt,
      feedbackAt: r.feedbackAt,
      companyEvaluationAt: r.companyEvaluationAt,
      evaluationConsultedAt: r.evaluationConsultedAt,
      academicEvaluationAt: r.academicEvaluationAt,
      gradeAt: r.gradeAt,
      studentEvaluationAt: r.studentEvaluationAt,
      followsLabel: follows.has(a.id),
      labelDecidedAt: r.labelDecidedAt,
    };
    return [a.id, facts];
  }));
}

/**
 * Which of these agreements follow the label (LabelEnrolmentService.follows, for many at once): validated,
 * a socio-economic host, the student's and the company's yes, and the manager's yes or the programme's default.
 */
export async function followingLabel(db: DbOrTx, agreements: Followed[]): Promise<Set<number>> {
  const validated = agreements.filter((a) => a.status === 'VALIDATED');
  if (!validated.length) return new Set();
  const enrolments = new Map((await db.labelEnrolment.findMany({ where: { agreementId: { in: validated.map((a) => a.id) }, studentAnswer: 'YES', companyAnswer: 'YES' }, select: { agreementId: true, managerAnswer: true } })).map((e) => [e.agreementId, e]));
  const candidates = validated.filter((a) => enrolments.has(a.id));
  if (!candidates.length) return new Set();
  const programmes = new Set((await db.programme.findMany({ where: { id: { in: [...new Set(candidates.map((a) => a.programmeId).filter((x): x is number => x !== null))] }, labelDefault: true }, select: { id: true } })).map((p) => p.id));
  const labs = new Set((await db.organisation.findMany({ where: { id: { in: [...new Set(candidates.map((a) => a.organisationId))] }, structureType: { in: NOT_SOCIO_ECONOMIC } }, select: { id: true } })).map((o) => o.id));
  return new Set(candidates.filter((a) => {
    const manager = enrolments.get(a.id)!.managerAnswer ?? (a.programmeId !== null && programmes.has(a.programmeId) ? 'YES' : null);
    return manager === 'YES' && !labs.has(a.organisationId);
  }).map((a) => a.id));
}

/** The steps of one internship on today (the follow-up page). */
export async function stepsOf(db: DbOrTx, a: Followed, now: Date): Promise<Steps> {
  const memo = rendered.get(a);
  const known = memo?.get(now.getTime());
  if (known) return known;
  const steps = factsOf(db, [a]).then((facts) => stepStates(facts.get(a.id)!, todayIn(now)));
  memo?.set(now.getTime(), steps);
  return steps;
}

// The agreements a page reads to render, nothing written meanwhile (`forRendering`): their steps
// are computed once per instant. The follow-up page asks four times (its step list, the
// evaluations, the defence, the award), 13 statements each: under load, the page's slowest part.
type Steps = ReturnType<typeof stepStates>;
const rendered = new WeakMap<Followed, Map<number, Promise<Steps>>>();

/** Marks an agreement read for a page's rendering only (no write follows with this object): see `rendered`. */
export function forRendering<T extends Followed>(a: T): T {
  rendered.set(a, new Map());
  return a;
}
