import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { ValidationError } from '../../errors.js';
import { flash, safeValues } from '../../http/forms.js';
import { act, detailAction, problemOf, searchCriteria, type DetailPage } from '../../http/pages.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { parse } from '../../http/validate.js';
import { formatters } from '../../i18n/format.js';
import { CalendarDate } from '../../time/calendar.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { checkMessage, type CheckWords } from '../legal/simulator.js';
import { organisationPicker } from '../offers/offers.picker.js';
import { countryName } from '../organisations/organisations.view.js';
import { DEFAULT_HOURS, draftSchema, FIELDS, NEW_ORG_REQUIRED, PAUSES, SECTIONS, REQUIRED_TO_SEND, type SheetContent } from './sheets.fields.js';
import { SheetChecksError } from './sheets.send.js';
import type { SaveIntent } from './sheets.service.js';
import { SHEET_WORKFLOW } from './sheets.workflow.js';

const STATES = SHEET_WORKFLOW.states;
const reviewSchema = z.object({ status: z.enum(['awaiting', ...STATES]).catch('awaiting').default('awaiting') });
const intentOf = (req: Request): SaveIntent => (String(req.body?.intent ?? '') === 'send' ? 'send' : 'save');
const wordsOf = (req: Request): CheckWords => ({ t: req.t, fmt: formatters(req.locale), locale: req.locale });
const one = (v: unknown) => String(Array.isArray(v) ? v[0] : (v ?? ''));

/** What the form shows: the fields' values and the interruption rows, plus a few empty ones (no script needed to add one). */
function formValues(values: Record<string, unknown>, pauses: { from: string; to: string }[]) {
  const rows = [...pauses, ...Array.from({ length: PAUSES.emptyRows }, () => ({ from: '', to: '' }))].slice(0, Math.max(PAUSES.max, pauses.length));
  return { values, pauses: rows };
}

const contentValues = (c: SheetContent, organisationId: number | null) => formValues({ ...DEFAULT_HOURS, ...c.data, organisationId: organisationId ?? '' }, c.pauses);

/** The rows typed in a refused form, as they were. */
function postedPauses(body: Record<string, unknown>) {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  const froms = list(body.pauseFrom);
  const tos = list(body.pauseTo);
  return Array.from({ length: Math.max(froms.length, tos.length) }, (_, i) => ({ from: froms[i] ?? '', to: tos[i] ?? '' })).filter((p) => p.from || p.to);
}

