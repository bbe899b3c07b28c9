// Who reads which "Documents utiles" (issue 15). A document is for some audiences, on the whole
// platform (centreId null) or in one centre. An actor belongs to the audiences of their roles, each
// within some centres:
//   - a student (STUDENTS): the centre of their study year (or, without a year, the centres of their
//     programme's years);
//   - a company's administrator or contact (COMPANIES): the centres the organisation deals with — its
//     reference centre, the centres managing its offers, the centres of its interns' agreements. A
//     company may work with any centre, but a document of a centre it has nothing to do with would
//     only be noise (another school's procedures); a company new to the platform sees the platform's
//     documents until it deals with a centre;
//   - academic staff (ACADEMIC_STAFF): the centres of the institutions of their programmes and years;
//   - centre staff (CENTRE_STAFF): their centres, where they read every document whatever its
//     audience (they answer the questions of the others about them).
// The platform's documents reach everyone of their audiences; the platform administrator reads all.
import type { Actor } from '../../authz/actor.js';
import type { DbOrTx } from '../../db/client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { DocumentAudience } from '../../generated/prisma/enums.js';

export const AUDIENCES = ['STUDENTS', 'COMPANIES', 'ACADEMIC_STAFF', 'CENTRE_STAFF'] as const satisfies readonly DocumentAudience[];

/** The audiences of the actor's roles (in the order of AUDIENCES). */
export function audiencesOf(actor: Actor): DocumentAudience[] {
  const has: Record<DocumentAudience, boolean> = {
    STUDENTS: !!actor.student,
    COMPANIES: actor.companies.length > 0,
    ACADEMIC_STAFF: actor.academic.length > 0,
    CENTRE_STAFF: actor.centres.size > 0,
  };
  return AUDIENCES.filter((a) => has[a]);
}

type AudienceCentres = Record<'STUDENTS' | 'COMPANIES' | 'ACADEMIC_STAFF', number[]>;

/** The centres in which the actor is a student, a company or academic staff: one round trip. */
export async function audienceCentres(db: DbOrTx, actor: Actor): Promise<AudienceCentres> {
  const yearId = actor.student?.studyYearId ?? null;
  const programmeId = actor.student?.programmeId ?? null;
  const orgs = actor.companies.map((c) => c.organisationId);
  const programmes = actor.academic.flatMap((a) => (a.programmeId ? [a.programmeId] : []));
  const years = actor.academic.flatMap((a) => (a.studyYearId ? [a.studyYearId] : []));
  if (!actor.student && !orgs.length && !programmes.length && !years.length) return { STUDENTS: [], COMPANIES: [], ACADEMIC_STAFF: [] };
  const [row] = await db.$queryRaw<{ students: number[]; companies: number[]; academic: number[] }[]>`
    SELECT
      ARRAY(SELECT DISTINCT y."centreId" FROM "StudyYear" y
            WHERE y.id = ${yearId}::int OR (${yearId}::int IS NULL AND y."programmeId" = ${programmeId}::int)) AS students,
      ARRAY(SELECT o."centreId" FROM "Organisation" o WHERE o.id = ANY(${orgs}::int[]) AND o."centreId" IS NOT NULL
            UNION SELECT f."centreId" FROM "Offer" f WHERE f."organisationId" = ANY(${orgs}::int[]) AND f."centreId" IS NOT NULL
            UNION SELECT a."centreId" FROM "Agreement" a WHERE a."organisationId" = ANY(${orgs}::int[])) AS companies,
      ARRAY(SELECT c.id FROM "ManagementCentre" c WHERE c."institutionId" IN (
              SELECT p."institutionId" FROM "Programme" p WHERE p.id = ANY(${programmes}::int[])
              UNION SELECT p."institutionId" FROM "StudyYear" y JOIN "Programme" p ON p.id = y."programmeId" WHERE y.id = ANY(${years}::int[]))) AS academic`;
  return { STUDENTS: row.students, COMPANIES: row.companies, ACADEMIC_STAFF: row.academic };
}

/** The documents the actor may read, as a filter of UsefulDocument (every one for the platform administrator). */
export async function readableWhere(db: DbOrTx, actor: Actor): Promise<Prisma.UsefulDocumentWhereInput> {
  if (actor.isPlatformAdmin) return {};
  const audiences = audiencesOf(actor);
  const centres = await audienceCentres(db, actor);
  const or: Prisma.UsefulDocumentWhereInput[] = [];
  if (audiences.length) or.push({ centreId: null, audiences: { hasSome: audiences } });
  for (const a of ['STUDENTS', 'COMPANIES', 'ACADEMIC_STAFF'] as const) {
    if (audiences.includes(a) && centres[a].length) or.push({ centreId: { in: centres[a] }, audiences: { has: a } });
  }
  if (actor.centres.size) or.push({ centreId: { in: [...actor.centres.keys()] } });
  // Nobody's audience (an account with no role yet): nothing.
  return or.length ? { OR: or } : { id: { in: [] } };
}
