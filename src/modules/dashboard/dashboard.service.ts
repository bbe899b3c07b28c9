import type { Actor } from '../../authz/actor.js';
import { centreRight, centresWith } from '../../authz/centres.js';
import { confirmedMembership } from '../../authz/memberships.js';
import { Service } from '../../act.js';

/** What each dashboard shows; later modules add their counters here. */
export class DashboardService extends Service {

  async admin(_actor: Actor) {
    const [institutions, programmes, studyYears, centres, users] = await Promise.all([
      this.db.institution.count(),
      this.db.programme.count(),
      this.db.studyYear.count(),
      this.db.managementCentre.count(),
      this.db.user.count(),
    ]);
    return { institutions, programmes, studyYears, centres, users };
  }

  /** The actor's centres with their counters: three grouped queries, whatever the number of centres. */
  async centre(actor: Actor) {
    const ids = centresWith(actor, 'READ');
    const [centres, students, queue] = await Promise.all([
      this.db.managementCentre.findMany({
        where: { id: { in: ids } },
        select: { id: true, name: true, kind: true, _count: { select: { studyYears: true, staff: true } } },
        orderBy: { name: 'asc' },
      }),
      this.db.$queryRaw<{ centreId: number; n: bigint }[]>`
        SELECT sy."centreId", count(*) AS n FROM "StudentProfile" sp JOIN "StudyYear" sy ON sy.id = sp."studyYearId"
        WHERE sy."centreId" = ANY(${ids}) GROUP BY sy."centreId"`,
      this.db.organisation.groupBy({ by: ['centreId'], where: { verified: false, centreId: { in: ids } }, _count: { _all: true } }),
    ]);
    const studentsBy = new Map(students.map((r) => [r.centreId, Number(r.n)]));
    const queueBy = new Map(queue.map((r) => [r.centreId, r._count._all]));
    return centres.map((c) => ({ ...c, right: centreRight(actor, c.id), students: studentsBy.get(c.id) ?? 0, toVerify: queueBy.get(c.id) ?? 0 }));
  }

  async academic(actor: Actor, kind: 'PROGRAMME_MANAGER' | 'YEAR_MANAGER' | 'ACADEMIC_TUTOR') {
    return this.db.academicRole.findMany({
      where: { userId: actor.id, kind },
      select: { id: true, programme: { select: { name: true, code: true } }, studyYear: { select: { name: true, code: true, programme: { select: { name: true } } } } },
    });
  }

  async company(actor: Actor) {
    return this.db.companyMembership.findMany({
      where: { userId: actor.id, ...confirmedMembership },
      select: { role: true, canPublishOffers: true, organisation: { select: { id: true, legalName: true, city: true, country: true } } },
    });
  }

  async student(actor: Actor) {
    if (!actor.student) return null;
    return this.db.studentProfile.findUnique({
      where: { id: actor.student.profileId },
      select: { studentNumber: true, institution: { select: { name: true } }, programme: { select: { name: true } }, studyYear: { select: { name: true, centre: { select: { name: true, email: true, phone: true } } } } },
    });
  }
}
