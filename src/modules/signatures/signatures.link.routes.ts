import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { problemOf } from '../../http/pages.js';
import { newRouter } from '../../http/router.js';
import { parse } from '../../http/validate.js';
import { clientOf, sendPdf, signSchema } from './signatures.routes.js';

/**
 * Signing from an e-mailed link, without an account (issue 13), mounted on /sign:
 *   GET /sign/:token — the agreement to read (in the page) and the confirmation; an expired or used
 *     link says so and offers "send me a new link"; an unknown token is a 404.
 *   GET /sign/:token/agreement.pdf — the PDF the holder reads (its hash goes with the confirmation).
 *   POST /sign/:token — signs (once); POST /sign/:token/renew — a new link to the address on the
 *     agreement, the same answer whatever happened (the page never says where it went).
 */
export function signLinkRoutes(ctx: Ctx) {
  const r = newRouter();
  const links = ctx.services.signatureLinks;
  const token = (req: Request) => String(req.params.token);
  const render = async (req: Response['req'], res: Response, extra: { errors?: Record<string, string>; formError?: string | null; renewed?: boolean; signed?: string } = {}) => {
    const s = extra.signed ? null : await links.state(token(req), req.now);
    const doc = s?.kind === 'valid' ? await links.document(token(req), req.now) : null;
    const number = extra.signed ?? s!.number;
    res.status(extra.errors || extra.formError ? 422 : 200).render('signatures/link', {
      title: req.t('signatures.link.title', { number }),
      state: s,
      signed: !!extra.signed,
      renewed: !!extra.renewed,
      number,
      pdfSha256: doc?.sha256 ?? null,
      name: s?.kind === 'valid' ? s.row.signerName : '',
      base: `/sign/${token(req)}`,
      errors: extra.errors ?? {},
      formError: extra.formError ?? null,
      values: {},
    });
  };

  r.get('/:token', allow('public'), async (req, res) => render(req, res));
  r.get('/:token/agreement.pdf', allow('public'), async (req, res) => {
    const doc = await links.document(token(req), req.now);
    sendPdf(res, doc.bytes, `convention-${doc.number}.pdf`);
  });
  r.post('/:token', allow('public'), async (req, res) => {
    try {
      const input = parse(signSchema, req.body);
      const s = await links.state(token(req), req.now);
      await links.sign(token(req), req.now, { pdfSha256: input.pdfSha256, ...clientOf(req) });
      await render(req, res, { signed: s.number });
    } catch (err) {
      const problem = problemOf(err, req.body);
      if (!problem) throw err;
      await render(req, res, { errors: problem.errors, formError: problem.formError });
    }
  });
  r.post('/:token/renew', allow('public'), async (req, res) => {
    await links.renew(token(req), req.now);
    await render(req, res, { renewed: true });
  });
  return r;
}
