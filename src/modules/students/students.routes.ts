import { gunzipSync, gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { CSV_UPLOAD, DOCUMENT_UPLOAD, sendStoredFile, takeUpload, typesLabel, uploadSingle } from '../../files/upload.js';
import { ValidationError } from '../../errors.js';
import { flash, formHandler, formPage } from '../../http/forms.js';
import { homeFor } from '../../http/nav.js';
import { idParam, isoDate, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { f, parse } from '../../http/validate.js';
import { formatNir } from './nir.js';
import {
  applyImport,
  ENGLISH_HEADERS,
  exampleCsv,
  FRENCH_HEADERS,
  IMPORT_COLUMNS,
  ImportFileError,
  ImportRefused,
  MAX_IMPORT_ROWS,
  parseImport,
  planImport,
} from './students.import.js';
import { CIVILITIES, INSURANCES, listFilters, profileSchema, registrationSchema, staffStudentSchema } from './students.schemas.js';
import { StudentService } from './students.service.js';

/** What the session keeps of an import between its preview and its confirmation (the file, gzipped). */
interface PendingImport {
  institutionId: number;
  fileName: string;
  sha256: string;
  gz: string;
}

declare module 'express-session' {
  interface SessionData {
    /** The address a registration was sent to, shown once on the confirmation page. */
    registeredEmail?: string;
    studentImport?: PendingImport;
  }
}

// Students. Permissions: 'public' (self-registration), 'students.view' (READ staff and above, or
// platform admin: lists, records, CVs), 'students.manage' (WRITE staff and above, or platform admin:
// create, edit, import), 'profile.self' (the student's own profile and CV). Which students a member
// of staff reaches, and with which right, is decided by StudentService.findForActor.
export function studentsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.students;
  const meta = (req: Request) => ({ requestId: req.id });
  const civilityOptions = (req: Request) => CIVILITIES.map((k) => ({ value: k, label: req.t(`students.civility.${k}`) }));

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
      civilityOptions: civilityOptions(req),
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
        await svc.register(data, req.locale, meta(req));
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

  r.get('/students', allow('students.view'), async (req, res) => {
    const filters = listFilters(req.query as Record<string, unknown>);
    const [{ items, pager }, yearGroups] = await Promise.all([svc.list(req.actor!, filters, pageParam(req.query.page)), svc.yearGroups(req.actor!, 'READ')]);
    const qs = new URLSearchParams();
    if (filters.q) qs.set('q', filters.q);
    if (filters.studyYearId) qs.set('year', String(filters.studyYearId));
    const query = qs.toString();
    res.render('students/index', {
      title: req.t('students.list.title'),
      items,
      pager,
      filters,
      yearGroups,
      filtered: !!query,
      baseUrl: `/students${query ? `?${query}` : ''}`,
    });
  });

  // ───────────── staff: create ─────────────

  const formLocals = async (req: Request) => ({ yearGroups: await svc.yearGroups(req.actor!, 'WRITE'), civilityOptions: civilityOptions(req) });

  formPage(r, '/students/new', 'students.manage', {
    view: 'students/form',
    schema: staffStudentSchema,
    locals: async (req) => ({ title: req.t('students.form.newTitle'), action: '/students/new', submit: req.t('students.form.createSubmit'), student: null, ...(await formLocals(req)) }),
    action: async (req, res, data) => {
      const { profile } = await svc.create(req.actor!, data, meta(req));
      flash(req, 'success', 'students.form.created', { email: data.email });
      res.redirect(303, `/students/${profile.id}`);
    },
  });

  // ───────────── staff: CSV import ─────────────

  const importLocals = async (req: Request) => {
    const institutions = await svc.importInstitutions(req.actor!);
    return {
      title: req.t('students.import.title'),
      institutionOptions: institutions.map((i) => ({ value: i.id, label: i.name })),
      frenchHeaders: IMPORT_COLUMNS.map((c) => FRENCH_HEADERS[c]),
      englishHeaders: IMPORT_COLUMNS.map((c) => ENGLISH_HEADERS[c]),
      maxRows: MAX_IMPORT_ROWS,
      maxKb: CSV_UPLOAD.maxBytes / 1024,
      pending: req.session.studentImport ? { fileName: req.session.studentImport.fileName } : null,
    };
  };
  const importInitial = (l: Awaited<ReturnType<typeof importLocals>>) => (l.institutionOptions.length === 1 ? { institutionId: l.institutionOptions[0].value } : {});

  r.get('/students/import', allow('students.manage'), async (req, res) => {
    const locals = await importLocals(req);
    res.render('students/import', { ...locals, values: importInitial(locals) });
  });

  r.get('/students/import/example.csv', allow('students.manage'), (_req, res) => {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="exemple-import-etudiants.csv"');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(exampleCsv());
  });

  r.post('/students/import', allow('students.manage'), uploadSingle('file', CSV_UPLOAD), async (req, res) => {
    try {
      const { institutionId } = parse(z.object({ institutionId: f.id() }), req.body);
      const allowed = await svc.importInstitutions(req.actor!);
      if (!allowed.some((i) => i.id === institutionId)) throw new ValidationError({ institutionId: 'errors.field.choice' });
      const file = takeUpload(req, { field: 'file' });
      try {
        parseImport(file.buffer);
      } catch (err) {
        if (err instanceof ImportFileError) throw new ValidationError({ file: err.fieldMessage });
        throw err;
      }
      req.session.studentImport = { institutionId, fileName: file.originalName, sha256: file.sha256, gz: gzipSync(file.buffer).toString('base64') };
      res.redirect(303, '/students/import/preview');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const locals = await importLocals(req);
      res.status(422).render('students/import', { ...locals, values: { institutionId: req.body?.institutionId }, errors: err.fields });
    }
  });

  const pendingImport = (req: Request) => {
    const p = req.session.studentImport;
    if (!p) return null;
    return { ...p, parsed: parseImport(gunzipSync(Buffer.from(p.gz, 'base64'))) };
  };

  const previewPage = (req: Request, res: Response, plan: Awaited<ReturnType<typeof planImport>>, p: PendingImport, status = 200, formError?: string) =>
    res.status(status).render('students/import-preview', { title: req.t('students.import.previewTitle'), plan, fileName: p.fileName, sha256: p.sha256, formError });

  r.get('/students/import/preview', allow('students.manage'), async (req, res) => {
    const p = pendingImport(req);
    if (!p) return res.redirect(303, '/students/import');
    const plan = await planImport(ctx.db, req.actor!, p.institutionId, p.parsed);
    previewPage(req, res, plan, p);
  });

  r.post('/students/import/confirm', allow('students.manage'), async (req, res) => {
    const p = pendingImport(req);
    // No pending import, or another file was previewed since this page was shown.
    if (!p || req.body?.sha256 !== p.sha256) {
      flash(req, 'error', 'students.import.expired');
      return res.redirect(303, p ? '/students/import/preview' : '/students/import');
    }
    try {
      const plan = await applyImport(ctx.db, req.actor!, p.institutionId, p.parsed, { name: p.fileName, sha256: p.sha256 }, { baseUrl: ctx.config.baseUrl, now: ctx.clock.now() }, meta(req));
      delete req.session.studentImport;
      flash(req, 'success', 'students.import.done', { created: plan.counts.CREATE, updated: plan.counts.UPDATE, unchanged: plan.counts.UNCHANGED });
      res.redirect(303, '/students');
    } catch (err) {
      if (!(err instanceof ImportRefused)) throw err;
      previewPage(req, res, err.plan, p, 422, err.plan.counts.REFUSED ? 'students.import.fixFile' : 'students.import.nothingToDo');
    }
  });

  r.post('/students/import/cancel', allow('students.manage'), (req, res) => {
    delete req.session.studentImport;
    flash(req, 'info', 'students.import.cancelled');
    res.redirect(303, '/students/import');
  });

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
      await svc.update(req.actor!, id, data, meta(req));
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/students/${id}`);
    },
  });

  r.get('/students/:id/cv', allow('students.view'), async (req, res) => {
    sendStoredFile(res, await svc.cvForStaff(req.actor!, idParam(req.params.id)));
  });

  // ───────────── the student's own profile ─────────────

  const profileLocals = async (req: Request) => {
    const own = await svc.ownProfile(req.actor!);
    return {
      title: req.t('students.profile.title'),
      ...own,
      insuranceOptions: INSURANCES.map((k) => ({ value: k, label: req.t(`students.insurance.${k}`) })),
      cvTypes: typesLabel(DOCUMENT_UPLOAD.types),
      cvMaxMb: DOCUMENT_UPLOAD.maxBytes / (1024 * 1024),
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
    schema: profileSchema,
    locals: profileLocals,
    initial: profileValues,
    action: async (req, res, data) => {
      await svc.updateProfile(req.actor!, data, meta(req));
      flash(req, 'success', 'students.profile.saved');
      res.redirect(303, '/profile');
    },
  });

  r.get('/profile/cv', allow('profile.self'), async (req, res) => {
    sendStoredFile(res, await svc.ownCv(req.actor!));
  });

  r.post('/profile/cv', allow('profile.self'), uploadSingle('cv', DOCUMENT_UPLOAD), async (req, res) => {
    try {
      await svc.setCv(req.actor!, takeUpload(req, { field: 'cv' }), meta(req));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // The profile page again, its form filled from the record, the message beside the file field.
      const locals = await profileLocals(req);
      return res.status(422).render('profile/edit', { ...locals, values: profileValues(locals), errors: err.fields });
    }
    flash(req, 'success', 'students.cv.saved');
    res.redirect(303, '/profile#cv');
  });

  r.post('/profile/cv/delete', allow('profile.self'), async (req, res) => {
    if (await svc.removeCv(req.actor!, meta(req))) flash(req, 'success', 'students.cv.removed');
    res.redirect(303, '/profile#cv');
  });

  return r;
}

