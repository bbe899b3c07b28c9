import type { DbOrTx } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { defaultAcademicYearOf, parseAcademicYearLabel, type AcademicPeriod } from '../../time/academic-year.js';
import { CalendarDate, PARIS } from '../../time/calendar.js';

// Which academic year a day falls in, or a label names: the one the platform administrator
// defined (/admin/academic-years), otherwise the default September–August year (src/time).

const periodOf = (row: { label: string; startDate: Date; endDate: Date }): AcademicPeriod => ({
  label: row.label,
  start: CalendarDate.fromDb(row.startDate),
  end: CalendarDate.fromDb(row.endDate),
});

/** The academic year of `day`: a defined year that contains it (the latest to start), else the default one. */
export async function academicYearAt(db: DbOrTx, day: CalendarDate): Promise<AcademicPeriod> {
  const row = await db.academicYear.findFirst({
    where: { startDate: { lte: day.toDb() }, endDate: { gte: day.toDb() } },
    orderBy: [{ startDate: 'desc' }, { id: 'desc' }],
    select: { label: true, startDate: true, endDate: true },
  });
  return row ? periodOf(row) : defaultAcademicYearOf(day);
}

/**
 * academicYearAt as a one-row SQL relation (label, first and last day, and the instants it covers
 * as UTC timestamps, as Prisma stores them), for a busy page that counts within the year in the
 * same statement instead of asking for the year first.
 */
export function academicYearRelation(day: CalendarDate): Prisma.Sql {
  const d = defaultAcademicYearOf(day);
  const iso = day.toString();
  return Prisma.sql`(SELECT p.label, p.s, p.e, (p.s::timestamp AT TIME ZONE ${PARIS}) AT TIME ZONE 'UTC' AS gte, ((p.e + 1)::timestamp AT TIME ZONE ${PARIS}) AT TIME ZONE 'UTC' AS lt
    FROM (SELECT COALESCE(y.label, ${d.label}) AS label, COALESCE(y."startDate", ${d.start.toString()}::date) AS s, COALESCE(y."endDate", ${d.end.toString()}::date) AS e
      FROM (SELECT 1) one LEFT JOIN LATERAL (SELECT label, "startDate", "endDate" FROM "AcademicYear"
        WHERE "startDate" <= ${iso}::date AND "endDate" >= ${iso}::date ORDER BY "startDate" DESC, id DESC LIMIT 1) y ON TRUE) p)`;
}

/** The academic year a label names ("2026-2027"): the defined one, else the default one; null when it names none. */
export async function academicYearNamed(db: DbOrTx, label: string): Promise<AcademicPeriod | null> {
  const row = await db.academicYear.findUnique({ where: { label }, select: { label: true, startDate: true, endDate: true } });
  return row ? periodOf(row) : parseAcademicYearLabel(label);
}

/** The years a filter offers: the defined ones, the current one and `chosen`, latest first. */
export async function academicYearLabels(db: DbOrTx, today: CalendarDate, chosen?: string | null): Promise<string[]> {
  const rows = await db.academicYear.findMany({ select: { label: true }, orderBy: { startDate: 'desc' }, take: 20 });
  const labels = new Set([...rows.map((r) => r.label), (await academicYearAt(db, today)).label, ...(chosen ? [chosen] : [])]);
  return [...labels].sort().reverse();
}
