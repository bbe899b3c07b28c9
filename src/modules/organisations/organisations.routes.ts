import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { can } from '../../authz/policy.js';
import { ValidationError } from '../../errors.js';
import { flash, formPage } from '../../http/forms.js';
import { act, detailAction, searchCriteria, type DetailPage } from '../../http/pages.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { parse } from '../../http/validate.js';
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
import { RESULT_SORT } from './organisations.search.js';
import { DuplicateError } from './organisations.service.js';
import { activityOptions, countryName } from './organisations.view.js';
import { verificationQueueRoutes } from './queue.routes.js';

/** The first value of a query-string parameter, as a string. */
const qs = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');

/** Nothing found: the creation form's link carries what was typed. */
function createHref(input: SearchInput | null): string {
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
  return `/organisations/new${prefill.size ? '?' + prefill.toString() : ''}`;
}

/** Form values of an organisation row (the edit form's initial values). */
function formValues(org: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(org)) out[k] = v === null || v === undefined ? '' : v;
  return out;
}

// The host-organisation directory ("établissements d'accueil"). Permissions:
// - 'organisations.search': search, detail;
// - 'organisations.create': creation (students: into their centre's verification queue);
// - 'organisations.moderate': queue (and the claims in it: queue.routes.ts), edit, verify, merge,
//   delete (record reach: OrganisationService, ClaimService);
// - 'organisations.services': services and contacts (company admin: its own organisation only).
export function organisationsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.organisations;
  const entries = ctx.services.servicesContacts;
  const orgId = (req: Request) => idParam(req.params.id);
  const viewHelpers = (req: Request) => ({ countryName: (c: string | null) => countryName(c, req.locale) });

  // ───────────── search ─────────────

  r.get('/', allow('organisations.search'), async (req, res) => {
    const { by, ...rest } = req.query;
    const mode: SearchMode = (SEARCH_MODES as readonly string[]).includes(qs(by)) ? (qs(by) as SearchMode) : 'name';
    const criteria = searchCriteria(searchSchemas[mode], { by: mode, ...rest }, { keys: ['by', ...SEARCH_FIELDS[mode]], sort: RESULT_SORT });
    // A mode's form counts as sent as soon as one of its fields is in the query, even empty.
    const submitted = SEARCH_FIELDS[mode].some((k) => k in req.query);
    const input = submitted && criteria.input ? ({ mode, ...criteria.input } as SearchInput) : null;
    const results = input ? await svc.search(input, criteria.page, criteria.sort.order ?? undefined) : null;
    const { values, errors } = submitted ? criteria : { values: criteria.values, errors: {} };
    res.status(Object.keys(errors).length ? 422 : 200).render('organisations/search', {
      title: req.t('organisations.search.title'),
      mode,
      modes: SEARCH_MODES,
      values,
      errors,
      ...{ results, items: results?.items ?? [], pager: results?.pager },
      baseUrl: criteria.url('/organisations'),
      sorting: criteria.sortLinks('/organisations'),
      canCreate: can(req.actor, 'organisations.create'),
      createHref: createHref(input),
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
        const created = await svc.create(act(req), data);
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

  // Claims to accept or refuse, organisations to verify (before '/:id', which would take 'queue').
  verificationQueueRoutes(r, ctx);

  // ───────────── detail ─────────────

  /** The detail page; after a refused deletion, with what still references the organisation. */
  const showPage: DetailPage = async (req, res, problem) => {
    const detail = await svc.detail(req.actor!, orgId(req));
    const refusal = problem?.references ? { key: 'organisations.show.deleteRefused', references: problem.references } : undefined;
    const sharedFeedback = await ctx.services.feedback.shared(detail.org.id);
    // The students' evaluations, aggregated and anonymous, for staff (null otherwise, or under 5 answers).
    const evaluationFigures = await ctx.services.evaluationStats.organisation(req.actor!, detail.org.id);
    res.status(problem?.status ?? 200).render('organisations/show', { title: detail.org.legalName, ...detail, refusal, sharedFeedback, evaluationFigures, ...viewHelpers(req) });
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
        };
    },
    initial: (l) => formValues(l.org),
    action: async (req, res, data) => {
      const id = orgId(req);
      await svc.update(act(req), id, data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/organisations/${id}`);
    },
  });

  r.post('/:id/verify', allow('organisations.moderate'), async (req, res) => {
    const id = orgId(req);
    const { alreadyVerified } = await svc.verify(act(req), id);
    flash(req, alreadyVerified ? 'info' : 'success', alreadyVerified ? 'organisations.queue.alreadyVerified' : 'organisations.queue.verified');
    res.redirect(303, req.body?.back === 'queue' ? '/organisations/queue' : `/organisations/${id}`);
  });

  /** The merge preview; a target that cannot be one (itself, unknown) gives the page without it and the reason. */
  const previewFor = async (req: Request, targetId: number | null) => {
    try {
      return { preview: await svc.mergePreview(req.actor!, orgId(req), targetId), refused: {} };
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return { preview: await svc.mergePreview(req.actor!, orgId(req), null), refused: err.fields };
    }
  };
  const mergePage = async (req: Request, res: Response, targetId: number | null, status = 200, errors: Record<string, string> = {}) => {
    const { preview, refused } = await previewFor(req, targetId);
    // The target is chosen in the picker's "target" field: its message goes there.
    const { targetId: targetError, ...rest } = { ...refused, ...errors };
    const q = qs(req.query.q).trim().slice(0, 200);
    res.status(Object.keys(refused).length ? 422 : status).render('organisations/merge', {
      title: req.t('organisations.merge.title', { name: preview.source.legalName }),
      ...preview,
      q,
      candidates: q ? await svc.mergeCandidates(orgId(req), q) : null,
      values: { q, target: targetId ?? qs(req.query.target) },
      errors: targetError ? { target: targetError, ...rest } : rest,
      ...viewHelpers(req),
    });
  };

  r.get('/:id/merge', allow('organisations.moderate'), async (req, res) => {
    const target = qs(req.query.target).trim();
    if (target && !/^\d{1,9}$/.test(target)) return mergePage(req, res, null, 422, { targetId: 'organisations.merge.errors.notFound' });
    await mergePage(req, res, target ? Number(target) : null);
  });

  detailAction(r, '/:id/merge', 'organisations.moderate', {
    // Refused: the picker keeps the target typed, unless the target itself is what is wrong.
    page: (req, res, problem) => {
      const typed = String(problem?.values.targetId ?? '');
      return mergePage(req, res, !problem?.errors.targetId && /^\d{1,9}$/.test(typed) ? Number(typed) : null, 422, problem?.errors);
    },
    run: async (req, res) => {
      const id = orgId(req);
      const data = parse(mergeSchema, req.body);
      await svc.merge(act(req), id, data.targetId);
      flash(req, 'success', 'organisations.merge.done', { id });
      res.redirect(303, `/organisations/${data.targetId}`);
    },
  });

  detailAction(r, '/:id/delete', 'organisations.moderate', {
    page: showPage,
    run: async (req, res) => {
      const org = await svc.remove(act(req), orgId(req));
      flash(req, 'success', 'organisations.show.deleted', { name: org.legalName });
      res.redirect(303, '/organisations');
    },
  });

  // ───────────── services and contacts ─────────────

  /** The services and contacts page; after a refused deletion, `refusedKey` and what still references the entry. */
  const entriesPage = (refusedKey?: string): DetailPage => async (req, res, problem) => {
    const list = await entries.list(req.actor!, orgId(req));
    const refusal = refusedKey && problem?.references ? { key: refusedKey, references: problem.references } : undefined;
    res.status(problem?.status ?? 200).render('organisations/services', {
      title: req.t('organisations.services.title', { name: list.org.legalName }),
      ...list,
      refusal,
      canSeeDetail: can(req.actor, 'organisations.search'),
      ...viewHelpers(req),
    });
  };
  const servicesPage = entriesPage();
  r.get('/:id/services', allow('organisations.services'), (req, res) => servicesPage(req, res));

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
      const created = await entries.createService(act(req), id, data);
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
      await entries.updateService(act(req), id, idParam(req.params.serviceId), data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/organisations/${id}/services`);
    },
  });

  detailAction(r, '/:id/services/:serviceId/delete', 'organisations.services', {
    page: entriesPage('organisations.services.deleteRefused'),
    run: async (req, res) => {
      const id = orgId(req);
      const deleted = await entries.deleteService(act(req), id, idParam(req.params.serviceId));
      flash(req, 'success', 'organisations.services.deleted', { name: deleted.name });
      res.redirect(303, `/organisations/${id}/services`);
    },
  });

  const contactLocals = async (req: Request, org: { id: number; legalName: string }, title: string, action: string) => ({
    title,
    org,
    action,
    back: `/organisations/${org.id}/services`,
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
      const created = await entries.createContact(act(req), id, data);
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
      await entries.updateContact(act(req), id, idParam(req.params.contactId), data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/organisations/${id}/services`);
    },
  });

  detailAction(r, '/:id/contacts/:contactId/delete', 'organisations.services', {
    page: entriesPage('organisations.contacts.deleteRefused'),
    run: async (req, res) => {
      const id = orgId(req);
      const deleted = await entries.deleteContact(act(req), id, idParam(req.params.contactId));
      flash(req, 'success', 'organisations.contacts.deleted', { name: `${deleted.firstName} ${deleted.lastName}` });
      res.redirect(303, `/organisations/${id}/services`);
    },
  });

  return r;
}
