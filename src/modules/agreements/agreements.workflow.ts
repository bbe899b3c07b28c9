import { hasCentreRight } from '../../authz/centres.js';
import type { Actor } from '../../authz/actor.js';
import { AgreementStatus } from '../../generated/prisma/enums.js';
import { defineWorkflow, type Transition } from '../../workflow/engine.js';

/** The centre's settings of the two middle steps (ManagementCentre columns). */
export interface StepSettings {
  pedagogicalStep: boolean;
  administrativeStep: boolean;
  /** false: pedagogical validation, then administrative verification. */
  administrativeFirst: boolean;
}

/** What the workflow needs to know of an agreement to tell who is who and which step comes next. */
export interface AgreementRecord {
  status: AgreementStatus;
  studentId: number;
  centreId: number;
  studyYearId: number | null;
  academicTutorId: number | null;
  pedagogicalAt: Date | null;
  administrativeAt: Date | null;
  /** The managing centre's settings, read with the record. */
  steps: StepSettings;
}

export type StepKey = 'pedagogical' | 'administrative';
const DONE_STATE: Record<StepKey, AgreementStatus> = { pedagogical: 'PEDAGOGICAL_DONE', administrative: 'ADMINISTRATIVE_DONE' };

/** The centre's middle steps, enabled ones only, in its order. */
export function stepChain(s: StepSettings): StepKey[] {
  const order: StepKey[] = s.administrativeFirst ? ['administrative', 'pedagogical'] : ['pedagogical', 'administrative'];
  return order.filter((k) => (k === 'pedagogical' ? s.pedagogicalStep : s.administrativeStep));
}

const isDone = (r: AgreementRecord, k: StepKey) => (k === 'pedagogical' ? r.pedagogicalAt : r.administrativeAt) !== null;

/** The step the agreement waits for (the centre's order enforced here), or null when every enabled step is done. */
export function nextStep(r: AgreementRecord): StepKey | null {
  return stepChain(r.steps).find((k) => !isDone(r, k)) ?? null;
}

/** The last step done (by date), whose state the agreement returns to when its validation is undone. */
export function lastDone(r: AgreementRecord): StepKey | null {
  const p = r.pedagogicalAt?.getTime() ?? -Infinity;
  const a = r.administrativeAt?.getTime() ?? -Infinity;
  if (p === -Infinity && a === -Infinity) return null;
  return p >= a ? 'pedagogical' : 'administrative';
}

const IN_REVIEW: AgreementStatus[] = ['SUBMITTED', 'PEDAGOGICAL_DONE', 'ADMINISTRATIVE_DONE'];
const BEFORE_VALIDATED: AgreementStatus[] = ['DRAFT', ...IN_REVIEW];

type Told = 'student' | 'academicTutor' | 'companyTutor';
const tell = (...to: Told[]) => to.map((t) => ({ to: t, template: 'agreement-status' }));

type Action = 'submit' | 'validatePedagogical' | 'unvalidatePedagogical' | 'verifyAdministrative' | 'unverifyAdministrative' | 'validate' | 'unvalidate' | 'edit' | 'delete';
type Row = Transition<AgreementStatus, Action, AgreementRecord, 'student' | 'academicTutor' | 'yearManager' | 'centreWriter', never, Told>;

/**
 * The undo of a step: back to the state of the other step when that one is done, else SUBMITTED.
 * Only from the step's own state, so only while the next step (or the validation) is not done.
 */
function undoRows(action: Action, step: StepKey, by: Row['by']): Row[] {
  const other: StepKey = step === 'pedagogical' ? 'administrative' : 'pedagogical';
  const told = step === 'pedagogical' ? tell('student', 'academicTutor') : tell('student');
  return [
    { action, from: [DONE_STATE[step]], to: DONE_STATE[other], by, when: (r) => isDone(r, other), tone: 'danger', tell: told },
    { action, from: [DONE_STATE[step]], to: 'SUBMITTED', by, when: (r) => !isDone(r, other), tone: 'danger', tell: told },
  ];
}

/**
 * DRAFT → SUBMITTED → the centre's middle steps in its order (pedagogical validation by the academic
 * tutor or the year manager of the student's year; administrative verification by WRITE staff of the
 * managing centre; each enabled or not) → VALIDATED (WRITE staff). The state is the last step done.
 * A step can be undone only from its own state, i.e. while the next one is not done; VALIDATED is
 * undone ("annuler la validation") back to the last step done. The next issue inserts its signature
 * phase by adding states and rows here: `validate` then leaves from the signed state.
 * `edit` (a page of its own) and `delete` are rows too, so that who may is said in one place:
 * the student edits until the first validation step, staff until VALIDATED; only the managing
 * centre's WRITE staff delete, never a VALIDATED agreement.
 */
