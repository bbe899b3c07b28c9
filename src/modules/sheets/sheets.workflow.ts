import { z } from 'zod';
import { hasCentreRight } from '../../authz/centres.js';
import type { Actor } from '../../authz/actor.js';
import { SheetStatus } from '../../generated/prisma/enums.js';
import { f } from '../../http/validate.js';
import { defineWorkflow } from '../../workflow/engine.js';

/** What the workflow needs to know of a sheet to tell who is who towards it. */
export interface SheetRecord {
  status: SheetStatus;
  studentId: number;
  /** The student's study year and the centre that manages it (null: the student has none). */
  studyYearId: number | null;
  centreId: number | null;
}

/** The comment of a sheet sent back to its student (required: it says what to correct). */
export const returnSchema = z.object({ comment: f.text(2000) });

/** Is the actor a year manager of this study year? */
export function managesYear(actor: Actor | null, studyYearId: number | null): boolean {
  return !!actor && studyYearId !== null && actor.academic.some((r) => r.kind === 'YEAR_MANAGER' && r.studyYearId === studyYearId);
}

/**
 * DRAFT ("Fiche en cours de remplissage": saved without sending, as often as wanted) → SUBMITTED
 * (the student: "Sauvegarder et envoyer pour validation", every required field and the legal
 * engine's blocking checks passed) → RETURNED (with a comment, mailed to the student, who corrects
 * and sends again) | VALIDATED (creates the agreement, the new organisation, the student's data:
 * SheetService.validate). The manager is the year manager of the student's study year or WRITE
 * staff of the student's centre (the platform administrator holds every right); READ staff see
 * the sheet without acting. The student edits in DRAFT and RETURNED only.
 */
export const SHEET_WORKFLOW = defineWorkflow({
  name: 'sheet',
  entity: 'InternshipSheet',
  i18n: 'sheets',
  states: Object.values(SheetStatus),
  tones: { DRAFT: 'neutral', SUBMITTED: 'info', RETURNED: 'warning', VALIDATED: 'success' },
  icons: { validate: 'validate' },
  parties: {
    student: (actor: Actor | null, s: SheetRecord) => !!actor?.student && actor.student.profileId === s.studentId,
    manager: (actor, s) => managesYear(actor, s.studyYearId) || hasCentreRight(actor, s.centreId, 'WRITE'),
  },
  forms: { comment: returnSchema },
  transitions: [
    // The form's two buttons: saving keeps the state, sending moves it (both on the sheet's form page).
    { action: 'edit', from: ['DRAFT', 'RETURNED'], to: 'same', by: ['student'], page: true, awaits: true },
    { action: 'submit', from: ['DRAFT', 'RETURNED'], to: 'SUBMITTED', by: ['student'], page: true, tone: 'primary', tell: [{ to: 'managers', template: 'sheet-submitted' }] },
    { action: 'validate', from: ['SUBMITTED'], to: 'VALIDATED', by: ['manager'], awaits: true, tone: 'primary', tell: [{ to: 'student', template: 'sheet-validated' }] },
    { action: 'return', from: ['SUBMITTED'], to: 'RETURNED', by: ['manager'], needs: 'comment', awaits: true, tell: [{ to: 'student', template: 'sheet-returned' }] },
  ],
  groups: {
    /** The student may still change it. */
    editable: ['DRAFT', 'RETURNED'],
  },
});

export type SheetAction = (typeof SHEET_WORKFLOW)['actions'][number];
export type SheetParty = keyof (typeof SHEET_WORKFLOW)['def']['parties'];
