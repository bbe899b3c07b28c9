import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import type { AcademicRoleKind } from '../../generated/prisma/client.js';
import { searchCriteria } from '../../http/pages.js';
import { newRouter } from '../../http/router.js';

/** The followed students' list: one kind of role's students, placed ("yes") or not ("no"). */
const followedSchema = z.object({
  scope: z.enum(['year', 'programme']).optional().catch(undefined),
  placed: z.enum(['yes', 'no']).optional().catch(undefined),
});

// The dashboards (each role's 'dashboard.*'), and the list of the students a year or programme
// manager follows ('students.followed'), which their counters lead to.
export function dashboardRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.dashboard;
  const title = (t: (k: string) => string, key: string) => t(`nav.dashboard.${key}`);
  const academic = (kind: AcademicRoleKind, key: 'programmeManager' | 'yearManager' | 'academicTutor') => async (req: Request, res: Response) => {
    res.render('dashboards/academic', { title: title(req.t, key), ...(await svc.academic(req.actor!, kind, req.now)), kind: key });
  };

  r.get('/admin', allow('dashboard.admin'), async (req, res) => {
    res.render('dashboards/admin', { title: title(req.t, 'admin'), ...(await svc.admin(req.actor!)) });
  });
  r.get('/centre', allow('dashboard.centre'), async (req, res) => {
    res.render('dashboards/centre', { title: title(req.t, 'centre'), ...(await svc.centre(req.actor!, req.now)) });
  });
  r.get('/programme-manager', allow('dashboard.programmeManager'), academic('PROGRAMME_MANAGER', 'programmeManager'));
  r.get('/year-manager', allow('dashboard.yearManager'), academic('YEAR_MANAGER', 'yearManager'));
  r.get('/academic-tutor', allow('dashboard.academicTutor'), academic('ACADEMIC_TUTOR', 'academicTutor'));
  r.get('/company', allow('dashboard.company'), async (req, res) => {
    res.render('dashboards/company', { title: title(req.t, 'company'), ...(await svc.company(req.actor!, req.now)), kind: 'company' });
  });
  r.get('/contact', allow('dashboard.contact'), async (req, res) => {
    res.render('dashboards/company', { title: title(req.t, 'contact'), ...(await svc.company(req.actor!, req.now)), kind: 'contact' });
  });
  r.get('/student', allow('dashboard.student'), async (req, res) => {
    res.render('dashboards/student', { title: title(req.t, 'student'), ...(await svc.student(req.actor!)) });
  });

  r.get('/students', allow('students.followed'), async (req, res) => {
    const c = searchCriteria(followedSchema, req.query, { keys: ['scope', 'placed'] });
    const placed = c.input?.placed ? c.input.placed === 'yes' : null;
    const list = await svc.followedStudents(req.actor!, { scope: c.input?.scope ?? null, placed }, c.page, req.now);
    res.render('dashboards/students', { title: req.t('dashboard.students.title'), ...list, scope: c.input?.scope ?? '', placed: c.input?.placed ?? '', baseUrl: c.url('/dashboard/students') });
  });

  return r;
}
