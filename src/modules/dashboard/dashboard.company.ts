import type { Actor } from '../../authz/actor.js';
import type { Db } from '../../db/client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { companyStatusWhere } from '../applications/applications.filters.js';
import { companyApplicationsWhere } from '../applications/applications.records.js';
import { APPLICATION_WORKFLOW } from '../applications/applications.workflow.js';
import { EXPIRING_DAYS, expiringWhere } from '../offers/offers.expiring.js';
import { reachWhere } from '../offers/offers.reach.js';
import { OFFER_WORKFLOW } from '../offers/offers.workflow.js';
import { AWAITING_ITEMS, entry, type AwaitingItem, type DashboardBlocks } from './dashboard.types.js';

const APPLICATIONS = '/applications/company?tab=all';
const OFFERS = '/offers/manage';
const oldestFirst = [{ createdAt: 'asc' as const }, { id: 'asc' as const }];

/**
 * The company dashboard (administrator and secondary contact alike: the scope follows the actor's
 * memberships, as the lists do). Waiting: the applications the company has to answer, the offers
 * a contact submitted to the administrator, a contact's own drafts — each the states where the
 * workflows expect this party. Counters: the offers by status and those ending within
 * EXPIRING_DAYS Paris days, the applications unread, in progress and accepted.
 */
export async function companyDashboard(db: Db, actor: Actor, now: Date): Promise<DashboardBlocks> {
  const adminOrgs = actor.companies.filter((c) => c.role === 'ADMIN').map((c) => c.organisationId);
  const authorOrgs = actor.companies.filter((c) => c.role === 'CONTACT' && c.canPublishOffers).map((c) => c.organisationId);
  const applications = companyApplicationsWhere(actor);
  const awaitingApplications: Prisma.ApplicationWhereInput = { AND: [applications, companyStatusWhere('awaiting')] };
  // The offer workflow's parties: the administrator approves what a contact submitted, a contact submits their drafts.
  const toApprove: Prisma.OfferWhereInput = { status: { in: OFFER_WORKFLOW.awaitingStates('companyAdmin') }, organisationId: { in: adminOrgs } };
  const toSubmit: Prisma.OfferWhereInput = { status: { in: OFFER_WORKFLOW.awaitingStates('authorContact') }, organisationId: { in: authorOrgs }, authorId: actor.id };
  const offerItems = (where: Prisma.OfferWhereInput) =>
    db.offer.findMany({ where, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }], take: AWAITING_ITEMS, select: { id: true, title: true, updatedAt: true } });

  const [appCount, appRows, approveCount, approveRows, submitCount, submitRows, offersByStatus, expiring, appsByStatus] = await Promise.all([
    db.application.count({ where: awaitingApplications }),
    db.application.findMany({
      where: awaitingApplications,
      orderBy: oldestFirst,
      take: AWAITING_ITEMS,
      select: { id: true, createdAt: true, status: true, offer: { select: { title: true } }, student: { select: { user: { select: { firstName: true, lastName: true } } } } },
    }),
    db.offer.count({ where: toApprove }),
    offerItems(toApprove),
    db.offer.count({ where: toSubmit }),
    offerItems(toSubmit),
    db.offer.groupBy({ by: ['status'], where: reachWhere(actor), _count: { _all: true } }),
    db.offer.count({ where: { AND: [reachWhere(actor), expiringWhere(now, EXPIRING_DAYS)] } }),
    db.application.groupBy({ by: ['status'], where: applications, _count: { _all: true } }),
  ]);

  const appItems: AwaitingItem[] = appRows.map((a) => ({
    label: `${a.student.user.lastName} ${a.student.user.firstName}`,
    note: a.offer ? { text: a.offer.title } : { key: 'applications.spontaneous.label' },
    href: `/applications/${a.id}`,
    since: a.createdAt,
  }));
  const offerItem = (o: { id: number; title: string; updatedAt: Date }): AwaitingItem => ({ label: o.title, href: `/offers/manage/${o.id}`, since: o.updatedAt });
  const offers = new Map(offersByStatus.map((r) => [r.status, r._count._all]));
  const apps = new Map(appsByStatus.map((r) => [r.status, r._count._all]));
  const appsIn = (states: readonly string[]) => states.reduce((n, s) => n + (apps.get(s as never) ?? 0), 0);

  return {
    awaiting: [
      ...entry('applications', appCount, `${APPLICATIONS}&status=awaiting`, appItems),
      ...entry('offersToApprove', approveCount, `${OFFERS}?status=PENDING_COMPANY`, approveRows.map(offerItem)),
      ...entry('offersToSubmit', submitCount, `${OFFERS}?status=DRAFT`, submitRows.map(offerItem)),
    ],
    groups: [
      {
        key: 'applications',
        counters: [
          { key: 'unread', count: apps.get('SENT') ?? 0, href: `${APPLICATIONS}&status=SENT` },
          { key: 'inProgress', count: appsIn(APPLICATION_WORKFLOW.group('inProgress')), href: `${APPLICATIONS}&status=inProgress` },
          { key: 'accepted', count: apps.get('ACCEPTED') ?? 0, href: `${APPLICATIONS}&status=ACCEPTED` },
        ],
      },
      {
        key: 'offers',
        empty: 'noOffers',
        counters: [
          // Shown once there is an offer, even at 0: "nothing ends soon" is worth reading.
          ...(offers.size ? [{ key: 'expiring', params: { days: EXPIRING_DAYS }, count: expiring, href: `${OFFERS}?expiring=${EXPIRING_DAYS}` }] : []),
          ...OFFER_WORKFLOW.states
            .filter((s) => offers.get(s))
            .map((s) => ({ key: OFFER_WORKFLOW.stateLabel(s), count: offers.get(s)!, href: `${OFFERS}?status=${s}` })),
        ],
      },
    ],
  };
}
