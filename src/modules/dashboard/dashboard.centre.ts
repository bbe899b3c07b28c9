import type { Actor } from '../../authz/actor.js';
import { centreRight, centresWith } from '../../authz/centres.js';
import type { Db } from '../../db/client.js';
import { Prisma, type CentreKind } from '../../generated/prisma/client.js';
import { schoolScope } from '../applications/applications.records.js';
import { academicYearRelation } from '../institutions/academic-years.js';
import { OFFER_WORKFLOW } from '../offers/offers.workflow.js';
import { todayIn, type CalendarDate } from '../../time/calendar.js';
import { AWAITING_ITEMS, entry, type AwaitingEntry, type AwaitingItem, type DashboardBlocks } from './dashboard.types.js';

/**
 * What waits for a moderator: the offers the offer workflow puts in the hands of WRITE staff of
 * their centre, the organisations to verify and the claims to decide (the verification queue).
 * A platform administrator holds every right: everything, as their lists show.
 */
export async function moderationAwaiting(db: Db, actor: Actor): Promise<AwaitingEntry[]> {
  // One statement (three counts and the oldest few of each, as JSON) instead of six queries and
  // Prisma's two relation reads: the centre dashboard is one of the busiest staff pages.
  const all = actor.isPlatformAdmin;
  const ids = all ? [] : centresWith(actor, 'WRITE');
  const mine = (col: Prisma.Sql) => (all ? Prisma.sql`TRUE` : Prisma.sql`${col} = ANY(${ids})`);
  const states = OFFER_WORKFLOW.awaitingStates('centreWriter');
  const offers = Prisma.sql`FROM "Offer" o WHERE o.status::text = ANY(${states}) AND ${mine(Prisma.sql`o."centreId"`)}`;
  const orgs = Prisma.sql`FROM "Organisation" g WHERE NOT g.verified AND ${mine(Prisma.sql`g."centreId"`)}`;
  const claims = Prisma.sql`FROM "CompanyMembership" m JOIN "Organisation" g ON g.id = m."organisationId"
    WHERE m.status = 'PENDING' AND m.role = 'ADMIN' AND ${mine(Prisma.sql`g."centreId"`)}`;
  type Item = { id: number; label: string; note: string | null; since: string };
  const [row] = await db.$queryRaw<{ moderate: bigint; verify: bigint; claim: bigint; moderateRows: Item[] | null; verifyRows: Item[] | null; claimRows: Item[] | null }[]>`
    SELECT (SELECT count(*) ${offers}) AS moderate, (SELECT count(*) ${orgs}) AS verify, (SELECT count(*) ${claims}) AS claim,
      (SELECT json_agg(t) FROM (SELECT o.id, o.title AS label, (SELECT legal."legalName" FROM "Organisation" legal WHERE legal.id = o."organisationId") AS note, o."updatedAt" AS since
        ${offers} ORDER BY o."updatedAt", o.id LIMIT ${AWAITING_ITEMS}) t) AS "moderateRows",
      (SELECT json_agg(t) FROM (SELECT g.id, g."legalName" AS label, g.city AS note, g."createdAt" AS since ${orgs} ORDER BY g."createdAt", g.id LIMIT ${AWAITING_ITEMS}) t) AS "verifyRows",
      (SELECT json_agg(t) FROM (SELECT m.id, g."legalName" AS label, NULL AS note, m."createdAt" AS since ${claims} ORDER BY m."createdAt", m.id LIMIT ${AWAITING_ITEMS}) t) AS "claimRows"`;
  // json_agg writes timestamps without their zone: they are UTC, as Prisma stores them.
  const since = (s: string) => new Date(`${s}Z`);
  return [
    ...entry('offersToModerate', Number(row.moderate), '/offers/moderation', (row.moderateRows ?? []).map((o): AwaitingItem => ({ label: o.label, note: { text: o.note ?? '' }, href: `/offers/manage/${o.id}`, since: since(o.since) }))),
    ...entry('organisationsToVerify', Number(row.verify), '/organisations/queue', (row.verifyRows ?? []).map((o): AwaitingItem => ({ label: o.label, note: { text: o.note ?? '' }, href: `/organisations/${o.id}`, since: since(o.since) }))),
    ...entry('claims', Number(row.claim), '/organisations/queue', (row.claimRows ?? []).map((m): AwaitingItem => ({ label: m.label, href: '/organisations/queue', since: since(m.since) }))),
  ];
}

