import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { DOCUMENT_UPLOAD, sendStoredFile, takeUploads, typesLabel, uploadFields } from '../../files/upload.js';
import type { ApplicationStatus } from '../../generated/prisma/client.js';
import { flash, formPage } from '../../http/forms.js';
import { act, detailAction, searchCriteria, type DetailPage } from '../../http/pages.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { f, parse } from '../../http/validate.js';
import { companyShown } from '../offers/offers.disclosure.js';
import { academicYearLabels, academicYearNamed } from '../institutions/academic-years.js';
import { instantsOf } from '../../time/academic-year.js';
import { todayIn } from '../../time/calendar.js';
import { COMPANY_STATUS_FILTERS, COMPANY_TABS } from './applications.filters.js';
import { SCHOOL_SORT } from './applications.records.js';
import { APPLICATION_WORKFLOW } from './applications.workflow.js';

const applySchema = z.object({
  title: f.text(200),
  message: f.text(5000),
  useProfileCv: f.checkbox(),
});

/**
 * The form with its files: a missing CV or letter (and a refused file) is said with the other
 * fields' messages, at the first submit. Whether the profile CV exists is the service's check.
 */
const applyFormSchema = (req: Request) =>
  applySchema.superRefine((v, ctx) => {
    const files = req.checkedFiles ?? {};
    for (const [field, key] of Object.entries(req.uploadErrors ?? {})) ctx.addIssue({ code: 'custom', path: [field], message: key });
    if (!files.cv?.length && !v.useProfileCv && !req.uploadErrors?.cv) ctx.addIssue({ code: 'custom', path: ['cv'], message: 'applications.errors.cvRequired' });
    if (!files.letter?.length && !req.uploadErrors?.letter) ctx.addIssue({ code: 'custom', path: ['letter'], message: 'applications.errors.letterRequired' });
  });

const STATES = APPLICATION_WORKFLOW.states as readonly [ApplicationStatus, ...ApplicationStatus[]];

const statusSchema = z.object({
  status: f.enumOf(STATES),
  comment: f.optionalText(1000),
  back: z.string().optional(),
});

/** Where a status form may send the user back to: our own lists and pages only. */
const BACK = /^\/applications(\/company|\/school|\/\d{1,9})?(\?[\w=&%-]{0,100})?$/;

const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);

// The lists' query strings: an unknown tab, status or year is no filter.
const companySchema = z.object({
  tab: z.enum(COMPANY_TABS).catch('current').default('current'),
  status: z.enum(COMPANY_STATUS_FILTERS).optional().catch(undefined),
});
const schoolSchema = z.object({
  status: z.enum(STATES).optional().catch(undefined),
  // An academic year ("2026-2027"): the applications sent during it.
  year: z.string().regex(/^\d{4}-\d{4}$/).optional().catch(undefined),
});
const ownSchema = z.object({ status: z.enum(STATES).optional().catch(undefined) });

