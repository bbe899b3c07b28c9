import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { LOGO_UPLOAD, sendStoredFile, takeUpload, typesLabel, uploadSingle } from '../../files/upload.js';
import { flash, formPage } from '../../http/forms.js';
import { act } from '../../http/act.js';
import { detailAction, type PageProblem } from '../../http/pages.js';
import { newRouter } from '../../http/router.js';
import { centreAdminUpdateSchema, centreUpdateSchema, staffAddSchema, staffUpdateSchema } from './institutions.schemas.js';
import { idParam, pageParam } from '../../http/pagination.js';

// Management centres as their staff use them. Permissions: 'centre.view' (READ and above in a
// centre, or platform admin) and 'centre.manage' (ADMIN of a centre, or platform admin); which
// centre the actor reaches, and with which right, is decided by CentreService.findCentreForActor.
export function centresRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.centres;
  const centreId = (req: Request) => idParam(req.params.id);

  r.get('/', allow('centre.view'), async (req, res) => {
    const { items, pager } = await svc.listForActor(req.actor!, pageParam(req.query.page));
    // A platform administrator sees every centre here, with its staff: "Mes centres" would say otherwise.
    const title = req.actor!.isPlatformAdmin ? 'centres.list.titleAll' : 'centres.list.title';
    res.render('centres/index', { title: req.t(title), items, pager, baseUrl: '/centres' });
  });

  r.get('/:id', allow('centre.view'), async (req, res) => {
    const found = await svc.findCentreForActor(req.actor!, centreId(req), 'READ');
    res.render('centres/show', { title: found.centre.name, ...found, tab: 'detail' });
  });

  // ───────────── coordinates and settings ─────────────

  formPage(r, '/:id/edit', 'centre.manage', {
    view: 'centres/edit',
    schema: (req: Request) => (req.actor?.isPlatformAdmin ? centreAdminUpdateSchema : centreUpdateSchema),
    locals: async (req) => {
      const found = await svc.findCentreForActor(req.actor!, centreId(req), 'ADMIN');
      return { title: req.t('centres.edit.title', { name: found.centre.name }), ...found, tab: 'detail' };
    },
    initial: (l) => l.centre,
    action: async (req, res, data) => {
      const id = centreId(req);
      await svc.updateCentre(act(req), id, data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/centres/${id}`);
    },
  });

  // ───────────── logo ─────────────

  formPage(r, '/:id/logo', 'centre.manage', {
    view: 'centres/logo',
    schema: z.object({}),
    locals: async (req) => {
      const found = await svc.findCentreForActor(req.actor!, centreId(req), 'ADMIN');
      return { title: req.t('centres.logo.title', { name: found.centre.name }), ...found, tab: 'logo', accepted: typesLabel(LOGO_UPLOAD.types), maxKb: LOGO_UPLOAD.maxBytes / 1024 };
    },
    beforePost: [uploadSingle('logo', LOGO_UPLOAD)],
    action: async (req, res) => {
      const id = centreId(req);
      await svc.setLogo(act(req), id, takeUpload(req, { field: 'logo' }));
      flash(req, 'success', 'centres.logo.saved');
      res.redirect(303, `/centres/${id}/logo`);
    },
  });
  r.get('/:id/logo/image', allow('centre.view'), async (req, res) => {
    const file = await svc.logo(req.actor!, centreId(req));
    sendStoredFile(res, file, { inline: true });
  });

  // ───────────── staff ─────────────

  // Refused (the last ADMIN): the list again, with the reason at the top.
  const staffPage = async (req: Request, res: Response, problem?: PageProblem) => {
    const found = await svc.listStaff(req.actor!, centreId(req));
    const formError = problem ? (problem.formError ?? Object.values(problem.errors)[0]) : undefined;
    res.status(problem?.status ?? 200).render('centres/staff', { title: req.t('centres.staff.title', { name: found.centre.name }), ...found, tab: 'staff', formError });
  };
  r.get('/:id/staff', allow('centre.view'), async (req, res) => {
    await staffPage(req, res);
  });

  formPage(r, '/:id/staff/new', 'centre.manage', {
    view: 'centres/staff-new',
    schema: staffAddSchema,
    locals: async (req) => {
      const found = await svc.findCentreForActor(req.actor!, centreId(req), 'ADMIN');
      return { title: req.t('centres.staff.addTitle', { name: found.centre.name }), ...found, tab: 'staff' };
    },
    initial: () => ({ right: 'READ' }),
    action: async (req, res, data) => {
      const id = centreId(req);
      await svc.addStaff(act(req), id, data);
      flash(req, 'success', 'centres.staff.added', { email: data.email });
      res.redirect(303, `/centres/${id}/staff`);
    },
  });

  formPage(r, '/:id/staff/:staffId/edit', 'centre.manage', {
    view: 'centres/staff-edit',
    schema: staffUpdateSchema,
    locals: async (req) => {
      const found = await svc.getStaffMember(req.actor!, centreId(req), idParam(req.params.staffId));
      const u = found.member.user;
      return { title: req.t('centres.staff.editTitle', { name: `${u.firstName} ${u.lastName}` }), ...found, tab: 'staff' };
    },
    initial: (l) => l.member,
    action: async (req, res, data) => {
      const id = centreId(req);
      await svc.updateStaff(act(req), id, idParam(req.params.staffId), data);
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/centres/${id}/staff`);
    },
  });

  detailAction(r, '/:id/staff/:staffId/remove', 'centre.manage', {
    page: staffPage,
    run: async (req, res) => {
      const id = centreId(req);
      await svc.removeStaff(act(req), id, idParam(req.params.staffId));
      flash(req, 'success', 'centres.staff.removed');
      res.redirect(303, `/centres/${id}/staff`);
    },
  });

  return r;
}
