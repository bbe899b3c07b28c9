import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { AppError } from '../../errors.js';
import { cleanQuery } from '../../http/pages.js';
import { newRouter } from '../../http/router.js';
import { MINUTE_MS } from '../../time/clock.js';
import { normaliseLabelCode } from './label.code.js';

/** Lookups of codes per client address: far above anyone checking certificates, far below guessing. */
const LOOKUPS_PER_ADDRESS = { max: 60, windowMs: 15 * MINUTE_MS };
const STATUS = { valid: 200, withdrawn: 410, unknown: 404 } as const;

/**
 * The public verification of a label certificate (issue 14), without sign-in, mounted on /label:
 *   GET /label/verify — a form to type a code; with ?code= (lower case and missing dashes accepted),
 *     a redirection to the code's page.
 *   GET /label/verify/:code — the facts of a valid label (200), or a page saying the code is unknown
 *     (404) or the label withdrawn, with the day (410). Nothing else of the student is shown.
 */
export function labelVerifyRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.labelAward;
  const throttle = ctx.services.auth.throttle;
  const render = (req: Request, res: Response, status: number, locals: Record<string, unknown>) => {
    res.status(status).render('label/verify', { title: req.t('label.verify.title'), result: null, values: {}, errors: {}, ...locals });
  };

  r.get('/verify', allow('public'), (req, res) => {
    const typed = cleanQuery(req.query).code;
    if (!typed) return render(req, res, 200, {});
    const code = normaliseLabelCode(typed);
    if (!code) return render(req, res, 422, { values: { code: typed }, errors: { code: 'label.verify.errors.format' } });
    res.redirect(303, `/label/verify/${code}`);
  });

  r.get('/verify/:code', allow('public'), async (req, res) => {
    const typed = String(req.params.code);
    const code = normaliseLabelCode(typed);
    // A code typed otherwise (lower case, without dashes) is shown at its printed address.
    if (code && code !== typed) return res.redirect(303, `/label/verify/${code}`);
    // Each lookup counts against the client's address: codes cannot be tried by the thousand.
    if (!(await throttle.take([{ key: throttle.key('label-verify', req.ip ?? 'unknown'), ...LOOKUPS_PER_ADDRESS }]))) throw new AppError('rate_limited');
    const result = await svc.verify(code);
    render(req, res, STATUS[result.kind], { result, typed: typed.slice(0, 40) });
  });

  return r;
}
