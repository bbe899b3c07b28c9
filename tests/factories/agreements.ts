// Agreements in tests: the student world (students.ts), a host with a service, a company tutor
// (a contact with an account), a signatory, the academic roles around Léa's year, and a helper that
// creates an agreement through the service's own createAgreement.
import type { Db } from '../../src/db/client.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import type { AgreementCreateInput } from '../../src/modules/agreements/agreement.types.js';
import { createAgreement } from '../../src/modules/agreements/agreements.create.js';
import { makeOrganisation, makeUser } from './index.js';
import { day, fullTime } from './legal.js';
import { seedLegalParameters } from './legal-db.js';
import { makeStudentWorld } from './students.js';

export async function makeAgreementWorld(db: Db) {
  const w = await makeStudentWorld(db);
  await seedLegalParameters(db);
  const acme = await makeOrganisation(db, { legalName: 'ACME Lyon', siret: '73282932000074' });
  const service = await db.service.create({ data: { organisationId: acme.id, name: 'Études', normalizedName: 'etudes' } });
  const acmeAdmin = await makeUser(db, { email: 'admin@acme.test', firstName: 'Alice' });
  await db.companyMembership.create({ data: { userId: acmeAdmin.id, organisationId: acme.id, role: 'ADMIN', canPublishOffers: true } });
  const tutorUser = await makeUser(db, { email: 'tutor@acme.test', firstName: 'Bruno' });
  await db.companyMembership.create({ data: { userId: tutorUser.id, organisationId: acme.id, role: 'CONTACT' } });
  const companyTutor = await db.contact.create({ data: { organisationId: acme.id, serviceId: service.id, firstName: 'Bruno', lastName: 'Martin', email: 'tutor@acme.test', userId: tutorUser.id } });
  const signatory = await db.contact.create({ data: { organisationId: acme.id, firstName: 'Sophie', lastName: 'Leroy', function: 'Directrice' } });
  const globex = await makeOrganisation(db, { legalName: 'Globex' });
  const globexAdmin = await makeUser(db, { email: 'admin@globex.test' });
  await db.companyMembership.create({ data: { userId: globexAdmin.id, organisationId: globex.id, role: 'ADMIN', canPublishOffers: true } });

  const teacher = await makeUser(db, { email: 'teacher@uda.test', firstName: 'Paul' });
  await db.academicRole.create({ data: { userId: teacher.id, kind: 'ACADEMIC_TUTOR', programmeId: w.info.id } });
  const otherTeacher = await makeUser(db, { email: 'teacher2@uda.test' });
  await db.academicRole.create({ data: { userId: otherTeacher.id, kind: 'ACADEMIC_TUTOR', programmeId: w.info.id } });
  const yearManager = await makeUser(db, { email: 'year.l3@test.example' });
  await db.academicRole.create({ data: { userId: yearManager.id, kind: 'YEAR_MANAGER', studyYearId: w.l3.id } });
  const otherYearManager = await makeUser(db, { email: 'year.l2@test.example' });
  await db.academicRole.create({ data: { userId: otherYearManager.id, kind: 'YEAR_MANAGER', studyYearId: w.l2.id } });
  const programmeManager = await makeUser(db, { email: 'prog.info@test.example' });
  await db.academicRole.create({ data: { userId: programmeManager.id, kind: 'PROGRAMME_MANAGER', programmeId: w.info.id } });
  const otherProgrammeManager = await makeUser(db, { email: 'prog.droit@test.example' });
  await db.academicRole.create({ data: { userId: otherProgrammeManager.id, kind: 'PROGRAMME_MANAGER', programmeId: w.droit.id } });
  return { ...w, acme, service, acmeAdmin, tutorUser, companyTutor, signatory, globex, globexAdmin, teacher, otherTeacher, yearManager, otherYearManager, programmeManager, otherProgrammeManager };
}
export type AgreementWorld = Awaited<ReturnType<typeof makeAgreementWorld>>;

/** Léa's internship at ACME: 2 March – 29 May 2026, 7 h a day, 5 days a week, 4.50 € an hour. */
export function agreementInput(w: AgreementWorld, over: Partial<AgreementCreateInput> = {}): AgreementCreateInput {
  return {
    studentId: w.lea.profile.id,
    organisationId: w.acme.id,
    serviceId: w.service.id,
    companyTutorId: w.companyTutor.id,
    signatoryId: w.signatory.id,
    academicTutorId: w.teacher.id,
    type: 'MANDATORY',
    subject: 'Refonte du site web',
    activities: 'Développement, tests',
    startDate: day('2026-03-02'),
    endDate: day('2026-05-29'),
    schedule: fullTime(7),
    payAmount: 4.5,
    payUnit: 'HOUR',
    paymentMethod: 'BANK_TRANSFER',
    leaveTerms: '2 jours par mois',
    ...over,
  };
}

/** Creates an agreement as the platform would (createAgreement, its own transaction), then applies `data`. */
export async function makeAgreement(db: Db, w: AgreementWorld, over: Partial<AgreementCreateInput> = {}, data: Prisma.AgreementUncheckedUpdateInput = {}) {
  const a = await db.$transaction((tx) => createAgreement(tx, { actor: null, requestId: null, now: new Date() }, agreementInput(w, over)));
  return Object.keys(data).length ? db.agreement.update({ where: { id: a.id }, data }) : db.agreement.findUniqueOrThrow({ where: { id: a.id } });
}

/**
 * The end-to-end tests' agreement: the demo student's at the demo company, made as the platform
 * would (createAgreement), by default in spring 2027, clear of the demo data's own internships.
 */
export async function makeDemoAgreement(db: Db, over: Partial<AgreementCreateInput> & { subject: string }) {
  const student = await db.studentProfile.findFirstOrThrow({ where: { user: { email: 'etudiant@demo.test' } }, include: { user: true, studyYear: true } });
  const org = await db.companyMembership.findFirstOrThrow({ where: { user: { email: 'entreprise@demo.test' } } });
  const a = await db.$transaction((tx) =>
    createAgreement(tx, { actor: null, requestId: null, now: new Date() }, {
      studentId: student.id,
      organisationId: org.organisationId,
      type: 'MANDATORY',
      startDate: day('2027-03-01'),
      endDate: day('2027-05-28'),
      schedule: fullTime(7),
      ...over,
    }),
  );
  return { a, student };
}
