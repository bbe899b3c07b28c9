// Whose figures the statistics page counts ("indicateurs", issue 15) and the filters of its query
// string. Centre staff (READ and above) count their centres' agreements, programme managers their
// programmes', the platform administrator every one; someone both counts both. The filters only
// narrow that reach: a centre or programme out of it is a 404, never another's figures.
import { z } from 'zod';
import type { Actor } from '../../authz/actor.js';
import { centresWith } from '../../authz/centres.js';
import type { DbOrTx } from '../../db/client.js';
import { notFound } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { todayIn, type CalendarDate } from '../../time/calendar.js';
import { academicYearAt } from '../institutions/academic-years.js';
import { agreementYears } from '../agreements/agreements.dashboard.js';

// As on the other dashboards, a value that does not parse is ignored (no filter), never an error page.
const opt = <T extends z.ZodType>(s: T) => s.optional().catch(undefined);
const id = () => opt(z.string().regex(/^\d{1,9}$/).transform(Number));
const yearLabel = z.string().trim().regex(/^\d{4}-\d{4}$/).refine((y) => Number(y.slice(5)) === Number(y.slice(0, 4)) + 1);

/** `compare`: a year, or NO_COMPARISON; none given, the year before. */
export const NO_COMPARISON = 'none';
export const statisticsSchema = z.object({ academicYear: opt(yearLabel), compare: opt(z.union([z.literal(NO_COMPARISON), yearLabel])), centre: id(), programme: id() });
export type StatisticsInput = z.infer<typeof statisticsSchema>;
export const STATISTICS_KEYS = Object.keys(statisticsSchema.shape);

/** The agreements the actor counts: every one, or those of these centres or of these programmes. */
export interface Reach {
  all: boolean;
  centres: number[];
  programmes: number[];
}

/** The page's filters once checked against the reach. */
export interface Filters {
  year: string;
  /** The year compared with (null: no comparison). */
  compare: string | null;
  centre: number | null;
  programme: number | null;
}

export function reachOf(actor: Actor): Reach {
  const programmes = actor.academic.filter((r) => r.kind === 'PROGRAMME_MANAGER' && r.programmeId !== null).map((r) => r.programmeId!);
  return { all: actor.isPlatformAdmin, centres: centresWith(actor, 'READ'), programmes: [...new Set(programmes)] };
}

/** "2026-2027" → "2025-2026" (a year named otherwise by the administrator: none). */
export const previousYear = (label: string) => (/^\d{4}/.test(label) ? `${Number(label.slice(0, 4)) - 1}-${label.slice(0, 4)}` : null);

/**
 * The filters' choices: the centres and programmes within reach (a programme manager's centres are
 * those managing their programmes' study years; a centre's programmes those with a year there), and
 * the academic years an agreement filter offers.
 */
export async function choicesOf(db: DbOrTx, reach: Reach, today: CalendarDate, chosen?: string | null) {
  const centreWhere: Prisma.ManagementCentreWhereInput = reach.all ? {} : { OR: [{ id: { in: reach.centres } }, { studyYears: { some: { programmeId: { in: reach.programmes } } } }] };
  const programmeWhere: Prisma.ProgrammeWhereInput = reach.all ? {} : { OR: [{ id: { in: reach.programmes } }, { studyYears: { some: { centreId: { in: reach.centres } } } }] };
  const [centres, programmes, years] = await Promise.all([
    db.managementCentre.findMany({ where: centreWhere, select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    db.programme.findMany({ where: programmeWhere, select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
    agreementYears(db, today, chosen),
  ]);
  return { centres, programmes, years };
}
export type Choices = Awaited<ReturnType<typeof choicesOf>>;

/**
 * The filters checked: the year (the current one by default) and the year compared with (the one
 * before by default); a centre or a programme not among the choices is a 404.
 */
export async function resolveFilters(db: DbOrTx, actor: Actor, input: StatisticsInput, now: Date) {
  const today = todayIn(now);
  const reach = reachOf(actor);
  // The years offered hold the current one: asked side by side with the choices.
  const [year, choices] = await Promise.all([input.academicYear ?? academicYearAt(db, today).then((y) => y.label), choicesOf(db, reach, today, input.academicYear)]);
  if (input.centre !== undefined && !choices.centres.some((c) => c.id === input.centre)) throw notFound();
  if (input.programme !== undefined && !choices.programmes.some((p) => p.id === input.programme)) throw notFound();
  const compare = input.compare === NO_COMPARISON || input.compare === year ? null : (input.compare ?? previousYear(year));
  if (compare && !choices.years.includes(compare)) choices.years = [...choices.years, compare].sort().reverse();
  const filters: Filters = { year, compare, centre: input.centre ?? null, programme: input.programme ?? null };
  return { reach, filters, choices, today };
}

/** The reach as an SQL condition on the agreements `a`. */
export function reachSql(reach: Reach): Prisma.Sql {
  if (reach.all) return Prisma.sql`TRUE`;
  // One side alone when the other is empty: the centres' condition is then an index range.
  if (!reach.programmes.length) return Prisma.sql`a."centreId" = ANY(${reach.centres}::int[])`;
  if (!reach.centres.length) return Prisma.sql`a."programmeId" = ANY(${reach.programmes}::int[])`;
  return Prisma.sql`(a."centreId" = ANY(${reach.centres}::int[]) OR a."programmeId" = ANY(${reach.programmes}::int[]))`;
}

/** The agreements `a` counted (each statement says which years): the reach and the centre and programme filters. */
export function agreementsSql(reach: Reach, f: Filters): Prisma.Sql {
  const and = [reachSql(reach)];
  if (f.centre !== null) and.push(Prisma.sql`a."centreId" = ${f.centre}`);
  if (f.programme !== null) and.push(Prisma.sql`a."programmeId" = ${f.programme}`);
  return Prisma.join(and, ' AND ');
}

/**
 * The offers `o` counted: those their managing centre (Offer.centreId) puts within reach — the
 * actor's centres, or the centres of their programmes — or the one centre filtered. Offers belong
 * to a centre, not to a programme: the programme filter does not narrow them.
 */
export function offersSql(reach: Reach, centres: { id: number }[], f: Filters): Prisma.Sql {
  if (f.centre !== null) return Prisma.sql`o."centreId" = ${f.centre}`;
  if (reach.all) return Prisma.sql`TRUE`;
  return Prisma.sql`o."centreId" = ANY(${centres.map((c) => c.id)}::int[])`;
}
