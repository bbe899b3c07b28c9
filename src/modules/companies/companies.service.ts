import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { confirmedMembership, isConfirmed } from '../../authz/memberships.js';
import type { Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/unique.js';
import type { CompanyRole, Locale } from '../../generated/prisma/client.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import { queueEmail } from '../../mail/outbox.js';
import { derivedColumns } from '../organisations/organisations.core.js';
import { addCompanyPerson, hasAnyRole, leaveCompany, personUserSelect } from './companies.core.js';
import { TERMS_VERSION, type CompanyEditInput, type ContactInput } from './companies.schemas.js';

/** Editing one of these sends a verified organisation back to the verification queue. */
export const IDENTITY_FIELDS = ['legalName', 'siret', 'nafCode', 'country'] as const;

const organisationInclude = { centre: { select: { id: true, name: true, institution: { select: { name: true } } } } } as const;

/**
 * The company area. Record-level reach lives here: an organisation the actor is not a member of
 * is a 404 (whatever its id), and so is a member of another organisation; a secondary contact
 * reaching an administrator's action is a 403 (the route's permission usually stops them first).
 * Writes lock the organisation's row and re-read the actor's membership inside the transaction.
 */
export class CompanyService extends Service {

  /** The actor's companies, in a stable order (oldest membership first). */
  async listForActor(actor: Actor) {
    return this.db.companyMembership.findMany({
      where: { userId: actor.id, ...confirmedMembership },
      select: { role: true, canPublishOffers: true, organisation: { select: { id: true, legalName: true, city: true, country: true, verified: true } } },
      orderBy: { id: 'asc' },
    });
  }

  /** The actor's claims awaiting their centre (they grant nothing: the page only says so). */
  async pendingClaims(actor: Actor) {
    return this.db.companyMembership.findMany({
      where: { userId: actor.id, NOT: confirmedMembership },
      select: { role: true, createdAt: true, organisation: { select: { legalName: true, centre: { select: { name: true, email: true, phone: true } } } } },
      orderBy: { id: 'asc' },
    });
  }

  /** The actor's role in the organisation: 404 when not a member, 403 when `min` is ADMIN and they are a contact. */
  roleIn(actor: Actor, organisationId: number, min: CompanyRole = 'CONTACT'): CompanyRole {
    const m = actor.companies.find((c) => c.organisationId === organisationId);
    if (!m) throw notFound();
    if (min === 'ADMIN' && m.role !== 'ADMIN') throw forbidden();
    return m.role;
  }

  private async lockForAdmin(tx: Tx, actor: Actor, organisationId: number) {
    const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Organisation" WHERE id = ${organisationId} FOR UPDATE`;
    if (!rows.length) throw notFound();
    const own = await tx.companyMembership.findUnique({ where: { userId_organisationId: { userId: actor.id, organisationId } }, select: { role: true, status: true } });
    if (!own || !isConfirmed(own)) throw notFound();
    if (own.role !== 'ADMIN') throw forbidden();
  }

  /** The organisation as its members see it. */
  async organisation(actor: Actor, organisationId: number, min: CompanyRole = 'CONTACT') {
    const role = this.roleIn(actor, organisationId, min);
    const organisation = await this.db.organisation.findUnique({ where: { id: organisationId }, include: organisationInclude });
    if (!organisation) throw notFound();
    const termsAcceptedBy = organisation.termsAcceptedById
      ? await this.db.user.findUnique({ where: { id: organisation.termsAcceptedById }, select: { firstName: true, lastName: true } })
      : null;
    return { organisation, role, termsAcceptedBy, termsCurrent: organisation.termsVersion === TERMS_VERSION };
  }

  /**
   * The company page: the administrator sees every member with their contact card; a secondary
   * contact sees only their own card.
   */
  async show(actor: Actor, organisationId: number) {
    const found = await this.organisation(actor, organisationId);
    const members = await this.db.companyMembership.findMany({
      where: { organisationId, ...confirmedMembership, ...(found.role === 'ADMIN' ? {} : { userId: actor.id }) },
      include: { user: { select: personUserSelect } },
      orderBy: [{ role: 'asc' }, { user: { lastName: 'asc' } }, { user: { firstName: 'asc' } }, { id: 'asc' }],
    });
    const cards = await this.db.contact.findMany({
      where: { organisationId, userId: { in: members.map((m) => m.userId) } },
      select: { id: true, userId: true, function: true, phone: true, email: true },
      orderBy: { id: 'asc' },
    });
    const people = members.map((m) => {
      const card = cards.find((c) => c.userId === m.userId) ?? null;
      return { ...m, card, function: card?.function ?? null, phone: card?.phone ?? m.user.phone ?? null };
    });
    return { ...found, people, me: people.find((p) => p.userId === actor.id) ?? null };
  }

  /**
   * The administrator edits the company's data. Changing its identity (legal name, SIRET, NAF
   * code, country) sends it back to "not verified", in its reference centre's queue.
   */
  async updateOrganisation(act: Act, organisationId: number, input: CompanyEditInput) {
    const { actor, requestId } = act;
    this.roleIn(actor, organisationId, 'ADMIN');
    const { centreId, ...fields } = input;
    return this.db.$transaction(async (tx) => {
      await this.lockForAdmin(tx, actor, organisationId);
      if (!(await tx.managementCentre.count({ where: { id: centreId } }))) throw new ValidationError({ centreId: 'companies.errors.centreUnknown' });
      const before = await tx.organisation.findUniqueOrThrow({ where: { id: organisationId } });
      const identityChanged = IDENTITY_FIELDS.some((k) => (before[k] ?? null) !== (fields[k] ?? null));
      const requeue = identityChanged && before.verified;
      const after = await tx.organisation.update({
        where: { id: organisationId },
        data: { ...fields, ...derivedColumns(fields), centreId, ...(identityChanged ? { verified: false, verifiedAt: null, verifiedById: null } : {}) },
      });
      await audit(tx, { actorId: actor.id, action: 'organisation.update', entityType: 'Organisation', entityId: organisationId, before, after, requestId });
      if (requeue) {
        await audit(tx, {
          actorId: actor.id,
          action: 'organisation.requeue',
          entityType: 'Organisation',
          entityId: organisationId,
          before: { verified: true },
          after: { verified: false, centreId, reason: IDENTITY_FIELDS.filter((k) => (before[k] ?? null) !== (fields[k] ?? null)) },
          requestId,
        });
      }
      return { organisation: after, requeued: requeue };
    });
  }

  /** The administrator accepts the current version of the terms of use. */
  async acceptTerms(act: Act, organisationId: number) {
    const { actor, requestId } = act;
    this.roleIn(actor, organisationId, 'ADMIN');
    return this.db.$transaction(async (tx) => {
      await this.lockForAdmin(tx, actor, organisationId);
      const select = { termsVersion: true, termsAcceptedAt: true, termsAcceptedById: true } as const;
      const before = await tx.organisation.findUniqueOrThrow({ where: { id: organisationId }, select });
      const after = await tx.organisation.update({ where: { id: organisationId }, data: { termsVersion: TERMS_VERSION, termsAcceptedAt: act.now, termsAcceptedById: actor.id }, select });
      await audit(tx, { actorId: actor.id, action: 'organisation.termsAccepted', entityType: 'Organisation', entityId: organisationId, before, after, requestId });
    });
  }

  /**
   * A new secondary contact: a new account (or a deactivated account that holds no role any more,
   * brought back), the membership with its right to publish, the contact card and the invitation
   * e-mail, in one transaction.
   */
  async addContact(act: Act, organisationId: number, input: ContactInput, opts: { locale: Locale }) {
    const { actor } = act;
    this.roleIn(actor, organisationId, 'ADMIN');
    try {
      return await this.db.$transaction(async (tx) => {
        await this.lockForAdmin(tx, actor, organisationId);
        const org = await tx.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { id: true, legalName: true, centre: { select: { name: true } } } });
        const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true, active: true } });
        if (existing && (existing.active || (await hasAnyRole(tx, existing.id)))) throw new ValidationError({ email: 'companies.errors.emailTaken' });
        return addCompanyPerson(tx, act, org, input, {
          role: 'CONTACT',
          canPublishOffers: input.canPublishOffers,
          locale: opts.locale,
          baseUrl: this.baseUrl,
          reactivateUserId: existing?.id,
          reasonKey: 'companies.mail.contactReason',
          reasonParams: { centre: org.centre?.name ?? '' },
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ValidationError({ email: 'companies.errors.emailTaken' });
      throw err;
    }
  }

  /** A member of this organisation (404 otherwise); administrators' rows cannot be changed here. */
  private async contactMember(tx: Tx, organisationId: number, memberId: number) {
    const member = await tx.companyMembership.findFirst({ where: { id: memberId, organisationId, ...confirmedMembership }, include: { user: { select: { ...personUserSelect, locale: true } } } });
    if (!member) throw notFound();
    if (member.role !== 'CONTACT') throw new ValidationError({ _form: 'companies.errors.adminRow' });
    return member;
  }

  /** Grants or withdraws a secondary contact's right to publish offers; the contact is told by e-mail. */
  async setPublishRight(act: Act, organisationId: number, memberId: number, canPublishOffers: boolean) {
    const { actor, requestId } = act;
    this.roleIn(actor, organisationId, 'ADMIN');
    return this.db.$transaction(async (tx) => {
      await this.lockForAdmin(tx, actor, organisationId);
      const member = await this.contactMember(tx, organisationId, memberId);
      if (member.canPublishOffers === canPublishOffers) return { changed: false, member };
      const { user, ...before } = member;
      const after = await tx.companyMembership.update({ where: { id: memberId }, data: { canPublishOffers } });
      await audit(tx, { actorId: actor.id, action: 'companyMembership.update', entityType: 'CompanyMembership', entityId: memberId, before, after, requestId });
      const org = await tx.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { legalName: true } });
      await queueEmail(tx, {
        to: user.email,
        template: 'company-publish-right',
        locale: user.locale,
        data: { firstName: user.firstName, organisation: org.legalName, canPublishOffers, by: `${actor.firstName} ${actor.lastName}`, link: `${this.baseUrl}/login` },
      });
      return { changed: true, member: { ...member, ...after } };
    });
  }

  /**
   * Removes a secondary contact from the company: the membership goes, the contact card stays in
   * the directory (a tutor may be named on past internships) but is no longer linked to the
   * account, and the account is deactivated when it holds no other role. The person is told.
   */
  async removeContact(act: Act, organisationId: number, memberId: number) {
    const { actor, requestId } = act;
    this.roleIn(actor, organisationId, 'ADMIN');
    return this.db.$transaction(async (tx) => {
      await this.lockForAdmin(tx, actor, organisationId);
      const member = await this.contactMember(tx, organisationId, memberId);
      const { user } = member;
      const { deactivated } = await leaveCompany(tx, act, member, { action: 'companyMembership.delete' });
      const org = await tx.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { legalName: true } });
      await queueEmail(tx, {
        to: user.email,
        template: 'company-contact-removed',
        locale: user.locale,
        data: { firstName: user.firstName, organisation: org.legalName, deactivated, by: `${actor.firstName} ${actor.lastName}` },
      });
      return { user, deactivated, name: `${user.firstName} ${user.lastName}` };
    });
  }
}
