import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { sendStoredFile } from '../../files/upload.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { documentManageRoutes } from './documents.manage.routes.js';

/**
 * "Documents utiles" (issue 15), mounted on /documents:
 *   GET /documents — the documents of the actor's audiences: the platform's, then their centres' ('documents.view').
 *   GET /documents/:id/file — a document's file, for whoever reads the document (else 404).
 *   /documents/manage…, /documents/centres/:centreId… — editing them ('documents.manage': documents.manage.routes.ts).
 */
export function usefulDocumentsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.usefulDocuments;

  r.get('/', allow('documents.view'), async (req, res) => {
    const { groups, pager } = await svc.readable(req.actor!, pageParam(req.query.page));
    res.render('useful-documents/index', { title: req.t('usefulDocuments.index.title'), groups, pager, baseUrl: '/documents' });
  });

  r.get('/:id/file', allow('documents.view'), async (req, res) => {
    sendStoredFile(res, await svc.file(req.actor!, idParam(req.params.id)));
  });

  documentManageRoutes(ctx, r);
  return r;
}