// Internship sheets ("Suivre mon stage › Fiches de stage"). Permissions: 'sheets.own' (students:
// their list, the form, "Remplir ma fiche de stage" on an accepted application), 'sheets.review'
// (year managers, centre staff, the platform administrator: the sheets awaiting them and the
// decisions). One sheet's page is open to any signed-in user ('account.self'): SheetService.reach
// decides (its student, its managers, READ staff of the student's centre; otherwise 404) and
// SHEET_WORKFLOW who may do what (otherwise 403, or 422 in the wrong state).
export function sheetsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.sheets;

  r.get('/', allow('sheets.own'), async (req, res) => {
    res.render('sheets/index', { title: req.t('sheets.own.title'), rows: await svc.ownList(req.actor!) });
  });

  r.get('/review', allow('sheets.review'), async (req, res) => {
    const c = searchCriteria(reviewSchema, req.query, { keys: ['status'] });
    const status = c.input?.status ?? 'awaiting';
    const list = await svc.reviewList(req.actor!, status, c.page);
    res.render('sheets/review', { title: req.t('sheets.review.title'), status, statuses: ['awaiting', ...STATES], baseUrl: c.url('/sheets/review'), ...list });
  });

  /** The form page (new or existing sheet), with the directory search and the organisation picked by ?organisation=. */
  const renderForm = async (req: Request, res: Response, o: { sheetId: number | null; form: ReturnType<typeof formValues>; errors?: Record<string, string>; status?: number; returnComment?: string | null }) => {
    const formAction = o.sheetId ? `/sheets/${o.sheetId}/edit` : '/sheets/new';
    const picked = one(req.query.organisation);
    if (/^\d{1,9}$/.test(picked)) o.form.values.organisationId = String((await svc.organisation(Number(picked))).id);
    else if (picked === 'new') o.form.values.organisationId = '';
    const orgId = Number(o.form.values.organisationId) || null;
    res.status(o.status ?? 200).render('sheets/form', {
      title: req.t(o.sheetId ? 'sheets.form.editTitle' : 'sheets.form.newTitle'),
      formAction,
      picker: await organisationPicker(req, ctx.services.organisations, formAction),
      organisation: orgId ? await svc.organisation(orgId) : null,
      sections: SECTIONS,
      required: new Set<string>([...REQUIRED_TO_SEND, ...NEW_ORG_REQUIRED]),
      returnComment: o.returnComment ?? null,
      instructions: await ctx.services.usefulDocuments.instructionsFor(req.actor!),
      countryName: (c: string | null) => countryName(c, req.locale),
      ...o.form,
      errors: o.errors ?? {},
    });
  };

  /** A save refused: the form again (422), what was typed kept, each message beside its field (the legal engine's with its figures). */
  const refused = async (req: Request, res: Response, sheetId: number | null, err: unknown) => {
    if (!(err instanceof ValidationError)) throw err;
    const errors = { ...err.fields };
    if (err instanceof SheetChecksError) for (const [field, c] of Object.entries(err.checks)) errors[field] = checkMessage(c, wordsOf(req));
    await renderForm(req, res, { sheetId, form: formValues(safeValues(req.body), postedPauses(req.body ?? {})), errors, status: 422 });
  };

  const saved = (req: Request, res: Response, id: number, intent: SaveIntent) => {
    flash(req, 'success', intent === 'send' ? 'sheets.flash.sent' : 'sheets.flash.saved');
    res.redirect(303, intent === 'send' ? `/sheets/${id}` : `/sheets/${id}/edit`);
  };

  r.get('/new', allow('sheets.own'), async (req, res) => {
    await renderForm(req, res, { sheetId: null, form: contentValues(await svc.blank(req.actor!), null) });
  });

  r.post('/new', allow('sheets.own'), async (req, res) => {
    const intent = intentOf(req);
    try {
      const created = await svc.create(act(req), parse(draftSchema, req.body), intent);
      saved(req, res, created.id, intent);
    } catch (err) {
      await refused(req, res, null, err);
    }
  });

  // "Remplir ma fiche de stage" on an accepted application: the internship's sheet, created prefilled or opened.
  r.post('/from-application/:applicationId', allow('sheets.own'), async (req, res) => {
    const sheet = await svc.fromApplication(act(req), idParam(req.params.applicationId));
    if (sheet.created) flash(req, 'success', 'sheets.flash.created');
    res.redirect(303, `/sheets/${sheet.id}/edit`);
  });

  r.get('/:id/edit', allow('sheets.own'), async (req, res) => {
    const id = idParam(req.params.id);
    try {
      const { sheet, content } = await svc.forEdit(act(req), id);
      await renderForm(req, res, { sheetId: id, form: contentValues(content, sheet.organisationId), returnComment: sheet.status === 'RETURNED' ? sheet.returnComment : null });
    } catch (err) {
      // A sheet no longer editable (sent, validated): its page says why (422).
      const problem = problemOf(err, {});
      if (!problem) throw err;
      await showPage(req, res, problem);
    }
  });

  r.post('/:id/edit', allow('sheets.own'), async (req, res) => {
    const id = idParam(req.params.id);
    const intent = intentOf(req);
    try {
      await svc.save(act(req), id, parse(draftSchema, req.body), intent);
      saved(req, res, id, intent);
    } catch (err) {
      if (err instanceof ValidationError) return refused(req, res, id, err);
      const problem = problemOf(err, req.body);
      if (!problem) throw err;
      await showPage(req, res, problem);
    }
  });

  const showPage: DetailPage = async (req, res, problem) => {
    const d = await svc.detail(act(req), idParam(req.params.id));
    const words = wordsOf(req);
    res.status(problem?.status ?? 200).render('sheets/show', {
      title: req.t('sheets.show.title', { id: d.sheet.id }),
      ...d,
      fields: FIELDS,
      sections: SECTIONS,
      checks: d.legal?.checks.map((c) => ({ ...c, message: checkMessage(c, words) })) ?? [],
      agreementNumber: d.agreement ? agreementNumber(d.agreement) : null,
      countryName: (c: string | null) => countryName(c, req.locale),
      dayText: (s: string) => words.fmt.date(CalendarDate.parse(s)) || s,
      values: problem?.values ?? {},
      errors: problem?.errors ?? {},
      formError: problem?.formError ?? null,
    });
  };

  r.get('/:id', allow('account.self'), (req, res) => showPage(req, res));

  // One POST per action of the manager (the student's are the form's two buttons).
  for (const action of ['validate', 'return'] as const) {
    detailAction(r, `/:id/${action}`, 'sheets.review', {
      page: showPage,
      run: async (req, res) => {
        const id = idParam(req.params.id);
        await svc.perform(act(req), id, action, req.body);
        flash(req, 'success', `sheets.flash.${action}`);
        res.redirect(303, `/sheets/${id}`);
      },
    });
  }

  return r;
}
