// The two offer lists, the student's (visible offers) and the staff search (offers within reach),
// as SQL: the keywords are a French full-text query over the "searchVector" column (accents
// folded by stages_fold(), GIN index, offer_fulltext migration) whose rank orders the list, and
// a rank cannot be expressed through Prisma's where/orderBy. Each criterion is one SQL condition
// on the offer `o`; the page's rows are then read through Prisma in the order found here.
import { preparedRows, type Db } from '../../db/client.js';
import { Prisma, type OfferKind, type OfferStatus } from '../../generated/prisma/client.js';
import type { SortDir, SortSpec } from '../../http/pages.js';
import { PAGE_SIZE, pager, type Pager } from '../../http/pagination.js';
import { normalizeName } from '../organisations/identifiers.js';
import { CalendarDate, startOf } from '../../time/calendar.js';
import type { BrowseInput, StaffSearchInput } from './offers.schemas.js';

// Letters Unicode does not decompose into a base letter and an accent.
const UNDECOMPOSED: Record<string, string> = { đ: 'd', Đ: 'D', ħ: 'h', Ħ: 'H', ı: 'i', ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', ŧ: 't', Ŧ: 'T' };

/** Lower case, accents removed: the JavaScript twin of the SQL function stages_fold(). */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐħĦıłŁøØŧŦ]/g, (c) => UNDECOMPOSED[c])
    .toLowerCase();
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
/** `column` contains `typed`, accents and case ignored (folding the column on every row: small tables only). */
const foldedContains = (column: Prisma.Sql, typed: string) => Prisma.sql`stages_fold(${column}) LIKE ${'%' + likeEscape(foldText(typed)) + '%'}`;
/** A folded key column (stages_fold() of a field, STORED, see the offer_fulltext migration) contains `typed`. */
const keyContains = (key: 'cityKey', typed: string) => Prisma.sql`o.${Prisma.raw(`"${key}"`)} LIKE ${'%' + likeEscape(foldText(typed)) + '%'}`;

/**
 * "Domain contains `typed`": the offer's domain is one of the few distinct folded domains that
 * contain it (a loose scan of Offer_domainKey_idx: one probe per domain), the same offers as
 * `"domainKey" LIKE '%typed%'` but as an equality that the index Offer_match_idx (search_speed_2
 * migration) serves: the list then reads that domain's offers from the index instead of every
 * published offer.
 */
const domainContains = (typed: string) => Prisma.sql`o."domainKey" = ANY(ARRAY(
  WITH RECURSIVE k AS (SELECT min("domainKey") AS k FROM "Offer"
                       UNION ALL SELECT (SELECT min("domainKey") FROM "Offer" WHERE "domainKey" > k.k) FROM k WHERE k.k IS NOT NULL)
  SELECT k FROM k WHERE k LIKE ${'%' + likeEscape(foldText(typed)) + '%'}))`;

/**
 * Typed words as a tsquery (its text, to pass as a constant so that the GIN index serves): every
 * word must be found, as a word start ("dévelop" finds "développeur") in its French stem or as
 * written (the vector holds both, see stages_search_doc()), accents ignored; `weight` "A" looks in
 * the title only. French stop words ("le", "de") are dropped. Only letters and digits reach
 * to_tsquery, so nothing typed can break its syntax. Null when no word is left.
 */
export async function keywordQuery(db: Db, q: string | undefined, weight: '' | 'A' = ''): Promise<string | null> {
  return (await keywordQueries(db, q, weight))?.rank ?? null;
}

/**
 * keywordQuery's tsquery (\`rank\`) and a shorter one finding the same offers (\`match\`, for the
 * condition, so that the GIN index scans fewer entries): a word whose written form starts with its
 * stem ("donnees", stem "donne") is found by the stem's prefix alone, and a word that is its own
 * stem ("web") needs one term, not two. The rank keeps the full query (its terms count in it).
 */
