import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Db } from '../../src/db/client.js';
import type { SignatureParty } from '../../src/generated/prisma/enums.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { flat, hasPdftotext, pdfText } from '../factories/documents.js';
import { day } from '../factories/legal.js';
import { lastLinkToken, sha256, shownHash, SIGNATORY, STUDENT, TUTOR, WRITE } from '../factories/signatures.js';
import { fieldError, mailsTo, minimalPdf } from '../factories/students.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';
import type { Express } from 'express';

const clock = new FixedClock('2026-03-10T09:00:00Z');
const bytes = (r: request.Test) => r.buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });

/**
 * Léa's agreement at ACME, 2 March – 10 April 2026 (under 308 hours: no stipend due), sent (its copy
 * and figures computed as the platform does) then validated; the centre's signers as given.
 */
async function validated(app: Express, db: Db, parties: SignatureParty[], over: Parameters<typeof makeAgreement>[2] = {}) {
  const w = await makeAgreementWorld(db);
  await db.contact.update({ where: { id: w.signatory.id }, data: { email: SIGNATORY } });
  await db.managementCentre.update({ where: { id: w.centreA.id }, data: { signatureParties: parties, signatureInSequence: true, signatureAutoValidate: false } });
  const a = await makeAgreement(db, w, { endDate: day('2026-04-10'), payAmount: null, payUnit: null, paymentMethod: null, ...over });
  const student = await agent(app, STUDENT);
  const sent = await student.a.post(`/agreements/${a.id}/submit`).type('form').send({ _csrf: student.csrf });
  if (sent.status !== 303) throw new Error(`submission refused (${sent.status}): ${sent.text.slice(0, 400)}`);
  await db.agreement.update({ where: { id: a.id }, data: { status: 'VALIDATED', validatedAt: new Date('2026-02-20T10:00:00Z') } });
  const staff = await agent(app, WRITE);
  return { w, a, staff, student };
}

const amend = (s: Awaited<ReturnType<typeof agent>>, id: number, body: Record<string, unknown>, path = 'new') =>
  s.a.post(`/agreements/${id}/amendments/${path}`).type('form').send({ _csrf: s.csrf, ...body });
const get = (db: Db, agreementId: number, seq = 1) => db.agreementAmendment.findUniqueOrThrow({ where: { agreementId_seq: { agreementId, seq } } });

