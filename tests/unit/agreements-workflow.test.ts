import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/authz/actor.js';
import { AgreementStatus } from '../../src/generated/prisma/enums.js';
import { AGREEMENT_WORKFLOW, lastDone, nextStep, stepChain, type AgreementParty, type AgreementRecord, type StepSettings } from '../../src/modules/agreements/agreements.workflow.js';

const ALL_SIGN = ['STUDENT', 'HOST_SIGNATORY', 'COMPANY_TUTOR', 'ACADEMIC_TUTOR', 'INSTITUTION'] as const;
const DEFAULT: StepSettings = { pedagogicalStep: true, administrativeStep: true, administrativeFirst: false, signatureParties: [...ALL_SIGN], signatureAutoValidate: false };
const S = new Date('2026-02-05T10:00:00Z');
const P = new Date('2026-02-01T10:00:00Z');
const A = new Date('2026-02-02T10:00:00Z');

/** A record in `status` as the default order leaves it (the step dates agree with the state). */
const record = (status: AgreementStatus, steps: StepSettings = DEFAULT): AgreementRecord => {
  const dates: Record<AgreementStatus, [Date | null, Date | null]> = {
    DRAFT: [null, null],
    SUBMITTED: [null, null],
    PEDAGOGICAL_DONE: [P, null],
    ADMINISTRATIVE_DONE: [P, A],
    SIGNING: [P, A],
    SIGNED: [P, A],
    VALIDATED: [P, A],
  };
  const [pedagogicalAt, administrativeAt] = dates[status];
  const signedAt = status === 'SIGNED' || status === 'VALIDATED' ? S : null;
  return { status, studentId: 7, centreId: 2, studyYearId: 5, academicTutorId: 30, pedagogicalAt, administrativeAt, signedAt, steps };
};

/**
 * Who may do what in the default order with the default signers, written out: a change to the
 * definition not also made here fails. The platform's own moves (the last signature, a change of
 * content while signing) are automatic: never a button, so no party's list.
 */
const EXPECTED: Record<AgreementStatus, Record<AgreementParty, string[]>> = {
  DRAFT: { student: ['submit', 'edit'], academicTutor: [], yearManager: [], centreWriter: ['submit', 'edit', 'delete'], system: [] },
  SUBMITTED: { student: ['edit'], academicTutor: ['validatePedagogical'], yearManager: ['validatePedagogical'], centreWriter: ['edit', 'delete'], system: [] },
  PEDAGOGICAL_DONE: { student: [], academicTutor: ['unvalidatePedagogical'], yearManager: ['unvalidatePedagogical'], centreWriter: ['verifyAdministrative', 'edit', 'delete'], system: [] },
  ADMINISTRATIVE_DONE: { student: [], academicTutor: [], yearManager: [], centreWriter: ['unverifyAdministrative', 'openSignatures', 'edit', 'delete'], system: [] },
  SIGNING: { student: [], academicTutor: [], yearManager: [], centreWriter: ['cancelSignatures', 'edit', 'delete'], system: [] },
  SIGNED: { student: [], academicTutor: [], yearManager: [], centreWriter: ['cancelSignatures', 'validate', 'edit', 'delete'], system: [] },
  VALIDATED: { student: [], academicTutor: [], yearManager: [], centreWriter: ['unvalidate'], system: [] },
};

const actor = (a: Partial<Actor>): Actor => ({ id: 100, email: 'x@test.example', firstName: 'X', lastName: 'Y', locale: 'fr', isPlatformAdmin: false, roles: [], centres: new Map(), companies: [], academic: [], student: null, ...a });

