import type { DbOrTx } from '../db/client.js';
import type { Prisma } from '../generated/prisma/client.js';

export interface AuditEntry {
  actorId: number | null;
  action: string; // e.g. "centre.update"
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

// Secrets never reach the audit trail.
const SECRET_KEYS = /password|token|hash|data$/i;

function scrub(v: unknown): Prisma.InputJsonValue | undefined {
  if (v === undefined || v === null) return undefined;
  return JSON.parse(
    JSON.stringify(v, (k, val) => {
      if (k && SECRET_KEYS.test(k)) return undefined;
      if (typeof val === 'bigint') return val.toString();
      if (val && typeof val === 'object' && val.type === 'Buffer') return undefined;
      return val;
    }),
  );
}

function row(e: AuditEntry) {
  return {
    actorId: e.actorId,
    action: e.action,
    entityType: e.entityType,
    entityId: String(e.entityId),
    before: scrub(e.before),
    after: scrub(e.after),
    requestId: e.requestId ?? null,
  };
}

/** Records a state change; call it with the transaction that makes the change. */
export async function audit(db: DbOrTx, e: AuditEntry) {
  await db.auditLog.create({ data: row(e) });
}

/** Records many changes in one statement (imports and other bulk changes). */
export async function auditMany(db: DbOrTx, entries: AuditEntry[]) {
  if (entries.length) await db.auditLog.createMany({ data: entries.map(row) });
}
