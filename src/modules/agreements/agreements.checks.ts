// The checks the legal engine cannot do alone, computed from the other agreements (issue 12): the
// student's overlapping agreements (refused unless the centre allows them), the company tutor's and
// the academic tutor's interns at the same time, the host's interns against its headcount.
import type { DbOrTx } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { HeadcountBand } from '../../generated/prisma/enums.js';
import type { Check } from '../../legal/types.js';
import { CalendarDate } from '../../time/calendar.js';
import { agreementNumber } from './agreement.types.js';

/** Above this many interns at once, a company tutor's load is flagged (Code de l'éducation, R124-13). */
export const COMPANY_TUTOR_MAX = 3;
/** Above this many, an academic tutor's (R124-13: 24 unless the institution sets fewer). */
export const ACADEMIC_TUTOR_MAX = 24;

/**
 * The fewest staff a headcount band may mean: the host's quota is judged on it, so that a host
 * that may be under 20 staff is held to the small hosts' limit (R124-10: 15 % of the staff, 3
 * interns under 20 staff).
 */
const LEAST_STAFF: Record<HeadcountBand, number> = { NONE: 0, FROM_1_TO_9: 1, FROM_10_TO_49: 10, FROM_50_TO_249: 50, FROM_250_TO_4999: 250, FROM_5000: 5000 };
export const hostQuota = (band: HeadcountBand) => (LEAST_STAFF[band] < 20 ? 3 : Math.floor(LEAST_STAFF[band] * 0.15));

export interface CheckedAgreement {
  id: number;
  studentId: number;
  organisationId: number;
  companyTutorId: number | null;
  academicTutorId: number | null;
  startDate: Date;
  endDate: Date;
}

const iso = (d: Date) => CalendarDate.fromDb(d).toString();

/**
 * The most agreements (other than this one, not drafts) matching `who` running on one same day of
 * this one's period: the peak is reached on a day one of them starts (or on this one's first day).
 */
async function peak(db: DbOrTx, a: CheckedAgreement, who: Prisma.Sql): Promise<number> {
  const rows = await db.$queryRaw<{ n: number }[]>`
    WITH o AS (SELECT ag."startDate" AS s, ag."endDate" AS e FROM "Agreement" ag
      WHERE ${who} AND ag.id <> ${a.id} AND ag.status <> 'DRAFT' AND ag."startDate" <= ${a.endDate}::date AND ag."endDate" >= ${a.startDate}::date)
    SELECT COALESCE(MAX((SELECT COUNT(*) FROM o o2 WHERE o2.s <= p.d AND o2.e >= p.d)), 0)::int AS n
    FROM (SELECT GREATEST(o.s, ${a.startDate}::date) AS d FROM o) p`;
  return rows[0]?.n ?? 0;
}

/** The checks, each a blocking or warning finding with its message's parameters (agreements.checks.<code>). */
export async function databaseChecks(db: DbOrTx, a: CheckedAgreement, overlapAllowed: boolean): Promise<Check[]> {
  const checks: Check[] = [];
  const overlapping = await db.agreement.findMany({
    where: { studentId: a.studentId, id: { not: a.id }, startDate: { lte: a.endDate }, endDate: { gte: a.startDate } },
    select: { academicYear: true, seq: true, startDate: true, endDate: true },
    orderBy: { startDate: 'asc' },
  });
  for (const o of overlapping) {
    checks.push({ code: 'overlap', severity: overlapAllowed ? 'warning' : 'blocking', params: { number: agreementNumber(o), from: iso(o.startDate), to: iso(o.endDate) } });
  }
  if (a.companyTutorId) {
    const n = (await peak(db, a, Prisma.sql`ag."companyTutorId" = ${a.companyTutorId}`)) + 1;
    if (n > COMPANY_TUTOR_MAX) checks.push({ code: 'company_tutor_load', severity: 'warning', params: { count: n, max: COMPANY_TUTOR_MAX } });
  }
  if (a.academicTutorId) {
    const n = (await peak(db, a, Prisma.sql`ag."academicTutorId" = ${a.academicTutorId}`)) + 1;
    // The tutor is a teacher of the student's institution, whose own limit (if lower) applies.
    const own = await db.studentProfile.findUnique({ where: { id: a.studentId }, select: { institution: { select: { academicTutorLimit: true } } } });
    const max = Math.min(ACADEMIC_TUTOR_MAX, own?.institution.academicTutorLimit ?? ACADEMIC_TUTOR_MAX);
    if (n > max) checks.push({ code: 'academic_tutor_load', severity: 'warning', params: { count: n, max } });
  }
  const host = await db.organisation.findUnique({ where: { id: a.organisationId }, select: { headcount: true, siret: true } });
  if (host) {
    const sameHost = host.siret
      ? Prisma.sql`ag."organisationId" IN (SELECT id FROM "Organisation" WHERE id = ${a.organisationId} OR siret = ${host.siret})`
      : Prisma.sql`ag."organisationId" = ${a.organisationId}`;
    const n = (await peak(db, a, sameHost)) + 1;
    const max = hostQuota(host.headcount);
    if (n > max) checks.push({ code: 'host_quota', severity: 'warning', params: { count: n, max } });
  }
  return checks;
}
