import { isConfirmed } from '../../authz/memberships.js';
import type { DbOrTx, Tx } from '../../db/client.js';

/**
 * Everything that points at a record of the directory, declared once. Deleting an organisation
 * (or a service, a contact) is refused while one of these counts is not zero; merging a duplicate
 * moves each of them to the organisation kept.
 *
 * When a new table gets a foreign key to Organisation (offers, conventions, applications…), add
 * one entry to ORGANISATION_REFERENCES: tests/integration/organisations-merge.test.ts compares
 * this list with the foreign keys PostgreSQL knows and fails on any one left out.
 */
export interface Reference {
  /** The referencing table and column, as in the database. */
  table: string;
  column: string;
  /** i18n key of the count shown to the user ("{count} service(s)"). */
  labelKey: string;
  count(db: DbOrTx, id: number): Promise<number>;
}

export interface OrganisationReference extends Reference {
  /** Moves the rows of `fromId` to `toId` inside the merge's transaction; returns what it did, for the audit. */
  move(tx: Tx, fromId: number, toId: number): Promise<{ moved: number[]; merged?: number[] }>;
}

export const ORGANISATION_REFERENCES: OrganisationReference[] = [
  {
    table: 'CompanyMembership',
    column: 'organisationId',
    labelKey: 'organisations.references.memberships',
    count: (db, id) => db.companyMembership.count({ where: { organisationId: id } }),
    // A user may belong to both: one membership is kept, with the higher role and rights of the two
    // that grant something (a pending claim adds nothing to a confirmed membership; authz/memberships.ts).
    async move(tx, fromId, toId) {
      const rows = await tx.companyMembership.findMany({ where: { organisationId: fromId }, orderBy: { id: 'asc' } });
      const moved: number[] = [];
      const merged: number[] = [];
      for (const m of rows) {
        const kept = await tx.companyMembership.findUnique({ where: { userId_organisationId: { userId: m.userId, organisationId: toId } } });
        if (kept) {
          const both = isConfirmed(kept) === isConfirmed(m) ? [kept, m] : [isConfirmed(kept) ? kept : m];
          await tx.companyMembership.update({
            where: { id: kept.id },
            data: { role: both.some((x) => x.role === 'ADMIN') ? 'ADMIN' : 'CONTACT', canPublishOffers: both.some((x) => x.canPublishOffers), status: both[0].status },
          });
          await tx.companyMembership.delete({ where: { id: m.id } });
          merged.push(m.id);
        } else {
          await tx.companyMembership.update({ where: { id: m.id }, data: { organisationId: toId } });
          moved.push(m.id);
        }
      }
      return { moved, merged };
    },
  },
  {
    table: 'Service',
    column: 'organisationId',
    labelKey: 'organisations.references.services',
    count: (db, id) => db.service.count({ where: { organisationId: id } }),
    async move(tx, fromId, toId) {
      const ids = (await tx.service.findMany({ where: { organisationId: fromId }, select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id);
      await tx.service.updateMany({ where: { organisationId: fromId }, data: { organisationId: toId } });
      return { moved: ids };
    },
  },
  {
    table: 'Contact',
    column: 'organisationId',
    labelKey: 'organisations.references.contacts',
    count: (db, id) => db.contact.count({ where: { organisationId: id } }),
    async move(tx, fromId, toId) {
      const ids = (await tx.contact.findMany({ where: { organisationId: fromId }, select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id);
      await tx.contact.updateMany({ where: { organisationId: fromId }, data: { organisationId: toId } });
      return { moved: ids };
    },
  },
  {
    table: 'Offer',
    column: 'organisationId',
    labelKey: 'organisations.references.offers',
    count: (db, id) => db.offer.count({ where: { organisationId: id } }),
    async move(tx, fromId, toId) {
      const ids = (await tx.offer.findMany({ where: { organisationId: fromId }, select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id);
      await tx.offer.updateMany({ where: { organisationId: fromId }, data: { organisationId: toId } });
      return { moved: ids };
    },
  },
  {
    table: 'Application',
    column: 'organisationId',
    labelKey: 'organisations.references.applications',
    count: (db, id) => db.application.count({ where: { organisationId: id } }),
    async move(tx, fromId, toId) {
      const ids = (await tx.application.findMany({ where: { organisationId: fromId }, select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id);
      await tx.application.updateMany({ where: { organisationId: fromId }, data: { organisationId: toId } });
      return { moved: ids };
    },
  },
  {
    table: 'InternshipSheet',
    column: 'organisationId',
    labelKey: 'organisations.references.sheets',
    count: (db, id) => db.internshipSheet.count({ where: { organisationId: id } }),
    async move(tx, fromId, toId) {
      const ids = (await tx.internshipSheet.findMany({ where: { organisationId: fromId }, select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id);
      await tx.internshipSheet.updateMany({ where: { organisationId: fromId }, data: { organisationId: toId } });
      return { moved: ids };
    },
  },
  {
    // The agreement keeps its own copy of the host from submission on (snapshot): moving it to the
    // kept organisation changes what searches and counts group it under, not what it prints.
    table: 'Agreement',
    column: 'organisationId',
    labelKey: 'organisations.references.agreements',
    count: (db, id) => db.agreement.count({ where: { organisationId: id } }),
    async move(tx, fromId, toId) {
      const ids = (await tx.agreement.findMany({ where: { organisationId: fromId }, select: { id: true }, orderBy: { id: 'asc' } })).map((r) => r.id);
      await tx.agreement.updateMany({ where: { organisationId: fromId }, data: { organisationId: toId } });
      return { moved: ids };
    },
  },
];

/** What refuses a service's deletion: its contacts, offers and agreements that name it. */
export const SERVICE_REFERENCES: Reference[] = [
  { table: 'Agreement', column: 'serviceId', labelKey: 'organisations.references.agreements', count: (db, id) => db.agreement.count({ where: { serviceId: id } }) },
  { table: 'Contact', column: 'serviceId', labelKey: 'organisations.references.contacts', count: (db, id) => db.contact.count({ where: { serviceId: id } }) },
  { table: 'Offer', column: 'serviceId', labelKey: 'organisations.references.offers', count: (db, id) => db.offer.count({ where: { serviceId: id } }) },
];

/** What refuses a contact's deletion: a user account linked to it, offers, agreements where it is tutor or signatory. */
export const CONTACT_REFERENCES: Reference[] = [
  {
    table: 'Contact',
    column: 'userId',
    labelKey: 'organisations.references.userAccount',
    count: async (db, id) => ((await db.contact.findUnique({ where: { id }, select: { userId: true } }))?.userId ? 1 : 0),
  },
  {
    table: 'Offer',
    column: 'applicationContactId',
    labelKey: 'organisations.references.offers',
    count: (db, id) => db.offer.count({ where: { OR: [{ applicationContactId: id }, { infoContactId: id }] } }),
  },
  {
    table: 'Agreement',
    column: 'companyTutorId',
    labelKey: 'organisations.references.agreements',
    count: (db, id) => db.agreement.count({ where: { OR: [{ companyTutorId: id }, { signatoryId: id }] } }),
  },
];

/** The non-zero counts of `refs` for one record, e.g. [{ labelKey: '…services', count: 2 }]. */
export async function referencesOf(db: DbOrTx, refs: Reference[], id: number) {
  // One after the other: inside a transaction the queries share one connection.
  const out: { labelKey: string; count: number }[] = [];
  for (const r of refs) {
    const count = await r.count(db, id);
    if (count > 0) out.push({ labelKey: r.labelKey, count });
  }
  return out;
}
