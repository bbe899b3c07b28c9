import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import type { Ctx } from '../../../context.js';
import { allow } from '../../../authz/guard.js';
import { notFound, ValidationError } from '../../../errors.js';
import { act } from '../../../http/act.js';
import { flash, formHandler, safeValues } from '../../../http/forms.js';
import { detailAction } from '../../../http/pages.js';
import { newRouter } from '../../../http/router.js';
import { WEEKDAYS } from '../../../legal/types.js';
import { CalendarDate } from '../../../time/calendar.js';
import { agreementWizard, agreementWizardDef, BASE, hostId, WIZARD_PATHS, type AgreementWizardState } from './wizard.state.js';
import { academicTutorSchema, companyTutorSchema, hostSchema, internshipSchema, internshipValues, placeSchema, signatorySchema, type InternshipForm } from './wizard.schemas.js';
import { personChoice, personValues, placeChoice, placeValues, studentStep } from './wizard.steps.js';
import { legalLocals, summaryLocals } from './wizard.present.js';
import { hostCreateRoutes } from './wizard.host.js';
import { ORG_QUERY_KEYS, type OrgQuery } from './wizard.service.js';

type Locals = Record<string, unknown>;

/**
 * Creating an agreement in eight screens (issue 12), under /agreements/new: 1 student, 2 host
 * organisation, 3 service, 4 company tutor, 5 internship (the legal engine's result on "Vérifier"),
 * 6 academic tutor, 7 host signatory, 8 summary and "Créer" (createAgreement). Who: WRITE staff of
 * a centre for its students, a student for themselves when their centre allows it; anyone else
 * holding the permission gets a 404. Screens are a wizard (src/http/wizard.ts): the draft is a
 * database row, resumable from another device; going back shows what was kept.
 */
