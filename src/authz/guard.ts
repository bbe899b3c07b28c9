import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../http/errors.js';
import { can, type Permission } from './policy.js';

export type Guard = ((req: Request, res: Response, next: NextFunction) => void) & { permission: Permission };

/**
 * Every route's first handler: `router.get(path, allow('perm'), …)`. The authorization-matrix test
 * walks the router and fails on any route without one.
 */
export function allow(permission: Permission): Guard {
  const guard = ((req: Request, res: Response, next: NextFunction) => {
    if (can(req.actor, permission)) return next();
    if (!req.actor) {
      const nextUrl = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `/login${nextUrl}`);
    }
    next(new AppError('forbidden', 403));
  }) as Guard;
  guard.permission = permission;
  return guard;
}
