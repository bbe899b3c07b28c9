import type { Db } from '../../src/db/client.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { makeCompany } from './companies.js';
import { makeCentre, makeInstitution, makeStaff, makeUser } from './index.js';
import { makeStudent } from './students.js';

/**
 * The offers' actors. Institution UDA with centre A (READ and WRITE staff) and centre B (WRITE),
 * programmes INFO and DROIT with a student each (Léa in INFO, Hugo in DROIT); company "Volcans"
 * (reference centre A) with its administrator, a contact allowed to publish and one who is not;
 * a foreign company with its own administrator. Every password is the factories' PASSWORD.
 */
export async function makeOfferWorld(db: Db) {
  const uda = await makeInstitution(db, { code: 'UDA', name: 'Université A' });
  const centreA = await makeCentre(db, uda.id, { name: 'UFR Sciences' });
  const centreB = await makeCentre(db, uda.id, { name: 'Faculté de droit' });
  const info = await db.programme.create({ data: { institutionId: uda.id, code: 'INFO', name: 'Licence Informatique' } });
  const droit = await db.programme.create({ data: { institutionId: uda.id, code: 'DROIT', name: 'Licence Droit' } });
  const l3 = await db.studyYear.create({ data: { programmeId: info.id, centreId: centreA.id, code: 'L3', name: 'L3 Informatique', level: 3 } });
  const droitL3 = await db.studyYear.create({ data: { programmeId: droit.id, centreId: centreB.id, code: 'L3', name: 'L3 Droit', level: 3 } });
  const readA = await makeStaff(db, centreA.id, 'READ', 'a.read@test.example');
  const writeA = await makeStaff(db, centreA.id, 'WRITE', 'a.write@test.example');
  const writeB = await makeStaff(db, centreB.id, 'WRITE', 'b.write@test.example');
  const platformAdmin = await makeUser(db, { email: 'platform.admin@test.example', isPlatformAdmin: true });
  const lea = await makeStudent(db, { institutionId: uda.id, programmeId: info.id, studyYearId: l3.id, studentNumber: '21900123', email: 'lea@etu.test' });
  const hugo = await makeStudent(db, { institutionId: uda.id, programmeId: droit.id, studyYearId: droitL3.id, studentNumber: '21900456', email: 'hugo@etu.test', firstName: 'Hugo', lastName: 'Bernard' });
  const company = await makeCompany(db, {
    legalName: 'Volcans Numériques',
    adminEmail: 'admin@volcans.example',
    centreId: centreA.id,
    contacts: [
      { email: 'publisher@volcans.example', canPublishOffers: true },
      { email: 'nopublish@volcans.example', canPublishOffers: false },
    ],
  });
  const foreign = await makeCompany(db, { legalName: 'Autre Société', adminEmail: 'admin@autre.example', centreId: centreB.id });
  const adminCard = await db.contact.findFirstOrThrow({ where: { organisationId: company.organisation.id, userId: company.admin.id } });
  return { uda, centreA, centreB, info, droit, l3, droitL3, readA, writeA, writeB, platformAdmin, lea, hugo, company, foreign, adminCard };
}
export type OfferWorld = Awaited<ReturnType<typeof makeOfferWorld>>;

/** The full form's fields, valid as they are. */
export function offerForm(w: OfferWorld, overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    organisationId: String(w.company.organisation.id),
    centreId: String(w.centreA.id),
    title: 'Développeur web (stage de fin d’études)',
    reference: 'DEV-2026',
    kind: 'INTERNSHIP',
    domain: 'Informatique',
    missions: 'Développer une application de gestion des éléphants de mer.',
    postalCode: '63000',
    city: 'Clermont-Ferrand',
    country: 'FR',
    paid: 'yes',
    payDetails: 'Gratification légale',
    startMonth: '3',
    startYear: '2027',
    startPrecision: 'Début souple',
    durationMonths: '6',
    workingTime: 'FULL_TIME',
    workingTimeComment: '',
    benefits: '',
    educationLevel: 'BAC_5',
    skills: 'TypeScript, PostgreSQL',
    applyByEmail: 'on',
    comments: '',
    applicationContactId: String(w.adminCard.id),
    infoContactId: '',
    showCompany: 'yes',
    targetAll: 'yes',
    targetCountries: '',
    ...overrides,
  };
}

/** An offer written straight to the database (PUBLISHED for a month from yesterday unless told otherwise). */
export async function makeOffer(db: Db, w: OfferWorld, data: Partial<Prisma.OfferUncheckedCreateInput> = {}) {
  const day = 24 * 3600 * 1000;
  return db.offer.create({
    data: {
      kind: 'INTERNSHIP',
      status: 'PUBLISHED',
      title: 'Stage développement',
      domain: 'Informatique',
      missions: 'Missions',
      postalCode: '63000',
      city: 'Clermont-Ferrand',
      organisationId: w.company.organisation.id,
      centreId: w.centreA.id,
      authorId: w.company.admin.id,
      fromCompany: true,
      publishFrom: new Date(Date.now() - day),
      publishUntil: new Date(Date.now() + 30 * day),
      diffusionMonths: 1,
      ...data,
    },
  });
}
