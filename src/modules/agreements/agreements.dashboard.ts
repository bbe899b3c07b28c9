import { z } from 'zod';
import type { Actor } from '../../authz/actor.js';
import { centresWith } from '../../authz/centres.js';
import type { DbOrTx } from '../../db/client.js';
import { notFound } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { AgreementStatus, InternshipType } from '../../generated/prisma/enums.js';
import { todayIn, type CalendarDate } from '../../time/calendar.js';
import { academicYearAt, academicYearLabels } from '../institutions/academic-years.js';
import { PRINT_LANGUAGES } from './agreement.types.js';
import { agreementReachWhere } from './agreements.reach.js';
import { listSelect } from './agreements.search.js';
import { recordOf } from './agreements.service.js';
import { awaitingFor } from './agreements.awaiting.js';
import { AGREEMENT_WORKFLOW, nextStep, STEP_SETTINGS_SELECT } from './agreements.workflow.js';

// The centre's agreement dashboard ("Tableau de bord du centre", conventions): the counts by state of
// the centre's agreements of an academic year, those awaiting this person (the workflow's `awaits`),
// and the alert "not yet validated and starting within N days" (N: the centre's agreementAlertDays).

const opt = <T extends z.ZodType>(s: T) => s.optional().catch(undefined);
export const dashboardSchema = z.object({
  centre: opt(z.string().regex(/^\d{1,9}$/).transform(Number)),
  academicYear: opt(z.string().trim().regex(/^\d{4}-\d{4}$/)),
  status: opt(z.enum(AgreementStatus)),
  studyYear: opt(z.string().regex(/^\d{1,9}$/).transform(Number)),
  country: opt(z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/)),
  type: opt(z.enum(InternshipType)),
  language: opt(z.enum(PRINT_LANGUAGES)),
});
export type DashboardInput = z.infer<typeof dashboardSchema>;
export const DASHBOARD_KEYS = Object.keys(dashboardSchema.shape);

const STEP_SELECT = STEP_SETTINGS_SELECT;

