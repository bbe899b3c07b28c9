import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { homeFor } from '../../http/nav.js';
import { newRouter } from '../../http/router.js';
import { REGISTER } from '../companies/registration.state.js';
import { HomeCountsCache, PUBLIC_TOOLS } from './home.js';

export function coreRoutes(ctx: Ctx) {
  const r = newRouter();
  const counts = new HomeCountsCache(ctx.db, ctx.clock);

  // Signed in: one's dashboard. Anonymous: the public home page (what the platform is for whom,
  // its live counts, how to sign in or register, the public tools).
  r.get('/', allow('public'), async (req, res) => {
    if (req.actor) return res.redirect(303, homeFor(req.actor));
    res.render('home', {
      title: req.t('home.title'),
      counts: await counts.get(),
      tools: PUBLIC_TOOLS,
      links: { login: '/login', registerStudent: '/register/student', registerCompany: REGISTER.lookup },
    });
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
