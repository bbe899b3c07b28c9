import JSZip from 'jszip';
import type { Response } from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { agreementNumber } from '../../src/modules/agreements/agreement.types.js';
import { makeUser } from '../factories/index.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { fieldError, makeStudentWorld, minimalPdf } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const ADMIN = 'platform.admin@test.example';
const LEA = 'lea.dubois@etu.test';

function file(db: Db, name: string, uploadedById: number, content = name) {
  const data = new Uint8Array(Buffer.concat([minimalPdf(), Buffer.from(`%${content}\n`)]));
  return db.storedFile.create({ data: { originalName: name, mimeType: 'application/pdf', extension: 'pdf', size: data.length, sha256: name, data, uploadedById } });
}

/** The body of a download as a Buffer. */
const binary = (r: import('supertest').Request) => r.buffer(true).parse((res, cb) => { const c: Buffer[] = []; res.on('data', (d: Buffer) => c.push(d)); res.on('end', () => cb(null, Buffer.concat(c))); });

async function exportOf(db: Db, app: Parameters<typeof agent>[0], email: string) {
  const s = await agent(app, email);
  expect((await s.a.get('/account/data')).status).toBe(200);
  const res: Response = await binary(s.a.post('/account/data/export').type('form').send({ _csrf: s.csrf }));
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/zip');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="mes-donnees-\d{4}-\d{2}-\d{2}\.zip"/);
  const zip = await JSZip.loadAsync(res.body as Buffer);
  const text = await zip.file('data.json')!.async('string');
  return { zip, text, data: JSON.parse(text), names: Object.keys(zip.files) };
}

