import type { MembershipStatus, Prisma } from '../generated/prisma/client.js';

/**
 * The one rule for company memberships: only a CONFIRMED membership grants anything. A claim of an
 * organisation of the directory (company registration by its SIRET) stays PENDING until WRITE
 * staff of the organisation's reference centre confirm it (organisations/claims.service.ts); until
 * then the claimant reaches nothing of the organisation.
 *
 * The actor (actor.ts) holds confirmed memberships only, so every check on `actor.companies`
 * (applications, offers, services and contacts, files) follows; every query on CompanyMembership
 * that grants, lists or tells something spreads `confirmedMembership` into its `where`.
 */
export const CONFIRMED: MembershipStatus = 'CONFIRMED';

export const confirmedMembership = { status: CONFIRMED } satisfies Prisma.CompanyMembershipWhereInput;

/** Does this membership grant its role? */
export function isConfirmed(m: { status: MembershipStatus }): boolean {
  return m.status === CONFIRMED;
}

/** A confirmed administrator with an active account: someone who answers for the organisation. */
export const activeAdministrator = { ...confirmedMembership, role: 'ADMIN', user: { active: true } } satisfies Prisma.CompanyMembershipWhereInput;
