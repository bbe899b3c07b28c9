import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { act } from '../../http/act.js';
import { flash, formPage } from '../../http/forms.js';
import { newRouter } from '../../http/router.js';
import { academicYearSchema, CENTRE_DEFAULTS, CENTRE_SORT, centreCreateSchema, INSTITUTION_SORT, institutionSchema, noCriteria, programmeSchema, studyYearSchema } from './institutions.schemas.js';
import { searchCriteria } from '../../http/pages.js';
import { idParam, isoDate, pageParam } from '../../http/pagination.js';

// Platform administration of reference data: institutions, programmes, study years, academic
// years, management centres. Every route: permission 'reference.manage' (platform administrator).
export function institutionsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.references;

  // ───────────── institutions ─────────────

  r.get('/institutions', allow('reference.manage'), async (req, res) => {
    const c = searchCriteria(noCriteria, req.query, { keys: [], sort: INSTITUTION_SORT });
    const { items, pager } = await svc.listInstitutions(c.page, c.sort.order);
    res.render('admin/institutions/index', { title: req.t('admin.institutions.title'), items, pager, baseUrl: c.url('/admin/institutions'), sorting: c.sortLinks('/admin/institutions') });
  });

  formPage(r, '/institutions/new', 'reference.manage', {
    view: 'admin/institutions/form',
    schema: institutionSchema,
    locals: (req) => ({ title: req.t('admin.institutions.new'), action: '/admin/institutions/new', submit: req.t('common.create') }),
    initial: () => ({ country: 'FR' }),
    action: async (req, res, data) => {
      const created = await svc.createInstitution(act(req), data);
      flash(req, 'success', 'admin.institutions.created', { name: created.name });
      res.redirect(303, `/admin/institutions/${created.id}`);
    },
  });

  r.get('/institutions/:id', allow('reference.manage'), async (req, res) => {
    const detail = await svc.institutionDetail(idParam(req.params.id), pageParam(req.query.page));
    res.render('admin/institutions/show', { title: detail.institution.name, ...detail, baseUrl: `/admin/institutions/${detail.institution.id}` });
  });

  formPage(r, '/institutions/:id/edit', 'reference.manage', {
    view: 'admin/institutions/form',
    schema: institutionSchema,
    locals: async (req) => {
      const inst = await svc.getInstitution(idParam(req.params.id));
      return { title: req.t('admin.institutions.edit', { name: inst.name }), institution: inst, action: `/admin/institutions/${inst.id}/edit`, submit: req.t('common.save') };
    },
    initial: (l) => l.institution,
    action: async (req, res, data) => {
      const id = idParam(req.params.id);
      await svc.updateInstitution(act(req), id, data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/admin/institutions/${id}`);
    },
  });

  // ───────────── programmes ─────────────

  formPage(r, '/institutions/:id/programmes/new', 'reference.manage', {
    view: 'admin/programmes/form',
    schema: programmeSchema,
    locals: async (req) => {
      const inst = await svc.getInstitution(idParam(req.params.id));
      return { title: req.t('admin.programmes.new'), institution: inst, action: `/admin/institutions/${inst.id}/programmes/new`, submit: req.t('common.create'), back: `/admin/institutions/${inst.id}` };
    },
    action: async (req, res, data) => {
      const created = await svc.createProgramme(act(req), idParam(req.params.id), data);
      flash(req, 'success', 'admin.programmes.created', { name: created.name });
      res.redirect(303, `/admin/programmes/${created.id}`);
    },
  });

  r.get('/programmes/:id', allow('reference.manage'), async (req, res) => {
    const programme = await svc.getProgramme(idParam(req.params.id));
    res.render('admin/programmes/show', { title: programme.name, programme });
  });

  formPage(r, '/programmes/:id/edit', 'reference.manage', {
    view: 'admin/programmes/form',
    schema: programmeSchema,
    locals: async (req) => {
      const programme = await svc.getProgramme(idParam(req.params.id));
      return {
        title: req.t('admin.programmes.edit', { name: programme.name }),
        institution: programme.institution,
        programme,
        action: `/admin/programmes/${programme.id}/edit`,
        submit: req.t('common.save'),
        back: `/admin/programmes/${programme.id}`,
      };
    },
    initial: (l) => ({ code: l.programme.code, name: l.programme.name }),
    action: async (req, res, data) => {
      const id = idParam(req.params.id);
      await svc.updateProgramme(act(req), id, data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/admin/programmes/${id}`);
    },
  });

  // ───────────── study years ─────────────

  const centreChoices = async (institutionId: number) => (await svc.centreOptions(institutionId)).map((c) => ({ value: c.id, label: c.name }));

  formPage(r, '/programmes/:id/study-years/new', 'reference.manage', {
    view: 'admin/study-years/form',
    schema: studyYearSchema,
    locals: async (req) => {
      const programme = await svc.getProgramme(idParam(req.params.id));
      return {
        title: req.t('admin.studyYears.new'),
        programme,
        centreOptions: await centreChoices(programme.institution.id),
        action: `/admin/programmes/${programme.id}/study-years/new`,
        submit: req.t('common.create'),
        back: `/admin/programmes/${programme.id}`,
      };
    },
    // One centre: chosen already.
    initial: (l) => (l.centreOptions.length === 1 ? { centreId: l.centreOptions[0].value } : {}),
    action: async (req, res, data) => {
      const programmeId = idParam(req.params.id);
      const created = await svc.createStudyYear(act(req), programmeId, data);
      flash(req, 'success', 'admin.studyYears.created', { name: created.name });
      res.redirect(303, `/admin/programmes/${programmeId}`);
    },
  });

  formPage(r, '/study-years/:id/edit', 'reference.manage', {
    view: 'admin/study-years/form',
    schema: studyYearSchema,
    locals: async (req) => {
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
    },
    initial: ({ year: y }) => ({ code: y.code, name: y.name, level: y.level ?? '', centreId: y.centreId }),
    action: async (req, res, data) => {
      const year = await svc.updateStudyYear(act(req), idParam(req.params.id), data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/admin/programmes/${year.programmeId}`);
    },
  });

  // ───────────── academic years ─────────────

  r.get('/academic-years', allow('reference.manage'), async (req, res) => {
    const { items, pager } = await svc.listAcademicYears(pageParam(req.query.page));
    res.render('admin/academic-years/index', { title: req.t('admin.academicYears.title'), items, pager, baseUrl: '/admin/academic-years' });
  });

  formPage(r, '/academic-years/new', 'reference.manage', {
    view: 'admin/academic-years/form',
    schema: academicYearSchema,
    locals: (req) => ({ title: req.t('admin.academicYears.new'), action: '/admin/academic-years/new', submit: req.t('common.create') }),
    action: async (req, res, data) => {
      const created = await svc.createAcademicYear(act(req), data);
      flash(req, 'success', 'admin.academicYears.created', { label: created.label });
      res.redirect(303, '/admin/academic-years');
    },
  });

  formPage(r, '/academic-years/:id/edit', 'reference.manage', {
    view: 'admin/academic-years/form',
    schema: academicYearSchema,
    locals: async (req) => {
      const year = await svc.getAcademicYear(idParam(req.params.id));
      return { title: req.t('admin.academicYears.edit', { label: year.label }), year, action: `/admin/academic-years/${year.id}/edit`, submit: req.t('common.save') };
    },
    initial: ({ year: y }) => ({ label: y.label, startDate: isoDate(y.startDate), endDate: isoDate(y.endDate), isCurrent: y.isCurrent }),
    action: async (req, res, data) => {
      await svc.updateAcademicYear(act(req), idParam(req.params.id), data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, '/admin/academic-years');
    },
  });

  // ───────────── management centres ─────────────

  r.get('/centres', allow('reference.manage'), async (req, res) => {
    const c = searchCriteria(noCriteria, req.query, { keys: [], sort: CENTRE_SORT });
    const { items, pager } = await svc.listCentres(c.page, c.sort.order);
    res.render('admin/centres/index', { title: req.t('admin.centres.title'), items, pager, baseUrl: c.url('/admin/centres'), sorting: c.sortLinks('/admin/centres') });
  });

  formPage(r, '/centres/new', 'reference.manage', {
    view: 'admin/centres/new',
    schema: centreCreateSchema,
    locals: async (req) => ({
      title: req.t('admin.centres.new'),
      institutionOptions: (await svc.institutionOptions()).map((i) => ({ value: i.id, label: `${i.name} (${i.code})` })),
    }),
    initial: (_l, req) => ({
      ...CENTRE_DEFAULTS,
      institutionId: typeof req.query.institutionId === 'string' && /^\d{1,9}$/.test(req.query.institutionId) ? req.query.institutionId : '',
    }),
    action: async (req, res, data) => {
      const created = await svc.createCentre(act(req), data);
      flash(req, 'success', 'admin.centres.created', { name: created.name });
      res.redirect(303, `/centres/${created.id}`);
    },
  });

  return r;
}
