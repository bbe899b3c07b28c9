import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { WrongStateError } from '../../errors.js';
import { OFFER_ATTACHMENT_UPLOAD, sendStoredFile, takeUpload, typesLabel, uploadSingle } from '../../files/upload.js';
import { act } from '../../http/act.js';
import { offersManageLabelKey } from '../../http/nav.js';
import { flash, formPage } from '../../http/forms.js';
import { formatters } from '../../i18n/format.js';
import { detailAction, problemOf, searchCriteria, type DetailPage } from '../../http/pages.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { textLimits } from '../../http/validate.js';
import { newRouter } from '../../http/router.js';
import { organisationOptions } from '../companies/companies.options.js';
import { EXPIRING_DAYS } from './offers.expiring.js';
import { countryName } from '../organisations/organisations.view.js';
import { organisationPicker } from './offers.picker.js';
import { ADVANCED_SEARCH_FIELDS, browseSchema, MANAGE_LIST_KEYS, manageListSchema, offerSchema, reasonSchema, shortOfferFormSchema, staffSearchSchema } from './offers.schemas.js';
import type { OfferDetail } from './offers.service.js';
import { STAFF_SORT } from './offers.search.js';
import { DIFFUSION_MONTHS, OFFER_WORKFLOW, offerActionPermission, type OfferRef } from './offers.workflow.js';
import type { Actor } from '../../authz/actor.js';

/**
 * Offers.
 *   Students ('offers.browse'): GET /offers (visible offers, filters), GET /offers/:id (404 when not visible).
 *   Company and WRITE staff ('offers.manage'): /offers/manage… — list, create (full and short form),
 *     page, edit, and one POST /offers/manage/:id/<action> per manual action of OFFER_WORKFLOW
 *     (its permission: offerActionPermission). Reach and "who may" are the service's and the workflow's.
 *   School moderation ('offers.moderate'): GET /offers/moderation and the moderation's actions.
 *   Staff search ('offers.staffSearch'): GET /offers/search, GET /offers/search/:id (read only).
 */
