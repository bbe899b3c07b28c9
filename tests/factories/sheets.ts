import type { Db } from '../../src/db/client.js';
import { makeApplicationWorld } from './applications.js';
import { validSiret } from './companies.js';
import { seedLegalParameters } from './legal-db.js';

/**
 * The application world (applications.ts: Léa in L3 Informatique of centre A, its year manager,
 * ACME and its offer) with the legal parameters seeded and Léa's application accepted
 * ("Satisfaite"), from which she fills her sheet.
 */
export async function makeSheetWorld(db: Db) {
  const w = await makeApplicationWorld(db);
  await seedLegalParameters(db);
  const application = await db.application.create({
    data: { studentId: w.lea.profile.id, offerId: w.offer.id, organisationId: w.acme.id, title: 'Candidature', message: 'Bonjour', status: 'ACCEPTED' },
  });
  return { ...w, application };
}
export type SheetWorld = Awaited<ReturnType<typeof makeSheetWorld>>;

/** Every field a sheet needs to be sent, for a host chosen in the directory (`organisationId`) — a 3-month internship in 2027. */
export function sheetForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    orgType: 'COMPANY',
    serviceName: 'Études et développement',
    tutorCivility: 'MRS',
    tutorFirstName: 'Claire',
    tutorLastName: 'Martin',
    tutorFunction: 'Cheffe de projet',
    tutorEmail: 'claire.martin@acme.test',
    tutorPhone: '04 72 00 00 01',
    signatoryCivility: 'MR',
    signatoryFirstName: 'Paul',
    signatoryLastName: 'Durand',
    signatoryFunction: 'Directeur',
    signatoryEmail: 'paul.durand@acme.test',
    subject: 'Application web de suivi',
    activities: 'Développer une application web.',
    skills: 'TypeScript',
    startDate: '2027-04-05',
    endDate: '2027-06-30',
    mon: '7',
    tue: '7',
    wed: '7',
    thu: '7',
    fri: '7',
    sat: '0',
    sun: '0',
    payAmount: '4.50',
    payUnit: 'HOUR',
    payCurrency: 'EUR',
    insurance: 'GENERAL',
    healthFund: 'CPAM du Rhône',
    addressLine1: '3 rue des Lilas',
    postalCode: '69003',
    city: 'Lyon',
    country: 'FR',
    phone: '06 12 34 56 78',
    ...overrides,
  };
}

/** The host typed as a new organisation (not in the directory). */
export function newOrganisationFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    orgLegalName: 'Nouvelle Pousse SAS',
    orgSiret: validSiret(77),
    orgNafCode: '62.01Z',
    orgHeadcount: 'FROM_10_TO_49',
    orgStructureType: 'COMPANY',
    orgLegalStatus: 'SAS',
    orgAddressLine1: '12 quai Perrache',
    orgPostalCode: '69002',
    orgCity: 'Lyon',
    orgCountry: 'FR',
    orgPhone: '04 78 00 00 00',
    ...overrides,
  };
}
