// SQL fragments shared by the CV book and the matching. The expressions that indexes cover are
// written once here so that queries and migrations stay identical (see the report on indexes).
import { Prisma } from '../../generated/prisma/client.js';
import { foldText } from '../offers/offers.search.js';

// The expressions below are STORED generated columns of the search_indexes migration (indexed there):
// the queries read the columns, PostgreSQL keeps them in step with the fields.

/** The département of an offer's postal code (null when it has none): column "placeDept", btree. */
export const OFFER_DEPT = Prisma.raw(`o."placeDept"`);

/** The text of a request the keywords are looked for in: column "textVector" = to_tsvector('french', title + positionType + description), GIN. */
export const REQUEST_VECTOR = Prisma.raw(`r."textVector"`);
export const REQUEST_TEXT = Prisma.raw(`(coalesce(r.title, '') || ' ' || coalesce(r."positionType", '') || ' ' || coalesce(r.description, ''))`);

/** The keywords of an offer ("profils recherchés": its title and the skills sought): column "keywordVector" = to_tsvector('french', title + skills), GIN. */
export const OFFER_VECTOR = Prisma.raw(`o."keywordVector"`);
export const OFFER_KEYWORDS = Prisma.raw(`(coalesce(o.title, '') || ' ' || coalesce(o.skills, ''))`);

/** Any word of the text (not all of them, as plainto_tsquery would require). */
export const anyWordQuery = (text: Prisma.Sql) => Prisma.sql`replace(plainto_tsquery('french'::regconfig, ${text})::text, ' & ', ' | ')::tsquery`;

/** The words (3 letters or more) of `keywords` found in `text`, for the "mots-clés : …" reason. */
export const matchedWords = (keywords: Prisma.Sql, text: Prisma.Sql) =>
  Prisma.sql`ARRAY(SELECT DISTINCT w FROM regexp_split_to_table(lower(${keywords}), ${'[\\s,;:.()/!?"\'«»+]+'}) w WHERE char_length(w) > 2 AND to_tsvector('french'::regconfig, ${text}) @@ plainto_tsquery('french'::regconfig, w) ORDER BY w LIMIT 8)`;

/**
 * Requests a company may see: OPEN, of an active student who opted into the CV book. The column
 * "visibleInCvBook" says it (kept by the triggers of the cvbook_columns migration, with the
 * student's "programmeId"), so that the CV book and the matching read one table.
 */
export const CVBOOK_FROM = Prisma.raw(`"InternshipRequest" r`);
export const CVBOOK_WHERE = Prisma.raw(`r."visibleInCvBook"`);
/** The student and account of a request of CVBOOK_FROM (names on the pages). */
export const CVBOOK_PEOPLE = Prisma.raw(`JOIN "StudentProfile" s ON s.id = r."studentId" JOIN "User" u ON u.id = s."userId"`);

/**
 * The distinct place tokens of a request (placeToken of each entry of "place"): column "placeTokens",
 * GIN, computed by the SQL function stages_place_tokens() of the search_indexes migration.
 */
export const REQUEST_PLACES = Prisma.raw(`r."placeTokens"`);
/** The place tokens of a request, as a lateral set. */
export const requestPlaceTokens = Prisma.sql`(SELECT unnest(${REQUEST_PLACES}) AS token)`;
/** stages_fold(domain) of a request / an offer (accents and case ignored): columns "domainKey", btree. */
export const REQUEST_DOMAIN_KEY = Prisma.raw(`r."domainKey"`);
export const OFFER_DOMAIN_KEY = Prisma.raw(`o."domainKey"`);
/** stages_fold(city) of an offer: column "cityKey", btree. */
export const OFFER_CITY_KEY = Prisma.raw(`o."cityKey"`);

/**
 * The place token of one entry, as the SQL function stages_place_tokens() computes it for each
 * entry of a request's "place": a 5-digit postal code gives its département (3 digits overseas),
 * a 2-3 digit entry is a département already, anything else is a city, folded (foldText).
 */
export function placeTokenOf(entry: string | null | undefined): string | null {
  const e = (entry ?? '').trim();
  if (!e) return null;
  if (/^[0-9]{5}$/.test(e)) return ['97', '98'].includes(e.slice(0, 2)) ? e.slice(0, 3) : e.slice(0, 2);
  if (/^[0-9]{2,3}$/.test(e)) return e;
  return foldText(e);
}
