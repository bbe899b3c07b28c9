import type { NextFunction, Request, Response } from 'express';

/**
 * Nothing the app computes is kept by a browser or a shared cache: every response after the
 * static assets (which keep their max-age) is `Cache-Control: no-store` — pages, file downloads,
 * redirects, errors. Personal data is on most pages (profile, applications, CVs and letters, the
 * staff student page, the CV book, the account) and also on some an anonymous visitor sees (a
 * registration screen shows what was typed): deciding page by page is what would go wrong, and
 * the few public pages are cheap to render again. Mounted in app.ts right after express.static.
 */
export function noStore(_req: Request, res: Response, next: NextFunction) {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