async function keywordQueries(db: Db, q: string | undefined, weight: '' | 'A' = ''): Promise<{ rank: string; match: string } | null> {
  const words = (q ?? '').split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 8);
  if (!words.length) return null;
  const terms = words.map((w) => `${foldText(w)}:*${weight}`);
  const [{ rank, match }] = await db.$queryRaw<{ rank: string; match: string }[]>`
    SELECT coalesce(string_agg('(' || f::text || ' | ' || s::text || ')', ' & ' ORDER BY n), '') AS rank,
           coalesce(string_agg(CASE WHEN numnode(f) = 1 AND numnode(s) = 1 AND starts_with(split_part(s::text, '''', 2), split_part(f::text, '''', 2))
                                    THEN '(' || f::text || ')' ELSE '(' || f::text || ' | ' || s::text || ')' END, ' & ' ORDER BY n), '') AS match
    FROM (SELECT to_tsquery('french'::regconfig, w) AS f, to_tsquery('simple'::regconfig, w) AS s, n
          FROM unnest(${terms}::text[]) WITH ORDINALITY AS t(w, n)) x
    WHERE numnode(f) > 0`;
  return rank ? { rank, match } : null;
}

/** The typed keywords (anywhere) and title words, as tsquery texts. */
type Keywords = { any: string | null; anyMatch: string | null; title: string | null };
async function keywords(db: Db, input: BrowseInput): Promise<Keywords> {
  const [any, title] = await Promise.all([keywordQueries(db, input.q), keywordQueries(db, input.title, 'A')]);
  return { any: any?.rank ?? null, anyMatch: any?.match ?? null, title: title?.match ?? null };
}

/** The statuses behind the staff search's "diffusées / terminées / historisées" boxes (seed §5.1). */
export const STATUS_GROUPS: Record<'diffused' | 'ended' | 'archived', OfferStatus[]> = {
  diffused: ['PUBLISHED'],
  ended: ['DRAFT', 'PENDING_COMPANY', 'PENDING_SCHOOL', 'EXPIRED', 'FILLED', 'CANCELLED'],
  archived: ['ARCHIVED'],
};

const orgHas = (cond: Prisma.Sql) => Prisma.sql`EXISTS (SELECT 1 FROM "Organisation" g WHERE g.id = o."organisationId" AND ${cond})`;

/** The conditions of the filters both lists share (the student's list form). */
function sharedConditions(input: BrowseInput, kw: Keywords): Prisma.Sql[] {
  const and: Prisma.Sql[] = [];
  if (kw.anyMatch) and.push(Prisma.sql`o."searchVector" @@ ${kw.anyMatch}::tsquery`);
  // The words of the title (weight A of the vector), as the keywords: stemmed, word starts.
  if (kw.title) and.push(Prisma.sql`o."searchVector" @@ ${kw.title}::tsquery`);
  if (input.organisation) {
    const n = normalizeName(input.organisation);
    if (n) and.push(Prisma.sql`o."showCompany"`, orgHas(Prisma.sql`g."normalizedName" LIKE ${'%' + likeEscape(n) + '%'}`));
  }
  if (input.kind) and.push(Prisma.sql`o.kind = ${input.kind}::"OfferKind"`);
  if (input.domain) and.push(domainContains(input.domain));
  if (input.country) and.push(Prisma.sql`o.country = ${input.country}`);
  if (input.educationLevel) and.push(Prisma.sql`o."educationLevel" = ${input.educationLevel}::"EducationLevel"`);
  if (input.paid) and.push(Prisma.sql`o.paid = ${input.paid === 'yes'}`);
  if (input.place) {
    // Postal codes or their first digits ("54;55;57", "2A"), or city names.
    const parts = input.place.split(';').map((s) => s.trim()).filter(Boolean).slice(0, 20);
    const ors = parts.map((p) => (/^\d[\dAB]*$/i.test(p) ? Prisma.sql`o."postalCode" LIKE ${likeEscape(p.toUpperCase()) + '%'}` : keyContains('cityKey', p)));
    if (ors.length) and.push(Prisma.sql`(${Prisma.join(ors, ' OR ')})`);
  }
  return and;
}

