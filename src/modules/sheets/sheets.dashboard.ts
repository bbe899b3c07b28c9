import type { Actor } from '../../authz/actor.js';
import type { Db } from '../../db/client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { AWAITING_ITEMS, entry, type AwaitingEntry } from '../dashboard/dashboard.types.js';
import { awaitingWhere, contentOf } from './sheets.records.js';
import { SHEET_WORKFLOW } from './sheets.workflow.js';

// What of the internship sheets waits for a person, for their dashboard: the states the sheet
// workflow's `awaits` gives each party (SHEET_WORKFLOW.awaitingStates), the oldest first, and the
// list that holds them all (the same filter, so that the count and the list agree).

const select = {
  id: true,
  sentAt: true,
  updatedAt: true,
  data: true,
  organisation: { select: { legalName: true } },
  student: { select: { user: { select: { firstName: true, lastName: true } } } },
} satisfies Prisma.InternshipSheetSelect;

/** The sent sheets awaiting the actor's decision (year manager, WRITE staff, administrator): /sheets/review. */
export async function sheetsToValidate(db: Db, actor: Actor): Promise<AwaitingEntry[]> {
  const where = awaitingWhere(actor);
  const [count, rows] = await Promise.all([db.internshipSheet.count({ where }), db.internshipSheet.findMany({ where, select, orderBy: [{ sentAt: 'asc' }, { id: 'asc' }], take: AWAITING_ITEMS })]);
  return entry(
    'sheetsToValidate',
    count,
    '/sheets/review',
    rows.map((s) => ({ label: `${s.student.user.firstName} ${s.student.user.lastName}`, note: { text: s.organisation?.legalName ?? contentOf(s.data).data.orgLegalName ?? '' }, href: `/sheets/${s.id}`, since: s.sentAt ?? s.updatedAt })),
  );
}

/** The student's sheets still theirs to complete or correct (a draft, a returned sheet): /sheets. */
export async function ownSheetsToComplete(db: Db, actor: Actor): Promise<AwaitingEntry[]> {
  if (!actor.student) return [];
  const where: Prisma.InternshipSheetWhereInput = { studentId: actor.student.profileId, status: { in: SHEET_WORKFLOW.awaitingStates('student') } };
  const [count, rows] = await Promise.all([db.internshipSheet.count({ where }), db.internshipSheet.findMany({ where, select: { ...select, status: true }, orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }], take: AWAITING_ITEMS })]);
  return entry(
    'ownSheets',
    count,
    '/sheets',
    rows.map((s) => ({ label: s.organisation?.legalName ?? contentOf(s.data).data.orgLegalName ?? contentOf(s.data).data.subject ?? `#${s.id}`, note: { key: SHEET_WORKFLOW.stateLabel(s.status) }, href: `/sheets/${s.id}/edit`, since: s.updatedAt })),
  );
}
