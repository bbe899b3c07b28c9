import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { HISTORY_TONES, internshipHistory } from './history.js';

/**
 * The student's "Historique de mes stages" (issue 14), mounted on /agreements before the agreement's
 * page (/agreements/history is no agreement's id):
 *   GET /agreements/history ('agreements.mine'): every internship, its agreement, grade and label.
 */
export function labelHistoryRoutes(ctx: Ctx) {
  const r = newRouter();
  r.get('/history', allow('agreements.mine'), async (req, res) => {
    const { pager, items } = await internshipHistory(ctx.db, req.actor!, pageParam(req.query.page));
    res.render('label/history', { title: req.t('label.history.title'), pager, items, tones: HISTORY_TONES, number: agreementNumber });
  });
  return r;
}
