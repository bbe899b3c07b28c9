import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors.js';
import { cookieOptions, readCookie } from './cookies.js';

/**
 * CSRF tokens, of two kinds (README, Decisions: "No session for anonymous visitors"):
 *
 * - signed in: a synchroniser token kept in the session (csrf-sync), bound to that session;
 * - anonymous: a signed double-submit token, so that showing a form stores nothing on the server.
 *   A random nonce lives in an HttpOnly cookie and the form carries HMAC(secret, nonce): a forger
 *   can neither read the cookie nor compute the MAC of a nonce of their own without the secret.
 *   Over HTTPS the cookie is `__Host-` prefixed, so a sibling sub-domain cannot plant one.
 *
 * The kind is chosen by whether the request is signed in, the same way when the form is drawn and
 * when it is posted. Multipart bodies are checked by the upload middleware (src/files/upload.ts)
 * once multer has parsed them, through `isRequestValid`.
 */
export interface Csrf {
  /** The token to put in the page's forms (sets the nonce cookie of an anonymous browser that has none). */
  token(req: Request, res: Response): string;
  isRequestValid(req: Request): boolean;
  /** Refuses (403) a state-changing request without a valid token. */
  protect(req: Request, res: Response, next: NextFunction): void;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const NONCE = /^[\w-]{32}$/;

export function csrfProtection(opts: { secret: string; secure: boolean }): Csrf {
  const sync = csrfSync({ getTokenFromRequest: tokenOf });
  const cookieName = opts.secure ? '__Host-stages.csrf' : 'stages.csrf';
  const mac = (nonce: string) => createHmac('sha256', opts.secret).update(`csrf\u0000${nonce}`).digest('base64url');
  // A nonce created during this request (several forms on one page share it).
  const fresh = new WeakMap<Request, string>();
  const signedIn = (req: Request) => !!req.user;

  function nonceOf(req: Request): string | null {
    const n = fresh.get(req) ?? readCookie(req, cookieName);
    return n && NONCE.test(n) ? n : null;
  }

  function anonymousToken(req: Request, res: Response): string {
    let nonce = nonceOf(req);
    if (!nonce) {
      nonce = randomBytes(24).toString('base64url');
      fresh.set(req, nonce);
      // A browser-session cookie: a form left open for hours still posts.
      res.cookie(cookieName, nonce, cookieOptions(opts.secure));
    }
    return mac(nonce);
  }

  function anonymousValid(req: Request): boolean {
    const nonce = nonceOf(req);
    const given = tokenOf(req);
    if (!nonce || !given) return false;
    const expected = Buffer.from(mac(nonce));
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  const isRequestValid = (req: Request) => (signedIn(req) ? sync.isRequestValid(req) : anonymousValid(req));

  return {
    token: (req, res) => (signedIn(req) ? sync.generateToken(req) : anonymousToken(req, res)),
    isRequestValid,
    protect(req, _res, next) {
      if (SAFE_METHODS.has(req.method) || (req.headers['content-type'] ?? '').startsWith('multipart/form-data')) return next();
      next(isRequestValid(req) ? undefined : new AppError('csrf'));
    },
  };
}

function tokenOf(req: Request): string | undefined {
  const v = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'];
  return typeof v === 'string' ? v : undefined;
}
