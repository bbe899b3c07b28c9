import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { LOGO_UPLOAD, sendStoredFile, takeUpload, typesLabel, uploadSingle } from '../../files/upload.js';
import { ValidationError } from '../../errors.js';
import { flash, formPage } from '../../http/forms.js';
import { newRouter } from '../../http/router.js';
import { CentreService } from './centres.service.js';
import { centreFormOptions } from './institutions.routes.js';
import { centreAdminUpdateSchema, centreUpdateSchema, CIVILITIES, RIGHTS, staffAddSchema, staffUpdateSchema } from './institutions.schemas.js';
import { idParam, pageParam } from '../../http/pagination.js';

// Management centres as their staff use them. Permissions: 'centre.view' (READ and above in a
// centre, or platform admin) and 'centre.manage' (ADMIN of a centre, or platform admin); which
// centre the actor reaches, and with which right, is decided by CentreService.findCentreForActor.
export function centresRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.centres;
  const meta = (req: Request) => ({ requestId: req.id });
  const centreId = (req: Request) => idParam(req.params.id);

  const options = (req: Request) => ({
    ...centreFormOptions(req),
    rightOptions: RIGHTS.map((k) => ({ value: k, label: req.t(`rights.${k}`) })),
    civilityOptions: CIVILITIES.map((k) => ({ value: k, label: req.t(`centres.civility.${k}`) })),
  });

  r.get('/', allow('centre.view'), async (req, res) => {
    const { items, pager } = await svc.listForActor(req.actor!, pageParam(req.query.page));
    res.render('centres/index', { title: req.t('centres.list.title'), items, pager, baseUrl: '/centres' });
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
      return { title: req.t('centres.edit.title', { name: found.centre.name }), ...found, ...options(req), tab: 'detail' };
    },
    initial: (l) => l.centre,
    action: async (req, res, data) => {
      const id = centreId(req);
      await svc.updateCentre(req.actor!, id, data, meta(req));
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
      await svc.setLogo(req.actor!, id, takeUpload(req, { field: 'logo' }), meta(req));
      flash(req, 'success', 'centres.logo.saved');
      res.redirect(303, `/centres/${id}/logo`);
    },
  });
  r.get('/:id/logo/image', allow('centre.view'), async (req, res) => {
    const file = await svc.logo(req.actor!, centreId(req));
    sendStoredFile(res, file, { inline: true });
  });

  // ───────────── staff ─────────────

  const staffPage = async (req: Request, res: Response, status = 200, formError?: string) => {
    const found = await svc.listStaff(req.actor!, centreId(req));
    res.status(status).render('centres/staff', { title: req.t('centres.staff.title', { name: found.centre.name }), ...found, tab: 'staff', formError });
  };
  r.get('/:id/staff', allow('centre.view'), async (req, res) => {
    await staffPage(req, res);
  });

  formPage(r, '/:id/staff/new', 'centre.manage', {
    view: 'centres/staff-new',
    schema: staffAddSchema,
    locals: async (req) => {
      const found = await svc.findCentreForActor(req.actor!, centreId(req), 'ADMIN');
      return { title: req.t('centres.staff.addTitle', { name: found.centre.name }), ...found, ...options(req), tab: 'staff' };
    },
    initial: () => ({ right: 'READ' }),
    action: async (req, res, data) => {
      const id = centreId(req);
      await svc.addStaff(req.actor!, id, data, meta(req));
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
      return { title: req.t('centres.staff.editTitle', { name: `${u.firstName} ${u.lastName}` }), ...found, ...options(req), tab: 'staff' };
    },
    initial: (l) => l.member,
    action: async (req, res, data) => {
      const id = centreId(req);
      await svc.updateStaff(req.actor!, id, idParam(req.params.staffId), data, meta(req));
      flash(req, 'success', 'common.saved');
      res.redirect(303, `/centres/${id}/staff`);
    },
  });

  r.post('/:id/staff/:staffId/remove', allow('centre.manage'), async (req, res) => {
    const id = centreId(req);
    try {
      await svc.removeStaff(req.actor!, id, idParam(req.params.staffId), meta(req));
    } catch (err) {
      // The last ADMIN: the list again, with the reason.
      if (err instanceof ValidationError) return staffPage(req, res, 422, Object.values(err.fields)[0]);
      throw err;
    }
    flash(req, 'success', 'centres.staff.removed');
    res.redirect(303, `/centres/${id}/staff`);
  });

  return r;
}