describe('the agreement workflow', () => {
  it('has the states of the Prisma enum, in its order', () => {
    expect([...AGREEMENT_WORKFLOW.states]).toEqual(Object.values(AgreementStatus));
  });

  it('gives each party, in each state, exactly the actions of the table (default order)', () => {
    for (const state of AGREEMENT_WORKFLOW.states) {
      for (const party of ['student', 'academicTutor', 'yearManager', 'centreWriter', 'system'] as const) {
        expect(AGREEMENT_WORKFLOW.actionsOf(party, record(state)), `${state} × ${party}`).toEqual(EXPECTED[state][party]);
      }
    }
  });

  it('orders and skips the middle steps as the centre says', () => {
    expect(stepChain(DEFAULT)).toEqual(['pedagogical', 'administrative']);
    expect(stepChain({ ...DEFAULT, administrativeFirst: true })).toEqual(['administrative', 'pedagogical']);
    expect(stepChain({ ...DEFAULT, pedagogicalStep: false })).toEqual(['administrative']);
    const adminFirst = { ...DEFAULT, administrativeFirst: true };
    const submitted = record('SUBMITTED', adminFirst);
    expect(nextStep(submitted)).toBe('administrative');
    expect(AGREEMENT_WORKFLOW.actionsOf('academicTutor', submitted)).toEqual([]);
    expect(AGREEMENT_WORKFLOW.actionsOf('centreWriter', submitted)).toEqual(['verifyAdministrative', 'edit', 'delete']);
    const checked: AgreementRecord = { ...submitted, status: 'ADMINISTRATIVE_DONE', administrativeAt: A };
    expect(AGREEMENT_WORKFLOW.actionsOf('yearManager', checked)).toEqual(['validatePedagogical']);
    // No step: straight from SUBMITTED to VALIDATED, and back.
    const none = record('SUBMITTED', { ...DEFAULT, pedagogicalStep: false, administrativeStep: false, signatureParties: [] });
    expect(AGREEMENT_WORKFLOW.actionsOf('centreWriter', none)).toEqual(['validate', 'edit', 'delete']);
    const validated = { ...none, status: 'VALIDATED' as const };
    expect(lastDone(validated)).toBeNull();
    expect(AGREEMENT_WORKFLOW.target(AGREEMENT_WORKFLOW.require(actor({ isPlatformAdmin: true }), validated, 'unvalidate'), validated)).toBe('SUBMITTED');
  });

  it('tells who is who: the student, the agreement\'s academic tutor, the year manager of its year, WRITE staff of its centre', () => {
    const r = record('SUBMITTED');
    const parties = AGREEMENT_WORKFLOW.def.parties;
    expect(parties.student(actor({ student: { profileId: 7, institutionId: 1, programmeId: null, studyYearId: 5 } }), r)).toBe(true);
    expect(parties.academicTutor(actor({ id: 30 }), r)).toBe(true);
    expect(parties.academicTutor(actor({ id: 31, academic: [{ kind: 'ACADEMIC_TUTOR', programmeId: 1, studyYearId: null }] }), r)).toBe(false);
    expect(parties.yearManager(actor({ academic: [{ kind: 'YEAR_MANAGER', programmeId: null, studyYearId: 5 }] }), r)).toBe(true);
    expect(parties.yearManager(actor({ academic: [{ kind: 'PROGRAMME_MANAGER', programmeId: null, studyYearId: 5 }] }), r)).toBe(false);
    expect(parties.centreWriter(actor({ centres: new Map([[2, 'WRITE']]) }), r)).toBe(true);
    expect(parties.centreWriter(actor({ centres: new Map([[2, 'READ']]) }), r)).toBe(false);
  });

  it('runs the signature phase between the steps and the validation, and validates by itself when the centre says so', () => {
    const admin = actor({ isPlatformAdmin: true });
    const to = (r: AgreementRecord, action: Parameters<typeof AGREEMENT_WORKFLOW.require>[2], who: Actor | null = admin) => AGREEMENT_WORKFLOW.target(AGREEMENT_WORKFLOW.require(who, r, action), r);
    expect(to(record('ADMINISTRATIVE_DONE'), 'openSignatures')).toBe('SIGNING');
    // No direct validation while the centre has signers; without signers, no signature phase.
    expect(AGREEMENT_WORKFLOW.can(admin, record('ADMINISTRATIVE_DONE'), 'validate')).toBe(false);
    expect(AGREEMENT_WORKFLOW.can(admin, record('ADMINISTRATIVE_DONE', { ...DEFAULT, signatureParties: [] }), 'openSignatures')).toBe(false);
    // The last signature: SIGNED, or VALIDATED when the centre validates automatically; only the platform does it.
    expect(to(record('SIGNING'), 'completeSignatures', null)).toBe('SIGNED');
    expect(to(record('SIGNING', { ...DEFAULT, signatureAutoValidate: true }), 'completeSignatures', null)).toBe('VALIDATED');
    expect(AGREEMENT_WORKFLOW.can(admin, record('SIGNING'), 'completeSignatures')).toBe(false);
    // A change of content while signing, or a cancelled phase: back to the last step done.
    expect(to(record('SIGNING'), 'reopenReview', null)).toBe('ADMINISTRATIVE_DONE');
    expect(to({ ...record('SIGNED'), administrativeAt: null }, 'cancelSignatures')).toBe('PEDAGOGICAL_DONE');
    // Un-validating a signed agreement keeps its signatures: back to SIGNED.
    expect(to(record('VALIDATED'), 'unvalidate')).toBe('SIGNED');
    expect(to({ ...record('VALIDATED'), signedAt: null }, 'unvalidate')).toBe('ADMINISTRATIVE_DONE');
  });
});
