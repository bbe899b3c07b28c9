import type { Db } from '../../src/db/client.js';
import type { Prisma } from '../../src/generated/prisma/client.js';

/** An internship request of a student (OPEN unless told). */
export function makeRequest(db: Db, studentId: number, data: Partial<Omit<Prisma.InternshipRequestUncheckedCreateInput, 'studentId'>> = {}) {
  return db.internshipRequest.create({ data: { title: 'Stage développeur web', ...data, studentId } });
}

/** An offer of an organisation, PUBLISHED to everyone unless told (created directly, no workflow). */
export function makeOffer(db: Db, organisationId: number, data: Partial<Omit<Prisma.OfferUncheckedCreateInput, 'organisationId'>> = {}) {
  return db.offer.create({ data: { kind: 'INTERNSHIP', title: 'Stage', domain: 'Informatique', status: 'PUBLISHED', targetAll: true, ...data, organisationId } });
}
