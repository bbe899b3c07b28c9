// Who reads an internship's academic record — the final grade, the reason a label was refused or
// withdrawn: the student and the school's side (academic tutor, programme and year managers, the
// centre's staff, the platform's administrator), not the host.
import type { Actor } from '../../authz/actor.js';
import { hasCentreRight } from '../../authz/centres.js';

export interface RecordParties {
  studentId: number;
  academicTutorId: number | null;
  centreId: number;
  programmeId: number | null;
  studyYearId: number | null;
}

export function readsAcademicRecord(actor: Actor, a: RecordParties): boolean {
  if (actor.student?.profileId === a.studentId || actor.id === a.academicTutorId || actor.isPlatformAdmin) return true;
  if (hasCentreRight(actor, a.centreId, 'READ')) return true;
  return actor.academic.some((r) => (r.kind === 'PROGRAMME_MANAGER' && r.programmeId === a.programmeId) || (r.kind === 'YEAR_MANAGER' && r.studyYearId === a.studyYearId));
}
