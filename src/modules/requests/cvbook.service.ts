// The CV book ("meilleurs profils"): the OPEN requests of active students who opted into the CV
// book, searched by companies with facets. Every facet's counts come from one GROUP BY query with
// all the OTHER filters applied (so a value's count is what the list would hold if it were ticked
// in place of the facet's current choice); the list and its total apply every filter.
import type { Actor } from '../../authz/actor.js';
import { preparedRows, type Db } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { notFound } from '../../errors.js';
import { PAGE_SIZE, pager, type Pager } from '../../http/pagination.js';
import { LEVELS, type Level } from './requests.schemas.js';
import { CVBOOK_FROM, CVBOOK_PEOPLE, CVBOOK_WHERE, placeTokenOf, REQUEST_PLACES, requestPlaceTokens } from './sql.js';
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
export function conditions(f: CvBookFilters, today: CalendarDate): Record<Facet, Prisma.Sql | null> {
  return {
    domain: f.domain.length ? Prisma.sql`r.domain = ANY(${f.domain}::text[])` : null,
    sector: f.sector.length ? Prisma.sql`r.sector = ANY(${f.sector}::text[])` : null,
    level: f.level.length ? Prisma.sql`r.level::text = ANY(${f.level}::text[])` : null,
    duration: f.duration.length ? Prisma.sql`r."durationMonths" = ANY(${f.duration}::int[])` : null,
    place: f.place.length ? Prisma.sql`${REQUEST_PLACES} && ${f.place}::text[]` : null,
    programme: f.programme.length ? Prisma.sql`r."programmeId" = ANY(${f.programme}::int[])` : null,
    availability: f.availability ? availableBy(availabilityDate(f.availability, today)) : null,
  };
}

/** The flag column of a facet's condition in the CV book's `base` rows. */
const flagOf = (k: Facet) => Prisma.raw(`"f_${k}"`);

/** Every filtered facet's flag but `except`'s, ANDed (TRUE when none). */
export function flagsExcept(conds: Record<Facet, Prisma.Sql | null>, except: Facet | null): Prisma.Sql {
  const parts = FACETS.filter((k) => k !== except && conds[k]).map((k) => Prisma.sql`r.${flagOf(k)}`);
  return parts.length ? Prisma.join(parts, ' AND ') : Prisma.sql`TRUE`;
}

type CountRow = { value: string; label: string | null; n: number };
/** A row of the list as JSON: the day "availableFrom" is a "YYYY-MM-DD" text. */
type ItemJson = {
  id: number;
  title: string;
  level: Level | null;
  durationMonths: number | null;
  domain: string | null;
  sector: string | null;
  place: string | null;
  availableFrom: string | null;
  firstName: string;
  lastName: string;
  programme: string | null;
};

export class CvBookService extends Service {