/** The staff search's conditions: the shared filters and the simple and advanced search's own. */
function staffConditions(input: StaffSearchInput, kw: Keywords): Prisma.Sql[] {
  const and = sharedConditions(input, kw);
  if (input.number) and.push(Prisma.sql`o.id = ${input.number}`);
  if (input.city) and.push(keyContains('cityKey', input.city));
  if (input.fromCompany) and.push(Prisma.sql`o."fromCompany" = ${input.fromCompany === 'yes'}`);
  if (input.status) and.push(Prisma.sql`o.status = ${input.status}::"OfferStatus"`);
  const groups = (['diffused', 'ended', 'archived'] as const).filter((g) => input[g]);
  if (groups.length) and.push(Prisma.sql`o.status::text IN (${Prisma.join(groups.flatMap((g) => STATUS_GROUPS[g]))})`);
  if (input.academicYear) {
    // An academic year runs from 1 September to 31 August (Paris days): offers created in it.
    const from = startOf(CalendarDate.of(input.academicYear, 9, 1)!);
    const to = startOf(CalendarDate.of(input.academicYear + 1, 9, 1)!);
    and.push(Prisma.sql`o."createdAt" >= ${from} AND o."createdAt" < ${to}`);
  }
  if (input.structureType) and.push(orgHas(Prisma.sql`g."structureType" = ${input.structureType}::"StructureType"`));
  if (input.sector) and.push(orgHas(foldedContains(Prisma.raw('g.sector'), input.sector)));
  return and;
}

/**
 * One page of the offers matching `scope` (the student's visibility or the actor's reach) and the
 * criteria, with the list's total, in one query: best keyword rank first when there are keywords
 * (`kw`), then `order` (on `o`). The total is a window count over the matches, read in the same
 * pass (a ranked list reads every match anyway; an unranked one from an index, see the
 * search_speed migration); `columns` and `joins` are read for the page's rows only.
 */