/**
 * The academic year of `today` and the "Satisfaite" applications of the actor's students in it, as
 * the school list filters them (schoolScope: the students of their centres and of the study years
 * they manage; everything for the administrator), in one statement.
 */
async function acceptedThisYear(db: Db, actor: Actor, today: CalendarDate): Promise<{ label: string; count: number }> {
  const { centres, years } = schoolScope(actor);
  const whose = actor.isPlatformAdmin ? Prisma.sql`TRUE` : Prisma.sql`(sy."centreId" = ANY(${centres}) OR sp."studyYearId" = ANY(${years}))`;
  const [row] = await db.$queryRaw<{ label: string; n: bigint }[]>`
    SELECT y.label, (SELECT count(*) FROM "Application" a JOIN "StudentProfile" sp ON sp.id = a."studentId" LEFT JOIN "StudyYear" sy ON sy.id = sp."studyYearId"
      WHERE a.status = 'ACCEPTED' AND a."createdAt" >= y.gte AND a."createdAt" < y.lt AND ${whose}) AS n
    FROM ${academicYearRelation(today)} y`;
  return { label: row.label, count: Number(row.n) };
}

/** The actor's centres by name, each with its counters, in one statement (the page is a busy one). */
async function centresWithCounters(db: Db, ids: number[]) {
  const rows = await db.$queryRaw<{ id: number; name: string; kind: CentreKind; studyYears: bigint; staff: bigint; students: bigint; toVerify: bigint }[]>`
    SELECT c.id, c.name, c.kind::text AS kind,
      (SELECT count(*) FROM "StudyYear" sy WHERE sy."centreId" = c.id) AS "studyYears",
      (SELECT count(*) FROM "CentreStaff" s WHERE s."centreId" = c.id) AS staff,
      (SELECT count(*) FROM "StudentProfile" sp JOIN "StudyYear" sy ON sy.id = sp."studyYearId" WHERE sy."centreId" = c.id) AS students,
      (SELECT count(*) FROM "Organisation" g WHERE NOT g.verified AND g."centreId" = c.id) AS "toVerify"
    FROM "ManagementCentre" c WHERE c.id = ANY(${ids}) ORDER BY c.name, c.id`;
  return rows.map((c) => ({ id: c.id, name: c.name, kind: c.kind, _count: { studyYears: Number(c.studyYears), staff: Number(c.staff) }, students: Number(c.students), toVerify: Number(c.toVerify) }));
}

/**
 * The centre dashboard. Waiting, in the centres where the actor may act (WRITE): moderation and
 * verification (moderationAwaiting). Counters, in every centre of the actor: the applications
 * "Satisfaite" of their students this academic year, as the school list filters them. Then each
 * centre with its own counters. Three statements, at once.
 */
export async function centreDashboard(db: Db, actor: Actor, now: Date) {
  const [accepted, awaiting, centres] = await Promise.all([
    acceptedThisYear(db, actor, todayIn(now)),
    moderationAwaiting(db, actor),
    centresWithCounters(db, centresWith(actor, 'READ')),
  ]);
  const blocks: DashboardBlocks = {
    awaiting,
    groups: [
      {
        key: 'year',
        params: { year: accepted.label },
        counters: [{ key: 'acceptedThisYear', count: accepted.count, href: `/applications/school?status=ACCEPTED&year=${accepted.label}` }],
      },
    ],
  };
  return { ...blocks, centres: centres.map((c) => ({ ...c, right: centreRight(actor, c.id) })) };
}
