import type { Actor } from '../../authz/actor.js';
import type { DbOrTx } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { TicketCategory } from '../../generated/prisma/enums.js';
import { agreementReachWhere } from '../agreements/agreements.reach.js';

/** The longest page path kept: a path of this site is far shorter; anything longer is not one. */
const MAX_PATH = 300;
/**
 * Path segments longer than this are secrets, not ids: the links of /sign, /attest, /evaluate and
 * the calendar feed carry a 43-character token. A report must never copy one into a ticket.
 */
const MAX_SEGMENT = 32;

/**
 * The page a report is made from, as it is kept and shown: a path of this site only (no scheme,
 * no host, no "//"), its query string and fragment dropped (they may carry search terms: personal
 * data), token-like segments masked. Anything else is the home page: the field is read-only, so a
 * bad value was not typed by the user and is not theirs to mend.
 */
export function cleanPagePath(raw: unknown): string {
  const s = typeof raw === 'string' ? raw.split(/[?#]/)[0] : '';
  if (!/^\/(?!\/)/.test(s) || s.length > MAX_PATH || !/^[\w\-./~%:@]*$/.test(s)) return '/';
  return s
    .split('/')
    .map((seg) => (seg.length > MAX_SEGMENT ? ':token' : seg))
    .join('/');
}

/** The agreement id of an agreement's page (/agreements/42, /agreements/42/follow-up…), or null. */
export function agreementOfPath(pagePath: string): number | null {
  const m = /^\/agreements\/(\d{1,9})(?:\/|$)/.exec(pagePath);
  return m ? Number(m[1]) : null;
}

export interface TicketDestination {
  /** null: the platform administrator. */
  centreId: number | null;
  agreementId: number | null;
}

/**
 * Where a report goes — the one place this is decided:
 *  1. An account problem (sign-in, rights, personal data) → the platform administrator: only they
 *     manage accounts, whatever the user's centre.
 *  2. Reported from an agreement's page the user may see → that agreement's centre (its staff
 *     manage it), and the ticket keeps the agreement. An agreement out of the user's reach is
 *     ignored (a typed-in path must not route a report, nor reveal anything).
 *  3. Otherwise the user's own centre, the first found in this order: a student's study year's
 *     centre (or, without a year, the first year of their programme); a centre staff member's
 *     first centre; an academic's study years' or programmes' centre; a company user's
 *     organisation's reference centre (confirmed memberships only).
 *  4. No centre at all (a platform administrator, a company without a reference centre) → the
 *     platform administrator.
 * One statement for rule 3 whatever the user holds.
 */
export async function destinationOf(db: DbOrTx, actor: Actor, category: TicketCategory, pagePath: string): Promise<TicketDestination> {
  if (category === 'ACCOUNT') return { centreId: null, agreementId: null };
  const agreementId = agreementOfPath(pagePath);
  if (agreementId !== null) {
    const a = await db.agreement.findFirst({ where: { AND: [{ id: agreementId }, agreementReachWhere(actor)] }, select: { id: true, centreId: true } });
    if (a) return { centreId: a.centreId, agreementId: a.id };
  }
  return { centreId: await ownCentreOf(db, actor.id), agreementId: null };
}

/** Rule 3 of destinationOf: the user's own centre, or null. */
async function ownCentreOf(db: DbOrTx, userId: number): Promise<number | null> {
  const firstYearOf = (programme: Prisma.Sql) => Prisma.sql`(SELECT y."centreId" FROM "StudyYear" y WHERE y."programmeId" = ${programme} ORDER BY y.id LIMIT 1)`;
  const rows = await db.$queryRaw<{ centreId: number }[]>`
    SELECT c."centreId" FROM (
        SELECT 1 AS rank, 0 AS ord, COALESCE(sy."centreId", ${firstYearOf(Prisma.sql`sp."programmeId"`)}) AS "centreId"
          FROM "StudentProfile" sp LEFT JOIN "StudyYear" sy ON sy.id = sp."studyYearId" WHERE sp."userId" = ${userId}
        UNION ALL
        SELECT 2, cs.id, cs."centreId" FROM "CentreStaff" cs WHERE cs."userId" = ${userId}
        UNION ALL
        SELECT 3, ar.id, COALESCE(sy."centreId", ${firstYearOf(Prisma.sql`ar."programmeId"`)})
          FROM "AcademicRole" ar LEFT JOIN "StudyYear" sy ON sy.id = ar."studyYearId" WHERE ar."userId" = ${userId}
        UNION ALL
        SELECT 4, m.id, o."centreId" FROM "CompanyMembership" m JOIN "Organisation" o ON o.id = m."organisationId"
          WHERE m."userId" = ${userId} AND m.status = 'CONFIRMED'
      ) c WHERE c."centreId" IS NOT NULL ORDER BY c.rank, c.ord LIMIT 1`;
  return rows[0]?.centreId ?? null;
}
