// The CV book ("meilleurs profils"): the OPEN requests of active students who opted into the CV
// book, searched by companies with facets. Every facet's counts come from one GROUP BY with
// all the OTHER filters applied (so a value's count is what the list would hold if it were ticked
// in place of the facet's current choice); the list and its total apply every filter.
import type { Actor } from '../../authz/actor.js';
import type { Db } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { notFound } from '../../errors.js';
import { pager, type Pager } from '../../http/pagination.js';
import { LEVELS, type Level } from './requests.schemas.js';
import { CVBOOK_FROM, CVBOOK_WHERE, placeTokenOf, REQUEST_PLACES } from './sql.js';
import { Service, type Act } from '../../act.js';
import { todayIn, type CalendarDate } from '../../time/calendar.js';

export const FACETS = ['domain', 'sector', 'level', 'duration', 'place', 'availability', 'programme'] as const;
export type Facet = (typeof FACETS)[number];
export const AVAILABILITY = ['now', '1m', '3m', '6m'] as const;
export type Availability = (typeof AVAILABILITY)[number];

export interface CvBookFilters {
  domain: string[];
  sector: string[];
  level: Level[];
  duration: number[];
  place: string[];
  programme: number[];
  availability: Availability | null;
}

export interface FacetValue {
  value: string;
  label: string | null; // null: the view translates the value
  count: number;
  selected: boolean;
}

const MAX_VALUES = 20;

function list(v: unknown): string[] {
  const arr = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return [...new Set(arr.filter((x): x is string => typeof x === 'string').map((s) => s.trim()).filter((s) => s && s.length <= 100 && !s.includes('\u0000')))].slice(0, MAX_VALUES);
}

/** The filters of a query string; unknown or malformed values are dropped, never an error. */
export function parseFilters(q: Record<string, unknown>): CvBookFilters {
  const ints = (v: unknown, max: number) => list(v).filter((s) => /^\d{1,9}$/.test(s)).map(Number).filter((n) => n >= 1 && n <= max);
  const availability = list(q.availability)[0];
  return {
    domain: list(q.domain),
    sector: list(q.sector),
    level: list(q.level).filter((s): s is Level => (LEVELS as readonly string[]).includes(s)),
    duration: ints(q.duration, 24),
    place: list(q.place).map((s) => placeTokenOf(s)!).filter(Boolean),
    programme: ints(q.programme, 999_999_999),
    availability: (AVAILABILITY as readonly string[]).includes(availability ?? '') ? (availability as Availability) : null,
  };
}

/** The query string of a set of filters (pagination links keep them). */
export function filtersQuery(f: CvBookFilters): string {
  const p = new URLSearchParams();
  for (const v of f.domain) p.append('domain', v);
  for (const v of f.sector) p.append('sector', v);
  for (const v of f.level) p.append('level', v);
  for (const v of f.duration) p.append('duration', String(v));
  for (const v of f.place) p.append('place', v);
  for (const v of f.programme) p.append('programme', String(v));
  if (f.availability) p.append('availability', f.availability);
  return p.toString();
}

const AVAILABILITY_MONTHS: Record<Availability, number> = { now: 0, '1m': 1, '3m': 3, '6m': 6 };

/** The last day a request may become available for each availability choice, from `today` (a Paris day). */
export function availabilityDate(a: Availability, today: CalendarDate): CalendarDate {
  return today.addMonths(AVAILABILITY_MONTHS[a]);
}

const availableBy = (d: CalendarDate) => Prisma.sql`(r."availableFrom" IS NULL OR r."availableFrom" <= ${d.toString()}::date)`;

/** Each facet's condition (null when the facet is not filtered). */
function conditions(f: CvBookFilters, today: CalendarDate): Record<Facet, Prisma.Sql | null> {
  return {
    domain: f.domain.length ? Prisma.sql`r.domain = ANY(${f.domain}::text[])` : null,
    sector: f.sector.length ? Prisma.sql`r.sector = ANY(${f.sector}::text[])` : null,
    level: f.level.length ? Prisma.sql`r.level::text = ANY(${f.level}::text[])` : null,
    duration: f.duration.length ? Prisma.sql`r."durationMonths" = ANY(${f.duration}::int[])` : null,
    place: f.place.length ? Prisma.sql`${REQUEST_PLACES} && ${f.place}::text[]` : null,
    programme: f.programme.length ? Prisma.sql`s."programmeId" = ANY(${f.programme}::int[])` : null,
    availability: f.availability ? availableBy(availabilityDate(f.availability, today)) : null,
  };
}

