import type { Passport } from 'passport';
import { loadActor } from '../authz/actor.js';
import type { Db } from '../db/client.js';

/**
 * The session holds only the user id; each request reloads the actor with its memberships (one
 * query), so a right removed by a centre ADMIN takes effect at once. Credentials are checked by
 * AuthService.signIn (with throttling) before req.login is called.
 */
export function configurePassport(passport: InstanceType<typeof Passport>, db: Db) {
  passport.serializeUser((user, done) => done(null, user.id));
  passport.deserializeUser((id: number, done) => {
    loadActor(db, Number(id)).then(
      (actor) => done(null, actor ?? false),
      (err) => done(err),
    );
  });
}
