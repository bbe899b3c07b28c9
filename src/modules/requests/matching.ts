// Matching between offers ("profils recherchés": domain, education level, duration, place, title and
// skills as keywords) and internship requests. The score is computed in SQL, candidates are found
// through indexed conditions (same domain, full-text match, same département or city) and only the
// best LIMIT rows leave the database. Points: domain 40, level 20, duration 15, place 15,
// keywords 10 + up to 20 from the full-text rank (120 in all).
import { Service } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import type { Db } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { notFound } from '../../errors.js';
import { foldText } from '../offers/offers.search.js';
import { viewerOf, visibleOfferSql } from '../offers/offers.visibility.js';
import {
  anyWordQuery,
  CVBOOK_FROM,
  CVBOOK_WHERE,
  matchedWords,
  OFFER_DEPT,
  OFFER_KEYWORDS,
  OFFER_CITY_KEY,
  OFFER_DOMAIN_KEY,
  OFFER_VECTOR,
  placeTokenOf,
  REQUEST_DOMAIN_KEY,
  REQUEST_PLACES,
  REQUEST_TEXT,
  REQUEST_VECTOR,
} from './sql.js';

export const MAX_SCORE = 120;
export const MATCH_LIMIT = 25;

export interface Reason {
  key: string;
  params?: Record<string, string>;
}

interface ScoreParts {
  s_domain: number;
  s_level: number;
  s_duration: number;
  s_place: number;
  s_keywords: number;
  score: number;
  words: string[] | null;
}

/** Why a result matched, in the order of the points it earned. */
export function reasonsOf(row: ScoreParts): Reason[] {
  const out: Reason[] = [];
  if (row.s_domain) out.push({ key: 'requests.matching.reason.domain' });
  if (row.s_level) out.push({ key: 'requests.matching.reason.level' });
  if (row.s_duration) out.push({ key: 'requests.matching.reason.duration' });
  if (row.s_place) out.push({ key: 'requests.matching.reason.place' });
  if (row.s_keywords) out.push({ key: 'requests.matching.reason.keywords', params: { words: (row.words ?? []).join(', ') || '—' } });
  return out;
}

const percent = (score: number) => Math.min(100, Math.round((score * 100) / MAX_SCORE));

const KEYWORD_POINTS = (vector: Prisma.Sql, query: Prisma.Sql) =>
  Prisma.sql`(CASE WHEN ${vector} @@ ${query} THEN 10 + LEAST(20, round(ts_rank(${vector}, ${query}) * 200))::int ELSE 0 END)`;
const LEVEL_POINTS = (a: Prisma.Sql, b: Prisma.Sql) =>
  Prisma.sql`(CASE WHEN ${a} IS NOT NULL AND ${b} IS NOT NULL AND (${a} = ${b} OR ${a} = 'ANY' OR ${b} = 'ANY') THEN 20 ELSE 0 END)`;
const DURATION_POINTS = (a: Prisma.Sql, b: Prisma.Sql) => Prisma.sql`(CASE WHEN abs(${a} - ${b}) <= 1 THEN 15 ELSE 0 END)`;
/** The most the keywords can add (KEYWORD_POINTS: 10 + up to 20). */
const MAX_KEYWORD_POINTS = 30;
/** The most a pair without the same domain can score: level 20 + duration 15 + place 15 + keywords 30. */
const MAX_WITHOUT_DOMAIN = 20 + 15 + 15 + MAX_KEYWORD_POINTS;
/** A pair's score without its keywords, in the same-domain tier's `cheap` pairs (`c`). */
const CHEAP_SCORE = Prisma.sql`(c.s_domain + c.s_level + c.s_duration + c.s_place)`;

export class MatchingService extends Service {

