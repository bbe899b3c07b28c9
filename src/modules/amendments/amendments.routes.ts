import type { Request, Response, Router } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { forbidden } from '../../errors.js';
import { act } from '../../http/act.js';
import { flash } from '../../http/forms.js';
import { formatters } from '../../i18n/format.js';
import { detailAction, type PageProblem } from '../../http/pages.js';
import { idParam } from '../../http/pagination.js';
import { CalendarDate } from '../../time/calendar.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { mayPrint } from '../agreements/agreements.print.js';
import type { AgreementSnapshot } from '../agreements/agreements.snapshot.js';
import { checkMessage, type CheckWords } from '../legal/simulator.js';
import { sendPdf, signaturePanel, signatureRoutes, type SignedTarget } from '../signatures/signatures.routes.js';
import { amendmentPdf } from '../signatures/signatures.pdf.js';
import { documentNumber } from '../signatures/signatures.mail.js';
import { snapshotDiff, type Words } from './amendments.diff.js';
import { AMENDMENT_KINDS, draftValues, formValues, parseAmendment } from './amendments.form.js';
import type { AmendmentService } from './amendments.service.js';
import { amendmentRecord, warningsOf } from './amendments.service.js';
import { AMENDMENT_WORKFLOW } from './amendments.workflow.js';

type Shown = Awaited<ReturnType<AmendmentService['show']>>;
const words = (req: Request): Words & CheckWords => ({ t: req.t, fmt: formatters(req.locale), locale: req.locale });
const seqParam = (req: Request) => idParam(req.params.seq);

/** The amendment as a signed document (its signature routes hang under its URL). */
function target(s: Shown, locale: Request['locale']): SignedTarget {
  const { a, m } = s;
  return { doc: { agreementId: a.id, amendmentId: m.id }, base: `/agreements/${a.id}/amendments/${m.seq}`, number: documentNumber({ agreement: a, amendment: m }, locale), status: m.status, final: m.finalPdfFileId ? { fileId: m.finalPdfFileId, hash: m.finalPdfSha256 } : null };
}

/** A check's message: the legal engine's codes in its words, the other agreements' in the agreements' catalogue. */
function checkText(c: { code: string; params: Record<string, string | number>; severity: string }, w: CheckWords): string {
  if (w.t(`legal.checks.${c.code}`) !== `legal.checks.${c.code}`) return checkMessage(c as Parameters<typeof checkMessage>[0], w);
  const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, typeof v === 'number' ? w.fmt.number(v) : /^\d{4}-\d{2}-\d{2}$/.test(v) ? w.fmt.date(CalendarDate.parse(v)) : v]));
  return w.t(`agreements.checks.${c.code}`, params);
}

/** The agreement page's amendments: the list, the new-amendment link, the field-by-field history of the validated ones. */
export async function amendmentsPanel(ctx: Ctx, req: Request, a: Parameters<AmendmentService['mayCreate']>[1]) {
  const svc = ctx.services.amendments;
  const centre = await ctx.db.managementCentre.findUniqueOrThrow({ where: { id: a.centreId }, select: { studentsMayAmend: true, signatureParties: true, signatureAutoValidate: true } });
  const rows = await svc.list(a.id);
  const w = words(req);
  const history = rows.filter((m) => m.status === 'VALIDATED').map((m) => ({ seq: m.seq, at: m.validatedAt, changes: snapshotDiff(m.beforeSnapshot as unknown as AgreementSnapshot, m.snapshot as unknown as AgreementSnapshot, w) }));
  return { rows, history, mayCreate: await svc.mayCreate(req.actor!, a, centre) };
}

/**
 * Amendments (issue 13), on the agreements router:
 *   GET|POST /agreements/:id/amendments/new — the form (reason, early end, changes with their new
 *     values); a new DRAFT, numbered per agreement. GET|POST .../amendments/:seq/edit — a draft corrected.
 *   GET /agreements/:id/amendments/:seq — its page: state, reason, what changes field by field, the
 *     checks and warnings (stipend made due, blocking rule), actions, signatures, print links.
 *   POST /agreements/:id/amendments/:seq/{delete,openSignatures,cancelSignatures,validate}.
 *   GET /agreements/:id/amendments/:seq/amendment.pdf — as printed (and signed); the student's print rule holds.
 *   Signatures: sign, paper, remind, document.pdf, final.pdf under the amendment's URL (signatureRoutes).
 */