/** The centres whose dashboard the actor may open: READ and above, every centre for a platform administrator. */
async function dashboardCentres(db: DbOrTx, actor: Actor) {
  const where = actor.isPlatformAdmin ? {} : { id: { in: centresWith(actor, 'READ') } };
  return db.managementCentre.findMany({ where, select: { id: true, name: true, agreementAlertDays: true, ...STEP_SELECT }, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
}

/**
 * The dashboard of one centre (the one asked, else the actor's first): 404 for a centre out of the
 * actor's reach. Whatever the volume, one statement counts by state and the alerts, one reads the
 * candidates awaiting someone (in review or draft), which the workflow filters for this actor, and
 * one reads the rows shown.
 */
export async function centreDashboard(db: DbOrTx, actor: Actor, input: DashboardInput, now: Date) {
  const today = todayIn(now);
  const [centres, current] = await Promise.all([dashboardCentres(db, actor), input.academicYear ?? academicYearAt(db, today).then((y) => y.label)]);
  const centre = input.centre === undefined ? centres[0] : centres.find((c) => c.id === input.centre);
  if (!centre) throw notFound();
  const academicYear = current;
  const scope: Prisma.AgreementWhereInput = {
    centreId: centre.id,
    academicYear,
    ...(input.studyYear ? { studyYearId: input.studyYear } : {}),
    ...(input.type ? { type: input.type } : {}),
    ...(input.language ? { printLanguage: input.language } : {}),
    ...(input.country ? { organisation: { country: input.country } } : {}),
  };
  const filtered: Prisma.AgreementWhereInput = { ...scope, ...(input.status ? { status: input.status } : {}) };
  const filters = scopeSql(centre.id, academicYear, input);
  const alertUntil = today.addDays(centre.agreementAlertDays);
  const [groups, awaiting, studyYears, years] = await Promise.all([
    countsByState(db, filters, today, alertUntil),
    awaitingFor(db, actor, { sql: input.status ? Prisma.sql`${filters} AND a.status = ${input.status}::"AgreementStatus"` : filters, where: filtered }, centre),
    db.studyYear.findMany({ where: { centreId: centre.id }, select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    agreementYears(db, today, academicYear),
  ]);
  const counts = Object.fromEntries(AGREEMENT_WORKFLOW.def.states.map((s) => [s, 0])) as Record<AgreementStatus, number>;
  let alert = 0;
  for (const g of groups) {
    counts[g.status] = g.n;
    if (!input.status || input.status === g.status) alert += g.alert;
  }
  return { centres, centre, academicYear, counts, alert: { count: alert, days: centre.agreementAlertDays, from: today, to: alertUntil }, awaiting, studyYears, years };
}

/**
 * The counts by state of the centre's agreements of the year under the dashboard's filters (all
 * states: the state filter only chooses the cards shown), each with its alerts: not validated,
 * starting between `from` and `to` (both included). One statement (a round trip each).
 */
async function countsByState(db: DbOrTx, filters: Prisma.Sql, from: CalendarDate, to: CalendarDate) {
  return db.$queryRaw<{ status: AgreementStatus; n: number; alert: number }[]>`
    SELECT a.status::text AS status, count(*)::int AS n,
      (count(*) FILTER (WHERE a.status <> 'VALIDATED' AND a."startDate" BETWEEN ${from.toString()}::date AND ${to.toString()}::date))::int AS alert
    FROM "Agreement" a WHERE ${filters}
    GROUP BY a.status`;
}

/** The centre, the year and the dashboard's filters but the state, as SQL conditions on `a` (the Prisma `scope` of centreDashboard). */
function scopeSql(centreId: number, academicYear: string, input: DashboardInput): Prisma.Sql {
  const and: Prisma.Sql[] = [Prisma.sql`a."centreId" = ${centreId} AND a."academicYear" = ${academicYear}`];
  if (input.studyYear) and.push(Prisma.sql`AND a."studyYearId" = ${input.studyYear}`);
  if (input.type) and.push(Prisma.sql`AND a.type = ${input.type}::"InternshipType"`);
  if (input.language) and.push(Prisma.sql`AND a."printLanguage" = ${input.language}`);
  if (input.country) and.push(Prisma.sql`AND a."organisationId" IN (SELECT id FROM "Organisation" WHERE country = ${input.country})`);
  return Prisma.join(and, ' ');
}

/**
 * The academic years an agreement filter offers: the defined ones, the current one, the chosen one,
 * and every year an agreement was numbered in (read from the counters: one row per institution and
 * year, not the agreements), latest first.
 */
export async function agreementYears(db: DbOrTx, today: CalendarDate, chosen?: string | null): Promise<string[]> {
  const [labels, numbered] = await Promise.all([academicYearLabels(db, today, chosen), db.agreementCounter.findMany({ distinct: ['academicYear'], select: { academicYear: true } })]);
  return [...new Set([...labels, ...numbered.map((n) => n.academicYear)])].sort().reverse();
}

/** The search's query string for a dashboard count: the centre, the year and the dashboard's filters, plus `extra`. */
export function searchLink(d: { centre: { id: number }; academicYear: string }, input: DashboardInput, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ centre: String(d.centre.id), academicYear: d.academicYear });
  if (input.studyYear) q.set('studyYear', String(input.studyYear));
  for (const k of ['country', 'type', 'language', 'status'] as const) if (input[k]) q.set(k, input[k]!);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return `/agreements/search?${q.toString()}`;
}

/** What comes next for an agreement, as a catalogue key: the step it waits for, the submission, or nothing (validated). */
export function nextKey(a: Parameters<typeof recordOf>[0]): string {
  if (a.status === 'DRAFT') return 'agreementsSearch.next.submit';
  if (a.status === 'VALIDATED') return 'agreementsSearch.next.none';
  const step = nextStep(recordOf(a));
  return step ? `agreementsSearch.next.${step}` : 'agreementsSearch.next.validate';
}

const nextSelect = { ...listSelect, studentId: true, centreId: true, studyYearId: true, academicTutorId: true, pedagogicalAt: true, administrativeAt: true, signedAt: true, centre: { select: { name: true, ...STEP_SETTINGS_SELECT } } } as const;

/** A student's agreements ("Suivre mon stage › Conventions de stage"), latest start first, with what comes next. */
export async function studentAgreements(db: DbOrTx, actor: Actor) {
  if (!actor.student) return [];
  const rows = await db.agreement.findMany({ where: { studentId: actor.student.profileId }, select: nextSelect, orderBy: [{ startDate: 'desc' }, { id: 'desc' }] });
  return rows.map((a) => ({ ...a, next: nextKey(a) }));
}

/**
 * A company user's interns ("Mes stagiaires"): the agreements of the organisations they administer
 * and those they tutor, i.e. their reach (agreements.reach.ts) narrowed to their organisations.
 */
export async function companyAgreements(db: DbOrTx, actor: Actor) {
  const orgs = actor.companies.map((c) => c.organisationId);
  const where: Prisma.AgreementWhereInput = { AND: [agreementReachWhere(actor), { organisationId: { in: orgs } }] };
  const rows = await db.agreement.findMany({ where, select: { ...nextSelect, companyTutor: { select: { firstName: true, lastName: true } } }, orderBy: [{ startDate: 'desc' }, { id: 'desc' }], take: 200 });
  return rows.map((a) => ({ ...a, next: nextKey(a) }));
}
