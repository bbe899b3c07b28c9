import { Service } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import { pager } from '../../http/pagination.js';
import { historyKeys, recordInReach, type HistoryKind } from './history.scope.js';

/** One audit row as the history reads it, with its actor's name (null: the platform, or someone since deleted). */
export interface AuditRow {
  id: string;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
  createdAt: Date;
  actorId: number | null;
  actorFirstName: string | null;
  actorLastName: string | null;
}

/**
 * The audit trail of an agreement, an offer, an organisation or an account, for the staff who may
 * see the record (history.scope.ts): one page of rows, newest first, each with its actor joined in
 * the same statement. What the rows say is shown by history.present.ts (masked, labelled).
 */
export class HistoryService extends Service {
  async page(actor: Actor, kind: HistoryKind, id: number, page: number) {
    const record = await recordInReach(this.db, actor, kind, id);
    const keys = historyKeys(kind, id);
    const [{ n }] = await this.db.$queryRaw<{ n: number }[]>`
      WITH keys AS (${keys})
      SELECT count(*)::int AS n FROM "AuditLog" l JOIN keys k ON k.t = l."entityType" AND k.id = l."entityId"`;
    const p = pager(page, n);
    const rows = await this.db.$queryRaw<(Omit<AuditRow, 'id'> & { id: bigint })[]>`
      WITH keys AS (${keys})
      SELECT l.id, l.action, l."entityType", l."entityId", l.before, l.after, l."createdAt", l."actorId",
             u."firstName" AS "actorFirstName", u."lastName" AS "actorLastName"
      FROM "AuditLog" l
      JOIN keys k ON k.t = l."entityType" AND k.id = l."entityId"
      LEFT JOIN "User" u ON u.id = l."actorId"
      ORDER BY l."createdAt" DESC, l.id DESC
      LIMIT ${p.size} OFFSET ${p.skip}`;
    return { record, pager: p, rows: rows.map((r): AuditRow => ({ ...r, id: String(r.id) })) };
  }
}
