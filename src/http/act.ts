import type { Request } from 'express';
import type { Act } from '../act.js';
import type { Actor } from '../authz/actor.js';

/**
 * The Act of a request: the signed-in actor (the route's guard has let them in), the request id
 * and the request's "now". Services take it instead of loose metadata.
 */
export function act(req: Request): Act<Actor> {
  return { actor: req.actor!, requestId: req.id, now: req.now };
}

/** The same for public routes, where nobody may be signed in. */
export function anonymousAct(req: Request): Act<Actor | null> {
  return { actor: req.actor ?? null, requestId: req.id, now: req.now };
}
