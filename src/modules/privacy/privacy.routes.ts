import type { Ctx } from '../../context.js';
import { newRouter } from '../../http/router.js';

/** Routes of personal data: privacy page, export, retention, erasure (issue 15). */
export function privacyRoutes(_ctx: Ctx) {
  const r = newRouter();
  return r;
}
