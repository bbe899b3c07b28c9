// "Signaler un problème" (issue 15): a signed-in user reports a problem from any page; the report
// goes where destinationOf says (helpdesk.routing.ts); its handlers answer it in the ticket, and
// its states move by TICKET_WORKFLOW. Every change is one transaction with its audit row and mails.
import { z } from 'zod';
import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { rightsFrom } from '../../authz/centres.js';
import type { DbOrTx } from '../../db/client.js';
import { notFound } from '../../errors.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { fileSummary, storeFile, type CheckedFile, type UploadOptions } from '../../files/upload.js';
import { TicketCategory } from '../../generated/prisma/enums.js';
import { f } from '../../http/validate.js';
import type { Recipient } from '../../workflow/engine.js';
import { ownTickets, ticketQueue, type QueueScope, type StatusFilter } from './helpdesk.queue.js';
import { cleanPagePath, destinationOf } from './helpdesk.routing.js';
import { handles, STATUS_ACTIONS, TICKET_WORKFLOW, type StatusAction, type TicketAction, type TicketRecord } from './ticket.workflow.js';

/** A screenshot or a document: PNG, JPEG or PDF, checked by content. */
export const TICKET_UPLOAD: UploadOptions = { maxBytes: 5 * 1024 * 1024, types: ['png', 'jpg', 'pdf'] };
export const CATEGORIES = Object.values(TicketCategory);

export const reportSchema = z.object({
  category: f.enumOf(CATEGORIES as [TicketCategory, ...TicketCategory[]]),
  message: f.text(5000),
  // Read-only in the form: cleaned, never refused (cleanPagePath).
  page: z.unknown().transform(cleanPagePath),
});
export const messageSchema = z.object({ message: f.text(5000) });

/** What the mails of a ticket say (and the audit rows keep of a file). */
interface Facts {
  id: number;
  category: TicketCategory;
  pagePath: string;
  author: string;
  body: string | null;
  file: { id: number; originalName: string; mimeType: string; size: number; sha256: string } | null;
}

const recordSelect = { id: true, status: true, authorId: true, centreId: true, category: true, pagePath: true, author: { select: { firstName: true, lastName: true } } } as const;

/** Who sees a ticket: its author and its handlers; anyone else gets a 404. */
export function seesTicket(actor: Actor, t: Pick<TicketRecord, 'authorId' | 'centreId'>): boolean {
  return actor.id === t.authorId || handles(actor, t);
}

export class HelpdeskService extends Service {
  /** Reports a problem: the ticket and its first message (with the file), its audit row, the handlers' mails. Returns its id. */
  async report(act: Act, input: z.infer<typeof reportSchema>, file: CheckedFile | null): Promise<number> {
    return this.db.$transaction(async (tx) => {
      const to = await destinationOf(tx, act.actor, input.category, input.page);
      const stored = file ? await storeFile(tx, file, act.actor.id) : null;
      const ticket = await tx.ticket.create({
        data: {
          authorId: act.actor.id, category: input.category, pagePath: input.page, centreId: to.centreId, agreementId: to.agreementId, status: 'OPEN', createdAt: act.now, updatedAt: act.now,
          messages: { create: { authorId: act.actor.id, body: input.message, fileId: stored?.id ?? null, createdAt: act.now } },
        },
        select: { id: true },
      });
      await audit(tx, {
        actorId: act.actor.id, action: 'ticket.report', entityType: 'Ticket', entityId: ticket.id, requestId: act.requestId,
        after: { status: 'OPEN', category: input.category, pagePath: input.page, ...to, ...(stored ? fileSummary(stored) : {}) },
      });
      const facts: Facts = { id: ticket.id, category: input.category, pagePath: input.page, author: `${act.actor.firstName} ${act.actor.lastName}`, body: input.message, file: stored };
      await TICKET_WORKFLOW.tell(tx, [{ to: 'handlers', template: 'ticket-created' }], act, facts, (who) => this.recipients(tx, who, { authorId: act.actor.id, centreId: to.centreId }), (_t, r, after) => this.mail(r, after));
      return ticket.id;
    });
  }

  /** A handler's answer (mailed to the author; the ticket is then ANSWERED). */
  answer(act: Act, id: number, body: string, file: CheckedFile | null) {
    return this.move(act, id, 'answer', { body, file });
  }

  /** The author writes again: the ticket goes back to its handlers' queue (OPEN), and they are mailed. */
  reply(act: Act, id: number, body: string, file: CheckedFile | null) {
    return this.move(act, id, 'reply', { body, file });
  }

  /** Closing (the author or a handler) or reopening (a handler). */
  setStatus(act: Act, id: number, action: StatusAction) {
    return this.move(act, id, action, null);
  }

