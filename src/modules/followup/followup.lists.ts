// The follow-up dashboards (issue 14, "Suivi global des stagiaires", "Suivi de mon stage"): each
// internship the actor takes part in with its label steps and their states, filtered and counted per
// step; and the programme manager's cohort figures. The steps and their states are the step table's
// (label.steps.ts): nothing here restates a step.
import { z } from 'zod';
import { Service } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import { hasCentreRight } from '../../authz/centres.js';
import { notFound } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { pager } from '../../http/pagination.js';
import { todayIn, type CalendarDate } from '../../time/calendar.js';
import { academicYearAt } from '../institutions/academic-years.js';
import { agreementReachWhere } from '../agreements/agreements.reach.js';
import { criteriaWhere } from '../agreements/agreements.search.js';
import { agreementYears } from '../agreements/agreements.dashboard.js';
import { factsOf, LABEL_STEPS, stepStates, type StepActor, type StepState, type StepView } from './label.steps.js';

export const STEP_STATES = ['done', 'todo', 'late', 'waiting'] as const satisfies readonly StepState[];
const STEP_CODES = LABEL_STEPS.map((s) => s.code) as [string, ...string[]];

// Like the agreement search's criteria, a value that does not parse is ignored (the list unfiltered by it), never an error page.
const opt = <T extends z.ZodType>(s: T) => s.optional().catch(undefined);
const id = () => opt(z.string().regex(/^\d{1,9}$/).transform(Number));

export const listSchema = z.object({
  academicYear: opt(z.string().trim().regex(/^\d{4}-\d{4}$/)),
  programme: id(),
  studyYear: id(),
  organisation: opt(z.string().trim().max(200)),
  step: opt(z.enum(STEP_CODES)),
  state: opt(z.enum(STEP_STATES)),
});
export type ListInput = z.infer<typeof listSchema>;
export const LIST_KEYS = Object.keys(listSchema.shape);

export const cohortSchema = z.object({ academicYear: listSchema.shape.academicYear, programme: id() });
export type CohortInput = z.infer<typeof cohortSchema>;
export const COHORT_KEYS = Object.keys(cohortSchema.shape);

/** The internships whose facts are read together: one statement per kind of record for this many. */
const CHUNK = 1000;

/** What factsOf needs of an agreement. */
const followedSelect = {
  id: true,
  sheetId: true,
  validatedAt: true,
  status: true,
  programmeId: true,
  organisationId: true,
  startDate: true,
  endDate: true,
  schedule: true,
  interruptions: true,
  holidaysCountry: true,
} satisfies Prisma.AgreementSelect;

/** What a row of the list shows: the steps' facts, who takes part, and "Plus de détail". */
const rowSelect = {
  ...followedSelect,
  academicYear: true,
  seq: true,
  subject: true,
  activities: true,
  studentId: true,
  studyYearId: true,
  centreId: true,
  academicTutorId: true,
  student: { select: { user: { select: { firstName: true, lastName: true } } } },
  organisation: { select: { legalName: true, city: true, country: true } },
  companyTutor: { select: { firstName: true, lastName: true, email: true, userId: true } },
  academicTutor: { select: { firstName: true, lastName: true, email: true } },
  programme: { select: { name: true } },
  studyYear: { select: { name: true } },
} satisfies Prisma.AgreementSelect;
type Row = Prisma.AgreementGetPayload<{ select: typeof rowSelect }>;

export type StepCounts = { code: string; mandatory: boolean; counts: Record<StepState, number> }[];

/** The filters but the step and its state, as a `where` on agreements (the agreement search's own criteria where they exist). */
function scopeWhere(input: Omit<ListInput, 'step' | 'state'>): Prisma.AgreementWhereInput {
  return {
    AND: [
      criteriaWhere({ academicYear: input.academicYear, studyYear: input.studyYear ? [input.studyYear] : undefined, organisation: input.organisation }),
      input.programme ? { programmeId: input.programme } : {},
    ],
  };
}

