import type { CentreRight } from '../generated/prisma/client.js';
import type { Actor } from './actor.js';

/** Rights are ordered: ADMIN includes WRITE, which includes READ. */
export const RIGHT_RANK: Record<CentreRight, number> = { READ: 1, WRITE: 2, ADMIN: 3 };

/** The rights at least as strong as `min` ("WRITE" → WRITE and ADMIN), for queries on CentreStaff. */
export function rightsFrom(min: CentreRight): CentreRight[] {
  return (Object.keys(RIGHT_RANK) as CentreRight[]).filter((r) => RIGHT_RANK[r] >= RIGHT_RANK[min]);
}

/**
 * Does the actor hold at least `min` in the centre? A platform administrator holds every right.
 * The one way to ask "WRITE in this centre" (and READ, ADMIN) anywhere in the code.
 */
export function hasCentreRight(actor: Actor | null | undefined, centreId: number | null | undefined, min: CentreRight): boolean {
  if (!actor) return false;
  if (actor.isPlatformAdmin) return true;
  if (centreId === null || centreId === undefined) return false;
  const right = actor.centres.get(centreId);
  return !!right && RIGHT_RANK[right] >= RIGHT_RANK[min];
}

/**
 * The centres where the actor holds at least `min` (their own memberships: a platform
 * administrator's reach over every centre is the caller's to express, usually as "no filter").
 */
export function centresWith(actor: Actor, min: CentreRight): number[] {
  return [...actor.centres.entries()].filter(([, r]) => RIGHT_RANK[r] >= RIGHT_RANK[min]).map(([id]) => id);
}

/** The right held in one centre, or null when the centre is out of reach (memberships only). */
export function centreRight(actor: Actor, centreId: number): CentreRight | null {
  return actor.centres.get(centreId) ?? null;
}