  /**
   * One transition in one transaction: the ticket locked and within reach (404), the workflow's
   * check (403 for the wrong person, 422 in the wrong state), the message and its file, the new
   * state, the audit row and the mails of the transition.
   */
  private async move(act: Act, id: number, action: TicketAction, message: { body: string; file: CheckedFile | null } | null) {
    await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Ticket" WHERE id = ${id} FOR UPDATE`;
      const t = await tx.ticket.findUnique({ where: { id }, select: recordSelect });
      if (!t || !seesTicket(act.actor, t)) throw notFound();
      const base = { id, category: t.category, pagePath: t.pagePath, author: `${t.author.firstName} ${t.author.lastName}` };
      await TICKET_WORKFLOW.apply(tx, {
        act,
        id,
        action,
        record: { status: t.status, authorId: t.authorId, centreId: t.centreId },
        write: async (to): Promise<Facts> => {
          const stored = message?.file ? await storeFile(tx, message.file, act.actor.id) : null;
          if (message) await tx.ticketMessage.create({ data: { ticketId: id, authorId: act.actor.id, body: message.body, fileId: stored?.id ?? null, createdAt: act.now } });
          await tx.ticket.update({ where: { id }, data: { status: to, updatedAt: act.now } });
          return { ...base, body: message?.body ?? null, file: stored };
        },
        recipients: (who) => this.recipients(tx, who, t),
        mail: (_template, r, after) => this.mail(r, after),
        audit: { after: (after) => (after.file ? fileSummary(after.file) : {}) },
      });
    });
  }

  /** The people behind a `tell`: the author, or the handlers (WRITE and ADMIN staff of the centre; the administrators for the platform's tickets). */
  private async recipients(db: DbOrTx, who: string, t: Pick<TicketRecord, 'authorId' | 'centreId'>): Promise<Recipient[]> {
    const select = { id: true, email: true, firstName: true, locale: true } as const;
    if (who === 'author') return db.user.findMany({ where: { id: t.authorId, active: true }, select });
    const where = t.centreId === null ? { isPlatformAdmin: true } : { centreStaff: { some: { centreId: t.centreId, right: { in: rightsFrom('WRITE') } } } };
    return db.user.findMany({ where: { ...where, active: true }, select, orderBy: { id: 'asc' } });
  }

  private mail(r: Recipient, f: Facts): Record<string, unknown> {
    return { firstName: r.firstName, number: f.id, category: f.category, author: f.author, pagePath: f.pagePath, body: f.body, hasFile: !!f.file, link: `${this.baseUrl}/tickets/${f.id}` };
  }

  // ───────────── pages ─────────────

  /** A ticket's page: the report and every message with its file, and what the actor may do. 404 for anyone but its author and handlers. */
  async show(actor: Actor, id: number) {
    const t = await this.db.ticket.findUnique({
      where: { id },
      select: {
        id: true, category: true, pagePath: true, status: true, authorId: true, centreId: true, createdAt: true, updatedAt: true,
        author: { select: { firstName: true, lastName: true, email: true } },
        centre: { select: { name: true } },
        agreement: { select: { id: true, academicYear: true, seq: true } },
        messages: {
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          select: { id: true, body: true, createdAt: true, authorId: true, author: { select: { firstName: true, lastName: true } }, file: { select: { id: true, originalName: true, extension: true, size: true } } },
        },
      },
    });
    if (!t || !seesTicket(actor, t)) throw notFound();
    const actions = TICKET_WORKFLOW.availableActions(actor, t).map((a) => a.action);
    const agreement = t.agreement ? { id: t.agreement.id, number: agreementNumber(t.agreement) } : null;
    // The page's two forms, from the workflow: the message one (answer or reply) and the status buttons.
    const says = actions.find((a) => !(STATUS_ACTIONS as readonly string[]).includes(a)) ?? null;
    const moves = actions.filter((a) => (STATUS_ACTIONS as readonly string[]).includes(a));
    return { ticket: t, agreement, actions, says, moves, handler: handles(actor, t) };
  }

  /** An attached file, for those who see its ticket (404 otherwise, or when it is not this ticket's). */
  async file(actor: Actor, ticketId: number, fileId: number) {
    const m = await this.db.ticketMessage.findFirst({
      where: { ticketId, fileId },
      select: { ticket: { select: { authorId: true, centreId: true } }, file: { select: { data: true, mimeType: true, extension: true, originalName: true, sha256: true } } },
    });
    if (!m?.file || !seesTicket(actor, m.ticket)) throw notFound();
    return m.file;
  }

  mine(actor: Actor, page: number) {
    return ownTickets(this.db, actor, page);
  }

  queue(actor: Actor, o: { status: StatusFilter; scope: QueueScope; page: number }) {
    return ticketQueue(this.db, actor, o);
  }
}
