import type { Ctx } from '../../app.js';
import { newRouter } from '../../http/router.js';

export function applicationsRoutes(_ctx: Ctx) {
  return newRouter();
}
