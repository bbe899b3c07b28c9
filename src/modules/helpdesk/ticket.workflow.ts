import type { Actor } from '../../authz/actor.js';
import { hasCentreRight } from '../../authz/centres.js';
import { TicketStatus } from '../../generated/prisma/enums.js';
import { defineWorkflow } from '../../workflow/engine.js';

/** What the workflow needs to know of a ticket to tell who is who towards it. */
export interface TicketRecord {
  status: TicketStatus;
  authorId: number;
  /** The centre whose WRITE staff handle it; null: the platform administrator. */
  centreId: number | null;
}

/**
 * Who handles a ticket: WRITE (or ADMIN) staff of its centre, or the platform administrator for
 * a ticket addressed to the platform (centreId null). hasCentreRight gives the administrator every
 * centre's rights, so they may handle any ticket — they are only mailed for their own.
 */
export function handles(actor: Actor | null, r: Pick<TicketRecord, 'centreId'>): boolean {
  if (!actor) return false;
  return r.centreId === null ? actor.isPlatformAdmin : hasCentreRight(actor, r.centreId, 'WRITE');
}

/**
 * "Signaler un problème": OPEN (reported, or written to again by its author) → ANSWERED (a handler
 * answered, mailed to the author) → CLOSED (by the author or a handler; a handler may reopen it).
 * A handler may answer again while it is ANSWERED; the author may write again while it is not
 * closed, which puts it back in the handlers' queue (OPEN). A closed ticket is not written to: the
 * author reports a new problem, or a handler reopens it.
 */
export const TICKET_WORKFLOW = defineWorkflow({
  name: 'ticket',
  entity: 'Ticket',
  i18n: 'helpdesk',
  states: Object.values(TicketStatus),
  tones: { OPEN: 'warning', ANSWERED: 'info', CLOSED: 'neutral' },
  parties: {
    author: (actor: Actor | null, r: TicketRecord) => !!actor && actor.id === r.authorId,
    handler: (actor: Actor | null, r: TicketRecord) => handles(actor, r),
  },
  transitions: [
    { action: 'answer', from: ['OPEN'], to: 'ANSWERED', by: ['handler'], awaits: true, tone: 'primary', tell: [{ to: 'author', template: 'ticket-answered' }] },
    { action: 'answer', from: ['ANSWERED'], to: 'ANSWERED', by: ['handler'], tone: 'primary', tell: [{ to: 'author', template: 'ticket-answered' }] },
    { action: 'reply', from: ['OPEN', 'ANSWERED'], to: 'OPEN', by: ['author'], tone: 'primary', tell: [{ to: 'handlers', template: 'ticket-replied' }] },
    // The author is told when a handler closes their ticket (never when they close it themselves).
    { action: 'close', from: ['OPEN', 'ANSWERED'], to: 'CLOSED', by: ['author', 'handler'], tone: 'secondary', tell: [{ to: 'author', template: 'ticket-closed' }] },
    { action: 'reopen', from: ['CLOSED'], to: 'OPEN', by: ['handler'], tone: 'secondary' },
  ],
});

export type TicketAction = (typeof TICKET_WORKFLOW)['actions'][number];
export type TicketParty = keyof (typeof TICKET_WORKFLOW)['def']['parties'];
/** The actions of the status form (POST /tickets/:id/status); answering and replying carry a message. */
export const STATUS_ACTIONS = ['close', 'reopen'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];
