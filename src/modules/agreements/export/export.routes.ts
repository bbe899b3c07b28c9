import type { Request, Response } from 'express';
import type { Ctx } from '../../../context.js';
import { allow } from '../../../authz/guard.js';
import { ValidationError } from '../../../errors.js';
import { flash } from '../../../http/forms.js';
import { searchCriteria } from '../../../http/pages.js';
import { newRouter } from '../../../http/router.js';
import { agreementSearchSchema, listQuery, SEARCH_KEYS, SEARCH_SORT } from '../agreements.search.js';
import { streamExport } from './export.download.js';
import { chooserLocals } from './export.page.js';
import { applyPreset, deletePreset, parseChoice, saveChoice } from './export.presets.js';

/**
 * Exporting agreements (issue 13, "Exports"); mounted on /agreements before the agreement's page.
 * Every route answers to 'agreements.search' and reaches what the search reaches; the search's
 * criteria and sort travel in the query string of every link and form.
 *   GET /agreements/export.xlsx, /agreements/export.csv: the agreements found, with the user's columns.
 *   GET /agreements/export: the column chooser (the criteria in words, the columns, the presets).
 *   POST /agreements/export/columns: keeps the choice (and, asked, as a named preset); back to the chooser.
 *   POST /agreements/export/presets/:id/apply | delete: a preset made the choice, or deleted (another's: 404).
 */
export function agreementsExportRoutes(ctx: Ctx) {
  const r = newRouter();
  const VIEW = 'agreements/export/chooser';
  const criteria = (req: Request) => searchCriteria(agreementSearchSchema, listQuery(req.query), { keys: SEARCH_KEYS, sort: SEARCH_SORT });
  const backToChooser = (req: Request, res: Response, key: string) => {
    flash(req, 'success', key);
    const q = criteria(req).query;
    res.redirect(303, `/agreements/export${q ? `?${q}` : ''}`);
  };

  for (const format of ['xlsx', 'csv'] as const) {
    r.get(`/export.${format}`, allow('agreements.search'), async (req, res) => {
      const c = criteria(req);
      await streamExport(ctx, req, res, format, c.input ?? {}, c.sort.order!);
    });
  }

  r.get('/export', allow('agreements.search'), async (req, res) => {
    const c = criteria(req);
    res.render(VIEW, await chooserLocals(ctx, req, c.input ?? {}, c.query));
  });

  r.post('/export/columns', allow('agreements.search'), async (req, res) => {
    try {
      await saveChoice(ctx.db, req.actor!, parseChoice(req.body));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const c = criteria(req);
      return res.status(422).render(VIEW, await chooserLocals(ctx, req, c.input ?? {}, c.query, { errors: err.fields, values: req.body }));
    }
    backToChooser(req, res, 'exports.flash.saved');
  });

  r.post('/export/presets/:id/apply', allow('agreements.search'), async (req, res) => {
    await applyPreset(ctx.db, req.actor!, String(req.params.id));
    backToChooser(req, res, 'exports.flash.applied');
  });

  r.post('/export/presets/:id/delete', allow('agreements.search'), async (req, res) => {
    await deletePreset(ctx.db, req.actor!, String(req.params.id));
    backToChooser(req, res, 'exports.flash.deleted');
  });

  return r;
}