export const AGREEMENT_WORKFLOW = defineWorkflow({
  name: 'agreement',
  entity: 'Agreement',
  i18n: 'agreements',
  states: Object.values(AgreementStatus),
  tones: { DRAFT: 'neutral', SUBMITTED: 'info', PEDAGOGICAL_DONE: 'warning', ADMINISTRATIVE_DONE: 'warning', VALIDATED: 'success' },
  icons: { submit: 'publish', validatePedagogical: 'validate', verifyAdministrative: 'validate', validate: 'validate', edit: 'edit', delete: 'delete', unvalidate: 'withdraw', unvalidatePedagogical: 'withdraw', unverifyAdministrative: 'withdraw' },
  parties: {
    student: (actor: Actor | null, r: AgreementRecord) => !!actor?.student && actor.student.profileId === r.studentId,
    academicTutor: (actor, r) => !!actor && r.academicTutorId !== null && actor.id === r.academicTutorId,
    yearManager: (actor, r) => !!actor && r.studyYearId !== null && actor.academic.some((a) => a.kind === 'YEAR_MANAGER' && a.studyYearId === r.studyYearId),
    centreWriter: (actor, r) => hasCentreRight(actor, r.centreId, 'WRITE'),
  },
  transitions: ([
    { action: 'submit', from: ['DRAFT'], to: 'SUBMITTED', by: ['student', 'centreWriter'], tone: 'primary', awaits: true, tell: tell('student', 'academicTutor') },
    {
      action: 'validatePedagogical',
      from: ['SUBMITTED', 'ADMINISTRATIVE_DONE'],
      to: 'PEDAGOGICAL_DONE',
      by: ['academicTutor', 'yearManager'],
      when: (r) => nextStep(r) === 'pedagogical',
      awaits: true,
      tone: 'primary',
      tell: tell('student', 'academicTutor'),
    },
    ...undoRows('unvalidatePedagogical', 'pedagogical', ['academicTutor', 'yearManager']),
    {
      action: 'verifyAdministrative',
      from: ['SUBMITTED', 'PEDAGOGICAL_DONE'],
      to: 'ADMINISTRATIVE_DONE',
      by: ['centreWriter'],
      when: (r) => nextStep(r) === 'administrative',
      awaits: true,
      tone: 'primary',
      tell: tell('student'),
    },
    ...undoRows('unverifyAdministrative', 'administrative', ['centreWriter']),
    { action: 'validate', from: IN_REVIEW, to: 'VALIDATED', by: ['centreWriter'], when: (r) => nextStep(r) === null, awaits: true, tone: 'primary', tell: tell('student', 'academicTutor', 'companyTutor') },
    { action: 'unvalidate', from: ['VALIDATED'], to: 'PEDAGOGICAL_DONE', by: ['centreWriter'], when: (r) => lastDone(r) === 'pedagogical', tone: 'danger', tell: tell('student', 'academicTutor', 'companyTutor') },
    { action: 'unvalidate', from: ['VALIDATED'], to: 'ADMINISTRATIVE_DONE', by: ['centreWriter'], when: (r) => lastDone(r) === 'administrative', tone: 'danger', tell: tell('student', 'academicTutor', 'companyTutor') },
    { action: 'unvalidate', from: ['VALIDATED'], to: 'SUBMITTED', by: ['centreWriter'], when: (r) => lastDone(r) === null, tone: 'danger', tell: tell('student', 'academicTutor', 'companyTutor') },
    { action: 'edit', from: ['DRAFT', 'SUBMITTED'], to: 'same', by: ['student'], page: true },
    { action: 'edit', from: BEFORE_VALIDATED, to: 'same', by: ['centreWriter'], page: true },
    { action: 'delete', from: BEFORE_VALIDATED, to: 'same', by: ['centreWriter'], tone: 'danger' },
  ] satisfies Row[]) as Row[],
  groups: {
    /** Sent, not yet validated: somebody of the school has something to do. */
    inReview: IN_REVIEW,
    beforeValidated: BEFORE_VALIDATED,
  },
});

export type AgreementAction = (typeof AGREEMENT_WORKFLOW)['actions'][number];
export type AgreementParty = keyof (typeof AGREEMENT_WORKFLOW)['def']['parties'];

/** The step actions and the columns they date and sign. */
export const STEP_COLUMNS = {
  submit: { at: 'submittedAt', by: 'submittedById', set: true },
  validatePedagogical: { at: 'pedagogicalAt', by: 'pedagogicalById', set: true },
  unvalidatePedagogical: { at: 'pedagogicalAt', by: 'pedagogicalById', set: false },
  verifyAdministrative: { at: 'administrativeAt', by: 'administrativeById', set: true },
  unverifyAdministrative: { at: 'administrativeAt', by: 'administrativeById', set: false },
  validate: { at: 'validatedAt', by: 'validatedById', set: true },
  unvalidate: { at: 'validatedAt', by: 'validatedById', set: false },
} as const satisfies Partial<Record<Action, { at: string; by: string; set: boolean }>>;
