// The quality label's steps (issue 14; DESIGN.md "The label process"), declared once: order, whether
// the label needs it, who acts, when it opens and is due, what must come first, and how to tell it
// is done from the internship's facts. The follow-up page draws its step list from this table; the
// dashboards, reminders and calendar feed of the next steps of the issue read the same rows. Adding
// a step is a row here plus its form. (Steps 8, 9 and 11–13 of the design — the evaluations, the defence
// and grade, the student's evaluation, the award — are added with their forms.)
import type { DbOrTx } from '../../db/client.js';
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
}

export const LABEL_STEPS: readonly LabelStep[] = [
  { code: 'sheetSent', mandatory: true, actor: 'student', after: [], dueOn: (f) => f.start.addDays(-1), done: (f) => f.sheetSentAt, anchor: 'sheet' },
  { code: 'sheetValidated', mandatory: true, actor: 'yearManager', after: ['sheetSent'], dueOn: (f) => f.start.addDays(-1), done: (f) => f.sheetValidatedAt, anchor: 'sheet' },
  { code: 'agreementValidated', mandatory: true, actor: 'centre', after: ['sheetValidated'], dueOn: (f) => f.start.addDays(-1), done: (f) => f.validatedAt, anchor: 'agreement' },
  { code: 'journal', mandatory: false, actor: 'student', after: ['agreementValidated'], opensOn: (f) => f.start, done: (f) => f.journalEntries > 0, anchor: 'journal' },
  { code: 'midtermSent', mandatory: true, actor: 'student', after: ['agreementValidated'], opensOn: (f) => f.halfway, dueOn: (f) => f.halfway.addDays(14), done: (f) => f.midtermSubmittedAt, anchor: 'midterm' },
  { code: 'midtermCompanyAck', mandatory: true, actor: 'companyTutor', after: ['midtermSent'], dueOn: (f) => (f.midtermSubmittedAt ? todayIn(f.midtermSubmittedAt).addDays(7) : null), done: (f) => f.midtermCompanyAckAt, anchor: 'midterm' },
  { code: 'midtermAcademicAck', mandatory: true, actor: 'academicTutor', after: ['midtermSent'], dueOn: (f) => (f.midtermSubmittedAt ? todayIn(f.midtermSubmittedAt).addDays(7) : null), done: (f) => f.midtermAcademicAckAt, anchor: 'midterm' },
  { code: 'feedback', mandatory: true, actor: 'student', after: ['agreementValidated'], opensOn: (f) => f.start, dueOn: (f) => f.end, done: (f) => f.feedbackAt, anchor: 'feedback' },
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
  anchor: string;
}

/**
 * Each step's state on `today`: done; waiting (a step before it is not done, or its day has not
 * come); late (due day passed); to do. With the share of the mandatory steps done.
 */
export function stepStates(f: StepFacts, today: CalendarDate): { steps: StepView[]; progress: number } {
  const done = new Map<string, boolean>();
  const steps = LABEL_STEPS.map((s): StepView => {
    const d = s.done(f);
    const isDone = d instanceof Date || d === true;
    done.set(s.code, isDone);
    const opensOn = s.opensOn?.(f) ?? null;
    const dueOn = s.dueOn?.(f) ?? null;
    const ready = s.after.every((c) => done.get(c)) && !(opensOn && today.isBefore(opensOn));
    const state: StepState = isDone ? 'done' : !ready ? 'waiting' : dueOn && dueOn.isBefore(today) ? 'late' : 'todo';
    return { code: s.code, mandatory: s.mandatory, actor: s.actor, state, doneAt: d instanceof Date ? d : null, opensOn, dueOn, anchor: s.anchor };
  });
  const mandatory = steps.filter((s) => s.mandatory);
  return { steps, progress: mandatory.length ? Math.round((100 * mandatory.filter((s) => s.state === 'done').length) / mandatory.length) : 100 };
}

type Followed = Dated & { id: number; sheetId: number | null; validatedAt: Date | null };

/** The facts of many internships, read in one statement per kind of record (never one per internship). */
export async function factsOf(db: DbOrTx, agreements: Followed[]): Promise<Map<number, StepFacts>> {
  const ids = agreements.map((a) => a.id);
  const sheetIds = agreements.map((a) => a.sheetId).filter((x): x is number => x !== null);
  const sheets = new Map((await db.internshipSheet.findMany({ where: { id: { in: sheetIds } }, select: { id: true, sentAt: true, validatedAt: true } })).map((x) => [x.id, x]));
  const journals = new Map((await db.journalEntry.groupBy({ by: ['agreementId'], where: { agreementId: { in: ids } }, _count: { _all: true } })).map((x) => [x.agreementId, x._count._all]));
  const midterms = new Map((await db.midtermReport.findMany({ where: { agreementId: { in: ids } }, select: { agreementId: true, submittedAt: true, companyAckAt: true, academicAckAt: true } })).map((x) => [x.agreementId, x]));
  const feedbacks = new Map((await db.experienceFeedback.findMany({ where: { agreementId: { in: ids } }, select: { agreementId: true, submittedAt: true } })).map((x) => [x.agreementId, x.submittedAt]));
  return new Map(agreements.map((a) => {
    const sheet = a.sheetId ? sheets.get(a.sheetId) : undefined;
    const m = midterms.get(a.id);
    const facts: StepFacts = {
      start: CalendarDate.fromDb(a.startDate),
      end: CalendarDate.fromDb(a.endDate),
      halfway: midtermOpensOn(a),
      // An agreement made without a sheet (by the centre's wizard) has its sheet steps done with it.
      sheetSentAt: sheet ? sheet.sentAt : a.validatedAt,
      sheetValidatedAt: sheet ? sheet.validatedAt : a.validatedAt,
      validatedAt: a.validatedAt,
      journalEntries: journals.get(a.id) ?? 0,
      midtermSubmittedAt: m?.submittedAt ?? null,
      midtermCompanyAckAt: m?.companyAckAt ?? null,
      midtermAcademicAckAt: m?.academicAckAt ?? null,
      feedbackAt: feedbacks.get(a.id) ?? null,
    };
    return [a.id, facts];
  }));
}

/** The steps of one internship on today (the follow-up page). */
export async function stepsOf(db: DbOrTx, a: Followed, now: Date) {
  return stepStates((await factsOf(db, [a])).get(a.id)!, todayIn(now));
}
