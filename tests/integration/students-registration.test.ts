import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditRows } from '../factories/institutions.js';
import { fieldError, mailsTo, makeStudentWorld, type StudentWorld } from '../factories/students.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

describe('student self-registration', () => {
  const t = useApp();
  let w: StudentWorld;
  beforeEach(async () => {
    w = await makeStudentWorld(t.db);
  });

  const anonymous = async () => {
    const a = request.agent(t.app);
    const page = await a.get('/register/student');
    return { a, page, csrf: csrfFrom(page.text) };
  };
  const form = (over: Record<string, string | number> = {}) => ({
    institutionId: w.uda.id,
    programmeId: w.info.id,
    studyYearId: w.l2.id,
    studentNumber: '21901234',
    civility: 'MRS',
    lastName: 'Martin',
    firstName: 'Chloé',
    email: 'Chloe.Martin@etu.test',
    ...over,
  });

  it('shows institutions, programmes and years grouped by institution and programme', async () => {
    const { page } = await anonymous();
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Inscription étudiant</h1>');
    expect(page.text).toContain(`<optgroup label="Université A">`);
    expect(page.text).toContain(`<optgroup label="Université A — Licence Informatique">`);
    expect(page.text).toContain(`<option value="${w.l3B.id}">L3 Informatique B</option>`);
    expect(page.text).not.toContain('type="password"');
    expect(page.text).toContain('<legend>Formation</legend>');
  });

  it('creates the account without a password, the profile and the audit row, and mails a single-use link', async () => {
    const { a, csrf } = await anonymous();
    const res = await a.post('/register/student').type('form').send({ ...form(), _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/register/student/sent');

    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'chloe.martin@etu.test' }, include: { studentProfile: true } });
    expect(user).toMatchObject({ passwordHash: null, civility: 'MRS', firstName: 'Chloé', lastName: 'Martin', locale: 'fr', isPlatformAdmin: false });
    expect(user.studentProfile).toMatchObject({ studentNumber: '21901234', institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l2.id, inCvBook: false, ssn: null });
    const [row] = await auditRows(t.db, 'student.register');
    expect(row).toMatchObject({ actorId: user.id, entityType: 'StudentProfile', entityId: String(user.studentProfile!.id) });
    expect(row.after).toMatchObject({ studentNumber: '21901234', user: { email: 'chloe.martin@etu.test' } });

    const mails = await mailsTo(t.db, 'chloe.martin@etu.test');
    expect(mails).toHaveLength(1);
    expect(mails[0].template).toBe('account-invitation');
    expect(mails[0].text).toContain('Université A (L2 Informatique)');
    const link = mails[0].text.match(/http:\/\/stages\.test(\/password\/reset\/[\w-]+)/);
    expect(link).not.toBeNull();
    expect(await t.db.passwordResetToken.count({ where: { userId: user.id } })).toBe(1);

    const sent = await a.get('/register/student/sent');
    expect(sent.text).toContain('Vérifiez votre messagerie');
    expect(sent.text).toContain('Un message a été envoyé à chloe.martin@etu.test.');

    // The link lets the student choose a password, then sign in and reach their profile.
    const follow = await a.get(link![1]);
    expect(follow.status).toBe(303);
    const resetPage = await a.get('/password/reset');
    expect(resetPage.status).toBe(200);
    const done = await a.post('/password/reset').type('form').send({ password: 'un-mot-de-passe-long', confirm: 'un-mot-de-passe-long', _csrf: csrfFrom(resetPage.text) });
    expect(done.status).toBe(303);
    const s = await agent(t.app, 'chloe.martin@etu.test', 'un-mot-de-passe-long');
    const profile = await s.a.get('/profile');
    expect(profile.status).toBe(200);
    expect(profile.text).toContain('L2 Informatique');
    // The link was single-use.
    await a.get(link![1]);
    expect((await a.get('/password/reset')).status).toBe(410);
  });

  it('refuses a student number already used in the institution (422), nothing created', async () => {
    const { a, csrf } = await anonymous();
    const res = await a.post('/register/student').type('form').send({ ...form({ studentNumber: '21900123' }), _csrf: csrf });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'studentNumber')).toBe('Ce numéro est déjà utilisé dans cet établissement.');
    expect(res.text).toContain('value="Chloe.Martin@etu.test"');
    expect(await t.db.user.count({ where: { email: 'chloe.martin@etu.test' } })).toBe(0);
    expect(await t.db.outboxEmail.count()).toBe(0);
    expect(await auditRows(t.db, 'student.register')).toHaveLength(0);
  });

  it('accepts the same student number in another institution', async () => {
    const { a, csrf } = await anonymous();
    const res = await a.post('/register/student').type('form').send({ ...form({ studentNumber: '21900123', institutionId: w.udb.id, programmeId: w.infoB.id, studyYearId: w.l3B.id }), _csrf: csrf });
    expect(res.status).toBe(303);
    const profiles = await t.db.studentProfile.findMany({ where: { studentNumber: '21900123' }, orderBy: { id: 'asc' } });
    expect(profiles.map((p) => p.institutionId)).toEqual([w.uda.id, w.udb.id]);
  });

  it('answers an address that already has an account as a new one: the owner is warned by mail, nothing is created', async () => {
    const owner = await t.db.user.findUniqueOrThrow({ where: { email: 'a.write@test.example' } });
    const fresh = await anonymous();
    const normal = await fresh.a.post('/register/student').type('form').send({ ...form(), _csrf: fresh.csrf });
    const { a, csrf } = await anonymous();
    const res = await a.post('/register/student').type('form').send({ ...form({ email: 'A.Write@test.example', studentNumber: '21907777' }), _csrf: csrf });
    // The same answer and the same confirmation as for a new address.
    expect(res.status).toBe(normal.status);
    expect(res.headers.location).toBe(normal.headers.location);
    const sent = await a.get('/register/student/sent');
    expect(sent.text).toContain('Un message a été envoyé à a.write@test.example.');
    expect(sent.text.replace(/a\.write@test\.example|chloe\.martin@etu\.test|name="_csrf" value="[^"]+"/g, '')).toBe(
      (await fresh.a.get('/register/student/sent')).text.replace(/a\.write@test\.example|chloe\.martin@etu\.test|name="_csrf" value="[^"]+"/g, ''),
    );
    // No account, no profile; the owner gets the warning, not an invitation.
    expect(await t.db.studentProfile.count({ where: { studentNumber: '21907777' } })).toBe(0);
    expect(await t.db.user.count({ where: { email: 'a.write@test.example' } })).toBe(1);
    expect(await t.db.passwordResetToken.count({ where: { userId: owner.id } })).toBe(0);
    const mails = await mailsTo(t.db, 'a.write@test.example');
    expect(mails.map((m) => m.template)).toEqual(['address-taken']);
    expect(mails[0].subject).toBe("Tentative d'inscription avec votre adresse");
    expect(mails[0].text).toContain('http://stages.test/login');
    expect(mails[0].text).toContain('http://stages.test/password/forgot');
    expect(await auditRows(t.db, 'user.registrationWithTakenAddress')).toHaveLength(1);
    // Trying again within the hour does not flood the mailbox.
    const again = await anonymous();
    expect((await again.a.post('/register/student').type('form').send({ ...form({ email: 'a.write@test.example' }), _csrf: again.csrf })).status).toBe(303);
    expect(await mailsTo(t.db, 'a.write@test.example')).toHaveLength(1);
  });

  it('checks that the programme belongs to the institution and the year to the programme', async () => {
    const { a, csrf } = await anonymous();
    const res = await a.post('/register/student').type('form').send({ ...form({ institutionId: w.udb.id }), _csrf: csrf });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'programmeId')).toBe("Cette filière n'appartient pas à l'établissement choisi.");
    const res2 = await a.post('/register/student').type('form').send({ ...form({ studyYearId: w.droitL3.id }), _csrf: csrf });
    expect(res2.status).toBe(422);
    expect(fieldError(res2.text, 'studyYearId')).toBe("Cette année de formation n'appartient pas à la filière choisie.");
    const res3 = await a.post('/register/student').type('form').send({ ...form({ studyYearId: 999999, studentNumber: '' }), _csrf: csrf });
    expect(res3.status).toBe(422);
    expect(fieldError(res3.text, 'studentNumber')).toBe('Ce champ est obligatoire.');
    expect(await t.db.studentProfile.count()).toBe(2);
  });

  it('refuses a registration without a CSRF token (403)', async () => {
    const { a } = await anonymous();
    const res = await a.post('/register/student').type('form').send(form());
    expect(res.status).toBe(403);
    expect(await t.db.user.count({ where: { email: 'chloe.martin@etu.test' } })).toBe(0);
  });

  it('sends a signed-in user to their home page', async () => {
    const s = await agent(t.app, 'a.write@test.example');
    const res = await s.a.get('/register/student');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard/centre');
  });
});
