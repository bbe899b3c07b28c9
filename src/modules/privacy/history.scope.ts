import type { Actor } from '../../authz/actor.js';
import { can } from '../../authz/policy.js';
import type { DbOrTx } from '../../db/client.js';
import { notFound } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { agreementReachWhere } from '../agreements/agreements.reach.js';
import { reachWhere as offerReachWhere } from '../offers/offers.reach.js';

/**
 * Whose history a page shows, who may open it and which audit rows belong to it. Each kind asks
 * its own module's reach; the history is the school's: the student and company sides of a reach
 * never open it (the policy's 'history.view' already leaves those roles out, this leaves out the
 * student or company part of someone who is also staff).
 */
export const HISTORY_KINDS = ['agreement', 'offer', 'organisation', 'account'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** The record a history page is about: what names it and where its own page is. */
export interface HistoryRecord {
  kind: HistoryKind;
  id: number;
  name: string;
  href: string;
}

/** The actor as school staff only: no student profile, no company. */
function staffSide(actor: Actor): Actor {
  return { ...actor, student: null, companies: [] };
}

/** The record within the actor's reach; a 404 otherwise (or when there is no such record). */
export async function recordInReach(db: DbOrTx, actor: Actor, kind: HistoryKind, id: number): Promise<HistoryRecord> {
  const found = await find(db, actor, kind, id);
  if (!found) throw notFound();
  return { kind, id, ...found };
}

async function find(db: DbOrTx, actor: Actor, kind: HistoryKind, id: number): Promise<{ name: string; href: string } | null> {
  switch (kind) {
    case 'agreement': {
      const a = await db.agreement.findFirst({ where: { AND: [{ id }, agreementReachWhere(staffSide(actor))] }, select: { academicYear: true, seq: true } });
      return a && { name: agreementNumber(a), href: `/agreements/${id}` };
    }
    case 'offer': {
      const o = await db.offer.findFirst({ where: { AND: [{ id }, offerReachWhere(staffSide(actor))] }, select: { title: true } });
      // The managers' page for who may manage offers, the staff search's read-only one otherwise.
      return o && { name: o.title, href: can(actor, 'offers.manage') ? `/offers/manage/${id}` : `/offers/search/${id}` };
    }
    case 'organisation': {
      // The directory: whoever may search it sees every organisation (organisations.service.ts).
      if (!can(actor, 'organisations.search')) return null;
      const o = await db.organisation.findUnique({ where: { id }, select: { legalName: true } });
      return o && { name: o.legalName, href: `/organisations/${id}` };
    }
    case 'account': {
      // Accounts are the platform administrator's (the user list, 'users.manage').
      if (!can(actor, 'users.manage')) return null;
      const u = await db.user.findUnique({ where: { id }, select: { firstName: true, lastName: true } });
      return u && { name: `${u.firstName} ${u.lastName}`, href: '/admin/users' };
    }
  }
}

/**
 * The audit rows' (entityType, entityId) pairs that make up a record's history, as the body of a
 * `keys(t, id)` CTE: the record's own rows and those of its parts logged under their own type.
 * Parts deleted since (an amendment, a contact, a right) are found by the id their deletion or
 * creation row names, so their history stays with the record.
 */
export function historyKeys(kind: HistoryKind, id: number): Prisma.Sql {
  const s = String(id);
  switch (kind) {
    case 'agreement':
      // Signatures and amendments are logged under their own ids; the mid-term report under the agreement's.
      return Prisma.sql`
        SELECT 'Agreement'::text AS t, ${s}::text AS id
        UNION SELECT 'MidtermReport', ${s}::text
        UNION SELECT 'AgreementSignature', sg.id::text FROM "AgreementSignature" sg WHERE sg."agreementId" = ${id}
        UNION SELECT 'AgreementAmendment', m.id::text FROM "AgreementAmendment" m WHERE m."agreementId" = ${id}
        UNION SELECT 'AgreementAmendment', l."entityId" FROM "AuditLog" l
          WHERE l."entityType" = 'AgreementAmendment' AND l.action = 'amendment.create' AND l.after->>'agreementId' = ${s}::text`;
    case 'offer':
      return Prisma.sql`SELECT 'Offer'::text AS t, ${s}::text AS id`;
    case 'organisation':
      return Prisma.sql`
        SELECT 'Organisation'::text AS t, ${s}::text AS id
        UNION SELECT 'Service', sv.id::text FROM "Service" sv WHERE sv."organisationId" = ${id}
        UNION SELECT 'Contact', c.id::text FROM "Contact" c WHERE c."organisationId" = ${id}
        UNION SELECT l."entityType", l."entityId" FROM "AuditLog" l
          WHERE l."entityType" IN ('Service', 'Contact') AND l.action IN ('service.delete', 'contact.delete') AND l.before->>'organisationId' = ${s}::text`;
    case 'account':
      // The account, its student profile and its rights (centre staff, company memberships).
      return Prisma.sql`
        SELECT 'User'::text AS t, ${s}::text AS id
        UNION SELECT 'StudentProfile', p.id::text FROM "StudentProfile" p WHERE p."userId" = ${id}
        UNION SELECT 'CentreStaff', cs.id::text FROM "CentreStaff" cs WHERE cs."userId" = ${id}
        UNION SELECT 'CompanyMembership', cm.id::text FROM "CompanyMembership" cm WHERE cm."userId" = ${id}
        UNION SELECT l."entityType", l."entityId" FROM "AuditLog" l
          WHERE l."entityType" IN ('CentreStaff', 'CompanyMembership') AND l.before->>'userId' = ${s}::text`;
  }
}
