import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { can, type Permission } from '../authz/policy.js';
import { errorMessage, isErrorCode } from '../errors.js';
import { formatters } from '../i18n/format.js';
import { label, options, type NomenclatureName } from '../nomenclatures/index.js';
import { DEFAULT_LOCALE, isLocale, translator } from '../i18n/index.js';
import type { Clock } from '../time/clock.js';
import { currentEntry, navFor, type Nav } from './nav.js';
import type { Actor } from '../authz/actor.js';
import { messageFor } from './validate.js';

/** Every request gets an id (audit rows, error pages, logs) and its "now", read once from the clock. */
export function requestId(clock: Clock) {
  return (req: Request, res: Response, next: NextFunction) => {
    req.id = randomUUID();
    req.now = clock.now();
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}

/** Locale: the user's choice (session), then their account's, then French. */
export function localeMiddleware(req: Request, _res: Response, next: NextFunction) {
  const chosen = req.session?.locale;
  req.locale = isLocale(chosen) ? chosen : isLocale(req.actor?.locale) ? req.actor.locale : DEFAULT_LOCALE;
  req.t = translator(req.locale);
  next();
}

/** What every view may use: t(), the actor, can(), the CSRF token, flash messages, the menu. */
export function viewLocals(generateToken: (req: Request, res: Response) => string, opts: { devMailbox: boolean }) {
  return (req: Request, res: Response, next: NextFunction) => {
    const t = req.t;
    res.locals.t = t;
    // A catalogue key ("key|param") or an error code of src/errors.ts.
    res.locals.msg = (key: string) => (isErrorCode(key) ? errorMessage(key, req.locale) : messageFor(t, key));
    res.locals.locale = req.locale;
    res.locals.fmt = formatters(req.locale);
    res.locals.ref = referenceHelpers(req.locale);
    res.locals.actor = req.actor;
    res.locals.can = (p: Permission) => can(req.actor, p);
    res.locals.currentPath = req.path;
    res.locals.requestId = req.id;
    res.locals.values = {};
    res.locals.errors = {};
    res.locals.nav = navOf(req.actor, opts.devMailbox);
    res.locals.currentEntry = currentEntry;
    // Lazily created: pages without a form touch neither the session nor the cookies.
    Object.defineProperty(res.locals, 'csrfToken', { get: () => generateToken(req, res), enumerable: true });
    res.locals.flash = req.session?.flash ?? [];
    if (req.session?.flash) delete req.session.flash;
    next();
  };
}

// Built once per language: views call ref.options('civility') and ref.label('civility', value).
const refHelpers = new Map<string, { options: (n: NomenclatureName) => ReturnType<typeof options>; label: (n: NomenclatureName, v: string | null | undefined) => string }>();
function referenceHelpers(locale: 'fr' | 'en') {
  let h = refHelpers.get(locale);
  if (!h) {
    h = { options: (n) => options(n, locale), label: (n, v) => label(n, v, locale) };
    refHelpers.set(locale, h);
  }
  return h;
}

// The menu depends only on the actor's roles (and whether a claim awaits): computed once per such set, not per request.
const navs = new Map<string, Nav>();
function navOf(actor: Actor | null, devMailbox: boolean): Nav {
  if (!actor) return navFor(null);
  const key = `${devMailbox}:${actor.pendingClaims?.length ? 'claim' : ''}:${actor.roles.join(',')}`;
  let nav = navs.get(key);
  if (!nav) {
    nav = navFor(actor, { devMailbox });
    navs.set(key, nav);
  }
  return nav;
}
