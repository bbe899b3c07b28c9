import type { Db } from '../../src/db/client.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { makeOrganisation, makeUser } from './index.js';
import { makeStudentWorld } from './students.js';

const DAY = 24 * 60 * 60 * 1000;

/**
 * An offer written directly (the offers module is built separately): PUBLISHED, visible from
 * yesterday to next month, targeted at everyone, unless `data` says otherwise.
 */
export async function makeOffer(db: Db, organisationId: number, data: Partial<Prisma.OfferUncheckedCreateInput> = {}) {
  return db.offer.create({
    data: {
      kind: 'INTERNSHIP',
      status: 'PUBLISHED',
      title: 'Stage développeur web',
      domain: 'Informatique',
      organisationId,
      fromCompany: true,
      publishFrom: new Date(Date.now() - DAY),
      publishUntil: new Date(Date.now() + 30 * DAY),
      targetAll: true,
      ...data,
    },
  });
}

/**
 * The student world (students.ts) plus two companies: ACME (administrator, a secondary contact
 * who wrote the offer) and Globex (its administrator), a published offer of ACME, and a year
 * manager of Léa's year (L3 Informatique, centre A).
 */
export async function makeApplicationWorld(db: Db) {
  const w = await makeStudentWorld(db);
  const acme = await makeOrganisation(db, { legalName: 'ACME Lyon' });
  const globex = await makeOrganisation(db, { legalName: 'Globex' });
  const acmeAdmin = await makeUser(db, { email: 'admin@acme.test', firstName: 'Alice' });
  await db.companyMembership.create({ data: { userId: acmeAdmin.id, organisationId: acme.id, role: 'ADMIN', canPublishOffers: true } });
  const acmeContact = await makeUser(db, { email: 'contact@acme.test', firstName: 'Bruno' });
  await db.companyMembership.create({ data: { userId: acmeContact.id, organisationId: acme.id, role: 'CONTACT', canPublishOffers: true } });
  const globexAdmin = await makeUser(db, { email: 'admin@globex.test', firstName: 'Gaël' });
  await db.companyMembership.create({ data: { userId: globexAdmin.id, organisationId: globex.id, role: 'ADMIN', canPublishOffers: true } });
  const yearManager = await makeUser(db, { email: 'year.l3@test.example' });
  await db.academicRole.create({ data: { userId: yearManager.id, kind: 'YEAR_MANAGER', studyYearId: w.l3.id } });
  const offer = await makeOffer(db, acme.id, { authorId: acmeContact.id });
  return { ...w, acme, globex, acmeAdmin, acmeContact, globexAdmin, yearManager, offer };
}
export type ApplicationWorld = Awaited<ReturnType<typeof makeApplicationWorld>>;

/** A minimal DOCX-looking ZIP is hard to build by hand: tests use PDFs, and these refused contents. */
export const HTML_AS_PDF = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
