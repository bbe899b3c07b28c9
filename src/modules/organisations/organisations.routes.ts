import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { can } from '../../authz/policy.js';
import { ValidationError } from '../../errors.js';
import { flash, formPage } from '../../http/forms.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { fieldErrors, parse } from '../../http/validate.js';
import {
  contactSchema,
  mergeSchema,
  organisationCreateSchema,
  organisationEditSchema,
  SEARCH_FIELDS,
  SEARCH_MODES,
  searchSchemas,
  serviceSchema,
  type SearchInput,
  type SearchMode,
} from './organisations.schemas.js';
import { DuplicateError, InUseError, OrganisationService } from './organisations.service.js';
import { activityOptions, civilityOptions, countryName, organisationFormOptions } from './organisations.view.js';
import { ServiceContactService } from './services-contacts.service.js';

/** The first value of a query-string parameter, as a string. */
const qs = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

/** Form values of an organisation row (the edit form's initial values). */
function formValues(org: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(org)) out[k] = v === null || v === undefined ? '' : v;
  return out;
}

// The host-organisation directory ("établissements d'accueil"). Permissions:
// - 'organisations.search': search, detail;
// - 'organisations.create': creation (students: into their centre's verification queue);
// - 'organisations.moderate': queue, edit, verify, merge, delete (record reach: OrganisationService);
// - 'organisations.services': services and contacts (company admin: its own organisation only).
export function organisationsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.organisations;
  const entries = ctx.services.servicesContacts;
  const meta = (req: Request) => ({ requestId: req.id });
  const orgId = (req: Request) => idParam(req.params.id);
  const viewHelpers = (req: Request) => ({ countryName: (c: string | null) => countryName(c, req.locale) });

  // ───────────── search ─────────────

  r.get('/', allow('organisations.search'), async (req, res) => {
    const by = qs(req.query.by);
    const mode: SearchMode = (SEARCH_MODES as readonly string[]).includes(by) ? (by as SearchMode) : 'name';
    const fields = SEARCH_FIELDS[mode];
    const values: Record<string, string> = {};
    for (const k of fields) values[k] = qs(req.query[k]).trim();
    const submitted = fields.some((k) => k in req.query);
    let errors: Record<string, string> = {};
    let results: Awaited<ReturnType<OrganisationService['search']>> | null = null;
    let input: SearchInput | null = null;
    if (submitted) {
      const parsed = searchSchemas[mode].safeParse(req.query);
      if (parsed.success) {
        input = { mode, ...parsed.data } as SearchInput;
        results = await svc.search(input, pageParam(req.query.page));
      } else {
        errors = fieldErrors(parsed.error);
      }
    }
    const query = new URLSearchParams({ by: mode });
    for (const k of fields) if (values[k]) query.set(k, values[k]);
    // Nothing found: offer to create it, with what was typed.
    const prefill = new URLSearchParams();
    if (input?.mode === 'name') prefill.set('legalName', input.name);
    if (input?.mode === 'siret') prefill.set('siret', input.siret);
    if (input?.mode === 'phone') prefill.set('phone', input.phone);
    if (input?.mode === 'address') {
      if (input.street) prefill.set('addressLine1', input.street);
      if (input.city) prefill.set('city', input.city);
      if (/^\d{5}$/.test(input.place)) prefill.set('postalCode', input.place);
      if (input.country) prefill.set('country', input.country);
    }
    res.status(Object.keys(errors).length ? 422 : 200).render('organisations/search', {
      title: req.t('organisations.search.title'),
      mode,
      modes: SEARCH_MODES,
      values,
      errors,
      results,
      items: results?.items ?? [],
      pager: results?.pager,
      baseUrl: `/organisations?${query.toString()}`,
      canCreate: can(req.actor, 'organisations.create'),
      createHref: `/organisations/new${prefill.size ? '?' + prefill.toString() : ''}`,
      ...(mode === 'activity' ? activityOptions(values.section?.toUpperCase() ?? '', values.division ?? '') : {}),
      ...viewHelpers(req),
    });
  });

  // ───────────── creation ─────────────

  formPage(r, '/new', 'organisations.create', {
    view: 'organisations/form',
    schema: organisationCreateSchema,
    locals: (req) => ({
      title: req.t('organisations.new.title'),
      action: '/organisations/new',
      submit: req.t('organisations.new.submit'),
      cancel: '/organisations',
      editing: false,
      pending: !req.actor!.isPlatformAdmin && !req.actor!.roles.includes('centreWrite'),
      ...organisationFormOptions(req),
    }),
    initial: (_l, req) => {
      const v: Record<string, string> = { country: 'FR' };
      for (const k of ['legalName', 'siret', 'phone', 'addressLine1', 'postalCode', 'city', 'country']) {
        const s = qs(req.query[k]).trim().slice(0, 200);
        if (s) v[k] = s;
      }
      return v;
    },
    action: async (req, res, data) => {
      try {
        const created = await svc.create(req.actor!, data, meta(req));
        flash(req, 'success', created.verified ? 'organisations.new.created' : 'organisations.new.createdPending', { name: created.legalName });
        res.redirect(303, `/organisations/${created.id}`);
      } catch (err) {
        // The form comes back with the candidates listed above it.
        if (err instanceof DuplicateError) Object.assign(res.locals, { duplicates: err.candidates, sameSiret: err.sameSiret, ...viewHelpers(req) });
        throw err;
      }
    },
  });

  // ───────────── verification queue ─────────────

  r.get('/queue', allow('organisations.moderate'), async (req, res) => {
    const { items, pager } = await svc.queue(req.actor!, pageParam(req.query.page));
    res.render('organisations/queue', { title: req.t('organisations.queue.title'), items, pager, baseUrl: '/organisations/queue', ...viewHelpers(req) });
  });

  // ───────────── detail ─────────────

  const showPage = async (req: Request, res: Response, status = 200, refusal?: { key: string; references: { labelKey: string; count: number }[] }) => {
    const detail = await svc.detail(req.actor!, orgId(req));
    res.status(status).render('organisations/show', { title: detail.org.legalName, ...detail, refusal, ...viewHelpers(req) });
  };
  r.get('/:id', allow('organisations.search'), async (req, res) => {
    await showPage(req, res);
  });

  // ───────────── moderation ─────────────

  formPage(r, '/:id/edit', 'organisations.moderate', {
    view: 'organisations/form',
    schema: organisationEditSchema,
    locals: async (req) => {
      const org = await svc.get(orgId(req));
      return {
        title: req.t('organisations.edit.title', { name: org.legalName }),
        org,
        action: `/organisations/${org.id}/edit`,
        submit: req.t('common.save'),
        cancel: `/organisations/${org.id}`,
        editing: true,
        pending: false,
        ...organisationFormOptions(req),
      };
    },
    initial: (l) => formValues(l.org),
    action: async (req, res, data) => {
      const id = orgId(req);
      await svc.update(req.actor!, id, data, meta(req));
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/organisations/${id}`);
    },
  });

  r.post('/:id/verify', allow('organisations.moderate'), async (req, res) => {
    const id = orgId(req);
    const { alreadyVerified } = await svc.verify(req.actor!, id, meta(req));
    flash(req, alreadyVerified ? 'info' : 'success', alreadyVerified ? 'organisations.queue.alreadyVerified' : 'organisations.queue.verified');
    res.redirect(303, req.body?.back === 'queue' ? '/organisations/queue' : `/organisations/${id}`);
  });

  const mergePage = async (req: Request, res: Response, targetId: number | null, status = 200, errors: Record<string, string> = {}) => {
    const id = orgId(req);
    let preview;
    try {
      preview = await svc.mergePreview(req.actor!, id, targetId);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      preview = { ...(await svc.mergePreview(req.actor!, id, null)) };
      errors = { ...err.fields, ...errors };
      status = 422;
    }
    // The target is chosen in the picker's "target" field: its message goes there.
    if (errors.targetId) {
      const { targetId, ...rest } = errors;
      errors = { target: targetId, ...rest };
    }
    const q = qs(req.query.q).trim().slice(0, 200);
    res.status(status).render('organisations/merge', {
      title: req.t('organisations.merge.title', { name: preview.source.legalName }),
      ...preview,
      q,
      candidates: q ? await svc.mergeCandidates(id, q) : null,
      values: { q, target: targetId ?? qs(req.query.target) },
      errors,
      ...viewHelpers(req),
    });
  };

  r.get('/:id/merge', allow('organisations.moderate'), async (req, res) => {
    const target = qs(req.query.target).trim();
    if (target && !/^\d{1,9}$/.test(target)) return mergePage(req, res, null, 422, { targetId: 'organisations.merge.errors.notFound' });
    await mergePage(req, res, target ? Number(target) : null);
  });

  r.post('/:id/merge', allow('organisations.moderate'), async (req, res) => {
    const id = orgId(req);
    let data;
    try {
      data = parse(mergeSchema, req.body);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const t = /^\d{1,9}$/.test(String(req.body?.targetId ?? '')) ? Number(req.body.targetId) : null;
      return mergePage(req, res, t, 422, err.fields);
    }
    try {
      await svc.merge(req.actor!, id, data.targetId, meta(req));
    } catch (err) {
      if (err instanceof ValidationError) return mergePage(req, res, null, 422, err.fields);
      throw err;
    }
    flash(req, 'success', 'organisations.merge.done', { id });
    res.redirect(303, `/organisations/${data.targetId}`);
  });

  r.post('/:id/delete', allow('organisations.moderate'), async (req, res) => {
    try {
      const org = await svc.remove(req.actor!, orgId(req), meta(req));
      flash(req, 'success', 'organisations.show.deleted', { name: org.legalName });
      res.redirect(303, '/organisations');
    } catch (err) {
      if (err instanceof InUseError) return showPage(req, res, 422, { key: 'organisations.show.deleteRefused', references: err.references });
      throw err;
    }
  });

  // ───────────── services and contacts ─────────────

  const entriesPage = async (req: Request, res: Response, status = 200, refusal?: { key: string; references: { labelKey: string; count: number }[] }) => {
    const list = await entries.list(req.actor!, orgId(req));
    res.status(status).render('organisations/services', {
      title: req.t('organisations.services.title', { name: list.org.legalName }),
      ...list,
      refusal,
      canSeeDetail: can(req.actor, 'organisations.search'),
      ...viewHelpers(req),
    });
  };
  r.get('/:id/services', allow('organisations.services'), async (req, res) => {
    await entriesPage(req, res);
  });

  const serviceLocals = (org: { id: number; legalName: string }, title: string, action: string) => ({
    title,
    org,
    action,
    back: `/organisations/${org.id}/services`,
  });

  formPage(r, '/:id/services/new', 'organisations.services', {
    view: 'organisations/service-form',
    schema: serviceSchema,
    locals: async (req) => {
      const org = await entries.organisationFor(req.actor!, orgId(req));
      return serviceLocals(org, req.t('organisations.services.new', { name: org.legalName }), `/organisations/${org.id}/services/new`);
    },
    initial: () => ({ sameAddress: true }),
    action: async (req, res, data) => {
      const id = orgId(req);
      const created = await entries.createService(req.actor!, id, data, meta(req));
      flash(req, 'success', 'organisations.services.created', { name: created.name });
      res.redirect(303, `/organisations/${id}/services`);
    },
  });

  formPage(r, '/:id/services/:serviceId/edit', 'organisations.services', {
    view: 'organisations/service-form',
    schema: serviceSchema,
    locals: async (req) => {
      const { org, service } = await entries.getService(req.actor!, orgId(req), idParam(req.params.serviceId));
      return { ...serviceLocals(org, req.t('organisations.services.edit', { name: service.name }), `/organisations/${org.id}/services/${service.id}/edit`), service };
    },
    initial: (l) => formValues(l.service),
    action: async (req, res, data) => {
      const id = orgId(req);
      await entries.updateService(req.actor!, id, idParam(req.params.serviceId), data, meta(req));
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/organisations/${id}/services`);
    },
  });

  r.post('/:id/services/:serviceId/delete', allow('organisations.services'), async (req, res) => {
    const id = orgId(req);
    try {
      const deleted = await entries.deleteService(req.actor!, id, idParam(req.params.serviceId), meta(req));
      flash(req, 'success', 'organisations.services.deleted', { name: deleted.name });
      res.redirect(303, `/organisations/${id}/services`);
    } catch (err) {
      if (err instanceof InUseError) return entriesPage(req, res, 422, { key: 'organisations.services.deleteRefused', references: err.references });
      throw err;
    }
  });

  const contactLocals = async (req: Request, org: { id: number; legalName: string }, title: string, action: string) => ({
    title,
    org,
    action,
    back: `/organisations/${org.id}/services`,
    civilityOptions: civilityOptions(req),
    serviceOptions: (await entries.serviceOptions(org.id)).map((s) => ({ value: s.id, label: s.name })),
  });

  formPage(r, '/:id/contacts/new', 'organisations.services', {
    view: 'organisations/contact-form',
    schema: contactSchema,
    locals: async (req) => {
      const org = await entries.organisationFor(req.actor!, orgId(req));
      return contactLocals(req, org, req.t('organisations.contacts.new', { name: org.legalName }), `/organisations/${org.id}/contacts/new`);
    },
    initial: (_l, req) => ({ civility: 'NONE', serviceId: /^\d{1,9}$/.test(qs(req.query.serviceId)) ? qs(req.query.serviceId) : '' }),
    action: async (req, res, data) => {
      const id = orgId(req);
      const created = await entries.createContact(req.actor!, id, data, meta(req));
      flash(req, 'success', 'organisations.contacts.created', { name: `${created.firstName} ${created.lastName}` });
      res.redirect(303, `/organisations/${id}/services`);
    },
  });

  formPage(r, '/:id/contacts/:contactId/edit', 'organisations.services', {
    view: 'organisations/contact-form',
    schema: contactSchema,
    locals: async (req) => {
      const { org, contact } = await entries.getContact(req.actor!, orgId(req), idParam(req.params.contactId));
      return { ...(await contactLocals(req, org, req.t('organisations.contacts.edit', { name: `${contact.firstName} ${contact.lastName}` }), `/organisations/${org.id}/contacts/${contact.id}/edit`)), contact };
    },
    initial: (l) => formValues(l.contact),
    action: async (req, res, data) => {
      const id = orgId(req);
      await entries.updateContact(req.actor!, id, idParam(req.params.contactId), data, meta(req));
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/organisations/${id}/services`);
    },
  });

  r.post('/:id/contacts/:contactId/delete', allow('organisations.services'), async (req, res) => {
    const id = orgId(req);
    try {
      const deleted = await entries.deleteContact(req.actor!, id, idParam(req.params.contactId), meta(req));
      flash(req, 'success', 'organisations.contacts.deleted', { name: `${deleted.firstName} ${deleted.lastName}` });
      res.redirect(303, `/organisations/${id}/services`);
    } catch (err) {
      if (err instanceof InUseError) return entriesPage(req, res, 422, { key: 'organisations.contacts.deleteRefused', references: err.references });
      throw err;
    }
  });

  return r;
}
