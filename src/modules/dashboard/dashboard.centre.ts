import type { Actor } from '../../authz/actor.js';
import { centreRight, centresWith } from '../../authz/centres.js';
import type { Db } from '../../db/client.js';
import type { Prisma } from '../../generated/prisma/client.js';
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
  const mine = actor.isPlatformAdmin ? {} : { centreId: { in: centresWith(actor, 'WRITE') } };
  const toModerate: Prisma.OfferWhereInput = { status: { in: OFFER_WORKFLOW.awaitingStates('centreWriter') }, ...mine };
  const toVerify: Prisma.OrganisationWhereInput = { verified: false, ...mine };
  const claims: Prisma.CompanyMembershipWhereInput = { status: 'PENDING', role: 'ADMIN', organisation: mine };
  const oldest = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];
  const [moderateCount, moderateRows, verifyCount, verifyRows, claimCount, claimRows] = await Promise.all([
    db.offer.count({ where: toModerate }),
    db.offer.findMany({ where: toModerate, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }], take: AWAITING_ITEMS, select: { id: true, title: true, updatedAt: true, organisation: { select: { legalName: true } } } }),
    db.organisation.count({ where: toVerify }),
    db.organisation.findMany({ where: toVerify, orderBy: oldest, take: AWAITING_ITEMS, select: { id: true, legalName: true, city: true, createdAt: true } }),
    db.companyMembership.count({ where: claims }),
    db.companyMembership.findMany({ where: claims, orderBy: oldest, take: AWAITING_ITEMS, select: { createdAt: true, organisation: { select: { legalName: true } } } }),
  ]);
  return [
    ...entry('offersToModerate', moderateCount, '/offers/moderation', moderateRows.map((o): AwaitingItem => ({ label: o.title, note: { text: o.organisation.legalName }, href: `/offers/manage/${o.id}`, since: o.updatedAt }))),
    ...entry('organisationsToVerify', verifyCount, '/organisations/queue', verifyRows.map((o): AwaitingItem => ({ label: o.legalName, note: { text: o.city }, href: `/organisations/${o.id}`, since: o.createdAt }))),
    ...entry('claims', claimCount, '/organisations/queue', claimRows.map((m): AwaitingItem => ({ label: m.organisation.legalName, href: '/organisations/queue', since: m.createdAt }))),
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
