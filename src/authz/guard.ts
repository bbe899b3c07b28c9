import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../errors.js';
import { can, type Permission } from './policy.js';

/** Set on upload middlewares (src/files/upload.ts): the only handlers that may receive multipart bodies. */
export const ACCEPTS_MULTIPART = Symbol.for('stages.acceptsMultipart');

// app.ts lets multipart requests past the global CSRF check because their token is only readable
// once the upload middleware has parsed the body; that middleware then checks it. Any other route
// refuses multipart bodies here, so no route can be reached that way without a token.
function multipartRefused(req: Request): boolean {
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/')) return false;
  const stack = (req.route as { stack?: { handle: Record<symbol, unknown> }[] } | undefined)?.stack ?? [];
  return !stack.some((layer) => layer.handle?.[ACCEPTS_MULTIPART]);
}

export type Guard = ((req: Request, res: Response, next: NextFunction) => void) & { permission: Permission };

/**
 * Every route's first handler: `router.get(path, allow('perm'), …)`. The authorization-matrix test
 * walks the router and fails on any route without one.
 */
export function allow(permission: Permission): Guard {
  const guard = ((req: Request, res: Response, next: NextFunction) => {
    if (multipartRefused(req)) return next(new AppError('csrf'));
    if (can(req.actor, permission)) return next();
    if (!req.actor) {
      const nextUrl = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `/login${nextUrl}`);
    }
    next(new AppError('forbidden'));
  }) as Guard;
  guard.permission = permission;
  return guard;
}