export function offersRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.offers;
  const offerPath = (id: number) => `/offers/manage/${id}`;
  const offerNumber = (req: Request, id: number) => formatters(req.locale).offerNumber(id);

  // The lists the offers' views share (kinds, levels and working times come from ref.options).
  const choiceLists = (req: Request) => ({
    statusOptions: OFFER_WORKFLOW.states.map((s) => ({ value: s, label: req.t(OFFER_WORKFLOW.stateLabel(s)) })),
    yesNoOptions: [
      { value: 'yes', label: req.t('common.yes') },
      { value: 'no', label: req.t('common.no') },
    ],
    monthOptions: Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: req.t(`offers.month.${i + 1}`) })),
    periodOptions: Array.from({ length: DIFFUSION_MONTHS.max }, (_, i) => ({ value: i + 1, label: req.t('offers.period.months', { n: i + 1 }) })),
    // The management list is named for what it shows to this actor, in the menu and on the pages.
    manageTitle: req.t(offersManageLabelKey(req.actor?.roles ?? [])),
  });

  // ───────────── management ─────────────

  r.get('/manage', allow('offers.manage'), async (req, res) => {
    const c = searchCriteria(manageListSchema, req.query, { keys: MANAGE_LIST_KEYS });
    const filters = c.input ?? {};
    const lists = choiceLists(req);
    const { items, pager } = await svc.listManaged(req.actor!, c.page, filters, req.now);
    res.render('offers/manage-list', { title: lists.manageTitle, items, pager, status: filters.status ?? '', expiring: filters.expiring ?? null, expiringDays: EXPIRING_DAYS, baseUrl: c.url('/offers/manage'), ...lists });
  });

  /** The organisation the form is for: the body's on POST, ?organisation= on GET, or the actor's only company. */
  const chosenOrganisation = (req: Request, companies: { id: number }[]) => {
    const raw = (req.body as Record<string, unknown> | undefined)?.organisationId ?? req.query.organisation;
    const s = String(Array.isArray(raw) ? raw[0] : (raw ?? ''));
    if (/^\d{1,9}$/.test(s)) return Number(s);
    return companies.length === 1 ? companies[0].id : null;
  };

  /** What the upload middleware made of the short form's file (shortOfferFormSchema). */
  const shortFile = (req: Request) => ({ sent: !!req.checkedFile, refused: !!req.uploadErrors?.attachment });

  /** What the short form's file field says it takes. */
  const attachmentField = { accept: '.pdf,.doc,.docx,.odt', fileTypes: typesLabel(OFFER_ATTACHMENT_UPLOAD.types) };

  const createLocals = async (req: Request, short: boolean) => {
    const base = await svc.formOptions(req.actor!);
    const organisationId = chosenOrganisation(req, base.companies);
    const organisation = organisationId ? await svc.organisationForOffer(req.actor!, organisationId) : null;
    const opts = organisation ? await svc.formOptions(req.actor!, organisation.id) : base;
    const isCompany = !!organisation && opts.companies.some((c) => c.id === organisation.id);
    const formAction = short ? '/offers/manage/new-short' : '/offers/manage/new';
    // Staff find the organisation by name or SIRET before the form (offers.picker.ts).
    const picker = !organisation && base.staff ? await organisationPicker(req, ctx.services.organisations, formAction) : null;
    return {
      title: req.t(short ? 'offers.form.shortTitle' : 'offers.form.newTitle'),
      ...choiceLists(req),
      opts,
      organisation,
      isCompany,
      mode: 'new',
      short,
      formAction,
      picker,
      ...(picker?.error ? { errors: { find: picker.error } } : {}),
      countryName: (c: string | null) => countryName(c, req.locale),
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
      const offer = await svc.create(act(req), data);
      flash(req, 'success', 'offers.flash.created', { number: offerNumber(req, offer.id) });
      res.redirect(303, offerPath(offer.id));
    },
  });

  formPage(r, '/manage/new-short', 'offers.manage', {
    view: 'offers/form',
    schema: (req: Request) => shortOfferFormSchema(shortFile(req), true),
    locals: (req) => createLocals(req, true),
    initial: createInitial,
    beforePost: [uploadSingle('attachment', OFFER_ATTACHMENT_UPLOAD)],
    action: async (req, res, data) => {
      const file = takeUpload(req, { required: false, field: 'attachment' });
      const offer = await svc.createShort(act(req), data, file);
      flash(req, 'success', 'offers.flash.created', { number: offerNumber(req, offer.id) });
      res.redirect(303, offerPath(offer.id));
    },
  });

  r.get('/moderation', allow('offers.moderate'), async (req, res) => {
    const items = await svc.moderationQueue(req.actor!);
    res.render('offers/moderation', { title: req.t('offers.moderation.title'), items, ...choiceLists(req) });
  });

  r.get('/search', allow('offers.staffSearch'), async (req, res) => {
    const c = searchCriteria(staffSearchSchema, req.query, { sort: STAFF_SORT });
    res.render('offers/search', {
      title: req.t('offers.search.title'),
      // As in the guide, a new search starts on the diffused offers of France.
      values: c.searched ? c.values : { diffused: 'on', country: 'FR' },
      advanced: ADVANCED_SEARCH_FIELDS.some((k) => k in c.values),
      // A column chosen by the user replaces the default order (and the keywords' rank).
      result: c.searched ? await svc.staffSearch(req.actor!, c.input!, c.page, c.sort.explicit ? c.sort.order : null) : null,
      baseUrl: c.url('/offers/search'),
      sorting: c.sortLinks('/offers/search'),
      ...choiceLists(req),
      structureTypeOptions: organisationOptions(req).structureTypeOptions,
    });
  });

  /** The offer's page (read only from the staff search); with a problem, the answer to a refused action. */
  const offerPage =
    (readOnly: boolean): DetailPage =>
    async (req, res, problem) => {
      const id = idParam(req.params.id);
      const found = await svc.get(req.actor!, id);
      const actions = readOnly ? [] : found.actions;
      res.status(problem?.status ?? 200).render('offers/manage-show', {
        title: req.t('offers.show.title', { number: offerNumber(req, found.offer.id), title: found.offer.title }),
        // An offer awaiting this moderator belongs to the moderation in the menu, wherever it was opened from.
        navCurrent: !readOnly && awaitsModeration(req.actor!, found.offer) ? '/offers/moderation' : null,
        ...found,
        actions,
        attachmentHref: `/offers/${readOnly ? 'search' : 'manage'}/${id}/attachment`,
        centreOptions: actions.some((a) => a.needs === 'centre') ? await otherCentres(found.offer.centreId) : [],
        formError: problem?.formError,
        errors: problem?.errors ?? {},
        values: problem?.values ?? {},
        limits: textLimits(reasonSchema),
        ...choiceLists(req),
      });
    };
  const otherCentres = async (centreId: number | null) =>
    (await ctx.db.managementCentre.findMany({ where: { id: { not: centreId ?? undefined } }, select: { id: true, name: true }, orderBy: { name: 'asc' } })).map((c) => ({ value: c.id, label: c.name }));
  const managePage = offerPage(false);
  const searchPage = offerPage(true);
  r.get('/search/:id', allow('offers.staffSearch'), (req, res) => searchPage(req, res));
  r.get('/manage/:id', allow('offers.manage'), (req, res) => managePage(req, res));

  // The attachment of a short-form offer: always a download, never shown inline.
  r.get('/manage/:id/attachment', allow('offers.manage'), async (req, res) => {
    sendStoredFile(res, await svc.students.attachment(act(req), idParam(req.params.id), 'manager'));
  });
  r.get('/search/:id/attachment', allow('offers.staffSearch'), async (req, res) => {
    sendStoredFile(res, await svc.students.attachment(act(req), idParam(req.params.id), 'manager'));
  });

  const editLocals = async (req: Request, short: boolean) => {
    const { offer } = await svc.get(req.actor!, idParam(req.params.id));
    const opts = await svc.formOptions(req.actor!, offer.organisationId);
    return {
      title: req.t('offers.form.editTitle', { number: offerNumber(req, offer.id) }),
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
  /** Saves an edit; a refusal by the workflow (the offer is no longer editable) shows the offer's page (422). */
  const saveEdit = async (req: Request, res: Response, run: () => Promise<{ requeued: boolean }>) => {
    let requeued: boolean;
    try {
      ({ requeued } = await run());
    } catch (err) {
      // A ValidationError stays with the form (formPage); only the workflow's refusal leaves it.
      if (!(err instanceof WrongStateError)) throw err;
      return managePage(req, res, problemOf(err, req.body)!);
    }
    flash(req, 'success', requeued ? 'offers.flash.editedRequeued' : 'common.saved');
    res.redirect(303, offerPath(idParam(req.params.id)));
  };

  // The full form. A short-form offer opened here is completed into a full one (the page says so).
  formPage(r, '/manage/:id/edit', 'offers.manage', {
    view: 'offers/form',
    schema: offerSchema,
    locals: (req) => editLocals(req, false),
    initial: (l) => editValues(l.offer),
    action: (req, res, data) => saveEdit(req, res, () => svc.update(act(req), idParam(req.params.id), data)),
  });

  // The short form, for the offers created with it: the essentials and a new file or link.
  formPage(r, '/manage/:id/edit-short', 'offers.manage', {
    view: 'offers/form',
    schema: (req: Request) => shortOfferFormSchema(shortFile(req), false),
    locals: (req) => editLocals(req, true),
    // The current file or link is shown beside the fields, which start empty ("keep it").
    initial: (l) => ({ ...editValues(l.offer), link: '' }),
    beforePost: [uploadSingle('attachment', OFFER_ATTACHMENT_UPLOAD)],
    action: (req, res, data) =>
      saveEdit(req, res, () => svc.updateShort(act(req), idParam(req.params.id), data, takeUpload(req, { required: false, field: 'attachment' }))),
  });

  // One POST per manual action of the workflow (the edits have their form pages above). A refusal
  // the user can mend (a wrong state, an invalid form) shows the offer's page again (422).
  const pageActions = new Set(OFFER_WORKFLOW.def.transitions.filter((t) => t.page).map((t) => t.action));
  for (const action of OFFER_WORKFLOW.manualActions.filter((a) => !pageActions.has(a))) {
    detailAction(r, `/manage/:id/${action}`, offerActionPermission(action), {
      page: managePage,
      run: async (req, res) => {
        const shown = await svc.transitions.perform(act(req), idParam(req.params.id), action, req.body);
        flash(req, 'success', `offers.flash.${action}`, { number: offerNumber(req, shown.id) });
        res.redirect(303, offerPath(shown.id));
      },
    });
  }

  // ───────────── students ─────────────

  r.get('/', allow('offers.browse'), async (req, res) => {
    const c = searchCriteria(browseSchema, req.query);
    const { items, pager } = await svc.students.browse(act(req), c.input!, c.page);
    res.render('offers/browse', { title: req.t('offers.browse.title'), items, pager, values: c.values, baseUrl: c.url('/offers'), ...choiceLists(req) });
  });

  r.get('/:id', allow('offers.browse'), async (req, res) => {
    const offer = await svc.students.show(act(req), idParam(req.params.id));
    // What earlier interns of this organisation shared (approved by their programme manager).
    const sharedFeedback = await ctx.services.feedback.shared(offer.organisationId);
    res.render('offers/show', { title: offer.title, offer, sharedFeedback, attachmentHref: `/offers/${offer.id}/attachment`, ...choiceLists(req) });
  });

  r.get('/:id/attachment', allow('offers.browse'), async (req, res) => {
    sendStoredFile(res, await svc.students.attachment(act(req), idParam(req.params.id), 'student'));
  });

  return r;
}

/** Does the offer await the school's moderation from this actor (the rows of OFFER_WORKFLOW that await the centre)? */
function awaitsModeration(actor: Actor, offer: OfferRef): boolean {
  return OFFER_WORKFLOW.awaitingStates('centreWriter').includes(offer.status) && OFFER_WORKFLOW.awaits(actor, offer);
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
