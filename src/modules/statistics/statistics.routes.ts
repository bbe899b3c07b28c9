import type { Ctx } from '../../context.js';
import { newRouter } from '../../http/router.js';

/** Routes of statistics, "indicateurs" (issue 15). */
export function statisticsRoutes(_ctx: Ctx) {
  const r = newRouter();
  return r;
}