export function amendmentRoutes(r: Router, ctx: Ctx) {
  const svc = ctx.services.amendments;

  const form = async (req: Request, res: Response, problem?: PageProblem) => {
    const editing = req.params.seq ? await svc.show(req.actor!, idParam(req.params.id), seqParam(req)) : null;
    const { a } = editing ?? (await svc.agreement(req.actor!, idParam(req.params.id)));
    const initial = editing ? draftValues(a, editing.m) : formValues(a);
    res.status(problem?.status ?? 200).render('amendments/form', {
      title: req.t(editing ? 'amendments.form.editTitle' : 'amendments.form.title', { number: agreementNumber(a), seq: editing?.m.seq ?? '' }),
      a,
      action: editing ? `/agreements/${a.id}/amendments/${editing.m.seq}/edit` : `/agreements/${a.id}/amendments/new`,
      kinds: AMENDMENT_KINDS,
      services: await ctx.db.service.findMany({ where: { organisationId: a.organisationId }, orderBy: { name: 'asc' }, select: { id: true, name: true } }),
      contacts: await ctx.services.agreementWizard.contacts(a.organisationId),
      teachers: await ctx.services.agreementWizard.teachers(a.institutionId),
      weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      values: problem ? { ...initial, ...problem.values } : initial,
      errors: problem?.errors ?? {},
      formError: problem?.formError ?? null,
    });
  };
  // The warnings (a stipend made due, a blocking rule) are on the amendment's page, for whoever reads it.
  const saved = (req: Request, res: Response, out: { seq: number }) => {
    flash(req, 'success', 'amendments.flash.saved', { seq: out.seq });
    res.redirect(303, `/agreements/${req.params.id}/amendments/${out.seq}`);
  };
  const current = async (req: Request) => {
    const { a } = await svc.agreement(req.actor!, idParam(req.params.id));
    return { startDate: CalendarDate.fromDb(a.startDate), endDate: CalendarDate.fromDb(a.endDate) };
  };

  r.get('/:id/amendments/new', allow('agreements.act'), async (req, res) => {
    const { a, centre } = await svc.agreement(req.actor!, idParam(req.params.id));
    // Not the actor's to amend (a 403); the agreement not validated, or an amendment open: its page says why.
    if (!AMENDMENT_WORKFLOW.can(req.actor!, amendmentRecord(a, centre), 'edit')) throw forbidden();
    if (!(await svc.mayCreate(req.actor!, a, centre))) return res.redirect(303, `/agreements/${a.id}#amendments`);
    await form(req, res);
  });
  detailAction(r, '/:id/amendments/new', 'agreements.act', {
    page: form,
    run: async (req, res) => saved(req, res, await svc.create(act(req), idParam(req.params.id), parseAmendment(req.body, await current(req)))),
  });
  r.get('/:id/amendments/:seq/edit', allow('agreements.act'), async (req, res) => {
    const s = await svc.show(req.actor!, idParam(req.params.id), seqParam(req));
    if (!AMENDMENT_WORKFLOW.can(req.actor!, s.record, 'edit')) throw forbidden();
    await form(req, res);
  });
  detailAction(r, '/:id/amendments/:seq/edit', 'agreements.act', {
    page: form,
    run: async (req, res) => saved(req, res, await svc.update(act(req), idParam(req.params.id), seqParam(req), parseAmendment(req.body, await current(req)))),
  });

  const page = async (req: Request, res: Response, problem?: PageProblem) => {
    const s = await svc.show(req.actor!, idParam(req.params.id), seqParam(req));
    res.status(problem?.status ?? 200).render('amendments/show', { title: req.t('amendments.show.title', { seq: s.m.seq, number: agreementNumber(s.a) }), ...(await pageLocals(ctx, req, s)), problemValues: problem?.values ?? {}, errors: problem?.errors ?? {}, formError: problem?.formError ?? null });
  };
  r.get('/:id/amendments/:seq', allow('agreements.view'), (req, res) => page(req, res));
  for (const action of ['delete', 'openSignatures', 'cancelSignatures', 'validate'] as const) {
    detailAction(r, `/:id/amendments/:seq/${action}`, 'agreements.act', {
      page,
      run: async (req, res) => {
        const done = await svc.perform(act(req), idParam(req.params.id), seqParam(req), action);
        flash(req, 'success', `amendments.flash.${action}`, { seq: req.params.seq as string });
        res.redirect(303, done.deleted ? `/agreements/${req.params.id}#amendments` : `/agreements/${req.params.id}/amendments/${req.params.seq}`);
      },
    });
  }
  r.get('/:id/amendments/:seq/amendment.pdf', allow('agreements.view'), async (req, res) => {
    const s = await svc.show(req.actor!, idParam(req.params.id), seqParam(req));
    if (!mayPrint(req.actor!, s.a, s.a.centre)) throw forbidden();
    sendPdf(res, (await amendmentPdf(ctx.db, s.m.id)).bytes, `avenant-${s.m.seq}-convention-${agreementNumber(s.a)}.pdf`);
  });
  signatureRoutes(r, ctx, page, '/:id/amendments/:seq', async (req) => {
    const s = await svc.show(req.actor!, idParam(req.params.id), seqParam(req));
    return { a: s.a, t: target(s, req.locale) };
  });
}

/** What the amendment's page shows. */
async function pageLocals(ctx: Ctx, req: Request, s: Shown) {
  const { a, m, record } = s;
  const w = words(req);
  const before = m.beforeSnapshot as unknown as AgreementSnapshot;
  const after = m.snapshot as unknown as AgreementSnapshot;
  return {
    a,
    m,
    number: agreementNumber(a),
    changes: snapshotDiff(before, after, w),
    checks: (m.checks as unknown as { code: string; severity: string; params: Record<string, string | number> }[]).map((c) => ({ ...c, message: checkText(c, w) })),
    warnings: warningsOf(m),
    actions: AMENDMENT_WORKFLOW.availableActions(req.actor!, record),
    signatures: await signaturePanel(ctx, req.actor!, a, target(s, req.locale)),
    mayPrint: mayPrint(req.actor!, a, a.centre),
    isoDay: (d: string) => CalendarDate.parse(d),
  };
}