  /**
   * One page of matching requests and every facet's counts, in ONE statement (a round trip, not
   * nine). The visible requests are read once into `base` (one table, see CVBOOK_FROM), each with a
   * flag per filtered facet, keeping only the rows some count needs (those failing at most one
   * filter); the total, the page and each facet's GROUP BY then read `base`. "today" is the Paris
   * day of `act.now`.
   */
  async search(act: Act, f: CvBookFilters, page: number) {
    const today = todayIn(act.now);
    const conds = conditions(f, today);
    const filtered = FACETS.filter((k) => conds[k]);
    const flags = filtered.map((k) => Prisma.sql`, coalesce(${conds[k]}, false) AS ${flagOf(k)}`);
    const failed = filtered.map((k) => Prisma.sql`(NOT coalesce(${conds[k]}, false))::int`);
    const all = flagsExcept(conds, null);
    const grouped = (facet: Facet, value: Prisma.Sql, extra: Prisma.Sql = Prisma.empty, labelExpr: Prisma.Sql = Prisma.sql`NULL::text`) => Prisma.sql`
      (SELECT COALESCE(json_agg(json_build_object('value', g.value, 'label', g.label, 'n', g.n) ORDER BY g.n DESC, g.value), '[]'::json)
       FROM (SELECT ${value} AS value, ${labelExpr} AS label, COUNT(*)::int AS n
             FROM base r ${extra}
             WHERE ${flagsExcept(conds, facet)} AND ${value} IS NOT NULL
             GROUP BY 1, 2 ORDER BY n DESC, 1 LIMIT 100) g)`;
    const dates = AVAILABILITY.map((a) => availabilityDate(a, today));
    const itemsOf = (p: Pager) => Prisma.sql`
      (SELECT COALESCE(json_agg(json_build_object(
                'id', i.id, 'title', i.title, 'level', i.level, 'durationMonths', i."durationMonths", 'domain', i.domain, 'sector', i.sector,
                'place', i.place, 'availableFrom', i."availableFrom", 'firstName', i."firstName", 'lastName', i."lastName", 'programme', i.programme)
              ORDER BY i.ord), '[]'::json)
       FROM (SELECT r.id, r.title, r.level::text AS level, r."durationMonths", r.domain, r.sector, r.place, r."availableFrom",
                    u."firstName", u."lastName", p.name AS programme, t.ord
             FROM (SELECT r.id, row_number() OVER (ORDER BY r."updatedAt" DESC, r.id DESC) AS ord
                   FROM base r WHERE ${all}
                   ORDER BY r."updatedAt" DESC, r.id DESC LIMIT ${p.size} OFFSET ${p.skip}) t
             JOIN "InternshipRequest" r ON r.id = t.id ${CVBOOK_PEOPLE} LEFT JOIN "Programme" p ON p.id = r."programmeId") i)`;
    const base = Prisma.sql`base AS MATERIALIZED (
        SELECT r.id, r."updatedAt", r.domain, r.sector, r.level, r."durationMonths", r."placeTokens", r."programmeId", r."availableFrom" ${flags.length ? Prisma.join(flags, ' ') : Prisma.empty}
        FROM ${CVBOOK_FROM}
        WHERE ${CVBOOK_WHERE} ${failed.length > 1 ? Prisma.sql`AND ${Prisma.join(failed, ' + ')} <= 1` : Prisma.empty})`;
    // The page asked for; past the last page, the last page is read again (see pager()).
    const asked = pager(page, page * PAGE_SIZE);
    // A named prepared statement, planned once per connection for each shape of filters: its
    // generic plan costs little at 50,000 requests (bench: p95 23 → 26 ms, with a place 29 → 37 ms),
    // while planning its facets at each run would cost the page a third of its throughput.
    const [row] = await preparedRows<
      { total: number; items: ItemJson[]; domain: CountRow[]; sector: CountRow[]; level: CountRow[]; duration: CountRow[]; place: CountRow[]; programme: CountRow[]; availability: Record<Availability, number> | null }
    >(this.db, Prisma.sql`
      WITH ${base}
      SELECT
        (SELECT COUNT(*)::int FROM base r WHERE ${all}) AS total,
        ${itemsOf(asked)} AS items,
        ${grouped('domain', Prisma.sql`r.domain`)} AS domain,
        ${grouped('sector', Prisma.sql`r.sector`)} AS sector,
        ${grouped('level', Prisma.sql`r.level::text`)} AS level,
        ${grouped('duration', Prisma.sql`r."durationMonths"::text`)} AS duration,
        ${grouped('place', Prisma.sql`pl.token`, Prisma.sql`CROSS JOIN LATERAL ${requestPlaceTokens} pl`)} AS place,
        ${grouped('programme', Prisma.sql`p.id::text`, Prisma.sql`JOIN "Programme" p ON p.id = r."programmeId"`, Prisma.sql`p.name`)} AS programme,
        (SELECT json_build_object(${Prisma.join(
          AVAILABILITY.map((a, i) => Prisma.sql`${a}::text, COUNT(*) FILTER (WHERE ${availableBy(dates[i])})::int`),
          ', ',
        )})
         FROM base r WHERE ${flagsExcept(conds, 'availability')}) AS availability`);
    const total = row.total;
    const pg = pager(page, total);
    let itemRows = row.items;
    if (pg.skip !== asked.skip) {
      const [again] = await this.db.$queryRaw<{ items: ItemJson[] }[]>`WITH ${base} SELECT ${itemsOf(pg)} AS items`;
      itemRows = again.items;
    }
    const items = itemRows.map((i) => ({ ...i, availableFrom: i.availableFrom === null ? null : new Date(`${i.availableFrom}T00:00:00Z`) }));
    const { domain, sector, level, duration, place, programme } = row;
    const availability = [row.availability ?? {}] as Partial<Record<Availability, number>>[];

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
        availability: AVAILABILITY.map((a) => ({ value: a, label: null, count: availability[0]?.[a] ?? 0, selected: f.availability === a })),
      },
    };
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
