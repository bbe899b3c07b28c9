// "Historique de mes stages" (issue 14): every internship of the student, all academic years, newest
// first, each with its agreement, its final grade and where it stands with the label. One page is
// read in a fixed number of statements (the agreements with their grade and award, then whether
// they follow the label, for all of them at once), never one per row.
import type { Actor } from '../../authz/actor.js';
import type { DbOrTx } from '../../db/client.js';
import { pager } from '../../http/pagination.js';
import { followingLabel } from '../followup/label.steps.js';
import { awardStatus } from './award.workflow.js';

export const HISTORY_PAGE = 10;

/** Where an internship stands with the label, as the history shows it. */
export type HistoryLabel = 'AWARDED' | 'REFUSED' | 'WITHDRAWN' | 'IN_PROGRESS' | 'NOT_FOLLOWED';

export async function internshipHistory(db: DbOrTx, actor: Actor, page: number) {
  const where = { studentId: actor.student?.profileId ?? -1 };
  const p = pager(page, await db.agreement.count({ where }), HISTORY_PAGE);
  const rows = await db.agreement.findMany({
    where,
    orderBy: [{ startDate: 'desc' }, { id: 'desc' }],
    skip: p.skip,
    take: p.size,
    select: {
      id: true, academicYear: true, seq: true, status: true, startDate: true, endDate: true, sheetId: true, validatedAt: true, programmeId: true, organisationId: true, schedule: true, interruptions: true, holidaysCountry: true,
      organisation: { select: { legalName: true } },
      grade: { select: { grade: true } },
      labelAward: { select: { decision: true, withdrawnAt: true, decidedAt: true } },
    },
  });
  const follows = await followingLabel(db, rows);
  const items = rows.map((a) => {
    const decided = awardStatus(a.labelAward);
    const label: HistoryLabel = decided !== 'PENDING' ? decided : follows.has(a.id) ? 'IN_PROGRESS' : 'NOT_FOLLOWED';
    return { ...a, grade: a.grade ? Number(a.grade.grade) : null, label, labelDate: label === 'WITHDRAWN' ? a.labelAward!.withdrawnAt : a.labelAward?.decidedAt ?? null };
  });
  return { pager: p, items };
}

/** The badge tone of each label state in the history. */
export const HISTORY_TONES: Record<HistoryLabel, string> = { AWARDED: 'success', REFUSED: 'danger', WITHDRAWN: 'warning', IN_PROGRESS: 'info', NOT_FOLLOWED: 'neutral' };