/** Who the actor is in this internship, as the step table names its actors. */
export function actorsOn(actor: Actor, a: Pick<Row, 'studentId' | 'academicTutorId' | 'studyYearId' | 'programmeId' | 'centreId' | 'companyTutor'>): Set<StepActor> {
  const mine = new Set<StepActor>();
  if (actor.student?.profileId === a.studentId) mine.add('student');
  if (a.companyTutor?.userId === actor.id) mine.add('companyTutor');
  if (a.academicTutorId === actor.id) mine.add('academicTutor');
  if (actor.academic.some((r) => r.kind === 'YEAR_MANAGER' && r.studyYearId !== null && r.studyYearId === a.studyYearId)) mine.add('yearManager');
  if (actor.academic.some((r) => r.kind === 'PROGRAMME_MANAGER' && r.programmeId !== null && r.programmeId === a.programmeId)) mine.add('programmeManager');
  // The agreement's validation is the WRITE staff's (and the platform administrator's).
  if (hasCentreRight(actor, a.centreId, 'WRITE')) mine.add('centre');
  return mine;
}

/**
 * What waits for the actor first: their late step due the earliest, else their step to do — a
 * mandatory one before an optional one — due the earliest (undated last), else none.
 */
export function firstForActor(steps: StepView[], mine: Set<StepActor>): StepView | null {
  const open = steps.filter((s) => mine.has(s.actor) && (s.state === 'late' || s.state === 'todo'));
  const rank = (s: StepView) => [s.state === 'late' ? 0 : 1, s.mandatory ? 0 : 1, s.dueOn ? s.dueOn.toString() : '9999-99-99'].join(':');
  return open.sort((x, y) => (rank(x) < rank(y) ? -1 : rank(x) > rank(y) ? 1 : 0))[0] ?? null;
}

type States = ReturnType<typeof stepStates>;

const matches = (steps: StepView[], step?: string, state?: StepState) =>
  step ? steps.some((s) => s.code === step && (!state || s.state === state)) : !state || steps.some((s) => s.state === state);

