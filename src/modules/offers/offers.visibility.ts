import type { Actor } from '../../authz/actor.js';
import type { Db } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';

/** A student as the visibility rule sees them: institution, programme, and the institution's country. */
export type Viewer = NonNullable<Actor['student']> & { country?: string | null };

/** The student with their institution's country: what both forms of the rule below take. */
export async function viewerOf(db: Db, student: NonNullable<Actor['student']>): Promise<Viewer> {
  const inst = await db.institution.findUnique({ where: { id: student.institutionId }, select: { country: true } });
  return { ...student, country: inst?.country ?? null };
}

/**
 * The offers a student may see at `now`: PUBLISHED, inside their diffusion period, and targeted at
 * everyone or at the student's country (of their institution), institution or programme. Used by
 * the detail page (out of reach = 404) and applications; the lists and the matching use its SQL
 * form below (they rank in SQL). A test checks that both forms keep the same offers.
 * `now` is the caller's (an Act's): what is visible depends on it, so nobody reads a clock here.
 * `null` is the public (the home page's count): no institution, so only the offers targeted at everyone.
 */
export function visibleOfferWhere(student: Viewer | null, now: Date): Prisma.OfferWhereInput {
  const targeted: Prisma.OfferWhereInput[] = [{ targetAll: true }];
  if (student) targeted.push({ targetInstitutions: { some: { institutionId: student.institutionId } } });
  if (student?.programmeId) targeted.push({ targetProgrammes: { some: { programmeId: student.programmeId } } });
  if (student?.country) targeted.push({ targetCountries: { some: { country: student.country } } });
  return {
    status: 'PUBLISHED',
    OR: [{ publishFrom: null }, { publishFrom: { lte: now } }],
    AND: [{ OR: [{ publishUntil: null }, { publishUntil: { gt: now } }] }, { OR: targeted }],
  };
}

/** visibleOfferWhere as an SQL condition on the offer `o`. */
export function visibleOfferSql(student: Viewer | null, now: Date): Prisma.Sql {
  const targeted = [Prisma.sql`o."targetAll"`];
  if (student) targeted.push(Prisma.sql`EXISTS (SELECT 1 FROM "OfferTargetInstitution" ti WHERE ti."offerId" = o.id AND ti."institutionId" = ${student.institutionId})`);
  if (student?.programmeId) targeted.push(Prisma.sql`EXISTS (SELECT 1 FROM "OfferTargetProgramme" tp WHERE tp."offerId" = o.id AND tp."programmeId" = ${student.programmeId})`);
  if (student?.country) targeted.push(Prisma.sql`EXISTS (SELECT 1 FROM "OfferTargetCountry" tc WHERE tc."offerId" = o.id AND tc.country = ${student.country})`);
  return Prisma.sql`(o.status = 'PUBLISHED'
    AND (o."publishFrom" IS NULL OR o."publishFrom" <= ${now})
    AND (o."publishUntil" IS NULL OR o."publishUntil" > ${now})
    AND (${Prisma.join(targeted, ' OR ')}))`;
}
