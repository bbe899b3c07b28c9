import type { Request, Router } from 'express';
import type { Ctx } from '../../../context.js';
import { allow } from '../../../authz/guard.js';
import { forbidden } from '../../../errors.js';
import { act } from '../../../http/act.js';
import { flash, formHandler } from '../../../http/forms.js';
import { idParam } from '../../../http/pagination.js';
import { agreementNumber } from '../agreement.types.js';
import { recordOf } from '../agreements.service.js';
import { AGREEMENT_WORKFLOW } from '../agreements.workflow.js';
import { editPaths } from './wizard.edit-people.js';
import { hostSchema } from './wizard.schemas.js';
import { ORG_QUERY_KEYS, type OrgQuery } from './wizard.service.js';

/**
 * Editing an agreement's host organisation (the wizard's screen 2): searched in the directory by the
 * same criteria, chosen among its entries (a host not yet in the directory is added there first).
 * Another host takes the agreement's service, company tutor and signatory away (they were the old
 * host's): the edit goes on to the service's screen to choose the new host's.
 * Who may: the workflow's `edit` rows (403); out of reach 404; saved through AgreementService.update.
 */
export function agreementEditHostRoutes(r: Router, ctx: Ctx) {
  const svc = ctx.services.agreements;
  const wizardSvc = ctx.services.agreementWizard;
  const perm = allow('agreements.act');
  const load = async (req: Request) => {
    const a = await svc.show(req.actor!, idParam(req.params.id));
    if (!AGREEMENT_WORKFLOW.can(req.actor!, recordOf(a), 'edit')) throw forbidden();
    const q = Object.fromEntries(ORG_QUERY_KEYS.map((k) => [k, String(req.query[k] ?? '')])) as OrgQuery;
    const searched = Object.values(q).some(Boolean);
    const locals = {
      title: req.t('agreementWizard.edit.title', { number: agreementNumber(a) }),
      editing: { number: agreementNumber(a) },
      paths: editPaths(a.id),
      stepKey: 'host',
      q,
      searched,
      results: searched ? await wizardSvc.searchOrganisations(q) : [],
      chosen: await wizardSvc.organisation(a.organisationId),
      newHost: null,
    };
    return { a, locals };
  };

  r.get('/:id/edit/host', perm, async (req, res) => {
    const { a, locals } = await load(req);
    res.render('agreements/wizard/host', { ...locals, values: { organisationId: String(a.organisationId) }, errors: {} });
  });
  r.post(
    '/:id/edit/host',
    perm,
    formHandler({
      schema: hostSchema,
      view: 'agreements/wizard/host',
      locals: async (req) => (await load(req)).locals,
      action: async (req, res, data: { organisationId: number }) => {
        const { a } = await load(req);
        if (data.organisationId === a.organisationId) return void res.redirect(303, `/agreements/${a.id}`);
        await wizardSvc.organisation(data.organisationId);
        const done = await svc.update(act(req), a.id, { organisationId: data.organisationId, serviceId: null, companyTutorId: null, signatoryId: null });
        flash(req, 'success', 'agreementWizard.edit.hostChanged', { number: done.number });
        res.redirect(303, editPaths(a.id).place);
      },
    }),
  );
}
