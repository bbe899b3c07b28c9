import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/authz/actor.js';
import { OfferStatus } from '../../src/generated/prisma/enums.js';
import { OFFER_WORKFLOW, offerActionPermission, type OfferRef } from '../../src/modules/offers/offers.workflow.js';

/**
 * The offers workflow written out: for every state and party, the actions the definition gives.
 * A change to the table must change this test too (and say why).
 */
const PARTIES = ['authorContact', 'companyAdmin', 'company', 'centreWriter', 'system'] as const;
type Party = (typeof PARTIES)[number];
type Table = Record<OfferStatus, Partial<Record<Party, string[]>>>;

const offer = (status: OfferStatus, fromCompany: boolean, more: Partial<OfferRef> = {}): OfferRef => ({
  status,
  organisationId: 10,
  centreId: 1,
  authorId: 100,
  fromCompany,
  publishUntil: null,
  ...more,
});

// Absent parties have no action.
const COMPANY_OFFER: Table = {
  DRAFT: { authorContact: ['submit'], companyAdmin: ['submit'], company: ['cancel', 'edit', 'duplicate'], centreWriter: ['cancel', 'edit', 'duplicate', 'transfer'] },
  PENDING_COMPANY: { companyAdmin: ['companyApprove', 'companyReject'], company: ['cancel', 'duplicate'], centreWriter: ['cancel', 'duplicate', 'transfer'] },
  PENDING_SCHOOL: { company: ['cancel', 'duplicate'], centreWriter: ['approve', 'reject', 'cancel', 'duplicate', 'transfer'] },
  PUBLISHED: { company: ['renew', 'fill', 'cancel', 'edit', 'duplicate'], centreWriter: ['renew', 'fill', 'cancel', 'edit', 'duplicate', 'transfer'] },
  EXPIRED: { company: ['renew', 'fill', 'cancel', 'archive', 'duplicate'], centreWriter: ['renew', 'fill', 'cancel', 'archive', 'duplicate', 'transfer'] },
  FILLED: { company: ['archive', 'duplicate'], centreWriter: ['archive', 'duplicate'] },
  CANCELLED: { company: ['archive', 'duplicate'], centreWriter: ['archive', 'duplicate'] },
  ARCHIVED: { company: ['duplicate'], centreWriter: ['duplicate'] },
};

// A school offer: the centre publishes its drafts itself; the company administrator submits nothing.
// (`company` is listed as the definition has it, but nobody holds that party on a school offer: see below.)
const SCHOOL_OFFER: Table = {
  DRAFT: { authorContact: ['submit'], company: ['cancel', 'edit', 'duplicate'], centreWriter: ['publish', 'cancel', 'edit', 'duplicate', 'transfer'] },
  PENDING_COMPANY: { companyAdmin: ['companyApprove', 'companyReject'], company: ['cancel', 'duplicate'], centreWriter: ['cancel', 'duplicate', 'transfer'] },
  PENDING_SCHOOL: { company: ['cancel', 'duplicate'], centreWriter: ['approve', 'reject', 'cancel', 'duplicate', 'transfer'] },
  PUBLISHED: { company: ['renew', 'fill', 'cancel', 'edit', 'duplicate'], centreWriter: ['renew', 'fill', 'cancel', 'edit', 'duplicate', 'transfer'] },
  EXPIRED: { company: ['renew', 'fill', 'cancel', 'archive', 'duplicate'], centreWriter: ['renew', 'fill', 'cancel', 'archive', 'duplicate', 'transfer'] },
  FILLED: { company: ['archive', 'duplicate'], centreWriter: ['archive', 'duplicate'] },
  CANCELLED: { company: ['archive', 'duplicate'], centreWriter: ['archive', 'duplicate'] },
  ARCHIVED: { company: ['duplicate'], centreWriter: ['duplicate'] },
};

function actor(id: number, more: Partial<Actor> = {}): Actor {
  return { id, email: `u${id}@test.example`, firstName: 'P', lastName: `N${id}`, locale: 'fr', isPlatformAdmin: false, roles: [], centres: new Map(), companies: [], academic: [], student: null, ...more };
}
const admin = actor(1, { companies: [{ organisationId: 10, role: 'ADMIN', canPublishOffers: true }] });
const author = actor(100, { companies: [{ organisationId: 10, role: 'CONTACT', canPublishOffers: true }] });
const otherContact = actor(101, { companies: [{ organisationId: 10, role: 'CONTACT', canPublishOffers: true }] });
const writer = actor(2, { centres: new Map([[1, 'WRITE']]) });
const reader = actor(3, { centres: new Map([[1, 'READ']]) });
const otherWriter = actor(4, { centres: new Map([[2, 'WRITE']]) });
const platformAdmin = actor(5, { isPlatformAdmin: true });

