import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { newRouter } from '../../http/router.js';

export function dashboardRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.dashboard;
  const title = (t: (k: string) => string, key: string) => t(`nav.dashboard.${key}`);

  r.get('/admin', allow('dashboard.admin'), async (req, res) => {
    res.render('dashboards/admin', { title: title(req.t, 'admin'), stats: await svc.admin(req.actor!) });
  });
  r.get('/centre', allow('dashboard.centre'), async (req, res) => {
    res.render('dashboards/centre', { title: title(req.t, 'centre'), centres: await svc.centre(req.actor!) });
  });
  r.get('/programme-manager', allow('dashboard.programmeManager'), async (req, res) => {
    res.render('dashboards/academic', { title: title(req.t, 'programmeManager'), roles: await svc.academic(req.actor!, 'PROGRAMME_MANAGER'), kind: 'programmeManager' });
  });
  r.get('/year-manager', allow('dashboard.yearManager'), async (req, res) => {
    res.render('dashboards/academic', { title: title(req.t, 'yearManager'), roles: await svc.academic(req.actor!, 'YEAR_MANAGER'), kind: 'yearManager' });
  });
  r.get('/academic-tutor', allow('dashboard.academicTutor'), async (req, res) => {
    res.render('dashboards/academic', { title: title(req.t, 'academicTutor'), roles: await svc.academic(req.actor!, 'ACADEMIC_TUTOR'), kind: 'academicTutor' });
  });
  r.get('/company', allow('dashboard.company'), async (req, res) => {
    res.render('dashboards/company', { title: title(req.t, 'company'), memberships: await svc.company(req.actor!), kind: 'company' });
  });
  r.get('/contact', allow('dashboard.contact'), async (req, res) => {
    res.render('dashboards/company', { title: title(req.t, 'contact'), memberships: await svc.company(req.actor!), kind: 'contact' });
  });
  r.get('/student', allow('dashboard.student'), async (req, res) => {
    res.render('dashboards/student', { title: title(req.t, 'student'), profile: await svc.student(req.actor!) });
  });

  return r;
}
