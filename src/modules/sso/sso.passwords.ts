import type { DbOrTx } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';

/**
 * The institutions the user is a member of, as a subquery: those of their student profile, of the
 * centres where they are staff, of the programmes (or study years) where they hold an academic role.
 * An institution's provider speaks for these people only (passwords off, linking by e-mail).
 */
export function memberInstitutions(userId: number): Prisma.Sql {
  return Prisma.sql`
    SELECT sp."institutionId" FROM "StudentProfile" sp WHERE sp."userId" = ${userId}
    UNION
    SELECT mc."institutionId" FROM "CentreStaff" cs JOIN "ManagementCentre" mc ON mc.id = cs."centreId" WHERE cs."userId" = ${userId}
    UNION
    SELECT p."institutionId" FROM "AcademicRole" ar
      LEFT JOIN "StudyYear" sy ON sy.id = ar."studyYearId"
      JOIN "Programme" p ON p.id = COALESCE(ar."programmeId", sy."programmeId")
     WHERE ar."userId" = ${userId}`;
}

/** Is the user a member of the institution (memberInstitutions), and not the platform administrator? */
export async function isMemberOf(db: DbOrTx, userId: number, institutionId: number): Promise<boolean> {
  const rows = await db.$queryRaw<{ ok: boolean }[]>`
    SELECT ${institutionId}::int IN (${memberInstitutions(userId)}) AND NOT (SELECT u."isPlatformAdmin" FROM "User" u WHERE u.id = ${userId}) AS ok`;
  return rows[0]?.ok === true;
}

/**
 * The provider of an institution that has turned passwords off for its members, when the user is
 * one of them: its students, the staff of its centres, the holders of academic roles in its
 * programmes (or their study years). Null otherwise (companies, other institutions, and the
 * platform administrator, who must still be able to sign in when a provider is down). One query.
 */
export async function passwordsDisabledFor(db: DbOrTx, userId: number): Promise<{ institutionId: number; label: string } | null> {
  const rows = await db.$queryRaw<{ institutionId: number; label: string }[]>`
    SELECT ip."institutionId", ip.label
      FROM "IdentityProvider" ip
     WHERE ip.enabled AND ip."passwordsDisabled"
       AND NOT EXISTS (SELECT 1 FROM "User" u WHERE u.id = ${userId} AND u."isPlatformAdmin")
       AND ip."institutionId" IN (${memberInstitutions(userId)})
     ORDER BY ip.label
     LIMIT 1`;
  return rows[0] ?? null;
}
