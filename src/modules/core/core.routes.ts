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

  // A probe's answer: 503 as soon as the database does not answer within the connection timeout,
  // whatever the cause (refused, lost, frozen); the pools recover by themselves once it is back.
  r.get('/healthz', allow('public'), async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const ok = await answersWithin(ctx.db.$queryRaw`SELECT 1`, ctx.config.DB_CONNECT_TIMEOUT_MS);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable' });
  });

  return r;
}

function answersWithin(query: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const answered = query.then(
    () => true,
    () => false,
  );
  return Promise.race([answered, late]).finally(() => clearTimeout(timer));
}
