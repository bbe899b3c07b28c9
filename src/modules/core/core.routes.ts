import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { homeFor } from '../../http/nav.js';
import { newRouter } from '../../http/router.js';

export function coreRoutes(ctx: Ctx) {
  const r = newRouter();

  r.get('/', allow('public'), (req, res) => {
    res.redirect(303, req.actor ? homeFor(req.actor) : '/login');
  });

  // Browsers ask for /favicon.ico whatever the page says: the one icon is the SVG.
  r.get('/favicon.ico', allow('public'), (_req, res) => {
    res.redirect(301, '/static/favicon.svg');
  });

  r.get('/healthz', allow('public'), async (_req, res) => {
    try {
      await ctx.db.$queryRaw`SELECT 1`;
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  return r;
}
