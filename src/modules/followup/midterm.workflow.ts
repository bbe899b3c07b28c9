import { z } from 'zod';
import { f } from '../../http/validate.js';
import { hasCentreRight } from '../../authz/centres.js';
import type { Actor } from '../../authz/actor.js';
import { MidtermStatus } from '../../generated/prisma/enums.js';
import { defineWorkflow, type Transition } from '../../workflow/engine.js';

/** What the workflow needs to know of a mid-term report and its internship. */
export interface MidtermRecord {
  status: MidtermStatus;
  studentId: number;
  centreId: number;
  /** The company tutor's account (null: a contact without one, or no tutor). */
  companyTutorUserId: number | null;
  academicTutorId: number | null;
  companyAckAt: Date | null;
  academicAckAt: Date | null;
}

type Action = 'submit' | 'acknowledgeCompany' | 'acknowledgeAcademic';
type Told = 'student' | 'companyTutor' | 'academicTutor';
type Row = Transition<MidtermStatus, Action, MidtermRecord, 'student' | 'companyTutor' | 'academicTutor' | 'centreWriter', 'acknowledge', Told>;
const tell = (...to: Told[]) => to.map((t) => ({ to: t, template: 'midterm-status' }));

/**
 * The mid-term report ("bilan intermédiaire", issue 14): OPEN (from half of the presence hours: the
 * student fills it) → SUBMITTED (each tutor acknowledges it, with an optional comment, in any
 * order) → ACKNOWLEDGED once both have. It does not count in the grade.
 */
export const MIDTERM_WORKFLOW = defineWorkflow({
  name: 'midterm',
  entity: 'MidtermReport',
  i18n: 'followup.midterm',
  states: Object.values(MidtermStatus),
  tones: { OPEN: 'info', SUBMITTED: 'warning', ACKNOWLEDGED: 'success' },
  parties: {
    student: (actor: Actor | null, r: MidtermRecord) => !!actor?.student && actor.student.profileId === r.studentId,
    companyTutor: (actor, r) => !!actor && r.companyTutorUserId !== null && actor.id === r.companyTutorUserId,
    academicTutor: (actor, r) => !!actor && r.academicTutorId !== null && actor.id === r.academicTutorId,
    centreWriter: (actor, r) => hasCentreRight(actor, r.centreId, 'WRITE'),
  },
  forms: { acknowledge: z.object({ comment: f.optionalText(2000) }) },
  transitions: ([
    { action: 'submit', from: ['OPEN'], to: 'SUBMITTED', by: ['student'], awaits: true, tone: 'primary', tell: tell('companyTutor', 'academicTutor') },
    // Each acknowledgement: the report is ACKNOWLEDGED when the other tutor's is there too.
    { action: 'acknowledgeCompany', from: ['SUBMITTED'], to: 'ACKNOWLEDGED', by: ['companyTutor'], needs: 'acknowledge', when: (r) => r.companyAckAt === null && r.academicAckAt !== null, awaits: true, tell: tell('student') },
    { action: 'acknowledgeCompany', from: ['SUBMITTED'], to: 'same', by: ['companyTutor'], needs: 'acknowledge', when: (r) => r.companyAckAt === null && r.academicAckAt === null, awaits: true, tell: tell('student') },
    // A company tutor without an account (a contact only) cannot sign in: the centre's WRITE staff record
    // the acknowledgement the tutor gave them (by mail or telephone), with its comment; the audit row says who.
    { action: 'acknowledgeCompany', from: ['SUBMITTED'], to: 'ACKNOWLEDGED', by: ['centreWriter'], needs: 'acknowledge', when: (r) => r.companyTutorUserId === null && r.companyAckAt === null && r.academicAckAt !== null, tell: tell('student') },
    { action: 'acknowledgeCompany', from: ['SUBMITTED'], to: 'same', by: ['centreWriter'], needs: 'acknowledge', when: (r) => r.companyTutorUserId === null && r.companyAckAt === null && r.academicAckAt === null, tell: tell('student') },
    { action: 'acknowledgeAcademic', from: ['SUBMITTED'], to: 'ACKNOWLEDGED', by: ['academicTutor'], needs: 'acknowledge', when: (r) => r.academicAckAt === null && r.companyAckAt !== null, awaits: true, tell: tell('student') },
    { action: 'acknowledgeAcademic', from: ['SUBMITTED'], to: 'same', by: ['academicTutor'], needs: 'acknowledge', when: (r) => r.academicAckAt === null && r.companyAckAt === null, awaits: true, tell: tell('student') },
  ] satisfies Row[]) as Row[],
});

export type MidtermAction = (typeof MIDTERM_WORKFLOW)['actions'][number];
