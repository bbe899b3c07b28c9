import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/time/clock.js';
import { validSiret } from '../factories/companies.js';
import { makeSheetWorld, sheetForm } from '../factories/sheets.js';
import { fieldError } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

// The sheet's form: the host searched in the directory (a GET, nothing saved) and chosen, the
// interruptions as rows that work without JavaScript, the prefill from the accepted offer, the
// marks of the fields required for sending, the mails in each person's language.
const clock = new FixedClock('2027-02-01T10:00:00Z');

describe('internship sheet form', () => {
  const t = useApp({}, { clock });

  it('finds the host in the directory by name or SIRET and picks it, without saving anything', async () => {
    const w = await makeSheetWorld(t.db);
    const lea = await agent(t.app, w.lea.user.email);
    const found = await lea.a.get('/sheets/new?find=ACME');
    expect(found.status).toBe(200);
    expect(found.text).toContain('ACME Lyon');
    expect(found.text).toContain(`href="/sheets/new?organisation=${w.acme.id}"`);
    expect(found.text).not.toContain('>Globex<');
    const siret = validSiret(5);
    await t.db.organisation.update({ where: { id: w.acme.id }, data: { siret } });
    const bySiret = await lea.a.get(`/sheets/new?find=${siret.slice(0, 9)} ${siret.slice(9)}`);
    expect(bySiret.text).toContain('ACME Lyon');

    const picked = await lea.a.get(`/sheets/new?organisation=${w.acme.id}`);
    expect(picked.text).toContain(`name="organisationId" value="${w.acme.id}"`);
    // The new organisation's fields are asked only when none is chosen.
    expect(picked.text).not.toContain('name="orgLegalName"');
    expect((await lea.a.get('/sheets/new')).text).toContain('name="orgLegalName"');
    expect((await lea.a.get('/sheets/new?organisation=999999')).status).toBe(404);
    expect(await t.db.internshipSheet.count()).toBe(0);
  });

  it('marks the fields required for sending and offers the default week, 7 hours Monday to Friday, and the profile\'s data', async () => {
    const w = await makeSheetWorld(t.db);
    await t.db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { healthFund: 'CPAM 69' } });
    const lea = await agent(t.app, w.lea.user.email);
    const page = (await lea.a.get('/sheets/new')).text;
    expect(page).toMatch(/id="f-tutorLastName-hint">Champ requis pour demander la validation de votre fiche de stage/);
    expect(page).not.toMatch(/id="f-skills-hint">Champ requis/);
    expect(page).toContain('name="mon" value="7"');
    expect(page).toContain('name="sat" value="0"');
    expect(page).toContain('name="healthFund" value="CPAM 69"');
    expect(page).toContain('name="payCurrency" value="EUR"');
    expect(page).toContain('milieu socio-économique');
  });

  it('keeps the interruption rows typed without JavaScript, refuses an incomplete or misplaced one beside it', async () => {
    const w = await makeSheetWorld(t.db);
    const lea = await agent(t.app, w.lea.user.email);
    const base = { _csrf: lea.csrf, ...sheetForm(), organisationId: String(w.acme.id) };
    const half = await lea.a.post('/sheets/new').type('form').send({ ...base, intent: 'save', pauseFrom: ['2027-05-03', '2027-05-20'], pauseTo: ['2027-05-07', ''] });
    expect(half.status).toBe(422);
    expect(fieldError(half.text, 'pauseTo.1')).toBe('Indiquez le dernier jour de l\'interruption.');
    expect(half.text).toContain('value="2027-05-20"');

    const saved = await lea.a.post('/sheets/new').type('form').send({ ...base, intent: 'save', pauseFrom: ['2027-05-03', '', ''], pauseTo: ['2027-05-07', '', ''] });
    expect(saved.status).toBe(303);
    const sheet = await t.db.internshipSheet.findFirstOrThrow();
    expect((sheet.data as { pauses: unknown }).pauses).toEqual([{ from: '2027-05-03', to: '2027-05-07' }]);
    const form = (await lea.a.get(`/sheets/${sheet.id}/edit`)).text;
    expect(form).toContain('value="2027-05-03"');
    expect(form.match(/name="pauseFrom"/g)).toHaveLength(3);

    // Outside the internship: refused at sending, beside the row.
    const outside = await lea.a.post(`/sheets/${sheet.id}/edit`).type('form').send({ ...base, intent: 'send', pauseFrom: '2027-08-02', pauseTo: '2027-08-06' });
    expect(outside.status).toBe(422);
    expect(fieldError(outside.text, 'pauseFrom.0')).toBe('L\'interruption doit se situer pendant le stage.');
    expect((await t.db.internshipSheet.findUniqueOrThrow({ where: { id: sheet.id } })).status).toBe('DRAFT');
  });

  it('prefills a sheet from the accepted offer and the student\'s profile', async () => {
    const w = await makeSheetWorld(t.db);
    await t.db.offer.update({ where: { id: w.offer.id }, data: { missions: 'Développer', skills: 'SQL', startMonth: 4, startYear: 2027, durationMonths: 3 } });
    await t.db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { healthFund: 'CPAM 69', city: 'Lyon' } });
    const lea = await agent(t.app, w.lea.user.email);
    await lea.a.post(`/sheets/from-application/${w.application.id}`).type('form').send({ _csrf: lea.csrf });
    const sheet = await t.db.internshipSheet.findFirstOrThrow();
    expect((sheet.data as { fields: Record<string, string> }).fields).toMatchObject({
      orgType: 'COMPANY',
      subject: w.offer.title,
      activities: 'Développer',
      skills: 'SQL',
      startDate: '2027-04-01',
      endDate: '2027-06-30',
      mon: '7',
      payCurrency: 'EUR',
      healthFund: 'CPAM 69',
      city: 'Lyon',
    });
  });

  it('mails each person in their own language', async () => {
    const w = await makeSheetWorld(t.db);
    await t.db.user.update({ where: { id: w.yearManager.id }, data: { locale: 'en' } });
    const lea = await agent(t.app, w.lea.user.email);
    await lea.a.post('/sheets/new').type('form').send({ _csrf: lea.csrf, ...sheetForm(), organisationId: String(w.acme.id), intent: 'send' });
    const [toManager] = await t.db.outboxEmail.findMany({ where: { to: w.yearManager.email } });
    expect(toManager.subject).toBe('Internship sheet to validate: Léa Dubois');
    const manager = await agent(t.app, w.yearManager.email);
    const sheet = await t.db.internshipSheet.findFirstOrThrow();
    await manager.a.post(`/sheets/${sheet.id}/validate`).type('form').send({ _csrf: manager.csrf });
    const [toLea] = await t.db.outboxEmail.findMany({ where: { to: w.lea.user.email, template: 'sheet-validated' } });
    expect(toLea.subject).toBe('Votre fiche de stage est validée');
    expect(toLea.text).toMatch(/convention de stage n° 2026-00001/);
  });
});
