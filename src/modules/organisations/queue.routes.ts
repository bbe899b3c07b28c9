import type { Request, Router } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { flash } from '../../http/forms.js';
import { act, detailAction, type DetailPage } from '../../http/pages.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { f, parse, textLimits } from '../../http/validate.js';
import { countryName } from './organisations.view.js';

/** A refusal says why: the reason is mailed to the claimant. */
const refuseSchema = z.object({ reason: f.text(2000) });

/**
 * The verification queue of WRITE staff ('organisations.moderate'; record reach in the services):
 * the claims awaiting their centre (who claims what, accept or refuse with a reason) and the
 * unverified organisations of their centres.
 */
export function verificationQueueRoutes(r: Router, ctx: Ctx) {
  const svc = ctx.services.organisations;
  const claims = ctx.services.claims;
  const orgId = (req: Request) => idParam(req.params.id);

  /** The queue; after a refused decision, with its message beside the claim it was about. */
  const queuePage: DetailPage = async (req, res, problem) => {
    const [{ items, pager }, pending] = await Promise.all([svc.queue(req.actor!, pageParam(req.query.page)), claims.queue(req.actor!)]);
    res.status(problem?.status ?? 200).render('organisations/queue', {
      title: req.t('organisations.queue.title'),
      items,
      pager,
      claims: pending.claims,
      claimsTotal: pending.total,
      // The claim the refused decision was about: its refusal form stays open with what was typed.
      refusing: problem ? orgId(req) : null,
      values: problem?.values ?? {},
      errors: problem?.errors ?? {},
      formError: problem?.formError ?? null,
      baseUrl: '/organisations/queue',
      countryName: (c: string | null) => countryName(c, req.locale),
      limits: textLimits(refuseSchema),
    });
  };
  r.get('/queue', allow('organisations.moderate'), (req, res) => queuePage(req, res));

  detailAction(r, '/:id/claim/accept', 'organisations.moderate', {
    page: queuePage,
    run: async (req, res) => {
      const org = await claims.accept(act(req), orgId(req));
      flash(req, 'success', 'organisations.claims.accepted', { name: org.legalName });
      res.redirect(303, '/organisations/queue');
    },
  });

  detailAction(r, '/:id/claim/refuse', 'organisations.moderate', {
    page: queuePage,
    run: async (req, res) => {
      const { reason } = parse(refuseSchema, req.body);
      const org = await claims.refuse(act(req), orgId(req), reason);
      flash(req, 'success', 'organisations.claims.refused', { name: org.legalName });
      res.redirect(303, '/organisations/queue');
    },
  });
}
