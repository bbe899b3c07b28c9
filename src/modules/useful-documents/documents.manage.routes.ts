import type { Request, Router } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { takeUpload, typesLabel, uploadSingle } from '../../files/upload.js';
import { act } from '../../http/act.js';
import { flash, formPage } from '../../http/forms.js';
import { detailAction, type DetailPage } from '../../http/pages.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { parse } from '../../http/validate.js';
import { AUDIENCES } from './documents.reach.js';
import { documentSchema, instructionsSchema, moveSchema, USEFUL_DOCUMENT_UPLOAD } from './documents.schemas.js';
import type { Scope } from './documents.service.js';

/** The two places documents are edited: the platform's (its administrator) and a centre's (its ADMIN staff). */
interface Place {
  base: string;
  scopeOf: (req: Request) => Scope;
  href: (req: Request) => string;
}
const PLACES: Place[] = [
  { base: '/manage', scopeOf: () => null, href: () => '/documents/manage' },
  { base: '/centres/:centreId', scopeOf: (req) => idParam(req.params.centreId), href: (req) => `/documents/centres/${idParam(req.params.centreId)}` },
];

/**
 * Editing the documents ('documents.manage'; the scope decides: the platform's are the platform
 * administrator's, 404 for anyone else; a centre's are its ADMIN staff's, 404 out of reach, 403
 * with a lesser right). For each place P (/documents/manage, /documents/centres/:centreId):
 *   GET P — the list (for /manage: the platform's list for its administrator, and the centres the actor administers);
 *   GET|POST P/new, P/:id/edit — the form (a link or a PDF, ODT, DOCX file, checked by content);
 *   POST P/:id/delete, P/:id/move (direction up|down); a centre's: POST P/:id/instructions (mark yes|no).
 */
export function documentManageRoutes(ctx: Ctx, r: Router) {
  const svc = ctx.services.usefulDocuments;
  const formLimits = { accepted: typesLabel(USEFUL_DOCUMENT_UPLOAD.types), maxMb: USEFUL_DOCUMENT_UPLOAD.maxBytes / 1024 / 1024, audiences: AUDIENCES };

  const listPageOf =
    (place: Place): DetailPage =>
    async (req, res, problem) => {
      const scope = place.scopeOf(req);
      // A centre's ADMIN staff land on /documents/manage too: their centres, not the platform's list.
      const list = scope === null && !req.actor!.isPlatformAdmin ? null : await svc.list(req.actor!, scope, pageParam(req.query.page));
      const centres = scope === null ? await svc.administeredCentres(req.actor!) : [];
      const title = list?.centre ? req.t('usefulDocuments.manage.centreTitle', { name: list.centre.name }) : req.t('usefulDocuments.manage.title');
      res.status(problem?.status ?? 200).render('useful-documents/manage', { title, base: place.href(req), list, centres, baseUrl: place.href(req), errors: problem?.errors ?? {}, formError: problem?.formError ?? null });
    };

  for (const place of PLACES) {
    const listPage = listPageOf(place);
    r.get(place.base, allow('documents.manage'), (req, res) => listPage(req, res));

    const saved = (req: Request, key: string) => flash(req, 'success', `usefulDocuments.flash.${key}`);
    formPage(r, `${place.base}/new`, 'documents.manage', {
      view: 'useful-documents/form',
      schema: documentSchema,
      locals: async (req) => {
        const centre = await svc.place(req.actor!, place.scopeOf(req));
        return { title: req.t('usefulDocuments.form.newTitle'), centre, doc: null, base: place.href(req), action: `${place.href(req)}/new`, ...formLimits };
      },
      initial: () => ({ audiences: [] }),
      beforePost: [uploadSingle('file', USEFUL_DOCUMENT_UPLOAD)],
      action: async (req, res, data) => {
        await svc.create(act(req), place.scopeOf(req), data, takeUpload(req, { required: false, field: 'file' }));
        saved(req, 'created');
        res.redirect(303, place.href(req));
      },
    });

    formPage(r, `${place.base}/:id/edit`, 'documents.manage', {
      view: 'useful-documents/form',
      schema: documentSchema,
      locals: async (req) => {
        const doc = await svc.one(req.actor!, place.scopeOf(req), idParam(req.params.id));
        return { title: req.t('usefulDocuments.form.editTitle', { title: doc.title }), centre: doc.centre, doc, base: place.href(req), action: `${place.href(req)}/${doc.id}/edit`, ...formLimits };
      },
      // A file document's link field starts empty: filled in, it replaces the file.
      initial: (l) => ({ title: l.doc.title, description: l.doc.description ?? '', audiences: l.doc.audiences, url: l.doc.url ?? '' }),
      beforePost: [uploadSingle('file', USEFUL_DOCUMENT_UPLOAD)],
      action: async (req, res, data) => {
        await svc.update(act(req), place.scopeOf(req), idParam(req.params.id), data, takeUpload(req, { required: false, field: 'file' }));
        saved(req, 'saved');
        res.redirect(303, place.href(req));
      },
    });

    detailAction(r, `${place.base}/:id/delete`, 'documents.manage', {
      page: listPage,
      run: async (req, res) => {
        await svc.remove(act(req), place.scopeOf(req), idParam(req.params.id));
        saved(req, 'deleted');
        res.redirect(303, place.href(req));
      },
    });

    detailAction(r, `${place.base}/:id/move`, 'documents.manage', {
      page: listPage,
      run: async (req, res) => {
        const id = idParam(req.params.id);
        await svc.move(act(req), place.scopeOf(req), id, parse(moveSchema, req.body).direction);
        res.redirect(303, `${place.href(req)}#document-${id}`);
      },
    });
  }

  // The notice de saisie belongs to a centre (the agreement wizard of its students links it).
  detailAction(r, '/centres/:centreId/:id/instructions', 'documents.manage', {
    page: listPageOf(PLACES[1]),
    run: async (req, res) => {
      const centreId = idParam(req.params.centreId);
      const { mark } = parse(instructionsSchema, req.body);
      await svc.markInstructions(act(req), centreId, idParam(req.params.id), mark);
      flash(req, 'success', mark ? 'usefulDocuments.flash.instructionsSet' : 'usefulDocuments.flash.instructionsUnset');
      res.redirect(303, `/documents/centres/${centreId}`);
    },
  });
}
