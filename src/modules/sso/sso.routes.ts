import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { safeNext } from '../../auth/auth.routes.js';
import { startSession } from '../../auth/passport.js';
import { allow } from '../../authz/guard.js';
import { loadActor } from '../../authz/actor.js';
import type { Locale } from '../../generated/prisma/client.js';
import { homeFor } from '../../http/nav.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { log } from '../../log.js';
import type { SignInContext } from './sso.accounts.js';
import { SsoError } from './sso.errors.js';
import type { SsoPending } from './sso.service.js';

/** A sign-in that ends without a session: its own page and status (400/401/403/502), a log line without personal data. */
function refused(req: Request, res: Response, err: unknown) {
  if (!(err instanceof SsoError)) throw err;
  log.warn('sso sign-in refused', { requestId: req.id, path: req.path, reason: err.reason, detail: err.detail });
  res.status(err.status).render('sso/error', { title: req.t(`sso.errors.${err.reason}.title`), reason: err.reason });
}

const signInContext = (req: Request): SignInContext => ({ now: req.now, requestId: req.id, locale: req.locale as Locale });

/**
 * Single sign-on through an institution's provider (issue 15): the sign-in page's buttons post to
 * /sso/:institutionId/start; the provider answers at /callback (OpenID Connect) or /cas (CAS). The
 * answers are GETs that sign in, as both protocols require; they are bound to this browser's
 * session by the state (and for OpenID, the nonce and PKCE verifier) kept at the start.
 */
export function ssoRoutes(ctx: Ctx) {
  const r = newRouter();
  const sso = ctx.services.sso;

  r.post('/:institutionId/start', allow('public'), async (req, res) => {
    if (req.actor) return res.redirect(303, homeFor(req.actor));
    try {
      const { url, pending } = await sso.start(idParam(req.params.institutionId), safeNext(req.body?.next));
      req.session.ssoPending = pending;
      res.redirect(303, url);
    } catch (err) {
      refused(req, res, err);
    }
  });

  /** The provider's answer: the pending sign-in is used once, whatever the outcome. */
  const finish = async (req: Request, res: Response, run: (pending: SsoPending | undefined) => Promise<number>) => {
    const pending = req.session.ssoPending;
    delete req.session.ssoPending;
    try {
      const actor = await loadActor(ctx.db, await run(pending));
      if (!actor) throw new SsoError('inactive');
      await startSession(req, actor);
      req.session.ssoInstitutionId = pending!.institutionId;
      res.redirect(303, pending!.next ?? homeFor(actor));
    } catch (err) {
      refused(req, res, err);
    }
  };

  r.get('/:institutionId/callback', allow('public'), async (req, res) => {
    const id = idParam(req.params.institutionId);
    const q = req.originalUrl.indexOf('?');
    const search = q >= 0 ? req.originalUrl.slice(q) : '';
    await finish(req, res, (pending) => sso.finishOidc(id, pending, search, signInContext(req)));
  });

  r.get('/:institutionId/cas', allow('public'), async (req, res) => {
    const id = idParam(req.params.institutionId);
    await finish(req, res, (pending) => sso.finishCas(id, pending, { state: req.query.state, ticket: req.query.ticket }, signInContext(req)));
  });

  // After POST /logout of a session opened by a provider: the provider's own sign-out, offered.
  r.get('/:institutionId/signed-out', allow('public'), async (req, res) => {
    if (req.actor) return res.redirect(303, homeFor(req.actor));
    const provider = await sso.logoutLink(idParam(req.params.institutionId));
    res.render('sso/signed-out', { title: req.t('sso.signedOut.title'), provider });
  });

  return r;
}
