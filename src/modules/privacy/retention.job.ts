// The daily retention job (issue 15): what is past its period is anonymised or deleted, a batch per
// transaction, each record once (anonymisedAt); only counts reach the log.
import type { Db, Tx } from '../../db/client.js';
import { log } from '../../log.js';
import { anonymiseAccounts, anonymiseAgreements, anonymiseApplications } from './anonymise.js';
import { cutoffDay, cutoffInstant, readPeriods, type Periods } from './retention.policy.js';

export const BATCH = 100;
const AUDIT_BATCH = 5000;
/** The audit rows of agreements (and their amendments) live as long as the agreement: the job never deletes them. */
export const AGREEMENT_AUDIT_TYPES = ['Agreement', 'AgreementAmendment'];

export interface RetentionCounts {
  agreements: number;
  applications: number;
  accounts: number;
  auditRows: number;
}

/**
 * Student accounts past their period: a student profile and no other role, no agreement still
 * within its own period (an anonymised one no longer holds the account back), and no sign-in
 * (or, never signed in, no creation) since the cutoff.
 */
async function dueAccounts(db: Db, before: Date): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT u.id FROM "User" u JOIN "StudentProfile" p ON p."userId" = u.id
    WHERE u."anonymisedAt" IS NULL AND NOT u."isPlatformAdmin" AND COALESCE(u."lastLoginAt", u."createdAt") < ${before}
      AND NOT EXISTS (SELECT 1 FROM "Agreement" a WHERE a."studentId" = p.id AND a."anonymisedAt" IS NULL)
      AND NOT EXISTS (SELECT 1 FROM "CentreStaff" s WHERE s."userId" = u.id)
      AND NOT EXISTS (SELECT 1 FROM "AcademicRole" r WHERE r."userId" = u.id)
      AND NOT EXISTS (SELECT 1 FROM "CompanyMembership" m WHERE m."userId" = u.id)
    ORDER BY u.id LIMIT ${BATCH}`;
  return rows.map((r) => r.id);
}

/** Agreements whose internship ended before the cutoff day. */
async function dueAgreements(db: Db, periods: Periods, now: Date): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT id FROM "Agreement" WHERE "anonymisedAt" IS NULL AND "endDate" < ${cutoffDay(now, periods.AGREEMENT).toDb()} ORDER BY id LIMIT ${BATCH}`;
  return rows.map((r) => r.id);
}

/** Applications whose offer's diffusion ended (a spontaneous one, or an offer never given an end: sent) before the cutoff. */
async function dueApplications(db: Db, periods: Periods, now: Date): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT a.id FROM "Application" a LEFT JOIN "Offer" o ON o.id = a."offerId"
    WHERE a."anonymisedAt" IS NULL AND COALESCE(o."publishUntil", a."createdAt") < ${cutoffInstant(now, periods.APPLICATION)}
    ORDER BY a.id LIMIT ${BATCH}`;
  return rows.map((r) => r.id);
}

/** Runs `step` on batches of what `due` finds until nothing is left; each batch is one transaction with its audit rows. */
async function inBatches(db: Db, now: Date, due: () => Promise<number[]>, entityType: string, step: (tx: Tx, ids: number[]) => Promise<unknown>): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = await due();
    if (!ids.length) return total;
    await db.$transaction(
      async (tx) => {
        await step(tx, ids);
        // What only: the row says the record was anonymised, never whose it was. Dated by the clock,
        // as the cutoffs are, so that the deletion of old rows below never takes today's.
        await tx.auditLog.createMany({ data: ids.map((id) => ({ actorId: null, action: 'privacy.anonymise', entityType, entityId: String(id), createdAt: now })) });
      },
      { timeout: 60_000 },
    );
    total += ids.length;
    if (ids.length < BATCH) return total;
  }
}

/**
 * The job. The agreements go first: an account held back only by agreements now anonymised is then
 * due the same night. The audit rows' deletion comes last, so that the rows written above stay.
 */
export async function runRetention(db: Db, now: Date): Promise<RetentionCounts> {
  const periods = await readPeriods(db);
  const agreements = await inBatches(db, now, () => dueAgreements(db, periods, now), 'Agreement', (tx, ids) => anonymiseAgreements(tx, ids, now));
  const applications = await inBatches(db, now, () => dueApplications(db, periods, now), 'Application', (tx, ids) => anonymiseApplications(tx, ids, now));
  const before = cutoffInstant(now, periods.STUDENT_ACCOUNT);
  const accounts = await inBatches(db, now, () => dueAccounts(db, before), 'User', (tx, ids) => anonymiseAccounts(tx, ids, now));
  const auditRows = await deleteOldAudit(db, cutoffInstant(now, periods.AUDIT));
  const counts = { agreements, applications, accounts, auditRows };
  log.info('retention done', { ...counts });
  return counts;
}

/** Audit rows of records other than agreements, written before the cutoff, deleted a batch at a time. */
async function deleteOldAudit(db: Db, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.$executeRaw`DELETE FROM "AuditLog" WHERE id IN (
      SELECT id FROM "AuditLog" WHERE "createdAt" < ${before} AND NOT ("entityType" = ANY(${AGREEMENT_AUDIT_TYPES}::text[])) LIMIT ${AUDIT_BATCH})`;
    total += n;
    if (n < AUDIT_BATCH) return total;
  }
}