/** Every facet's condition but `except`'s, on the CV book's rows (flags of the `cv` set below). */
function flagsExcept(conds: Record<Facet, Prisma.Sql | null>, except: Facet | null): Prisma.Sql {
  const flags = FACETS.filter((k) => k !== except && conds[k]).map((k) => Prisma.raw(`cv."f_${k}"`));
  return flags.length ? Prisma.join(flags, ' AND ') : Prisma.sql`TRUE`;
}

type CountRow = { facet: Facet | 'total'; value: string; label: string | null; n: number };

export class CvBookService extends Service {

  /**
   * One page of matching requests and every facet's counts. The CV book's rows are read once (with
   * one flag per filtered facet) and every count is taken from that set in the same query, run
   * beside the page's query.
   */
  async search(act: Act, f: CvBookFilters, page: number) {
    const today = todayIn(act.now);
    const conds = conditions(f, today);
    const all = Prisma.join([CVBOOK_WHERE as Prisma.Sql, ...FACETS.map((k) => conds[k]).filter((c): c is Prisma.Sql => !!c)], ' AND ');
    const flagColumns = FACETS.filter((k) => conds[k]).map((k) => Prisma.sql`, ${conds[k]!} AS ${Prisma.raw(`"f_${k}"`)}`);
    const grouped = (facet: Facet, value: Prisma.Sql, extra: Prisma.Sql = Prisma.empty, labelExpr: Prisma.Sql = Prisma.sql`NULL`) => Prisma.sql`
      SELECT ${facet}::text AS facet, ${value} AS value, ${labelExpr}::text AS label, COUNT(DISTINCT cv.id)::int AS n
      FROM cv ${extra} WHERE ${flagsExcept(conds, facet)} AND ${value} IS NOT NULL GROUP BY 2, 3`;
    const countsQuery = this.db.$queryRaw<CountRow[]>`
      WITH cv AS MATERIALIZED (
        SELECT r.id, r.domain, r.sector, r.level::text AS level, r."durationMonths"::text AS duration, r."availableFrom", ${REQUEST_PLACES} AS places,
               s."programmeId" ${flagColumns.length ? Prisma.join(flagColumns, '') : Prisma.empty}
        FROM ${CVBOOK_FROM} WHERE ${CVBOOK_WHERE}
      )
      SELECT facet, value, label, n FROM (
        SELECT u.*, row_number() OVER (PARTITION BY u.facet ORDER BY u.n DESC, u.value) AS k
        FROM (
          ${grouped('domain', Prisma.sql`cv.domain`)}
          UNION ALL ${grouped('sector', Prisma.sql`cv.sector`)}
          UNION ALL ${grouped('level', Prisma.sql`cv.level`)}
          UNION ALL ${grouped('duration', Prisma.sql`cv.duration`)}
          UNION ALL ${grouped('place', Prisma.sql`pl.token`, Prisma.sql`CROSS JOIN LATERAL unnest(cv.places) AS pl(token)`)}
          UNION ALL ${grouped('programme', Prisma.sql`p.id::text`, Prisma.sql`JOIN "Programme" p ON p.id = cv."programmeId"`, Prisma.sql`p.name`)}
          UNION ALL SELECT 'total', '', NULL, COUNT(*)::int FROM cv WHERE ${flagsExcept(conds, null)}
          UNION ALL SELECT 'availability', v.a, NULL, COUNT(cv.id)::int
            FROM (VALUES ${Prisma.join(AVAILABILITY.map((a) => Prisma.sql`(${a}, ${availabilityDate(a, today).toString()}::date)`))}) v(a, d)
            LEFT JOIN cv ON ${flagsExcept(conds, 'availability')} AND (cv."availableFrom" IS NULL OR cv."availableFrom" <= v.d)
            GROUP BY v.a
        ) u
      ) z
      WHERE k <= 100
      ORDER BY facet, k`;
    const [counts, firstPage] = await Promise.all([countsQuery, page === 1 ? this.page(all, pager(1, 1)) : null]);
    const of = (facet: CountRow['facet']) => counts.filter((c) => c.facet === facet);
    const availability = Object.fromEntries(of('availability').map((c) => [c.value, c.n]));
    const [domain, sector, level, duration, place, programme] = (['domain', 'sector', 'level', 'duration', 'place', 'programme'] as const).map(of);
    const total = of('total')[0]?.n ?? 0;
    const pg = pager(page, total);
    // The first page is read beside the counts; another page once the total is known (a page past the end shows the last).
    const items = firstPage ?? (await this.page(all, pg));
    const facet = (rows: CountRow[], selected: string[]): FacetValue[] => {
      const out = rows.map((r) => ({ value: r.value, label: r.label, count: r.n, selected: selected.includes(r.value) }));
      // A ticked value with no match left stays listed (with 0) so it can be unticked.
      for (const v of selected) if (!out.some((o) => o.value === v)) out.push({ value: v, label: null, count: 0, selected: true });
      return out;
    };
    const levelOrder = (v: string) => LEVELS.indexOf(v as Level);
    return {
      items,
      pager: pg,
      facets: {
        domain: facet(domain, f.domain),
        sector: facet(sector, f.sector),
        level: facet(level, f.level).sort((a, b) => levelOrder(a.value) - levelOrder(b.value)),
        duration: facet(duration, f.duration.map(String)).sort((a, b) => Number(a.value) - Number(b.value)),
        place: facet(place, f.place),
        programme: facet(programme, f.programme.map(String)),
        availability: AVAILABILITY.map((a) => ({ value: a, label: null, count: availability[a] ?? 0, selected: f.availability === a })),
      },
    };
  }

