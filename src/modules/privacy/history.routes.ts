import type { Ctx } from '../../context.js';
import { newRouter } from '../../http/router.js';

/** Routes of the audit history of a record (issue 15). */
export function historyRoutes(_ctx: Ctx) {
  const r = newRouter();
  return r;
}
