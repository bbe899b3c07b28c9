import type { Request } from 'express';
import type { Passport } from 'passport';
import { actorFromRow, loadActor, type Actor } from '../authz/actor.js';
import { preloadedUser } from '../http/session.js';
import type { Db } from '../db/client.js';

/**
 * The session holds only the user id; each request reloads the actor with its memberships (read
 * with the session itself, in the same statement), so a right removed by a centre ADMIN takes
 * effect at once. Credentials are checked by
 * AuthService.signIn (with throttling) before req.login is called.
 */
export function configurePassport(passport: InstanceType<typeof Passport>, db: Db) {
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((req: Request, id: number, done: (err: unknown, user?: Actor | false) => void) => {
    // Usually read with the session already (src/http/session.ts): no query of its own.
    const row = preloadedUser(req);
    if (row && row.id === Number(id)) return done(null, actorFromRow(row) ?? false);
    loadActor(db, Number(id)).then(
      (actor) => done(null, actor ?? false),
      (err) => done(err),
    );
  });
}

/**
 * Signs the actor in on this browser, the one ending of every sign-in (password, single sign-on):
 * passport 0.7 gives the session a new id (no session fixation) and empties it; the language
 * chosen before stays, and the session's start is noted for its absolute timeout.
 */
export async function startSession(req: Request, actor: Actor): Promise<void> {
  const locale = req.session.locale;
  await new Promise<void>((resolve, reject) => req.login(actor, (err) => (err ? reject(err) : resolve())));
  req.session.createdAt = req.now.getTime();
  if (locale) req.session.locale = locale;
}
