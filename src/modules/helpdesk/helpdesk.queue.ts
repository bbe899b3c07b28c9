import type { Actor } from '../../authz/actor.js';
import { centresWith } from '../../authz/centres.js';
import type { DbOrTx } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { TicketStatus } from '../../generated/prisma/enums.js';
import { pager } from '../../http/pagination.js';

/**
 * Whose tickets a handler's queue lists: WRITE (or ADMIN) staff those of their centres; the
 * platform administrator those addressed to the platform, or every ticket when they ask for all
 * (they may handle any: ticket.workflow.ts).
 */
export type QueueScope = 'mine' | 'all';

export function queueWhere(actor: Actor, scope: QueueScope): Prisma.TicketWhereInput {
  if (actor.isPlatformAdmin) return scope === 'all' ? {} : { centreId: null };
  return { centreId: { in: centresWith(actor, 'WRITE') } };
}

/** The same as SQL, for the dashboards' single statement. */
function queueSql(actor: Actor): Prisma.Sql {
  return actor.isPlatformAdmin ? Prisma.sql`t."centreId" IS NULL` : Prisma.sql`t."centreId" = ANY(${centresWith(actor, 'WRITE')})`;
}

export type StatusFilter = TicketStatus | 'all';

const rowSelect = {
  id: true,
  category: true,
  pagePath: true,
  status: true,
  createdAt: true,
  updatedAt: true,
  author: { select: { firstName: true, lastName: true } },
  centre: { select: { name: true } },
  _count: { select: { messages: true } },
} satisfies Prisma.TicketSelect;

/**
 * A handler's queue: how many tickets in each state (one GROUP BY), and one page of those in the
 * state asked, oldest first (all states: open ones first, then answered, then closed).
 */
export async function ticketQueue(db: DbOrTx, actor: Actor, o: { status: StatusFilter; scope: QueueScope; page: number }) {
  const where = queueWhere(actor, o.scope);
  const groups = await db.ticket.groupBy({ by: ['status'], where, _count: { _all: true } });
  const counts = Object.fromEntries(Object.values(TicketStatus).map((s) => [s, groups.find((g) => g.status === s)?._count._all ?? 0])) as Record<TicketStatus, number>;
  const total = o.status === 'all' ? Object.values(counts).reduce((a, b) => a + b, 0) : counts[o.status];
  const p = pager(o.page, total);
  const rows = await db.ticket.findMany({
    where: o.status === 'all' ? where : { AND: [where, { status: o.status }] },
    select: rowSelect,
    orderBy: [...(o.status === 'all' ? [{ status: 'asc' as const }] : []), { createdAt: 'asc' }, { id: 'asc' }],
    skip: p.skip,
    take: p.size,
  });
  return { counts, rows, pager: p };
}

/** The user's own tickets, the latest activity first. */
export async function ownTickets(db: DbOrTx, actor: Actor, page: number) {
  const where = { authorId: actor.id };
  const p = pager(page, await db.ticket.count({ where }));
  const rows = await db.ticket.findMany({ where, select: rowSelect, orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }], skip: p.skip, take: p.size });
  return { rows, pager: p };
}

/** Whether the actor handles tickets (WRITE staff of a centre, the administrator): READ staff get no block. */
const handlesTickets = (actor: Actor) => actor.isPlatformAdmin || centresWith(actor, 'WRITE').length > 0;

/**
 * The dashboard's block as two columns of a page's own statement (the centre dashboard's: one
 * statement fewer on one of the busiest pages): how many tickets of the actor's queue are open and
 * answered. Null for whoever handles none.
 */
export function ticketCountColumns(actor: Actor): Prisma.Sql | null {
  if (!handlesTickets(actor)) return null;
  return Prisma.sql`(SELECT json_build_object('open', count(*) FILTER (WHERE t.status = 'OPEN'), 'answered', count(*) FILTER (WHERE t.status = 'ANSWERED'))
    FROM "Ticket" t WHERE ${queueSql(actor)}) AS tickets`;
}

/** The dashboard's block in a statement of its own (the administrator's dashboard); null for whoever handles none. */
export async function ticketCounts(db: DbOrTx, actor: Actor): Promise<{ open: number; answered: number } | null> {
  const columns = ticketCountColumns(actor);
  if (!columns) return null;
  const [row] = await db.$queryRaw<{ tickets: { open: number; answered: number } }[]>`SELECT ${columns}`;
  return row.tickets;
}
