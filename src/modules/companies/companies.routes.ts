import type { Request } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { flash, formPage } from '../../http/forms.js';
import { act, detailAction, type DetailPage } from '../../http/pages.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { parse } from '../../http/validate.js';
import { isLocale } from '../../i18n/index.js';
import { centreOptions, personOptions } from './companies.options.js';
import { companyEditSchema, contactSchema, publishSchema, TERMS_ARTICLES, TERMS_VERSION, termsSchema } from './companies.schemas.js';
import { IDENTITY_FIELDS } from './companies.service.js';
import { registrationRoutes } from './registration.routes.js';

/**
 * Company accounts ("Stages des Pôles").
 *
 * Registration, public ('public'): /register/company… — see registration.routes.ts.
 *
 * A claim awaiting its centre ('account.self'): GET /company/claim says so, and nothing more.
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
  const orgId = (req: Request) => idParam(req.params.organisationId);
  const home = (id: number) => `/company/${id}`;

  r.get('/company', allow('company.view'), async (req, res) => {
    const items = await svc.listForActor(req.actor!);
    if (items.length === 1) return res.redirect(303, home(items[0].organisation.id));
    res.render('companies/index', { title: req.t('companies.area.listTitle'), items });
  });

  /** The company page; after a refused action, with its message (a field error has no field here: the generic one). */
  const showPage: DetailPage = async (req, res, problem) => {
    const found = await svc.show(req.actor!, orgId(req));
    const formError = problem ? (problem.formError ?? 'validation') : undefined;
    res.status(problem?.status ?? 200).render('companies/show', { title: found.organisation.legalName, ...found, termsVersion: TERMS_VERSION, formError });
  };
  // A claimant whose claim awaits its centre signs in to this page (http/nav.ts): what they
  // claimed and who decides; nothing of the organisation until then. Any signed-in user may ask.
  r.get('/company/claim', allow('account.self'), async (req, res) => {
    const claims = await svc.pendingClaims(req.actor!);
    if (!claims.length) return res.redirect(303, '/');
    res.render('companies/claim-pending', { title: req.t('companies.claim.title'), claims });
  });

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
        centreOptions: centreOptions(await reg.centres()),
        identityFields: IDENTITY_FIELDS,
      };
    },
    initial: (l) => ({ ...l.organisation, centreId: l.organisation.centreId ?? '' }),
    action: async (req, res, data) => {
      const id = orgId(req);
      const { requeued } = await svc.updateOrganisation(act(req), id, data);
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
      await svc.acceptTerms(act(req), id);
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
      await svc.addContact(act(req), id, data, { locale: isLocale(req.locale) ? req.locale : 'fr' });
      flash(req, 'success', 'companies.contacts.added', { name: `${data.firstName} ${data.lastName}`, email: data.email });
      res.redirect(303, home(id));
    },
  });

  detailAction(r, '/company/:organisationId/contacts/:memberId/publish', 'company.manage', {
    page: showPage,
    run: async (req, res) => {
      const id = orgId(req);
      svc.roleIn(req.actor!, id, 'ADMIN');
      const { canPublishOffers } = parse(publishSchema, req.body);
      const { changed, member } = await svc.setPublishRight(act(req), id, idParam(req.params.memberId), canPublishOffers);
      const key = !changed ? 'companies.contacts.publishUnchanged' : canPublishOffers ? 'companies.contacts.publishGranted' : 'companies.contacts.publishWithdrawn';
      flash(req, changed ? 'success' : 'info', key, { name: `${member.user.firstName} ${member.user.lastName}` });
      res.redirect(303, home(id));
    },
  });

  detailAction(r, '/company/:organisationId/contacts/:memberId/remove', 'company.manage', {
    page: showPage,
    run: async (req, res) => {
      const id = orgId(req);
      const removed = await svc.removeContact(act(req), id, idParam(req.params.memberId));
      flash(req, 'success', removed.deactivated ? 'companies.contacts.removedDeactivated' : 'companies.contacts.removed', { name: removed.name });
      res.redirect(303, home(id));
    },
  });

  return r;
}
