import { Service, type Act, type ServiceDeps, type SystemAct } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { centresWith, hasCentreRight } from '../../authz/centres.js';
import { isConfirmed } from '../../authz/memberships.js';
import type { Tx } from '../../db/client.js';
import { notFound, ValidationError } from '../../errors.js';
import type { CheckedFile } from '../../files/upload.js';
import { fileSummary, storeFile } from '../../files/upload.js';
import type { Offer, OfferStatus, Prisma } from '../../generated/prisma/client.js';
import { pager } from '../../http/pagination.js';
import { expiringWhere } from './offers.expiring.js';
import type { ManageListInput, OfferInput, ShortOfferInput, StaffSearchInput } from './offers.schemas.js';
import { searchOffers } from './offers.search.js';
import { detailInclude, lockInReach, mayWriteOfferFor, offerOrganisation, reachSql, reachWhere } from './offers.reach.js';
import { OfferStudents } from './offers.student.js';
import { OfferTransitions } from './offers.transitions.js';
import { OFFER_WORKFLOW } from './offers.workflow.js';

export type { OfferDetail } from './offers.reach.js';

/** The targeting fields both forms share. */
type Targeting = { targetAll: boolean; targetCountries: string[]; targetInstitutionIds: number[]; targetProgrammeIds: number[]; diffusionCentreIds: number[] };

/**
 * Offers (ctx.services.offers): the managers' lists and page, creation (full and short forms) and
 * editing here; the workflow's transitions and the daily expiry in `transitions`
 * (offers.transitions.ts); what students see in `students` (offers.student.ts). Record reach is
 * offers.reach.ts's: out of reach is a 404.
 */
export class OfferService extends Service {
  readonly transitions: OfferTransitions;
  readonly students: OfferStudents;

  constructor(deps: ServiceDeps) {
    super(deps);
    this.transitions = new OfferTransitions(deps);
    this.students = new OfferStudents(deps);
  }

  /** The daily job: PUBLISHED offers whose period is over become EXPIRED. */
  expireDue(act: SystemAct) {
    return this.transitions.expireDue(act);
  }

  // ───────────── managers ─────────────

  /** One offer within reach, with what its page shows and the actor's actions on it; 404 otherwise. */
  async get(actor: Actor, id: number) {
    const offer = await this.db.offer.findFirst({ where: { AND: [{ id }, reachWhere(actor)] }, include: detailInclude });
    if (!offer) throw notFound();
    const history = await this.db.auditLog.findMany({
      where: { entityType: 'Offer', entityId: String(id) },
      orderBy: { id: 'asc' },
      select: { id: true, action: true, createdAt: true, actor: { select: { firstName: true, lastName: true } } },
    });
    return { offer, history, actions: OFFER_WORKFLOW.availableActions(actor, offer) };
  }

  /** The actor's offers: their companies' and their centres' (with a status, or ending within `expiring` days of `now`). */
  async listManaged(actor: Actor, page: number, filters: ManageListInput = {}, now?: Date) {
    const where: Prisma.OfferWhereInput = {
      AND: [reachWhere(actor), filters.status ? { status: filters.status } : {}, filters.expiring && now ? expiringWhere(now, filters.expiring) : {}],
    };
    const total = await this.db.offer.count({ where });
    const p = pager(page, total);
    const items = await this.db.offer.findMany({
      where,
      orderBy: { id: 'desc' },
      skip: p.skip,
      take: p.size,
      select: { id: true, title: true, kind: true, status: true, visits: true, publishUntil: true, fromCompany: true, organisation: { select: { legalName: true } }, centre: { select: { name: true } }, _count: { select: { applications: true } } },
    });
    return { items, pager: p };
  }

  /** The offers awaiting the school's moderation in the centres where the actor has WRITE. */
  async moderationQueue(actor: Actor) {
    const where: Prisma.OfferWhereInput = { status: { in: OFFER_WORKFLOW.awaitingStates('centreWriter') }, ...(actor.isPlatformAdmin ? {} : { centreId: { in: centresWith(actor, 'WRITE') } }) };
    return this.db.offer.findMany({
      where,
      orderBy: { updatedAt: 'asc' },
      take: 200,
      select: { id: true, title: true, kind: true, updatedAt: true, organisation: { select: { legalName: true } }, centre: { select: { name: true } } },
    });
  }

