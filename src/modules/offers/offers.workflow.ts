import type { Actor } from '../../authz/actor.js';
import { RIGHT_RANK, } from '../../authz/centres.js';
import type { OfferStatus } from '../../generated/prisma/client.js';

/**
 * The offer life cycle, declared once. The service applies it (state change + audit + mails in one
 * transaction), the views draw their buttons from `availableActions`, and the daily job expires
 * offers through the `expire` row. Nothing else changes an offer's status.
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
}

export const OFFER_ACTIONS = [
  'submit',
  'companyApprove',
  'companyReject',
  'publish',
  'approve',
  'reject',
  'renew',
  'fill',
  'cancel',
  'archive',
  'expire',
  'edit',
  'duplicate',
  'transfer',
] as const;
export type OfferAction = (typeof OFFER_ACTIONS)[number];

/** Who receives a mail when the transition happens. */
export type Recipient = 'author' | 'companyAdmins' | 'moderators';

export interface Transition {
  action: OfferAction;
  from: readonly OfferStatus[];
  /** The new status; 'same' for actions that do not move the offer (edit of a draft, duplicate, transfer). */
  to: OfferStatus | 'same';
  /** Who may: the system (the daily job) acts with actor null. */
  who: (actor: Actor | null, offer: OfferRef) => boolean;
  /** Input the action requires. */
  needs?: 'reason' | 'period' | 'centre';
  tell?: { to: Recipient; template: string }[];
}

// ───────────── who is who, for one offer ─────────────

function membership(actor: Actor, offer: OfferRef) {
  return actor.companies.find((c) => c.organisationId === offer.organisationId) ?? null;
}

/** The administrator of the offer's company. */
export function isCompanyAdmin(actor: Actor | null, offer: OfferRef): boolean {
  return !!actor && membership(actor, offer)?.role === 'ADMIN';
}

/** A secondary contact allowed to publish, on their own offer. */
export function isPublishingContact(actor: Actor | null, offer: OfferRef): boolean {
  if (!actor) return false;
  const m = membership(actor, offer);
  return !!m && m.role === 'CONTACT' && m.canPublishOffers && offer.authorId === actor.id;
}

/** The company side of a company offer: its administrator, or the contact who wrote it. */
export function isCompanyManager(actor: Actor | null, offer: OfferRef): boolean {
  return offer.fromCompany && (isCompanyAdmin(actor, offer) || isPublishingContact(actor, offer));
}

/** WRITE (or ADMIN) staff of the offer's managing centre, or a platform administrator. */
export function isCentreWriter(actor: Actor | null, offer: Pick<OfferRef, 'centreId'>): boolean {
  if (!actor) return false;
  if (actor.isPlatformAdmin) return true;
  const right = offer.centreId ? actor.centres.get(offer.centreId) : undefined;
  return !!right && RIGHT_RANK[right] >= RIGHT_RANK.WRITE;
}

const manager = (a: Actor | null, o: OfferRef) => isCentreWriter(a, o) || isCompanyManager(a, o);
const system = (a: Actor | null) => a === null;

const OPEN: OfferStatus[] = ['DRAFT', 'PENDING_COMPANY', 'PENDING_SCHOOL', 'PUBLISHED', 'EXPIRED'];
const ALL: OfferStatus[] = [...OPEN, 'FILLED', 'CANCELLED', 'ARCHIVED'];

/**
 * The table. Rows are tried in order: the first row whose action and `from` match and whose `who`
 * accepts the actor applies. An action with no row from the current status is a wrong state (422);
 * rows that exist but refuse the actor are a wrong role (403).
 */
