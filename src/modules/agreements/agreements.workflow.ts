import { hasCentreRight } from '../../authz/centres.js';
import type { Actor } from '../../authz/actor.js';
import { AgreementStatus, type SignatureParty } from '../../generated/prisma/enums.js';
import { defineWorkflow, type Transition } from '../../workflow/engine.js';

/** The centre's settings of the two middle steps (ManagementCentre columns). */
export interface StepSettings {
  pedagogicalStep: boolean;
  administrativeStep: boolean;
  /** false: pedagogical validation, then administrative verification. */
  administrativeFirst: boolean;
  /** Who signs (issue 13); none: no signature phase, the centre validates after the steps. */
  signatureParties: SignatureParty[];
  /** The last signature validates the agreement by itself. */
  signatureAutoValidate: boolean;
}

/** The centre's columns a record's `steps` are read from (every query that builds a record selects these). */
export const STEP_SETTINGS_SELECT = { pedagogicalStep: true, administrativeStep: true, administrativeFirst: true, signatureParties: true, signatureAutoValidate: true } as const;

/** What the workflow needs to know of an agreement to tell who is who and which step comes next. */
export interface AgreementRecord {
  status: AgreementStatus;
  studentId: number;
  centreId: number;
  studyYearId: number | null;
  academicTutorId: number | null;
  pedagogicalAt: Date | null;
  administrativeAt: Date | null;
  /** When the last signature came in (null: not signed, or signatures voided). */
  signedAt: Date | null;
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
const IN_SIGNATURE: AgreementStatus[] = ['SIGNING', 'SIGNED'];
const BEFORE_VALIDATED: AgreementStatus[] = ['DRAFT', ...IN_REVIEW, ...IN_SIGNATURE];
/** The steps are done: next comes the signature phase when the centre has signers, else the validation. */
const reviewed = (r: AgreementRecord) => nextStep(r) === null;
const signs = (r: AgreementRecord) => r.steps.signatureParties.length > 0;

type Told = 'student' | 'academicTutor' | 'companyTutor';
const tell = (...to: Told[]) => to.map((t) => ({ to: t, template: 'agreement-status' }));

type Action =
  | 'submit' | 'validatePedagogical' | 'unvalidatePedagogical' | 'verifyAdministrative' | 'unverifyAdministrative'
  | 'openSignatures' | 'cancelSignatures' | 'completeSignatures' | 'reopenReview' | 'validate' | 'unvalidate' | 'edit' | 'delete';
type Row = Transition<AgreementStatus, Action, AgreementRecord, 'student' | 'academicTutor' | 'yearManager' | 'centreWriter' | 'system', never, Told>;

/** Where the agreement goes back when its signature phase ends without validation: the last step done, else SUBMITTED. */
function backToReview(action: Action, from: AgreementStatus[], by: Row['by'], extra: Partial<Row> = {}): Row[] {
  return [
    { action, from, to: 'PEDAGOGICAL_DONE', by, when: (r) => lastDone(r) === 'pedagogical', ...extra },
    { action, from, to: 'ADMINISTRATIVE_DONE', by, when: (r) => lastDone(r) === 'administrative', ...extra },
    { action, from, to: 'SUBMITTED', by, when: (r) => lastDone(r) === null, ...extra },
  ];
}

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
  tones: { DRAFT: 'neutral', SUBMITTED: 'info', PEDAGOGICAL_DONE: 'warning', ADMINISTRATIVE_DONE: 'warning', SIGNING: 'info', SIGNED: 'warning', VALIDATED: 'success' },
  icons: { submit: 'publish', validatePedagogical: 'validate', verifyAdministrative: 'validate', openSignatures: 'publish', validate: 'validate', edit: 'edit', delete: 'delete', unvalidate: 'withdraw', unvalidatePedagogical: 'withdraw', unverifyAdministrative: 'withdraw', cancelSignatures: 'withdraw' },
  parties: {
    student: (actor: Actor | null, r: AgreementRecord) => !!actor?.student && actor.student.profileId === r.studentId,
    academicTutor: (actor, r) => !!actor && r.academicTutorId !== null && actor.id === r.academicTutorId,
    yearManager: (actor, r) => !!actor && r.studyYearId !== null && actor.academic.some((a) => a.kind === 'YEAR_MANAGER' && a.studyYearId === r.studyYearId),
    centreWriter: (actor, r) => hasCentreRight(actor, r.centreId, 'WRITE'),
    /** The platform itself (the last signature, a change of content during the signature phase). */
    system: (actor) => actor === null,
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
    // The signature phase (issue 13): opened by the centre once the steps are done; the signers are
    // invited by the signatures module (src/modules/signatures); the last signature completes it.
    { action: 'openSignatures', from: IN_REVIEW, to: 'SIGNING', by: ['centreWriter'], when: (r) => reviewed(r) && signs(r), awaits: true, tone: 'primary', tell: tell('student') },
    ...backToReview('cancelSignatures', ['SIGNING', 'SIGNED'], ['centreWriter'], { tone: 'danger', tell: tell('student', 'academicTutor', 'companyTutor') }),
    { action: 'completeSignatures', from: ['SIGNING'], to: 'SIGNED', by: ['system'], when: (r) => !r.steps.signatureAutoValidate, automatic: true, tell: tell('student') },
    { action: 'completeSignatures', from: ['SIGNING'], to: 'VALIDATED', by: ['system'], when: (r) => r.steps.signatureAutoValidate, automatic: true, tell: tell('student', 'academicTutor', 'companyTutor') },
    // A change of the printed content during the phase: back to the administrative step (its signatures voided).
    ...backToReview('reopenReview', ['SIGNING', 'SIGNED'], ['system'], { automatic: true, tell: tell('student') }),
    { action: 'validate', from: IN_REVIEW, to: 'VALIDATED', by: ['centreWriter'], when: (r) => reviewed(r) && !signs(r), awaits: true, tone: 'primary', tell: tell('student', 'academicTutor', 'companyTutor') },
    { action: 'validate', from: ['SIGNED'], to: 'VALIDATED', by: ['centreWriter'], awaits: true, tone: 'primary', tell: tell('student', 'academicTutor', 'companyTutor') },
    // "Annuler la validation": back to the signed state when it was signed, else to the last step done.
    { action: 'unvalidate', from: ['VALIDATED'], to: 'SIGNED', by: ['centreWriter'], when: (r) => r.signedAt !== null, tone: 'danger', tell: tell('student', 'academicTutor', 'companyTutor') },
    ...backToReview('unvalidate', ['VALIDATED'], ['centreWriter'], { tone: 'danger', tell: tell('student', 'academicTutor', 'companyTutor') }).map((row) => ({ ...row, when: (r: AgreementRecord) => r.signedAt === null && row.when!(r) })),
    { action: 'edit', from: ['DRAFT', 'SUBMITTED'], to: 'same', by: ['student'], page: true },
    { action: 'edit', from: BEFORE_VALIDATED, to: 'same', by: ['centreWriter'], page: true },
    { action: 'delete', from: BEFORE_VALIDATED, to: 'same', by: ['centreWriter'], tone: 'danger' },
  ] satisfies Row[]) as Row[],
  groups: {
    /** Sent, not yet validated: somebody of the school has something to do. */
    inReview: IN_REVIEW,
    inSignature: IN_SIGNATURE,
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