  async staffSearch(actor: Actor, input: StaffSearchInput, page: number, sorted: Prisma.Sql[] | null = null) {
    return searchOffers(this.db, reachSql(actor), input, page, sorted);
  }

  // ───────────── creation ─────────────

  /** The organisation a new offer's form is for (offers.reach.ts): 404 out of the actor's reach, null when unknown. */
  organisationForOffer(actor: Actor, organisationId: number) {
    return offerOrganisation(this.db, actor, organisationId);
  }

  /**
   * What the creation form offers: the companies the actor publishes for, the centres where they
   * write, every centre (moderator), targets, and the contacts of `organisationId` (404 when the
   * actor may not write an offer for it).
   */
  async formOptions(actor: Actor, organisationId?: number | null) {
    if (organisationId && !mayWriteOfferFor(actor, organisationId)) throw notFound();
    const publishOrgIds = actor.companies.filter((c) => c.role === 'ADMIN' || c.canPublishOffers).map((c) => c.organisationId);
    const writeCentreIds = centresWith(actor, 'WRITE');
    const [companies, centres, institutions, programmes, contacts] = await Promise.all([
      this.db.organisation.findMany({ where: { id: { in: publishOrgIds } }, select: { id: true, legalName: true, centreId: true }, orderBy: { legalName: 'asc' } }),
      this.db.managementCentre.findMany({ select: { id: true, name: true, institution: { select: { name: true } } }, orderBy: [{ institutionId: 'asc' }, { name: 'asc' }] }),
      this.db.institution.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } }),
      this.db.programme.findMany({ select: { id: true, name: true, institution: { select: { name: true } } }, orderBy: [{ institutionId: 'asc' }, { name: 'asc' }] }),
      organisationId ? this.db.contact.findMany({ where: { organisationId }, select: { id: true, firstName: true, lastName: true, function: true }, orderBy: [{ lastName: 'asc' }, { id: 'asc' }] }) : Promise.resolve([]),
    ]);
    const staff = actor.isPlatformAdmin || writeCentreIds.length > 0;
    return {
      companies,
      staff,
      ownCentres: actor.isPlatformAdmin ? centres : centres.filter((c) => writeCentreIds.includes(c.id)),
      centres,
      institutions,
      programmes,
      contacts,
      canCreate: companies.length > 0 || staff,
    };
  }

  /**
   * Decides the side of a new offer: a member allowed to publish for the organisation creates a
   * company offer moderated by the chosen centre; otherwise WRITE staff of the chosen centre create
   * a school offer for any organisation of the directory.
   */
  private async ownership(tx: Tx, actor: Actor, organisationId: number, centreId: number) {
    // Out of reach is a 404, as on the form's page: the POST says nothing of another organisation.
    if (!mayWriteOfferFor(actor, organisationId)) throw notFound();
    const org = await tx.organisation.findUnique({ where: { id: organisationId }, select: { id: true, legalName: true } });
    if (!org) throw new ValidationError({ organisationId: 'offers.errors.organisationUnknown' });
    if (!(await tx.managementCentre.count({ where: { id: centreId } }))) throw new ValidationError({ centreId: 'offers.errors.centreUnknown' });
    const m = actor.companies.find((c) => c.organisationId === organisationId);
    if (m) {
      // Re-read the right inside the transaction: it may have been withdrawn since sign-in.
      const live = await tx.companyMembership.findUnique({ where: { userId_organisationId: { userId: actor.id, organisationId } }, select: { role: true, canPublishOffers: true, status: true } });
      if (!live || !isConfirmed(live) || (live.role !== 'ADMIN' && !live.canPublishOffers)) throw new ValidationError({ organisationId: 'offers.errors.noPublishRight' });
      return { fromCompany: true };
    }
    if (hasCentreRight(actor, centreId, 'WRITE')) return { fromCompany: false };
    throw new ValidationError({ centreId: 'offers.errors.centreNotYours' });
  }

  private async checkContacts(tx: Tx, organisationId: number, ids: (number | null)[]) {
    for (const [field, id] of [['applicationContactId', ids[0]], ['infoContactId', ids[1]]] as const) {
      if (id && !(await tx.contact.count({ where: { id, organisationId } }))) throw new ValidationError({ [field]: 'offers.errors.contactUnknown' });
    }
  }

  private async checkTargets(tx: Tx, input: { targetInstitutionIds: number[]; targetProgrammeIds: number[]; diffusionCentreIds: number[] }) {
    if (input.targetInstitutionIds.length && (await tx.institution.count({ where: { id: { in: input.targetInstitutionIds } } })) !== input.targetInstitutionIds.length)
      throw new ValidationError({ targetInstitutionIds: 'errors.field.choice' });
    if (input.targetProgrammeIds.length && (await tx.programme.count({ where: { id: { in: input.targetProgrammeIds } } })) !== input.targetProgrammeIds.length)
      throw new ValidationError({ targetProgrammeIds: 'errors.field.choice' });
    if (input.diffusionCentreIds.length && (await tx.managementCentre.count({ where: { id: { in: input.diffusionCentreIds } } })) !== input.diffusionCentreIds.length)
      throw new ValidationError({ diffusionCentreIds: 'errors.field.choice' });
  }

  /** Replaces the targeting rows of an offer. */
  private async writeTargets(tx: Tx, offerId: number, input: Targeting, centreId: number | null) {
    await tx.offerTargetCountry.deleteMany({ where: { offerId } });
    await tx.offerTargetInstitution.deleteMany({ where: { offerId } });
    await tx.offerTargetProgramme.deleteMany({ where: { offerId } });
    await tx.offerDiffusionCentre.deleteMany({ where: { offerId } });
    if (input.targetAll) return;
    if (input.targetCountries.length) await tx.offerTargetCountry.createMany({ data: input.targetCountries.map((country) => ({ offerId, country })) });
    if (input.targetInstitutionIds.length) await tx.offerTargetInstitution.createMany({ data: input.targetInstitutionIds.map((institutionId) => ({ offerId, institutionId })) });
    if (input.targetProgrammeIds.length) await tx.offerTargetProgramme.createMany({ data: input.targetProgrammeIds.map((programmeId) => ({ offerId, programmeId })) });
    const others = input.diffusionCentreIds.filter((c) => c !== centreId);
    if (others.length) await tx.offerDiffusionCentre.createMany({ data: others.map((cid) => ({ offerId, centreId: cid })) });
  }

  private async writeDiffusion(tx: Tx, offerId: number, ids: number[], centreId: number | null) {
    await tx.offerDiffusionCentre.deleteMany({ where: { offerId } });
    const others = ids.filter((c) => c !== centreId);
    if (others.length) await tx.offerDiffusionCentre.createMany({ data: others.map((cid) => ({ offerId, centreId: cid })) });
  }

  private fields(input: OfferInput) {
    const { organisationId: _o, centreId: _c, targetCountries: _tc, targetInstitutionIds: _ti, targetProgrammeIds: _tp, diffusionCentreIds: _dc, ...rest } = input;
    return { ...rest, payDetails: input.paid ? input.payDetails : null };
  }

  /** A new offer from the full form: a DRAFT, audited. */
  async create(act: Act, input: OfferInput) {
    const { actor } = act;
    return this.db.$transaction(async (tx) => {
      const { fromCompany } = await this.ownership(tx, actor, input.organisationId, input.centreId);
      await this.checkContacts(tx, input.organisationId, [input.applicationContactId, input.infoContactId]);
      await this.checkTargets(tx, input);
      const offer = await tx.offer.create({
        data: { ...this.fields(input), organisationId: input.organisationId, centreId: input.centreId, authorId: actor.id, fromCompany, status: 'DRAFT' },
      });
      await this.writeTargets(tx, offer.id, input, offer.centreId);
      if (input.targetAll) await this.writeDiffusion(tx, offer.id, input.diffusionCentreIds, offer.centreId);
      await audit(tx, { actorId: actor.id, action: 'offer.create', entityType: 'Offer', entityId: offer.id, after: { ...offer, targets: this.targetSummary(input) }, requestId: act.requestId });
      return offer;
    });
  }

  /** A new offer from the short form: the essentials and a file (≤ 500 KB, checked by content) or a link. */
  async createShort(act: Act, input: ShortOfferInput, file: CheckedFile | null) {
    const { actor } = act;
    if (!file && !input.link) throw new ValidationError({ attachment: 'offers.errors.fileOrLink' });
    if (file && input.link) throw new ValidationError({ link: 'offers.errors.fileAndLink' });
    return this.db.$transaction(async (tx) => {
      const { fromCompany } = await this.ownership(tx, actor, input.organisationId, input.centreId);
      await this.checkTargets(tx, input);
      const stored = file ? await storeFile(tx, file, actor.id) : null;
      const offer = await tx.offer.create({
        data: {
          title: input.title,
          kind: input.kind,
          domain: input.domain,
          postalCode: input.postalCode,
          city: input.city,
          country: input.country,
          shortForm: true,
          link: input.link,
          attachmentFileId: stored?.id ?? null,
          targetAll: input.targetAll,
          organisationId: input.organisationId,
          centreId: input.centreId,
          authorId: actor.id,
          fromCompany,
          status: 'DRAFT',
        },
      });
      await this.writeTargets(tx, offer.id, input, offer.centreId);
      if (input.targetAll) await this.writeDiffusion(tx, offer.id, input.diffusionCentreIds, offer.centreId);
      await audit(tx, {
        actorId: actor.id,
        action: 'offer.create',
        entityType: 'Offer',
        entityId: offer.id,
        after: { ...offer, attachment: stored ? fileSummary(stored) : null, targets: this.targetSummary(input) },
        requestId: act.requestId,
      });
      return offer;
    });
  }

  private targetSummary(input: Targeting) {
    return { all: input.targetAll, countries: input.targetCountries, institutions: input.targetInstitutionIds, programmes: input.targetProgrammeIds, diffusionCentres: input.diffusionCentreIds };
  }

  /** Edits an offer with the full form (a short-form offer becomes a full one). */
  async update(act: Act, id: number, input: OfferInput) {
    return this.edit(act, id, input, async (tx, offer) => {
      await this.checkContacts(tx, offer.organisationId, [input.applicationContactId, input.infoContactId]);
      return { data: { ...this.fields(input), shortForm: false } };
    });
  }

  /**
   * Edits a short-form offer with the short form: a new file replaces the old one and clears the
   * link, a link replaces the file; with neither, what the offer had stays.
   */
  async updateShort(act: Act, id: number, input: ShortOfferInput, file: CheckedFile | null) {
    if (file && input.link) throw new ValidationError({ link: 'offers.errors.fileAndLink' });
    return this.edit(act, id, input, async (tx, offer) => {
      if (!offer.shortForm) throw new ValidationError({ title: 'offers.errors.notShort' });
      const stored = file ? await storeFile(tx, file, act.actor.id) : null;
      const source = stored ? { attachmentFileId: stored.id, link: null } : input.link ? { attachmentFileId: null, link: input.link } : {};
      if (!stored && !input.link && !offer.attachmentFileId && !offer.link) throw new ValidationError({ attachment: 'offers.errors.fileOrLink' });
      const { title, kind, domain, postalCode, city, country, targetAll } = input;
      return { data: { title, kind, domain, postalCode, city, country, targetAll, ...source }, audit: { attachment: stored ? fileSummary(stored) : undefined } };
    });
  }

  /**
   * An edit through the `edit` rows of the workflow: the changes `change` returns, the targets,
   * the audit row and, when a published company offer goes back to moderation, its mails, in one
   * transaction. The owner and the managing centre do not change here (transfer does that).
   */
  private async edit(
    act: Act,
    id: number,
    input: Targeting,
    change: (tx: Tx, offer: Offer) => Promise<{ data: Prisma.OfferUncheckedUpdateInput; audit?: Record<string, unknown> }>,
  ) {
    return this.db.$transaction(async (tx) => {
      const offer = await lockInReach(tx, act.actor, id);
      // The workflow's answer (422 wrong state, 403 wrong person) before the form's checks.
      OFFER_WORKFLOW.require(act.actor, offer, 'edit');
      await this.checkTargets(tx, input);
      const { data, audit: extra } = await change(tx, offer);
      const { after, to } = await this.transitions.apply(tx, act, offer, 'edit', { data, before: offer, after: (o) => ({ ...o, ...extra, targets: this.targetSummary(input) }) });
      await this.writeTargets(tx, id, input, offer.centreId);
      if (input.targetAll) await this.writeDiffusion(tx, id, input.diffusionCentreIds, offer.centreId);
      return { offer: after.offer, requeued: to !== offer.status };
    });
  }
}
