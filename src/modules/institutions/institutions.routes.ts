import type { Ctx } from '../../app.js';
import { newRouter } from '../../http/router.js';

// Platform administration of reference data (filled in by the institutions module).
export function institutionsRoutes(_ctx: Ctx) {
  return newRouter();
}