describe('amending a validated agreement', () => {
  const t = useApp({}, { clock });

  it('extends the period: signed online, by link and on paper, validated, its values everywhere, the original still printable', async () => {
    clock.set('2026-03-10T09:00:00Z');
    const { a, staff } = await validated(t.app, t.db, ['STUDENT', 'HOST_SIGNATORY', 'COMPANY_TUTOR']);
    const before = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(before.stipendDue).toBe(false);
    expect((await staff.a.get(`/agreements/${a.id}`)).text).toContain('Rédiger un avenant');
    const form = await staff.a.get(`/agreements/${a.id}/amendments/new`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="2026-04-10"');

    // Refused, nothing written, what was typed kept: no reason, nothing ticked, an early end outside the internship.
    const bad = await amend(staff, a.id, { reason: '', endDate: '2026-05-29' });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'reason')).toBeTruthy();
    expect(bad.text).toContain('Cochez au moins une modification, ou la résiliation.');
    const late = await amend(staff, a.id, { reason: 'Fin anticipée', termination: 'on', terminationOn: '2026-06-01' });
    expect(fieldError(late.text, 'terminationOn')).toContain('pendant le stage');
    expect(await t.db.agreementAmendment.count()).toBe(0);

    const period = { reason: 'Prolongation du projet', kinds: ['period'], startDate: '2026-03-02', endDate: '2026-05-29', pauseFrom: ['', ''], pauseTo: ['', ''], mon: '7', tue: '7', wed: '7', thu: '7', fri: '7', sat: '0', sun: '0', daysPerWeek: '5', workingTime: 'FULL_TIME', leaveTerms: '2 jours par mois' };
    const created = await amend(staff, a.id, period);
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe(`/agreements/${a.id}/amendments/1`);
    let m = await get(t.db, a.id);
    expect(m).toMatchObject({ seq: 1, status: 'DRAFT', reason: 'Prolongation du projet', kinds: ['period'] });
    // A draft changes nothing yet: the preview was rolled back.
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).endDate).toEqual(before.endDate);
    const page = await staff.a.get(`/agreements/${a.id}/amendments/1`);
    expect(page.text).toContain('la gratification devient obligatoire dès le premier jour');
    expect(page.text).toMatch(/data-field="endDate"><th scope="row">Dernier jour<\/th><td>10 avril 2026<\/td><td>29 mai 2026<\/td>/);
    // One amendment open at a time.
    expect((await amend(staff, a.id, period)).text).toContain('déjà en cours');

    // The signature phase: the agreement's signatories, in the centre's order.
    expect((await staff.a.post(`/agreements/${a.id}/amendments/1/openSignatures`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    const sigs = () => t.db.agreementSignature.findMany({ where: { amendmentId: m.id }, orderBy: { position: 'asc' } });
    expect((await sigs()).map((s) => [s.party, s.status])).toEqual([['STUDENT', 'INVITED'], ['HOST_SIGNATORY', 'WAITING'], ['COMPANY_TUTOR', 'WAITING']]);
    expect(await t.db.agreementSignature.count({ where: { agreementId: a.id, amendmentId: null } })).toBe(0);
    // A signed amendment's draft is no longer editable.
    expect((await amend(staff, a.id, period, '1/edit')).status).toBeGreaterThanOrEqual(403);

    // 1. The student, signed in, on the amendment's PDF.
    const student = await agent(t.app, STUDENT);
    const sp = await student.a.get(`/agreements/${a.id}/amendments/1`);
    const hash = shownHash(sp.text);
    const shown = await bytes(student.a.get(`/agreements/${a.id}/amendments/1/sign/document.pdf`));
    expect(sha256(shown.body as Buffer)).toBe(hash);
    if (hasPdftotext) expect(flat(pdfText(shown.body as Buffer))).toContain('Prolongation du projet');
    expect((await student.a.post(`/agreements/${a.id}/amendments/1/sign`).type('form').send({ _csrf: student.csrf, pdfSha256: hash, confirm: 'on' })).status).toBe(303);

    // 2. The host's signatory, from the link: the mail names the amendment.
    const mail = (await mailsTo(t.db, SIGNATORY)).at(-1)!;
    expect(mail.subject).toContain('avenant n° 1');
    const token = await lastLinkToken(t.db, SIGNATORY);
    const anon = request.agent(t.app);
    const link = await anon.get(`/sign/${token}`);
    expect(link.status).toBe(200);
    expect((await anon.post(`/sign/${token}`).type('form').send({ _csrf: csrfFrom(link.text), pdfSha256: shownHash(link.text), confirm: 'on' })).status).toBe(200);

    // 3. The company tutor, on paper: the scan uploaded by the centre.
    const tutorRow = (await sigs())[2];
    expect(tutorRow.status).toBe('INVITED');
    const paper = await staff.a.post(`/agreements/${a.id}/amendments/1/signatures/${tutorRow.id}/paper`).field('_csrf', staff.csrf).field('signedOn', '2026-03-09').attach('scan', minimalPdf(), 'scan.pdf');
    expect(paper.status).toBe(303);
    m = await get(t.db, a.id);
    expect(m.status).toBe('SIGNED');
    expect(m.finalPdfSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).endDate).toEqual(before.endDate);

    // Validated: its values are the agreement's.
    expect((await staff.a.post(`/agreements/${a.id}/amendments/1/validate`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    m = await get(t.db, a.id);
    expect(m.status).toBe('VALIDATED');
    const after = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(after.endDate).toEqual(new Date('2026-05-29T00:00:00Z'));
    expect(after.stipendDue).toBe(true);
    expect(Number(after.presenceHours)).toBeGreaterThan(308);
    expect((after.originalSnapshot as { internship: { endDate: string } }).internship.endDate).toBe('2026-04-10');
    expect((after.snapshot as { internship: { endDate: string } }).internship.endDate).toBe('2026-05-29');
    expect((await mailsTo(t.db, STUDENT)).map((x) => x.template)).toContain('amendment-status');
    expect((await mailsTo(t.db, TUTOR)).some((x) => x.template === 'amendment-status' && x.subject.includes('Validé'))).toBe(true);

    // Neither editable nor deletable; the agreement is not unvalidated behind it.
    expect((await staff.a.post(`/agreements/${a.id}/amendments/1/delete`).type('form').send({ _csrf: staff.csrf })).status).toBeGreaterThanOrEqual(403);
    expect((await amend(staff, a.id, period, '1/edit')).status).toBeGreaterThanOrEqual(403);
    expect(await t.db.agreementAmendment.count()).toBe(1);
    const undo = await staff.a.post(`/agreements/${a.id}/unvalidate`).type('form').send({ _csrf: staff.csrf });
    expect(undo.status).toBe(422);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('VALIDATED');

    // Everywhere: the page and its history, the search, the export.
    const show = await staff.a.get(`/agreements/${a.id}`);
    expect(show.text).toContain('29 mai 2026');
    expect(show.text).not.toContain(`/agreements/${a.id}/unvalidate`);
    expect(show.text).toContain('elle reste validée');
    expect(show.text).toMatch(/data-amendment-history[\s\S]*data-field="endDate"/);
    const admin = await agent(t.app, 'a.admin@test.example');
    expect((await admin.a.get('/agreements/export.csv?lastName=dubois')).text).toContain('29/05/2026');

    // The original prints as signed, the amendment as signed.
    if (hasPdftotext) {
      const original = flat(pdfText((await bytes(staff.a.get(`/agreements/${a.id}/agreement.pdf`))).body as Buffer));
      expect(original).toContain('10 avril 2026');
      expect(original).not.toContain('29 mai 2026');
      const signed = (await bytes(staff.a.get(`/agreements/${a.id}/amendments/1/final.pdf`))).body as Buffer;
      expect(sha256(signed)).toBe(m.finalPdfSha256);
      expect(flat(pdfText(signed))).toContain('29 mai 2026');
    }
  });
});

describe('amendment changes, rights and rules', () => {
  const t = useApp({}, { clock });

  it('applies each kind of change and an early end, validated directly where nobody signs', async () => {
    clock.set('2026-03-10T09:00:00Z');
    const { w, a, staff } = await validated(t.app, t.db, [], { endDate: day('2026-05-29'), payAmount: 4.5, payUnit: 'HOUR', paymentMethod: 'BANK_TRANSFER' });
    const lab = await t.db.service.create({ data: { organisationId: w.acme.id, name: 'Laboratoire', normalizedName: 'laboratoire' } });
    const claire = await t.db.contact.create({ data: { organisationId: w.acme.id, serviceId: lab.id, firstName: 'Claire', lastName: 'Roux', email: 'claire@acme.test' } });
    const body = {
      reason: 'Réorganisation du service', kinds: ['subject', 'pay', 'place', 'academicTutor', 'other'],
      subject: 'Application mobile', theme: '', activities: 'Conception, développement', skills: '',
      payAmount: '5,20', payUnit: 'HOUR', currency: 'EUR', paymentMethod: 'BANK_TRANSFER', benefitsMeals: 'Tickets restaurant', benefitsTransport: '', benefitsOther: '',
      serviceId: String(lab.id), companyTutorId: String(claire.id), academicTutorId: String(w.otherTeacher.id), otherText: 'Télétravail un jour par semaine',
    };
    // A new place asks for its company tutor.
    const noTutor = await amend(staff, a.id, { ...body, companyTutorId: '' });
    expect(noTutor.status).toBe(422);
    expect(fieldError(noTutor.text, 'companyTutorId')).toBeTruthy();
    expect((await amend(staff, a.id, body)).status).toBe(303);
    const page = await staff.a.get(`/agreements/${a.id}/amendments/1`);
    expect(page.text).not.toContain('Lancer les signatures');
    expect((await staff.a.post(`/agreements/${a.id}/amendments/1/validate`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    const x = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(x).toMatchObject({ subject: 'Application mobile', activities: 'Conception, développement', serviceId: lab.id, companyTutorId: claire.id, academicTutorId: w.otherTeacher.id, benefitsMeals: 'Tickets restaurant' });
    expect(Number(x.payAmount)).toBe(5.2);
    // The reach follows the new tutors: the former academic tutor no longer sees it, the new one does.
    expect((await (await agent(t.app, 'teacher@uda.test')).a.get(`/agreements/${a.id}`)).status).toBe(404);
    expect((await (await agent(t.app, 'teacher2@uda.test')).a.get(`/agreements/${a.id}`)).status).toBe(200);

    // A second amendment ends it early: the last day moves, the figures follow; the search finds it by its new values.
    const early = await amend(staff, a.id, { reason: 'Rupture d’un commun accord', termination: 'on', terminationOn: '2026-04-30', terminationComment: 'À la demande de l’étudiante' });
    expect(early.status).toBe(303);
    expect(early.headers.location).toBe(`/agreements/${a.id}/amendments/2`);
    expect((await staff.a.post(`/agreements/${a.id}/amendments/2/validate`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    const y = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(y.endDate).toEqual(new Date('2026-04-30T00:00:00Z'));
    expect(Number(y.presenceHours)).toBeLessThan(Number(x.presenceHours));
    const show = await staff.a.get(`/agreements/${a.id}`);
    expect(show.text).toContain('Avenant n° 2');
    expect(show.text).toMatch(/data-amendment-history[\s\S]*Application mobile[\s\S]*30 avril 2026/);
    const search = await staff.a.get('/agreements/search?subject=mobile');
    expect(search.text).toContain('Dubois');
    expect((await staff.a.get('/agreements/search?subject=Refonte')).text).not.toContain('Dubois');
    // The amendment prints in the agreement's language, with its new values.
    if (hasPdftotext) {
      const pdf = flat(pdfText((await bytes(staff.a.get(`/agreements/${a.id}/amendments/2/amendment.pdf`))).body as Buffer));
      expect(pdf).toContain('Rupture d’un commun accord');
      expect(pdf).toContain('30 avril 2026');
    }
    // The attestation: open from the new last day, and it states the effective period.
    clock.set('2026-04-30T09:00:00Z');
    const again = await agent(t.app, WRITE);
    expect((await again.a.post(`/agreements/${a.id}/attestation`).type('form').send({ _csrf: again.csrf, stipendPaid: '1500' })).status).toBe(303);
    if (hasPdftotext) {
      const att = flat(pdfText((await bytes(again.a.get(`/agreements/${a.id}/attestation.pdf`))).body as Buffer));
      expect(att).toContain('30 avril 2026');
      expect(att).not.toContain('29 mai 2026');
    }
  });

  it('lets the student draft one only where the centre allows it; refuses out of reach, before validation, and past a blocking rule', async () => {
    clock.set('2026-03-10T09:00:00Z');
    const { w, a, staff, student } = await validated(t.app, t.db, []);
    const period = (end: string) => ({ reason: 'Prolongation', kinds: ['period'], startDate: '2026-03-02', endDate: end, mon: '7', tue: '7', wed: '7', thu: '7', fri: '7', sat: '0', sun: '0', daysPerWeek: '5', workingTime: 'FULL_TIME', leaveTerms: 'deux jours par mois' });
    expect((await student.a.get(`/agreements/${a.id}`)).text).not.toContain('Rédiger un avenant');
    expect((await amend(student, a.id, period('2026-05-29'))).status).toBe(403);
    expect((await student.a.get(`/agreements/${a.id}/amendments/new`)).status).toBe(403);
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { studentsMayAmend: true } });
    expect((await student.a.get(`/agreements/${a.id}`)).text).toContain('Rédiger un avenant');
    expect((await amend(student, a.id, period('2026-05-29'))).status).toBe(303);
    // The student drafts; the centre validates.
    expect((await student.a.post(`/agreements/${a.id}/amendments/1/validate`).type('form').send({ _csrf: student.csrf })).status).toBe(403);
    expect((await student.a.post(`/agreements/${a.id}/amendments/1/delete`).type('form').send({ _csrf: student.csrf })).status).toBe(303);
    expect(await t.db.agreementAmendment.count()).toBe(0);

    // Someone else's agreement: as if it did not exist.
    const other = await agent(t.app, 'hugo.bernard@etu.test');
    expect((await other.a.get(`/agreements/${a.id}/amendments/new`)).status).toBe(404);
    // Not validated: no amendment.
    const draft = await makeAgreement(t.db, w, { startDate: day('2026-09-01'), endDate: day('2026-10-30') });
    expect((await amend(staff, draft.id, period('2026-05-29'))).text).toContain('Seule une convention validée');

    // Beyond 924 hours with the host in the year: kept as a draft with its blocking check, never validated.
    expect((await amend(staff, a.id, period('2026-09-30'))).status).toBe(303);
    const page = await staff.a.get(`/agreements/${a.id}/amendments/1`);
    expect(page.text).toMatch(/data-check="(host_year_cap|duration_too_long)" data-severity="blocking"/);
    expect(page.text).toContain('La convention modifiée enfreint une règle bloquante');
    const refused = await staff.a.post(`/agreements/${a.id}/amendments/1/validate`).type('form').send({ _csrf: staff.csrf });
    expect(refused.status).toBe(422);
    expect((await get(t.db, a.id)).status).toBe('DRAFT');
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).endDate).toEqual(new Date('2026-04-10T00:00:00Z'));
    // Corrected, it goes through.
    expect((await amend(staff, a.id, period('2026-06-26'), '1/edit')).status).toBe(303);
    expect((await staff.a.post(`/agreements/${a.id}/amendments/1/validate`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).endDate).toEqual(new Date('2026-06-26T00:00:00Z'));
  });

  it('has a new company tutor sign the amendment besides the former one', async () => {
    clock.set('2026-03-10T09:00:00Z');
    const { w, a, staff } = await validated(t.app, t.db, ['STUDENT', 'COMPANY_TUTOR']);
    const claire = await t.db.contact.create({ data: { organisationId: w.acme.id, firstName: 'Claire', lastName: 'Roux', email: 'claire@acme.test' } });
    expect((await amend(staff, a.id, { reason: 'Départ du tuteur', kinds: ['companyTutor'], companyTutorId: String(claire.id) })).status).toBe(303);
    expect((await staff.a.post(`/agreements/${a.id}/amendments/1/openSignatures`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    const rows = await t.db.agreementSignature.findMany({ where: { agreementId: a.id }, orderBy: { position: 'asc' } });
    expect(rows.map((r) => [r.party, r.signerName])).toEqual([['STUDENT', 'Léa Dubois'], ['COMPANY_TUTOR', 'Bruno Martin'], ['COMPANY_TUTOR', 'Claire Roux']]);
    // Cancelled, the phase's signatures are voided and the draft can be corrected.
    expect((await staff.a.post(`/agreements/${a.id}/amendments/1/cancelSignatures`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    expect((await get(t.db, a.id)).status).toBe('DRAFT');
    expect(await t.db.agreementSignature.count({ where: { agreementId: a.id, status: { not: 'VOIDED' } } })).toBe(0);
  });

  it('reads a body that is not a form (JSON, no content type) as an empty form: refused, never a 500 (issue 16, fuzzing)', async () => {
    const { a, staff } = await validated(t.app, t.db, ['STUDENT']);
    const json = await staff.a.post(`/agreements/${a.id}/amendments/new`).set('x-csrf-token', staff.csrf).set('Content-Type', 'application/json').send(JSON.stringify({ reason: 'x', kinds: ['period'] }));
    expect(json.status).toBe(422);
    expect(fieldError(json.text, 'reason')).toBeTruthy();
    const none = await staff.a.post(`/agreements/${a.id}/amendments/new`).set('x-csrf-token', staff.csrf);
    expect(none.status).toBe(422);
    expect(await t.db.agreementAmendment.count()).toBe(0);
  });
});
