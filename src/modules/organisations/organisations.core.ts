import { audit } from '../../audit/audit.js';
import type { Act } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { departmentOf, digitsOf, normalizeName } from './identifiers.js';
import type { OrganisationInput } from './organisations.schemas.js';

/** The columns derived from what the form gives: search keys and the département. */
export function derivedColumns(input: Pick<OrganisationInput, 'legalName' | 'phone' | 'postalCode' | 'country'> & { fax?: string | null }) {
  return {
    normalizedName: normalizeName(input.legalName),
    phoneDigits: digitsOf(input.phone),
    faxDigits: input.fax ? digitsOf(input.fax) : null,
    department: departmentOf(input.postalCode, input.country),
  };
}

/** May the actor manage this organisation's services and contacts (WRITE staff, the platform administrator, its company administrator)? */
export function mayManageServices(actor: Actor, organisationId: number): boolean {
  if (actor.isPlatformAdmin || actor.roles.includes('centreWrite')) return true;
  return actor.companies.some((c) => c.organisationId === organisationId && c.role === 'ADMIN');
}

/**
 * Possible duplicates of an organisation about to be created: the same SIRET, or the same
 * normalised name in the same postal code (shown to the user before creation).
 */
export async function findPossibleDuplicates(db: DbOrTx, input: Pick<OrganisationInput, 'legalName' | 'siret' | 'postalCode'>, excludeId?: number) {
  const or: Prisma.OrganisationWhereInput[] = [{ normalizedName: normalizeName(input.legalName), postalCode: input.postalCode }];
  if (input.siret) or.push({ siret: input.siret });
  return db.organisation.findMany({
    where: { OR: or, ...(excludeId ? { id: { not: excludeId } } : {}) },
    select: { id: true, legalName: true, siret: true, postalCode: true, city: true, country: true, verified: true },
    take: 10,
  });
}

/**
 * Creates an organisation inside the caller's transaction, audited. Organisations created by
 * centre staff with WRITE are verified at once; those created by a student or a company wait in
 * the verification queue of `centreId`.
 */
export async function createOrganisation(tx: Tx, act: Act<Actor | null>, input: OrganisationInput, opts: { verified: boolean; centreId: number | null }) {
  const { actor, now, requestId } = act;
  const org = await tx.organisation.create({
    data: {
      ...input,
      ...derivedColumns(input),
      verified: opts.verified,
      verifiedAt: opts.verified ? now : null,
      verifiedById: opts.verified && actor ? actor.id : null,
      centreId: opts.centreId,
      createdById: actor?.id ?? null,
    },
  });
  await audit(tx, { actorId: actor?.id ?? null, action: 'organisation.create', entityType: 'Organisation', entityId: org.id, after: org, requestId });
  return org;
}
