import type { Ctx } from '../../app.js';
import { newRouter } from '../../http/router.js';

export function centresRoutes(_ctx: Ctx) {
  return newRouter();
}