  /** One page of the requests matching `where`, newest first. */
  private page(where: Prisma.Sql, pg: Pager) {
    return this.db.$queryRaw<
      {
        id: number;
        title: string;
        level: Level | null;
        durationMonths: number | null;
        domain: string | null;
        sector: string | null;
        place: string | null;
        availableFrom: Date | null;
        firstName: string;
        lastName: string;
        programme: string | null;
      }[]
    >`
      SELECT r.id, r.title, r.level::text AS level, r."durationMonths", r.domain, r.sector, r.place, r."availableFrom",
             u."firstName", u."lastName", p.name AS programme
      FROM ${CVBOOK_FROM} LEFT JOIN "Programme" p ON p.id = s."programmeId"
      WHERE ${where}
      ORDER BY r."updatedAt" DESC, r.id DESC
      LIMIT ${pg.size} OFFSET ${pg.skip}`;
  }

  /**
   * A request's profile page: the request, the student's other open requests, skills, languages,
   * programme and whether a CV can be downloaded. Out of the CV book (or closed) = 404.
   */
  async profile(_actor: Actor, requestId: number) {
    const request = await this.db.internshipRequest.findFirst({
      where: { id: requestId, status: 'OPEN', student: { inCvBook: true, user: { active: true } } },
      include: {
        student: {
          select: {
            id: true,
            skills: true,
            languages: true,
            cvFileId: true,
            cvFile: { select: { originalName: true, extension: true, size: true } },
            programme: { select: { name: true } },
            studyYear: { select: { name: true } },
            institution: { select: { name: true } },
            user: { select: { firstName: true, lastName: true, email: true } },
          },
        },
      },
    });
    if (!request) throw notFound();
    const others = await this.db.internshipRequest.findMany({
      where: { studentId: request.studentId, status: 'OPEN', id: { not: request.id } },
      orderBy: { createdAt: 'desc' },
    });
    return { request, student: request.student, others };
  }

  /** The CV of a student in the CV book, reached through one of their open requests. */
  async cv(actor: Actor, requestId: number) {
    const { student } = await this.profile(actor, requestId);
    if (!student.cvFileId) throw notFound();
    const file = await this.db.storedFile.findUnique({ where: { id: student.cvFileId }, select: { data: true, mimeType: true, extension: true, originalName: true, sha256: true } });
    if (!file) throw notFound();
    return file;
  }
}
