import { hasCentreRight } from '../../authz/centres.js';
import type { Actor } from '../../authz/actor.js';
import { AmendmentStatus, type SignatureParty } from '../../generated/prisma/enums.js';
import { defineWorkflow, type Transition } from '../../workflow/engine.js';

/** What the workflow needs to know of an amendment and its agreement's centre. */
export interface AmendmentRecord {
  status: AmendmentStatus;
  studentId: number;
  centreId: number;
  /** The centre lets its students draft an amendment of their own agreement. */
  studentsMayAmend: boolean;
  /** Who signs (the centre's agreement setting); none: the centre validates the draft directly. */
  signatureParties: SignatureParty[];
  signatureAutoValidate: boolean;
}

type Action = 'edit' | 'delete' | 'openSignatures' | 'cancelSignatures' | 'completeSignatures' | 'validate';
type Told = 'student' | 'academicTutor' | 'companyTutor';
type Row = Transition<AmendmentStatus, Action, AmendmentRecord, 'student' | 'centreWriter' | 'system', never, Told>;
const tell = (...to: Told[]) => to.map((t) => ({ to: t, template: 'amendment-status' }));
const signs = (r: AmendmentRecord) => r.signatureParties.length > 0;
const ALL: Told[] = ['student', 'academicTutor', 'companyTutor'];

/**
 * An amendment ("avenant") of a validated agreement (issue 13): DRAFT (WRITE staff of the managing
 * centre, or the student when the centre allows it, write and correct it) → the signature phase
 * with the agreement's signatories (SIGNING → SIGNED; src/modules/signatures) → VALIDATED, when its
 * values become the agreement's. A centre without signatories validates the draft directly; the
 * centre's auto-validation setting validates it with the last signature. VALIDATED is final: no
 * edit, no deletion, no undo (a further change is a further amendment).
 */
export const AMENDMENT_WORKFLOW = defineWorkflow({
  name: 'amendment',
  entity: 'AgreementAmendment',
  i18n: 'amendments',
  states: Object.values(AmendmentStatus),
  tones: { DRAFT: 'neutral', SIGNING: 'info', SIGNED: 'warning', VALIDATED: 'success' },
  icons: { edit: 'edit', delete: 'delete', openSignatures: 'publish', cancelSignatures: 'withdraw', validate: 'validate' },
  parties: {
    student: (actor: Actor | null, r: AmendmentRecord) => !!actor?.student && actor.student.profileId === r.studentId && r.studentsMayAmend,
    centreWriter: (actor, r) => hasCentreRight(actor, r.centreId, 'WRITE'),
    system: (actor) => actor === null,
  },
  transitions: ([
    { action: 'edit', from: ['DRAFT'], to: 'same', by: ['student', 'centreWriter'], page: true },
    { action: 'delete', from: ['DRAFT'], to: 'same', by: ['student', 'centreWriter'], tone: 'danger' },
    { action: 'openSignatures', from: ['DRAFT'], to: 'SIGNING', by: ['centreWriter'], when: signs, awaits: true, tone: 'primary', tell: tell('student') },
    { action: 'cancelSignatures', from: ['SIGNING', 'SIGNED'], to: 'DRAFT', by: ['centreWriter'], tone: 'danger', tell: tell('student') },
    { action: 'completeSignatures', from: ['SIGNING'], to: 'SIGNED', by: ['system'], when: (r) => !r.signatureAutoValidate, automatic: true, tell: tell('student') },
    { action: 'completeSignatures', from: ['SIGNING'], to: 'VALIDATED', by: ['system'], when: (r) => r.signatureAutoValidate, automatic: true, tell: tell(...ALL) },
    { action: 'validate', from: ['DRAFT'], to: 'VALIDATED', by: ['centreWriter'], when: (r) => !signs(r), awaits: true, tone: 'primary', tell: tell(...ALL) },
    { action: 'validate', from: ['SIGNED'], to: 'VALIDATED', by: ['centreWriter'], awaits: true, tone: 'primary', tell: tell(...ALL) },
  ] satisfies Row[]) as Row[],
  groups: {
    /** Not yet validated: another amendment waits for this one. */
    open: ['DRAFT', 'SIGNING', 'SIGNED'],
  },
});

export type AmendmentAction = (typeof AMENDMENT_WORKFLOW)['actions'][number];
