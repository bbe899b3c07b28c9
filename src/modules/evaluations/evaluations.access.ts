// Who fills and who reads each evaluation of an internship (issue 14). Reading is narrower than
// reaching the agreement: the student's evaluation of the internship is confidential — its answers
// are read by the manager of the student's programme alone, not the company, not the tutors, not the
// centre's staff, not the platform administrator.
import type { Actor } from '../../authz/actor.js';
import { centreRight, hasCentreRight } from '../../authz/centres.js';
import type { DbOrTx } from '../../db/client.js';
import type { EvaluationKind } from '../../generated/prisma/enums.js';
import { isCompanyTutor } from '../agreements/agreements.reach.js';

/** What the actor is for one internship. */
export interface EvaluationRoles {
  student: boolean;
  /** The account of the contact who is the agreement's company tutor. */
  companyTutor: boolean;
  academicTutor: boolean;
  /** The manager of the agreement's programme. */
  programmeManager: boolean;
  /** The manager of the agreement's study year. */
  yearManager: boolean;
  /** A member (READ or above) of the managing centre: a membership, not the platform administrator's reach. */
  centreStaff: boolean;
  /** May send the company tutor a link: WRITE staff of the managing centre (or the platform administrator). */
  centreWrite: boolean;
}

type Parties = { studentId: number; companyTutorId: number | null; companyTutor?: { userId?: number | null } | null; academicTutorId: number | null; programmeId: number | null; studyYearId: number | null; centreId: number };

export async function evaluationRoles(db: DbOrTx, actor: Actor, a: Parties): Promise<EvaluationRoles> {
  const companyTutor = await isCompanyTutor(db, actor, a);
  return {
    student: actor.student?.profileId === a.studentId,
    companyTutor,
    academicTutor: a.academicTutorId !== null && a.academicTutorId === actor.id,
    programmeManager: a.programmeId !== null && actor.academic.some((r) => r.kind === 'PROGRAMME_MANAGER' && r.programmeId === a.programmeId),
    yearManager: a.studyYearId !== null && actor.academic.some((r) => r.kind === 'YEAR_MANAGER' && r.studyYearId === a.studyYearId),
    centreStaff: centreRight(actor, a.centreId) !== null,
    centreWrite: hasCentreRight(actor, a.centreId, 'WRITE'),
  };
}

/** Who fills each evaluation. */
export const FILLS: Record<EvaluationKind, (r: EvaluationRoles) => boolean> = {
  COMPANY: (r) => r.companyTutor,
  ACADEMIC: (r) => r.academicTutor,
  STUDENT: (r) => r.student,
};

/** Who reads each evaluation's answers (the company tutor reads the evaluation they wrote). */
export const READS: Record<EvaluationKind, (r: EvaluationRoles) => boolean> = {
  COMPANY: (r) => r.companyTutor || r.academicTutor || r.programmeManager || r.yearManager || r.centreStaff,
  ACADEMIC: (r) => r.academicTutor || r.programmeManager || r.centreStaff,
  // Confidential: the programme manager of the student's programme, and no one else — not its author.
  STUDENT: (r) => r.programmeManager,
};

/** "jean.dupont@acme.fr" → "j•••@a•••.fr": enough to recognise one's address, not to learn another's. */
export function maskEmail(email: string): string {
  const [local, domain = ''] = email.split('@');
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local.slice(0, 1)}•••@${host.slice(0, 1)}•••${tld}`;
}
