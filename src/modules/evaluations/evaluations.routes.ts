import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import type { EvaluationKind } from '../../generated/prisma/enums.js';
import { act } from '../../http/act.js';
import { flash } from '../../http/forms.js';
import { detailAction, type DetailPage } from '../../http/pages.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { agreementNumber } from '../agreements/agreement.types.js';

/**
 * The evaluations of an internship (issue 14), mounted on /agreements:
 *   GET  /agreements/:id/evaluations/{company,academic,student} ('agreements.view'): the form for the
 *     one who fills it (once open), the answers for those who read them (never the student's: see below).
 *   POST /agreements/:id/evaluations/{company,academic,student} ('followup.act'): sends it, once.
 *   GET  /agreements/:id/evaluations/student/answers ('agreements.view'): the student's confidential
 *     evaluation, for the manager of the student's programme alone (anyone else: 404).
 *   POST /agreements/:id/evaluations/company/consulted ('followup.act'): the academic tutor marks it consulted.
 *   POST /agreements/:id/evaluations/company/link ('agreements.act'): WRITE staff or the academic tutor
 *     mail the company tutor a (new) single-use link.
 */
export function evaluationRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.evaluations;
  const id = (req: Request) => idParam(req.params.id);
  const back = (req: Request, res: Response, key: string, anchor: string, params?: Record<string, string>) => {
    flash(req, 'success', key, params);
    res.redirect(303, `/agreements/${req.params.id}/follow-up#${anchor}`);
  };
  const pageOf = (kind: EvaluationKind): DetailPage => async (req, res, problem) => {
    const p = await svc.page(req.actor!, id(req), kind, req.now);
    res.status(problem?.status ?? 200).render('evaluations/show', {
      title: req.t(`evaluations.title.${kind}`, { number: agreementNumber(p.a) }),
      ...p,
      action: `/agreements/${p.a.id}/evaluations/${kind.toLowerCase()}`,
      values: problem?.values ?? {},
      errors: problem?.errors ?? {},
      formError: problem?.formError ?? null,
    });
  };
  const company = pageOf('COMPANY');

  for (const kind of ['COMPANY', 'ACADEMIC', 'STUDENT'] as const) {
    const path = `/:id/evaluations/${kind.toLowerCase()}`;
    const page = pageOf(kind);
    r.get(path, allow('agreements.view'), (req, res) => page(req, res));
    detailAction(r, path, 'followup.act', {
      page,
      run: async (req, res) => {
        await svc.submit(act(req), id(req), kind, req.body);
        back(req, res, 'evaluations.sent', kind === 'STUDENT' ? 'studentEvaluation' : 'evaluation');
      },
    });
  }
  r.get('/:id/evaluations/student/answers', allow('agreements.view'), async (req, res) => {
    const p = await svc.studentAnswers(req.actor!, id(req));
    res.render('evaluations/answers', { title: req.t('evaluations.title.answers', { number: agreementNumber(p.a) }), ...p });
  });
  detailAction(r, '/:id/evaluations/company/consulted', 'followup.act', {
    page: company,
    run: async (req, res) => {
      await svc.consult(act(req), id(req));
      back(req, res, 'evaluations.consulted', 'evaluation');
    },
  });
  detailAction(r, '/:id/evaluations/company/link', 'agreements.act', {
    page: company,
    run: async (req, res) => {
      const { to } = await ctx.services.evaluationLinks.send(act(req), id(req));
      back(req, res, 'evaluations.link.mailed', 'evaluation', { to });
    },
  });
  return r;
}
