import type { Actor } from '../../authz/actor.js';
import { centreRight, centresWith } from '../../authz/centres.js';
import type { Db } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { schoolApplicationsWhere } from '../applications/applications.records.js';
import { academicYearAt } from '../institutions/academic-years.js';
import { OFFER_WORKFLOW } from '../offers/offers.workflow.js';
import { instantsOf } from '../../time/academic-year.js';
import { todayIn } from '../../time/calendar.js';
import { AWAITING_ITEMS, entry, type AwaitingEntry, type AwaitingItem, type DashboardBlocks } from './dashboard.types.js';

/**
 * The centre dashboard. Waiting, in the centres where the actor may act (WRITE): the offers the
 * offer workflow puts in the moderators' hands, the organisations to verify and the claims to
 * decide (the verification queue). Counters, in every centre of the actor: the applications
 * "Satisfaite" of their students this academic year, as the school list filters them. Then each
 * centre with its own counters (three grouped queries, whatever the number of centres).
 */
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
 * The centre dashboard. Waiting, in the centres where the actor may act (WRITE): moderation and
 * verification (moderationAwaiting). Counters, in every centre of the actor: the applications
 * "Satisfaite" of their students this academic year, as the school list filters them. Then each
 * centre with its own counters (three grouped queries, whatever the number of centres).
 */
export async function centreDashboard(db: Db, actor: Actor, now: Date) {
  const ids = centresWith(actor, 'READ');
  const year = await academicYearAt(db, todayIn(now));
  const accepted: Prisma.ApplicationWhereInput = { AND: [schoolApplicationsWhere(actor), { status: 'ACCEPTED', createdAt: instantsOf(year) }] };

  const [awaiting, acceptedCount, centres, students, queue] = await Promise.all([
    moderationAwaiting(db, actor),
    db.application.count({ where: accepted }),
    db.managementCentre.findMany({
      where: { id: { in: ids } },
      select: { id: true, name: true, kind: true, _count: { select: { studyYears: true, staff: true } } },
      orderBy: { name: 'asc' },
    }),
    db.$queryRaw<{ centreId: number; n: bigint }[]>`
      SELECT sy."centreId", count(*) AS n FROM "StudentProfile" sp JOIN "StudyYear" sy ON sy.id = sp."studyYearId"
      WHERE sy."centreId" = ANY(${ids}) GROUP BY sy."centreId"`,
    db.organisation.groupBy({ by: ['centreId'], where: { verified: false, centreId: { in: ids } }, _count: { _all: true } }),
  ]);

  const studentsBy = new Map(students.map((r) => [r.centreId, Number(r.n)]));
  const queueBy = new Map(queue.map((r) => [r.centreId, r._count._all]));
  const blocks: DashboardBlocks = {
    awaiting,
    groups: [
      {
        key: 'year',
        params: { year: year.label },
        counters: [{ key: 'acceptedThisYear', count: acceptedCount, href: `/applications/school?status=ACCEPTED&year=${year.label}` }],
      },
    ],
  };
  return {
    ...blocks,
    centres: centres.map((c) => ({ ...c, right: centreRight(actor, c.id), students: studentsBy.get(c.id) ?? 0, toVerify: queueBy.get(c.id) ?? 0 })),
  };
}
