import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld, type AgreementWorld } from '../factories/agreements.js';
import { auditRows } from '../factories/institutions.js';
import { day } from '../factories/legal.js';
import { STUDENT, TEACHER, TUTOR, WRITE } from '../factories/signatures.js';
import { fieldError, mailsTo } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const clock = new FixedClock('2026-06-20T09:00:00Z');
const PM = 'prog.info@test.example';
const post = (s: Awaited<ReturnType<typeof agent>>, path: string, body: Record<string, unknown> = {}) => s.a.post(path).type('form').send({ _csrf: s.csrf, ...body });
const binary = (res: import('supertest').Request) => res.buffer(true).parse((r, cb) => { const c: Buffer[] = []; r.on('data', (d: Buffer) => c.push(d)); r.on('end', () => cb(null, Buffer.concat(c))); });
const has = (cmd: string, arg: string) => { try { execFileSync(cmd, [arg], { stdio: 'ignore' }); return true; } catch { return false; } };
const hasPdftotext = has('pdftotext', '-v');
// Reading the QR code back needs poppler's pdftoppm and zbar's zbarimg (skipped without them).
const hasZbar = hasPdftotext && has('zbarimg', '--version') && has('pdftoppm', '-v');
const CODE = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;
const at = (s: string) => new Date(s);

/**
 * Léa's internship at ACME (2 March – 29 May 2026), validated, following the label, with every
 * mandatory step of the step table done — written directly, as the steps' own modules would —
 * but for the steps named in `skip`.
 */
async function internship(db: Db, opts: { skip?: string[]; w?: AgreementWorld } = {}) {
  const skip = new Set(opts.skip ?? []);
  const w = opts.w ?? (await makeAgreementWorld(db));
  const a = await makeAgreement(db, w, {}, { status: 'VALIDATED', validatedAt: at('2026-02-20T10:00:00Z'), programmeId: w.info.id });
  await db.labelEnrolment.create({ data: { agreementId: a.id, studentAnswer: 'YES', studentAt: at('2026-02-21T10:00:00Z'), companyAnswer: 'YES', companyAt: at('2026-02-21T10:00:00Z'), managerAnswer: 'YES', managerAt: at('2026-02-21T10:00:00Z') } });
  await db.midtermReport.create({
    data: { agreementId: a.id, status: 'ACKNOWLEDGED', opensOn: at('2026-04-13'), achievements: 'Maquettes', submittedAt: at('2026-04-14T10:00:00Z'), companyAckAt: at('2026-04-15T10:00:00Z'), academicAckAt: skip.has('midtermAcademicAck') ? null : at('2026-04-16T10:00:00Z') },
  });
  const companyForm = await db.evaluationForm.create({ data: { kind: 'COMPANY', version: 900 + a.id, definition: { sections: [] } } });
  await db.evaluation.create({ data: { agreementId: a.id, kind: 'COMPANY', formId: companyForm.id, answers: {}, proposedGrade: '15', submittedAt: at('2026-05-25T10:00:00Z'), consultedAt: at('2026-05-27T10:00:00Z') } });
  await db.experienceFeedback.create({ data: { agreementId: a.id, workConditions: 'Bonnes', environment: 'Calme', supervision: 'Présente', advice: 'Y aller', recommend: true, submittedAt: at('2026-05-28T10:00:00Z') } });
  await db.internshipGrade.create({ data: { agreementId: a.id, defenceOn: at('2026-06-05'), grade: '15.5', recordedAt: at('2026-06-05T15:00:00Z') } });
  if (!skip.has('studentEvaluation')) {
    const studentForm = await db.evaluationForm.create({ data: { kind: 'STUDENT', version: 900 + a.id, definition: { sections: [] } } });
    await db.evaluation.create({ data: { agreementId: a.id, kind: 'STUDENT', formId: studentForm.id, answers: {}, submittedAt: at('2026-06-10T10:00:00Z') } });
  }
  return { w, a };
}

