import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/authz/actor.js';
import { SheetStatus } from '../../src/generated/prisma/enums.js';
import { SHEET_WORKFLOW, type SheetParty, type SheetRecord } from '../../src/modules/sheets/sheets.workflow.js';

const record = (status: SheetStatus): SheetRecord => ({ status, studentId: 7, studyYearId: 5, centreId: 2 });

/** Who may do what, written out: a change to the definition that is not also made here fails. */
const EXPECTED: Record<SheetStatus, Record<SheetParty, string[]>> = {
  DRAFT: { student: ['edit', 'submit'], manager: [] },
  SUBMITTED: { student: [], manager: ['validate', 'return'] },
  RETURNED: { student: ['edit', 'submit'], manager: [] },
  VALIDATED: { student: [], manager: [] },
};

const actor = (a: Partial<Actor>): Actor => ({
  id: 100,
  email: 'x@test.example',
  firstName: 'X',
  lastName: 'Y',
  locale: 'fr',
  isPlatformAdmin: false,
  roles: [],
  centres: new Map(),
  companies: [],
  academic: [],
  student: null,
  ...a,
});

describe('the internship sheet workflow', () => {
  it('has the states of the Prisma enum, in its order', () => {
    expect([...SHEET_WORKFLOW.states]).toEqual(Object.values(SheetStatus));
  });

  it('gives each party, in each state, exactly the actions of the table', () => {
    for (const state of SHEET_WORKFLOW.states) {
      for (const party of ['student', 'manager'] as const) {
        expect(SHEET_WORKFLOW.actionsOf(party, record(state)), `${state} × ${party}`).toEqual(EXPECTED[state][party]);
      }
    }
  });

  it('makes the year manager of the student\'s year and WRITE staff of the student\'s centre its managers, not READ staff nor another year\'s', () => {
    const r = record('SUBMITTED');
    expect(SHEET_WORKFLOW.can(actor({ academic: [{ kind: 'YEAR_MANAGER', programmeId: null, studyYearId: 5 }] }), r, 'validate')).toBe(true);
    expect(SHEET_WORKFLOW.can(actor({ academic: [{ kind: 'YEAR_MANAGER', programmeId: null, studyYearId: 6 }] }), r, 'validate')).toBe(false);
    expect(SHEET_WORKFLOW.can(actor({ academic: [{ kind: 'PROGRAMME_MANAGER', programmeId: 1, studyYearId: null }] }), r, 'validate')).toBe(false);
    expect(SHEET_WORKFLOW.can(actor({ centres: new Map([[2, 'WRITE']]) }), r, 'return')).toBe(true);
    expect(SHEET_WORKFLOW.can(actor({ centres: new Map([[2, 'READ']]) }), r, 'return')).toBe(false);
    expect(SHEET_WORKFLOW.can(actor({ isPlatformAdmin: true }), r, 'validate')).toBe(true);
    expect(SHEET_WORKFLOW.can(actor({ student: { profileId: 7, institutionId: 1, programmeId: null, studyYearId: 5 } }), r, 'validate')).toBe(false);
  });

  it('puts a sent sheet in its managers\' to-do lists, a draft or a returned one in the student\'s', () => {
    expect(SHEET_WORKFLOW.awaitingStates('manager')).toEqual(['SUBMITTED']);
    expect(SHEET_WORKFLOW.awaitingStates('student')).toEqual(['DRAFT', 'RETURNED']);
  });
});
