// The signatures still awaited: the reminder job (3 and 7 days after the invitation) and the
// centre's list of agreements waiting for signatures, per signer, with the days waited.
import type { Act } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import { centresWith } from '../../authz/centres.js';
import type { Db } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { pager } from '../../http/pagination.js';
import { AWAITING_ITEMS, entry, type AwaitingEntry } from '../dashboard/dashboard.types.js';
import { todayIn } from '../../time/calendar.js';
import { applySignature, documentNumber, signatureSelect, type SignatureRow } from './signatures.mail.js';
import { signatureRecord } from './signatures.service.js';
import { REMINDER_DAYS, SIGNATURE_WORKFLOW } from './signatures.workflow.js';

const DAY_MS = 86_400_000;

/** A signature whose document is in its signature phase: the agreement's, or an amendment's. */
const IN_PHASE = { OR: [{ amendmentId: null, agreement: { status: 'SIGNING' as const } }, { amendment: { status: 'SIGNING' as const } }] };

/**
 * Reminds the signers whose reminder day is today (the workflow's deadline: 3 and 7 days after the
 * invitation), never twice the same day: each under a lock of its row, read again, so that two
 * runs (or two instances) send one mail. Returns how many were reminded.
 */
export async function remindDueSignatures(db: Db, act: Act<null>, baseUrl: string): Promise<number> {
  const today = todayIn(act.now);
  // Invited within the window (the last reminder day, and a day of margin for the zone).
  const since = new Date(act.now.getTime() - (REMINDER_DAYS[1] + 1) * DAY_MS);
  const ids = await db.agreementSignature.findMany({ where: { status: 'INVITED', invitedAt: { gte: since }, ...IN_PHASE }, select: { id: true } });
  let sent = 0;
  for (const { id } of ids) {
    sent += await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "AgreementSignature" WHERE id = ${id} FOR UPDATE`;
      const row = (await tx.agreementSignature.findUniqueOrThrow({ where: { id }, select: signatureSelect })) as SignatureRow;
      const record = signatureRecord(row);
      if (row.status !== 'INVITED' || !SIGNATURE_WORKFLOW.remindersDue(record, today).length) return 0;
      if (row.lastReminderAt && todayIn(row.lastReminderAt).equals(today)) return 0;
      await applySignature(tx, { act, row, record, action: 'remind', baseUrl, data: { lastReminderAt: act.now, reminderCount: row.reminderCount + 1 } });
      return 1;
    });
  }
  return sent;
}

export interface WaitingRow {
  signatureId: number;
  agreementId: number;
  academicYear: string;
  seq: number;
  /** The amendment's number when the signature is an amendment's. */
  amendmentSeq: number | null;
  studentName: string;
  party: string;
  signerName: string;
  invitedAt: Date;
  lastReminderAt: Date | null;
  days: number;
}

/** The signatures awaited in the actor's centres (READ), longest waiting first, one page. */
export async function waitingSignatures(db: Db, actor: Actor, now: Date, pageNo: number) {
  const centres = actor.isPlatformAdmin ? null : centresWith(actor, 'READ');
  if (centres && !centres.length) return { pager: pager(1, 0), rows: [] as WaitingRow[] };
  const inCentres = centres ? Prisma.sql`AND a."centreId" = ANY(${centres}::int[])` : Prisma.empty;
  const where = Prisma.sql`s.status = 'INVITED' AND COALESCE(m.status::text, a.status::text) = 'SIGNING' ${inCentres}`;
  const [{ total }] = await db.$queryRaw<{ total: number }[]>`SELECT COUNT(*)::int AS total FROM "AgreementSignature" s JOIN "Agreement" a ON a.id = s."agreementId" LEFT JOIN "AgreementAmendment" m ON m.id = s."amendmentId" WHERE ${where}`;
  const page = pager(pageNo, total);
  const rows = await db.$queryRaw<Omit<WaitingRow, 'days'>[]>`
    SELECT s.id AS "signatureId", a.id AS "agreementId", a."academicYear", a.seq, m.seq AS "amendmentSeq", u."firstName" || ' ' || u."lastName" AS "studentName",
           s.party::text AS party, s."signerName", s."invitedAt", s."lastReminderAt"
    FROM "AgreementSignature" s JOIN "Agreement" a ON a.id = s."agreementId" LEFT JOIN "AgreementAmendment" m ON m.id = s."amendmentId"
    JOIN "StudentProfile" sp ON sp.id = a."studentId" JOIN "User" u ON u.id = sp."userId"
    WHERE ${where} ORDER BY s."invitedAt" ASC, s.id ASC OFFSET ${page.skip} LIMIT ${page.size}`;
  return { pager: page, rows: rows.map((r) => ({ ...r, days: todayIn(r.invitedAt).daysUntil(todayIn(now)) })) };
}

/**
 * "Conventions à signer": the agreements whose signature the actor is asked for (their own
 * account's, INVITED, the agreement in its signature phase), for their personal dashboard.
 */
export async function signaturesToGive(db: Db, actor: Actor, href: string): Promise<AwaitingEntry[]> {
  const where = { signerId: actor.id, status: 'INVITED' as const, ...IN_PHASE };
  const [count, rows] = await Promise.all([
    db.agreementSignature.count({ where }),
    db.agreementSignature.findMany({
      where,
      orderBy: [{ invitedAt: 'asc' }, { id: 'asc' }],
      take: AWAITING_ITEMS,
      select: { invitedAt: true, amendment: { select: { seq: true } }, agreement: { select: { id: true, academicYear: true, seq: true, organisation: { select: { legalName: true } }, student: { select: { user: { select: { firstName: true, lastName: true } } } } } } },
    }),
  ]);
  return entry('signatures', count, href, rows.map((r) => ({
    label: `${documentNumber(r)} — ${r.agreement.student.user.firstName} ${r.agreement.student.user.lastName}`,
    note: { text: r.agreement.organisation.legalName },
    href: `/agreements/${r.agreement.id}${r.amendment ? `/amendments/${r.amendment.seq}` : ''}#signatures`,
    since: r.invitedAt!,
  })));
}