export function agreementWizardRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.agreementWizard;
  const wizard = agreementWizard(ctx.db);
  const draft = (req: Request) => wizard.draft(req);
  const perm = allow(agreementWizardDef.permission);
  /** Out of the creator's reach (a student whose centre does not allow it): 404. */
  const gate = async (req: Request, _res: Response, next: NextFunction) => {
    if (!(await svc.mayCreate(req.actor!))) throw notFound();
    next();
  };
  const centreOf = async (req: Request) => (await svc.student(req.actor!, (await draft(req)).student!.studentId)).centre;
  const isStudent = (req: Request) => !req.actor!.isPlatformAdmin && !!req.actor!.student && req.actor!.centres.size === 0;

  /** One screen: GET shows the draft's values, POST parses the schema and `store`s into the draft, then goes on. */
  const step = <S extends z.ZodType>(key: string, opts: { locals: (req: Request, d: AgreementWizardState) => Promise<Locals>; values: (d: AgreementWizardState, req: Request) => Locals | Promise<Locals>; store: (req: Request, d: AgreementWizardState, data: z.infer<S>) => Promise<void | false>; schema?: S }) => {
    const def = agreementWizardDef.steps.find((s) => s.key === key)!;
    const path = def.path as string;
    // The centre's notice de saisie (useful documents): the chosen student's centre, or the student's own.
    const instructions = async (req: Request) => ctx.services.usefulDocuments.instructionsFor(req.actor!, (await draft(req)).student?.centreId);
    const locals = async (req: Request) => ({ ...wizard.progress(req, await draft(req), key), ...(await opts.locals(req, await draft(req))), paths: WIZARD_PATHS, stepKey: key, instructions: await instructions(req) });
    r.get(path, perm, gate, wizard.guard(key), async (req, res) => {
      res.render(def.view!, { ...(await locals(req)), values: await opts.values(await draft(req), req), errors: {} });
    });
    const handler = formHandler({
      schema: (opts.schema ?? def.schema) as S,
      view: def.view!,
      locals,
      action: async (req, res, data) => {
        const d = await draft(req);
        // false: the step showed its page again (a check), nothing saved.
        if ((await opts.store(req, d, data)) === false) return;
        await wizard.save(req, d);
        res.redirect(303, wizard.next(d));
      },
    });
    r.post(path, perm, gate, wizard.guard(key), handler);
  };

  r.get(BASE, perm, gate, async (req, res) => res.redirect(303, wizard.next(await draft(req))));
  r.post(`${BASE}/cancel`, perm, gate, async (req, res) => {
    await wizard.discard(req);
    flash(req, 'info', 'agreementWizard.cancelled');
    res.redirect(303, '/');
  });

  // 1 ─ the student: staff search by number or name; a student is themselves.
  step('student', studentStep(svc, isStudent));

  // 2 ─ the host organisation: searched in the directory (a new one is created there, unverified).
  step('host', {
    schema: hostSchema,
    locals: async (req) => {
      const q = Object.fromEntries(ORG_QUERY_KEYS.map((k) => [k, String(req.query[k] ?? '')])) as OrgQuery;
      const d = await draft(req);
      const newHost = d.host && 'create' in d.host ? d.host.create : null;
      return { q, results: await svc.searchOrganisations(q), chosen: hostId(d) ? await svc.organisation(hostId(d)!) : null, newHost, searched: Object.values(q).some(Boolean) };
    },
    values: (d) => ({ organisationId: hostId(d) ?? '' }),
    store: async (_req, d, data: z.infer<typeof hostSchema>) => {
      await svc.organisation(data.organisationId);
      // Another host: its services and contacts no longer apply.
      if (hostId(d) !== data.organisationId) for (const k of ['place', 'companyTutor', 'signatory'] as const) delete d[k];
      d.host = { organisationId: data.organisationId };
    },
  });

  hostCreateRoutes(r, svc, wizard, [perm, gate, wizard.guard('host')]);

  // 3 ─ the service: one of the organisation's, a new one (own address or the organisation's), or none.
  step('place', {
    schema: placeSchema,
    locals: async (_req, d) => ({ services: await svc.services(hostId(d)) }),
    values: placeValues,
    store: async (_req, d, data) => {
      d.place = placeChoice(data, await svc.services(hostId(d)));
    },
  });

  // 4 ─ the company tutor: a contact of the organisation (its service's first), a new one, or none when optional.
  step('companyTutor', {
    schema: companyTutorSchema,
    locals: async (req, d) => ({ role: 'companyTutor', contacts: await svc.contacts(hostId(d)), optional: !(await centreOf(req)).companyTutorRequired }),
    values: (d) => personValues(d.companyTutor),
    store: async (req, d, data) => {
      d.companyTutor = personChoice(data, await svc.contacts(hostId(d)), !(await centreOf(req)).companyTutorRequired);
    },
  });

  // 5 ─ the internship, and the law on it ("Vérifier" shows the engine's result without going on).
  // On a POST the years offered follow the start day typed; the engine's result rides in res.locals.
  const internshipLocals = async (req: Request, d: AgreementWizardState) => {
    const typed = CalendarDate.parse(req.method === 'POST' ? String(req.body?.startDate ?? '') : d.internship?.startDate);
    return { weekdays: WEEKDAYS, years: typed ? await svc.yearChoices(ctx.db, await centreOf(req), typed) : [] };
  };
  step('internship', {
    schema: internshipSchema,
    locals: internshipLocals,
    // A new internship following an offer starts from the offer's title and missions.
    values: async (d) => ({ ...internshipValues(d.internship), ...(!d.internship && d.student?.offerId ? await svc.offerPrefill(d.student.offerId) : {}) }),
    store: async (req, d, data: InternshipForm) => {
      const result = await svc.legal(d, data, req.now);
      req.res!.locals.legal = await legalLocals(req, result);
      const years = await svc.yearChoices(ctx.db, await centreOf(req), CalendarDate.parse(data.startDate)!);
      const errors: Record<string, string> = {};
      if (data.academicYear && !years.includes(data.academicYear)) errors.academicYear = 'agreementWizard.errors.year';
      if (!data.leaveTerms && result.checks.some((c) => c.code === 'leave_required')) errors.leaveTerms = 'agreementWizard.errors.leaveRequired';
      if (result.checks.some((c) => c.severity === 'blocking')) errors._form = 'agreementWizard.errors.blocking';
      if (Object.keys(errors).length) throw new ValidationError(errors);
      if (req.body?.action === 'check') {
        req.res!.render('agreements/wizard/internship', { ...wizard.progress(req, d, 'internship'), ...(await internshipLocals(req, d)), paths: WIZARD_PATHS, stepKey: 'internship', values: safeValues(req.body), errors: {} });
        return false;
      }
      d.internship = { ...data, academicYear: data.academicYear || null };
    },
  });

  // 6 ─ the academic tutor: a teacher of the institution; none when optional, or when a student may not choose.
  step('academicTutor', {
    schema: academicTutorSchema,
    locals: async (req, d) => {
      const centre = await centreOf(req);
      const s = await svc.student(req.actor!, d.student!.studentId);
      const mayChoose = !isStudent(req) || centre.studentsMayEnterTutor;
      const q = String(req.query.q ?? '');
      let teachers = mayChoose ? await svc.teachers(s.institutionId, q) : [];
      // The one chosen stays on the list whatever the search.
      const chosen = d.academicTutor && 'userId' in d.academicTutor ? d.academicTutor.userId : null;
      if (chosen && !teachers.some((x) => x.id === chosen)) teachers = [...(await svc.teachers(s.institutionId)).filter((x) => x.id === chosen), ...teachers];
      return { teachers, q, mayChoose, optional: !centre.academicTutorRequired || !mayChoose };
    },
    values: (d) => ({ choice: d.academicTutor ? ('userId' in d.academicTutor ? String(d.academicTutor.userId) : 'none') : '' }),
    store: async (req, d, data: { choice: string }) => {
      const centre = await centreOf(req);
      const mayChoose = !isStudent(req) || centre.studentsMayEnterTutor;
      if (data.choice === 'none') {
        if (mayChoose && centre.academicTutorRequired) throw new ValidationError({ choice: 'agreementWizard.errors.academicTutorRequired' });
        d.academicTutor = { none: true };
        return;
      }
      const teachers = mayChoose ? await svc.teachers((await svc.student(req.actor!, d.student!.studentId)).institutionId) : [];
      const t = teachers.find((x) => String(x.id) === data.choice);
      if (!t) throw new ValidationError({ choice: 'agreementWizard.errors.choose' });
      d.academicTutor = { userId: t.id };
    },
  });

  // 7 ─ the host's signatory: any contact of the organisation (it may be in another service), a new one, or none yet.
  step('signatory', {
    schema: signatorySchema,
    // The guide lets the signatory be told later ("passer à l'étape suivante").
    locals: async (_req, d) => ({ role: 'signatory', contacts: await svc.contacts(hostId(d)), services: await svc.services(hostId(d)), withPlace: !!d.place && !('none' in d.place), optional: true }),
    values: (d) => personValues(d.signatory),
    store: async (_req, d, data) => {
      d.signatory = personChoice(data, await svc.contacts(hostId(d)), true, await svc.services(hostId(d)));
    },
  });

  // 8 ─ the summary, every check, and "Créer".
  const summaryPage = async (req: Request, res: Response, problem?: { status?: number; formError?: string | null; errors?: Record<string, string> }) => {
    const d = await draft(req);
    const locals = await summaryLocals(req, svc, d, await centreOf(req));
    res.status(problem?.status ?? 200).render('agreements/wizard/summary', { ...wizard.progress(req, d, 'summary'), ...locals, paths: WIZARD_PATHS, stepKey: 'summary', values: {}, errors: problem?.errors ?? {}, formError: problem?.formError ?? null });
  };
  r.get(WIZARD_PATHS.summary, perm, gate, wizard.guard('summary'), (req, res) => summaryPage(req, res));
  detailAction(r, WIZARD_PATHS.summary, agreementWizardDef.permission, {
    before: [gate, wizard.guard('summary')],
    page: (req, res, problem) => summaryPage(req, res, { status: 422, errors: problem?.errors, formError: problem?.formError ?? problem?.errors?._form ?? null }),
    run: async (req, res) => {
      const d = await draft(req);
      const { blocking } = await summaryLocals(req, svc, d, await centreOf(req));
      if (blocking) throw new ValidationError({ _form: 'agreementWizard.errors.blocking' });
      const created = await wizard.finish(req, (state, discard) => svc.create(act(req), state, discard));
      flash(req, 'success', 'agreementWizard.created', { number: created.number });
      res.redirect(303, `/agreements/${created.id}`);
    },
  });

  return r;
}
