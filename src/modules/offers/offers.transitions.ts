import { Service, type Act, type SystemAct } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { rightsFrom } from '../../authz/centres.js';
import { activeAdministrator } from '../../authz/memberships.js';
import type { Tx } from '../../db/client.js';
import { ValidationError, WrongStateError } from '../../errors.js';
import type { Offer, Prisma } from '../../generated/prisma/client.js';
import { formatters } from '../../i18n/format.js';
import { isLocale } from '../../i18n/index.js';
import { startOf, todayIn } from '../../time/calendar.js';
import type { Recipient } from '../../workflow/engine.js';
import type { PeriodInput } from './offers.schemas.js';
import { lockInReach } from './offers.reach.js';
import { OFFER_WORKFLOW, type OfferAction, type OfferNeeds } from './offers.workflow.js';

/** An offer after a transition, with what its mails say of it. */
interface Applied {
  offer: Offer;
  organisation: string;
}

/** What a transition changes besides the status, and what its audit row keeps. */
export interface Change {
  data?: Prisma.OfferUncheckedUpdateInput;
  before?: Record<string, unknown>;
  after?: (offer: Offer) => Record<string, unknown>;
  /** The reason of a refusal, quoted in its mail. */
  reason?: string;
}

type Told = 'author' | 'companyAdmins' | 'moderators';

/**
 * The offers workflow at work: one transition per call (the row locked, the workflow's check, the
 * change, its audit row and mails in one transaction), the daily expiry, the copy of an offer.
 */
export class OfferTransitions extends Service {
  /**
   * A manual action of the offer page (submit, approve, reject, renew, fill, cancel, archive,
   * transfer, duplicate…): 404 out of reach, 403 for the wrong person, 422 in the wrong state or
   * with an invalid form. Returns the offer to show next (the copy, for a duplicate).
   */
  async perform(act: Act<Actor | null>, id: number, action: OfferAction, body: unknown = {}): Promise<{ id: number }> {
    if (action === 'duplicate') return this.duplicate(act, id);
    return this.db.$transaction(async (tx) => {
      const offer = await lockInReach(tx, act.actor, id);
      // The person and the state first: nobody is asked to mend a form for an action they may not take.
      const transition = OFFER_WORKFLOW.require(act.actor, offer, action);
      const change = await this.changeOf(tx, act, offer, transition.needs, OFFER_WORKFLOW.input(transition, body));
      await this.apply(tx, act, offer, action, change);
      return { id };
    });
  }

  /** What the action's form changes: a diffusion period, a refusal's reason, a new managing centre. */
  private async changeOf(tx: Tx, act: Act<Actor | null>, offer: Offer, needs: OfferNeeds | undefined, input: unknown): Promise<Change> {
    const period = { publishFrom: offer.publishFrom, publishUntil: offer.publishUntil };
    const audited = { before: period, after: (o: Offer) => ({ publishFrom: o.publishFrom, publishUntil: o.publishUntil }) };
    if (needs === 'period') return { ...audited, data: { ...diffusionPeriod(input as PeriodInput, act.now), rejectionReason: null } };
    if (needs === 'reason') {
      const { reason } = input as { reason: string };
      return { before: period, after: (o) => ({ ...audited.after(o), reason }), data: { rejectionReason: reason }, reason };
    }
    if (needs === 'centre') {
      const { centreId } = input as { centreId: number };
      if (centreId === offer.centreId) throw new ValidationError({ centreId: 'offers.errors.sameCentre' });
      if (!(await tx.managementCentre.count({ where: { id: centreId } }))) throw new ValidationError({ centreId: 'offers.errors.centreUnknown' });
      // The new managing centre no longer needs to receive it as a diffusion centre.
      await tx.offerDiffusionCentre.deleteMany({ where: { offerId: offer.id, centreId } });
      return { data: { centreId }, before: { centreId: offer.centreId }, after: () => ({ centreId }) };
    }
    return audited;
  }

  /**
   * Applies one transition of OFFER_WORKFLOW to an offer read and locked in `tx`: the change, the
   * status, the audit row and the mails of its `tell` (the edits use it too).
   */
  async apply(tx: Tx, act: Act<Actor | null>, offer: Offer, action: OfferAction, change: Change = {}) {
    return OFFER_WORKFLOW.apply(tx, {
      act,
      record: offer,
      id: offer.id,
      action,
      write: async (to, transition): Promise<Applied> => {
        const after = await tx.offer.update({ where: { id: offer.id }, data: { ...change.data, status: to } });
        const organisation = transition.tell?.length ? (await tx.organisation.findUniqueOrThrow({ where: { id: offer.organisationId }, select: { legalName: true } })).legalName : '';
        return { offer: after, organisation };
      },
      recipients: (to, after) => this.recipients(tx, to, after.offer),
      mail: (_template, u, after) => ({
        firstName: u.firstName,
        number: formatters(isLocale(u.locale) ? u.locale : 'fr').offerNumber(after.offer.id),
        title: after.offer.title,
        organisation: after.organisation,
        reason: change.reason ?? '',
        until: after.offer.publishUntil,
        by: act.actor ? `${act.actor.firstName} ${act.actor.lastName}` : '',
        link: `${this.baseUrl}/offers/manage/${after.offer.id}`,
      }),
      audit: { before: change.before, after: change.after ? (a) => change.after!(a.offer) : undefined },
    });
  }