describe('personal data', () => {
  const t = useApp();

  it('the privacy page: the periods in force, the signed-in person\'s institution\'s contact, else every institution\'s; linked from every page', async () => {
    const w = await makeStudentWorld(t.db);
    await t.db.institution.update({ where: { id: w.uda.id }, data: { dataProtectionContact: 'DPO UDA — dpo@uda.test' } });
    await t.db.institution.update({ where: { id: w.udb.id }, data: { dataProtectionContact: 'DPO UDB — dpo@udb.test' } });
    await t.db.retentionPolicy.upsert({ where: { kind: 'STUDENT_ACCOUNT' }, create: { kind: 'STUDENT_ACCOUNT', months: 30 }, update: { months: 30 } });

    const anonymous = await agent(t.app);
    const page = await anonymous.a.get('/privacy');
    expect(page.status).toBe(200);
    expect(page.text).toContain('dpo@uda.test');
    expect(page.text).toContain('dpo@udb.test');
    expect(page.text).toMatch(/data-kind="STUDENT_ACCOUNT">.*30 mois/);
    expect(page.text).toMatch(/data-kind="AGREEMENT">.*60 mois/);
    expect(page.text).toContain('CNIL');
    const home = await anonymous.a.get('/');
    expect(home.text).toMatch(/data-privacy-notice[\s\S]*href="\/privacy"/);
    expect(home.text).toMatch(/<footer[\s\S]*href="\/privacy"/);

    for (const email of [LEA, 'a.write@test.example']) {
      const s = await agent(t.app, email);
      const own = await s.a.get('/privacy');
      expect(own.text).toContain('dpo@uda.test');
      expect(own.text).not.toContain('dpo@udb.test');
      expect(own.text).toContain('href="/account/data"');
      expect((await s.a.get('/dashboard')).text).toMatch(/<footer[\s\S]*href="\/privacy"/);
    }
  });

  it('the administrator sets an institution\'s data-protection contact', async () => {
    const w = await makeStudentWorld(t.db);
    const s = await agent(t.app, ADMIN);
    const form = { code: 'UDA', name: 'Université A', country: 'FR', dataProtectionContact: 'Délégué : dpo@uda.test', _csrf: s.csrf };
    expect((await s.a.post(`/admin/institutions/${w.uda.id}/edit`).type('form').send(form)).status).toBe(303);
    expect((await t.db.institution.findUniqueOrThrow({ where: { id: w.uda.id } })).dataProtectionContact).toBe('Délégué : dpo@uda.test');
    expect((await s.a.get(`/admin/institutions/${w.uda.id}/edit`)).text).toContain('Délégué : dpo@uda.test');
  });

  it('the download holds the person\'s data and files, and nothing of anybody else', async () => {
    const w = await makeAgreementWorld(t.db);
    const cv = await file(t.db, 'cv-lea.pdf', w.lea.user.id, 'contenu du CV de Lea');
    await t.db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { cvFileId: cv.id, addressLine1: '12 rue Lafayette' } });
    const letter = await file(t.db, 'lettre-lea.pdf', w.lea.user.id);
    await t.db.application.create({ data: { studentId: w.lea.profile.id, organisationId: w.acme.id, title: 'Candidature', message: 'Message de Léa', letterFileId: letter.id } });
    const hugoCv = await file(t.db, 'cv-hugo.pdf', w.hugo.user.id, 'contenu du CV de Hugo');
    await t.db.application.create({ data: { studentId: w.hugo.profile.id, organisationId: w.acme.id, title: 'Candidature', message: 'Message de Hugo', cvFileId: hugoCv.id } });
    const a = await makeAgreement(t.db, w, {}, { snapshot: { student: { firstName: 'Léa', lastName: 'Dubois' }, companyTutor: { firstName: 'Bruno', lastName: 'Martin', email: 'tutor@acme.test' } } });
    await t.db.journalEntry.create({ data: { agreementId: a.id, day: new Date('2026-03-10'), done: 'Ma première semaine' } });
    const ticket = await t.db.ticket.create({ data: { authorId: w.lea.user.id, category: 'OTHER', pagePath: '/profile' } });
    await t.db.ticketMessage.createMany({ data: [{ ticketId: ticket.id, authorId: w.lea.user.id, body: 'Mon problème' }, { ticketId: ticket.id, authorId: w.write.id, body: 'Réponse du centre' }] });

    const lea = await exportOf(t.db, t.app, LEA);
    expect(lea.data.user).toMatchObject({ email: LEA, firstName: 'Léa', lastName: 'Dubois' });
    expect(lea.data.studentProfile).toMatchObject({ addressLine1: '12 rue Lafayette', ssn: w.lea.profile.ssn });
    expect(lea.data.applications.map((x: { message: string }) => x.message)).toEqual(['Message de Léa']);
    expect(lea.data.agreements[0]).toMatchObject({ number: agreementNumber(a), copy: { student: { firstName: 'Léa' }, companyTutor: '(masqué / hidden)' } });
    expect(lea.data.agreements[0].journalEntries[0].done).toBe('Ma première semaine');
    expect(lea.data.tickets[0].messages.map((m: { body: string }) => m.body)).toEqual(['Mon problème']);
    expect(lea.data.auditTrail.map((r: { action: string }) => r.action)).toEqual([]);
    const leaFiles = lea.names.filter((n) => n.startsWith('files/') && !n.endsWith('/')).sort();
    expect(leaFiles).toEqual([`files/${cv.id}-cv-lea.pdf`, `files/${letter.id}-lettre-lea.pdf`]);
    expect(await lea.zip.file(`files/${cv.id}-cv-lea.pdf`)!.async('string')).toContain('contenu du CV de Lea');
    // Nothing of Hugo, of the tutor, of the centre's answer; no secret of the account.
    for (const other of ['Hugo', 'Bernard', 'hugo.bernard', 'cv-hugo', 'Bruno', 'Martin', 'tutor@acme.test', 'Réponse du centre', 'passwordHash', 'calendarTokenHash', '$argon2', '$scrypt']) expect(lea.text).not.toContain(other);
    // The download is audited, with no personal data.
    expect(await t.db.auditLog.count({ where: { action: 'privacy.export', actorId: w.lea.user.id } })).toBe(1);

    // The company tutor: the agreement's number and their role, not the student.
    const bruno = await exportOf(t.db, t.app, 'tutor@acme.test');
    expect(bruno.data.agreementRoles).toEqual([{ agreement: agreementNumber(a), roles: ['companyTutor'] }]);
    expect(bruno.data.contactCards[0]).toMatchObject({ firstName: 'Bruno', lastName: 'Martin' });
    for (const other of ['Léa', 'Dubois', LEA, 'cv-lea', 'Ma première semaine']) expect(bruno.text).not.toContain(other);
    expect(bruno.names.filter((n) => n.startsWith('files/') && !n.endsWith('/'))).toEqual([]);
  });

  it('the retention periods: the form, its bounds (422 with what was typed) and the audited save; the administrator\'s only', async () => {
    await makeStudentWorld(t.db);
    const s = await agent(t.app, ADMIN);
    const page = await s.a.get('/admin/retention');
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="agreement" value="60"');
    expect(page.text).toContain('name="studentAccount" value="24"');

    const bad = await s.a.post('/admin/retention').type('form').send({ studentAccount: 'deux ans', agreement: '59', application: '0', audit: '12', _csrf: s.csrf });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'agreement')).toContain('au moins 60 mois');
    expect(fieldError(bad.text, 'studentAccount')).toBe('Indiquez un nombre entier de mois.');
    expect(fieldError(bad.text, 'application')).toBe('Indiquez au moins 1 mois.');
    expect(bad.text).toContain('name="agreement" value="59"');
    expect(bad.text).toContain('name="studentAccount" value="deux ans"');
    expect(await t.db.retentionPolicy.count()).toBe(0);

    const ok = await s.a.post('/admin/retention').type('form').send({ studentAccount: '36', agreement: '72', application: '6', audit: '18', _csrf: s.csrf });
    expect(ok.status).toBe(303);
    const rows = Object.fromEntries((await t.db.retentionPolicy.findMany()).map((r) => [r.kind, r.months]));
    expect(rows).toEqual({ STUDENT_ACCOUNT: 36, AGREEMENT: 72, APPLICATION: 6, AUDIT: 18 });
    const row = await t.db.auditLog.findFirstOrThrow({ where: { action: 'retention.update' } });
    expect(row.after).toEqual(rows);
    expect((await agent(t.app).then((x) => x.a.get('/privacy'))).text).toMatch(/data-kind="APPLICATION">.*6 mois/);

    const student = await agent(t.app, LEA);
    expect((await student.a.get('/admin/retention')).status).toBe(403);
    expect((await student.a.post('/admin/retention').type('form').send({ agreement: '60', _csrf: student.csrf })).status).toBe(403);
    expect((await (await agent(t.app)).a.get('/account/data')).headers.location).toMatch(/^\/login/);
  });

  it('erasure: the account and its applications anonymised now, the agreements within their period kept and said; refused for oneself or an administrator', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w, {}, { status: 'VALIDATED', snapshot: { student: { firstName: 'Léa', lastName: 'Dubois' } } });
    const letter = await file(t.db, 'lettre-lea.pdf', w.lea.user.id);
    const application = await t.db.application.create({ data: { studentId: w.lea.profile.id, organisationId: w.acme.id, title: 'Candidature', message: 'Message de Léa', letterFileId: letter.id } });
    const s = await agent(t.app, ADMIN);
    expect((await s.a.get('/admin/users')).text).toContain(`href="/admin/users/${w.lea.user.id}/erase"`);

    const page = await s.a.get(`/admin/users/${w.lea.user.id}/erase`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(agreementNumber(a));
    // Ended 29 May 2026: kept 60 months, anonymised the day after.
    expect(page.text).toMatch(/data-until>30 mai 2031</);
    expect(page.text).toContain('Candidatures anonymisées (message et fichiers supprimés) : 1');

    const done = await s.a.post(`/admin/users/${w.lea.user.id}/erase`).type('form').send({ _csrf: s.csrf });
    expect(done.status).toBe(303);
    const lea = await t.db.user.findUniqueOrThrow({ where: { id: w.lea.user.id }, include: { studentProfile: true } });
    expect(lea).toMatchObject({ firstName: 'Anonyme', lastName: 'Anonyme', email: `anonymised-${lea.id}@invalid`, active: false, passwordHash: null });
    expect(lea.studentProfile).toMatchObject({ ssn: null, studentNumber: `ANON-${lea.studentProfile!.id}` });
    expect(await t.db.application.findUniqueOrThrow({ where: { id: application.id } })).toMatchObject({ message: '', letterFileId: null });
    expect(await t.db.storedFile.count({ where: { id: letter.id } })).toBe(0);
    // The agreement is kept as it was: its copy still names the student until its period ends.
    const kept = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(kept.anonymisedAt).toBeNull();
    expect(kept.snapshot).toEqual({ student: { firstName: 'Léa', lastName: 'Dubois' } });
    const row = await t.db.auditLog.findFirstOrThrow({ where: { action: 'privacy.erase' } });
    expect(row).toMatchObject({ entityType: 'User', entityId: String(lea.id), actorId: w.platformAdmin.id });
    expect(JSON.stringify(row.after)).not.toMatch(/Léa|Dubois|lea\.dubois/);
    await expect(agent(t.app, LEA)).rejects.toThrow(/sign-in/);

    // Once erased, again: refused with the reason.
    const again = await s.a.post(`/admin/users/${w.lea.user.id}/erase`).type('form').send({ _csrf: s.csrf });
    expect(again.status).toBe(422);
    expect(again.text).toContain('Ce compte a déjà été effacé.');
    const self = await s.a.post(`/admin/users/${w.platformAdmin.id}/erase`).type('form').send({ _csrf: s.csrf });
    expect(self.status).toBe(422);
    expect(self.text).toContain('Vous ne pouvez pas effacer votre propre compte.');
    const other = await makeUser(t.db, { isPlatformAdmin: true, email: 'other.admin@test.example' });
    const admin = await s.a.post(`/admin/users/${other.id}/erase`).type('form').send({ _csrf: s.csrf });
    expect(admin.status).toBe(422);
    expect(admin.text).toContain('ne peut pas être effacé');
    expect(await t.db.user.count({ where: { anonymisedAt: { not: null } } })).toBe(1);
    expect((await s.a.get('/admin/users/999999/erase')).status).toBe(404);
    expect((await s.a.post('/admin/users/999999/erase').type('form').send({ _csrf: s.csrf })).status).toBe(404);
    const staff = await agent(t.app, 'a.write@test.example');
    expect((await staff.a.get(`/admin/users/${w.hugo.user.id}/erase`)).status).toBe(403);
    expect((await staff.a.post(`/admin/users/${w.hugo.user.id}/erase`).type('form').send({ _csrf: staff.csrf })).status).toBe(403);
  });
});
