import type { Request } from 'express';
import { z } from 'zod';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { ValidationError } from '../../errors.js';
import { sendStoredFile, takeUpload, typesLabel, uploadSingle, type CheckedFile } from '../../files/upload.js';
import { act } from '../../http/act.js';
import { flash, formHandler } from '../../http/forms.js';
import { detailAction, searchCriteria, type DetailPage } from '../../http/pages.js';
import { idParam, pageParam } from '../../http/pagination.js';
import { newRouter } from '../../http/router.js';
import { fieldErrors, parse, textLimits } from '../../http/validate.js';
import { TicketStatus } from '../../generated/prisma/enums.js';
import { CATEGORIES, messageSchema, reportSchema, TICKET_UPLOAD } from './helpdesk.service.js';
import { cleanPagePath } from './helpdesk.routing.js';
import { STATUS_ACTIONS, TICKET_WORKFLOW } from './ticket.workflow.js';

const queueSchema = z.object({
  status: z.enum([...Object.values(TicketStatus), 'all']).catch('OPEN').default('OPEN'),
  scope: z.enum(['mine', 'all']).catch('mine').default('mine'),
});
const statusSchema = z.object({ action: z.enum(STATUS_ACTIONS, { error: 'errors.field.choice' }) });
/** What every form with a file says of it. */
const fileHints = { accepted: typesLabel(TICKET_UPLOAD.types), maxMb: TICKET_UPLOAD.maxBytes / (1024 * 1024) };
const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/** The message and the checked file of an answer or a reply: every refusal said at once (422). */
function messageAndFile(req: Request): { message: string; file: CheckedFile | null } {
  const parsed = messageSchema.safeParse(req.body ?? {});
  const errors = { ...(parsed.success ? {} : fieldErrors(parsed.error)), ...req.uploadErrors };
  if (!parsed.success || req.uploadErrors) throw new ValidationError(errors);
  return { message: parsed.data.message, file: req.checkedFile ?? null };
}

/**
 * The help desk, "Signaler un problème" (issue 15):
 *   GET /tickets ('tickets.report'): the user's own tickets, with their state.
 *   GET /tickets/new?page=<path> ('tickets.report'): the report form (the page's path shown, read-only).
 *   POST /tickets ('tickets.report'): reports (multipart: an optional PNG, JPEG or PDF).
 *   GET /tickets/queue?status=&scope= ('tickets.handle'): the handler's queue, counts by state, oldest first.
 *   GET /tickets/:id ('tickets.report'): the ticket, for its author and its handlers (404 otherwise).
 *   POST /tickets/:id/answer ('tickets.handle'): a handler answers (optional file), mailed to the author.
 *   POST /tickets/:id/reply ('tickets.report'): the author writes again (back to OPEN, handlers mailed).
 *   POST /tickets/:id/status ('tickets.report'): close (author, handler) or reopen (handler): the workflow decides.
 *   GET /tickets/:id/files/:fileId ('tickets.report'): an attached file, for those who see the ticket.
 */
export function helpdeskRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.helpdesk;
  const newLocals = (req: Request) => ({
    title: req.t('helpdesk.new.title'),
    categories: CATEGORIES.map((c) => ({ value: c, label: req.t(`helpdesk.category.${c}`) })),
    ...fileHints,
  });

  r.get('/', allow('tickets.report'), async (req, res) => {
    res.render('helpdesk/mine', { title: req.t('helpdesk.mine.title'), ...(await svc.mine(req.actor!, pageParam(req.query.page))), baseUrl: '/tickets', workflow: TICKET_WORKFLOW });
  });

  r.get('/new', allow('tickets.report'), (req, res) => {
    res.render('helpdesk/new', { ...newLocals(req), limits: textLimits(reportSchema), values: { page: cleanPagePath(one(req.query.page)) } });
  });
  r.post('/', allow('tickets.report'), uploadSingle('file', TICKET_UPLOAD), formHandler({
    schema: reportSchema,
    view: 'helpdesk/new',
    locals: newLocals,
    action: async (req, res, data) => {
      const id = await svc.report(act(req), data, takeUpload(req, { required: false, field: 'file' }));
      flash(req, 'success', 'helpdesk.new.done');
      res.redirect(303, `/tickets/${id}`);
    },
  }));

  r.get('/queue', allow('tickets.handle'), async (req, res) => {
    const c = searchCriteria(queueSchema, req.query, { keys: ['status', 'scope'] });
    const o = { status: c.input?.status ?? 'OPEN', scope: c.input?.scope ?? 'mine' } as const;
    const list = await svc.queue(req.actor!, { ...o, page: c.page });
    res.render('helpdesk/queue', { title: req.t('helpdesk.queue.title'), ...list, ...o, statuses: [...Object.values(TicketStatus), 'all'], baseUrl: c.url('/tickets/queue'), workflow: TICKET_WORKFLOW });
  });

  // The ticket's page, and again with the problem of a refused action (422).
  const page: DetailPage = async (req, res, problem) => {
    const shown = await svc.show(req.actor!, idParam(req.params.id));
    res.status(problem?.status ?? 200).render('helpdesk/show', {
      title: req.t('helpdesk.show.title', { number: shown.ticket.id }),
      ...shown,
      ...fileHints,
      workflow: TICKET_WORKFLOW,
      limits: textLimits(messageSchema),
      values: problem?.values ?? {},
      errors: problem?.errors ?? {},
      formError: problem?.formError ?? null,
    });
  };
  r.get('/:id', allow('tickets.report'), (req, res) => page(req, res));

  // Answering (a handler) and writing again (the author) carry a message and an optional file.
  for (const [action, permission] of [['answer', 'tickets.handle'], ['reply', 'tickets.report']] as const) {
    detailAction(r, `/:id/${action}`, permission, {
      page,
      before: [uploadSingle('file', TICKET_UPLOAD)],
      run: async (req, res) => {
        const id = idParam(req.params.id);
        const { message, file } = messageAndFile(req);
        await svc[action](act(req), id, message, file);
        flash(req, 'success', `helpdesk.show.${action}Done`);
        res.redirect(303, `/tickets/${id}`);
      },
    });
  }
  detailAction(r, '/:id/status', 'tickets.report', {
    page,
    run: async (req, res) => {
      const id = idParam(req.params.id);
      const { action } = parse(statusSchema, req.body);
      await svc.setStatus(act(req), id, action);
      flash(req, 'success', `helpdesk.show.${action}Done`);
      res.redirect(303, `/tickets/${id}`);
    },
  });

  r.get('/:id/files/:fileId', allow('tickets.report'), async (req, res) => {
    sendStoredFile(res, await svc.file(req.actor!, idParam(req.params.id), idParam(req.params.fileId)), { inline: true });
  });

  return r;
}
