import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import type { Permission } from '../../authz/policy.js';
import { OFFER_ATTACHMENT_UPLOAD, sendStoredFile, takeUpload, typesLabel, uploadSingle } from '../../files/upload.js';
import { ValidationError } from '../../errors.js';
import { flash, formPage } from '../../http/forms.js';
import { idParam, isoDate, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { parse } from '../../http/validate.js';
import { organisationOptions } from '../companies/companies.options.js';
import {
  ADVANCED_SEARCH_FIELDS,
  browseSchema,
  cleanQuery,
  EDUCATION_LEVELS,
  OFFER_KINDS,
  OFFER_STATUSES,
  offerSchema,
  periodSchema,
  reasonSchema,
  shortOfferSchema,
  staffSearchSchema,
  transferSchema,
  WORKING_TIMES,
} from './offers.schemas.js';
import { OfferService, WrongStateError, type OfferDetail } from './offers.service.js';
import { DIFFUSION_MONTHS, type OfferAction } from './offers.workflow.js';

/**
 * Offers.
 *   Students ('offers.browse'): GET /offers (visible offers, filters), GET /offers/:id (404 when not visible).
 *   Company and WRITE staff ('offers.manage'): /offers/manage… — list, create (full and short form),
 *     page, edit, and the workflow's actions (submit, companyApprove, companyReject, publish, renew,
 *     fill, cancel, archive, duplicate). Reach and "who may" are the service's and the workflow's.
 *   School moderation ('offers.moderate'): GET /offers/moderation, POST …/approve, …/reject, …/transfer.
 *   Staff search ('offers.staffSearch'): GET /offers/search, GET /offers/search/:id (read only).
 */
export function offersRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.offers;
  const meta = (req: Request) => ({ requestId: req.id });
  const offerPath = (id: number) => `/offers/manage/${id}`;

  const choiceLists = (req: Request) => ({
    kindOptions: OFFER_KINDS.map((k) => ({ value: k, label: req.t(`offers.kind.${k}`) })),
    levelOptions: EDUCATION_LEVELS.map((k) => ({ value: k, label: req.t(`offers.level.${k}`) })),
    workingTimeOptions: WORKING_TIMES.map((k) => ({ value: k, label: req.t(`offers.workingTime.${k}`) })),
    statusOptions: OFFER_STATUSES.map((k) => ({ value: k, label: req.t(`offers.status.${k}`) })),
    yesNoOptions: [
      { value: 'yes', label: req.t('common.yes') },
      { value: 'no', label: req.t('common.no') },
    ],
    monthOptions: Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: req.t(`offers.month.${i + 1}`) })),
    periodOptions: Array.from({ length: DIFFUSION_MONTHS.max }, (_, i) => ({ value: i + 1, label: req.t('offers.period.months', { n: i + 1 }) })),
  });

  // ───────────── management ─────────────

  r.get('/manage', allow('offers.manage'), async (req, res) => {
    const status = OFFER_STATUSES.find((s) => s === req.query.status);
    const { items, pager } = await svc.listManaged(req.actor!, pageParam(req.query.page), status);
    res.render('offers/manage-list', { title: req.t('offers.manage.title'), items, pager, status: status ?? '', ...choiceLists(req) });
  });

  /** The organisation the form is for: the body's on POST, ?organisation= on GET, or the actor's only company. */
  const chosenOrganisation = (req: Request, companies: { id: number }[]) => {
    const raw = (req.body as Record<string, unknown> | undefined)?.organisationId ?? req.query.organisation;
    const s = String(Array.isArray(raw) ? raw[0] : (raw ?? ''));
    if (/^\d{1,9}$/.test(s)) return Number(s);
    return companies.length === 1 ? companies[0].id : null;
  };

  /** What the short form's file field says it takes. */
  const attachmentField = { accept: '.pdf,.doc,.docx,.odt', fileTypes: typesLabel(OFFER_ATTACHMENT_UPLOAD.types) };

  const createLocals = async (req: Request, short: boolean) => {
    const base = await svc.formOptions(req.actor!);
    const organisationId = chosenOrganisation(req, base.companies);
    const organisation = organisationId ? await ctx.db.organisation.findUnique({ where: { id: organisationId }, select: { id: true, legalName: true, centreId: true } }) : null;
    const opts = organisation ? await svc.formOptions(req.actor!, organisation.id) : base;
    const isCompany = !!organisation && opts.companies.some((c) => c.id === organisation.id);
    return {
      title: req.t(short ? 'offers.form.shortTitle' : 'offers.form.newTitle'),
      ...choiceLists(req),
      opts,
      organisation,
      isCompany,
      mode: 'new',
      short,
      formAction: short ? '/offers/manage/new-short' : '/offers/manage/new',
      ...attachmentField,
    };
  };
  const createInitial = (l: Awaited<ReturnType<typeof createLocals>>) => ({
    organisationId: l.organisation?.id ?? '',
    centreId: l.isCompany ? (l.organisation?.centreId ?? '') : l.opts.ownCentres.length === 1 ? l.opts.ownCentres[0].id : '',
    country: 'FR',
    paid: 'no',
    showCompany: 'yes',
    targetAll: 'yes',
    applyByEmail: 'on',
    workingTime: 'FULL_TIME',
  });

  formPage(r, '/manage/new', 'offers.manage', {
    view: 'offers/form',
    schema: offerSchema,
    locals: (req) => createLocals(req, false),
    initial: createInitial,
    action: async (req, res, data) => {
      const offer = await svc.create(req.actor!, data, meta(req));
      flash(req, 'success', 'offers.flash.created', { number: offer.id });
      res.redirect(303, offerPath(offer.id));
    },
  });

  formPage(r, '/manage/new-short', 'offers.manage', {
    view: 'offers/form',
    schema: shortOfferSchema,
    locals: (req) => createLocals(req, true),
    initial: createInitial,
    beforePost: [uploadSingle('attachment', OFFER_ATTACHMENT_UPLOAD)],
    action: async (req, res, data) => {
      const file = takeUpload(req, { required: false, field: 'attachment' });
      const offer = await svc.createShort(req.actor!, data, file, meta(req));
      flash(req, 'success', 'offers.flash.created', { number: offer.id });
      res.redirect(303, offerPath(offer.id));
    },
  });

  r.get('/moderation', allow('offers.moderate'), async (req, res) => {
    const items = await svc.moderationQueue(req.actor!);
    res.render('offers/moderation', { title: req.t('offers.moderation.title'), items, ...choiceLists(req) });
  });

  r.get('/search', allow('offers.staffSearch'), async (req, res) => {
    const query = cleanQuery(req.query as Record<string, unknown>);
    const input = parse(staffSearchSchema, query);
    const searched = Object.keys(query).some((k) => k !== 'page');
    const result = searched ? await svc.staffSearch(req.actor!, input, pageParam(req.query.page)) : null;
    const qs = new URLSearchParams(Object.entries(query).filter(([k]) => k !== 'page') as [string, string][]).toString();
    res.render('offers/search', {
      title: req.t('offers.search.title'),
      // As in the guide, a new search starts on the diffused offers of France.
      values: searched ? query : { diffused: 'on', country: 'FR' },
      advanced: ADVANCED_SEARCH_FIELDS.some((k) => k in query),
      result,
      baseUrl: `/offers/search?${qs}`,
      ...choiceLists(req),
      structureTypeOptions: organisationOptions(req).structureTypeOptions,
    });
  });

  const showPage = async (req: Request, res: Response, opts: { status?: number; formError?: string; errors?: Record<string, string>; readOnly?: boolean } = {}) => {
    const id = idParam(req.params.id);
    const found = await svc.get(req.actor!, id);
    res.status(opts.status ?? 200).render('offers/manage-show', {
      title: req.t('offers.show.title', { number: found.offer.id, title: found.offer.title }),
      ...found,
      actions: opts.readOnly ? [] : found.actions,
      attachmentHref: `/offers/${opts.readOnly ? 'search' : 'manage'}/${id}/attachment`,
      centres: found.actions.includes('transfer') ? await ctx.db.managementCentre.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }) : [],
      formError: opts.formError,
      errors: opts.errors ?? {},
      values: opts.errors ? req.body : {},
      today: isoDate(new Date()),
      ...choiceLists(req),
    });
  };

  r.get('/search/:id', allow('offers.staffSearch'), async (req, res) => {
    await showPage(req, res, { readOnly: true });
  });

  r.get('/manage/:id', allow('offers.manage'), async (req, res) => {
    await showPage(req, res);
  });

  // The attachment of a short-form offer: always a download, never shown inline.
  r.get('/manage/:id/attachment', allow('offers.manage'), async (req, res) => {
    sendStoredFile(res, await svc.attachment(req.actor!, idParam(req.params.id), 'manager'));
  });
  r.get('/search/:id/attachment', allow('offers.staffSearch'), async (req, res) => {
    sendStoredFile(res, await svc.attachment(req.actor!, idParam(req.params.id), 'manager'));
  });

  const editLocals = async (req: Request, short: boolean) => {
    const { offer } = await svc.get(req.actor!, idParam(req.params.id));
    const opts = await svc.formOptions(req.actor!, offer.organisationId);
    return {
      title: req.t('offers.form.editTitle', { number: offer.id }),
      ...choiceLists(req),
      opts,
      offer,
      organisation: offer.organisation,
      isCompany: offer.fromCompany,
      mode: 'edit',
      short,
      formAction: `/offers/manage/${offer.id}/${short ? 'edit-short' : 'edit'}`,
      ...attachmentField,
    };
  };
  /** Saves an edit; a refusal by the workflow re-renders the offer's page (422). */
  const saveEdit = async (req: Request, res: Response, run: () => Promise<{ requeued: boolean }>) => {
    try {
      const { requeued } = await run();
      flash(req, 'success', requeued ? 'offers.flash.editedRequeued' : 'common.saved');
    } catch (err) {
      if (err instanceof WrongStateError) return showPage(req, res, { status: 422, formError: 'offers.errors.wrongState' });
      throw err;
    }
    res.redirect(303, offerPath(idParam(req.params.id)));
  };

  // The full form. A short-form offer opened here is completed into a full one (the page says so).
  formPage(r, '/manage/:id/edit', 'offers.manage', {
    view: 'offers/form',
    schema: offerSchema,
    locals: (req) => editLocals(req, false),
    initial: (l) => editValues(l.offer),
    action: (req, res, data) => saveEdit(req, res, () => svc.update(req.actor!, idParam(req.params.id), data, meta(req))),
  });

  // The short form, for the offers created with it: the essentials and a new file or link.
  formPage(r, '/manage/:id/edit-short', 'offers.manage', {
    view: 'offers/form',
    schema: shortOfferSchema,
    locals: (req) => editLocals(req, true),
    // The current file or link is shown beside the fields, which start empty ("keep it").
    initial: (l) => ({ ...editValues(l.offer), link: '' }),
    beforePost: [uploadSingle('attachment', OFFER_ATTACHMENT_UPLOAD)],
    action: (req, res, data) =>
      saveEdit(req, res, () => svc.updateShort(req.actor!, idParam(req.params.id), data, takeUpload(req, { required: false, field: 'attachment' }), meta(req))),
  });

  /** One workflow action: run it, flash, back to the offer's page; a refusal re-renders the page (422) or is a 403/404. */
  const action = (name: OfferAction, permission: Permission, run: (req: Request) => Promise<unknown>) => {
    r.post(`/manage/:id/${name}`, allow(permission), async (req, res) => {
      const id = idParam(req.params.id);
      let result: unknown;
      try {
        result = await run(req);
      } catch (err) {
        if (err instanceof WrongStateError) return showPage(req, res, { status: 422, formError: 'offers.errors.wrongState' });
        if (err instanceof ValidationError) return showPage(req, res, { status: 422, errors: err.fields });
        throw err;
      }
      const created = name === 'duplicate' ? (result as { id: number }).id : null;
      flash(req, 'success', `offers.flash.${name}`, created ? { number: created } : undefined);
      res.redirect(303, offerPath(created ?? id));
    });
  };
  const id = (req: Request) => idParam(req.params.id);
  for (const name of ['submit', 'companyApprove', 'fill', 'cancel', 'archive'] as const) {
    action(name, 'offers.manage', (req) => svc.act(req.actor!, id(req), name, {}, meta(req)));
  }
  // The record is looked up first (404 out of reach), then the input is checked.
  const withPeriod = (name: OfferAction) => async (req: Request) => svc.act(req.actor!, id(req), name, { period: await periodOf(req) }, meta(req));
  const periodOf = async (req: Request) => {
    await svc.get(req.actor!, id(req));
    return parse(periodSchema, req.body);
  };
  const withReason = (name: OfferAction) => async (req: Request) => {
    await svc.get(req.actor!, id(req));
    return svc.act(req.actor!, id(req), name, { reason: parse(reasonSchema, req.body).reason }, meta(req));
  };
  action('companyReject', 'offers.manage', withReason('companyReject'));
  action('publish', 'offers.manage', withPeriod('publish'));
  action('renew', 'offers.manage', withPeriod('renew'));
  action('approve', 'offers.moderate', withPeriod('approve'));
  action('reject', 'offers.moderate', withReason('reject'));
  action('duplicate', 'offers.manage', (req) => svc.duplicate(req.actor!, id(req), meta(req)));
  action('transfer', 'offers.moderate', async (req) => {
    await svc.get(req.actor!, id(req));
    return svc.transfer(req.actor!, id(req), parse(transferSchema, req.body).centreId, meta(req));
  });

  // ───────────── students ─────────────

  r.get('/', allow('offers.browse'), async (req, res) => {
    const query = cleanQuery(req.query as Record<string, unknown>);
    const input = parse(browseSchema, query);
    const { items, pager } = await svc.browse(req.actor!, input, pageParam(req.query.page));
    const qs = new URLSearchParams(Object.entries(query).filter(([k]) => k !== 'page') as [string, string][]).toString();
    res.render('offers/browse', { title: req.t('offers.browse.title'), items, pager, values: query, baseUrl: `/offers?${qs}`, ...choiceLists(req) });
  });

  r.get('/:id', allow('offers.browse'), async (req, res) => {
    const offer = await svc.showForStudent(req.actor!, idParam(req.params.id));
    res.render('offers/show', { title: offer.title, offer, attachmentHref: `/offers/${offer.id}/attachment`, ...choiceLists(req) });
  });

  r.get('/:id/attachment', allow('offers.browse'), async (req, res) => {
    sendStoredFile(res, await svc.attachment(req.actor!, idParam(req.params.id), 'student'));
  });

  return r;
}

/** The edit form's values from a stored offer. */
function editValues(o: OfferDetail): Record<string, unknown> {
  const onOff = (b: boolean) => (b ? 'on' : '');
  return {
    ...o,
    organisationId: o.organisationId,
    centreId: o.centreId ?? '',
    paid: o.paid ? 'yes' : 'no',
    showCompany: o.showCompany ? 'yes' : 'no',
    targetAll: o.targetAll ? 'yes' : 'no',
    travel: onOff(o.travel),
    drivingLicence: onOff(o.drivingLicence),
    applyByPost: onOff(o.applyByPost),
    applyByEmail: onOff(o.applyByEmail),
    applyByPhone: onOff(o.applyByPhone),
    startMonth: o.startMonth ?? '',
    startYear: o.startYear ?? '',
    applicationContactId: o.applicationContactId ?? '',
    infoContactId: o.infoContactId ?? '',
    targetCountries: o.targetCountries.map((c) => c.country).join(';'),
    targetInstitutionIds: o.targetInstitutions.map((t) => String(t.institutionId)),
    targetProgrammeIds: o.targetProgrammes.map((t) => String(t.programmeId)),
    diffusionCentreIds: o.diffusionCentres.map((t) => String(t.centreId)),
  };
}
