import type { Db } from '../src/db/client.js';
import { hashPassword } from '../src/auth/password.js';
import { derivedColumns } from '../src/modules/organisations/organisations.core.js';
import { seedInternships } from './seed-internships.js';
import { seedOrganisations } from './seed-organisations.js';
import { seedDocuments } from './seed-documents.js';
import { seedHelpdesk } from './seed-helpdesk.js';
import { seedPrivacy } from './seed-privacy.js';
import { seedSso } from './seed-sso.js';
import { todayIn } from '../src/time/calendar.js';
import { systemClock, type Clock } from '../src/time/clock.js';

export const DEMO_PASSWORD = 'stages-demo';

export const DEMO_ACCOUNTS = [
  { email: 'admin@demo.test', role: 'platform administrator' },
  { email: 'gestionnaire@demo.test', role: 'management-centre staff (WRITE)' },
  { email: 'resp.centre@demo.test', role: 'management-centre staff (ADMIN)' },
  { email: 'resp.filiere@demo.test', role: 'programme manager' },
  { email: 'resp.annee@demo.test', role: 'year manager' },
  { email: 'enseignant@demo.test', role: 'academic tutor' },
  { email: 'entreprise@demo.test', role: 'company administrator' },
  { email: 'tuteur@demo.test', role: 'company tutor / contact' },
  { email: 'etudiant@demo.test', role: 'student' },
] as const;

