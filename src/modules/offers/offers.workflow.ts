import type { Actor } from '../../authz/actor.js';
import { hasCentreRight } from '../../authz/centres.js';
import type { Permission } from '../../authz/policy.js';
import { OfferStatus } from '../../generated/prisma/enums.js';
import { dayOf } from '../../time/calendar.js';
import { defineWorkflow } from '../../workflow/engine.js';
import { periodSchema, reasonSchema, transferSchema } from './offers.schemas.js';

/**
 * The offer life cycle, declared once. The service applies it (state change + audit + mails in one
 * transaction), the offer page draws its buttons and forms from `availableActions`, the routes
 * register one POST per manual action, and the daily job expires offers through `expire`.
 * Nothing else changes an offer's status.
 *
 *   DRAFT ─submit (contact)→ PENDING_COMPANY ─companyApprove→ PENDING_SCHOOL ─approve→ PUBLISHED
 *   DRAFT ─submit (admin)──────────────────────────────────→ PENDING_SCHOOL
 *   DRAFT ─publish (centre staff, school-side offer)─────────────────────────────────→ PUBLISHED
 *   PENDING_COMPANY ─companyReject→ DRAFT, PENDING_SCHOOL ─reject→ DRAFT (a reason, mailed to the author)
 *   PUBLISHED ─expire (daily job)→ EXPIRED; PUBLISHED|EXPIRED ─renew→ PUBLISHED (new period)
 *   PUBLISHED|EXPIRED ─fill→ FILLED; (any open state) ─cancel→ CANCELLED; EXPIRED|FILLED|CANCELLED ─archive→ ARCHIVED
 *   edit: DRAFT stays DRAFT; a PUBLISHED offer edited by the company goes back to PENDING_SCHOOL.
 */

/** What the rules need to know of an offer. */
export interface OfferRef {
  status: OfferStatus;
  organisationId: number;
  centreId: number | null;
  authorId: number | null;
  fromCompany: boolean;
  /** The exclusive end of the diffusion period (the instant its first day after begins, in Paris). */
  publishUntil: Date | null;
}

// ───────────── who is who, for one offer ─────────────

function membership(actor: Actor | null, offer: OfferRef) {
  return actor?.companies.find((c) => c.organisationId === offer.organisationId) ?? null;
}

/** The administrator of the offer's company. */
function isCompanyAdmin(actor: Actor | null, offer: OfferRef): boolean {
  return membership(actor, offer)?.role === 'ADMIN';
}

/** A secondary contact allowed to publish, on their own offer (a contact is never the administrator). */
function isAuthorContact(actor: Actor | null, offer: OfferRef): boolean {
  const m = membership(actor, offer);
  return !!actor && !!m && m.role === 'CONTACT' && m.canPublishOffers && offer.authorId === actor.id;
}

const states = Object.values(OfferStatus);
const OPEN: OfferStatus[] = ['DRAFT', 'PENDING_COMPANY', 'PENDING_SCHOOL', 'PUBLISHED', 'EXPIRED'];
// The manager's rows: the centre, or the company side of a company offer.
const MANAGERS = ['centreWriter', 'company'] as const;

/**
 * The table. Rows are tried in order: the first row whose action and `from` match and whose
 * parties and condition accept the actor applies. An action with no row from the current status
 * is a wrong state (422); rows that exist but refuse the actor are a wrong person (403).
 */
