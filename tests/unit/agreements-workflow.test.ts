import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/authz/actor.js';
import { AgreementStatus } from '../../src/generated/prisma/enums.js';
import { AGREEMENT_WORKFLOW, lastDone, nextStep, stepChain, type AgreementParty, type AgreementRecord, type StepSettings } from '../../src/modules/agreements/agreements.workflow.js';

const DEFAULT: StepSettings = { pedagogicalStep: true, administrativeStep: true, administrativeFirst: false };
const P = new Date('2026-02-01T10:00:00Z');
const A = new Date('2026-02-02T10:00:00Z');

/** A record in `status` as the default order leaves it (the step dates agree with the state). */
const record = (status: AgreementStatus, steps: StepSettings = DEFAULT): AgreementRecord => {
  const dates: Record<AgreementStatus, [Date | null, Date | null]> = {
    DRAFT: [null, null],
    SUBMITTED: [null, null],
    PEDAGOGICAL_DONE: [P, null],
    ADMINISTRATIVE_DONE: [P, A],
    VALIDATED: [P, A],
  };
  const [pedagogicalAt, administrativeAt] = dates[status];
  return { status, studentId: 7, centreId: 2, studyYearId: 5, academicTutorId: 30, pedagogicalAt, administrativeAt, steps };
};

/** Who may do what in the default order, written out: a change to the definition not also made here fails. */
const EXPECTED: Record<AgreementStatus, Record<AgreementParty, string[]>> = {
  DRAFT: { student: ['submit', 'edit'], academicTutor: [], yearManager: [], centreWriter: ['submit', 'edit', 'delete'] },
  SUBMITTED: { student: ['edit'], academicTutor: ['validatePedagogical'], yearManager: ['validatePedagogical'], centreWriter: ['edit', 'delete'] },
  PEDAGOGICAL_DONE: { student: [], academicTutor: ['unvalidatePedagogical'], yearManager: ['unvalidatePedagogical'], centreWriter: ['verifyAdministrative', 'edit', 'delete'] },
  ADMINISTRATIVE_DONE: { student: [], academicTutor: [], yearManager: [], centreWriter: ['unverifyAdministrative', 'validate', 'edit', 'delete'] },
  VALIDATED: { student: [], academicTutor: [], yearManager: [], centreWriter: ['unvalidate'] },
};

const actor = (a: Partial<Actor>): Actor => ({ id: 100, email: 'x@test.example', firstName: 'X', lastName: 'Y', locale: 'fr', isPlatformAdmin: false, roles: [], centres: new Map(), companies: [], academic: [], student: null, ...a });

describe('the agreement workflow', () => {
  it('has the states of the Prisma enum, in its order', () => {
    expect([...AGREEMENT_WORKFLOW.states]).toEqual(Object.values(AgreementStatus));
  });

  it('gives each party, in each state, exactly the actions of the table (default order)', () => {
    for (const state of AGREEMENT_WORKFLOW.states) {
      for (const party of ['student', 'academicTutor', 'yearManager', 'centreWriter'] as const) {
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
    const none = record('SUBMITTED', { ...DEFAULT, pedagogicalStep: false, administrativeStep: false });
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
});
