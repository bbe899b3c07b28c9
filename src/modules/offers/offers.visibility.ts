import type { Actor } from '../../authz/actor.js';
import type { Prisma } from '../../generated/prisma/client.js';

/**
 * The offers a student may see: PUBLISHED, inside their diffusion period, and targeted at
 * everyone or at the student's country (of their institution), institution or programme. Used by
 * the list, the detail page (out of reach = 404), applications and matching.
 */
export function visibleOfferWhere(student: NonNullable<Actor['student']> & { country?: string | null }, now = new Date()): Prisma.OfferWhereInput {
  const targeted: Prisma.OfferWhereInput[] = [{ targetAll: true }, { targetInstitutions: { some: { institutionId: student.institutionId } } }];
  if (student.programmeId) targeted.push({ targetProgrammes: { some: { programmeId: student.programmeId } } });
  if (student.country) targeted.push({ targetCountries: { some: { country: student.country } } });
  return {
    status: 'PUBLISHED',
    OR: [{ publishFrom: null }, { publishFrom: { lte: now } }],
    AND: [{ OR: [{ publishUntil: null }, { publishUntil: { gt: now } }] }, { OR: targeted }],
  };
}
