import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { centresWith, hasCentreRight } from '../../authz/centres.js';
import type { Tx } from '../../db/client.js';
import { forbidden, notFound, WrongStateError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { queueEmails } from '../../mail/outbox.js';
import { leaveCompany } from '../companies/companies.core.js';

/** The memberships of a claim: PENDING until the organisation's reference centre decides. */
const pending = { status: 'PENDING' } as const satisfies Prisma.CompanyMembershipWhereInput;

const personSelect = { id: true, email: true, firstName: true, lastName: true, phone: true, locale: true } as const;

/** How many claims the queue shows at once (oldest first): claims are few, and each is decided here. */
const QUEUE_SIZE = 100;

/**
 * Claims of organisations of the directory (company registration by SIRET). The registration
 * leaves the claimant's membership, and those of the contacts they named, PENDING
 * (authz/memberships.ts: nothing granted); WRITE staff of the organisation's reference centre (the
 * platform administrator too) accept them — the memberships are confirmed — or refuse them with
 * a reason — the memberships go, the accounts without another role are deactivated, a terms
 * acceptance by the claimant is withdrawn. Both are audited and mailed to every person of the
 * claim, in one transaction. One claim at a time per organisation (registration.service.ts), so
 * the pending memberships of an organisation are one claim.
 */
export class ClaimService extends Service {
  /** The claims the actor decides on: organisations of the centres where they hold WRITE (every one for the platform administrator). */
  async queue(actor: Actor) {
    const where: Prisma.CompanyMembershipWhereInput = {
      ...pending,
      role: 'ADMIN',
      ...(actor.isPlatformAdmin ? {} : { organisation: { centreId: { in: centresWith(actor, 'WRITE') } } }),
    };
    const [total, claims] = await Promise.all([
      this.db.companyMembership.count({ where }),
      this.db.companyMembership.findMany({
        where,
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: QUEUE_SIZE,
        select: {
          createdAt: true,
          user: { select: personSelect },
          organisation: {
            select: {
              id: true,
              legalName: true,
              siret: true,
              postalCode: true,
              city: true,
              country: true,
              centre: { select: { name: true } },
              // The contacts named with the claim, confirmed or refused with it.
              members: { where: { ...pending, role: 'CONTACT' }, orderBy: { id: 'asc' }, select: { user: { select: personSelect } } },
            },
          },
        },
      }),
    ]);
    return { total, claims };
  }

  /**
   * Locks the organisation and returns its claim: 404 when the organisation is out of the
   * actor's reach (403 when they only READ in its centre), 422 when no claim awaits (decided
   * meanwhile by someone else).
   */
  private async lockClaim(tx: Tx, actor: Actor, organisationId: number) {
    const rows = await tx.$queryRaw<{ centreId: number | null; legalName: string }[]>`
      SELECT "centreId", "legalName" FROM "Organisation" WHERE id = ${organisationId} FOR UPDATE`;
    if (!rows.length) throw notFound();
    const { centreId, legalName } = rows[0];
    if (!hasCentreRight(actor, centreId, 'WRITE')) {
      if (centreId !== null && actor.centres.has(centreId)) throw forbidden();
      throw notFound();
    }
    const members = await tx.companyMembership.findMany({ where: { organisationId, ...pending }, orderBy: [{ role: 'asc' }, { id: 'asc' }], include: { user: { select: personSelect } } });
    if (!members.some((m) => m.role === 'ADMIN')) throw new WrongStateError('claim', 'decided');
    const centre = centreId ? await tx.managementCentre.findUnique({ where: { id: centreId }, select: { name: true } }) : null;
    return { organisation: { id: organisationId, legalName }, centreName: centre?.name ?? '', members };
  }

  /** Accepts the claim: its memberships are confirmed and grant their roles from now on. */
  async accept(act: Act, organisationId: number) {
    const { actor, requestId } = act;
    return this.db.$transaction(async (tx) => {
      const claim = await this.lockClaim(tx, actor, organisationId);
      for (const m of claim.members) {
        await tx.companyMembership.update({ where: { id: m.id }, data: { status: 'CONFIRMED' } });
        await audit(tx, { actorId: actor.id, action: 'companyMembership.confirm', entityType: 'CompanyMembership', entityId: m.id, before: { status: 'PENDING' }, after: { status: 'CONFIRMED' }, requestId });
      }
      await audit(tx, { actorId: actor.id, action: 'organisation.claimAccepted', entityType: 'Organisation', entityId: organisationId, after: { memberships: claim.members.map((m) => m.id) }, requestId });
      await this.mail(tx, claim, 'company-claim-accepted', { link: `${this.baseUrl}/login` });
      return claim.organisation;
    });
  }

  /**
   * Refuses the claim with a reason (mailed): its memberships go, its people's contact cards are
   * unlinked, their accounts without another role are deactivated, and the terms accepted by the
   * claimant are withdrawn. The organisation stays in the directory as it was, in its centre's
   * verification queue.
   */
  async refuse(act: Act, organisationId: number, reason: string) {
    const { actor, requestId } = act;
    return this.db.$transaction(async (tx) => {
      const claim = await this.lockClaim(tx, actor, organisationId);
      for (const m of claim.members) await leaveCompany(tx, act, m, { action: 'companyMembership.refuse', reason });
      const terms = { termsVersion: true, termsAcceptedAt: true, termsAcceptedById: true } as const;
      const before = await tx.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: terms });
      if (before.termsAcceptedById && claim.members.some((m) => m.userId === before.termsAcceptedById)) {
        const after = await tx.organisation.update({ where: { id: organisationId }, data: { termsVersion: null, termsAcceptedAt: null, termsAcceptedById: null }, select: terms });
        await audit(tx, { actorId: actor.id, action: 'organisation.termsWithdrawn', entityType: 'Organisation', entityId: organisationId, before, after, requestId });
      }
      await audit(tx, { actorId: actor.id, action: 'organisation.claimRefused', entityType: 'Organisation', entityId: organisationId, after: { memberships: claim.members.map((m) => m.id), reason }, requestId });
      await this.mail(tx, claim, 'company-claim-refused', { reason });
      return claim.organisation;
    });
  }

  /** One mail per person of the claim, in their language. */
  private async mail(tx: Tx, claim: Awaited<ReturnType<ClaimService['lockClaim']>>, template: string, data: Record<string, string>) {
    await queueEmails(
      tx,
      claim.members.map((m) => ({
        to: m.user.email,
        template,
        locale: m.user.locale,
        data: { firstName: m.user.firstName, organisation: claim.organisation.legalName, centre: claim.centreName, ...data },
      })),
    );
  }
}
