import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import { warnAddressTaken } from '../../auth/address-taken.js';
import type { Actor } from '../../authz/actor.js';
import { confirmedMembership } from '../../authz/memberships.js';
import type { Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/unique.js';
import type { Locale } from '../../generated/prisma/client.js';
import { ValidationError } from '../../errors.js';
import { createOrganisation, findPossibleDuplicates } from '../organisations/organisations.core.js';
import type { OrganisationInput } from '../organisations/organisations.schemas.js';
import { addCompanyPerson, registrantActor } from './companies.core.js';
import { TERMS_VERSION } from './companies.schemas.js';
import type { RegistrationDone, RegistrationState } from './registration.state.js';

/** What a visitor may learn of an organisation found by its SIRET before claiming it. */
const claimSelect = { id: true, legalName: true, siret: true, addressLine1: true, postalCode: true, city: true, country: true, verified: true } as const;

export type LookupResult = { kind: 'administered' } | { kind: 'claimPending' } | { kind: 'claim'; organisationId: number } | { kind: 'notFound' };

/**
 * An administrator, confirmed or claiming: one claim at a time. While a claim awaits its centre,
 * nobody else may claim the organisation (the centre refuses it first, or accepts it).
 */
const anyAdministrator = { members: { where: { role: 'ADMIN' } } } as const;

/**
 * Company self-registration ("Stages des Pôles", 4 screens). The screens keep their data in a
 * wizard draft (RegistrationState); these checks run on each screen, and `register` writes
 * everything in one transaction once the terms are accepted, the draft's deletion included. The visitor is anonymous: the registration's
 * audit rows name the administrator account it creates.
 */
export class RegistrationService extends Service {

  /** The management centres a company may choose as its reference ("pôle/centre de référence"). */
  async centres() {
    return this.db.managementCentre.findMany({
      select: { id: true, name: true, city: true, institution: { select: { name: true } } },
      orderBy: [{ institution: { name: 'asc' } }, { name: 'asc' }, { id: 'asc' }],
    });
  }

  async centreName(id: number): Promise<string | null> {
    return (await this.db.managementCentre.findUnique({ where: { id }, select: { name: true } }))?.name ?? null;
  }

  async assertCentre(id: number) {
    if (!(await this.centreName(id))) throw new ValidationError({ centreId: 'companies.errors.centreUnknown' });
  }

  /**
   * Screen 1a. An organisation of the directory with this SIRET: refused when it already has a
   * confirmed administrator (who it is is not told) or a claim awaiting its centre, claimable
   * otherwise (the verified one first).
   */
  async lookup(siret: string): Promise<LookupResult> {
    const found = await this.db.organisation.findMany({
      where: { siret },
      select: { id: true, verified: true, _count: { select: { members: { where: { role: 'ADMIN', ...confirmedMembership } } } } },
      orderBy: [{ verified: 'desc' }, { id: 'asc' }],
    });
    if (!found.length) return { kind: 'notFound' };
    if (found.some((o) => o._count.members > 0)) return { kind: 'administered' };
    if (await this.db.companyMembership.count({ where: { organisationId: { in: found.map((o) => o.id) }, role: 'ADMIN' } })) return { kind: 'claimPending' };
    return { kind: 'claim', organisationId: found[0].id };
  }

  /** The organisation to claim, while it still has no administrator; null otherwise. */
  async claimable(id: number) {
    const org = await this.db.organisation.findUnique({ where: { id }, select: { ...claimSelect, _count: { select: anyAdministrator } } });
    if (!org || org._count.members > 0) return null;
    const { _count, ...rest } = org;
    return rest;
  }

  /**
   * Screen 1b, a new organisation: a SIRET already in the directory must be claimed through the
   * search instead; other possible duplicates (same name and postal code) are returned for the
   * warning until the visitor confirms theirs is another organisation.
   */
  async checkNewOrganisation(input: OrganisationInput, confirmed: boolean) {
    if (input.siret && (await this.db.organisation.count({ where: { siret: input.siret } }))) {
      throw new ValidationError({ siret: 'companies.errors.siretExists' });
    }
    const duplicates = await findPossibleDuplicates(this.db, input);
    return confirmed ? [] : duplicates;
  }

  /**
   * Screens 2 and 3: an e-mail not used twice in the registration. Whether it already has an
   * account is not said here (the form would tell anyone who has one): see `register`.
   */
  async assertEmailFree(email: string, others: string[], field = 'email') {
    if (others.includes(email)) throw new ValidationError({ [field]: 'companies.errors.emailTwice' });
  }

  /** What the summary of screen 4 shows of screen 1. */
  async organisationSummary(state: RegistrationState) {
    const o = state.organisation;
    if (!o) return null;
    const centreName = (await this.centreName(o.centreId)) ?? '';
    if (o.mode === 'create') return { mode: o.mode, organisation: o.input, centreName };
    const org = await this.claimable(o.organisationId);
    return org ? { mode: o.mode, organisation: org, centreName } : null;
  }

  /**
   * The last screen: in one transaction, the organisation (created unverified, or claimed and sent
   * back to the verification queue), the administrator and each secondary contact (account without
   * password, membership, contact card), the terms' acceptance, the audit rows and one invitation
   * e-mail per account. The memberships of a claim are PENDING: they grant nothing until WRITE
   * staff of the chosen centre confirm the claim (organisations/claims.service.ts); those of a new
   * organisation are confirmed at once (its data is the registrant's own, not someone else's).
   * Throws ValidationError({ _form }) when something changed since the screens were filled (the
   * organisation claimed meanwhile, the centre removed).
   * `discard` deletes the wizard's draft in the same transaction.
   *
   * An address that already has an account is mailed a warning instead of an invitation, and the
   * confirmation is the same as for a new address: the administrator's creates nothing at all (no
   * organisation without its administrator), a contact's is left out of the registration.
   */
  async register(state: RegistrationState, act: Act<Actor | null>, opts: { locale: Locale; discard: (tx: Tx) => Promise<void>; retried?: boolean }): Promise<RegistrationDone> {
    const { organisation: o, admin, contacts } = state;
    if (!o || !admin || !state.contactsDone) throw new ValidationError({ _form: 'companies.errors.incomplete' });
    const { requestId, now } = act;
    try {
      return await this.db.$transaction(
        async (tx) => {
          let centre = await tx.managementCentre.findUnique({ where: { id: o.centreId }, select: { id: true, name: true } });
          if (!centre) throw new ValidationError({ _form: 'companies.errors.centreGone' });
          const emails = [admin.email, ...contacts.map((c) => c.email)];
          const holders = await tx.user.findMany({ where: { email: { in: emails } }, select: { id: true, email: true, firstName: true, locale: true } });
          for (const h of holders) await warnAddressTaken(tx, h, { baseUrl: this.baseUrl, now, requestId, form: 'company' });
          const taken = new Set(holders.map((h) => h.email));
          if (taken.has(admin.email)) {
            await opts.discard(tx);
            const name = o.mode === 'create' ? o.input.legalName : (await tx.organisation.findUnique({ where: { id: o.organisationId }, select: { legalName: true } }))?.legalName;
            return { legalName: name ?? '', centreName: centre.name, claimed: o.mode === 'claim', emails };
          }

          const adminUser = await tx.user.create({
            data: { email: admin.email, civility: admin.civility, firstName: admin.firstName, lastName: admin.lastName, phone: admin.phone, locale: opts.locale, passwordHash: null },
          });
          // From here on the registration's rows name the new administrator.
          const asAdmin: Act = { actor: registrantActor(adminUser), requestId, now };
          await audit(tx, {
            actorId: adminUser.id,
            action: 'user.create',
            entityType: 'User',
            entityId: adminUser.id,
            after: { id: adminUser.id, email: adminUser.email, civility: adminUser.civility, firstName: adminUser.firstName, lastName: adminUser.lastName, phone: adminUser.phone },
            requestId,
          });

          let org: { id: number; legalName: string };
          if (o.mode === 'create') {
            org = await createOrganisation(tx, asAdmin, o.input, { verified: false, centreId: centre.id });
          } else {
            // The row lock serialises two registrations claiming the same organisation.
            const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "Organisation" WHERE id = ${o.organisationId} FOR UPDATE`;
            if (!locked.length) throw new ValidationError({ _form: 'companies.errors.organisationGone' });
            // An administrator confirmed or claiming meanwhile: one claim at a time.
            if (await tx.companyMembership.count({ where: { organisationId: o.organisationId, ...anyAdministrator.members.where } })) {
              throw new ValidationError({ _form: 'companies.errors.claimedMeanwhile' });
            }
            const before = await tx.organisation.findUniqueOrThrow({ where: { id: o.organisationId } });
            // A claim changes nothing of the organisation until it is confirmed: it keeps its
            // verification and its reference centre, which decides the claim; the centre chosen
            // becomes its reference only when it had none.
            if (before.centreId !== null && before.centreId !== centre.id) {
              centre = await tx.managementCentre.findUniqueOrThrow({ where: { id: before.centreId }, select: { id: true, name: true } });
            }
            org = await tx.organisation.update({ where: { id: o.organisationId }, data: { centreId: centre.id } });
            await audit(tx, { actorId: adminUser.id, action: 'organisation.claim', entityType: 'Organisation', entityId: org.id, before, after: org, requestId });
          }

          const claim = o.mode === 'claim';
          const common = { locale: opts.locale, baseUrl: this.baseUrl, reasonParams: { centre: centre.name }, status: claim ? ('PENDING' as const) : ('CONFIRMED' as const) };
          const adminPerson = await addCompanyPerson(tx, asAdmin, org, admin, {
            ...common,
            role: 'ADMIN',
            canPublishOffers: true,
            user: adminUser,
            reasonKey: claim ? 'companies.mail.claimAdminReason' : 'companies.mail.adminReason',
          });
          const people = [];
          for (const c of contacts.filter((x) => !taken.has(x.email))) {
            const reasonKey = claim ? 'companies.mail.claimContactReason' : 'companies.mail.contactReason';
            people.push(await addCompanyPerson(tx, asAdmin, org, c, { ...common, role: 'CONTACT', canPublishOffers: c.canPublishOffers, reasonKey }));
          }

          const beforeTerms = await tx.organisation.findUniqueOrThrow({ where: { id: org.id }, select: { termsVersion: true, termsAcceptedAt: true, termsAcceptedById: true } });
          const terms = await tx.organisation.update({
            where: { id: org.id },
            data: { termsVersion: TERMS_VERSION, termsAcceptedAt: now, termsAcceptedById: adminUser.id },
            select: { termsVersion: true, termsAcceptedAt: true, termsAcceptedById: true },
          });
          await audit(tx, { actorId: adminUser.id, action: 'organisation.termsAccepted', entityType: 'Organisation', entityId: org.id, before: beforeTerms, after: terms, requestId });
          await audit(tx, {
            actorId: adminUser.id,
            action: 'company.register',
            entityType: 'Organisation',
            entityId: org.id,
            after: {
              mode: o.mode,
              centreId: centre.id,
              adminUserId: adminUser.id,
              adminMembershipId: adminPerson.membership.id,
              contacts: people.map((p) => ({ userId: p.user.id, membershipId: p.membership.id, contactId: p.contact.id, canPublishOffers: p.membership.canPublishOffers })),
              termsVersion: TERMS_VERSION,
            },
            requestId,
          });
          await opts.discard(tx);
          return { legalName: org.legalName, centreName: centre.name, claimed: o.mode === 'claim', emails };
        },
        { timeout: 30_000 },
      );
    } catch (err) {
      // Two registrations with the same e-mail at once: the database's unique index decides, and the
      // second try finds the address taken (a warning mail, the same confirmation).
      if (isUniqueViolation(err) && !opts.retried) return this.register(state, act, { ...opts, retried: true });
      if (isUniqueViolation(err)) throw new ValidationError({ _form: 'companies.errors.emailTakenRace' });
      throw err;
    }
  }
}
