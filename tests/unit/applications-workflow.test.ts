import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/authz/actor.js';
import { ApplicationStatus } from '../../src/generated/prisma/enums.js';
import { APPLICATION_WORKFLOW, partyOf, statusChoices, type ApplicationParty, type ApplicationRecord } from '../../src/modules/applications/applications.workflow.js';

const record = (status: ApplicationStatus): ApplicationRecord => ({ status, studentId: 7, organisationId: 3, offerAuthorId: 21, studyYearId: 5, centreId: 2 });

/** Who may do what, written out: a change to the definition that is not also made here fails. */
const EXPECTED: Record<ApplicationStatus, Record<ApplicationParty, string[]>> = {
  SENT: { student: ['cancel'], company: ['read', 'interview', 'accept', 'cancel'], school: ['cancel'] },
  READ: { student: ['cancel'], company: ['interview', 'accept', 'cancel'], school: ['cancel'] },
  INTERVIEW: { student: ['cancel'], company: ['accept', 'cancel'], school: ['cancel'] },
  ACCEPTED: { student: [], company: [], school: [] },
  CANCELLED: { student: [], company: [], school: [] },
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

describe('the application workflow', () => {
  it('has the states of the Prisma enum, in its order', () => {
    expect([...APPLICATION_WORKFLOW.states]).toEqual(Object.values(ApplicationStatus));
  });

  it('gives each party, in each state, exactly the actions of the table', () => {
    for (const state of APPLICATION_WORKFLOW.states) {
      for (const party of ['student', 'company', 'school'] as const) {
        expect(APPLICATION_WORKFLOW.actionsOf(party, record(state)), `${state} × ${party}`).toEqual(EXPECTED[state][party]);
      }
    }
  });

  it('reads on the company\'s explicit action only (a button, never the opening of the page)', () => {
    const admin = actor({ companies: [{ organisationId: 3, role: 'ADMIN', canPublishOffers: true }] });
    expect(APPLICATION_WORKFLOW.can(admin, record('SENT'), 'read')).toBe(true);
    expect(APPLICATION_WORKFLOW.can(admin, record('READ'), 'read')).toBe(false);
    expect(APPLICATION_WORKFLOW.availableActions(admin, record('SENT')).map((a) => a.action)).toContain('read');
    expect(statusChoices(admin, record('SENT'))).toContain('READ');
  });

  it('tells who is who: the student, the company administrator or the offer\'s author, WRITE staff of the centre', () => {
    const r = record('SENT');
    expect(partyOf(actor({ student: { profileId: 7, institutionId: 1, programmeId: null, studyYearId: 5 } }), r)).toBe('student');
    expect(partyOf(actor({ companies: [{ organisationId: 3, role: 'ADMIN', canPublishOffers: true }] }), r)).toBe('company');
    expect(partyOf(actor({ id: 21, companies: [{ organisationId: 3, role: 'CONTACT', canPublishOffers: true }] }), r)).toBe('company');
    expect(partyOf(actor({ companies: [{ organisationId: 3, role: 'CONTACT', canPublishOffers: true }] }), r)).toBeNull();
    expect(partyOf(actor({ centres: new Map([[2, 'WRITE']]) }), r)).toBe('school');
    expect(partyOf(actor({ isPlatformAdmin: true }), r)).toBe('school');
    // READ staff and year managers follow the application but are no party.
    expect(partyOf(actor({ centres: new Map([[2, 'READ']]) }), r)).toBeNull();
    expect(partyOf(actor({ academic: [{ kind: 'YEAR_MANAGER', programmeId: null, studyYearId: 5 }] }), r)).toBeNull();
    expect(partyOf(actor({ centres: new Map([[9, 'ADMIN']]) }), r)).toBeNull();
  });

  it('puts every open application in the company\'s to-do list, and in nobody else\'s', () => {
    expect(APPLICATION_WORKFLOW.awaitingStates('company')).toEqual(['SENT', 'READ', 'INTERVIEW']);
    expect(APPLICATION_WORKFLOW.awaitingStates('student')).toEqual([]);
    expect(APPLICATION_WORKFLOW.awaitingStates('school')).toEqual([]);
    const admin = actor({ companies: [{ organisationId: 3, role: 'ADMIN', canPublishOffers: true }] });
    expect(APPLICATION_WORKFLOW.awaits(admin, record('INTERVIEW'))).toBe(true);
    expect(APPLICATION_WORKFLOW.awaits(admin, record('ACCEPTED'))).toBe(false);
    expect(APPLICATION_WORKFLOW.awaits(actor({ centres: new Map([[2, 'WRITE']]) }), record('SENT'))).toBe(false);
  });

  it('offers on the status form the statuses the actions lead to', () => {
    const admin = actor({ companies: [{ organisationId: 3, role: 'ADMIN', canPublishOffers: true }] });
    expect(statusChoices(admin, record('READ'))).toEqual(['INTERVIEW', 'ACCEPTED', 'CANCELLED']);
    expect(statusChoices(actor({ centres: new Map([[2, 'WRITE']]) }), record('INTERVIEW'))).toEqual(['CANCELLED']);
    expect(statusChoices(actor({ centres: new Map([[2, 'READ']]) }), record('INTERVIEW'))).toEqual([]);
  });
});
