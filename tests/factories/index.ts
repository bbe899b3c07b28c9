import { hashPassword } from '../../src/auth/password.js';
import type { Db } from '../../src/db/client.js';
import type { CentreRight, Prisma } from '../../src/generated/prisma/client.js';
import { derivedColumns } from '../../src/modules/organisations/organisations.core.js';

export const PASSWORD = 'stages-demo';
let hashed: Promise<string> | undefined;
const passwordHash = () => (hashed ??= hashPassword(PASSWORD));
let seq = 0;
const n = () => ++seq;

export async function makeInstitution(db: Db, data: Partial<{ code: string; name: string }> = {}) {
  const i = n();
  return db.institution.create({ data: { code: data.code ?? `INST${i}`, name: data.name ?? `Université ${i}`, country: 'FR' } });
}

export async function makeCentre(db: Db, institutionId?: number, data: Partial<{ name: string }> = {}) {
  const inst = institutionId ?? (await makeInstitution(db)).id;
  const i = n();
  return db.managementCentre.create({
    data: { institutionId: inst, name: data.name ?? `Centre ${i}`, kind: 'UFR', addressLine1: `${i} rue des Stages`, postalCode: '75005', city: 'Paris', phone: '01 02 03 04 05' },
  });
}

export async function makeProgramme(db: Db, institutionId: number) {
  const i = n();
  return db.programme.create({ data: { institutionId, code: `P${i}`, name: `Filière ${i}` } });
}

export async function makeStudyYear(db: Db, programmeId: number, centreId: number) {
  const i = n();
  return db.studyYear.create({ data: { programmeId, centreId, code: `Y${i}`, name: `Année ${i}`, level: 3 } });
}

export async function makeUser(db: Db, data: Partial<{ email: string; firstName: string; lastName: string; isPlatformAdmin: boolean; active: boolean }> = {}) {
  const i = n();
  return db.user.create({
    data: {
      email: data.email ?? `user${i}@test.example`,
      firstName: data.firstName ?? 'Camille',
      lastName: data.lastName ?? `Test${i}`,
      passwordHash: await passwordHash(),
      isPlatformAdmin: data.isPlatformAdmin ?? false,
      active: data.active ?? true,
    },
  });
}

export async function makeStaff(db: Db, centreId: number, right: CentreRight, email?: string) {
  const u = await makeUser(db, { email });
  await db.centreStaff.create({ data: { userId: u.id, centreId, right } });
  return u;
}

export async function makeOrganisation(db: Db, data: Partial<Prisma.OrganisationUncheckedCreateInput> = {}) {
  const i = n();
  const legalName = data.legalName ?? `Entreprise ${i}`;
  const base = { legalName, postalCode: '69002', country: 'FR', phone: '04 72 00 00 00', fax: null, ...data } as const;
  return db.organisation.create({
    data: {
      nafCode: '62.01Z',
      headcount: 'FROM_10_TO_49',
      structureType: 'COMPANY',
      legalStatus: 'SAS',
      addressLine1: `${i} rue de la République`,
      city: 'Lyon',
      verified: true,
      ...derivedColumns({ legalName, phone: base.phone, fax: base.fax, postalCode: base.postalCode, country: base.country }),
      ...base,
    },
  });
}

/**
 * One account per role (and the anonymous visitor), for matrix and end-to-end tests. Returns the
 * e-mail of each; every account's password is PASSWORD.
 */
export async function makeRoleAccounts(db: Db) {
  const inst = await makeInstitution(db);
  const centre = await makeCentre(db, inst.id);
  const prog = await makeProgramme(db, inst.id);
  const year = await makeStudyYear(db, prog.id, centre.id);
  const org = await makeOrganisation(db);
  const student = await makeUser(db, { email: 'student@test.example' });
  await db.studentProfile.create({ data: { userId: student.id, studentNumber: 'S1', institutionId: inst.id, programmeId: prog.id, studyYearId: year.id } });
  const companyAdmin = await makeUser(db, { email: 'company.admin@test.example' });
  await db.companyMembership.create({ data: { userId: companyAdmin.id, organisationId: org.id, role: 'ADMIN', canPublishOffers: true } });
  const companyContact = await makeUser(db, { email: 'company.contact@test.example' });
  await db.companyMembership.create({ data: { userId: companyContact.id, organisationId: org.id, role: 'CONTACT' } });
  const academicTutor = await makeUser(db, { email: 'tutor@test.example' });
  await db.academicRole.create({ data: { userId: academicTutor.id, kind: 'ACADEMIC_TUTOR', programmeId: prog.id } });
  const yearManager = await makeUser(db, { email: 'year.manager@test.example' });
  await db.academicRole.create({ data: { userId: yearManager.id, kind: 'YEAR_MANAGER', studyYearId: year.id } });
  const programmeManager = await makeUser(db, { email: 'programme.manager@test.example' });
  await db.academicRole.create({ data: { userId: programmeManager.id, kind: 'PROGRAMME_MANAGER', programmeId: prog.id } });
  const centreRead = await makeStaff(db, centre.id, 'READ', 'centre.read@test.example');
  const centreWrite = await makeStaff(db, centre.id, 'WRITE', 'centre.write@test.example');
  const centreAdmin = await makeStaff(db, centre.id, 'ADMIN', 'centre.admin@test.example');
  const platformAdmin = await makeUser(db, { email: 'platform.admin@test.example', isPlatformAdmin: true });
  return {
    institution: inst,
    centre,
    programme: prog,
    studyYear: year,
    organisation: org,
    users: { student, companyAdmin, companyContact, academicTutor, yearManager, programmeManager, centreRead, centreWrite, centreAdmin, platformAdmin },
  };
}
