import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { problemOf } from '../../http/pages.js';
import { newRouter } from '../../http/router.js';
import { agreementNumber } from '../agreements/agreement.types.js';

interface Extra {
  errors?: Record<string, string>;
  formError?: string | null;
  values?: Record<string, unknown>;
  /** The masked address a new link was just sent to. */
  renewedTo?: string;
}

/**
 * The company tutor's evaluation from an e-mailed single-use link, without an account (issue 14),
 * mounted on /evaluate:
 *   GET  /evaluate/:token — the form while the link is valid; a link used, expired, or no longer the
 *     tutor's says so (an expired one offers a new link); an unknown token is a 404.
 *   POST /evaluate/:token — sends the evaluation (the link is then used).
 *   POST /evaluate/:token/renew — an expired link: a new one to the same address, shown masked.
 */
export function evaluationLinkRoutes(ctx: Ctx) {
  const r = newRouter();
  const links = ctx.services.evaluationLinks;
  const token = (req: Request) => String(req.params.token);
  const render = async (req: Request, res: Response, extra: Extra = {}) => {
    const { state, form } = await links.page(token(req), req.now);
    res.status(extra.errors || extra.formError ? 422 : 200).render('evaluations/link', {
      title: req.t('evaluations.link.title', { number: agreementNumber(state.a) }),
      state,
      a: state.a,
      form,
      base: `/evaluate/${token(req)}`,
      renewedTo: extra.renewedTo ?? null,
      errors: extra.errors ?? {},
      formError: extra.formError ?? null,
      values: extra.values ?? {},
    });
  };
  // A refusal the tutor can mend (a field, a link closed meanwhile): the page again, with the message.
  const orProblem = async (req: Request, res: Response, err: unknown) => {
    const problem = problemOf(err, req.body);
    if (!problem) throw err;
    await render(req, res, { errors: problem.errors, formError: problem.formError, values: problem.values });
  };

  r.get('/:token', allow('public'), (req, res) => render(req, res));
  r.post('/:token', allow('public'), async (req, res) => {
    try {
      await links.submit(token(req), req.now, req.body, req.id);
      res.redirect(303, `/evaluate/${token(req)}`);
    } catch (err) {
      await orProblem(req, res, err);
    }
  });
  r.post('/:token/renew', allow('public'), async (req, res) => {
    try {
      const { to } = await links.renew(token(req), req.now, req.id);
      await render(req, res, { renewedTo: to });
    } catch (err) {
      await orProblem(req, res, err);
    }
  });
  return r;
}