describe('the label award', () => {
  const t = useApp({}, { clock });

  it('is refused while a mandatory step is missing: 422, the step named, nothing written', async () => {
    const { a } = await internship(t.db, { skip: ['studentEvaluation', 'midtermAcademicAck'] });
    const pm = await agent(t.app, PM);
    const page = await pm.a.get(`/agreements/${a.id}/follow-up`);
    expect(page.text).toContain('data-award-state="PENDING"');
    expect(page.text).toContain('data-missing-step="studentEvaluation"');
    expect(page.text).toContain('data-missing-step="midtermAcademicAck"');
    expect(page.text).not.toContain('data-missing-step="defence"');
    expect(page.text).not.toContain('data-award-form');
    // The refusal stays possible: the internship follows the label.
    expect(page.text).toContain('data-refuse-form');

    const refused = await post(pm, `/agreements/${a.id}/label/award`);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Le label ne peut pas encore être décerné');
    expect(refused.text).toMatch(/data-missing-step="studentEvaluation">[^<]+</);
    expect(await t.db.labelAward.count()).toBe(0);
    expect(await auditRows(t.db, 'label.award')).toHaveLength(0);
    expect((await mailsTo(t.db, STUDENT)).filter((m) => m.template.startsWith('label-'))).toHaveLength(0);

    // An internship that does not follow the label has no award at all.
    await t.db.labelEnrolment.update({ where: { agreementId: a.id }, data: { companyAnswer: 'NO' } });
    expect((await pm.a.get(`/agreements/${a.id}/follow-up`)).text).not.toContain('id="award"');
    expect((await post(pm, `/agreements/${a.id}/label/award`)).status).toBe(422);
    expect(await t.db.labelAward.count()).toBe(0);
  });

  it('is awarded by the programme manager of the programme only, once; the student is mailed the certificate and its code', async () => {
    const { a } = await internship(t.db);
    for (const who of [STUDENT, TEACHER, TUTOR, 'year.l3@test.example']) expect((await post(await agent(t.app, who), `/agreements/${a.id}/label/award`)).status, who).toBe(403);
    // Another programme's manager: out of reach.
    expect((await post(await agent(t.app, 'prog.droit@test.example'), `/agreements/${a.id}/label/award`)).status).toBe(404);
    expect(await t.db.labelAward.count()).toBe(0);

    const pm = await agent(t.app, PM);
    const page = await pm.a.get(`/agreements/${a.id}/follow-up`);
    expect(page.text).toContain('data-award-ready');
    expect(page.text).toContain('data-award-form');
    expect((await post(pm, `/agreements/${a.id}/label/award`)).status).toBe(303);
    const row = await t.db.labelAward.findUniqueOrThrow({ where: { agreementId: a.id } });
    expect(row.decision).toBe('AWARDED');
    expect(row.code).toMatch(CODE);
    expect(row.decidedAt).toEqual(clock.now());
    expect((await auditRows(t.db, 'label.award')).map((r) => r.after)).toEqual([{ status: 'AWARDED', code: row.code }]);
    const mails = (await mailsTo(t.db, STUDENT)).filter((m) => m.template === 'label-awarded');
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain(row.code!);
    expect(mails[0].text).toContain(`/agreements/${a.id}/label/certificate.pdf`);
    expect(mails[0].text).toContain(`/label/verify/${row.code}`);

    // A decision made: neither a second award nor a refusal.
    expect((await post(pm, `/agreements/${a.id}/label/award`)).status).toBe(422);
    expect((await post(pm, `/agreements/${a.id}/label/refuse`, { reason: 'Trop tard' })).status).toBe(422);
    const shown = await (await agent(t.app, STUDENT)).a.get(`/agreements/${a.id}/follow-up`);
    expect(shown.text).toContain('data-award-state="AWARDED"');
    expect(shown.text).toContain(`data-label-code>${row.code}<`);
    expect(shown.text).toContain('data-certificate');
    expect(shown.text).toContain('data-step="labelAward" data-state="done"');
  });

  it('is refused with a reason, mailed to the student; the host sees the decision, not the reason', async () => {
    const { a } = await internship(t.db, { skip: ['studentEvaluation'] });
    const pm = await agent(t.app, PM);
    const empty = await post(pm, `/agreements/${a.id}/label/refuse`, { reason: '  ' });
    expect(empty.status).toBe(422);
    expect(fieldError(empty.text, 'reason')).toBeTruthy();
    expect(await t.db.labelAward.count()).toBe(0);

    expect((await post(pm, `/agreements/${a.id}/label/refuse`, { reason: 'Évaluation de stage jamais remplie' })).status).toBe(303);
    const row = await t.db.labelAward.findUniqueOrThrow({ where: { agreementId: a.id } });
    expect(row).toMatchObject({ decision: 'REFUSED', code: null, reason: 'Évaluation de stage jamais remplie' });
    expect((await auditRows(t.db, 'label.refuse')).map((r) => r.after)).toEqual([{ status: 'REFUSED', reason: 'Évaluation de stage jamais remplie' }]);
    const mails = (await mailsTo(t.db, STUDENT)).filter((m) => m.template === 'label-refused');
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain('Évaluation de stage jamais remplie');
    expect((await post(pm, `/agreements/${a.id}/label/award`)).status).toBe(422);

    const student = await (await agent(t.app, STUDENT)).a.get(`/agreements/${a.id}/follow-up`);
    expect(student.text).toContain('data-award-state="REFUSED"');
    expect(student.text).toContain('Évaluation de stage jamais remplie');
    const host = await (await agent(t.app, TUTOR)).a.get(`/agreements/${a.id}/follow-up`);
    expect(host.text).toContain('data-award-state="REFUSED"');
    expect(host.text).not.toContain('Évaluation de stage jamais remplie');
    expect((await (await agent(t.app, STUDENT)).a.get(`/agreements/${a.id}/label/certificate.pdf`)).status).toBe(404);
  });

  it('prints the certificate for the student, the programme manager, the tutors and the centre, in their language', async () => {
    const { a } = await internship(t.db);
    const lea = await agent(t.app, STUDENT);
    expect((await lea.a.get(`/agreements/${a.id}/label/certificate.pdf`)).status).toBe(404);
    const pm = await agent(t.app, PM);
    await post(pm, `/agreements/${a.id}/label/award`);
    const { code } = await t.db.labelAward.findUniqueOrThrow({ where: { agreementId: a.id } });

    const pdf = await binary(lea.a.get(`/agreements/${a.id}/label/certificate.pdf`));
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    if (hasPdftotext) {
      const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf.body as Buffer }).toString();
      for (const fact of ['Certificat de label qualité', 'Léa Dubois', 'ACME Lyon', 'Licence Informatique', 'du 2 mars 2026 au 29 mai 2026', '20 juin 2026', 'Université A', code!, `http://stages.test/label/verify/${code}`]) expect(text, fact).toContain(fact);
    }
    if (hasZbar) {
      // The QR code reads back as the public page's address.
      const dir = mkdtempSync(path.join(tmpdir(), 'label-'));
      writeFileSync(path.join(dir, 'c.pdf'), pdf.body as Buffer);
      execFileSync('pdftoppm', ['-png', '-r', '150', path.join(dir, 'c.pdf'), path.join(dir, 'c')]);
      const read = execFileSync('zbarimg', ['-q', '--raw', path.join(dir, 'c-1.png')], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
      expect(read).toBe(`http://stages.test/label/verify/${code}`);
    }
    for (const who of [PM, TEACHER, TUTOR, WRITE]) expect((await (await agent(t.app, who)).a.get(`/agreements/${a.id}/label/certificate.pdf`)).status, who).toBe(200);
    // Who sees the agreement but is none of them: refused; out of reach: 404.
    for (const who of ['admin@acme.test', 'year.l3@test.example']) expect((await (await agent(t.app, who)).a.get(`/agreements/${a.id}/label/certificate.pdf`)).status, who).toBe(403);
    expect((await (await agent(t.app, 'admin@globex.test')).a.get(`/agreements/${a.id}/label/certificate.pdf`)).status).toBe(404);

    // In English for a reader who chose English.
    await lea.a.post('/lang').type('form').send({ lang: 'en', _csrf: lea.csrf });
    const en = await binary(lea.a.get(`/agreements/${a.id}/label/certificate.pdf`));
    if (hasPdftotext) {
      const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: en.body as Buffer }).toString();
      expect(text).toContain('Quality label certificate');
      expect(text).toContain('from 2 March 2026 to 29 May 2026');
    }
  });

  it('is verified in public: valid (200), unknown (404), withdrawn (410), without signing in', async () => {
    const { a } = await internship(t.db);
    const pm = await agent(t.app, PM);
    await post(pm, `/agreements/${a.id}/label/award`);
    const { code } = await t.db.labelAward.findUniqueOrThrow({ where: { agreementId: a.id } });
    const anon = request.agent(t.app);

    const valid = await anon.get(`/label/verify/${code}`);
    expect(valid.status).toBe(200);
    expect(valid.text).toContain('data-verify-state="valid"');
    for (const fact of ['Léa Dubois', 'ACME Lyon', 'Licence Informatique', '2 mars 2026', '29 mai 2026', '20 juin 2026', 'Université A']) expect(valid.text, fact).toContain(fact);
    // Nothing else of the student: no address, no number, no grade.
    for (const secret of ['lea.dubois@etu.test', '21900123', '15,5']) expect(valid.text).not.toContain(secret);
    // Typed in lower case, without dashes: to the printed form.
    const typed = code!.replace(/-/g, '').toLowerCase();
    expect((await anon.get(`/label/verify/${typed}`)).headers.location).toBe(`/label/verify/${code}`);
    const form = await anon.get(`/label/verify?code=${typed.slice(0, 4)}-${typed.slice(4)}`);
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe(`/label/verify/${code}`);
    const bad = await anon.get('/label/verify?code=abc');
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'code')).toBe('Saisissez les 12 caractères du code, par exemple ABCD-EFGH-JKLM.');
    expect((await anon.get('/label/verify')).text).toContain('data-verify-form');

    for (const unknown of ['ABCD-EFGH-JKLM', '999999']) {
      const res = await anon.get(`/label/verify/${unknown}`);
      expect(res.status, unknown).toBe(404);
      expect(res.text).toContain('data-verify-state="unknown"');
      expect(res.text).toContain('Ce code ne correspond à aucun label délivré.');
    }

    // Withdrawn: a reason is required; then the code says so, with the day; the certificate is gone.
    clock.set('2026-09-01T09:00:00Z');
    const pm2 = await agent(t.app, PM);
    expect((await post(pm2, `/agreements/${a.id}/label/withdraw`, { reason: '' })).status).toBe(422);
    expect((await post(pm2, `/agreements/${a.id}/label/withdraw`, { reason: 'Plagiat du rapport' })).status).toBe(303);
    expect((await post(pm2, `/agreements/${a.id}/label/withdraw`, { reason: 'Encore' })).status).toBe(422);
    expect(await t.db.labelAward.findUniqueOrThrow({ where: { agreementId: a.id } })).toMatchObject({ withdrawnAt: clock.now(), withdrawReason: 'Plagiat du rapport', code });
    const gone = await anon.get(`/label/verify/${code}`);
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('data-verify-state="withdrawn"');
    expect(gone.text).toContain('a été retiré le 1 septembre 2026');
    expect(gone.text).not.toContain('Léa Dubois');
    expect((await (await agent(t.app, STUDENT)).a.get(`/agreements/${a.id}/label/certificate.pdf`)).status).toBe(404);
    expect((await mailsTo(t.db, STUDENT)).filter((m) => m.template === 'label-withdrawn')[0].text).toContain('Plagiat du rapport');
    clock.set('2026-06-20T09:00:00Z');
  });

  it('limits the lookups of one address', async () => {
    const anon = request.agent(t.app);
    for (let i = 0; i < 60; i++) expect((await anon.get('/label/verify/ABCD-EFGH-JKLM')).status).toBe(404);
    expect((await anon.get('/label/verify/ABCD-EFGH-JKLM')).status).toBe(429);
  });
});

