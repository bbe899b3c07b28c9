// Demo internships (issue 12): sheets and agreements at every state, so that each demo role finds
// its part of the work at first start — Léa completes a draft and corrects a returned sheet, the
// year manager decides on Thomas's sent sheet, the academic tutor (and the year manager) validates
// Thomas's agreement, the centre's WRITE staff verify Inès's and finish Nathan's draft, Camille's
// sheet became a validated agreement the company sees among its interns (signed by its five
// parties first, then extended by three weeks by an amendment signed by the same five and
// validated); Léa's and a later one of Thomas's wait for the host's signatory's signature;
// last year's four others, signed and validated, print in English, German, Spanish and Italian.
// Written through the modules' own paths (the sheet's schema and sending checks, createAgreement
// and its numbering, the workflows' apply with its audit rows, the submission's legal engine and
// snapshot), dated from the clock's today. No mail: the recipients are left empty.
import type { Act } from '../src/act.js';
import { audit } from '../src/audit/audit.js';
import { loadActor, type Actor } from '../src/authz/actor.js';
import type { Db, Tx } from '../src/db/client.js';
import type { Prisma } from '../src/generated/prisma/client.js';
import { parse } from '../src/http/validate.js';
import { agreementNumber } from '../src/modules/agreements/agreement.types.js';
import { databaseChecks } from '../src/modules/agreements/agreements.checks.js';
import { createAgreement } from '../src/modules/agreements/agreements.create.js';
import { computeAgreement, isBlocking } from '../src/modules/agreements/agreements.legal.js';
import { recordOf as agreementRecordOf } from '../src/modules/agreements/agreements.service.js';
import { buildSnapshot, detailInclude, legalColumns, type AgreementDetail } from '../src/modules/agreements/agreements.snapshot.js';
import { AGREEMENT_WORKFLOW, STEP_COLUMNS, STEP_SETTINGS_SELECT, type AgreementAction, type AgreementRecord } from '../src/modules/agreements/agreements.workflow.js';
import { draftSchema, scheduleOf } from '../src/modules/sheets/sheets.fields.js';
import { contentOf, jsonOf, recordOf as sheetRecordOf, recordSelect } from '../src/modules/sheets/sheets.records.js';
import { checkSending } from '../src/modules/sheets/sheets.send.js';
import { materialise } from '../src/modules/sheets/sheets.validate.js';
import { SHEET_WORKFLOW, type SheetAction } from '../src/modules/sheets/sheets.workflow.js';
import { CalendarDate, todayIn } from '../src/time/calendar.js';
import { seedPeriodAmendment } from './seed-amendments.js';
import { seedFollowUp } from './seed-followup.js';
import { seedLabelStage, type LabelStage } from './seed-label.js';
import { seedSignatures } from './seed-signatures.js';

/** What seedDemo has made that the internships need (the rest is found by e-mail). */
export interface InternshipRefs {
  /** Auvergne Logiciels, the demo company. */
  organisationId: number;
  /** Its "Ressources humaines" service, where Sophie Lefèvre (the signatory) works. */
  serviceId: number;
}

const DAY = 86_400_000;
const noMail = { recipients: async () => [], mail: () => ({}) };

/** The first Monday on or after `day`. */
const mondayFrom = (day: CalendarDate) => day.addDays((8 - day.weekday()) % 7);
/** The last day of an internship of `months` months from `start`. */
const endAfter = (start: CalendarDate, months: number) => start.addMonths(months).addDays(-1);

/** The sheet's fields for Auvergne Logiciels: Karim Benali tutors, Sophie Lefèvre signs. */
const AUVERGNE = {
  orgType: 'COMPANY',
  serviceName: 'Ressources humaines',
  tutorCivility: 'MR',
  tutorFirstName: 'Karim',
  tutorLastName: 'Benali',
  tutorFunction: 'Responsable technique',
  tutorEmail: 'tuteur@demo.test',
  tutorPhone: '04 73 11 22 35',
  signatoryCivility: 'MRS',
  signatoryFirstName: 'Sophie',
  signatoryLastName: 'Lefèvre',
  signatoryFunction: 'Responsable des ressources humaines',
  signatoryEmail: 'entreprise@demo.test',
};
const WEEK = { mon: '7', tue: '7', wed: '7', thu: '7', fri: '7', sat: '0', sun: '0' };
const PAY = { payAmount: '700', payUnit: 'MONTH', payCurrency: 'EUR' };