describe('offers workflow (definition)', () => {
  it('has exactly the states of the Prisma enum', () => {
    expect([...OFFER_WORKFLOW.states]).toEqual(Object.values(OfferStatus));
  });

  for (const [name, fromCompany, table] of [
    ['company offer', true, COMPANY_OFFER],
    ['school offer', false, SCHOOL_OFFER],
  ] as const) {
    it(`gives each party its actions in each state (${name})`, () => {
      for (const status of Object.values(OfferStatus)) {
        const got = Object.fromEntries(PARTIES.map((p) => [p, OFFER_WORKFLOW.actionsOf(p, offer(status, fromCompany))]).filter(([, a]) => a.length));
        expect({ status, actions: got }).toEqual({ status, actions: table[status] });
      }
    });
  }

  it('nobody holds the company party on a school offer', () => {
    for (const a of [admin, author]) expect(OFFER_WORKFLOW.def.parties.company(a, offer('PUBLISHED', false))).toBe(false);
  });

  it('puts offers in the awaiting lists of the company administrator, the author contact and the centre', () => {
    expect(OFFER_WORKFLOW.awaitingStates('authorContact')).toEqual(['DRAFT']);
    expect(OFFER_WORKFLOW.awaitingStates('companyAdmin')).toEqual(['PENDING_COMPANY']);
    expect(OFFER_WORKFLOW.awaitingStates('centreWriter')).toEqual(['PENDING_SCHOOL']);
  });

  it('declares the route permission of the moderation actions', () => {
    expect(OFFER_WORKFLOW.manualActions.filter((a) => offerActionPermission(a) === 'offers.moderate')).toEqual(['approve', 'reject', 'transfer']);
  });
});

describe('offers workflow (real actors)', () => {
  const buttons = (a: Actor | null, o: OfferRef) => OFFER_WORKFLOW.availableActions(a, o).map((v) => v.action);

  it('draws the buttons of each person', () => {
    expect(buttons(author, offer('DRAFT', true))).toEqual(['submit', 'cancel', 'edit', 'duplicate']);
    // Another contact, even allowed to publish, does not act on an offer they did not write.
    expect(buttons(otherContact, offer('DRAFT', true))).toEqual([]);
    expect(buttons(admin, offer('PENDING_COMPANY', true))).toEqual(['companyApprove', 'companyReject', 'cancel', 'duplicate']);
    expect(buttons(writer, offer('PENDING_SCHOOL', true))).toEqual(['approve', 'reject', 'cancel', 'duplicate', 'transfer']);
    expect(buttons(platformAdmin, offer('PENDING_SCHOOL', true))).toEqual(['approve', 'reject', 'cancel', 'duplicate', 'transfer']);
    expect(buttons(reader, offer('PENDING_SCHOOL', true))).toEqual([]);
    expect(buttons(otherWriter, offer('PENDING_SCHOOL', true))).toEqual([]);
    // The company does not manage a school offer of its organisation.
    expect(buttons(admin, offer('PUBLISHED', false))).toEqual([]);
    expect(buttons(null, offer('PUBLISHED', true))).toEqual([]);
  });

  it('describes the forms and tones of the buttons', () => {
    const views = OFFER_WORKFLOW.availableActions(writer, offer('PENDING_SCHOOL', true));
    expect(views.find((v) => v.action === 'approve')).toEqual({ action: 'approve', label: 'offers.action.approve', needs: 'period', page: false, tone: 'primary', icon: 'validate' });
    expect(views.find((v) => v.action === 'reject')).toMatchObject({ needs: 'reason', tone: 'danger' });
    expect(views.find((v) => v.action === 'transfer')).toMatchObject({ needs: 'centre', tone: 'secondary' });
    expect(OFFER_WORKFLOW.availableActions(admin, offer('DRAFT', true)).find((v) => v.action === 'edit')).toMatchObject({ page: true, needs: null });
  });

  it('sends a published company offer edited by the company back to moderation, not one edited by the centre', () => {
    const published = offer('PUBLISHED', true);
    const byCompany = OFFER_WORKFLOW.require(admin, published, 'edit');
    expect(OFFER_WORKFLOW.target(byCompany, published)).toBe('PENDING_SCHOOL');
    expect(byCompany.tell).toEqual([{ to: 'moderators', template: 'offer-awaiting' }]);
    expect(OFFER_WORKFLOW.target(OFFER_WORKFLOW.require(writer, published, 'edit'), published)).toBe('PUBLISHED');
    // Transfer and duplicate do not move the offer.
    expect(OFFER_WORKFLOW.target(OFFER_WORKFLOW.require(writer, published, 'transfer'), published)).toBe('PUBLISHED');
    expect(OFFER_WORKFLOW.target(OFFER_WORKFLOW.require(admin, published, 'duplicate'), published)).toBe('PUBLISHED');
  });

  it('lets only the platform expire an offer, once its period is over', () => {
    const o = offer('PUBLISHED', true, { publishUntil: new Date('2026-07-01T22:00:00Z') });
    expect(OFFER_WORKFLOW.can(null, o, 'expire')).toBe(true);
    expect(OFFER_WORKFLOW.check(platformAdmin, o, 'expire')).toEqual({ ok: false, reason: 'role' });
    expect(OFFER_WORKFLOW.check(null, offer('FILLED', true), 'expire')).toEqual({ ok: false, reason: 'state' });
    // Due on publishUntil's Paris day (the exclusive end of the period): 2 July, not 1 July (UTC).
    expect(OFFER_WORKFLOW.deadline(o)?.due.toString()).toBe('2026-07-02');
    expect(OFFER_WORKFLOW.deadline(offer('EXPIRED', true, { publishUntil: o.publishUntil }))).toBeNull();
  });
});
