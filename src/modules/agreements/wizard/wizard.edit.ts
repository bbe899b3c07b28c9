import type { Request, Response, Router } from 'express';
import type { Ctx } from '../../../context.js';
import { allow } from '../../../authz/guard.js';
import { forbidden, ValidationError } from '../../../errors.js';
import { act } from '../../../http/act.js';
import { flash, formHandler, safeValues } from '../../../http/forms.js';
import { idParam } from '../../../http/pagination.js';
import { WEEKDAYS, type Weekday } from '../../../legal/types.js';
import { CalendarDate } from '../../../time/calendar.js';
import { agreementNumber } from '../agreement.types.js';
import { recordOf } from '../agreements.service.js';
import { AGREEMENT_WORKFLOW } from '../agreements.workflow.js';
import { academicTutorSchema, internshipSchema, internshipValues, type InternshipForm } from './wizard.schemas.js';
import { detailsOf } from './wizard.service.js';
import { legalLocals } from './wizard.present.js';
import type { AgreementWizardState } from './wizard.state.js';
import { agreementEditPeopleRoutes, editPaths } from './wizard.edit-people.js';
import { agreementEditHostRoutes } from './wizard.edit-host.js';

type Shown = Awaited<ReturnType<Ctx['services']['agreements']['show']>>;

/** The agreement's internship as the wizard's screen 5 holds it (the form's values come from there). */
function internshipOf(a: Shown): InternshipForm {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const schedule = (a.schedule ?? {}) as Record<Weekday, number>;
  return {
    ...(Object.fromEntries(WEEKDAYS.map((d) => [d, String(schedule[d] ?? 0)])) as Record<Weekday, string>),
    type: a.type, subject: a.subject, theme: a.theme, activities: a.activities ?? '', skills: a.skills,
    startDate: CalendarDate.fromDb(a.startDate).toString(), endDate: CalendarDate.fromDb(a.endDate).toString(),
    pauses: ((a.interruptions ?? []) as { from: string; to: string }[]).map((p) => ({ from: p.from, to: p.to })),
    daysPerWeek: String(Number(a.daysPerWeek)), workingTime: a.workingTime,
    nightPresence: a.nightPresence, sundayPresence: a.sundayPresence, holidayPresence: a.holidayPresence,
    payAmount: text(a.payAmount), payUnit: a.payUnit, currency: a.currency, paymentMethod: a.paymentMethod,
    benefitsMeals: a.benefitsMeals, benefitsTransport: a.benefitsTransport, benefitsOther: a.benefitsOther,
    leaveTerms: a.leaveTerms, supervisionTerms: a.supervisionTerms, confidential: a.confidential, printLanguage: a.printLanguage,
    academicYear: a.academicYear,
  } as InternshipForm;
}

/**
 * Editing an agreement (issue 12, "vous pouvez de nouveau la modifier"): the creation wizard's
 * internship screen, loaded with the agreement's values, saved through AgreementService.update
 * (who may is the workflow's `edit` rows; a validated one says to undo its validation first; a
 * blocking check of the law refuses). GET /agreements/:id/edit goes to the screen.
 * Out of reach: 404 (show); in reach without the `edit` row: 403.
 */
