import type { Actor } from '../../authz/actor.js';
import type { Db } from '../../db/client.js';

/** What each dashboard shows; later modules add their counters here. */
export class DashboardService {
  constructor(private db: Db) {}

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

  async centre(actor: Actor) {
    const centres = await this.db.managementCentre.findMany({
      where: { id: { in: [...actor.centres.keys()] } },
      select: { id: true, name: true, kind: true, _count: { select: { studyYears: true, staff: true } } },
      orderBy: { name: 'asc' },
    });
    return centres.map((c) => ({ ...c, right: actor.centres.get(c.id)! }));
  }

  async academic(actor: Actor, kind: 'PROGRAMME_MANAGER' | 'YEAR_MANAGER' | 'ACADEMIC_TUTOR') {
    return this.db.academicRole.findMany({
      where: { userId: actor.id, kind },
      select: { id: true, programme: { select: { name: true, code: true } }, studyYear: { select: { name: true, code: true, programme: { select: { name: true } } } } },
    });
  }

  async company(actor: Actor) {
    return this.db.companyMembership.findMany({
      where: { userId: actor.id },
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
