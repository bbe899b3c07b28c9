import { audit } from '../../audit/audit.js';
import { queueInvitation } from '../../auth/invitations.js';
import type { Act } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import type { CompanyRole, Locale, MembershipStatus } from '../../generated/prisma/client.js';
import { translate } from '../../i18n/index.js';
import type { AdminInput, ContactInput } from './companies.schemas.js';

export const personUserSelect = { id: true, email: true, civility: true, firstName: true, lastName: true, phone: true, active: true } as const;

/**
 * The person who registers a company is anonymous until the last screen creates their account;
 * from then on the registration's audit rows name them as the actor.
 */
export function registrantActor(u: { id: number; email: string; firstName: string; lastName: string; locale: Locale }): Actor {
  return {
    id: u.id,
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    locale: u.locale,
    isPlatformAdmin: false,
    roles: ['companyAdmin'],
    centres: new Map(),
    companies: [],
    academic: [],
    student: null,
  };
}

/** Every role a user holds, whatever the module: a user without any is deactivated when removed from a company. */
export async function hasAnyRole(tx: Tx, userId: number): Promise<boolean> {
  const u = await tx.user.findUniqueOrThrow({
    where: { id: userId },
    select: { isPlatformAdmin: true, studentProfile: { select: { id: true } }, _count: { select: { companyMembers: true, academicRoles: true, centreStaff: true } } },
  });
  return u.isPlatformAdmin || !!u.studentProfile || u._count.companyMembers + u._count.academicRoles + u._count.centreStaff > 0;
}

export type PersonInput = (AdminInput | ContactInput) & { phone: string | null };

/**
 * One person of a company, inside the caller's transaction: the account (no password; or an
 * existing deactivated account brought back), the membership, the organisation's contact card
 * linked to the account (an unlinked card with the same e-mail is reused), the audit rows, and the
 * invitation e-mail with a single-use link to choose a password.
 */
export async function addCompanyPerson(
  tx: Tx,
  act: Act,
  organisation: { id: number; legalName: string },
  person: PersonInput,
  opts: {
    role: CompanyRole;
    canPublishOffers: boolean;
    /** PENDING for the people of a claim, until the reference centre confirms it (authz/memberships.ts). */
    status?: MembershipStatus;
    locale: Locale;
    baseUrl: string;
    /** The account to create, or an existing one to reactivate (checked by the caller). */
    reactivateUserId?: number;
    user?: { id: number; email: string; firstName: string; lastName: string; locale: Locale };
    reasonKey: string;
    reasonParams?: Record<string, string>;
  },
) {
  const { actor, requestId } = act;
  const identity = { civility: person.civility, firstName: person.firstName, lastName: person.lastName, phone: person.phone };
  let user = opts.user;
  if (!user && opts.reactivateUserId) {
    const before = await tx.user.findUniqueOrThrow({ where: { id: opts.reactivateUserId }, select: personUserSelect });
    // The old password goes: the invitation link sets a new one.
    const updated = await tx.user.update({ where: { id: opts.reactivateUserId }, data: { ...identity, active: true, passwordHash: null, locale: opts.locale } });
    await audit(tx, { actorId: actor.id, action: 'user.reactivate', entityType: 'User', entityId: updated.id, before, after: pickUser(updated), requestId });
    user = updated;
  } else if (!user) {
    const created = await tx.user.create({ data: { ...identity, email: person.email, locale: opts.locale, passwordHash: null } });
    await audit(tx, { actorId: actor.id, action: 'user.create', entityType: 'User', entityId: created.id, after: pickUser(created), requestId });
    user = created;
  }

  const membership = await tx.companyMembership.create({
    data: { userId: user.id, organisationId: organisation.id, role: opts.role, canPublishOffers: opts.canPublishOffers, status: opts.status ?? 'CONFIRMED' },
  });
  await audit(tx, { actorId: actor.id, action: 'companyMembership.create', entityType: 'CompanyMembership', entityId: membership.id, after: membership, requestId });

  const card = { civility: person.civility, firstName: person.firstName, lastName: person.lastName, function: person.function, email: person.email, phone: person.phone, userId: user.id };
  const unlinked = await tx.contact.findFirst({
    where: { organisationId: organisation.id, userId: null, email: { equals: person.email, mode: 'insensitive' } },
    orderBy: { id: 'asc' },
  });
  let contact;
  if (unlinked) {
    contact = await tx.contact.update({ where: { id: unlinked.id }, data: card });
    await audit(tx, { actorId: actor.id, action: 'contact.link', entityType: 'Contact', entityId: contact.id, before: unlinked, after: contact, requestId });
  } else {
    contact = await tx.contact.create({ data: { ...card, organisationId: organisation.id } });
    await audit(tx, { actorId: actor.id, action: 'contact.create', entityType: 'Contact', entityId: contact.id, after: contact, requestId });
  }

  await queueInvitation(tx, { id: user.id, email: user.email, firstName: user.firstName, locale: opts.locale }, {
    baseUrl: opts.baseUrl,
    now: act.now,
    reasonKey: opts.reasonKey,
    reasonParams: {
      organisation: organisation.legalName,
      email: user.email,
      publish: translate(opts.locale, opts.canPublishOffers ? 'companies.mail.mayPublish' : 'companies.mail.mayNotPublish'),
      ...opts.reasonParams,
    },
    invitedBy: `${actor.firstName} ${actor.lastName}`,
  });
  return { user, membership, contact };
}

/**
 * A person leaves a company, inside the caller's transaction: the membership goes (audited as
 * `action`, with `reason` when there is one), the contact cards stay in the directory (a tutor may
 * be named on past internships) but are no longer linked to the account, and the account is
 * deactivated when it holds no other role (its invitation links die, its sessions end).
 */
export async function leaveCompany(
  tx: Tx,
  act: Act,
  member: { id: number; userId: number; organisationId: number } & Record<string, unknown>,
  opts: { action: string; reason?: string },
) {
  const { actor, requestId } = act;
  const { user: _user, ...before } = member;
  await tx.companyMembership.delete({ where: { id: member.id } });
  await audit(tx, { actorId: actor.id, action: opts.action, entityType: 'CompanyMembership', entityId: member.id, before, after: opts.reason ? { reason: opts.reason } : undefined, requestId });

  const cards = await tx.contact.findMany({ where: { organisationId: member.organisationId, userId: member.userId } });
  for (const card of cards) {
    const after = await tx.contact.update({ where: { id: card.id }, data: { userId: null } });
    await audit(tx, { actorId: actor.id, action: 'contact.unlink', entityType: 'Contact', entityId: card.id, before: card, after, requestId });
  }

  const deactivated = !(await hasAnyRole(tx, member.userId));
  if (deactivated) {
    await tx.user.update({ where: { id: member.userId }, data: { active: false } });
    // Pending invitation links die, and open sessions end.
    await tx.passwordResetToken.updateMany({ where: { userId: member.userId, usedAt: null }, data: { usedAt: act.now } });
    await tx.$executeRaw`DELETE FROM "session" WHERE (sess->'passport'->>'user') = ${String(member.userId)}`;
    await audit(tx, { actorId: actor.id, action: 'user.deactivate', entityType: 'User', entityId: member.userId, before: { active: true }, after: { active: false }, requestId });
  }
  return { deactivated };
}

function pickUser(u: { id: number; email: string; civility: string; firstName: string; lastName: string; phone: string | null; active: boolean }) {
  return { id: u.id, email: u.email, civility: u.civility, firstName: u.firstName, lastName: u.lastName, phone: u.phone, active: u.active };
}