export class FollowupListService extends Service {
  /**
   * The states of the steps of the internships `ids`, read CHUNK at a time (one statement per kind
   * of record and chunk: factsOf), each handed to `visit` in the order of `ids`.
   */
  private async scan(ids: number[], today: CalendarDate, visit: (id: number, states: States) => void) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const chunk = ids.slice(i, i + CHUNK);
      const facts = await factsOf(this.db, await this.db.agreement.findMany({ where: { id: { in: chunk } }, select: followedSelect }));
      for (const x of chunk) visit(x, stepStates(facts.get(x)!, today));
    }
  }

  /**
   * One page of the validated internships within the actor's reach (the agreements' reach) under
   * the filters, with their steps; and the counts per step and state of the internships under every
   * filter but the step and its state (the counts are the links that set those two).
   */
  async list(actor: Actor, input: ListInput, page: number, now: Date) {
    const today = todayIn(now);
    const where: Prisma.AgreementWhereInput = { AND: [agreementReachWhere(actor), { status: 'VALIDATED' }, scopeWhere(input)] };
    const ids = (await this.db.agreement.findMany({ where, select: { id: true }, orderBy: [{ startDate: 'desc' }, { id: 'desc' }] })).map((r) => r.id);
    const counts = new Map(LABEL_STEPS.map((s) => [s.code, { code: s.code, mandatory: s.mandatory, counts: { done: 0, todo: 0, late: 0, waiting: 0 } }]));
    const matched: number[] = [];
    // The steps of the page asked for, kept from the scan: its rows need not read their facts again.
    const wanted = pager(page, Number.MAX_SAFE_INTEGER);
    const kept = new Map<number, States>();
    await this.scan(ids, today, (x, states) => {
      for (const s of states.steps) counts.get(s.code)!.counts[s.state]++;
      if (!matches(states.steps, input.step, input.state)) return;
      if (matched.length >= wanted.skip && matched.length < wanted.skip + wanted.size) kept.set(x, states);
      matched.push(x);
    });
    const p = pager(page, matched.length);
    return { pager: p, items: await this.rows(actor, matched.slice(p.skip, p.skip + p.size), today, kept), counts: [...counts.values()] as StepCounts, inScope: ids.length };
  }

  /**
   * The rows of one page, in the order of `ids`, each with its steps, its progress and what waits
   * for the actor first; their steps are read unless `known` has them all (a page past the last).
   */
  private async rows(actor: Actor, ids: number[], today: CalendarDate, known: Map<number, States>) {
    const rows = await this.db.agreement.findMany({ where: { id: { in: ids } }, select: rowSelect });
    const facts = ids.every((x) => known.has(x)) ? null : await factsOf(this.db, rows);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((x) => {
      const a = byId.get(x)!;
      const { steps, progress } = known.get(x) ?? stepStates(facts!.get(x)!, today);
      return { a, steps, progress, first: firstForActor(steps, actorsOn(actor, a)) };
    });
  }

  /** The filters' choices: the academic years, programmes and study years of the internships within reach (one grouped statement). */
  async choices(actor: Actor) {
    const groups = await this.db.agreement.groupBy({ by: ['academicYear', 'programmeId', 'studyYearId'], where: { AND: [agreementReachWhere(actor), { status: 'VALIDATED' }] } });
    const programmeIds = [...new Set(groups.map((g) => g.programmeId).filter((x): x is number => x !== null))];
    const studyYearIds = [...new Set(groups.map((g) => g.studyYearId).filter((x): x is number => x !== null))];
    const [programmes, studyYears] = await Promise.all([
      this.db.programme.findMany({ where: { id: { in: programmeIds } }, select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
      this.db.studyYear.findMany({ where: { id: { in: studyYearIds } }, select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    ]);
    return { years: [...new Set(groups.map((g) => g.academicYear))].sort().reverse(), programmes, studyYears };
  }

  /**
   * The programme manager's cohort: the validated internships of their programmes (one of them when
   * asked; another programme is a 404) in an academic year (the current one by default), with the
   * label rate (awarded / following the label), the steps late per step, the completion of the
   * company evaluations (done / opened) and the average final grade.
   */
  async cohort(actor: Actor, input: CohortInput, now: Date) {
    const today = todayIn(now);
    const mine = [...new Set(actor.academic.filter((r) => r.kind === 'PROGRAMME_MANAGER' && r.programmeId !== null).map((r) => r.programmeId!))];
    if (input.programme !== undefined && !mine.includes(input.programme)) throw notFound();
    const chosen = input.programme !== undefined ? [input.programme] : mine;
    const [programmes, academicYear] = await Promise.all([
      this.db.programme.findMany({ where: { id: { in: mine } }, select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
      input.academicYear ?? academicYearAt(this.db, today).then((y) => y.label),
    ]);
    const where: Prisma.AgreementWhereInput = { AND: [agreementReachWhere(actor), { status: 'VALIDATED', academicYear, programmeId: { in: chosen } }] };
    const ids = (await this.db.agreement.findMany({ where, select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id);
    const late = new Map(LABEL_STEPS.map((s) => [s.code, 0]));
    let following = 0;
    const evaluations = { done: 0, due: 0 };
    await this.scan(ids, today, (_x, { steps }) => {
      for (const s of steps) if (s.state === 'late') late.set(s.code, late.get(s.code)! + 1);
      // The award's step exists only for an internship that follows the label.
      if (steps.some((s) => s.code === 'labelAward')) following++;
      const evaluation = steps.find((s) => s.code === 'companyEvaluation');
      if (evaluation && evaluation.state !== 'waiting') evaluations.due++;
      if (evaluation?.state === 'done') evaluations.done++;
    });
    const [awarded, grades, years] = await Promise.all([
      this.db.labelAward.count({ where: { agreement: where, decision: 'AWARDED', withdrawnAt: null } }),
      this.db.internshipGrade.aggregate({ where: { agreement: where }, _avg: { grade: true }, _count: { _all: true } }),
      agreementYears(this.db, today, academicYear),
    ]);
    const average = grades._avg.grade === null ? null : Math.round(Number(grades._avg.grade) * 100) / 100;
    return {
      programmes,
      programme: input.programme ?? null,
      academicYear,
      years,
      internships: ids.length,
      label: { awarded, following, rate: following ? Math.round((100 * awarded) / following) : null },
      late: [...late].map(([code, count]) => ({ code, count })),
      evaluations: { ...evaluations, rate: evaluations.due ? Math.round((100 * evaluations.done) / evaluations.due) : null },
      grade: { average, count: grades._count._all },
    };
  }
}