export const OFFER_WORKFLOW: readonly Transition[] = [
  {
    action: 'submit',
    from: ['DRAFT'],
    to: 'PENDING_COMPANY',
    who: (a, o) => isPublishingContact(a, o) && !isCompanyAdmin(a, o),
    tell: [{ to: 'companyAdmins', template: 'offer-awaiting' }],
  },
  { action: 'submit', from: ['DRAFT'], to: 'PENDING_SCHOOL', who: (a, o) => o.fromCompany && isCompanyAdmin(a, o), tell: [{ to: 'moderators', template: 'offer-awaiting' }] },
  {
    action: 'companyApprove',
    from: ['PENDING_COMPANY'],
    to: 'PENDING_SCHOOL',
    who: isCompanyAdmin,
    tell: [{ to: 'moderators', template: 'offer-awaiting' }],
  },
  { action: 'companyReject', from: ['PENDING_COMPANY'], to: 'DRAFT', who: isCompanyAdmin, needs: 'reason', tell: [{ to: 'author', template: 'offer-rejected' }] },
  { action: 'publish', from: ['DRAFT'], to: 'PUBLISHED', who: (a, o) => !o.fromCompany && isCentreWriter(a, o), needs: 'period' },
  { action: 'approve', from: ['PENDING_SCHOOL'], to: 'PUBLISHED', who: isCentreWriter, needs: 'period', tell: [{ to: 'author', template: 'offer-published' }] },
  { action: 'reject', from: ['PENDING_SCHOOL'], to: 'DRAFT', who: isCentreWriter, needs: 'reason', tell: [{ to: 'author', template: 'offer-rejected' }] },
  { action: 'renew', from: ['PUBLISHED', 'EXPIRED'], to: 'PUBLISHED', who: manager, needs: 'period' },
  { action: 'fill', from: ['PUBLISHED', 'EXPIRED'], to: 'FILLED', who: manager },
  { action: 'cancel', from: OPEN, to: 'CANCELLED', who: manager },
  { action: 'archive', from: ['EXPIRED', 'FILLED', 'CANCELLED'], to: 'ARCHIVED', who: manager },
  { action: 'expire', from: ['PUBLISHED'], to: 'EXPIRED', who: system },
  { action: 'edit', from: ['DRAFT'], to: 'same', who: manager },
  { action: 'edit', from: ['PUBLISHED'], to: 'same', who: isCentreWriter },
  // A published offer edited by the company goes back to the school's moderation.
  { action: 'edit', from: ['PUBLISHED'], to: 'PENDING_SCHOOL', who: isCompanyManager, tell: [{ to: 'moderators', template: 'offer-awaiting' }] },
  { action: 'duplicate', from: ALL, to: 'same', who: manager },
  { action: 'transfer', from: OPEN, to: 'same', who: isCentreWriter, needs: 'centre' },
];

export type TransitionCheck = { ok: true; transition: Transition } | { ok: false; reason: 'state' | 'role' };

/** The row that applies, or why none does. */
export function findTransition(actor: Actor | null, offer: OfferRef, action: OfferAction): TransitionCheck {
  const rows = OFFER_WORKFLOW.filter((t) => t.action === action && t.from.includes(offer.status));
  if (!rows.length) return { ok: false, reason: 'state' };
  const row = rows.find((t) => t.who(actor, offer));
  return row ? { ok: true, transition: row } : { ok: false, reason: 'role' };
}

/** The actions the actor may take on the offer now (the buttons of its page), in table order. */
export function availableActions(actor: Actor | null, offer: OfferRef): OfferAction[] {
  const out: OfferAction[] = [];
  for (const t of OFFER_WORKFLOW) {
    if (t.action === 'expire' || out.includes(t.action)) continue;
    if (t.from.includes(offer.status) && t.who(actor, offer)) out.push(t.action);
  }
  return out;
}

/** The status an offer reaches by `action` (for messages); 'same' resolved. */
export function targetStatus(t: Transition, offer: OfferRef): OfferStatus {
  return t.to === 'same' ? offer.status : t.to;
}

/** The diffusion period: 1 month to 1 year. */
export const DIFFUSION_MONTHS = { min: 1, max: 12 } as const;

/** `from` + `months` calendar months (the end of the period, exclusive). */
export function addMonths(from: Date, months: number): Date {
  const d = new Date(from.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}