async function pageOf<T>(db: Db, q: { scope: Prisma.Sql; conditions: Prisma.Sql[]; kw: string | null; order: Prisma.Sql; columns: Prisma.Sql; joins: Prisma.Sql; sorted?: Prisma.Sql | null }, page: number) {
  const where = Prisma.join([q.scope, ...q.conditions], ' AND ');
  if (q.sorted) return sortedPageOf<T>(db, where, { ...q, sorted: q.sorted }, page);
  // Weights {D, C, B, A}: the field a word is found in counts more than finding it twice (stem
  // and written form) in a lesser one.
  const rank = q.kw ? Prisma.sql`ts_rank('{0.05, 0.1, 0.4, 1.0}', o."searchVector", ${q.kw}::tsquery)` : null;
  // The rank is computed in the scan (OFFSET 0 keeps that subquery apart): above the window count
  // it was computed after it, which then held every match with its whole vector (8 MB for a broad
  // word, spilled to disk) instead of ids and ranks. A ranked `order` may use o.id and o."publishFrom".
  const matches = rank ? Prisma.sql`(SELECT o.id, o."publishFrom", ${rank} AS rank FROM "Offer" o WHERE ${where} OFFSET 0) o` : Prisma.sql`"Offer" o WHERE ${where}`;
  // Straight to the pool (the student's list is a busy page), planned at each run for its values.
  const read = (p: Pager) => preparedRows<T & { total: number }>(db, Prisma.sql`
    SELECT m.total, ${q.columns}
    FROM (SELECT o.id, ${rank ? Prisma.sql`o.rank` : Prisma.sql`NULL::real`} AS rank, count(*) OVER ()::int AS total FROM ${matches}
          ORDER BY ${rank ? Prisma.sql`rank DESC, ` : Prisma.empty}${q.order} LIMIT ${p.size} OFFSET ${p.skip}) m
    JOIN "Offer" o ON o.id = m.id ${q.joins}
    ORDER BY ${rank ? Prisma.sql`m.rank DESC, ` : Prisma.empty}${q.order}`, { plan: 'each' });
  let p = pager(page, page * PAGE_SIZE);
  let rows = await read(p);
  if (!rows.length && page > 1) {
    // Past the last page: the last page is shown (see pager()).
    const [{ n }] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "Offer" o WHERE ${where}`;
    p = pager(page, n);
    rows = n ? await read(p) : [];
  }
  const total = rows[0]?.total ?? 0;
  return { items: rows.map(({ total: _, ...row }) => row as T), pager: pager(p.page, total) };
}

/**
 * A page in a column's order chosen by the user (STAFF_SORT): the matches counted, then the page
 * read in that order with its joins (an index on the column serves it, e.g. "titleKey": a page
 * of 25, not every match sorted as a window count over them would need).
 */
async function sortedPageOf<T>(db: Db, where: Prisma.Sql, q: { sorted: Prisma.Sql; columns: Prisma.Sql; joins: Prisma.Sql }, page: number) {
  const [{ n }] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "Offer" o WHERE ${where}`;
  const p = pager(page, n);
  const items = n ? await db.$queryRaw<T[]>`SELECT ${q.columns} FROM "Offer" o ${q.joins} WHERE ${where} ORDER BY ${q.sorted} LIMIT ${p.size} OFFSET ${p.skip}` : [];
  return { items, pager: p };
}

const ORGANISATION = Prisma.sql`JOIN "Organisation" g ON g.id = o."organisationId"`;

const dirSql = (dir: SortDir) => Prisma.raw(dir === 'desc' ? 'DESC' : 'ASC');
/** A column's order; `nullable` ones keep their empty values last both ways. */
const byColumn = (column: string, nullable = false) => (dir: SortDir) => [Prisma.sql`${Prisma.raw(column)} ${dirSql(dir)}${Prisma.raw(nullable ? ' NULLS LAST' : '')}`];

/**
 * The staff search's sortable columns (?sort=&dir=), as SQL on the offer `o`, its organisation
 * `g` and its centre `c` (the list's joins). By default the highest number first, unless keywords
 * rank the list.
 */
export const STAFF_SORT: SortSpec<'number' | 'title' | 'organisation' | 'kind' | 'status' | 'place' | 'centre', Prisma.Sql> = {
  columns: {
    number: byColumn('o.id'),
    title: byColumn('o."titleKey"'),
    organisation: byColumn('g."normalizedName"'),
    kind: byColumn('o.kind'),
    status: byColumn('o.status'),
    place: (dir) => [...byColumn('o."postalCode"', true)(dir), ...byColumn('o."cityKey"', true)(dir)],
    centre: byColumn('c.name', true),
  },
  tieBreaker: (dir) => Prisma.sql`o.id ${dirSql(dir)}`,
  default: (values) => (values.q ? null : { column: 'number', dir: 'desc' }),
};

/** The student's list: visible offers (`visible`, see offers.visibility.ts), newest diffusion first. */
export async function browseOffers(db: Db, visible: Prisma.Sql, input: BrowseInput, page: number) {
  const kw = await keywords(db, input);
  const { items, pager: p } = await pageOf<{
    id: number; title: string; kind: OfferKind; domain: string; city: string | null; postalCode: string | null; country: string; paid: boolean; showCompany: boolean; publishUntil: Date | null; legalName: string;
  }>(db, {
    scope: visible,
    conditions: sharedConditions(input, kw),
    kw: kw.any,
    order: Prisma.sql`o."publishFrom" DESC, o.id DESC`,
    columns: Prisma.sql`o.id, o.title, o.kind::text AS kind, o.domain, o.city, o."postalCode", o.country, o.paid, o."showCompany", o."publishUntil", g."legalName"`,
    joins: ORGANISATION,
  }, page);
  return { items: items.map(({ legalName, ...o }) => ({ ...o, organisation: { legalName } })), pager: p };
}

/** The staff search within the actor's reach (`reach`), highest number first or in `sorted` order (STAFF_SORT). */
export async function searchOffers(db: Db, reach: Prisma.Sql, input: StaffSearchInput, page: number, sorted: Prisma.Sql[] | null = null) {
  const kw = await keywords(db, input);
  const { items, pager: p } = await pageOf<{
    id: number; title: string; kind: OfferKind; status: OfferStatus; city: string | null; postalCode: string | null; fromCompany: boolean; publishUntil: Date | null; legalName: string; centreName: string | null;
  }>(db, {
    scope: reach,
    conditions: staffConditions(input, kw),
    kw: kw.any,
    order: Prisma.sql`o.id DESC`,
    columns: Prisma.sql`o.id, o.title, o.kind::text AS kind, o.status::text AS status, o.city, o."postalCode", o."fromCompany", o."publishUntil", g."legalName", c.name AS "centreName"`,
    joins: Prisma.sql`${ORGANISATION} LEFT JOIN "ManagementCentre" c ON c.id = o."centreId"`,
    sorted: sorted ? Prisma.join(sorted, ', ') : null,
  }, page);
  return { items: items.map(({ legalName, centreName, ...o }) => ({ ...o, organisation: { legalName }, centre: centreName === null ? null : { name: centreName } })), pager: p };
}
