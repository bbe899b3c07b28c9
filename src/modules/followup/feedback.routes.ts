import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { act } from '../../http/act.js';
import { flash } from '../../http/forms.js';
import { detailAction, type DetailPage } from '../../http/pages.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { f, parse } from '../../http/validate.js';
import { agreementNumber } from '../agreements/agreement.types.js';

const moderateSchema = z.object({ decision: f.enumOf(['APPROVED', 'REJECTED'] as const), note: f.optionalText(1000) });

/**
 * The moderation of the experience feedback students share (issue 14), mounted on /followup:
 *   GET /followup/feedback ('followup.moderate'): the programme manager's feedback to moderate, one page.
 *   POST /followup/feedback/:agreementId/moderate ('followup.moderate'): approve or reject (404 out of their programmes).
 */
export function feedbackRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.feedback;
  const page: DetailPage = async (req, res, problem) => {
    const { pager, items } = await svc.pending(req.actor!, pageParam(req.query.page));
    res.status(problem?.status ?? 200).render('followup/moderation', { title: req.t('followup.moderation.title'), pager, items, number: agreementNumber, errors: problem?.errors ?? {}, formError: problem?.formError ?? null });
  };
  r.get('/feedback', allow('followup.moderate'), (req, res) => page(req, res));
  detailAction(r, '/feedback/:agreementId/moderate', 'followup.moderate', {
    page,
    run: async (req, res) => {
      const input = parse(moderateSchema, req.body);
      await svc.moderate(act(req), idParam(req.params.agreementId), input.decision, input.note);
      flash(req, 'success', `followup.moderation.done.${input.decision}`);
      res.redirect(303, '/followup/feedback');
    },
  });
  return r;
}