/** Demo data: one institution with its centres, programmes and years, and one account per role. */
export async function seedDemo(db: Db, clock: Clock = systemClock) {
  const now = clock.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(async (tx) => {
    const uni = await tx.institution.create({
      data: { code: 'UDEMO', name: 'Université de Démonstration', country: 'FR', addressLine1: '1 place de l\u2019Université', postalCode: '63000', city: 'Clermont-Ferrand', phone: '04 73 00 00 00', email: 'scolarite@univ-demo.test', website: 'https://univ-demo.test' },
    });
    const central = await tx.managementCentre.create({
      data: { institutionId: uni.id, name: 'Bureau d\u2019aide à l\u2019insertion professionnelle', kind: 'INSTITUTION', addressLine1: '34 avenue Carnot', postalCode: '63000', city: 'Clermont-Ferrand', phone: '04 73 40 55 43', email: 'baip@univ-demo.test', companyTutorRequired: true },
    });
    const ufr = await tx.managementCentre.create({
      data: { institutionId: uni.id, name: 'UFR Sciences et Technologies', kind: 'UFR', addressLine1: '24 avenue des Landais', postalCode: '63170', city: 'Aubière', phone: '04 73 40 70 00', email: 'stages-st@univ-demo.test', academicTutorRequired: true },
    });
    const info = await tx.programme.create({ data: { institutionId: uni.id, code: 'INFO', name: 'Licence Informatique' } });
    const droit = await tx.programme.create({ data: { institutionId: uni.id, code: 'DROIT', name: 'Licence Droit' } });
    const mIsi = await tx.programme.create({ data: { institutionId: uni.id, code: 'MISI', name: 'Master Ingénierie des systèmes d\u2019information' } });
    const l3info = await tx.studyYear.create({ data: { programmeId: info.id, code: 'L3', name: 'L3 Informatique', level: 3, centreId: ufr.id } });
    const l2info = await tx.studyYear.create({ data: { programmeId: info.id, code: 'L2', name: 'L2 Informatique', level: 2, centreId: ufr.id } });
    const l3droit = await tx.studyYear.create({ data: { programmeId: droit.id, code: 'L3', name: 'L3 Droit', level: 3, centreId: central.id } });
    await tx.studyYear.create({ data: { programmeId: mIsi.id, code: 'M1', name: 'M1 MISI', level: 4, centreId: ufr.id } });
    const m2isi = await tx.studyYear.create({ data: { programmeId: mIsi.id, code: 'M2', name: 'M2 MISI', level: 5, centreId: ufr.id } });
    await tx.academicYear.createMany({
      data: [
        { label: '2025-2026', startDate: new Date('2025-09-01'), endDate: new Date('2026-08-31'), isCurrent: false },
        { label: '2026-2027', startDate: new Date('2026-09-01'), endDate: new Date('2027-08-31'), isCurrent: true },
      ],
    });
    const orgInput = {
      legalName: 'Auvergne Logiciels SAS',
      siret: '73282932000074',
      nafCode: '62.01Z',
      headcount: 'FROM_50_TO_249',
      structureType: 'COMPANY',
      legalStatus: 'SAS',
      sector: 'Informatique',
      addressLine1: '12 rue Blatin',
      postalCode: '63000',
      city: 'Clermont-Ferrand',
      country: 'FR',
      phone: '04 73 11 22 33',
      website: 'https://auvergne-logiciels.example',
      description: 'Éditeur de logiciels de gestion pour les collectivités.',
      keywords: 'logiciel, développement web, collectivités',
    } as const;
    const org = await tx.organisation.create({ data: { ...orgInput, ...derivedColumns(orgInput), verified: true, verifiedAt: now, partnership: true } });

    const user = (email: string, firstName: string, lastName: string, civility: 'MR' | 'MRS', extra: Record<string, unknown> = {}) =>
      tx.user.create({ data: { email, firstName, lastName, civility, passwordHash, ...extra } });

    await user('admin@demo.test', 'Alice', 'Administratrice', 'MRS', { isPlatformAdmin: true });
    const g = await user('gestionnaire@demo.test', 'Guillaume', 'Andrieux', 'MR');
    await tx.centreStaff.create({ data: { userId: g.id, centreId: ufr.id, right: 'WRITE', department: 'Scolarité UFR ST', printedAsContact: true } });
    const rc = await user('resp.centre@demo.test', 'Jocelyne', 'Dandrieux', 'MRS');
    await tx.centreStaff.createMany({
      data: [
        { userId: rc.id, centreId: ufr.id, right: 'ADMIN', department: 'Direction UFR ST' },
        { userId: rc.id, centreId: central.id, right: 'READ', department: 'BAIP' },
      ],
    });
    const rf = await user('resp.filiere@demo.test', 'François', 'Martin', 'MR');
    await tx.academicRole.create({ data: { userId: rf.id, kind: 'PROGRAMME_MANAGER', programmeId: info.id } });
    const ra = await user('resp.annee@demo.test', 'Éliane', 'Bernard', 'MRS');
    await tx.academicRole.create({ data: { userId: ra.id, kind: 'YEAR_MANAGER', studyYearId: l3info.id, programmeId: info.id } });
    const en = await user('enseignant@demo.test', 'Dominique', 'Petit', 'MR');
    await tx.academicRole.create({ data: { userId: en.id, kind: 'ACADEMIC_TUTOR', programmeId: info.id, studyYearId: l3info.id } });
    const ent = await user('entreprise@demo.test', 'Sophie', 'Lefèvre', 'MRS', { phone: '04 73 11 22 34' });
    await tx.companyMembership.create({ data: { userId: ent.id, organisationId: org.id, role: 'ADMIN', canPublishOffers: true } });
    const tut = await user('tuteur@demo.test', 'Karim', 'Benali', 'MR', { phone: '04 73 11 22 35' });
    await tx.companyMembership.create({ data: { userId: tut.id, organisationId: org.id, role: 'CONTACT', canPublishOffers: true } });
    const stu = await user('etudiant@demo.test', 'Léa', 'Dubois', 'MRS');
    await tx.studentProfile.create({
      data: {
        userId: stu.id, studentNumber: '21900123', institutionId: uni.id, programmeId: info.id, studyYearId: l3info.id,
        addressLine1: '3 rue des Gras', postalCode: '63000', city: 'Clermont-Ferrand', birthDate: new Date('2004-03-12'),
        ssn: '204036311300192', insurance: 'GENERAL', healthFund: 'CPAM du Puy-de-Dôme',
        skills: 'Java, TypeScript, SQL', languages: 'Anglais : B2\nEspagnol : A2', inCvBook: true,
      },
    });
    // More students, one of them in the BAIP's year (READ for resp.centre: SSN masked) and one not yet activated.
    const moreStudents = [
      { email: 'thomas.girard@etu.univ-demo.test', firstName: 'Thomas', lastName: 'Girard', civility: 'MR', number: '21900456', year: l3info, programmeId: info.id, ssn: '103126311304203' },
      { email: 'ines.moreau@etu.univ-demo.test', firstName: 'Inès', lastName: 'Moreau', civility: 'MRS', number: '22000789', year: l2info, programmeId: info.id, ssn: '205097505600863' },
      { email: 'hugo.bernard@etu.univ-demo.test', firstName: 'Hugo', lastName: 'Bernard', civility: 'MR', number: '21800321', year: l3droit, programmeId: droit.id, ssn: '103046912301126' },
      { email: 'camille.roux@etu.univ-demo.test', firstName: 'Camille', lastName: 'Roux', civility: 'MRS', number: '21700654', year: m2isi, programmeId: mIsi.id, ssn: '201086312400780', inCvBook: true },
      { email: 'nathan.lefebvre@etu.univ-demo.test', firstName: 'Nathan', lastName: 'Lefebvre', civility: 'MR', number: '21900987', year: l3info, programmeId: info.id, ssn: null, activated: false },
    ] as const;
    for (const m of moreStudents) {
      const u = await tx.user.create({ data: { email: m.email, firstName: m.firstName, lastName: m.lastName, civility: m.civility, passwordHash: 'activated' in m ? null : passwordHash } });
      await tx.studentProfile.create({
        data: { userId: u.id, studentNumber: m.number, institutionId: uni.id, programmeId: m.programmeId, studyYearId: m.year.id, ssn: m.ssn, inCvBook: 'inCvBook' in m ? m.inCvBook : false },
      });
    }
    // The host-organisation directory; a few unverified ones wait in the UFR's verification queue.
    await seedOrganisations(tx, { queueCentreId: ufr.id, createdById: stu.id });

    // The demo company's people in the directory: applications are addressed to one of them.
    const hr = await tx.service.create({ data: { organisationId: org.id, name: 'Ressources humaines', normalizedName: 'ressources humaines' } });
    await tx.contact.createMany({
      data: [
        { organisationId: org.id, serviceId: hr.id, civility: 'MRS', firstName: 'Sophie', lastName: 'Lefèvre', function: 'Responsable des ressources humaines', email: 'entreprise@demo.test', phone: '04 73 11 22 34', userId: ent.id },
        { organisationId: org.id, civility: 'MR', firstName: 'Karim', lastName: 'Benali', function: 'Responsable technique', email: 'tuteur@demo.test', phone: '04 73 11 22 35', userId: tut.id },
      ],
    });

    // Offers of the demo company at several stages of their life cycle, requests and an application.
    // Days of the diffusion periods, counted from today in Paris.
    const inMonths = (m: number) => todayIn(now).addMonths(m).toDb();
    const offerBase = {
      organisationId: org.id, centreId: ufr.id, fromCompany: true, country: 'FR', postalCode: '63000', city: 'Clermont-Ferrand',
      kind: 'INTERNSHIP', applyByEmail: true, workingTime: 'FULL_TIME', paid: true, payDetails: 'Gratification légale',
    } as const;
    const published = await tx.offer.create({
      data: {
        ...offerBase, status: 'PUBLISHED', authorId: ent.id, title: 'Développeur·se web TypeScript', domain: 'Informatique',
        missions: 'Participer au développement de notre application de gestion pour les collectivités (Node.js, TypeScript, PostgreSQL).',
        durationMonths: 4, educationLevel: 'BAC_3', skills: 'TypeScript, SQL, Git', startMonth: 4, startYear: now.getFullYear() + 1,
        publishFrom: now, publishUntil: inMonths(3), diffusionMonths: 3,
      },
    });
    await tx.offer.create({
      data: {
        ...offerBase, status: 'PENDING_SCHOOL', authorId: ent.id, title: 'Assistant·e chef de projet data', domain: 'Informatique',
        missions: 'Tableaux de bord et qualité des données.', durationMonths: 6, educationLevel: 'BAC_5', skills: 'Python, SQL',
      },
    });
    await tx.offer.create({
      data: {
        ...offerBase, status: 'PENDING_COMPANY', authorId: tut.id, title: 'Stage support utilisateurs', domain: 'Informatique',
        missions: 'Assistance aux utilisateurs et rédaction de documentation.', durationMonths: 2, educationLevel: 'BAC_2',
      },
    });
    const lea = await tx.studentProfile.findUniqueOrThrow({ where: { userId: stu.id } });
    await tx.internshipRequest.createMany({
      data: [
        { studentId: lea.id, title: 'Stage de développement web', level: 'BAC_3', durationMonths: 4, positionType: 'Développeuse', domain: 'Informatique', sector: 'Logiciel', description: 'Développement web TypeScript, goût pour les bases de données.', place: '63000;69002', availableFrom: inMonths(4) },
        { studentId: lea.id, title: 'Stage data', level: 'BAC_3', durationMonths: 3, positionType: 'Analyste', domain: 'Informatique', sector: 'Conseil', description: 'Analyse de données, SQL et visualisation.', place: '63000' },
      ],
    });
    const application = await tx.application.create({
      data: { studentId: lea.id, offerId: published.id, organisationId: org.id, title: 'Candidature au stage de développement web', message: 'Madame, Monsieur, votre offre correspond exactement au stage que je recherche…', status: 'READ', readAt: now },
    });
    await tx.applicationEvent.createMany({
      data: [
        { applicationId: application.id, toStatus: 'SENT', actorId: stu.id },
        { applicationId: application.id, fromStatus: 'SENT', toStatus: 'READ', actorId: ent.id },
      ],
    });
    // Internship sheets and agreements at every state, so that each role finds its work (issue 12).
    await seedInternships(tx, { organisationId: org.id, serviceId: hr.id }, now);
    // "Documents utiles" of the platform and of the UFR, its notice de saisie among them (issue 15).
    await seedDocuments(tx, { centreId: ufr.id, centreName: ufr.name, createdById: rc.id, now });
    // "Signaler un problème": a ticket answered by the UFR, one open in its queue, one for the administrator.
    await seedHelpdesk(tx, now);
    // The institution's data-protection contact, on the privacy page.
    await seedPrivacy(tx);
    // The university's single sign-on, set up but off (it would need the university's own provider).
    await seedSso(tx, uni.id);
  }, { timeout: 60_000 });
}
