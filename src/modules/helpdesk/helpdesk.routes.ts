import type { Ctx } from '../../context.js';
import { newRouter } from '../../http/router.js';

/** Routes of the help desk, "Signaler un problème" (issue 15). */
export function helpdeskRoutes(_ctx: Ctx) {
  const r = newRouter();
  return r;
}
