import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { act } from '../../http/act.js';
import { notFound } from '../../errors.js';
import { newRouter } from '../../http/router.js';

/**
 * The private calendar feed (issue 14), mounted on /:
 *   GET /account/calendar ('account.self'): whether a feed exists, and the form to (re)make its URL.
 *   POST /account/calendar ('account.self'): a new secret URL, shown once on the answer (the former one stops).
 *   GET /calendar/:token.ics ('public'): the feed (text/calendar); an unknown or renewed secret is a 404.
 */
export function calendarRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.calendar;
  r.get('/account/calendar', allow('account.self'), async (req, res) => {
    res.render('followup/calendar', { title: req.t('followup.calendar.title'), has: await svc.has(req.actor!.id), url: null });
  });
  r.post('/account/calendar', allow('account.self'), async (req, res) => {
    // Rendered, not redirected: the secret is never put in a session or a URL of the app's own.
    res.set('Cache-Control', 'no-store').render('followup/calendar', { title: req.t('followup.calendar.title'), has: true, url: await svc.renew(act(req)) });
  });
  r.get('/calendar/:file', allow('public'), async (req, res) => {
    const m = /^([A-Za-z0-9_-]{20,100})\.ics$/.exec(String(req.params.file));
    const body = m ? await svc.feed(m[1], req.now) : null;
    if (!body) throw notFound();
    res.set({ 'Content-Type': 'text/calendar; charset=utf-8', 'Cache-Control': 'private, max-age=300' }).send(body);
  });
  return r;
}
