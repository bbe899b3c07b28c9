import type { Actor } from '../../authz/actor.js';
import { confirmedMembership } from '../../authz/memberships.js';
import { Service, type ServiceDeps } from '../../act.js';
import type { AcademicRoleKind } from '../../generated/prisma/client.js';
import { pager } from '../../http/pagination.js';
import { todayIn } from '../../time/calendar.js';
import { academicYearAt } from '../institutions/academic-years.js';
import { MatchingService } from '../requests/matching.js';
import { centreDashboard, moderationAwaiting } from './dashboard.centre.js';
import { companyDashboard } from './dashboard.company.js';
import { ticketCounts } from '../helpdesk/helpdesk.queue.js';
import { signaturesToGive } from '../signatures/signatures.waiting.js';
import { midtermsToAcknowledge, midtermsToFill } from '../followup/followup.awaiting.js';
import { academicDashboard, followedWhere, placedIn, placedWhere, studentDashboard, type FollowScope } from './dashboard.people.js';

/**
 * What each dashboard shows: what waits for the person first (the workflows' awaiting states),
 * then counters that link to the lists they count (dashboard.types.ts). Counts are SQL counts and
 * groupBys, a fixed number per dashboard whatever the data. The next issues add their entries.
 */
export class DashboardService extends Service {
  private readonly matching: MatchingService;

  constructor(deps: ServiceDeps) {
    super(deps);
    this.matching = new MatchingService(deps);
  }

  /** The platform administrator: moderation, verification and the sent internship sheets wait for them too (they hold every centre right), then the platform's counts. */
  async admin(actor: Actor) {
    const [awaiting, institutions, programmes, studyYears, centres, users, tickets] = await Promise.all([
      moderationAwaiting(this.db, actor),
      this.db.institution.count(),
      this.db.programme.count(),
      this.db.studyYear.count(),
      this.db.managementCentre.count(),
      this.db.user.count(),
      ticketCounts(this.db, actor),
    ]);
    return { awaiting, stats: { institutions, programmes, studyYears, centres, users }, tickets };
  }

  /** The centre's dashboard, with the help desk's queue counts for WRITE staff (null for READ staff), in one statement. */
  centre(actor: Actor, now: Date) {
    return centreDashboard(this.db, actor, now);
  }

  async academic(actor: Actor, kind: AcademicRoleKind, now: Date) {
    const year = await academicYearAt(this.db, todayIn(now));
    const [roles, blocks] = await Promise.all([
      this.db.academicRole.findMany({
        where: { userId: actor.id, kind },
        orderBy: { id: 'asc' },
        select: { id: true, programme: { select: { name: true, code: true } }, studyYear: { select: { name: true, code: true, programme: { select: { name: true } } } } },
      }),
      academicDashboard(this.db, actor, kind, year),
    ]);
    blocks.awaiting.push(...(await signaturesToGive(this.db, actor, '/agreements/search')), ...(await midtermsToAcknowledge(this.db, actor)));
    return { roles, ...blocks };
  }

  async company(actor: Actor, now: Date) {
    const [memberships, blocks] = await Promise.all([
      this.db.companyMembership.findMany({
        where: { userId: actor.id, ...confirmedMembership },
        select: { role: true, canPublishOffers: true, organisation: { select: { id: true, legalName: true, city: true, country: true } } },
      }),
      companyDashboard(this.db, actor, now),
    ]);
    // The host's signatory or the company tutor asked to sign with their account.
    blocks.awaiting.push(...(await signaturesToGive(this.db, actor, '/agreements/interns')), ...(await midtermsToAcknowledge(this.db, actor)));
    return { memberships, ...blocks };
  }

  async student(actor: Actor) {
    if (!actor.student) return { profile: null, awaiting: [], groups: [] };
    const [profile, blocks] = await Promise.all([
      this.db.studentProfile.findUnique({
        where: { id: actor.student.profileId },
        select: { studentNumber: true, institution: { select: { name: true } }, programme: { select: { name: true } }, studyYear: { select: { name: true, centre: { select: { name: true, email: true, phone: true } } } } },
      }),
      studentDashboard(this.db, actor, async () => (await this.matching.offersForStudent(actor)).length),
    ]);
    blocks.awaiting.push(...(await signaturesToGive(this.db, actor, '/agreements/mine')), ...(await midtermsToFill(this.db, actor)));
    return { profile, ...blocks };
  }

  /**
   * The students a year or programme manager follows, with (or without) an application
   * "Satisfaite" this academic year, and the organisation of that application.
   */
  async followedStudents(actor: Actor, filters: { scope: FollowScope | null; placed: boolean | null }, page: number, now: Date) {
    const year = await academicYearAt(this.db, todayIn(now));
    const where = { AND: [followedWhere(actor, filters.scope), filters.placed === null ? {} : placedWhere(year, filters.placed)] };
    const total = await this.db.studentProfile.count({ where });
    const p = pager(page, total);
    const items = await this.db.studentProfile.findMany({
      where,
      orderBy: [{ user: { lastName: 'asc' } }, { user: { firstName: 'asc' } }, { id: 'asc' }],
      skip: p.skip,
      take: p.size,
      select: {
        id: true,
        user: { select: { firstName: true, lastName: true } },
        programme: { select: { name: true } },
        studyYear: { select: { name: true } },
        applications: { where: placedIn(year), orderBy: { id: 'asc' }, take: 1, select: { id: true, organisation: { select: { legalName: true } } } },
      },
    });
    return { items, pager: p, year };
  }
}