export async function seedInternships(tx: Tx, refs: InternshipRefs, now: Date) {
  const today = todayIn(now);
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  // loadActor reads with raw SQL only: the transaction's uncommitted users are seen through tx.
  const actorOf = async (email: string) => (await loadActor(tx as unknown as Db, (await tx.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id))!;
  const actAt = (actor: Actor, daysAgo: number): Act => ({ actor, requestId: null, now: ago(daysAgo) });
  const profileOf = (a: Actor | number) => (typeof a === 'number' ? a : a.student!.profileId);

  // One at a time: a transaction's connection runs one statement at a time.
  const actors: Actor[] = [];
  for (const e of ['etudiant@demo.test', 'thomas.girard@etu.univ-demo.test', 'camille.roux@etu.univ-demo.test', 'resp.annee@demo.test', 'enseignant@demo.test', 'gestionnaire@demo.test']) actors.push(await actorOf(e));
  const [lea, thomas, camille, yearManager, teacher, staff] = actors;
  // Inès and Nathan do not act here (Nathan has not even activated his account): their profiles suffice.
  const profileByEmail = async (email: string) => (await tx.studentProfile.findFirstOrThrow({ where: { user: { email } }, select: { id: true } })).id;
  const ines = await profileByEmail('ines.moreau@etu.univ-demo.test');
  const nathan = await profileByEmail('nathan.lefebvre@etu.univ-demo.test');
  const karim = await tx.contact.findFirstOrThrow({ where: { organisationId: refs.organisationId, email: 'tuteur@demo.test' }, select: { id: true } });
  const sophie = await tx.contact.findFirstOrThrow({ where: { organisationId: refs.organisationId, email: 'entreprise@demo.test' }, select: { id: true } });
  // Two other hosts of the directory (verified, in France) for Léa's and Thomas's other sheets.
  const [hostA, hostB] = await tx.organisation.findMany({
    where: { verified: true, country: 'FR', siret: { not: null }, id: { not: refs.organisationId } },
    select: { id: true, legalName: true, structureType: true },
    orderBy: { id: 'asc' },
    take: 2,
  });

  // ───────────── sheets ─────────────

  const student = (city: string, postalCode: string, addressLine1: string, phone: string, healthFund = 'CPAM du Puy-de-Dôme') => ({ insurance: 'GENERAL', healthFund, addressLine1, postalCode, city, country: 'FR', phone });
  const leaData = student('Clermont-Ferrand', '63000', '3 rue des Gras', '06 11 22 33 44');

  /** A new sheet as SheetService.create writes it: its fields through the form's schema, one audit row. */
  async function newSheet(who: Actor, body: Record<string, string>, organisationId: number | null, daysAgo: number) {
    const input = parse(draftSchema, { ...body, organisationId: organisationId ? String(organisationId) : '' });
    const created = await tx.internshipSheet.create({ data: { studentId: profileOf(who), organisationId: input.organisationId, data: jsonOf(input.content), createdAt: ago(daysAgo) }, select: { id: true } });
    await audit(tx, { actorId: who.id, action: 'sheet.create', entityType: 'InternshipSheet', entityId: created.id, after: { organisationId: input.organisationId }, requestId: null });
    return created.id;
  }

  /** One transition of a sheet through its workflow (SheetService.move without the mails). */
  async function moveSheet(act: Act, id: number, action: SheetAction, data: Prisma.InternshipSheetUncheckedUpdateInput, after: Record<string, unknown> = {}) {
    const record = sheetRecordOf(await tx.internshipSheet.findUniqueOrThrow({ where: { id }, select: recordSelect }));
    await SHEET_WORKFLOW.apply(tx, { act, record, id, action, write: (to) => tx.internshipSheet.update({ where: { id }, data: { ...data, status: to } }), ...noMail, audit: { after: () => after } });
  }

  /** "Sauvegarder et envoyer pour validation": the required fields and the legal engine pass, as they would on the form. */
  async function sendSheet(act: Act, id: number) {
    const s = await tx.internshipSheet.findUniqueOrThrow({ where: { id }, select: { studentId: true, organisationId: true, data: true, organisation: { select: { country: true, siret: true } } } });
    const content = contentOf(s.data);
    await checkSending(tx, s.studentId, content, { organisationId: s.organisationId, country: s.organisation?.country ?? null, siret: s.organisation?.siret ?? null }, todayIn(act.now));
    await moveSheet(act, id, 'submit', { sentAt: act.now });
  }

  // Léa, a draft: the host and the subject chosen, the rest to come.
  const draftStart = mondayFrom(today.addDays(120));
  await newSheet(lea, { orgType: hostA.structureType === 'PUBLIC_LAB' ? 'PUBLIC_LAB' : 'COMPANY', subject: 'Tableaux de bord de suivi d\u2019activité', startDate: draftStart.toString(), endDate: endAfter(draftStart, 2).toString(), ...WEEK, payCurrency: 'EUR', ...leaData }, hostA.id, 3);

  // Léa, returned by the year manager with what to correct.
  const returnedStart = mondayFrom(today.addDays(45));
  const returned = await newSheet(lea, { ...AUVERGNE, subject: 'Développement web TypeScript', activities: 'Participer au développement de l\u2019application de gestion des collectivités.', skills: 'TypeScript, SQL, Git', startDate: returnedStart.toString(), endDate: endAfter(returnedStart, 4).toString(), ...WEEK, ...PAY, ...leaData }, refs.organisationId, 9);
  await sendSheet(actAt(lea, 8), returned);
  const comment = 'Merci de préciser les activités confiées (au moins trois) et de vérifier la date de fin : le stage doit se terminer avant le jury de juillet.';
  const sent = await tx.internshipSheet.findUniqueOrThrow({ where: { id: returned }, select: { data: true, organisationId: true } });
  await moveSheet(actAt(yearManager, 6), returned, 'return', { returnComment: comment, returnedAt: ago(6), sentData: { ...jsonOf(contentOf(sent.data)), organisationId: sent.organisationId } }, { comment });

  // Thomas, sent: it waits for the year manager of L3 Informatique.
  const thomasStart = mondayFrom(today.addDays(150));
  const thomasSheet = await newSheet(thomas, {
    orgType: hostB.structureType === 'PUBLIC_LAB' ? 'PUBLIC_LAB' : 'COMPANY',
    serviceName: 'Direction des systèmes d\u2019information',
    tutorCivility: 'MRS', tutorFirstName: 'Nadia', tutorLastName: 'Fabre', tutorFunction: 'Cheffe de projet', tutorEmail: 'nadia.fabre@exemple.test',
    signatoryCivility: 'MR', signatoryFirstName: 'Olivier', signatoryLastName: 'Chassaing', signatoryFunction: 'Directeur',
    subject: 'Automatisation des tests d\u2019une application métier', activities: 'Écrire des tests automatisés et les intégrer à la chaîne de livraison.', skills: 'Java, Git',
    startDate: thomasStart.toString(), endDate: endAfter(thomasStart, 2).toString(), ...WEEK, payAmount: '4.50', payUnit: 'HOUR', payCurrency: 'EUR',
    ...student('Clermont-Ferrand', '63100', '18 boulevard Lavoisier', '06 22 33 44 55'),
  }, hostB.id, 4);
  await sendSheet(actAt(thomas, 2), thomasSheet);

  // Camille, validated by the centre's staff (M2 MISI has no year manager): it became her agreement.
  const camilleStart = mondayFrom(today.addDays(7));
  const camilleSheet = await newSheet(camille, { ...AUVERGNE, subject: 'Entrepôt de données des collectivités', activities: 'Modéliser et alimenter l\u2019entrepôt de données, concevoir les tableaux de bord.', skills: 'SQL, Python', startDate: camilleStart.toString(), endDate: endAfter(camilleStart, 5).toString(), ...WEEK, ...PAY, ...student('Aubière', '63170', '7 rue de la Ronzière', '06 33 44 55 66') }, refs.organisationId, 30);
  await sendSheet(actAt(camille, 28), camilleSheet);
  const validation = actAt(staff, 25);
  const s = await tx.internshipSheet.findUniqueOrThrow({ where: { id: camilleSheet }, select: { data: true, organisationId: true, student: { select: { userId: true, studyYear: { select: { centreId: true } } } } } });
  const created = await materialise(tx, validation, { id: camilleSheet, studentId: profileOf(camille), organisationId: s.organisationId, offerId: null, content: contentOf(s.data), student: { userId: s.student.userId, centreId: s.student.studyYear?.centreId ?? null } });
  await moveSheet(validation, camilleSheet, 'validate', { organisationId: created.organisationId, validatedAt: validation.now, validatedById: staff.id }, { agreementId: created.agreementId, organisationId: created.organisationId });

  // ───────────── agreements ─────────────

  /**
   * One step of an agreement as AgreementService.perform takes it: the step's date and author, at
   * submission the legal engine and the other agreements' checks (a blocking one stops the seed)
   * with the figures and the snapshot, the state and its audit row through the workflow.
   */
  async function step(act: Act, id: number, action: AgreementAction) {
    const row = await tx.agreement.findUniqueOrThrow({ where: { id } });
    const a = { ...row } as Record<string, unknown>;
    // One relation per statement, as the service reads it in a transaction.
    const include = { ...detailInclude, centre: { select: { ...detailInclude.centre.select, ...STEP_SETTINGS_SELECT, agreementOverlapAllowed: true } } };
    for (const [key, select] of Object.entries(include)) a[key] = ((await tx.agreement.findUniqueOrThrow({ where: { id }, select: { [key]: select } })) as Record<string, unknown>)[key];
    const detail = a as unknown as AgreementDetail & { centre: AgreementRecord['steps'] & { agreementOverlapAllowed: boolean } };
    const data: Prisma.AgreementUncheckedUpdateInput = {};
    const columns = STEP_COLUMNS[action as keyof typeof STEP_COLUMNS];
    if (columns) Object.assign(data, { [columns.at]: act.now, [columns.by]: act.actor.id });
    if (action === 'submit') {
      const legal = await computeAgreement(tx, detail, todayIn(act.now));
      const others = await databaseChecks(tx, detail, detail.centre.agreementOverlapAllowed);
      const blocking = [...legal.result.checks, ...others].filter(isBlocking);
      if (blocking.length) throw new Error(`demo agreement ${agreementNumber(detail)}: ${blocking.map((c) => c.code).join(', ')}`);
      Object.assign(data, legalColumns(legal.result, legal.previousHours), { snapshot: buildSnapshot(detail, legal) as unknown as Prisma.InputJsonValue });
    }
    await AGREEMENT_WORKFLOW.apply(tx, { act, record: agreementRecordOf(detail), id, action, write: (status) => tx.agreement.update({ where: { id }, data: { ...data, status } }), ...noMail, audit: { before: { number: agreementNumber(detail) } } });
  }

  /** An agreement made by the centre's staff (the creation wizard's createAgreement), at Auvergne Logiciels. */
  async function newAgreement(who: Actor | number, daysAgo: number, start: CalendarDate, months: number, subject: string, activities: string) {
    const content = { data: { ...WEEK }, pauses: [] };
    const created = await createAgreement(tx, actAt(staff, daysAgo), {
      studentId: profileOf(who),
      organisationId: refs.organisationId,
      serviceId: refs.serviceId,
      companyTutorId: karim.id,
      signatoryId: sophie.id,
      academicTutorId: teacher.id,
      type: 'MANDATORY',
      subject,
      activities,
      startDate: start,
      endDate: endAfter(start, months),
      schedule: scheduleOf(content),
      payAmount: months > 2 ? 700 : null,
      payUnit: months > 2 ? 'MONTH' : null,
      leaveTerms: months > 2 ? 'Deux jours de congé par mois de présence, à poser en accord avec le tuteur.' : null,
    });
    return created.id;
  }

  // Camille's agreement: the academic tutor named by the staff, then every step to VALIDATED.
  await tx.agreement.update({ where: { id: created.agreementId }, data: { academicTutorId: teacher.id } });
  await audit(tx, { actorId: staff.id, action: 'agreement.update', entityType: 'Agreement', entityId: created.agreementId, before: { academicTutorId: null }, after: { academicTutorId: teacher.id }, requestId: null });
  await step(actAt(staff, 24), created.agreementId, 'submit');
  await step(actAt(teacher, 20), created.agreementId, 'validatePedagogical');
  await step(actAt(staff, 18), created.agreementId, 'verifyAdministrative');
  // Signed by the five (online with an account, the tutor on paper), then validated by the centre.
  await seedSignatures(tx, created.agreementId, { openedAt: ago(17), signed: [{ at: ago(16), channel: 'ACCOUNT' }, { at: ago(15), channel: 'ACCOUNT' }, { at: ago(14), channel: 'PAPER', by: staff.id }, { at: ago(13), channel: 'ACCOUNT' }, { at: ago(12), channel: 'ACCOUNT' }] });
  await step(actAt(staff, 11), created.agreementId, 'validate');
  // Amendment n° 1: three more weeks, the host's signatory returning it on paper, validated two days ago.
  await seedPeriodAmendment(tx, {
    agreementId: created.agreementId,
    staff,
    reason: 'Prolongation de trois semaines : la mise en service de l\u2019entrepôt de données chez les collectivités pilotes est reportée.',
    endDate: endAfter(camilleStart, 5).addDays(21),
    draftedAt: ago(9),
    openedAt: ago(8),
    signed: [{ at: ago(7), channel: 'ACCOUNT' }, { at: ago(6), channel: 'PAPER', by: staff.id }, { at: ago(5), channel: 'ACCOUNT' }, { at: ago(4), channel: 'ACCOUNT' }, { at: ago(3), channel: 'ACCOUNT' }],
    validatedAt: ago(2),
  });


  // Inès: validated by her academic tutor, it waits for the centre's administrative verification.
  const inesAgreement = await newAgreement(ines, 12, mondayFrom(today.addDays(21)), 2, 'Refonte de la documentation utilisateur', 'Rédiger les guides d\u2019utilisation et les tutoriels vidéo.');
  await step(actAt(staff, 10), inesAgreement, 'submit');
  await step(actAt(teacher, 5), inesAgreement, 'validatePedagogical');

  // Thomas: sent, it waits for the pedagogical validation (his academic tutor or the year manager); it starts soon (the dashboard's alert).
  const thomasAgreement = await newAgreement(thomas, 5, mondayFrom(today.addDays(10)), 3, 'Application mobile de signalement', 'Développer l\u2019application mobile de signalement des incidents de voirie.');
  await step(actAt(staff, 3), thomasAgreement, 'submit');

  // Nathan: a draft the staff started; it waits for them to complete and submit it.
  await newAgreement(nathan, 2, mondayFrom(today.addDays(60)), 4, 'Migration d\u2019une application vers le cloud', 'Conteneuriser l\u2019application et automatiser son déploiement.');

  // Léa: checked, in its signature phase: she signed online, the host's signatory (the company's account) is asked.
  const leaAgreement = await newAgreement(lea, 9, mondayFrom(today.addDays(200)), 3, 'Outil de suivi des demandes des usagers', 'Concevoir et développer le suivi en ligne des demandes adressées à la mairie.');
  await step(actAt(staff, 8), leaAgreement, 'submit');
  await step(actAt(teacher, 7), leaAgreement, 'validatePedagogical');
  await step(actAt(staff, 6), leaAgreement, 'verifyAdministrative');
  await seedSignatures(tx, leaAgreement, { openedAt: ago(5), signed: [{ at: ago(4), channel: 'ACCOUNT' }] });

  // Thomas, a later internship: he signed on paper (the scan recorded by the staff), the host's signatory is asked.
  const thomasLater = await newAgreement(thomas, 9, mondayFrom(today.addDays(220)), 2, 'Tableau de bord de la voirie', 'Construire le tableau de bord des interventions de voirie.');
  await step(actAt(staff, 8), thomasLater, 'submit');
  await step(actAt(teacher, 7), thomasLater, 'validatePedagogical');
  await step(actAt(staff, 6), thomasLater, 'verifyAdministrative');
  await seedSignatures(tx, thomasLater, { openedAt: ago(5), signed: [{ at: ago(3), channel: 'PAPER', by: staff.id }] });

  // Last year's internships, signed by all and validated, printed in each of the other four languages.
  const printed: [Actor | number, 'en' | 'de' | 'es' | 'it', string][] = [
    [ines, 'en', 'Customer support knowledge base'],
    [thomas, 'de', 'Testautomatisierung der Buchhaltungssoftware'],
    [nathan, 'es', 'Migración de la base de datos de clientes'],
    [lea, 'it', 'Cruscotto delle richieste dei cittadini'],
  ];
  const lastYear: number[] = [];
  for (const [i, [who, language, subject]] of printed.entries()) {
    const id = await newAgreement(who, 400, mondayFrom(today.addDays(-330 + i * 7)), 2, subject, subject);
    await tx.agreement.update({ where: { id }, data: { printLanguage: language } });
    await step(actAt(staff, 399), id, 'submit');
    await step(actAt(teacher, 398), id, 'validatePedagogical');
    await step(actAt(staff, 397), id, 'verifyAdministrative');
    await seedSignatures(tx, id, { openedAt: ago(396), signed: [395, 394, 393, 392, 391].map((d) => ({ at: ago(d), channel: 'ACCOUNT' as const })) });
    await step(actAt(staff, 390), id, 'validate');
    lastYear.push(id);
  }

  // Under way (issue 14): Inès's internship follows the label — its journal kept (a difficulty
  // flagged, answered by the tutor), its mid-term report sent and acknowledged by the company tutor,
  // waiting for the academic tutor's; Nathan's has just begun (he said yes to the label, the others not yet).
  const manager = await tx.user.findUniqueOrThrow({ where: { email: 'resp.filiere@demo.test' }, select: { id: true } });
  const karimUser = await tx.user.findUniqueOrThrow({ where: { email: 'tuteur@demo.test' }, select: { id: true } });
  // Two months each, ending before their next internships (Inès's in three weeks, Nathan's in two months);
  // Inès's ends within 10 days: the company tutor's evaluation is open.
  const underWay: [number, number, string][] = [[ines, 58, 'Refonte du portail des usagers'], [nathan, 10, 'Application de suivi des chantiers']];
  const ids: number[] = [];
  for (const [who, daysIn, subject] of underWay) {
    const id = await newAgreement(who, daysIn + 50, mondayFrom(today.addDays(-daysIn)), 2, subject, subject);
    await step(actAt(staff, daysIn + 49), id, 'submit');
    await step(actAt(teacher, daysIn + 48), id, 'validatePedagogical');
    await step(actAt(staff, daysIn + 47), id, 'verifyAdministrative');
    await seedSignatures(tx, id, { openedAt: ago(daysIn + 46), signed: [45, 44, 43, 42, 41].map((d) => ({ at: ago(daysIn + d), channel: 'ACCOUNT' as const })) });
    await step(actAt(staff, daysIn + 40), id, 'validate');
    ids.push(id);
  }
  await seedFollowUp(tx, ids[0], {
    now,
    answers: { student: true, company: karimUser.id, manager: manager.id },
    journal: [[3, 'Installation du poste, découverte du code et des usagers.'], [17, 'Premier module livré en recette.', 'Pas d’accès aux données de production.', true], [30, 'Mise en production du module de rendez-vous.']],
    comment: { by: teacher.id, text: 'Voyez avec votre tuteur pour une convention d’accès ; tenez-moi au courant.' },
    midterm: { sentAfter: 2, companyAck: 4 },
  });
  await seedFollowUp(tx, ids[1], { now, answers: { student: true }, journal: [[2, 'Présentation de l’équipe et des chantiers en cours.']] });
  // Last year's, each stopped at a later step of the label (seed-label.ts); Inès's label awarded.
  const stages: LabelStage[] = ['awarded', 'studentEvaluationDue', 'defenceDue', 'midtermAwaitingCompany'];
  for (const [i, id] of lastYear.entries()) await seedLabelStage(tx, id, stages[i], { companyTutorUserId: karimUser.id, teacherId: teacher.id, managerId: manager.id });
}
