import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { contentDisposition } from '../../files/upload.js';
import { act } from '../../http/act.js';
import { flash, formPage } from '../../http/forms.js';
import { detailAction, type PageProblem } from '../../http/pages.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { log } from '../../log.js';
import { todayIn } from '../../time/calendar.js';
import { AGREEMENT_LEGAL_MINIMUM_MONTHS, FIELD_OF, MAX_MONTHS, RETENTION_KINDS, retentionSchema } from './retention.policy.js';

/**
 * Routes of personal data (issue 15), mounted on /:
 *   GET /privacy ('public'): who processes what, why, for how long, the rights, whom to write to.
 *   GET /account/data ('privacy.self'): what the download holds; POST /account/data/export: the ZIP.
 *   GET|POST /admin/retention ('privacy.manage'): the retention periods (422 with the values kept).
 *   GET|POST /admin/users/:id/erase ('privacy.manage'): what goes and what is kept; the erasure (422 when refused).
 */
export function privacyRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.privacy;

  r.get('/privacy', allow('public'), async (req, res) => {
    res.render('privacy/page', { title: req.t('privacy.page.title'), ...(await svc.page(req.actor ?? null)), kinds: RETENTION_KINDS });
  });

  r.get('/account/data', allow('privacy.self'), (req, res) => {
    res.render('privacy/account-data', { title: req.t('privacy.account.title') });
  });

  r.post('/account/data/export', allow('privacy.self'), async (req, res) => {
    const stream = await svc.exportData(act(req));
    // The name says the day, never whose data it is.
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', contentDisposition('attachment', `${req.t('privacy.account.filename')}-${todayIn(req.now).toString()}.zip`));
    res.setHeader('Cache-Control', 'no-store');
    stream.on('error', (err: Error) => {
      // Half an archive is already out: cut the connection so the download fails instead of looking complete.
      log.error('personal data export failed while streaming', { requestId: req.id, error: err.message });
      res.destroy(err);
    });
    stream.pipe(res);
  });

  formPage(r, '/admin/retention', 'privacy.manage', {
    view: 'privacy/retention',
    schema: retentionSchema,
    locals: async (req) => ({ title: req.t('privacy.retention.title'), periods: await svc.periods(), kinds: RETENTION_KINDS, fieldOf: FIELD_OF, legalMinimum: AGREEMENT_LEGAL_MINIMUM_MONTHS, max: MAX_MONTHS }),
    initial: (l) => Object.fromEntries(RETENTION_KINDS.map((k) => [FIELD_OF[k], String(l.periods[k])])),
    action: async (req, res, data) => {
      await svc.savePeriods(act(req), data);
      flash(req, 'success', 'privacy.retention.saved');
      res.redirect(303, '/admin/retention');
    },
  });

  const erasePage = async (req: Request, res: Response, problem?: PageProblem) => {
    const preview = await svc.erasure(act(req), idParam(req.params.id));
    res.status(problem?.status ?? 200).render('privacy/erase', { title: req.t('privacy.erase.title'), ...preview, formError: problem?.formError ?? null, errors: problem?.errors ?? {} });
  };
  r.get('/admin/users/:id/erase', allow('privacy.manage'), (req, res) => erasePage(req, res));
  detailAction(r, '/admin/users/:id/erase', 'privacy.manage', {
    page: erasePage,
    run: async (req, res) => {
      await svc.erase(act(req), idParam(req.params.id));
      flash(req, 'success', 'privacy.erase.done');
      res.redirect(303, '/admin/users');
    },
  });

  return r;
}
