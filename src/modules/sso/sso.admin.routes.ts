import type { Ctx } from '../../context.js';
import { newRouter } from '../../http/router.js';

/** Routes of the administrator's settings of each institution's single sign-on (issue 15). */
export function ssoAdminRoutes(_ctx: Ctx) {
  const r = newRouter();
  return r;
}
