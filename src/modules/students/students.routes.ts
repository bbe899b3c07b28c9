import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { DOCUMENT_UPLOAD, sendStoredFile, takeUpload, typesLabel, uploadSingle } from '../../files/upload.js';
import { act, anonymousAct } from '../../http/act.js';
import { flash, formHandler, formPage } from '../../http/forms.js';
import { homeFor } from '../../http/nav.js';
import { detailAction, searchCriteria, type PageProblem } from '../../http/pages.js';
import { idParam, isoDate } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { textLimits } from '../../http/validate.js';
import { todayIn } from '../../time/calendar.js';
import { formatNir } from './nir.js';
import { studentImportRoutes } from './students.import.routes.js';
import { LIST_KEYS, LIST_SORT, listSchema, profileSchema, registrationSchema, staffStudentSchema } from './students.schemas.js';

declare module 'express-session' {
  interface SessionData {
    /** The address a registration was sent to, shown once on the confirmation page. */
    registeredEmail?: string;
  }
}

// Students. Permissions: 'public' (self-registration), 'students.view' (READ staff and above, or
// platform admin: lists, records, CVs), 'students.manage' (WRITE staff and above, or platform admin:
// create, edit, import), 'profile.self' (the student's own profile and CV). Which students a member
// of staff reaches, and with which right, is decided by StudentService.findForActor.
export function studentsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.students;

  // ───────────── self-registration ─────────────

  const registrationLocals = async (req: Request) => {
    const institutions = await svc.registrationOptions();
    return {
      title: req.t('students.register.title'),
      institutionOptions: institutions.map((i) => ({ value: i.id, label: i.name })),
      programmeGroups: institutions.filter((i) => i.programmes.length).map((i) => ({ label: i.name, options: i.programmes.map((p) => ({ value: p.id, label: p.name })) })),
      yearGroups: institutions.flatMap((i) =>
        i.programmes.filter((p) => p.studyYears.length).map((p) => ({ label: `${i.name} — ${p.name}`, options: p.studyYears.map((y) => ({ value: y.id, label: y.name })) })),
      ),
    };
  };

  r.get('/register/student', allow('public'), async (req, res) => {
    if (req.actor) return res.redirect(303, homeFor(req.actor));
    res.render('students/register', await registrationLocals(req));
  });

  r.post(
    '/register/student',
    allow('public'),
    (req, res, next) => (req.actor ? res.redirect(303, homeFor(req.actor)) : next()),
    formHandler({
      schema: registrationSchema,
      view: 'students/register',
      locals: registrationLocals,
      action: async (req, res, data) => {
        await svc.register(anonymousAct(req), data, req.locale);
        req.session.registeredEmail = data.email;
        res.redirect(303, '/register/student/sent');
      },
    }),
  );

  r.get('/register/student/sent', allow('public'), (req, res) => {
    const email = req.session.registeredEmail ?? null;
    delete req.session.registeredEmail;
    res.render('students/register-sent', { title: req.t('students.register.sentTitle'), email });
  });

  // ───────────── staff: list ─────────────

  // The criteria and the order stay in the query string (`q`, `year`, `sort`, `dir`), for the pager and for bookmarks.
  r.get('/students', allow('students.view'), async (req, res) => {
    const criteria = searchCriteria(listSchema, req.query as Record<string, unknown>, { keys: LIST_KEYS, sort: LIST_SORT });
    const filters = criteria.input ?? { q: '', studyYearId: null };
    const [{ items, pager }, yearGroups] = await Promise.all([svc.list(req.actor!, filters, criteria.page, criteria.sort.order), svc.yearGroups(req.actor!, 'READ')]);
    res.render('students/index', {
      title: req.t('students.list.title'), items, pager, filters, yearGroups, filtered: criteria.searched,
      baseUrl: criteria.url('/students'), sorting: criteria.sortLinks('/students'),
    });
  });

  // ───────────── staff: create ─────────────

  const formLocals = async (req: Request) => ({ yearGroups: await svc.yearGroups(req.actor!, 'WRITE') });

  formPage(r, '/students/new', 'students.manage', {
    view: 'students/form',
    schema: staffStudentSchema,
    locals: async (req) => ({ title: req.t('students.form.newTitle'), action: '/students/new', submit: req.t('students.form.createSubmit'), student: null, ...(await formLocals(req)) }),
    action: async (req, res, data) => {
      const { profile } = await svc.create(act(req), data);
      flash(req, 'success', 'students.form.created', { email: data.email });
      res.redirect(303, `/students/${profile.id}`);
    },
  });

  // ───────────── staff: CSV import (before /students/:id) ─────────────

  studentImportRoutes(r, ctx);

  // ───────────── staff: one student ─────────────

  r.get('/students/:id', allow('students.view'), async (req, res) => {
    const found = await svc.findForActor(req.actor!, idParam(req.params.id), 'READ');
    const u = found.student.user;
    res.render('students/show', { title: `${u.firstName} ${u.lastName}`, ...found });
  });

  formPage(r, '/students/:id/edit', 'students.manage', {
    view: 'students/form',
    schema: staffStudentSchema,
    locals: async (req) => {
      const { student } = await svc.findForActor(req.actor!, idParam(req.params.id), 'WRITE');
      return {
        title: req.t('students.form.editTitle', { name: `${student.user.firstName} ${student.user.lastName}` }),
        action: `/students/${student.id}/edit`,
        submit: req.t('common.save'),
        student,
        ...(await formLocals(req)),
      };
    },
    initial: ({ student }) => ({
      studyYearId: student!.studyYearId,
      studentNumber: student!.studentNumber,
      civility: student!.user.civility,
      lastName: student!.user.lastName,
      firstName: student!.user.firstName,
      email: student!.user.email,
    }),
    action: async (req, res, data) => {
      const id = idParam(req.params.id);
      await svc.update(act(req), id, data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/students/${id}`);
    },
  });

  r.get('/students/:id/cv', allow('students.view'), async (req, res) => {
    sendStoredFile(res, await svc.cvForStaff(req.actor!, idParam(req.params.id)));
  });

  // ───────────── the student's own profile ─────────────

  const profileLocals = async (req: Request) => {
    const own = await svc.own.ownProfile(req.actor!);
    return {
      title: req.t('students.profile.title'),
      ...own,
      cvTypes: typesLabel(DOCUMENT_UPLOAD.types),
      cvMaxMb: DOCUMENT_UPLOAD.maxBytes / (1024 * 1024),
      // The CV's own page (profilePage) shows this form too: its limits as formPage gives them.
      limits: textLimits(profileSchema(todayIn(req.now))),
    };
  };
  const profileValues = ({ student, ssn }: Awaited<ReturnType<typeof profileLocals>>) => ({
    phone: student.user.phone,
    addressLine1: student.addressLine1,
    addressLine2: student.addressLine2,
    postalCode: student.postalCode,
    city: student.city,
    country: student.country ?? 'FR',
    birthDate: isoDate(student.birthDate),
    ssn: ssn ? formatNir(ssn) : '',
    insurance: student.insurance,
    healthFund: student.healthFund,
    skills: student.skills,
    languages: student.languages,
    inCvBook: student.inCvBook,
  });

  formPage(r, '/profile', 'profile.self', {
    view: 'profile/edit',
    // The birth date is checked against the request's Paris day.
    schema: (req: Request) => profileSchema(todayIn(req.now)),
    locals: profileLocals,
    initial: profileValues,
    action: async (req, res, data) => {
      await svc.own.updateProfile(act(req), data);
      flash(req, 'success', 'students.profile.saved');
      res.redirect(303, '/profile');
    },
  });

  r.get('/profile/cv', allow('profile.self'), async (req, res) => {
    sendStoredFile(res, await svc.own.ownCv(req.actor!));
  });

  // A refused file: the profile page again, its form filled from the record, the message beside the file field.
  const profilePage = async (req: Request, res: Response, problem?: PageProblem) => {
    const locals = await profileLocals(req);
    res.status(problem?.status ?? 200).render('profile/edit', { ...locals, values: profileValues(locals), errors: problem?.errors ?? {}, formError: problem?.formError });
  };
  detailAction(r, '/profile/cv', 'profile.self', {
    page: profilePage,
    before: [uploadSingle('cv', DOCUMENT_UPLOAD)],
    run: async (req, res) => {
      await svc.own.setCv(act(req), takeUpload(req, { field: 'cv' }));
      flash(req, 'success', 'students.cv.saved');
      res.redirect(303, '/profile#cv');
    },
  });

  r.post('/profile/cv/delete', allow('profile.self'), async (req, res) => {
    if (await svc.own.removeCv(act(req))) flash(req, 'success', 'students.cv.removed');
    res.redirect(303, '/profile#cv');
  });

  return r;
}

