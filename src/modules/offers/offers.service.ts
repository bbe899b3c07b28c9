import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { Db, Tx } from '../../db/client.js';
import { Prisma, type Offer, type OfferStatus } from '../../generated/prisma/client.js';
import { forbidden, notFound, ValidationError, WrongStateError } from '../../errors.js';
import { Service } from '../../act.js';
export { WrongStateError };
import { pager, type Meta } from '../../http/pagination.js';
import type { CheckedFile } from '../../files/upload.js';
import { fileSummary, storeFile } from '../../files/upload.js';
import { isLocale } from '../../i18n/index.js';
import { queueEmails, type QueueEmail } from '../../mail/outbox.js';
import type { BrowseInput, OfferInput, PeriodInput, ShortOfferInput, StaffSearchInput } from './offers.schemas.js';
import { browseOffers, searchOffers } from './offers.search.js';
import { viewerOf, visibleOfferSql, visibleOfferWhere, type Viewer } from './offers.visibility.js';
import { addMonths, availableActions, findTransition, isCentreWriter, targetStatus, type OfferAction, type OfferRef, type Recipient, type Transition } from './offers.workflow.js';

const detailInclude = {
  organisation: { select: { id: true, legalName: true, city: true, country: true, website: true } },
  centre: { select: { id: true, name: true } },
  author: { select: { id: true, firstName: true, lastName: true } },
  applicationContact: true,
  infoContact: true,
  attachmentFile: { select: { id: true, originalName: true, size: true, mimeType: true } },
  targetCountries: true,
  targetInstitutions: { include: { institution: { select: { id: true, name: true } } } },
  targetProgrammes: { include: { programme: { select: { id: true, name: true } } } },
  diffusionCentres: { include: { centre: { select: { id: true, name: true } } } },
} as const satisfies Prisma.OfferInclude;

export type OfferDetail = Prisma.OfferGetPayload<{ include: typeof detailInclude }>;

/** The columns an audit row keeps of an offer (no file bytes). */
function snapshot(o: Offer) {
  return o;
}

/**
 * Offers: creation (full and short forms), the workflow's transitions, the daily expiry, the
 * student list and detail (visits), the staff search. Record reach: a company member reaches their
 * organisation's offers, centre staff the offers their centres manage or receive, a platform
 * administrator every offer; anything else is a 404. Students only reach what visibleOfferWhere allows.
 */
export class OfferService extends Service {

  // ───────────── reach ─────────────

  /** The offers the actor manages or follows (company, centre staff, platform admin). */
  reachWhere(actor: Actor): Prisma.OfferWhereInput {
    if (actor.isPlatformAdmin) return {};
    const centres = [...actor.centres.keys()];
    const or: Prisma.OfferWhereInput[] = [];
    const orgs = actor.companies.map((c) => c.organisationId);
    if (orgs.length) or.push({ organisationId: { in: orgs } });
    if (centres.length) or.push({ centreId: { in: centres } }, { diffusionCentres: { some: { centreId: { in: centres } } } });
    return or.length ? { OR: or } : { id: -1 };
  }

  /** reachWhere as an SQL condition on the offer `o` (the staff search ranks in SQL). */
  reachSql(actor: Actor): Prisma.Sql {
    if (actor.isPlatformAdmin) return Prisma.sql`TRUE`;
    const centres = [...actor.centres.keys()];
    const orgs = actor.companies.map((c) => c.organisationId);
    const or: Prisma.Sql[] = [];
    if (orgs.length) or.push(Prisma.sql`o."organisationId" IN (${Prisma.join(orgs)})`);
    if (centres.length) {
      or.push(Prisma.sql`o."centreId" IN (${Prisma.join(centres)})`, Prisma.sql`EXISTS (SELECT 1 FROM "OfferDiffusionCentre" dc WHERE dc."offerId" = o.id AND dc."centreId" IN (${Prisma.join(centres)}))`);
    }
    return or.length ? Prisma.sql`(${Prisma.join(or, ' OR ')})` : Prisma.sql`FALSE`;
  }

