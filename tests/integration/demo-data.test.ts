import { createHash } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../prisma/seed-data.js';
import { agreementNumber } from '../../src/modules/agreements/agreement.types.js';
import { CalendarDate } from '../../src/time/calendar.js';
import { FixedClock } from '../../src/time/clock.js';
import { flat, hasPdftotext, pdfText } from '../factories/documents.js';
import { day } from '../factories/legal.js';
import { seedLegalParameters } from '../factories/legal-db.js';
import { agent, useApp } from '../helpers/app.js';
import { resetDb } from '../helpers/db.js';

// The demo data (issue 12, "Demo data"): at first start each role finds its part of the
// internships' work — sheets and agreements at every state, made by the modules' own paths.
const binary: Parameters<request.Test['parse']>[0] = (res, cb) => {
  const chunks: Buffer[] = [];
  res.on('data', (d: Buffer) => chunks.push(d));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('demo internships', () => {
  const t = useApp();

  const agreementOf = async (email: string) => t.db.agreement.findFirstOrThrow({ where: { student: { user: { email } } }, orderBy: { id: 'asc' } });

  it('gives each role its work: the student their sheets, the managers their decisions, the company its interns', async () => {
    // The server's database holds the legal parameters (a migration writes them); the test's is emptied.
    await seedLegalParameters(t.db);
    await seedDemo(t.db);

    // Léa: her draft and the sheet returned to her, with its comment.
    const lea = await agent(t.app, 'etudiant@demo.test');
    const own = (await lea.a.get('/sheets')).text;
    expect(own).toContain('Fiche en cours de remplissage');
    expect(own).toContain('Renvoyée à l&#39;étudiant');
    const returned = await t.db.internshipSheet.findFirstOrThrow({ where: { status: 'RETURNED' }, include: { student: { include: { user: true } } } });
    expect(returned.student.user.email).toBe('etudiant@demo.test');
    expect((await lea.a.get(`/sheets/${returned.id}`)).text).toContain('Merci de préciser les activités');

    // The year manager of L3 Informatique: Thomas's sent sheet.
    const manager = await agent(t.app, 'resp.annee@demo.test');
    expect((await manager.a.get('/sheets/review')).text).toContain('Girard');

    // The academic tutor (and the year manager): Thomas's agreement waits for the pedagogical validation.
    const thomas = await agreementOf('thomas.girard@etu.univ-demo.test');
    expect(thomas.status).toBe('SUBMITTED');
    const teacher = await agent(t.app, 'enseignant@demo.test');
    expect((await teacher.a.get(`/agreements/${thomas.id}`)).text).toContain(`/agreements/${thomas.id}/validatePedagogical`);
    expect((await manager.a.get(`/agreements/${thomas.id}`)).text).toContain(`/agreements/${thomas.id}/validatePedagogical`);

    // The centre's WRITE staff: Inès's agreement to verify, Nathan's draft to submit, on their dashboard.
    const ines = await agreementOf('ines.moreau@etu.univ-demo.test');
    const nathan = await agreementOf('nathan.lefebvre@etu.univ-demo.test');
    expect([ines.status, nathan.status]).toEqual(['PEDAGOGICAL_DONE', 'DRAFT']);
    const staff = await agent(t.app, 'gestionnaire@demo.test');
    expect((await staff.a.get(`/agreements/${ines.id}`)).text).toContain(`/agreements/${ines.id}/verifyAdministrative`);
    const dashboard = (await staff.a.get(`/agreements/dashboard?academicYear=${ines.academicYear}`)).text;
    expect(dashboard).toContain(agreementNumber(ines));
    expect(dashboard).toContain('Moreau');

    // The company administrator: the interns of Auvergne Logiciels, tutored by Karim Benali.
    const company = await agent(t.app, 'entreprise@demo.test');
    const interns = (await company.a.get('/agreements/interns')).text;
    for (const name of ['Roux', 'Moreau', 'Girard', 'Lefebvre']) expect(interns).toContain(name);
    const tutor = await t.db.contact.findFirstOrThrow({ where: { email: 'tuteur@demo.test' } });
    expect(await t.db.agreement.count({ where: { companyTutorId: tutor.id } })).toBe(12);

    // Camille's sheet became her agreement, validated: numbered, with the copy and the figures of its submission.
    const camille = await agreementOf('camille.roux@etu.univ-demo.test');
    expect(camille.status).toBe('VALIDATED');
    expect(agreementNumber(camille)).toMatch(/^\d{4}-\d{5}$/);
    expect(camille.sheetId).not.toBeNull();
    expect((await t.db.internshipSheet.findUniqueOrThrow({ where: { id: camille.sheetId! } })).status).toBe('VALIDATED');
    expect(Number(camille.presenceHours)).toBeGreaterThan(0);
    expect(camille.stipendDue).toBe(true);
    const snapshot = camille.snapshot as { number: string; legal: { result: { presenceHours: number } } };
    expect(snapshot.number).toBe(agreementNumber(camille));
    expect(snapshot.legal.result.presenceHours).toBe(Number(camille.presenceHours));
    expect(camille.pedagogicalAt && camille.administrativeAt && camille.validatedAt).toBeTruthy();

    // Signatures: Léa signed online and the company's account (the host's signatory) is asked to sign;
    // Thomas's later agreement was signed on paper by him; Camille's went through all five.
    const leaAgreement = await agreementOf('etudiant@demo.test');
    expect(leaAgreement.status).toBe('SIGNING');
    const companyPage = (await company.a.get(`/agreements/${leaAgreement.id}`)).text;
    expect(companyPage).toContain('data-sign-form');
    expect((await company.a.get('/dashboard/company')).text).toContain('Conventions à signer');
    expect(await t.db.agreementSignature.count({ where: { amendmentId: null, channel: 'PAPER', status: 'SIGNED' } })).toBe(2);
    expect(camille.finalPdfSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await staff.a.get('/agreements/signatures')).text).toContain('Lefèvre');

    // Camille's agreement, amended: three more weeks, signed by the same five (the host's signatory
    // on paper) and validated; its values are the agreement's, the signed copy kept, both printable.
    const amendment = await t.db.agreementAmendment.findUniqueOrThrow({ where: { agreementId_seq: { agreementId: camille.id, seq: 1 } } });
    expect(amendment).toMatchObject({ status: 'VALIDATED', kinds: ['period'], validatedById: (await t.db.user.findUniqueOrThrow({ where: { email: 'gestionnaire@demo.test' } })).id });
    expect(amendment.reason).toContain('Prolongation de trois semaines');
    const original = camille.originalSnapshot as { internship: { endDate: string } };
    const extended = day(original.internship.endDate).addDays(21);
    expect(CalendarDate.fromDb(camille.endDate).toString()).toBe(extended.toString());
    expect((amendment.changes as { endDate: string }).endDate).toBe(extended.toString());
    expect((amendment.beforeSnapshot as { internship: { endDate: string } }).internship.endDate).toBe(original.internship.endDate);
    expect((camille.snapshot as { internship: { endDate: string } }).internship.endDate).toBe(extended.toString());
    const amendmentSignatures = await t.db.agreementSignature.findMany({ where: { amendmentId: amendment.id }, orderBy: { position: 'asc' } });
    expect(amendmentSignatures.map((x) => [x.party, x.status, x.channel])).toEqual([
      ['STUDENT', 'SIGNED', 'ACCOUNT'], ['HOST_SIGNATORY', 'SIGNED', 'PAPER'], ['COMPANY_TUTOR', 'SIGNED', 'ACCOUNT'], ['ACADEMIC_TUTOR', 'SIGNED', 'ACCOUNT'], ['INSTITUTION', 'SIGNED', 'ACCOUNT'],
    ]);
    const camillePage = (await staff.a.get(`/agreements/${camille.id}`)).text;
    expect(camillePage).toMatch(/data-amendment-history[\s\S]*data-field="endDate"/);
    expect((await staff.a.get(`/agreements/${camille.id}/amendments/1`)).text).toContain('data-final-pdf');
    const signedAmendment = await staff.a.get(`/agreements/${camille.id}/amendments/1/final.pdf`).buffer(true).parse(binary);
    expect(signedAmendment.status).toBe(200);
    expect(createHash('sha256').update(signedAmendment.body as Buffer).digest('hex')).toBe(amendment.finalPdfSha256);
    if (hasPdftotext) {
      const text = flat(pdfText(signedAmendment.body as Buffer));
      expect(text).toContain('Prolongation de trois semaines');
      const originalPdf = flat(pdfText((await staff.a.get(`/agreements/${camille.id}/agreement.pdf`).buffer(true).parse(binary)).body as Buffer));
      expect(originalPdf).not.toContain('Prolongation de trois semaines');
    }

    // Validated agreements printed in each of the five languages.
    expect([...new Set((await t.db.agreement.findMany({ where: { status: 'VALIDATED' }, select: { printLanguage: true } })).map((x) => x.printLanguage))].sort()).toEqual(['de', 'en', 'es', 'fr', 'it']);

    // Internships under way (issue 14): Inès's follows the label, its journal has a difficulty answered
    // by the academic tutor, its mid-term report waits for his acknowledgement; Nathan's has begun.
    const followed = await t.db.labelEnrolment.findFirstOrThrow({ where: { studentAnswer: 'YES', companyAnswer: 'YES', managerAnswer: 'YES', agreement: { student: { user: { email: 'ines.moreau@etu.univ-demo.test' } } } }, orderBy: { agreementId: 'desc' } });
    const report = await t.db.midtermReport.findUniqueOrThrow({ where: { agreementId: followed.agreementId } });
    expect(report).toMatchObject({ status: 'SUBMITTED', academicAckAt: null });
    expect(report.companyAckAt).not.toBeNull();
    expect(await t.db.journalComment.count({ where: { entry: { agreementId: followed.agreementId, difficulty: true } } })).toBe(1);
    const teacherDash = await (await agent(t.app, 'enseignant@demo.test')).a.get('/dashboard/academic-tutor');
    expect(teacherDash.text).toContain('Bilans intermédiaires à accuser réception');
    const inesFollowUp = await (await agent(t.app, 'ines.moreau@etu.univ-demo.test')).a.get(`/agreements/${followed.agreementId}/follow-up`);
    expect(inesFollowUp.status).toBe(200);
    expect(inesFollowUp.text).toContain('data-label-state="follows"');
    expect(inesFollowUp.text).toContain('data-step="midtermCompanyAck" data-state="done"');
    // …and it ends within ten days: the company tutor's evaluation is due.
    expect(inesFollowUp.text).toContain('data-step="companyEvaluation" data-state="todo"');
    // Last year's internships stopped at later steps: the company's acknowledgement missing, a defence
    // to record, a student's evaluation to fill, a label awarded whose certificate verifies publicly.
    expect(await t.db.midtermReport.count({ where: { status: 'SUBMITTED', companyAckAt: null } })).toBe(1);
    expect(await t.db.evaluation.count({ where: { kind: 'COMPANY', consultedAt: { not: null } } })).toBe(3);
    expect(await t.db.internshipGrade.count()).toBe(2);
    expect(await t.db.evaluation.count({ where: { kind: 'STUDENT' } })).toBe(1);
    const award = await t.db.labelAward.findFirstOrThrow({ where: { decision: 'AWARDED' } });
    const verified = await request(t.app).get(`/label/verify/${award.code}`);
    expect(verified.status).toBe(200);
    expect(verified.text).toContain('data-verify-state="valid"');

    // The steps are in the audit trail; no mail was queued.
    expect(await t.db.auditLog.count({ where: { entityType: 'Agreement', entityId: String(camille.id) } })).toBe(6);
    expect(await t.db.outboxEmail.count()).toBe(0);
  }, 90_000);

  it('seeds on any day: dates from the clock’s today, around the turn of the academic and calendar years, with or without the legal parameters', async () => {
    const states = async () => ({
      sheets: (await t.db.internshipSheet.findMany({ select: { status: true }, orderBy: { id: 'asc' } })).map((s) => s.status),
      agreements: (await t.db.agreement.findMany({ select: { status: true }, orderBy: { id: 'asc' } })).map((a) => a.status),
    });
    for (const [day, parameters] of [['2027-08-27T21:30:00Z', true], ['2027-12-31T12:00:00Z', false], ['2028-02-28T08:00:00Z', true]] as const) {
      await resetDb(t.db);
      if (parameters) await seedLegalParameters(t.db);
      await seedDemo(t.db, new FixedClock(day));
      expect(await states(), day).toEqual({ sheets: ['DRAFT', 'RETURNED', 'SUBMITTED', 'VALIDATED'], agreements: ['VALIDATED', 'PEDAGOGICAL_DONE', 'SUBMITTED', 'DRAFT', 'SIGNING', 'SIGNING', 'VALIDATED', 'VALIDATED', 'VALIDATED', 'VALIDATED', 'VALIDATED', 'VALIDATED'] });
      const thomas = await agreementOf('thomas.girard@etu.univ-demo.test');
      // Every internship starts after the clock's today (Thomas's within the dashboard's alert days).
      expect(thomas.startDate.getTime(), day).toBeGreaterThan(new Date(day).getTime());
      expect(thomas.submittedAt!.getTime(), day).toBeLessThan(new Date(day).getTime());
    }
  }, 120_000);
});
