import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { ValidationError } from '../../errors.js';
import { flash, formPage } from '../../http/forms.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { parse } from '../../http/validate.js';
import { isLocale } from '../../i18n/index.js';
import { centreOptions, organisationOptions, personOptions } from './companies.options.js';
import { companyEditSchema, contactSchema, publishSchema, TERMS_ARTICLES, TERMS_VERSION, termsSchema } from './companies.schemas.js';
import { CompanyService, IDENTITY_FIELDS } from './companies.service.js';
import { RegistrationService } from './registration.service.js';
import { registrationRoutes } from './registration.routes.js';

/**
 * Company accounts ("Stages des Pôles").
 *
 * Registration, public ('public'): /register/company… — see registration.routes.ts.
 *
 * Company area: 'company.view' (company administrator or secondary contact) for the company's
 * page; 'company.manage' (company administrator) for everything that changes it. Organisations
 * are addressed by id (/company/:organisationId): a user who belongs to several companies picks
 * one on /company. Which organisation and which member the actor reaches is decided by
 * CompanyService: another company's organisation or member id is a 404.
 */
export function companiesRoutes(ctx: Ctx) {
  const r = newRouter();
  registrationRoutes(r, ctx);

  const svc = ctx.services.companies;
  const reg = ctx.services.registration;
  const meta = (req: Request) => ({ requestId: req.id });
  const orgId = (req: Request) => idParam(req.params.organisationId);
  const home = (id: number) => `/company/${id}`;

  r.get('/company', allow('company.view'), async (req, res) => {
    const items = await svc.listForActor(req.actor!);
    if (items.length === 1) return res.redirect(303, home(items[0].organisation.id));
    res.render('companies/index', { title: req.t('companies.area.listTitle'), items });
  });

  const showPage = async (req: Request, res: Response, status = 200, formError?: string) => {
    const found = await svc.show(req.actor!, orgId(req));
    res.status(status).render('companies/show', { title: found.organisation.legalName, ...found, termsVersion: TERMS_VERSION, formError });
  };
  r.get('/company/:organisationId', allow('company.view'), async (req, res) => {
    await showPage(req, res);
  });

  // ───────────── the company's data ─────────────

  formPage(r, '/company/:organisationId/edit', 'company.manage', {
    view: 'companies/edit',
    schema: companyEditSchema,
    locals: async (req) => {
      const found = await svc.organisation(req.actor!, orgId(req), 'ADMIN');
      return {
        ...found,
        title: req.t('companies.edit.title', { name: found.organisation.legalName }),
        ...organisationOptions(req),
        centreOptions: centreOptions(await reg.centres()),
        identityFields: IDENTITY_FIELDS,
      };
    },
    initial: (l) => ({ ...l.organisation, centreId: l.organisation.centreId ?? '' }),
    action: async (req, res, data) => {
      const id = orgId(req);
      const { requeued } = await svc.updateOrganisation(req.actor!, id, data, meta(req));
      flash(req, 'success', requeued ? 'companies.edit.savedRequeued' : 'common.saved');
      res.redirect(303, home(id));
    },
  });

  formPage(r, '/company/:organisationId/terms', 'company.manage', {
    view: 'companies/terms',
    schema: termsSchema,
    locals: async (req) => {
      const found = await svc.organisation(req.actor!, orgId(req), 'ADMIN');
      return { ...found, title: req.t('companies.terms.title'), termsVersion: TERMS_VERSION, articles: TERMS_ARTICLES };
    },
    action: async (req, res) => {
      const id = orgId(req);
      await svc.acceptTerms(req.actor!, id, meta(req));
      flash(req, 'success', 'companies.area.termsAccepted', { version: TERMS_VERSION });
      res.redirect(303, home(id));
    },
  });

  // ───────────── secondary contacts ─────────────

  formPage(r, '/company/:organisationId/contacts/new', 'company.manage', {
    view: 'companies/contact-new',
    schema: contactSchema,
    locals: async (req) => {
      const found = await svc.organisation(req.actor!, orgId(req), 'ADMIN');
      return { ...found, title: req.t('companies.contacts.newTitle', { name: found.organisation.legalName }), ...personOptions(req) };
    },
    initial: () => ({ canPublishOffers: 'no' }),
    action: async (req, res, data) => {
      const id = orgId(req);
      await svc.addContact(req.actor!, id, data, { locale: isLocale(req.locale) ? req.locale : 'fr', requestId: req.id });
      flash(req, 'success', 'companies.contacts.added', { name: `${data.firstName} ${data.lastName}`, email: data.email });
      res.redirect(303, home(id));
    },
  });

  r.post('/company/:organisationId/contacts/:memberId/publish', allow('company.manage'), async (req, res) => {
    const id = orgId(req);
    svc.roleIn(req.actor!, id, 'ADMIN');
    try {
      const { canPublishOffers } = parse(publishSchema, req.body);
      const { changed, member } = await svc.setPublishRight(req.actor!, id, idParam(req.params.memberId), canPublishOffers, meta(req));
      const name = `${member.user.firstName} ${member.user.lastName}`;
      flash(req, changed ? 'success' : 'info', changed ? (canPublishOffers ? 'companies.contacts.publishGranted' : 'companies.contacts.publishWithdrawn') : 'companies.contacts.publishUnchanged', { name });
    } catch (err) {
      if (err instanceof ValidationError) return showPage(req, res, 422, err.fields._form ?? 'errors.code.validation');
      throw err;
    }
    res.redirect(303, home(id));
  });

  r.post('/company/:organisationId/contacts/:memberId/remove', allow('company.manage'), async (req, res) => {
    const id = orgId(req);
    try {
      const removed = await svc.removeContact(req.actor!, id, idParam(req.params.memberId), meta(req));
      flash(req, 'success', removed.deactivated ? 'companies.contacts.removedDeactivated' : 'companies.contacts.removed', { name: removed.name });
    } catch (err) {
      if (err instanceof ValidationError) return showPage(req, res, 422, err.fields._form ?? 'errors.code.validation');
      throw err;
    }
    res.redirect(303, home(id));
  });

  return r;
}
