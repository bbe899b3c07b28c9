import type { Db } from '../../src/db/client.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { normalizeName, departmentOf } from '../../src/modules/organisations/identifiers.js';
import { makeCentre, makeInstitution, makeOrganisation, makeProgramme, makeStaff, makeStudyYear, makeUser } from './index.js';

/** Real, valid SIRET numbers (Luhn key) and La Poste's exception. */
export const SIRETS = {
  valid: ['73282932000074', '44306184100047'],
  laPoste: '35600000049837',
};

/** A complete, valid creation form (French establishment). */
export function orgForm(over: Record<string, string> = {}) {
  return {
    legalName: 'Volcans Numériques',
    siret: '44306184100047',
    nafCode: '62.01Z',
    headcount: 'FROM_10_TO_49',
    structureType: 'COMPANY',
    legalStatus: 'SAS',
    sector: 'Informatique',
    addressLine1: '8 rue Pasteur',
    addressLine2: '',
    postalCode: '63000',
    city: 'Clermont-Ferrand',
    country: 'FR',
    phone: '04 73 12 34 56',
    fax: '',
    email: '',
    website: '',
    description: '',
    keywords: '',
    ...over,
  };
}

export async function makeService(db: Db, organisationId: number, data: Partial<Prisma.ServiceUncheckedCreateInput> = {}) {
  const name = data.name ?? 'Service informatique';
  return db.service.create({
    data: {
      organisationId,
      name,
      normalizedName: normalizeName(name),
      sameAddress: true,
      ...data,
      department: data.department ?? (data.sameAddress === false ? departmentOf(data.postalCode ?? null, data.country ?? 'FR') : null),
    },
  });
}

export async function makeContact(db: Db, organisationId: number, data: Partial<Prisma.ContactUncheckedCreateInput> = {}) {
  return db.contact.create({ data: { organisationId, civility: 'MRS', firstName: 'Claire', lastName: 'Morel', function: 'Responsable RH', ...data } });
}

/**
 * The directory's actors: centre A (READ, WRITE staff; a study year with a student) and centre B
 * (WRITE staff), a platform administrator, a company administrator of one organisation.
 * Every password is the factories' PASSWORD.
 */
export async function makeDirectoryWorld(db: Db) {
  const institution = await makeInstitution(db);
  const centreA = await makeCentre(db, institution.id, { name: 'Centre A' });
  const centreB = await makeCentre(db, institution.id, { name: 'Centre B' });
  const programme = await makeProgramme(db, institution.id);
  const yearA = await makeStudyYear(db, programme.id, centreA.id);
  const readA = await makeStaff(db, centreA.id, 'READ', 'a.read@test.example');
  const writeA = await makeStaff(db, centreA.id, 'WRITE', 'a.write@test.example');
  const writeB = await makeStaff(db, centreB.id, 'WRITE', 'b.write@test.example');
  const admin = await makeUser(db, { email: 'platform.admin@test.example', isPlatformAdmin: true });
  const student = await makeUser(db, { email: 'student@test.example', firstName: 'Léa', lastName: 'Dubois' });
  await db.studentProfile.create({ data: { userId: student.id, studentNumber: 'S1', institutionId: institution.id, programmeId: programme.id, studyYearId: yearA.id } });
  const company = await makeOrganisation(db, { legalName: 'Auvergne Logiciels', siret: '73282932000074', postalCode: '63000', city: 'Clermont-Ferrand' });
  const companyAdmin = await makeUser(db, { email: 'company.admin@test.example' });
  await db.companyMembership.create({ data: { userId: companyAdmin.id, organisationId: company.id, role: 'ADMIN', canPublishOffers: true } });
  const companyContact = await makeUser(db, { email: 'company.contact@test.example' });
  await db.companyMembership.create({ data: { userId: companyContact.id, organisationId: company.id, role: 'CONTACT' } });
  return { institution, centreA, centreB, yearA, readA, writeA, writeB, admin, student, company, companyAdmin, companyContact };
}

/** The message shown beside a field of a rendered form, or null. */
export function fieldError(html: string, field: string): string | null {
  const m = html.match(new RegExp(`<p class="error-message" id="f-${field}-error">(?:<span[^>]*>[^<]*</span>)?([^<]*)</p>`));
  return m ? m[1] : null;
}
