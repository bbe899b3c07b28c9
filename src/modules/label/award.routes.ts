import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { act } from '../../http/act.js';
import { flash } from '../../http/forms.js';
import { detailAction, type DetailPage } from '../../http/pages.js';
import { idParam } from '../../http/pagination.js';
import { f, parse } from '../../http/validate.js';
import { sendPdf } from '../signatures/signatures.routes.js';

const reasonSchema = z.object({ reason: f.text(2000) });

/**
 * The label's award, on the agreements router beside the follow-up (whose page renders the 422s):
 *   POST /agreements/:id/label/award ('label.decide'): the programme manager awards the label (every mandatory step done).
 *   POST /agreements/:id/label/refuse ('label.decide'): …or refuses it, with a reason mailed to the student.
 *   POST /agreements/:id/label/withdraw ('label.decide'): withdraws an awarded label, with a reason.
 *   GET /agreements/:id/label/certificate.pdf ('agreements.view'): the certificate (the student, the
 *     programme manager, the tutors, the centre's staff), while awarded and not withdrawn.
 */
export function labelAwardRoutes(r: Router, ctx: Ctx, page: DetailPage) {
  const svc = ctx.services.labelAward;
  const back = (req: Request, res: Response, key: string) => {
    flash(req, 'success', key);
    res.redirect(303, `/agreements/${req.params.id}/follow-up#award`);
  };
  detailAction(r, '/:id/label/award', 'label.decide', {
    page,
    run: async (req, res) => {
      await svc.award(act(req), idParam(req.params.id));
      back(req, res, 'label.awarded');
    },
  });
  // Refusing and withdrawing both take a reason (mailed to the student).
  for (const [action, done] of [['refuse', 'label.refused'], ['withdraw', 'label.withdrawn']] as const) {
    detailAction(r, `/:id/label/${action}`, 'label.decide', {
      page,
      run: async (req, res) => {
        await svc[action](act(req), idParam(req.params.id), parse(reasonSchema, req.body).reason);
        back(req, res, done);
      },
    });
  }
  r.get('/:id/label/certificate.pdf', allow('agreements.view'), async (req, res) => {
    const out = await svc.certificate(req.actor!, idParam(req.params.id), req.locale);
    sendPdf(res, out.bytes, out.filename);
  });
}
