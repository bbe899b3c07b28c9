import { describe, expect, it } from 'vitest';
import { auditRows, PNG_1PX } from '../factories/institutions.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { lastLinkToken, makeSigningAgreement, sha256, shownHash, SIGNATORY, STUDENT, TEACHER, TUTOR, WRITE } from '../factories/signatures.js';
import { mailsTo, minimalPdf } from '../factories/students.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';
import request from 'supertest';
import { FixedClock } from '../../src/time/clock.js';

const clock = new FixedClock('2026-02-10T09:00:00Z');
const rows = (t: { db: import('../../src/db/client.js').Db }, agreementId: number) =>
  t.db.agreementSignature.findMany({ where: { agreementId }, orderBy: [{ position: 'asc' }, { id: 'asc' }] });

describe('signing an agreement', () => {
  const t = useApp({}, { clock });

  it('is signed in sequence online with an account, from a link and on paper, then validated; each signature recorded', async () => {
    clock.set('2026-02-10T09:00:00Z');
    const { a, staff } = await makeSigningAgreement(t.app, t.db);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('SIGNING');
    let sigs = await rows(t, a.id);
    expect(sigs.map((s) => [s.party, s.status])).toEqual([['STUDENT', 'INVITED'], ['HOST_SIGNATORY', 'WAITING'], ['COMPANY_TUTOR', 'WAITING'], ['ACADEMIC_TUTOR', 'WAITING'], ['INSTITUTION', 'WAITING']]);
    expect((await mailsTo(t.db, STUDENT)).map((m) => m.template)).toContain('signature-invite');

    // 1. The student, signed in: asked on their dashboard; the box must be ticked, on the PDF the page showed.
    const student = await agent(t.app, STUDENT);
    expect((await student.a.get('/dashboard/student')).text).toContain('Conventions à signer');
    const page = await student.a.get(`/agreements/${a.id}`);
    const hash = shownHash(page.text);
    // The PDF to sign is shown even where the centre lets students print only validated agreements.
    await t.db.managementCentre.updateMany({ data: { printCondition: 'AFTER_VALIDATION' } });
    expect((await student.a.get(`/agreements/${a.id}/agreement.pdf`)).status).toBe(403);
    const pdf = await student.a.get(`/agreements/${a.id}/sign/document.pdf`).buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });
    expect(sha256(pdf.body as Buffer)).toBe(hash);
    const unticked = await student.a.post(`/agreements/${a.id}/sign`).type('form').send({ _csrf: student.csrf, pdfSha256: hash });
    expect(unticked.status).toBe(422);
    expect(unticked.text).toContain('Cochez la case pour approuver la convention.');
    const stale = await student.a.post(`/agreements/${a.id}/sign`).type('form').send({ _csrf: student.csrf, pdfSha256: 'a'.repeat(64), confirm: 'on' });
    expect(stale.status).toBe(422);
    expect(stale.text).toContain('La convention a changé depuis que vous l');
    const signed = await student.a.post(`/agreements/${a.id}/sign`).type('form').set('User-Agent', 'TestBrowser/1.0').send({ _csrf: student.csrf, pdfSha256: hash, confirm: 'on' });
    expect(signed.status).toBe(303);
    sigs = await rows(t, a.id);
    expect(sigs[0]).toMatchObject({ status: 'SIGNED', channel: 'ACCOUNT', pdfSha256: hash, userAgent: 'TestBrowser/1.0' });
    expect((await student.a.get('/dashboard/student')).text).not.toContain('Conventions à signer');
    expect(sigs[0].clientIp).toBeTruthy();
    expect(sigs[0].signedAt).toEqual(new Date('2026-02-10T09:00:00Z'));
    // Not someone else's turn: the teacher has nothing to sign yet.
    const teacher = await agent(t.app, TEACHER);
    expect((await teacher.a.post(`/agreements/${a.id}/sign`).type('form').send({ _csrf: teacher.csrf, pdfSha256: hash, confirm: 'on' })).status).toBe(403);

    // 2. The host's signatory (no account), from the link mailed to the address on the agreement.
    expect(sigs[1].status).toBe('INVITED');
    const token = await lastLinkToken(t.db, SIGNATORY);
    const anon = request.agent(t.app);
    const linkPage = await anon.get(`/sign/${token}`);
    expect(linkPage.status).toBe(200);
    expect(linkPage.text).toContain('Je, soussigné(e) Sophie Leroy, approuve la présente convention.');
    const form = { _csrf: csrfFrom(linkPage.text), pdfSha256: shownHash(linkPage.text), confirm: 'on' };
    const byLink = await anon.post(`/sign/${token}`).type('form').send(form);
    expect(byLink.status).toBe(200);
    expect(byLink.text).toContain('data-signed');
    // Single use: a second try is refused, and the page then says nothing awaits this link.
    expect((await anon.post(`/sign/${token}`).type('form').send(form)).status).toBe(422);
    expect((await anon.get(`/sign/${token}`)).text).toContain('data-link-state="closed"');
    expect((await anon.get('/sign/not-a-real-token')).status).toBe(404);

    // 3. The company tutor on paper: the scan is checked by content; then recorded by WRITE staff.
    sigs = await rows(t, a.id);
    expect(sigs[2]).toMatchObject({ party: 'COMPANY_TUTOR', status: 'INVITED' });
    const paper = (file: Buffer, name: string, date = '2026-02-09') => staff.a.post(`/agreements/${a.id}/signatures/${sigs[2].id}/paper`).field('_csrf', staff.csrf).field('sid', String(sigs[2].id)).field('signedOn', date).attach('scan', file, name);
    expect((await paper(Buffer.from('not an image at all'), 'scan.png')).status).toBe(422);
    expect((await paper(PNG_1PX, 'scan.png', '2026-02-11')).status).toBe(422);
    expect((await paper(PNG_1PX, 'scan.png')).status).toBe(303);
    // Nobody but the centre's WRITE staff records a paper signature: the company tutor (no such right)
    // and the student (a party, not the centre) are refused.
    const tutor = await agent(t.app, TUTOR);
    expect((await tutor.a.post(`/agreements/${a.id}/signatures/${sigs[3].id}/paper`).field('_csrf', tutor.csrf).field('signedOn', '2026-02-09').attach('scan', minimalPdf(), 'x.pdf')).status).toBe(403);
    expect((await student.a.post(`/agreements/${a.id}/signatures/${sigs[3].id}/paper`).field('_csrf', student.csrf).field('signedOn', '2026-02-09').attach('scan', minimalPdf(), 'x.pdf')).status).toBe(403);
    expect((await rows(t, a.id))[3].status).toBe('INVITED');

    // 4. The academic tutor, 5. the institution (no designated person: WRITE staff of the centre).
    const tp = await teacher.a.get(`/agreements/${a.id}`);
    expect((await teacher.a.post(`/agreements/${a.id}/sign`).type('form').send({ _csrf: teacher.csrf, pdfSha256: shownHash(tp.text), confirm: 'on' })).status).toBe(303);
    const sp = await staff.a.get(`/agreements/${a.id}`);
    expect((await staff.a.post(`/agreements/${a.id}/sign`).type('form').send({ _csrf: staff.csrf, pdfSha256: shownHash(sp.text), confirm: 'on' })).status).toBe(303);

    // The last signature: the final PDF produced once, stored with its hash; the centre validates.
    const after = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(after.status).toBe('SIGNED');
    expect(after.finalPdfSha256).toMatch(/^[0-9a-f]{64}$/);
    const final = await staff.a.get(`/agreements/${a.id}/final.pdf`).buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });
    expect(final.headers['content-type']).toBe('application/pdf');
    expect(sha256(final.body as Buffer)).toBe(after.finalPdfSha256);
    expect((await rows(t, a.id)).map((s) => s.channel)).toEqual(['ACCOUNT', 'LINK', 'PAPER', 'ACCOUNT', 'ACCOUNT']);
    expect(await auditRows(t.db, 'signature.sign')).toHaveLength(4);
    expect(await auditRows(t.db, 'agreement.completeSignatures')).toHaveLength(1);
    expect((await staff.a.post(`/agreements/${a.id}/validate`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('VALIDATED');
  });

  it('asks everyone at once in parallel, and validates by itself after the last signature when the centre says so', async () => {
    clock.set('2026-02-10T09:00:00Z');
    const { a } = await makeSigningAgreement(t.app, t.db, { parties: ['HOST_SIGNATORY', 'STUDENT'], inSequence: false, autoValidate: true });
    expect((await rows(t, a.id)).map((s) => [s.party, s.status])).toEqual([['HOST_SIGNATORY', 'INVITED'], ['STUDENT', 'INVITED']]);
    const student = await agent(t.app, STUDENT);
    const p = await student.a.get(`/agreements/${a.id}`);
    expect((await student.a.post(`/agreements/${a.id}/sign`).type('form').send({ _csrf: student.csrf, pdfSha256: shownHash(p.text), confirm: 'on' })).status).toBe(303);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('SIGNING');
    const token = await lastLinkToken(t.db, SIGNATORY);
    const anon = request.agent(t.app);
    const lp = await anon.get(`/sign/${token}`);
    expect((await anon.post(`/sign/${token}`).type('form').send({ _csrf: csrfFrom(lp.text), pdfSha256: shownHash(lp.text), confirm: 'on' })).status).toBe(200);
    const done = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(done.status).toBe('VALIDATED');
    expect(done.finalPdfFileId).not.toBeNull();
  });

  it('refuses to open the signatures when a signer is missing, and says which', async () => {
    clock.set('2026-02-10T09:00:00Z');
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w, { signatoryId: null });
    const student = await agent(t.app, STUDENT);
    expect((await student.a.post(`/agreements/${a.id}/submit`).type('form').send({ _csrf: student.csrf })).status).toBe(303);
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'ADMINISTRATIVE_DONE', pedagogicalAt: new Date('2026-01-20T10:00:00Z'), administrativeAt: new Date('2026-01-21T10:00:00Z') } });
    const staff = await agent(t.app, WRITE);
    const refused = await staff.a.post(`/agreements/${a.id}/openSignatures`).type('form').send({ _csrf: staff.csrf });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('indiquez le signataire de l&#39;organisme d&#39;accueil');
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('ADMINISTRATIVE_DONE');
    expect(await t.db.agreementSignature.count({ where: { agreementId: a.id } })).toBe(0);
  });
});