  /** One offer within reach, with what its page shows; 404 otherwise. */
  async get(actor: Actor, id: number) {
    const offer = await this.db.offer.findFirst({ where: { AND: [{ id }, this.reachWhere(actor)] }, include: detailInclude });
    if (!offer) throw notFound();
    const history = await this.db.auditLog.findMany({
      where: { entityType: 'Offer', entityId: String(id) },
      orderBy: { id: 'asc' },
      select: { id: true, action: true, createdAt: true, actor: { select: { firstName: true, lastName: true } } },
    });
    return { offer, history, actions: availableActions(actor, offer) };
  }

  /** The actor's offers: their companies' and their centres'. */
  async listManaged(actor: Actor, page: number, status?: OfferStatus) {
    const where: Prisma.OfferWhereInput = { AND: [this.reachWhere(actor), status ? { status } : {}] };
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

  /** PENDING_SCHOOL offers of the centres where the actor has WRITE. */
  async moderationQueue(actor: Actor) {
    const centres = [...actor.centres.entries()].filter(([, r]) => r !== 'READ').map(([id]) => id);
    const where: Prisma.OfferWhereInput = { status: 'PENDING_SCHOOL', ...(actor.isPlatformAdmin ? {} : { centreId: { in: centres } }) };
    return this.db.offer.findMany({
      where,
      orderBy: { updatedAt: 'asc' },
      take: 200,
      select: { id: true, title: true, kind: true, updatedAt: true, organisation: { select: { legalName: true } }, centre: { select: { name: true } } },
    });
  }

  // ───────────── creation ─────────────

  /** What the creation form offers: the companies the actor publishes for, the centres where they write, every centre (moderator), targets. */
  async formOptions(actor: Actor, organisationId?: number | null) {
    const publishOrgIds = actor.companies.filter((c) => c.role === 'ADMIN' || c.canPublishOffers).map((c) => c.organisationId);
    const writeCentreIds = [...actor.centres.entries()].filter(([, r]) => r !== 'READ').map(([id]) => id);
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
    const org = await tx.organisation.findUnique({ where: { id: organisationId }, select: { id: true, legalName: true } });
    if (!org) throw new ValidationError({ organisationId: 'offers.errors.organisationUnknown' });
    if (!(await tx.managementCentre.count({ where: { id: centreId } }))) throw new ValidationError({ centreId: 'offers.errors.centreUnknown' });
    const m = actor.companies.find((c) => c.organisationId === organisationId);
    if (m) {
      // Re-read the right inside the transaction: it may have been withdrawn since sign-in.
      const live = await tx.companyMembership.findUnique({ where: { userId_organisationId: { userId: actor.id, organisationId } }, select: { role: true, canPublishOffers: true } });
      if (!live || (live.role !== 'ADMIN' && !live.canPublishOffers)) throw new ValidationError({ organisationId: 'offers.errors.noPublishRight' });
      return { fromCompany: true };
    }
    if (isCentreWriter(actor, { centreId })) return { fromCompany: false };
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
  private async writeTargets(tx: Tx, offerId: number, input: { targetAll: boolean; targetCountries: string[]; targetInstitutionIds: number[]; targetProgrammeIds: number[]; diffusionCentreIds: number[] }, centreId: number | null) {
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
  async create(actor: Actor, input: OfferInput, meta: Meta = {}) {
    return this.db.$transaction(async (tx) => {
      const { fromCompany } = await this.ownership(tx, actor, input.organisationId, input.centreId);
      await this.checkContacts(tx, input.organisationId, [input.applicationContactId, input.infoContactId]);
      await this.checkTargets(tx, input);
      const offer = await tx.offer.create({
        data: { ...this.fields(input), organisationId: input.organisationId, centreId: input.centreId, authorId: actor.id, fromCompany, status: 'DRAFT' },
      });
      await this.writeTargets(tx, offer.id, input, offer.centreId);
      if (input.targetAll) await this.writeDiffusion(tx, offer.id, input.diffusionCentreIds, offer.centreId);
      await audit(tx, { actorId: actor.id, action: 'offer.create', entityType: 'Offer', entityId: offer.id, after: { ...snapshot(offer), targets: this.targetSummary(input) }, requestId: meta.requestId });
      return offer;
    });
  }

  /** A new offer from the short form: the essentials and a file (≤ 500 KB, checked by content) or a link. */
  async createShort(actor: Actor, input: ShortOfferInput, file: CheckedFile | null, meta: Meta = {}) {
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
        after: { ...snapshot(offer), attachment: stored ? fileSummary(stored) : null, targets: this.targetSummary(input) },
        requestId: meta.requestId,
      });
      return offer;
    });
  }

  private targetSummary(input: { targetAll: boolean; targetCountries: string[]; targetInstitutionIds: number[]; targetProgrammeIds: number[]; diffusionCentreIds: number[] }) {
    return { all: input.targetAll, countries: input.targetCountries, institutions: input.targetInstitutionIds, programmes: input.targetProgrammeIds, diffusionCentres: input.diffusionCentreIds };
  }

  // ───────────── transitions ─────────────

  /** Locks the offer's row and checks the transition; 404 out of reach, 422 wrong state, 403 wrong role. */
  private async lockFor(tx: Tx, actor: Actor | null, id: number, action: OfferAction) {
    const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Offer" WHERE id = ${id} FOR UPDATE`;
    if (!rows.length) throw notFound();
    const offer = await tx.offer.findFirst({ where: actor ? { AND: [{ id }, this.reachWhere(actor)] } : { id } });
    if (!offer) throw notFound();
    const check = findTransition(actor, offer, action);
    if (!check.ok) throw check.reason === 'state' ? new WrongStateError(action, offer.status) : forbidden();
    return { offer, transition: check.transition };
  }

  /**
   * Applies one transition of the table (submit, approve, reject, renew, fill, cancel, archive…):
   * the status, its audit row and the mails of `tell`, in one transaction.
   */
  async act(actor: Actor | null, id: number, action: OfferAction, input: { period?: PeriodInput; reason?: string } = {}, meta: Meta = {}, db: Db = this.db) {
    return db.$transaction(async (tx) => {
      const { offer, transition } = await this.lockFor(tx, actor, id, action);
      if (transition.needs === 'period' && !input.period) throw new ValidationError({ diffusionMonths: 'offers.errors.period' });
      if (transition.needs === 'reason' && !input.reason) throw new ValidationError({ reason: 'errors.field.required' });
      const to = targetStatus(transition, offer);
      const data: Prisma.OfferUncheckedUpdateInput = { status: to };
      if (transition.needs === 'period' && input.period) {
        const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00.000Z');
        const from = input.period.publishFrom && input.period.publishFrom > today ? input.period.publishFrom : today;
        Object.assign(data, { publishFrom: from, publishUntil: addMonths(from, input.period.diffusionMonths), diffusionMonths: input.period.diffusionMonths, rejectionReason: null });
      }
      if (transition.needs === 'reason') data.rejectionReason = input.reason!;
      const after = await tx.offer.update({ where: { id }, data });
      await audit(tx, {
        actorId: actor?.id ?? null,
        action: `offer.${action}`,
        entityType: 'Offer',
        entityId: id,
        before: { status: offer.status, publishFrom: offer.publishFrom, publishUntil: offer.publishUntil },
        after: { status: after.status, publishFrom: after.publishFrom, publishUntil: after.publishUntil, ...(input.reason ? { reason: input.reason } : {}) },
        requestId: meta.requestId,
      });
      await this.tell(tx, transition, after, actor, input.reason);
      return after;
    });
  }

  /** The mails a transition sends, queued in its transaction. */
  private async tell(tx: Tx, transition: Transition, offer: Offer, actor: Actor | null, reason?: string) {
    if (!transition.tell?.length) return;
    const org = await tx.organisation.findUniqueOrThrow({ where: { id: offer.organisationId }, select: { legalName: true } });
    const msgs: QueueEmail[] = [];
    for (const { to, template } of transition.tell) {
      for (const u of await this.recipients(tx, to, offer)) {
        if (actor && u.id === actor.id) continue;
        msgs.push({
          to: u.email,
          template,
          locale: isLocale(u.locale) ? u.locale : 'fr',
          data: {
            firstName: u.firstName,
            number: offer.id,
            title: offer.title,
            organisation: org.legalName,
            reason: reason ?? '',
            until: offer.publishUntil ? offer.publishUntil.toISOString().slice(0, 10) : '',
            by: actor ? `${actor.firstName} ${actor.lastName}` : '',
            link: `${this.baseUrl}/offers/manage/${offer.id}`,
          },
        });
      }
    }
    await queueEmails(tx, msgs);
  }

  private async recipients(tx: Tx, to: Recipient, offer: Offer) {
    const select = { id: true, email: true, firstName: true, locale: true, active: true } as const;
    if (to === 'author') {
      const u = offer.authorId ? await tx.user.findUnique({ where: { id: offer.authorId }, select }) : null;
      return u && u.active ? [u] : [];
    }
    if (to === 'companyAdmins') {
      const rows = await tx.companyMembership.findMany({ where: { organisationId: offer.organisationId, role: 'ADMIN', user: { active: true } }, select: { user: { select } } });
      return rows.map((r) => r.user);
    }
    if (!offer.centreId) return [];
    const rows = await tx.centreStaff.findMany({ where: { centreId: offer.centreId, right: { in: ['WRITE', 'ADMIN'] }, user: { active: true } }, select: { user: { select } } });
    return rows.map((r) => r.user);
  }

  /** Edits an offer with the full form (a short-form offer becomes a full one). */
  async update(actor: Actor, id: number, input: OfferInput, meta: Meta = {}) {
    return this.edit(actor, id, input, meta, async (tx, offer) => {
      await this.checkContacts(tx, offer.organisationId, [input.applicationContactId, input.infoContactId]);
      return { data: { ...this.fields(input), shortForm: false } };
    });
  }

  /**
   * Edits a short-form offer with the short form: a new file replaces the old one and clears the
   * link, a link replaces the file; with neither, what the offer had stays.
   */
  async updateShort(actor: Actor, id: number, input: ShortOfferInput, file: CheckedFile | null, meta: Meta = {}) {
    if (file && input.link) throw new ValidationError({ link: 'offers.errors.fileAndLink' });
    return this.edit(actor, id, input, meta, async (tx, offer) => {
      if (!offer.shortForm) throw new ValidationError({ title: 'offers.errors.notShort' });
      const stored = file ? await storeFile(tx, file, actor.id) : null;
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
    actor: Actor,
    id: number,
    input: { targetAll: boolean; targetCountries: string[]; targetInstitutionIds: number[]; targetProgrammeIds: number[]; diffusionCentreIds: number[] },
    meta: Meta,
    change: (tx: Tx, offer: Offer) => Promise<{ data: Prisma.OfferUncheckedUpdateInput; audit?: Record<string, unknown> }>,
  ) {
    return this.db.$transaction(async (tx) => {
      const { offer, transition } = await this.lockFor(tx, actor, id, 'edit');
      await this.checkTargets(tx, input);
      const { data, audit: extra } = await change(tx, offer);
      const to = targetStatus(transition, offer);
      const after = await tx.offer.update({ where: { id }, data: { ...data, status: to } });
      await this.writeTargets(tx, id, input, offer.centreId);
      if (input.targetAll) await this.writeDiffusion(tx, id, input.diffusionCentreIds, offer.centreId);
      await audit(tx, { actorId: actor.id, action: 'offer.edit', entityType: 'Offer', entityId: id, before: offer, after: { ...after, ...extra, targets: this.targetSummary(input) }, requestId: meta.requestId });
      if (to !== offer.status) await this.tell(tx, transition, after, actor);
      return { offer: after, requeued: to !== offer.status };
    });
  }

  /** A DRAFT copy of the offer (same company, centre and targets), written by the actor. */
  async duplicate(actor: Actor, id: number, meta: Meta = {}) {
    return this.db.$transaction(async (tx) => {
      const { offer } = await this.lockFor(tx, actor, id, 'duplicate');
      const { id: _id, status: _s, visits: _v, createdAt: _c, updatedAt: _u, publishFrom: _pf, publishUntil: _pu, diffusionMonths: _dm, rejectionReason: _rr, authorId: _a, ...copy } = offer;
      const created = await tx.offer.create({ data: { ...copy, status: 'DRAFT', authorId: actor.id } });
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
      await audit(tx, { actorId: actor.id, action: 'offer.duplicate', entityType: 'Offer', entityId: created.id, after: { ...created, copiedFrom: id }, requestId: meta.requestId });
      return created;
    });
  }

  /** Moves the offer to another management centre; its contacts and targets stay with it. */
  async transfer(actor: Actor, id: number, centreId: number, meta: Meta = {}) {
    return this.db.$transaction(async (tx) => {
      const { offer } = await this.lockFor(tx, actor, id, 'transfer');
      if (centreId === offer.centreId) throw new ValidationError({ centreId: 'offers.errors.sameCentre' });
      if (!(await tx.managementCentre.count({ where: { id: centreId } }))) throw new ValidationError({ centreId: 'offers.errors.centreUnknown' });
      const after = await tx.offer.update({ where: { id }, data: { centreId } });
      await tx.offerDiffusionCentre.deleteMany({ where: { offerId: id, centreId } });
      await audit(tx, { actorId: actor.id, action: 'offer.transfer', entityType: 'Offer', entityId: id, before: { centreId: offer.centreId }, after: { centreId }, requestId: meta.requestId });
      return after;
    });
  }

  /**
   * The daily job: every PUBLISHED offer whose period has ended becomes EXPIRED, one transition of
   * the table each (audited, actor null). Returns how many.
   */
  async expireDue(now = new Date()) {
    const due = await this.db.offer.findMany({ where: { status: 'PUBLISHED', publishUntil: { lte: now } }, select: { id: true }, orderBy: { id: 'asc' } });
    let n = 0;
    for (const { id } of due) {
      try {
        await this.act(null, id, 'expire');
        n++;
      } catch (err) {
        // Changed meanwhile (filled, renewed): nothing to do.
        if (!(err instanceof WrongStateError)) throw err;
      }
    }
    return n;
  }

  // ───────────── students ─────────────

  /** The student as the visibility rule needs them (their institution's country). */
  private async viewer(actor: Actor): Promise<Viewer> {
    if (!actor.student) throw forbidden();
    return viewerOf(this.db, actor.student);
  }

  private async studentScope(actor: Actor) {
    return visibleOfferWhere(await this.viewer(actor));
  }

  /** The student's list: visible offers only, filtered, best keyword match then newest first. */
  async browse(actor: Actor, input: BrowseInput, page: number) {
    return browseOffers(this.db, visibleOfferSql(await this.viewer(actor)), input, page);
  }

  /** One visible offer (404 otherwise); the visit is counted once per student per day. */
  async showForStudent(actor: Actor, id: number) {
    const scope = await this.studentScope(actor);
    const offer = await this.db.offer.findFirst({ where: { AND: [{ id }, scope] }, include: detailInclude });
    if (!offer) throw notFound();
    await this.countVisit(id, actor.student!.profileId);
    return offer;
  }

  /**
   * The attached file of a short-form offer, for a student who may see the offer or for someone
   * who manages it; anything else is a 404.
   */
  async attachment(actor: Actor, id: number, as: 'student' | 'manager') {
    const scope = as === 'student' ? await this.studentScope(actor) : this.reachWhere(actor);
    const offer = await this.db.offer.findFirst({ where: { AND: [{ id }, scope] }, select: { attachmentFile: true } });
    if (!offer?.attachmentFile) throw notFound();
    return offer.attachmentFile;
  }

  /** One OfferVisit row per student per day; the counter moves only when the row is new. */
  private async countVisit(offerId: number, studentId: number) {
    await this.db.$transaction(async (tx) => {
      const inserted = await tx.$executeRaw`INSERT INTO "OfferVisit" ("offerId", "studentId", "day") VALUES (${offerId}, ${studentId}, CURRENT_DATE) ON CONFLICT DO NOTHING`;
      if (inserted > 0) await tx.offer.update({ where: { id: offerId }, data: { visits: { increment: 1 } } });
    });
  }

  // ───────────── staff search ─────────────

  async staffSearch(actor: Actor, input: StaffSearchInput, page: number) {
    return searchOffers(this.db, this.reachSql(actor), input, page);
  }
}

export type { OfferRef };
