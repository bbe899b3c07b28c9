import type { Router } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { act } from '../../http/act.js';
import { flash } from '../../http/forms.js';
import { idParam } from '../../http/pagination.js';
import { detailAction, type DetailPage } from '../../http/pages.js';
import { parse } from '../../http/validate.js';
import { sendPdf } from '../signatures/signatures.routes.js';
import { attestationSchema } from './agreements.attestation.js';

/**
 * The attestation de stage, on the agreement's router (its page renders the 422s):
 *   POST /agreements/:id/attestation ('agreements.attest'): the host (or the centre) confirms the stipend paid.
 *   POST /agreements/:id/attestation/link ('agreements.act'): the centre mails a tutor without an account the link to confirm it (/attest/:token).
 *   GET /agreements/:id/attestation.pdf ('agreements.view'): the attestation, once confirmed (404 before).
 */
export function attestationRoutes(r: Router, ctx: Ctx, page: DetailPage) {
  const svc = ctx.services.attestations;
  detailAction(r, '/:id/attestation', 'agreements.attest', {
    page,
    run: async (req, res) => {
      const { stipendPaid } = parse(attestationSchema, req.body);
      await svc.confirm(act(req), idParam(req.params.id), stipendPaid);
      flash(req, 'success', 'attestation.confirmed');
      res.redirect(303, `/agreements/${req.params.id}#attestation`);
    },
  });
  detailAction(r, '/:id/attestation/link', 'agreements.act', {
    page,
    run: async (req, res) => {
      await ctx.services.attestationLinks.send(act(req), idParam(req.params.id));
      flash(req, 'success', 'attestation.linkSent');
      res.redirect(303, `/agreements/${req.params.id}#attestation`);
    },
  });
  r.get('/:id/attestation.pdf', allow('agreements.view'), async (req, res) => {
    const out = await svc.pdf(req.actor!, idParam(req.params.id), req.now);
    sendPdf(res, out.bytes, `attestation-${out.number}.pdf`);
  });
}
