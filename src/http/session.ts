import { createHash } from 'node:crypto';
import connectPgSimple from 'connect-pg-simple';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type pg from 'pg';
import { actorRowSql, type UserWithMemberships } from '../authz/actor.js';
import { Prisma } from '../generated/prisma/client.js';

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
/** The idle deadline is pushed again once it was written this long ago: at most one session write a minute. */
export const RENEW_AFTER_MS = 60 * 1000;

declare module 'express-session' {
  interface SessionData {
    /** The idle deadline last written (ms): setting it is what makes express-session save the session. */
    idleUntil?: number;
  }
}

/**
 * Sessions in PostgreSQL with a 30-minute idle timeout. A rolling cookie (and the store's `touch`)
 * would write the session row on every request; instead the row and the cookie are written only
 * when the session changed or when its idle deadline was written more than a minute ago
 * (renewIdleDeadline). The idle timeout is thus between 29 and 30 minutes after the last request.
 */
export function sessions(opts: { pool: pg.Pool; secret: string; secure: boolean; prune: boolean }): RequestHandler[] {
  const PgStore = connectPgSimple(session);
  return [
    session({
      name: 'stages.sid',
      secret: opts.secret,
      store: new (withActor(PgStore, opts.pool))({ pool: preparing(opts.pool), tableName: 'session', createTableIfMissing: false, pruneSessionInterval: opts.prune ? 15 * 60 : false, disableTouch: true }),
      resave: false,
      saveUninitialized: false,
      rolling: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: opts.secure, maxAge: IDLE_TIMEOUT_MS },
    }),
    saveBeforeRedirect,
    renewIdleDeadline,
  ];
}

/**
 * The session look-up reads the signed-in user's actor row in the same statement (actorRowSql on
 * the session's passport id): every signed-in request then costs one round trip less, the actor
 * still as fresh as the request (a right removed elsewhere, by another instance, counts at once).
 */
const SESSION_WITH_ACTOR = Prisma.sql`
  SELECT s.sess, (SELECT row_to_json(a) FROM (${actorRowSql(Prisma.raw(`(s.sess->'passport'->>'user')::int`))}) a) AS actor
  FROM "session" s WHERE s.sid = ${'$sid'} AND s.expire >= now()`;
const SESSION_WITH_ACTOR_NAME = `s_${createHash('sha1').update(SESSION_WITH_ACTOR.text).digest('base64url').slice(0, 20)}`;

/** The actor row read with a session (by its data object), then by the request it was created for. */
const rowsBySession = new WeakMap<object, UserWithMemberships>();
const rowsByRequest = new WeakMap<object, UserWithMemberships>();

/** The actor row read with this request's session, if any (src/auth/passport.ts's deserializer). */
export function preloadedUser(req: Request): UserWithMemberships | undefined {
  return rowsByRequest.get(req);
}

type StoreClass = ReturnType<typeof connectPgSimple>;
function withActor(Base: StoreClass, pool: pg.Pool): StoreClass {
  return class extends Base {
    override get(sid: string, fn: (err: unknown, sess?: session.SessionData | null) => void) {
      pool.query<{ sess: session.SessionData; actor: UserWithMemberships | null }>({ name: SESSION_WITH_ACTOR_NAME, text: SESSION_WITH_ACTOR.text, values: [sid] }).then(
        ({ rows: [row] }) => {
          if (!row) return fn(null, null);
          if (row.actor) rowsBySession.set(row.sess, row.actor);
          fn(null, row.sess);
        },
        (err) => fn(err),
      );
    }
    // express-session builds the request's session from the data `get` gave: the row follows it.
    override createSession(req: Request, sess: session.SessionData) {
      const row = rowsBySession.get(sess);
      if (row) rowsByRequest.set(req, row);
      return super.createSession(req, sess);
    }
  };
}

/**
 * The store's pool, its statements named: the session look-up runs on every signed-in request, and
 * a named statement is parsed and planned once per connection rather than each time.
 */
function preparing(pool: pg.Pool): pg.Pool {
  // Named by the text's hash: the same name always means the same statement on a connection.
  const names = new Map<string, string>();
  const query = (text: string, values?: unknown[]) => {
    let name = names.get(text);
    if (!name) names.set(text, (name = `s_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`));
    return pool.query({ name, text, values });
  };
  return { query } as unknown as pg.Pool;
}

/** The session's data as express-session compares it (the cookie aside). */
function dataOf(s: session.Session): string {
  return JSON.stringify({ ...s, cookie: undefined });
}

/**
 * express-session sends a response's headers before its store has saved the session, and a
 * browser follows a redirect at once: the next page could read the session as it was (a flash
 * message lost, a wizard step missing). A redirect therefore waits for the save, but only of a
 * session that changed during the request: saving an untouched one would write a row for every
 * anonymous visitor sent to the sign-in page, with no cookie pointing to it.
 */
export function saveBeforeRedirect(req: Request, res: Response, next: NextFunction) {
  const id = req.sessionID;
  const before = req.session ? dataOf(req.session) : '';
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    const s = req.session;
    if (!s || (req.sessionID === id && dataOf(s) === before)) return redirect(...args);
    s.save((err) => (err ? next(err) : redirect(...args)));
  }) as typeof res.redirect;
  next();
}

/**
 * Pushes the idle deadline when the one written with the session is more than a minute old. The
 * deadline is express-session's cookie expiry, saved in the row (its JSON and "expire" column);
 * express-session and the store both count it in real time (not the app clock), so its age is
 * read from the cookie: originalMaxAge − maxAge (the time left).
 */
export function renewIdleDeadline(req: Request, _res: Response, next: NextFunction) {
  const s = req.session;
  const c = s?.cookie;
  if (c && c.originalMaxAge !== null && c.maxAge !== undefined && c.originalMaxAge - c.maxAge >= RENEW_AFTER_MS) {
    s.touch();
    // A change of the session's data: express-session saves it (row and expiry) and sends the cookie again.
    s.idleUntil = c.expires!.getTime();
  }
  next();
}