export const OFFER_WORKFLOW = defineWorkflow({
  name: 'offer',
  entity: 'Offer',
  i18n: 'offers',
  states,
  // Waiting for someone: warning; diffused: success; over or set aside: neutral; cancelled: danger.
  icons: { submit: 'publish', publish: 'publish', renew: 'publish', approve: 'validate', companyApprove: 'validate', edit: 'edit', cancel: 'withdraw', reject: 'withdraw', companyReject: 'withdraw' },
  tones: { DRAFT: 'neutral', PENDING_COMPANY: 'warning', PENDING_SCHOOL: 'warning', PUBLISHED: 'success', EXPIRED: 'neutral', FILLED: 'info', CANCELLED: 'danger', ARCHIVED: 'neutral' },
  parties: {
    authorContact: isAuthorContact,
    companyAdmin: isCompanyAdmin,
    // The company side of a company offer: its administrator, or the contact who wrote it. The
    // offer's side is part of the party (not a row's `when`) because rows open to the centre too
    // (fill, cancel…) must not open to a company on a school offer.
    company: (a, o) => o.fromCompany && (isCompanyAdmin(a, o) || isAuthorContact(a, o)),
    // WRITE (or ADMIN) staff of the offer's managing centre, or a platform administrator.
    centreWriter: (a, o) => hasCentreRight(a, o.centreId, 'WRITE'),
    system: (a) => a === null,
  },
  forms: { period: periodSchema, reason: reasonSchema, centre: transferSchema },
  transitions: [
    { action: 'submit', from: ['DRAFT'], to: 'PENDING_COMPANY', by: ['authorContact'], awaits: true, tell: [{ to: 'companyAdmins', template: 'offer-awaiting' }] },
    { action: 'submit', from: ['DRAFT'], to: 'PENDING_SCHOOL', by: ['companyAdmin'], when: (o) => o.fromCompany, tell: [{ to: 'moderators', template: 'offer-awaiting' }] },
    { action: 'companyApprove', from: ['PENDING_COMPANY'], to: 'PENDING_SCHOOL', by: ['companyAdmin'], awaits: true, tell: [{ to: 'moderators', template: 'offer-awaiting' }] },
    { action: 'companyReject', from: ['PENDING_COMPANY'], to: 'DRAFT', by: ['companyAdmin'], needs: 'reason', awaits: true, tone: 'danger', tell: [{ to: 'author', template: 'offer-rejected' }] },
    { action: 'publish', from: ['DRAFT'], to: 'PUBLISHED', by: ['centreWriter'], when: (o) => !o.fromCompany, needs: 'period', tone: 'primary' },
    { action: 'approve', from: ['PENDING_SCHOOL'], to: 'PUBLISHED', by: ['centreWriter'], needs: 'period', awaits: true, tone: 'primary', tell: [{ to: 'author', template: 'offer-published' }] },
    { action: 'reject', from: ['PENDING_SCHOOL'], to: 'DRAFT', by: ['centreWriter'], needs: 'reason', awaits: true, tone: 'danger', tell: [{ to: 'author', template: 'offer-rejected' }] },
    { action: 'renew', from: ['PUBLISHED', 'EXPIRED'], to: 'PUBLISHED', by: MANAGERS, needs: 'period', tone: 'primary' },
    { action: 'fill', from: ['PUBLISHED', 'EXPIRED'], to: 'FILLED', by: MANAGERS },
    { action: 'cancel', from: OPEN, to: 'CANCELLED', by: MANAGERS, tone: 'danger' },
    { action: 'archive', from: ['EXPIRED', 'FILLED', 'CANCELLED'], to: 'ARCHIVED', by: MANAGERS },
    { action: 'expire', from: ['PUBLISHED'], to: 'EXPIRED', by: ['system'], automatic: true },
    { action: 'edit', from: ['DRAFT'], to: 'same', by: MANAGERS, page: true },
    { action: 'edit', from: ['PUBLISHED'], to: 'same', by: ['centreWriter'], page: true },
    // A published offer edited by the company goes back to the school's moderation.
    { action: 'edit', from: ['PUBLISHED'], to: 'PENDING_SCHOOL', by: ['company'], page: true, tell: [{ to: 'moderators', template: 'offer-awaiting' }] },
    { action: 'duplicate', from: states, to: 'same', by: MANAGERS },
    { action: 'transfer', from: OPEN, to: 'same', by: ['centreWriter'], needs: 'centre' },
  ],
  deadlines: [
    {
      // The day the diffusion is over (publishUntil is the exclusive end, i.e. the day after the
      // last day shown to students): the daily job expires the offer once that day is reached.
      states: ['PUBLISHED'],
      due: (o) => (o.publishUntil ? dayOf(o.publishUntil) : null),
      then: 'expire',
    },
  ],
  groups: {
    /** Diffused now (its period permitting). */
    current: ['PUBLISHED'],
    /** Awaiting the company's administrator or the school's moderation. */
    pending: ['PENDING_COMPANY', 'PENDING_SCHOOL'],
    /** No longer diffused: over, filled, cancelled, archived. */
    ended: ['EXPIRED', 'FILLED', 'CANCELLED', 'ARCHIVED'],
    /** Still alive: may be cancelled or transferred. */
    open: OPEN,
  },
});

export type OfferAction = (typeof OFFER_WORKFLOW)['actions'][number];
export type OfferNeeds = 'period' | 'reason' | 'centre';

/**
 * The route permission of each manual action: the school's moderation ('offers.moderate') for
 * approve, reject and transfer, the offer's management ('offers.manage') for the others.
 */
const MODERATION: readonly OfferAction[] = ['approve', 'reject', 'transfer'];
export function offerActionPermission(action: OfferAction): Permission {
  return MODERATION.includes(action) ? 'offers.moderate' : 'offers.manage';
}

/** The diffusion period: 1 month to 1 year. */
export const DIFFUSION_MONTHS = { min: 1, max: 12 } as const;
