import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { problemOf } from '../../http/pages.js';
import { newRouter } from '../../http/router.js';
import { parse } from '../../http/validate.js';
import { sendPdf } from '../signatures/signatures.routes.js';
import { attestationSchema } from './agreements.attestation.js';
import { agreementNumber } from './agreement.types.js';

/**
 * The attestation confirmed from an e-mailed link, without an account (issue 13), mounted on /attest:
 *   GET /attest/:token — the internship and the stipend form (prefilled with the computed amount);
 *     a link used, expired or no longer the tutor's says so; an unknown token is a 404.
 *   POST /attest/:token — confirms the stipend paid, once.
 *   GET /attest/:token/attestation.pdf — the attestation, once confirmed from this link, until it expires.
 */
export function attestationLinkRoutes(ctx: Ctx) {
  const r = newRouter();
  const links = ctx.services.attestationLinks;
  const token = (req: Request) => String(req.params.token);
  const render = async (req: Request, res: Response, extra: { errors?: Record<string, string>; formError?: string | null; values?: Record<string, unknown> } = {}) => {
    const s = await links.state(token(req), req.now);
    const number = 'a' in s ? agreementNumber(s.a) : s.number;
    res.status(extra.errors || extra.formError ? 422 : 200).render('attestation/link', {
      title: req.t('attestation.link.title', { number }),
      state: s,
      a: 'a' in s ? s.a : null,
      prefill: 'a' in s && s.a.stipendTotal !== null ? Number(s.a.stipendTotal).toFixed(2) : '0',
      base: `/attest/${token(req)}`,
      errors: extra.errors ?? {},
      formError: extra.formError ?? null,
      values: extra.values ?? {},
    });
  };

  r.get('/:token', allow('public'), (req, res) => render(req, res));
  r.post('/:token', allow('public'), async (req, res) => {
    try {
      const { stipendPaid } = parse(attestationSchema, req.body);
      await links.confirm(token(req), req.now, stipendPaid, req.id);
      await render(req, res);
    } catch (err) {
      const problem = problemOf(err, req.body);
      if (!problem) throw err;
      await render(req, res, { errors: problem.errors, formError: problem.formError, values: problem.values });
    }
  });
  r.get('/:token/attestation.pdf', allow('public'), async (req, res) => {
    const out = await links.pdf(token(req), req.now);
    sendPdf(res, out.bytes, `attestation-${out.number}.pdf`);
  });
  return r;
}
