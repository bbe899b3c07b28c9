// What the follow-up asks of each person, for their dashboard's "À traiter" (issue 14): the student's
// mid-term report to fill, the tutors' acknowledgements to give.
import type { Actor } from '../../authz/actor.js';
import type { Db } from '../../db/client.js';
import { AWAITING_ITEMS, entry, type AwaitingEntry } from '../dashboard/dashboard.types.js';
import { agreementNumber } from '../agreements/agreement.types.js';

const agreementSelect = { id: true, academicYear: true, seq: true, organisation: { select: { legalName: true } }, student: { select: { user: { select: { firstName: true, lastName: true } } } } } as const;

/** Mid-term reports sent and waiting for the actor's acknowledgement (company tutor's account, academic tutor). */
export async function midtermsToAcknowledge(db: Db, actor: Actor): Promise<AwaitingEntry[]> {
  const where = { status: 'SUBMITTED' as const, OR: [{ academicAckAt: null, agreement: { academicTutorId: actor.id } }, { companyAckAt: null, agreement: { companyTutor: { userId: actor.id } } }] };
  const [count, rows] = await Promise.all([
    db.midtermReport.count({ where }),
    db.midtermReport.findMany({ where, orderBy: [{ submittedAt: 'asc' }, { agreementId: 'asc' }], take: AWAITING_ITEMS, select: { submittedAt: true, agreement: { select: agreementSelect } } }),
  ]);
  return entry('midtermsToAcknowledge', count, '/agreements/interns', rows.map((r) => ({
    label: `${agreementNumber(r.agreement)} — ${r.agreement.student.user.firstName} ${r.agreement.student.user.lastName}`,
    note: { text: r.agreement.organisation.legalName },
    href: `/agreements/${r.agreement.id}/follow-up#midterm`,
    since: r.submittedAt!,
  })));
}

/** The student's mid-term reports opened and not sent. */
export async function midtermsToFill(db: Db, actor: Actor): Promise<AwaitingEntry[]> {
  if (!actor.student) return [];
  const where = { status: 'OPEN' as const, agreement: { studentId: actor.student.profileId } };
  const rows = await db.midtermReport.findMany({ where, orderBy: { openedAt: 'asc' }, take: AWAITING_ITEMS, select: { openedAt: true, agreement: { select: agreementSelect } } });
  return entry('midtermsToFill', rows.length, '/agreements/mine', rows.map((r) => ({
    label: `${agreementNumber(r.agreement)} — ${r.agreement.organisation.legalName}`,
    href: `/agreements/${r.agreement.id}/follow-up#midterm`,
    since: r.openedAt,
  })));
}
