import type { Ctx } from '../../context.js';
import { newRouter } from '../../http/router.js';

/** Routes of single sign-on (issue 15). */
export function ssoRoutes(_ctx: Ctx) {
  const r = newRouter();
  return r;
}
