import type { Ctx } from '../../context.js';
import { newRouter } from '../../http/router.js';

/** Routes of "Documents utiles" (issue 15). */
export function usefulDocumentsRoutes(_ctx: Ctx) {
  const r = newRouter();
  return r;
}
