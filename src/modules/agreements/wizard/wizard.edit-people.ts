import type { Request, Router } from 'express';
import type { Ctx } from '../../../context.js';
import { allow } from '../../../authz/guard.js';
import { forbidden, ValidationError } from '../../../errors.js';
import { act } from '../../../http/act.js';
import { flash, formHandler } from '../../../http/forms.js';
import { idParam } from '../../../http/pagination.js';
import { agreementNumber } from '../agreement.types.js';
import { recordOf } from '../agreements.service.js';
import { AGREEMENT_WORKFLOW } from '../agreements.workflow.js';
// The same one-choice form as the academic tutor's screen (a contact's id, or 'none').
import { academicTutorSchema as choiceSchema } from './wizard.schemas.js';

const CHOICES = {
  place: { slug: 'place', column: 'serviceId', view: 'agreements/wizard/place' },
  companyTutor: { slug: 'company-tutor', column: 'companyTutorId', view: 'agreements/wizard/person' },
  signatory: { slug: 'signatory', column: 'signatoryId', view: 'agreements/wizard/person' },
} as const;
type Role = keyof typeof CHOICES;

/** The edit screens' paths (views/agreements/wizard/_edit-head.ejs draws them in the wizard's order). */
export const editPaths = (id: number) => ({
  back: `/agreements/${id}`,
  place: `/agreements/${id}/edit/place`,
  companyTutor: `/agreements/${id}/edit/company-tutor`,
  internship: `/agreements/${id}/edit/internship`,
  academicTutor: `/agreements/${id}/edit/academic-tutor`,
  signatory: `/agreements/${id}/edit/signatory`,
});

/**
 * Editing an agreement's service (the wizard's screen 3: one of the host's, or none), company tutor
 * (screen 4) and host signatory (screen 7): a contact of the host organisation, or none when the
 * centre allows it (a signatory may be told later). A new service or contact is added in the
 * organisation's directory first, then chosen here.
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
      withPlace: false,
      optional,
    };
    return { a, locals, choices: role === 'place' ? services : contacts };
  };

  for (const role of Object.keys(CHOICES) as Role[]) {
    const { slug, column, view } = CHOICES[role];
    r.get(`/:id/edit/${slug}`, perm, async (req, res) => {
      const { a, locals } = await load(req, role);
      res.render(view, { ...locals, values: { choice: a[column] ? String(a[column]) : 'none' }, errors: {} });
    });
    r.post(
      `/:id/edit/${slug}`,
      perm,
      formHandler({
        schema: choiceSchema,
        view,
        locals: async (req) => (await load(req, role)).locals,
        action: async (req, res, data: { choice: string }) => {
          const { a, locals, choices } = await load(req, role);
          let id: number | null = null;
          if (data.choice === 'none') {
            if (!locals.optional) throw new ValidationError({ choice: 'agreementWizard.errors.personRequired' });
          } else {
            const c = choices.find((x) => String(x.id) === data.choice);
            if (!c) throw new ValidationError({ choice: 'agreementWizard.errors.choose' });
            id = c.id;
          }
          const done = await svc.update(act(req), a.id, { [column]: id });
          flash(req, 'success', 'agreementWizard.edit.saved', { number: done.number });
          res.redirect(303, `/agreements/${a.id}`);
        },
      }),
    );
  }
}