describe('the history of my internships', () => {
  const t = useApp({}, { clock });

  it('lists every internship of the student, newest first, with its grade and its label; only the student', async () => {
    const { w, a } = await internship(t.db);
    await post(await agent(t.app, PM), `/agreements/${a.id}/label/award`);
    // An older internship that did not follow the label, and a draft to come.
    const older = await makeAgreement(t.db, w, { startDate: day('2025-01-06'), endDate: day('2025-02-28') }, { status: 'VALIDATED', validatedAt: at('2024-12-20T10:00:00Z') });
    const next = await makeAgreement(t.db, w, { startDate: day('2026-09-07'), endDate: day('2026-11-27') });

    const lea = await agent(t.app, STUDENT);
    const page = await lea.a.get('/agreements/history');
    expect(page.status).toBe(200);
    const rows = [...page.text.matchAll(/data-history-row="(\d+)"/g)].map((m) => Number(m[1]));
    expect(rows).toEqual([next.id, a.id, older.id]);
    const row = (id: number) => page.text.slice(page.text.indexOf(`data-history-row="${id}"`)).split('</tr>')[0];
    expect(row(a.id)).toContain('data-grade>15,5 / 20<');
    expect(row(a.id)).toContain('data-label="AWARDED"');
    expect(row(a.id)).toContain(`/agreements/${a.id}/label/certificate.pdf`);
    expect(row(a.id)).toContain('ACME Lyon');
    expect(row(older.id)).toContain('data-grade>—<');
    expect(row(older.id)).toContain('data-label="NOT_FOLLOWED"');
    expect(row(older.id)).not.toContain('certificate.pdf');
    expect(row(next.id)).toContain('data-label="NOT_FOLLOWED"');
    // Reached from the student's agreements and menu.
    const mine = await lea.a.get('/agreements/mine');
    expect(mine.text).toContain('href="/agreements/history"');

    for (const who of [TEACHER, PM, TUTOR, WRITE]) expect((await (await agent(t.app, who)).a.get('/agreements/history')).status, who).toBe(403);
    const anon = request.agent(t.app);
    expect((await anon.get('/agreements/history')).headers.location).toMatch(/^\/login/);
  });

  it('is paginated, ten internships a page', async () => {
    const w = await makeAgreementWorld(t.db);
    for (let i = 0; i < 11; i++) await makeAgreement(t.db, w, { startDate: day(`20${10 + i}-03-02`), endDate: day(`20${10 + i}-05-29`) });
    const lea = await agent(t.app, STUDENT);
    const first = await lea.a.get('/agreements/history');
    expect([...first.text.matchAll(/data-history-row=/g)]).toHaveLength(10);
    expect(first.text).toContain('href="/agreements/history?page=2"');
    const second = await lea.a.get('/agreements/history?page=2');
    expect([...second.text.matchAll(/data-history-row=/g)]).toHaveLength(1);
    expect(second.text).toContain('2010');
  });
});