// Applications. Permissions: 'applications.apply' (students: apply to an offer or an organisation,
// their own list), 'applications.company' (company administrators and contacts: the answers to
// their offers), 'applications.school' (centre staff, year managers, platform admin: the students
// they follow). One application, its files and its status form are open to any signed-in user
// ('account.self'): ApplicationService.reach decides (student, company or school; otherwise 404)
// and APPLICATION_WORKFLOW who may make which change (otherwise 403, or 422 for an impossible
// change: the page is shown again with the message).
export function applicationsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.applications;
  const upload = uploadFields(
    [
      { name: 'cv', maxCount: 1 },
      { name: 'letter', maxCount: 1 },
      { name: 'others', maxCount: 3 },
    ],
    DOCUMENT_UPLOAD,
  );
  const fileHints = { fileTypes: typesLabel(DOCUMENT_UPLOAD.types), fileMaxMb: DOCUMENT_UPLOAD.maxBytes / (1024 * 1024), othersMax: 3 };

  // ───────────── the student ─────────────

  r.get('/', allow('applications.apply'), async (req, res) => {
    const c = searchCriteria(ownSchema, req.query, { keys: ['status'] });
    const status = c.input?.status ?? null;
    const list = await svc.ownList(req.actor!, c.page, status);
    res.render('applications/index', { title: req.t('applications.own.title'), status, statuses: STATES, baseUrl: c.url('/applications'), ...list });
  });

  const applyAction = (target: (req: Request) => { offerId: number } | { organisationId: number }) => async (req: Request, res: Response, data: z.infer<typeof applySchema>) => {
    const files = takeUploads(req);
    const created = await svc.apply(act(req), target(req), data, { cv: files.cv?.[0] ?? null, letter: files.letter?.[0] ?? null, others: files.others ?? [] });
    flash(req, 'success', 'applications.apply.sent');
    res.redirect(303, `/applications/${created.id}`);
  };

  formPage(r, '/new', 'applications.apply', {
    view: 'applications/new',
    schema: applyFormSchema,
    locals: async (req) => {
      const offer = await svc.offerFor(act(req), idParam(one(req.query.offer)));
      return {
        title: req.t('applications.apply.title'),
        // No answer yet: a hidden company is not named (offers.disclosure.ts).
        target: req.t('applications.apply.toOffer', { offer: offer.title, organisation: companyShown(offer) ? offer.organisation.legalName : req.t('offers.browse.hiddenCompany') }),
        formAction: `/applications/new?offer=${offer.id}`,
        profileCv: await svc.profileCv(req.actor!),
        ...fileHints,
      };
    },
    initial: (locals) => ({ useProfileCv: !!locals.profileCv }),
    beforePost: [upload],
    action: applyAction((req) => ({ offerId: idParam(one(req.query.offer)) })),
  });

  formPage(r, '/spontaneous/:organisationId', 'applications.apply', {
    view: 'applications/new',
    schema: applyFormSchema,
    locals: async (req) => {
      const org = await svc.organisationFor(idParam(req.params.organisationId));
      return {
        title: req.t('applications.spontaneous.title'),
        target: req.t('applications.spontaneous.to', { organisation: org.legalName }),
        formAction: `/applications/spontaneous/${org.id}`,
        profileCv: await svc.profileCv(req.actor!),
        ...fileHints,
      };
    },
    initial: (locals) => ({ useProfileCv: !!locals.profileCv }),
    beforePost: [upload],
    action: applyAction((req) => ({ organisationId: idParam(req.params.organisationId) })),
  });

  // ───────────── the company: "Consulter les réponses à mes offres" ─────────────

  r.get('/company', allow('applications.company'), async (req, res) => {
    const c = searchCriteria(companySchema, req.query, { keys: ['tab', 'status'] });
    const tab = c.input?.tab ?? 'current';
    const status = c.input?.status ?? null;
    const list = await svc.companyList(req.actor!, tab, c.page, status);
    res.render('applications/company', { title: req.t('applications.company.title'), tab, tabs: COMPANY_TABS, status, statusFilters: COMPANY_STATUS_FILTERS, baseUrl: c.url('/applications/company'), ...list });
  });

  // ───────────── the school ─────────────

  r.get('/school', allow('applications.school'), async (req, res) => {
    const c = searchCriteria(schoolSchema, req.query, { keys: ['status', 'year'], sort: SCHOOL_SORT });
    const status = c.input?.status ?? null;
    const year = c.input?.year ? await academicYearNamed(ctx.db, c.input.year) : null;
    const list = await svc.schoolList(req.actor!, c.page, status, year ? instantsOf(year) : null, c.sort.order);
    const years = await academicYearLabels(ctx.db, todayIn(req.now), year?.label);
    res.render('applications/school', { title: req.t('applications.school.title'), status, statuses: STATES, year: year?.label ?? '', years, ...list, baseUrl: c.url('/applications/school'), sorting: c.sortLinks('/applications/school') });
  });

  // ───────────── one application ─────────────

  // Showing an application changes nothing: "Marquer comme lue" is a POST of the status form (READ).
  const showPage: DetailPage = async (req, res, problem) => {
    const d = await svc.detail(act(req), idParam(req.params.id));
    res.status(problem?.status ?? 200).render('applications/show', {
      title: d.application.title,
      ...d,
      values: problem?.values ?? {},
      errors: problem?.errors ?? {},
      formError: problem?.formError ?? null,
    });
  };

  r.get('/:id', allow('account.self'), (req, res) => showPage(req, res));

  r.get('/:id/files/:fileId', allow('account.self'), async (req, res) => {
    sendStoredFile(res, await svc.file(req.actor!, idParam(req.params.id), idParam(req.params.fileId)));
  });

  detailAction(r, '/:id/status', 'account.self', {
    page: showPage,
    run: async (req, res) => {
      const id = idParam(req.params.id);
      const data = parse(statusSchema, req.body);
      await svc.changeStatus(act(req), id, data.status, data.comment);
      flash(req, 'success', 'applications.status-changed', { status: req.t(APPLICATION_WORKFLOW.stateLabel(data.status)) });
      res.redirect(303, data.back && BACK.test(data.back) ? data.back : `/applications/${id}`);
    },
  });

  return r;
}
