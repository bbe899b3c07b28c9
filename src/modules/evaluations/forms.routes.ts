import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { notFound } from '../../errors.js';
import { act } from '../../http/act.js';
import { flash } from '../../http/forms.js';
import { detailAction, type DetailPage } from '../../http/pages.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { parse } from '../../http/validate.js';
import { KIND_PATHS, moveSchema, questionInputSchema, sectionInputSchema } from './forms.editor.js';

/**
 * A centre's evaluation forms, for its ADMIN staff (issue 14), mounted on /centres:
 *   GET  /centres/:id/evaluation-forms — the three kinds, the version in use, the platform's default or the centre's own.
 *   GET  /centres/:id/evaluation-forms/:kind — the editor (kind: company, academic, student).
 *   POST …/:kind/sections, …/:kind/questions — add a section, a question.
 *   POST …/:kind/questions/:key/remove, …/:kind/questions/:key/move (direction up|down).
 * Every change writes a new version of the centre's form ('centre.manage'; the centre decides: 404 / 403).
 */
export function evaluationFormRoutes(ctx: Ctx) {
  const r = newRouter();
  const editor = ctx.services.evaluationForms;
  const centreId = (req: Request) => idParam(req.params.id);
  const kindOf = (req: Request) => {
    const kind = Object.hasOwn(KIND_PATHS, String(req.params.kind)) ? KIND_PATHS[String(req.params.kind)] : null;
    if (!kind) throw notFound();
    return kind;
  };
  const base = (req: Request) => `/centres/${req.params.id}/evaluation-forms/${req.params.kind}`;
  const saved = (req: Request, res: Response, anchor = '') => {
    flash(req, 'success', 'evaluations.editor.saved');
    res.redirect(303, base(req) + anchor);
  };

  r.get('/:id/evaluation-forms', allow('centre.manage'), async (req, res) => {
    const found = await ctx.services.centres.findCentreForActor(req.actor!, centreId(req), 'ADMIN');
    const forms = await editor.overview(req.actor!, centreId(req));
    res.render('evaluations/forms', { title: req.t('evaluations.editor.listTitle', { name: found.centre.name }), ...found, tab: 'evaluationForms', forms });
  });
  const page: DetailPage = async (req, res, problem) => {
    const found = await ctx.services.centres.findCentreForActor(req.actor!, centreId(req), 'ADMIN');
    const kind = kindOf(req);
    const form = await editor.form(req.actor!, centreId(req), kind);
    res.status(problem?.status ?? 200).render('evaluations/editor', {
      title: req.t('evaluations.editor.title', { kind: req.t(`evaluations.kind.${kind}`), name: found.centre.name }),
      ...found,
      tab: 'evaluationForms',
      kind,
      form,
      base: base(req),
      values: problem?.values ?? {},
      errors: problem?.errors ?? {},
      formError: problem?.formError ?? null,
    });
  };
  r.get('/:id/evaluation-forms/:kind', allow('centre.manage'), (req, res) => page(req, res));
  detailAction(r, '/:id/evaluation-forms/:kind/sections', 'centre.manage', {
    page,
    run: async (req, res) => {
      await editor.addSection(act(req), centreId(req), kindOf(req), parse(sectionInputSchema, req.body));
      saved(req, res);
    },
  });
  detailAction(r, '/:id/evaluation-forms/:kind/questions', 'centre.manage', {
    page,
    run: async (req, res) => {
      const kind = kindOf(req);
      await editor.addQuestion(act(req), centreId(req), kind, parse(questionInputSchema, req.body));
      saved(req, res);
    },
  });
  detailAction(r, '/:id/evaluation-forms/:kind/questions/:key/remove', 'centre.manage', {
    page,
    run: async (req, res) => {
      await editor.removeQuestion(act(req), centreId(req), kindOf(req), String(req.params.key));
      saved(req, res);
    },
  });
  detailAction(r, '/:id/evaluation-forms/:kind/questions/:key/move', 'centre.manage', {
    page,
    run: async (req, res) => {
      const { direction } = parse(moveSchema, req.body);
      await editor.moveQuestion(act(req), centreId(req), kindOf(req), String(req.params.key), direction);
      saved(req, res, `#question-${req.params.key}`);
    },
  });
  return r;
}
