import type { Request } from 'express';
import type { Ctx } from '../../app.js';
import { allow } from '../../authz/guard.js';
import { flash, formHandler } from '../../http/forms.js';
import { newRouter } from '../../http/router.js';
import {
  academicYearSchema,
  CENTRE_DEFAULTS,
  CENTRE_KINDS,
  centreCreateSchema,
  CONFIDENTIALITY_RULES,
  institutionSchema,
  PRINT_CONDITIONS,
  programmeSchema,
  studyYearSchema,
} from './institutions.schemas.js';
import { ReferenceService } from './institutions.service.js';
import { idParam, isoDate, pageParam } from './support.js';

/** Option lists shared by the centre forms (admin creation and the centre's own edit page). */
export function centreFormOptions(req: Request) {
  const t = req.t;
  return {
    kindOptions: CENTRE_KINDS.map((k) => ({ value: k, label: t(`centres.kind.${k}`) })),
    printOptions: PRINT_CONDITIONS.map((k) => ({ value: k, label: t(`centres.printCondition.${k}`) })),
    confidentialityOptions: CONFIDENTIALITY_RULES.map((k) => ({ value: k, label: t(`centres.confidentiality.${k}`) })),
  };
}

// Platform administration of reference data: institutions, programmes, study years, academic
// years, management centres. Every route: permission 'reference.manage' (platform administrator).
export function institutionsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = new ReferenceService(ctx.db);
  const meta = (req: Request) => ({ requestId: req.id });

  // No route here takes a file: a multipart body would skip the app's CSRF check.

  // ───────────── institutions ─────────────

  r.get('/institutions', allow('reference.manage'), async (req, res) => {
    const { items, pager } = await svc.listInstitutions(pageParam(req.query.page));
    res.render('admin/institutions/index', { title: req.t('admin.institutions.title'), items, pager, baseUrl: '/admin/institutions' });
  });

  const newInstitutionLocals = (req: Request) => ({ title: req.t('admin.institutions.new'), action: '/admin/institutions/new', submit: req.t('common.create') });
  r.get('/institutions/new', allow('reference.manage'), (req, res) => {
    res.render('admin/institutions/form', { ...newInstitutionLocals(req), values: { country: 'FR' } });
  });
  r.post(
    '/institutions/new',
    allow('reference.manage'),
    formHandler({
      schema: institutionSchema,
      view: 'admin/institutions/form',
      locals: newInstitutionLocals,
      action: async (req, res, data) => {
        const created = await svc.createInstitution(req.actor!, data, meta(req));
        flash(req, 'success', 'admin.institutions.created', { name: created.name });
        res.redirect(303, `/admin/institutions/${created.id}`);
      },
    }),
  );

  r.get('/institutions/:id', allow('reference.manage'), async (req, res) => {
    const detail = await svc.institutionDetail(idParam(req.params.id), pageParam(req.query.page));
    res.render('admin/institutions/show', { title: detail.institution.name, ...detail, baseUrl: `/admin/institutions/${detail.institution.id}` });
  });

  const editInstitutionLocals = async (req: Request) => {
    const inst = await svc.getInstitution(idParam(req.params.id));
    return { title: req.t('admin.institutions.edit', { name: inst.name }), institution: inst, action: `/admin/institutions/${inst.id}/edit`, submit: req.t('common.save') };
  };
  r.get('/institutions/:id/edit', allow('reference.manage'), async (req, res) => {
    const locals = await editInstitutionLocals(req);
    res.render('admin/institutions/form', { ...locals, values: locals.institution });
  });
  r.post(
    '/institutions/:id/edit',
    allow('reference.manage'),
    formHandler({
      schema: institutionSchema,
      view: 'admin/institutions/form',
      locals: editInstitutionLocals,
      action: async (req, res, data) => {
        const id = idParam(req.params.id);
        await svc.updateInstitution(req.actor!, id, data, meta(req));
        flash(req, 'success', 'common.saved');
        res.redirect(303, `/admin/institutions/${id}`);
      },
    }),
  );

  // ───────────── programmes ─────────────

  const newProgrammeLocals = async (req: Request) => {
    const inst = await svc.getInstitution(idParam(req.params.id));
    return { title: req.t('admin.programmes.new'), institution: inst, action: `/admin/institutions/${inst.id}/programmes/new`, submit: req.t('common.create'), back: `/admin/institutions/${inst.id}` };
  };
  r.get('/institutions/:id/programmes/new', allow('reference.manage'), async (req, res) => {
    res.render('admin/programmes/form', await newProgrammeLocals(req));
  });
  r.post(
    '/institutions/:id/programmes/new',
    allow('reference.manage'),
    formHandler({
      schema: programmeSchema,
      view: 'admin/programmes/form',
      locals: newProgrammeLocals,
      action: async (req, res, data) => {
        const created = await svc.createProgramme(req.actor!, idParam(req.params.id), data, meta(req));
        flash(req, 'success', 'admin.programmes.created', { name: created.name });
        res.redirect(303, `/admin/programmes/${created.id}`);
      },
    }),
  );

  r.get('/programmes/:id', allow('reference.manage'), async (req, res) => {
    const programme = await svc.getProgramme(idParam(req.params.id));
    res.render('admin/programmes/show', { title: programme.name, programme });
  });

  const editProgrammeLocals = async (req: Request) => {
    const programme = await svc.getProgramme(idParam(req.params.id));
    return {
      title: req.t('admin.programmes.edit', { name: programme.name }),
      institution: programme.institution,
      programme,
      action: `/admin/programmes/${programme.id}/edit`,
      submit: req.t('common.save'),
      back: `/admin/programmes/${programme.id}`,
    };
  };
  r.get('/programmes/:id/edit', allow('reference.manage'), async (req, res) => {
    const locals = await editProgrammeLocals(req);
    res.render('admin/programmes/form', { ...locals, values: { code: locals.programme.code, name: locals.programme.name } });
  });
  r.post(
    '/programmes/:id/edit',
    allow('reference.manage'),
    formHandler({
      schema: programmeSchema,
      view: 'admin/programmes/form',
      locals: editProgrammeLocals,
      action: async (req, res, data) => {
        const id = idParam(req.params.id);
        await svc.updateProgramme(req.actor!, id, data, meta(req));
        flash(req, 'success', 'common.saved');
        res.redirect(303, `/admin/programmes/${id}`);
      },
    }),
  );

  // ───────────── study years ─────────────

  const centreChoices = async (institutionId: number) => (await svc.centreOptions(institutionId)).map((c) => ({ value: c.id, label: c.name }));

  const newStudyYearLocals = async (req: Request) => {
    const programme = await svc.getProgramme(idParam(req.params.id));
    return {
      title: req.t('admin.studyYears.new'),
      programme,
      centreOptions: await centreChoices(programme.institution.id),
      action: `/admin/programmes/${programme.id}/study-years/new`,
      submit: req.t('common.create'),
      back: `/admin/programmes/${programme.id}`,
    };
  };
  r.get('/programmes/:id/study-years/new', allow('reference.manage'), async (req, res) => {
    const locals = await newStudyYearLocals(req);
    // One centre: chosen already.
    const values = locals.centreOptions.length === 1 ? { centreId: locals.centreOptions[0].value } : {};
    res.render('admin/study-years/form', { ...locals, values });
  });
  r.post(
    '/programmes/:id/study-years/new',
    allow('reference.manage'),
    formHandler({
      schema: studyYearSchema,
      view: 'admin/study-years/form',
      locals: newStudyYearLocals,
      action: async (req, res, data) => {
        const programmeId = idParam(req.params.id);
        const created = await svc.createStudyYear(req.actor!, programmeId, data, meta(req));
        flash(req, 'success', 'admin.studyYears.created', { name: created.name });
        res.redirect(303, `/admin/programmes/${programmeId}`);
      },
    }),
  );

  const editStudyYearLocals = async (req: Request) => {
    const year = await svc.getStudyYear(idParam(req.params.id));
    return {
      title: req.t('admin.studyYears.edit', { name: year.name }),
      programme: year.programme,
      year,
      centreOptions: await centreChoices(year.programme.institutionId),
      action: `/admin/study-years/${year.id}/edit`,
      submit: req.t('common.save'),
      back: `/admin/programmes/${year.programme.id}`,
    };
  };
  r.get('/study-years/:id/edit', allow('reference.manage'), async (req, res) => {
    const locals = await editStudyYearLocals(req);
    const y = locals.year;
    res.render('admin/study-years/form', { ...locals, values: { code: y.code, name: y.name, level: y.level ?? '', centreId: y.centreId } });
  });
  r.post(
    '/study-years/:id/edit',
    allow('reference.manage'),
    formHandler({
      schema: studyYearSchema,
      view: 'admin/study-years/form',
      locals: editStudyYearLocals,
      action: async (req, res, data) => {
        const year = await svc.updateStudyYear(req.actor!, idParam(req.params.id), data, meta(req));
        flash(req, 'success', 'common.saved');
        res.redirect(303, `/admin/programmes/${year.programmeId}`);
      },
    }),
  );

  // ───────────── academic years ─────────────

  r.get('/academic-years', allow('reference.manage'), async (req, res) => {
    const { items, pager } = await svc.listAcademicYears(pageParam(req.query.page));
    res.render('admin/academic-years/index', { title: req.t('admin.academicYears.title'), items, pager, baseUrl: '/admin/academic-years' });
  });

  const newAcademicYearLocals = (req: Request) => ({ title: req.t('admin.academicYears.new'), action: '/admin/academic-years/new', submit: req.t('common.create') });
  r.get('/academic-years/new', allow('reference.manage'), (req, res) => {
    res.render('admin/academic-years/form', newAcademicYearLocals(req));
  });
  r.post(
    '/academic-years/new',
    allow('reference.manage'),
    formHandler({
      schema: academicYearSchema,
      view: 'admin/academic-years/form',
      locals: newAcademicYearLocals,
      action: async (req, res, data) => {
        const created = await svc.createAcademicYear(req.actor!, data, meta(req));
        flash(req, 'success', 'admin.academicYears.created', { label: created.label });
        res.redirect(303, '/admin/academic-years');
      },
    }),
  );

  const editAcademicYearLocals = async (req: Request) => {
    const year = await svc.getAcademicYear(idParam(req.params.id));
    return { title: req.t('admin.academicYears.edit', { label: year.label }), year, action: `/admin/academic-years/${year.id}/edit`, submit: req.t('common.save') };
  };
  r.get('/academic-years/:id/edit', allow('reference.manage'), async (req, res) => {
    const locals = await editAcademicYearLocals(req);
    const y = locals.year;
    res.render('admin/academic-years/form', { ...locals, values: { label: y.label, startDate: isoDate(y.startDate), endDate: isoDate(y.endDate), isCurrent: y.isCurrent } });
  });
  r.post(
    '/academic-years/:id/edit',
    allow('reference.manage'),
    formHandler({
      schema: academicYearSchema,
      view: 'admin/academic-years/form',
      locals: editAcademicYearLocals,
      action: async (req, res, data) => {
        await svc.updateAcademicYear(req.actor!, idParam(req.params.id), data, meta(req));
        flash(req, 'success', 'common.saved');
        res.redirect(303, '/admin/academic-years');
      },
    }),
  );

  // ───────────── management centres ─────────────

  r.get('/centres', allow('reference.manage'), async (req, res) => {
    const { items, pager } = await svc.listCentres(pageParam(req.query.page));
    res.render('admin/centres/index', { title: req.t('admin.centres.title'), items, pager, baseUrl: '/admin/centres' });
  });

  const newCentreLocals = async (req: Request) => ({
    title: req.t('admin.centres.new'),
    institutionOptions: (await svc.institutionOptions()).map((i) => ({ value: i.id, label: `${i.name} (${i.code})` })),
    ...centreFormOptions(req),
  });
  r.get('/centres/new', allow('reference.manage'), async (req, res) => {
    const institutionId = typeof req.query.institutionId === 'string' && /^\d{1,9}$/.test(req.query.institutionId) ? req.query.institutionId : '';
    res.render('admin/centres/new', { ...(await newCentreLocals(req)), values: { ...CENTRE_DEFAULTS, institutionId } });
  });
  r.post(
    '/centres/new',
    allow('reference.manage'),
    formHandler({
      schema: centreCreateSchema,
      view: 'admin/centres/new',
      locals: newCentreLocals,
      action: async (req, res, data) => {
        const created = await svc.createCentre(req.actor!, data, meta(req));
        flash(req, 'success', 'admin.centres.created', { name: created.name });
        res.redirect(303, `/centres/${created.id}`);
      },
    }),
  );

  return r;
}
