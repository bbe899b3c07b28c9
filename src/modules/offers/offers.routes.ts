import type { Ctx } from '../../app.js';
import { newRouter } from '../../http/router.js';

export function offersRoutes(_ctx: Ctx) {
  return newRouter();
}