  /** The offers of the actor's organisations (the entry points of the company-side matching). */
  async companyOffers(actor: Actor) {
    const orgIds = actor.companies.map((c) => c.organisationId);
    return this.db.offer.findMany({
      where: { organisationId: { in: orgIds }, status: { notIn: ['ARCHIVED', 'CANCELLED'] } },
      select: { id: true, title: true, status: true, domain: true, city: true, createdAt: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 200,
    });
  }

  /** The CV-book requests that best match an offer of the actor's company; another's offer = 404. */
  async profilesForOffer(actor: Actor, offerId: number, limit = MATCH_LIMIT) {
    const orgIds = actor.companies.map((c) => c.organisationId);
    const offer = await this.db.offer.findFirst({
      where: { id: offerId, organisationId: { in: orgIds } },
      select: { id: true, title: true, domain: true, educationLevel: true, durationMonths: true, postalCode: true, city: true, skills: true, status: true },
    });
    if (!offer) throw notFound();
    const keywords = `${offer.title} ${offer.skills ?? ''}`;
    const dept = /^[0-9]{5}$/.test(offer.postalCode ?? '') ? placeTokenOf(offer.postalCode) : null;
    const city = offer.city?.trim() ? foldText(offer.city.trim()) : null;
    const query = Prisma.sql`q.query`;
    const placeMatch = Prisma.sql`${REQUEST_PLACES} && ARRAY[${dept}::text, ${city}::text]`;
    const domainMatch = Prisma.sql`${REQUEST_DOMAIN_KEY} = ${foldText(offer.domain)}::text`;
    // The CV-book requests meeting `cond`, scored; the best `limit`.
    const scored = (cond: Prisma.Sql) => Prisma.sql`
        SELECT x.*, x.s_domain + x.s_level + x.s_duration + x.s_place + x.s_keywords AS score
        FROM (
          SELECT r.id,
                 (CASE WHEN ${domainMatch} THEN 40 ELSE 0 END) AS s_domain,
                 ${LEVEL_POINTS(Prisma.sql`r.level::text`, Prisma.sql`${offer.educationLevel}::text`)} AS s_level,
                 ${DURATION_POINTS(Prisma.sql`r."durationMonths"`, Prisma.sql`${offer.durationMonths}::int`)} AS s_duration,
                 (CASE WHEN ${placeMatch} THEN 15 ELSE 0 END) AS s_place,
                 ${KEYWORD_POINTS(REQUEST_VECTOR, query)} AS s_keywords
          FROM ${CVBOOK_FROM} CROSS JOIN q
          WHERE ${CVBOOK_WHERE} AND ${cond}
        ) x
        ORDER BY score DESC, x.id DESC
        LIMIT ${limit}`;
    // The requests of \`cheap\` meeting \`cond\`, with their keyword points and score.
    const ranked = (cond: Prisma.Sql) => Prisma.sql`
        SELECT x.*, x.s_domain + x.s_level + x.s_duration + x.s_place + x.s_keywords AS score
        FROM (
          SELECT c.id, c.s_domain, c.s_level, c.s_duration, c.s_place, ${KEYWORD_POINTS(REQUEST_VECTOR, query)} AS s_keywords
          FROM cheap c JOIN "InternshipRequest" r ON r.id = c.id CROSS JOIN q
          WHERE ${cond}
        ) x`;
    const rows = await this.db.$queryRaw<
      (ScoreParts & { id: number; title: string; domain: string | null; level: string | null; durationMonths: number | null; place: string | null; firstName: string; lastName: string; programme: string | null })[]
    >`
      WITH q AS MATERIALIZED (SELECT ${anyWordQuery(Prisma.sql`${keywords}::text`)} AS query),
      -- Scored in two tiers, as in offersForStudent: the requests of the offer's domain first (indexed),
      -- the others only when they can still reach the best \`limit\` (see \`settled\`). Only the score
      -- leaves a tier; the names, texts and matched words are read for the \`limit\` best requests.
      -- The same-domain tier in two passes, as in offersForStudent: \`cheap\` scores each request
      -- without its keywords (its columns from the index InternshipRequest_match_idx); the full-text
      -- rank is computed for the requests reaching the \`limit\`-th best cheap score (\`tier1\`), then
      -- for those that can still reach the \`limit\`-th best score of tier1 (\`bar2\`) with the keywords.
      cheap AS MATERIALIZED (
        SELECT r.id, 40 AS s_domain,
               ${LEVEL_POINTS(Prisma.sql`r.level::text`, Prisma.sql`${offer.educationLevel}::text`)} AS s_level,
               ${DURATION_POINTS(Prisma.sql`r."durationMonths"`, Prisma.sql`${offer.durationMonths}::int`)} AS s_duration,
               (CASE WHEN ${placeMatch} THEN 15 ELSE 0 END) AS s_place
        FROM ${CVBOOK_FROM}
        WHERE ${CVBOOK_WHERE} AND ${domainMatch}
      ),
      bar1 AS (
        SELECT CASE WHEN count(*) >= ${limit} THEN min(b) ELSE 0 END AS b
        FROM (SELECT ${CHEAP_SCORE} AS b FROM cheap c ORDER BY b DESC LIMIT ${limit}) t
      ),
      tier1 AS MATERIALIZED (
        ${ranked(Prisma.sql`${CHEAP_SCORE} >= (SELECT b FROM bar1)`)}
      ),
      bar2 AS (
        SELECT CASE WHEN count(*) >= ${limit} THEN min(score) ELSE 0 END AS b
        FROM (SELECT score FROM tier1 ORDER BY score DESC LIMIT ${limit}) t
      ),
      same_domain AS MATERIALIZED (
        SELECT * FROM (
          SELECT * FROM tier1
          UNION ALL
          ${ranked(Prisma.sql`${CHEAP_SCORE} < (SELECT b FROM bar1) AND ${CHEAP_SCORE} + ${MAX_KEYWORD_POINTS} >= (SELECT b FROM bar2)`)}
        ) t
        ORDER BY score DESC, id DESC
        LIMIT ${limit}
      ),
      settled AS (
        SELECT count(*) >= ${limit} AND coalesce(min(score), 0) > ${MAX_WITHOUT_DOMAIN} AS yes FROM same_domain
      ),
      other_domain AS (
        ${scored(Prisma.sql`NOT coalesce(${domainMatch}, false) AND (${REQUEST_VECTOR} @@ ${query} OR ${placeMatch}) AND NOT (SELECT yes FROM settled)`)}
      ),
      best AS (
        SELECT * FROM (SELECT * FROM same_domain UNION ALL SELECT * FROM other_domain) t ORDER BY score DESC, id DESC LIMIT ${limit}
      )
      SELECT b.*, r.title, r.domain, r.level::text AS level, r."durationMonths", r.place, u."firstName", u."lastName", p.name AS programme,
             ${matchedWords(Prisma.sql`${keywords}::text`, REQUEST_TEXT)} AS words
      FROM best b JOIN "InternshipRequest" r ON r.id = b.id JOIN "StudentProfile" s ON s.id = r."studentId" JOIN "User" u ON u.id = s."userId"
           LEFT JOIN "Programme" p ON p.id = s."programmeId"
      ORDER BY b.score DESC, b.id DESC`;
    return {
      offer,
      items: rows.map(({ s_domain, s_level, s_duration, s_place, s_keywords, score, words, ...r }) => ({
        ...r,
        score,
        percent: percent(score),
        reasons: reasonsOf({ s_domain, s_level, s_duration, s_place, s_keywords, score, words }),
      })),
    };
  }

  /** The visible offers that best match the student's open requests (each offer scored against its best request). */
  async offersForStudent(actor: Actor, limit = MATCH_LIMIT) {
    if (!actor.student) throw notFound();
    const student = actor.student;
    const visible = visibleOfferSql(await viewerOf(this.db, student), this.clock.now());
    const query = Prisma.sql`req.query`;
    const domainMatch = Prisma.sql`${OFFER_DOMAIN_KEY} = req.domain_key`;
    const placeMatch = Prisma.sql`(${OFFER_DEPT} = ANY(req.places) OR ${OFFER_CITY_KEY} = ANY(req.places))`;
    // Every pair of (request, visible offer) meeting \`cond\`, scored; the best limit × (number of requests).
    const scoredPairs = (cond: Prisma.Sql) => Prisma.sql`
        SELECT p.*, p.s_domain + p.s_level + p.s_duration + p.s_place + p.s_keywords AS score
        FROM (
          SELECT o.id, req.id AS "requestId",
                 (CASE WHEN ${domainMatch} THEN 40 ELSE 0 END) AS s_domain,
                 ${LEVEL_POINTS(Prisma.sql`o."educationLevel"::text`, Prisma.sql`req.level`)} AS s_level,
                 ${DURATION_POINTS(Prisma.sql`o."durationMonths"`, Prisma.sql`req.dur`)} AS s_duration,
                 (CASE WHEN ${placeMatch} THEN 15 ELSE 0 END) AS s_place,
                 ${KEYWORD_POINTS(OFFER_VECTOR, query)} AS s_keywords
          FROM req JOIN "Offer" o ON ${cond}
          WHERE ${visible}
        ) p
        ORDER BY score DESC, p.id DESC, p."requestId"
        LIMIT ${limit} * (SELECT count(*) FROM req)`;
    // The pairs of \`cheap\` meeting \`cond\`, with their keyword points and score.
    const ranked = (cond: Prisma.Sql) => Prisma.sql`
        SELECT p.*, p.s_domain + p.s_level + p.s_duration + p.s_place + p.s_keywords AS score
        FROM (
          SELECT c.id, c."requestId", c.s_domain, c.s_level, c.s_duration, c.s_place,
                 ${KEYWORD_POINTS(OFFER_VECTOR, query)} AS s_keywords
          FROM cheap c JOIN req ON req.id = c."requestId" JOIN "Offer" o ON o.id = c.id
          WHERE ${cond}
        ) p`;
    const rows = await this.db.$queryRaw<
      (ScoreParts & { id: number; title: string; domain: string; city: string | null; postalCode: string | null; organisation: string | null; requestId: number; requestTitle: string })[]
    >`
      WITH req AS MATERIALIZED (
        SELECT r.id, r.title, ${REQUEST_DOMAIN_KEY} AS domain_key, r.level::text AS level, r."durationMonths" AS dur, ${REQUEST_TEXT} AS text,
               ${anyWordQuery(REQUEST_TEXT)} AS query, ${REQUEST_PLACES} AS places
        FROM "InternshipRequest" r
        WHERE r."studentId" = ${student.profileId} AND r.status = 'OPEN'
      ),
      -- Pairs are scored in two tiers so that the common case reads only the offers of the requests'
      -- domains (indexed) rather than every offer sharing a word or a place. Only the score leaves a
      -- tier (no text, no join). An offer pairs once with each request, so the best limit × (number of
      -- requests) pairs of a tier hold the best pair of each of its best \`limit\` offers: a bounded
      -- top-N sort instead of sorting every pair.
      -- The same-domain tier in two passes, so that few pairs pay for the full-text rank (the costly
      -- part, with the read of the offer's row): \`cheap\` scores every pair without its keywords (from
      -- the index Offer_match_idx alone); the keywords add at most MAX_KEYWORD_POINTS. \`bar1\` is
      -- the \`limit\`-th best offer's cheap score (0 with fewer offers): every pair reaching it is
      -- scored in full (\`tier1\`), and the \`limit\`-th best offer there (\`bar2\`) bounds the result
      -- from below, so a pair whose cheap score + MAX_KEYWORD_POINTS is below \`bar2\` cannot change
      -- it and is left unranked. The best pairs, hence the result, are those of scoring every pair.
      cheap AS MATERIALIZED (
        SELECT o.id, req.id AS "requestId", 40 AS s_domain,
               ${LEVEL_POINTS(Prisma.sql`o."educationLevel"::text`, Prisma.sql`req.level`)} AS s_level,
               ${DURATION_POINTS(Prisma.sql`o."durationMonths"`, Prisma.sql`req.dur`)} AS s_duration,
               (CASE WHEN ${placeMatch} THEN 15 ELSE 0 END) AS s_place
        FROM req JOIN "Offer" o ON ${domainMatch}
        WHERE ${visible}
      ),
      bar1 AS (
        SELECT CASE WHEN count(*) >= ${limit} THEN min(b) ELSE 0 END AS b
        FROM (SELECT max(${CHEAP_SCORE}) AS b FROM cheap c GROUP BY c.id ORDER BY b DESC LIMIT ${limit}) t
      ),
      tier1 AS MATERIALIZED (
        ${ranked(Prisma.sql`${CHEAP_SCORE} >= (SELECT b FROM bar1)`)}
      ),
      bar2 AS (
        SELECT CASE WHEN count(*) >= ${limit} THEN min(b) ELSE 0 END AS b
        FROM (SELECT max(score) AS b FROM tier1 GROUP BY id ORDER BY b DESC LIMIT ${limit}) t
      ),
      same_domain AS MATERIALIZED (
        SELECT * FROM (
          SELECT * FROM tier1
          UNION ALL
          -- Below bar1 a pair scores less than bar2 (>= bar1) unless its keywords match: only those.
          ${ranked(Prisma.sql`${CHEAP_SCORE} < (SELECT b FROM bar1) AND ${CHEAP_SCORE} + ${MAX_KEYWORD_POINTS} >= (SELECT b FROM bar2) AND ${OFFER_VECTOR} @@ req.query`)}
        ) t
        ORDER BY score DESC, id DESC, "requestId"
        LIMIT ${limit} * (SELECT count(*) FROM req)
      ),
      -- The other tier is read only when it can change the result: when the same-domain tier has
      -- fewer than \`limit\` offers, or its \`limit\`-th best score does not beat what a pair without the
      -- domain can reach (MAX_WITHOUT_DOMAIN). Otherwise PostgreSQL skips it (one-time filter).
      settled AS (
        SELECT count(*) >= ${limit} AND coalesce(min(score), 0) > ${MAX_WITHOUT_DOMAIN} AS yes
        FROM (SELECT score FROM (SELECT DISTINCT ON (id) id, score FROM same_domain ORDER BY id, score DESC) d ORDER BY score DESC, id DESC LIMIT ${limit}) t
      ),
      other_domain AS (
        ${scoredPairs(Prisma.sql`NOT coalesce(${domainMatch}, false) AND (${OFFER_VECTOR} @@ ${query} OR ${placeMatch}) AND NOT (SELECT yes FROM settled)`)}
      ),
      top AS (
        SELECT * FROM same_domain UNION ALL SELECT * FROM other_domain
      ),
      best AS (
        SELECT DISTINCT ON (id) top.* FROM top ORDER BY id, score DESC, "requestId"
      )
      SELECT o.id, o.title, o.domain, o.city, o."postalCode", CASE WHEN o."showCompany" THEN org."legalName" END AS organisation,
             b."requestId", req.title AS "requestTitle",
             b.s_domain, b.s_level, b.s_duration, b.s_place, b.s_keywords, b.score,
             ${matchedWords(OFFER_KEYWORDS, Prisma.sql`req.text`)} AS words
      FROM (SELECT * FROM best ORDER BY score DESC, id DESC LIMIT ${limit}) b
      JOIN "Offer" o ON o.id = b.id
      JOIN "Organisation" org ON org.id = o."organisationId"
      JOIN req ON req.id = b."requestId"
      ORDER BY b.score DESC, b.id DESC`;
    return rows
      .map(({ s_domain, s_level, s_duration, s_place, s_keywords, score, words, ...r }) => ({
        ...r,
        score,
        percent: percent(score),
        reasons: reasonsOf({ s_domain, s_level, s_duration, s_place, s_keywords, score, words }),
      }));
  }
}