export function agreementEditRoutes(r: Router, ctx: Ctx) {
  const svc = ctx.services.agreements;
  const wizardSvc = ctx.services.agreementWizard;
  const perm = allow('agreements.act');
  const paths = editPaths;
  /** The agreement in reach (404 otherwise), and whether this actor may edit it (the workflow says). */
  const load = async (req: Request) => {
    const a = await svc.show(req.actor!, idParam(req.params.id));
    return { a, may: AGREEMENT_WORKFLOW.can(req.actor!, recordOf(a), 'edit') };
  };
  const locals = async (req: Request, a: Shown, stepKey = 'internship') => ({
    title: req.t('agreementWizard.edit.title', { number: agreementNumber(a) }),
    editing: { number: agreementNumber(a) },
    weekdays: WEEKDAYS,
    years: [],
    paths: paths(a.id),
    stepKey,
  });
  const render = async (req: Request, res: Response, a: Shown, values: Record<string, unknown>) =>
    res.render('agreements/wizard/internship', { ...(await locals(req, a)), values, errors: {} });

  agreementEditHostRoutes(r, ctx);
  agreementEditPeopleRoutes(r, ctx);
  r.get('/:id/edit', perm, async (req, res) => res.redirect(303, paths(idParam(req.params.id)).internship));
  r.get('/:id/edit/internship', perm, async (req, res) => {
    const { a, may } = await load(req);
    if (!may) throw forbidden();
    await render(req, res, a, internshipValues(internshipOf(a)));
  });
  r.post(
    '/:id/edit/internship',
    perm,
    formHandler({
      schema: internshipSchema,
      view: 'agreements/wizard/internship',
      locals: async (req) => locals(req, (await load(req)).a),
      action: async (req, res, data: InternshipForm) => {
        const { a } = await load(req);
        // The law on the internship as typed, with the agreement's host (as the wizard's screen 5).
        const draft = { student: { studentId: a.studentId }, host: { organisationId: a.organisationId } } as AgreementWizardState;
        const result = await wizardSvc.legal(draft, { ...data, academicYear: a.academicYear }, req.now);
        res.locals.legal = await legalLocals(req, result);
        if (!data.leaveTerms && result.checks.some((c) => c.code === 'leave_required')) throw new ValidationError({ leaveTerms: 'agreementWizard.errors.leaveRequired' });
        if (result.checks.some((c) => c.severity === 'blocking')) throw new ValidationError({ _form: 'agreementWizard.errors.blocking' });
        if (req.body?.action === 'check') return void (await render(req, res, a, safeValues(req.body)));
        const done = await svc.update(act(req), a.id, detailsOf(data));
        flash(req, 'success', 'agreementWizard.edit.saved', { number: done.number });
        res.redirect(303, `/agreements/${a.id}`);
      },
    }),
  );
  // 6 ─ the academic tutor: a teacher of the student's institution, as in the wizard (the centre's rules on who chooses).
  const tutorRules = async (req: Request, a: Shown) => {
    const centre = await ctx.db.managementCentre.findUniqueOrThrow({ where: { id: a.centreId }, select: { academicTutorRequired: true, studentsMayEnterTutor: true } });
    const { institutionId } = await ctx.db.studentProfile.findUniqueOrThrow({ where: { id: a.studentId }, select: { institutionId: true } });
    const isStudent = !req.actor!.isPlatformAdmin && !!req.actor!.student && req.actor!.centres.size === 0;
    // A student the centre does not let choose has nothing to edit here (the centre chooses).
    if (isStudent && !centre.studentsMayEnterTutor) throw forbidden();
    return { institutionId, required: centre.academicTutorRequired };
  };
  const tutorLocals = async (req: Request) => {
    const { a, may } = await load(req);
    if (!may) throw forbidden();
    const { institutionId, required } = await tutorRules(req, a);
    const q = String(req.query.q ?? '');
    let teachers = await wizardSvc.teachers(institutionId, q);
    // The one chosen stays on the list whatever the search.
    if (a.academicTutorId && !teachers.some((x) => x.id === a.academicTutorId)) teachers = [...(await wizardSvc.teachers(institutionId)).filter((x) => x.id === a.academicTutorId), ...teachers];
    return { a, ...(await locals(req, a, 'academicTutor')), teachers, q, mayChoose: true, optional: !required, institutionId, required };
  };
  r.get('/:id/edit/academic-tutor', perm, async (req, res) => {
    const { a: shown, ...l } = await tutorLocals(req);
    res.render('agreements/wizard/academic-tutor', { ...l, values: { choice: shown.academicTutorId ? String(shown.academicTutorId) : 'none' }, errors: {} });
  });
  r.post(
    '/:id/edit/academic-tutor',
    perm,
    formHandler({
      schema: academicTutorSchema,
      view: 'agreements/wizard/academic-tutor',
      locals: async (req) => (({ a: _a, ...l }) => l)(await tutorLocals(req)),
      action: async (req, res, data: { choice: string }) => {
        const { a, institutionId, required } = await tutorLocals(req);
        let academicTutorId: number | null = null;
        if (data.choice === 'none') {
          if (required) throw new ValidationError({ choice: 'agreementWizard.errors.academicTutorRequired' });
        } else {
          const teacher = (await wizardSvc.teachers(institutionId)).find((x) => String(x.id) === data.choice);
          if (!teacher) throw new ValidationError({ choice: 'agreementWizard.errors.choose' });
          academicTutorId = teacher.id;
        }
        const done = await svc.update(act(req), a.id, { academicTutorId });
        flash(req, 'success', 'agreementWizard.edit.saved', { number: done.number });
        res.redirect(303, `/agreements/${a.id}`);
      },
    }),
  );
}
