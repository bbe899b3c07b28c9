import type { Request, Response } from 'express';
import { allow } from '../../authz/guard.js';
import type { Ctx } from '../../context.js';
import { notFound } from '../../errors.js';
import { idParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { AgreementPrintService, isPrintLanguage, type PrintKind } from './agreements.print.js';

export { mayPrint } from './agreements.print.js';

const FILE_STEM: Record<PrintKind, string> = { agreement: 'convention', summary: 'recapitulatif' };

/**
 * Printing agreements (issue 13), mounted on /agreements before the agreement's page.
 *   GET /agreements/:id/agreement.pdf[?lang=fr|en|de|es|it] ('agreements.view'): the agreement in its
 *     print language, or the one asked (another value: 404).
 *   GET /agreements/:id/summary.pdf ('agreements.view'): the summary ("récapitulatif").
 * Reach as the agreement's page (404 out of it). The agreement's student prints only as the centre
 * allows (never, always, once validated): otherwise a 403 page that says why and where to ask.
 * The PDF is shown in the browser (inline) and, like every answer, never cached (no-store).
 */
export function agreementsPrintRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = new AgreementPrintService({ db: ctx.db, baseUrl: ctx.config.baseUrl, clock: ctx.clock }, ctx.services.agreements);

  const send = async (req: Request, res: Response, kind: PrintKind) => {
    const lang = kind === 'agreement' ? req.query.lang : undefined;
    if (lang !== undefined && !isPrintLanguage(lang)) throw notFound();
    const out = await svc.print(req.actor!, idParam(req.params.id), kind, lang ?? null, req.now);
    if (out.refused) {
      res.status(403).render('print/refused', { title: req.t('print.refused.title'), reason: out.reason, number: out.number, id: out.id });
      return;
    }
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `inline; filename="${FILE_STEM[kind]}-${out.number}.pdf"`);
    res.send(out.pdf);
  };

  r.get('/:id/agreement.pdf', allow('agreements.view'), (req, res) => send(req, res, 'agreement'));
  r.get('/:id/summary.pdf', allow('agreements.view'), (req, res) => send(req, res, 'summary'));
  return r;
}
