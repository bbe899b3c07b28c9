// Screen 2's other form: a host organisation not in the directory, typed with the directory's own
// form and rules. It stays in the draft and is created with the agreement, unverified, in the
// verification queue of the student's centre (whoever creates it: the centre verifies it after).
import type { Request, RequestHandler, Router } from 'express';
import { ValidationError } from '../../../errors.js';
import { formHandler } from '../../../http/forms.js';
import type { Wizard } from '../../../http/wizard.js';
import { organisationCreateSchema, type OrganisationCreateInput } from '../../organisations/organisations.schemas.js';
import { countryName } from '../../organisations/organisations.view.js';
import type { AgreementWizardService } from './wizard.service.js';
import { WIZARD_PATHS, type AgreementWizardState } from './wizard.state.js';

export const HOST_CREATE = `${WIZARD_PATHS.host}/create`;

export function hostCreateRoutes(r: Router, svc: AgreementWizardService, wizard: Wizard<AgreementWizardState>, before: RequestHandler[]) {
  const locals = async (req: Request) => ({
    ...wizard.progress(req, await wizard.draft(req), 'host'),
    title: req.t('agreementWizard.host.createTitle'),
    action: HOST_CREATE,
    submit: req.t('agreementWizard.continue'),
    cancel: WIZARD_PATHS.host,
    editing: false,
    pending: true,
    countryName: (c: string | null) => countryName(c, req.locale),
  });
  r.get(HOST_CREATE, ...before, async (req, res) => {
    const d = await wizard.draft(req);
    res.render('organisations/form', { ...(await locals(req)), values: d.host && 'create' in d.host ? d.host.create : { country: 'FR' }, errors: {} });
  });
  r.post(
    HOST_CREATE,
    ...before,
    formHandler({
      schema: organisationCreateSchema,
      view: 'organisations/form',
      locals,
      action: async (req, res, data: OrganisationCreateInput) => {
        const { confirmDistinct, ...input } = data;
        const candidates = await svc.duplicates(input);
        const sameSiret = candidates.some((c) => input.siret && c.siret === input.siret);
        if (sameSiret || (candidates.length && !confirmDistinct)) {
          // The form comes back with the candidates listed above it, as in the directory.
          Object.assign(res.locals, { duplicates: candidates, sameSiret });
          throw new ValidationError(sameSiret ? { siret: 'organisations.errors.siretTaken' } : { confirmDistinct: 'organisations.duplicates.confirmRequired' });
        }
        const d = await wizard.draft(req);
        for (const k of ['place', 'companyTutor', 'signatory'] as const) delete d[k];
        d.host = { create: input };
        await wizard.save(req, d);
        res.redirect(303, wizard.next(d));
      },
    }),
  );
}
