import type { Actor } from '../../authz/actor.js';
import { centresWith } from '../../authz/centres.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { notFound } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';

/**
 * Record reach: a company member reaches their organisation's offers, centre staff the offers
 * their centres manage or receive, a platform administrator every offer; anything else is a 404.
 * (Students reach only what offers.visibility.ts lets them see.)
 */

/**
 * The organisations the actor may write an offer for: staff with WRITE in a centre (and the
 * platform administrator) any organisation of the directory (a school offer); a company user only
 * their own confirmed organisations. Asked by the form's page (its name and contacts), by its
 * POST and by the contacts the form lists: another organisation is a 404, whatever the id.
 */
export function mayWriteOfferFor(actor: Actor, organisationId: number): boolean {
  if (actor.isPlatformAdmin || centresWith(actor, 'WRITE').length > 0) return true;
  return actor.companies.some((c) => c.organisationId === organisationId);
}

/** The organisation of a new offer's form, when the actor may write for it (404 otherwise; null when unknown). */
export async function offerOrganisation(db: DbOrTx, actor: Actor, organisationId: number) {
  if (!mayWriteOfferFor(actor, organisationId)) throw notFound();
  return db.organisation.findUnique({ where: { id: organisationId }, select: { id: true, legalName: true, centreId: true } });
}

/** What an offer's page shows. */
export const detailInclude = {
  organisation: { select: { id: true, legalName: true, city: true, country: true, website: true } },
  centre: { select: { id: true, name: true } },
  author: { select: { id: true, firstName: true, lastName: true } },
  applicationContact: true,
  infoContact: true,
  attachmentFile: { select: { id: true, originalName: true, size: true, mimeType: true } },
  targetCountries: true,
  targetInstitutions: { include: { institution: { select: { id: true, name: true } } } },
  targetProgrammes: { include: { programme: { select: { id: true, name: true } } } },
  diffusionCentres: { include: { centre: { select: { id: true, name: true } } } },
} as const satisfies Prisma.OfferInclude;

export type OfferDetail = Prisma.OfferGetPayload<{ include: typeof detailInclude }>;

/** The offers the actor manages or follows (company, centre staff, platform admin). */
export function reachWhere(actor: Actor): Prisma.OfferWhereInput {
  if (actor.isPlatformAdmin) return {};
  const centres = [...actor.centres.keys()];
  const or: Prisma.OfferWhereInput[] = [];
  const orgs = actor.companies.map((c) => c.organisationId);
  if (orgs.length) or.push({ organisationId: { in: orgs } });
  if (centres.length) or.push({ centreId: { in: centres } }, { diffusionCentres: { some: { centreId: { in: centres } } } });
  return or.length ? { OR: or } : { id: -1 };
}

/** reachWhere as an SQL condition on the offer `o` (the staff search ranks in SQL). */
export function reachSql(actor: Actor): Prisma.Sql {
  if (actor.isPlatformAdmin) return Prisma.sql`TRUE`;
  const centres = [...actor.centres.keys()];
  const orgs = actor.companies.map((c) => c.organisationId);
  const or: Prisma.Sql[] = [];
  if (orgs.length) or.push(Prisma.sql`o."organisationId" IN (${Prisma.join(orgs)})`);
  if (centres.length) {
    or.push(Prisma.sql`o."centreId" IN (${Prisma.join(centres)})`, Prisma.sql`EXISTS (SELECT 1 FROM "OfferDiffusionCentre" dc WHERE dc."offerId" = o.id AND dc."centreId" IN (${Prisma.join(centres)}))`);
  }
  return or.length ? Prisma.sql`(${Prisma.join(or, ' OR ')})` : Prisma.sql`FALSE`;
}

/** One offer within the actor's reach (the platform, actor null, reaches every offer); 404 otherwise. */
export async function findInReach(db: DbOrTx, actor: Actor | null, id: number) {
  const offer = await db.offer.findFirst({ where: actor ? { AND: [{ id }, reachWhere(actor)] } : { id } });
  if (!offer) throw notFound();
  return offer;
}

/**
 * Locks the offer's row for the transaction (two moderators, or the job and a renewal, never
 * both apply a transition to the same state), then reads it within reach.
 */
export async function lockInReach(tx: Tx, actor: Actor | null, id: number) {
  const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Offer" WHERE id = ${id} FOR UPDATE`;
  if (!rows.length) throw notFound();
  return findInReach(tx, actor, id);
}
