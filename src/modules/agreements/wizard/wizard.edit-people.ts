import type { Request, Router } from 'express';
import type { Ctx } from '../../../context.js';
import type { Tx } from '../../../db/client.js';
import { allow } from '../../../authz/guard.js';
import { forbidden } from '../../../errors.js';
import { act } from '../../../http/act.js';
import { flash, formHandler } from '../../../http/forms.js';
import { idParam } from '../../../http/pagination.js';
import { agreementNumber } from '../agreement.types.js';
import { recordOf } from '../agreements.service.js';
import { AGREEMENT_WORKFLOW } from '../agreements.workflow.js';
import { companyTutorSchema, placeSchema, signatorySchema } from './wizard.schemas.js';
import { signatoryService } from './wizard.service.js';
import { personChoice, placeChoice } from './wizard.steps.js';

// The wizard's own forms: one of the host's, none, or a new one (added to the directory with the edit).
const CHOICES = {
  place: { slug: 'place', column: 'serviceId', view: 'agreements/wizard/place', schema: placeSchema },
  companyTutor: { slug: 'company-tutor', column: 'companyTutorId', view: 'agreements/wizard/person', schema: companyTutorSchema },
  signatory: { slug: 'signatory', column: 'signatoryId', view: 'agreements/wizard/person', schema: signatorySchema },
} as const;
type Role = keyof typeof CHOICES;

/** The edit screens' paths (views/agreements/wizard/_edit-head.ejs draws them in the wizard's order). */
export const editPaths = (id: number) => ({
  back: `/agreements/${id}`,
  host: `/agreements/${id}/edit/host`,
  place: `/agreements/${id}/edit/place`,
  companyTutor: `/agreements/${id}/edit/company-tutor`,
  internship: `/agreements/${id}/edit/internship`,
  academicTutor: `/agreements/${id}/edit/academic-tutor`,
  signatory: `/agreements/${id}/edit/signatory`,
});

/**
 * Editing an agreement's service (the wizard's screen 3: one of the host's, or none), company tutor
 * (screen 4) and host signatory (screen 7): a contact of the host organisation, or none when the
 * centre allows it (a signatory may be told later), or a new one, added to the organisation in the
 * edit's transaction (a new company tutor in the internship's service, as in the wizard).
 * Who may: the workflow's `edit` rows (403); out of reach 404; saved through AgreementService.update.
 */
export function agreementEditPeopleRoutes(r: Router, ctx: Ctx) {
  const svc = ctx.services.agreements;
  const wizardSvc = ctx.services.agreementWizard;
  const perm = allow('agreements.act');
  const load = async (req: Request, role: Role) => {
    const a = await svc.show(req.actor!, idParam(req.params.id));
    if (!AGREEMENT_WORKFLOW.can(req.actor!, recordOf(a), 'edit')) throw forbidden();
    const centre = await ctx.db.managementCentre.findUniqueOrThrow({ where: { id: a.centreId }, select: { companyTutorRequired: true } });
    const optional = role !== 'companyTutor' || !centre.companyTutorRequired;
    const services = await wizardSvc.services(a.organisationId);
    const contacts = await wizardSvc.contacts(a.organisationId);
    const locals = {
      title: req.t('agreementWizard.edit.title', { number: agreementNumber(a) }),
      editing: { number: agreementNumber(a) },
      paths: editPaths(a.id),
      stepKey: role,
      role,
      contacts,
      services,
      // A new signatory may sit in the internship's service (as in the wizard's screen 7).
      withPlace: !!a.serviceId,
      optional,
    };
    return { a, locals, choices: role === 'place' ? services : contacts };
  };

  for (const role of Object.keys(CHOICES) as Role[]) {
    const { slug, column, view, schema } = CHOICES[role];
    r.get(`/:id/edit/${slug}`, perm, async (req, res) => {
      const { a, locals } = await load(req, role);
      res.render(view, { ...locals, values: { choice: a[column] ? String(a[column]) : 'none', sameAddress: 'on' }, errors: {} });
    });
    r.post(
      `/:id/edit/${slug}`,
      perm,
      formHandler({
        schema,
        view,
        locals: async (req) => (await load(req, role)).locals,
        action: async (req, res, data: { choice: string }) => {
          const { a, locals } = await load(req, role);
          const org = a.organisationId;
          const added =
            role === 'place'
              ? ((p) => async (tx: Tx) => ({ serviceId: await wizardSvc.placeId(tx, org, p) }))(placeChoice(data, locals.services))
              : ((p) => async (tx: Tx, now: { serviceId: number | null }) => ({
                  [column]: await wizardSvc.contactId(tx, org, role === 'signatory' ? signatoryService(p, now.serviceId) : now.serviceId, p),
                }))(personChoice(data, locals.contacts, locals.optional, locals.services));
          const done = await svc.update(act(req), a.id, {}, added);
          flash(req, 'success', 'agreementWizard.edit.saved', { number: done.number });
          res.redirect(303, `/agreements/${a.id}`);
        },
      }),
    );
  }
}
