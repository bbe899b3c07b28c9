import type { Request, Response } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { formatters } from '../../i18n/format.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { presentHistory } from './history.present.js';
import type { HistoryKind } from './history.scope.js';

/** Where each kind's history lives (its record's page, plus /history). */
const PATHS: Record<HistoryKind, string> = {
  agreement: '/agreements/:id/history',
  offer: '/offers/:id/history',
  organisation: '/organisations/:id/history',
  account: '/admin/users/:id/history',
};

/**
 * Routes of the audit history of a record (issue 15), mounted on '/', each 'history.view' (the
 * record decides: history.scope.ts; out of reach or unknown is a 404):
 *   GET /agreements/:id/history, /offers/:id/history, /organisations/:id/history, /admin/users/:id/history
 * A paginated table, newest first: when, who, the action, and what changed (masked, labelled).
 */
export function historyRoutes(ctx: Ctx) {
  const r = newRouter();
  const show = (kind: HistoryKind) => async (req: Request, res: Response) => {
    const id = idParam(req.params.id);
    const { record, pager, rows } = await ctx.services.history.page(req.actor!, kind, id, pageParam(req.query.page));
    const fmt = formatters(req.locale);
    res.render('history/index', {
      title: req.t(`history.title.${kind}`, { name: record.name, number: fmt.offerNumber(id) }),
      record,
      pager,
      entries: presentHistory(rows, kind, req.t, fmt, req.locale),
      baseUrl: PATHS[kind].replace(':id', String(id)),
    });
  };
  for (const kind of Object.keys(PATHS) as HistoryKind[]) r.get(PATHS[kind], allow('history.view'), show(kind));
  return r;
}