  /** The people behind a `tell` entry of the workflow. */
  private async recipients(tx: Tx, to: Told, offer: Offer): Promise<Recipient[]> {
    const select = { id: true, email: true, firstName: true, locale: true, active: true } as const;
    if (to === 'author') {
      const u = offer.authorId ? await tx.user.findUnique({ where: { id: offer.authorId }, select }) : null;
      return u && u.active ? [u] : [];
    }
    if (to === 'companyAdmins') {
      const rows = await tx.companyMembership.findMany({ where: { organisationId: offer.organisationId, ...activeAdministrator }, select: { user: { select } } });
      return rows.map((r) => r.user);
    }
    if (!offer.centreId) return [];
    const rows = await tx.centreStaff.findMany({ where: { centreId: offer.centreId, right: { in: rightsFrom('WRITE') }, user: { active: true } }, select: { user: { select } } });
    return rows.map((r) => r.user);
  }

  /**
   * The daily job: every PUBLISHED offer whose diffusion is over becomes EXPIRED, one `expire`
   * transition each (audited, actor null). Over means publishUntil's Paris day (the exclusive
   * end of the period) is today or before: the workflow's deadline is reached. Returns how many.
   */
  async expireDue(act: SystemAct) {
    const today = todayIn(act.now);
    // publishUntil's day <= today ⇔ publishUntil is before tomorrow begins in Paris (uses the index).
    const candidates = await this.db.offer.findMany({ where: { status: 'PUBLISHED', publishUntil: { lt: startOf(today.addDays(1)) } }, orderBy: { id: 'asc' } });
    let n = 0;
    for (const offer of candidates) {
      const d = OFFER_WORKFLOW.deadline(offer);
      if (d?.deadline.then !== 'expire' || d.due.isAfter(today)) continue;
      try {
        await this.perform(act, offer.id, 'expire');
        n++;
      } catch (err) {
        // Changed meanwhile (filled, renewed): nothing to do.
        if (!(err instanceof WrongStateError)) throw err;
      }
    }
    return n;
  }

  /** A DRAFT copy of the offer (same company, centre and targets), written by the actor; the audit row is the copy's. */
  private async duplicate(act: Act<Actor | null>, id: number) {
    return this.db.$transaction(async (tx) => {
      const offer = await lockInReach(tx, act.actor, id);
      OFFER_WORKFLOW.require(act.actor, offer, 'duplicate');
      const { id: _id, status: _s, visits: _v, createdAt: _c, updatedAt: _u, publishFrom: _pf, publishUntil: _pu, diffusionMonths: _dm, rejectionReason: _rr, authorId: _a, ...copy } = offer;
      const created = await tx.offer.create({ data: { ...copy, status: 'DRAFT', authorId: act.actor?.id ?? null } });
      const [countries, institutions, programmes, centres] = await Promise.all([
        tx.offerTargetCountry.findMany({ where: { offerId: id } }),
        tx.offerTargetInstitution.findMany({ where: { offerId: id } }),
        tx.offerTargetProgramme.findMany({ where: { offerId: id } }),
        tx.offerDiffusionCentre.findMany({ where: { offerId: id } }),
      ]);
      if (countries.length) await tx.offerTargetCountry.createMany({ data: countries.map((r) => ({ ...r, offerId: created.id })) });
      if (institutions.length) await tx.offerTargetInstitution.createMany({ data: institutions.map((r) => ({ ...r, offerId: created.id })) });
      if (programmes.length) await tx.offerTargetProgramme.createMany({ data: programmes.map((r) => ({ ...r, offerId: created.id })) });
      if (centres.length) await tx.offerDiffusionCentre.createMany({ data: centres.map((r) => ({ ...r, offerId: created.id })) });
      await audit(tx, { actorId: act.actor?.id ?? null, action: 'offer.duplicate', entityType: 'Offer', entityId: created.id, after: { ...created, copiedFrom: id }, requestId: act.requestId });
      return { id: created.id };
    });
  }
}

/**
 * A diffusion period in Paris days: from today (or a later day chosen), for N calendar months.
 * Stored as the instants those days begin in Paris, so that "visible" (publishFrom <= now <
 * publishUntil) and "expired" (publishUntil's day reached) agree at midnight Paris time.
 */
export function diffusionPeriod(input: PeriodInput, now: Date) {
  const today = todayIn(now);
  // A start in the past is refused with a message, not silently moved to today.
  if (input.publishFrom && input.publishFrom.isBefore(today)) throw new ValidationError({ publishFrom: 'offers.errors.pastStart' });
  const from = input.publishFrom ?? today;
  return { publishFrom: startOf(from), publishUntil: startOf(from.addMonths(input.diffusionMonths)), diffusionMonths: input.diffusionMonths };
}
