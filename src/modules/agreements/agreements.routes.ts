import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { act } from '../../http/act.js';
import { formatters } from '../../i18n/format.js';
import { flash, formPage } from '../../http/forms.js';
import { detailAction, type PageProblem } from '../../http/pages.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { CalendarDate } from '../../time/calendar.js';
import { checkMessage, durationText, reasonText, type CheckWords } from '../legal/simulator.js';
import type { Check } from '../../legal/types.js';
import { agreementNumber } from './agreement.types.js';
import { settingsSchema, signatureRanks, SIGNATURE_PARTIES, stepLabel } from './agreements.settings.js';
import type { AgreementSnapshot } from './agreements.snapshot.js';
import { recordOf } from './agreements.service.js';
import { AGREEMENT_WORKFLOW, nextStep, stepChain } from './agreements.workflow.js';
import { agreementEditRoutes } from './wizard/wizard.edit.js';
import { signaturePanel, signatureRoutes } from '../signatures/signatures.routes.js';
import { attestationRoutes } from './agreements.attestation.routes.js';
import { mayPrint } from './agreements.print.js';
import { amendmentRoutes, amendmentsPanel } from '../amendments/amendments.routes.js';
import { followUpRoutes } from '../followup/followup.routes.js';

/**
 * Agreements ("conventions de stage").
 *   GET /agreements/:id ('agreements.view'): the summary, the legal result, the state, the steps and
 *     their history, the actor's actions. Reach (agreements.reach.ts): out of it, a 404.
 *   POST /agreements/:id/<action> ('agreements.act'): one per manual action of AGREEMENT_WORKFLOW
 *     (edit is pages of its own: wizard/wizard.edit.ts); who may is the workflow's, on the record.
 *   Signatures (signing, paper, reminders, the signed PDF): ../signatures/signatures.routes.ts.
 *   GET|POST /agreements/centres/:centreId/settings ('centre.manage'): the centre's agreement settings.
 */
export function agreementsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.agreements;
  const words = (req: Request): CheckWords => ({ t: req.t, fmt: formatters(req.locale), locale: req.locale });

  const page = async (req: Request, response: Response, problem?: PageProblem) => {
    const a = await svc.show(req.actor!, idParam(req.params.id));
    const [view, amendments] = await Promise.all([svc.view(a, req.now), amendmentsPanel(ctx, req, a)]);
    response.status(problem?.status ?? 200).render('agreements/show', {
      title: req.t('agreements.show.title', { number: agreementNumber(a) }),
      a,
      view,
      legal: presentLegal(view, words(req)),
      otherChecks: (await svc.otherChecks(a)).map((c) => ({ ...c, message: otherCheckMessage(c, words(req)) })),
      steps: stepChain(a.centre).map((k) => ({ key: k, label: stepLabel(a.centre, k, req.locale, req.t), at: k === 'pedagogical' ? a.pedagogicalAt : a.administrativeAt })),
      next: nextLabel(a, req),
      history: await svc.history(a.id),
      signatures: await signaturePanel(ctx, req.actor!, a),
      attestation: await ctx.services.attestations.panel(req.actor!, a, req.now),
      amendments,
      // The centre's print rule for the agreement's student (others in reach always print).
      mayPrint: mayPrint(req.actor!, a, a.centre),
      problemValues: problem?.values ?? {},
      // Amended, it stays validated (a further change is a further amendment): no undo offered.
      actions: svc.actions(req.actor!, a).filter((x) => !(x.action === 'unvalidate' && amendments.rows.length)),
      errors: problem?.errors ?? {},
      formError: problem?.formError ?? null,
      isoDay: (d: string) => CalendarDate.parse(d),
    });
  };

  r.get('/:id', allow('agreements.view'), (req, response) => page(req, response));
  agreementEditRoutes(r, ctx);
  signatureRoutes(r, ctx, page);
  attestationRoutes(r, ctx, page);
  amendmentRoutes(r, ctx);
  followUpRoutes(r, ctx);

  for (const action of AGREEMENT_WORKFLOW.manualActions.filter((x) => x !== 'edit')) {
    detailAction(r, `/:id/${action}`, 'agreements.act', {
      page,
      run: async (req, response) => {
        const done = await svc.perform(act(req), idParam(req.params.id), action);
        flash(req, 'success', `agreements.flash.${action}`, { number: done.number });
        response.redirect(303, done.deleted ? '/' : `/agreements/${req.params.id}`);
      },
    });
  }

  formPage(r, '/centres/:centreId/settings', 'centre.manage', {
    view: 'agreements/settings',
    schema: settingsSchema,
    locals: async (req) => {
      const centre = await ctx.services.agreementSettings.get(req.actor!, idParam(req.params.centreId));
      const representatives = await ctx.services.agreementSettings.representatives(centre.id);
      return { title: req.t('agreements.settings.title', { name: centre.name }), centre, parties: SIGNATURE_PARTIES, representatives };
    },
    initial: (l) => ({ ...l.centre, ...signatureRanks(l.centre.signatureParties), order: l.centre.administrativeFirst ? 'administrativeFirst' : 'pedagogicalFirst' }),
    action: async (req, response, data) => {
      await ctx.services.agreementSettings.update(act(req), idParam(req.params.centreId), data);
      flash(req, 'success', 'common.saved');
      response.redirect(303, `/agreements/centres/${req.params.centreId}/settings`);
    },
  });

  return r;
}

/** What the agreement waits for, in words: sending, the centre's next step, the validation; null once validated. */
function nextLabel(a: Parameters<typeof recordOf>[0] & { centre: Parameters<typeof stepLabel>[0] }, req: Request): string | null {
  const r = recordOf(a);
  if (r.status === 'DRAFT') return req.t('agreements.show.nextSubmit');
  if (r.status === 'VALIDATED') return null;
  const step = nextStep(r);
  return step ? stepLabel(a.centre, step, req.locale, req.t) : req.t('agreements.show.validated');
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A database check's message (agreements.checks.<code>), its numbers and days in words. */
function otherCheckMessage(c: Check, { t, fmt }: CheckWords): string {
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.params)) params[k] = typeof v === 'number' ? fmt.number(v) : ISO_DAY.test(v) ? fmt.date(CalendarDate.parse(v)) : v;
  return t(`agreements.checks.${c.code}`, params);
}

/** What the page shows of the legal result: the duration, why a stipend is (not) due, the checks in words. */
function presentLegal(view: AgreementSnapshot, w: CheckWords) {
  if (!view.legal) return null;
  const { result, signedOn, previousHours } = view.legal;
  return {
    ...result,
    previousHours,
    duration: durationText(result, w),
    reason: reasonText(result, view.internship.rulesCountry.value ?? 'FR', CalendarDate.parse(signedOn)!, w),
    checks: result.checks.map((c) => ({ ...c, message: checkMessage(c, w) })),
    blocking: result.checks.some((c) => c.severity === 'blocking'),
  };
}
