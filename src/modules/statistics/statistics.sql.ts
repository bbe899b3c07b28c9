// The statistics' statements: every figure is an aggregate computed by PostgreSQL (GROUP BY, COUNT
// FILTER, percentile_cont), never rows read into the process. Each statement takes the agreements'
// condition (statistics.scope.ts agreementsSql) on the alias `a`.
import type { DbOrTx } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { PARIS, type CalendarDate } from '../../time/calendar.js';

/** The distributions of one year's agreements, one grouping set each. */
export const DIMENSIONS = ['states', 'types', 'countries', 'sectors', 'headcounts', 'studyYears', 'durations'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** Months of presence counted together from this many on (an internship in France is 6 months at most). */
export const MONTHS_CAP = 7;
/** The quartiles, as percentile_cont reads them. */
export type Quartiles = [number, number, number] | null;

/**
 * Counts by state, type, country, NAF division (the NAF code's first two digits: the tables group
 * the divisions into their sections), headcount band, study year and months of presence.
 */
export async function distributions(db: DbOrTx, where: Prisma.Sql, year: string) {
  return db.$queryRaw<{ dim: Dimension; key: string | null; n: number }[]>`
    SELECT CASE WHEN GROUPING(a.status) = 0 THEN 'states' WHEN GROUPING(a.type) = 0 THEN 'types'
                WHEN GROUPING(a."holidaysCountry") = 0 THEN 'countries' WHEN GROUPING(x.section) = 0 THEN 'sectors'
                WHEN GROUPING(o.headcount) = 0 THEN 'headcounts' WHEN GROUPING(a."studyYearId") = 0 THEN 'studyYears' ELSE 'durations' END AS dim,
           COALESCE(a.status::text, a.type::text, a."holidaysCountry", x.section, o.headcount::text, a."studyYearId"::text, x.months::text) AS key,
           count(*)::int AS n
    FROM "Agreement" a
    JOIN "Organisation" o ON o.id = a."organisationId"
    -- Not LEAST: it would make the drafts' unknown months the cap.
    CROSS JOIN LATERAL (SELECT left(o."nafCode", 2) AS section, CASE WHEN a."presenceMonths" >= ${MONTHS_CAP}::int THEN ${MONTHS_CAP}::int ELSE a."presenceMonths" END AS months) x
    WHERE ${where} AND a."academicYear" = ${year}
    GROUP BY GROUPING SETS ((a.status), (a.type), (a."holidaysCountry"), (x.section), (o.headcount), (a."studyYearId"), (x.months))`;
}

export interface YearFigures {
  year: string;
  total: number;
  validated: number;
  /** A stipend stated in the agreement (an amount above zero). */
  paid: number;
  /** The legal engine says a stipend is due (among `computed`, those submitted). */
  due: number;
  computed: number;
  withMonths: number;
  monthsMedian: number | null;
}

/** The years as a relation `y(year)`: each year's figures are read by its own plain aggregate (no sort of both years' rows). */
const yearsOf = (years: string[]) => Prisma.sql`unnest(${years}::text[]) AS y(year)`;

/** The headline figures of each year: counts, stipend shares, the median months of presence. */
export async function yearFigures(db: DbOrTx, where: Prisma.Sql, years: string[]) {
  return db.$queryRaw<YearFigures[]>`
    SELECT y.year, c.*
    FROM ${yearsOf(years)}
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS total,
        (count(*) FILTER (WHERE a.status = 'VALIDATED'))::int AS validated,
        (count(*) FILTER (WHERE a."payAmount" > 0))::int AS paid,
        (count(*) FILTER (WHERE a."stipendDue"))::int AS due,
        count(a."stipendDue")::int AS computed,
        count(a."presenceMonths")::int AS "withMonths",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY a."presenceMonths") AS "monthsMedian"
      FROM "Agreement" a WHERE ${where} AND a."academicYear" = y.year) c`;
}

export interface Delays {
  /** Days from the agreement's creation to its validation. */
  createdN: number;
  createdQ: Quartiles;
  /** Days from the sheet's sending (else its creation) to the agreement's validation. */
  sheetN: number;
  sheetQ: Quartiles;
}

/** The days to validation of one year's validated agreements, from their creation and from their sheet (one scan). */
export async function delays(db: DbOrTx, where: Prisma.Sql, year: string) {
  const rows = await db.$queryRaw<Delays[]>`
    SELECT count(*)::int AS "createdN",
      percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM a."validatedAt" - a."createdAt")::float8 / 86400) AS "createdQ",
      count(s.id)::int AS "sheetN",
      percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM a."validatedAt" - COALESCE(s."sentAt", s."createdAt"))::float8 / 86400) AS "sheetQ"
    FROM "Agreement" a LEFT JOIN "InternshipSheet" s ON s.id = a."sheetId"
    WHERE ${where} AND a."academicYear" = ${year} AND a."validatedAt" IS NOT NULL`;
  return rows[0];
}

/**
 * The stipend per hour of each agreement stating one: the amount per hour as stated; per day,
 * over the hours of a day of presence; per month, over a month of its weekly hours (× 12 / 52);
 * a lump sum over the hours of presence (the legal engine's figures stored at submission: a draft
 * has them not, and only its hourly amount counts).
 */
const HOURLY = Prisma.sql`CASE a."payUnit"
    WHEN 'HOUR' THEN a."payAmount"::float8
    WHEN 'DAY' THEN a."payAmount"::float8 * a."presenceDays" / NULLIF(a."presenceHours"::float8, 0)
    WHEN 'MONTH' THEN a."payAmount"::float8 * 12 * a."presenceDays" / NULLIF(52 * a."daysPerWeek"::float8 * a."presenceHours"::float8, 0)
    WHEN 'LUMP_SUM' THEN a."payAmount"::float8 / NULLIF(a."presenceHours"::float8, 0) END`;

/** The quartiles of one year's hourly stipend, per currency (amounts in different currencies are never mixed), the most frequent first. */
export async function hourlyStipends(db: DbOrTx, where: Prisma.Sql, year: string) {
  return db.$queryRaw<{ currency: string; n: number; q: Quartiles }[]>`
    SELECT a.currency, count(*)::int AS n, percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY x.hourly) AS q
    FROM "Agreement" a CROSS JOIN LATERAL (SELECT ${HOURLY} AS hourly) x
    WHERE ${where} AND a."academicYear" = ${year} AND a."payAmount" > 0 AND x.hourly IS NOT NULL
    GROUP BY a.currency
    ORDER BY count(*) DESC, a.currency`;
}

export interface OfferFigures {
  year: string;
  offers: number;
  applications: number;
  filled: number;
  /** Offers by applications received: none, one, 2–5, 6–10, more than 10. */
  b0: number;
  b1: number;
  b2: number;
  b6: number;
  b11: number;
}
export const APPLICATION_BUCKETS = ['b0', 'b1', 'b2', 'b6', 'b11'] as const;

/**
 * The offers published in each year (their diffusion began in it: the publication sets its first
 * day; drafts and offers awaiting moderation are not published), the applications they received,
 * and those filled: marked "pourvue" or with an accepted application.
 */
export async function offerFigures(db: DbOrTx, scope: Prisma.Sql, years: { label: string; gte: Date; lt: Date }[]) {
  const periods = Prisma.join(years.map((y) => Prisma.sql`(${y.label}::text, ${y.gte.toISOString()}::timestamp, ${y.lt.toISOString()}::timestamp)`));
  return db.$queryRaw<OfferFigures[]>`
    SELECT y.label AS year, count(*)::int AS offers, COALESCE(sum(x.n), 0)::int AS applications,
      (count(*) FILTER (WHERE o.status = 'FILLED' OR x.accepted))::int AS filled,
      (count(*) FILTER (WHERE x.n = 0))::int AS b0, (count(*) FILTER (WHERE x.n = 1))::int AS b1,
      (count(*) FILTER (WHERE x.n BETWEEN 2 AND 5))::int AS b2, (count(*) FILTER (WHERE x.n BETWEEN 6 AND 10))::int AS b6,
      (count(*) FILTER (WHERE x.n > 10))::int AS b11
    FROM (VALUES ${periods}) y(label, gte, lt)
    JOIN "Offer" o ON o."publishFrom" >= y.gte AND o."publishFrom" < y.lt
    CROSS JOIN LATERAL (SELECT count(*)::int AS n, COALESCE(bool_or(p.status = 'ACCEPTED'), false) AS accepted FROM "Application" p WHERE p."offerId" = o.id) x
    WHERE o.status NOT IN ('DRAFT', 'PENDING_COMPANY', 'PENDING_SCHOOL') AND ${scope}
    GROUP BY y.label`;
}

/**
 * The quality label per year, over the validated agreements: those following it (the rule of
 * label.enrolment.ts: the student's and the host's yes, the manager's yes or the programme's
 * default, a socio-economic host), those awarded it (not withdrawn), refused, withdrawn. Only the
 * agreements with an answer or a decision are joined to their host and programme.
 */
export async function labelFigures(db: DbOrTx, where: Prisma.Sql, years: string[]) {
  return db.$queryRaw<{ year: string; following: number; awarded: number; refused: number; withdrawn: number }[]>`
    SELECT a."academicYear" AS year,
      (count(*) FILTER (WHERE x."studentAnswer" = 'YES' AND x."companyAnswer" = 'YES' AND o."structureType" <> 'PUBLIC_LAB'
                         AND COALESCE(x."managerAnswer"::text, CASE WHEN p."labelDefault" THEN 'YES' END) = 'YES'))::int AS following,
      (count(*) FILTER (WHERE x.decision = 'AWARDED' AND x."withdrawnAt" IS NULL))::int AS awarded,
      (count(*) FILTER (WHERE x.decision = 'REFUSED'))::int AS refused,
      (count(*) FILTER (WHERE x.decision = 'AWARDED' AND x."withdrawnAt" IS NOT NULL))::int AS withdrawn
    FROM "Agreement" a
    JOIN (SELECT COALESCE(e."agreementId", w."agreementId") AS id, e."studentAnswer", e."companyAnswer", e."managerAnswer", w.decision, w."withdrawnAt"
          FROM "LabelEnrolment" e FULL JOIN "LabelAward" w ON w."agreementId" = e."agreementId") x ON x.id = a.id
    JOIN "Organisation" o ON o.id = a."organisationId"
    LEFT JOIN "Programme" p ON p.id = a."programmeId"
    WHERE ${where} AND a."academicYear" = ANY(${years}::text[]) AND a.status = 'VALIDATED'
    GROUP BY a."academicYear"`;
}

/** The Paris day of a stored instant (timestamps are stored in UTC). */
const day = (col: Prisma.Sql) => Prisma.sql`((${col} AT TIME ZONE 'UTC') AT TIME ZONE ${PARIS})::date`;

/**
 * The internships late on `today` at each mandatory step of the label's step table (label.steps.ts:
 * each step's due day and the steps before it, restated here as SQL), over the validated ones. The
 * sheet's two steps come before the agreement exists (an agreement is made from a validated sheet):
 * for a validated one they are done. Nothing is late before the internship begins. Three statements,
 * to run side by side: the agreement's validation and the mid-term report's steps (the report's due
 * day counts from its opening day once opened, else from the middle of the internship); then the
 * steps that open from ten days before the end; then the defence and the student's evaluation.
 */
const VALIDATED = Prisma.sql`a.status = 'VALIDATED' AND a."validatedAt" IS NOT NULL`;

export async function lateDuring(db: DbOrTx, where: Prisma.Sql, year: string, today: CalendarDate) {
  const d = Prisma.sql`${today.toString()}::date`;
  const v = VALIDATED;
  const rows = await db.$queryRaw<Record<string, number>[]>`
    SELECT
      (count(*) FILTER (WHERE a.status <> 'VALIDATED'))::int AS "agreementValidated",
      (count(*) FILTER (WHERE ${v} AND m."submittedAt" IS NULL AND COALESCE(m."opensOn", a."startDate" + (a."endDate" - a."startDate") / 2) + 14 < ${d}))::int AS "midtermSent",
      (count(*) FILTER (WHERE ${v} AND m."submittedAt" IS NOT NULL AND m."companyAckAt" IS NULL AND ${day(Prisma.sql`m."submittedAt"`)} + 7 < ${d}))::int AS "midtermCompanyAck",
      (count(*) FILTER (WHERE ${v} AND m."submittedAt" IS NOT NULL AND m."academicAckAt" IS NULL AND ${day(Prisma.sql`m."submittedAt"`)} + 7 < ${d}))::int AS "midtermAcademicAck"
    FROM "Agreement" a LEFT JOIN "MidtermReport" m ON m."agreementId" = a.id
    WHERE ${where} AND a."academicYear" = ${year} AND a."startDate" <= ${d}`;
  return rows[0] ?? {};
}

/** The second statement of the steps late (see lateDuring): the company's evaluation, its consultation, the feedback. */
export async function lateEnd(db: DbOrTx, where: Prisma.Sql, year: string, today: CalendarDate) {
  const d = Prisma.sql`${today.toString()}::date`;
  const rows = await db.$queryRaw<Record<string, number>[]>`
    SELECT
      (count(*) FILTER (WHERE ec."agreementId" IS NULL AND a."endDate" < ${d}))::int AS "companyEvaluation",
      (count(*) FILTER (WHERE ec."agreementId" IS NOT NULL AND ec."consultedAt" IS NULL AND ${day(Prisma.sql`ec."submittedAt"`)} + 7 < ${d}))::int AS "evaluationConsulted",
      (count(*) FILTER (WHERE f."agreementId" IS NULL AND a."endDate" < ${d}))::int AS "feedback"
    FROM "Agreement" a
    LEFT JOIN "Evaluation" ec ON ec."agreementId" = a.id AND ec.kind = 'COMPANY'
    LEFT JOIN "ExperienceFeedback" f ON f."agreementId" = a.id
    WHERE ${where} AND a."academicYear" = ${year} AND ${VALIDATED} AND a."endDate" - 10 <= ${d}`;
  return rows[0] ?? {};
}

/**
 * The third statement of the steps late (see lateDuring): the defence (once the evaluation is
 * consulted and the feedback written: looked up only for the internships without a grade past its
 * due day) and the student's evaluation.
 */
export async function lateClosing(db: DbOrTx, where: Prisma.Sql, year: string, today: CalendarDate) {
  const d = Prisma.sql`${today.toString()}::date`;
  const rows = await db.$queryRaw<Record<string, number>[]>`
    SELECT
      (count(*) FILTER (WHERE g."agreementId" IS NULL AND a."endDate" + 60 < ${d}
        AND EXISTS (SELECT 1 FROM "Evaluation" ec WHERE ec."agreementId" = a.id AND ec.kind = 'COMPANY' AND ec."consultedAt" IS NOT NULL)
        AND EXISTS (SELECT 1 FROM "ExperienceFeedback" f WHERE f."agreementId" = a.id)))::int AS "defence",
      (count(*) FILTER (WHERE g."agreementId" IS NOT NULL AND es."agreementId" IS NULL AND ${day(Prisma.sql`g."recordedAt"`)} + 14 < ${d}))::int AS "studentEvaluation"
    FROM "Agreement" a
    LEFT JOIN "InternshipGrade" g ON g."agreementId" = a.id
    LEFT JOIN "Evaluation" es ON es."agreementId" = a.id AND es.kind = 'STUDENT'
    WHERE ${where} AND a."academicYear" = ${year} AND ${VALIDATED} AND a."endDate" - 10 <= ${d}`;
  return rows[0] ?? {};
}
