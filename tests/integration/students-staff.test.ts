import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditRows } from '../factories/institutions.js';
import { fieldError, mailsTo, makeStudent, makeStudentWorld, type StudentWorld } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

/** The names in the list's table rows, in order. */
const listed = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/students\/\d+">([^<]+)<\/a><\/th>/g)].map((m) => m[1]);

describe('students for management-centre staff', () => {
  const t = useApp();
  let w: StudentWorld;
  beforeEach(async () => {
    w = await makeStudentWorld(t.db);
  });
  const lea = () => `/students/${w.lea.profile.id}`;
  const hugo = () => `/students/${w.hugo.profile.id}`;

  describe('list and record', () => {
    it('lists the students of the years of the actor\'s centres only; the platform admin sees all', async () => {
      const a = await agent(t.app, 'a.read@test.example');
      const page = await a.a.get('/students');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<caption>Étudiants (1)</caption>');
      expect(listed(page.text)).toEqual(['Dubois Léa']);
      const b = await agent(t.app, 'b.write@test.example');
      expect(listed((await b.a.get('/students')).text)).toEqual(['Bernard Hugo']);
      const mixed = await agent(t.app, 'mixed@test.example');
      expect(listed((await mixed.a.get('/students')).text)).toEqual(['Bernard Hugo', 'Dubois Léa']);
      const admin = await agent(t.app, 'platform.admin@test.example');
      expect(listed((await admin.a.get('/students')).text)).toEqual(['Bernard Hugo', 'Dubois Léa']);
      // The menu leads there.
      expect(page.text).toContain('<a href="/students" aria-current="page">Étudiants</a>');
    });

    it('filters by name or number and by study year, and paginates', async () => {
      for (let i = 0; i < 26; i++) {
        await makeStudent(t.db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l2.id, studentNumber: `3000${String(i).padStart(2, '0')}`, email: `s${i}@etu.test`, firstName: 'Jean', lastName: `Zed${String(i).padStart(2, '0')}` });
      }
      const s = await agent(t.app, 'a.write@test.example');
      expect(listed((await s.a.get('/students?q=dubo')).text)).toEqual(['Dubois Léa']);
      expect(listed((await s.a.get('/students?q=21900123')).text)).toEqual(['Dubois Léa']);
      expect(listed((await s.a.get('/students?q=l%C3%A9a%20dubois')).text)).toEqual(['Dubois Léa']);
      expect(listed((await s.a.get('/students?q=Bernard')).text)).toEqual([]); // centre B's student
      expect((await s.a.get('/students?q=Bernard')).text).toContain('Aucun étudiant ne correspond à ces critères.');
      const byYear = await s.a.get(`/students?year=${w.l3.id}`);
      expect(listed(byYear.text)).toEqual(['Dubois Léa']);
      expect(byYear.text).toContain(`<option value="${w.l3.id}" selected>L3 Informatique</option>`);
      // A year of another centre is not offered, and filtering on it shows nothing.
      expect(byYear.text).not.toContain('L3 Droit');
      expect(listed((await s.a.get(`/students?year=${w.droitL3.id}`)).text)).toEqual([]);
      const page1 = await s.a.get(`/students?year=${w.l2.id}`);
      expect(page1.text).toContain('<caption>Étudiants (26)</caption>');
      expect(listed(page1.text)).toHaveLength(25);
      expect(page1.text).toContain(`href="/students?year=${w.l2.id}&amp;page=2"`);
      expect(listed((await s.a.get(`/students?year=${w.l2.id}&page=2`)).text)).toEqual(['Zed25 Jean']);
    });

    it('shows a student of the actor\'s centres; another centre\'s student is a 404', async () => {
      const r = await agent(t.app, 'a.read@test.example');
      const page = await r.a.get(lea());
      expect(page.status).toBe(200);
      expect(page.text).toContain('<h1>Léa Dubois</h1>');
      expect(page.text).toContain('21900123');
      expect(page.text).toContain('UFR Sciences');
      expect(page.text).not.toContain(`href="${lea()}/edit"`); // READ: no edit button
      expect((await r.a.get(hugo())).status).toBe(404);
      expect((await r.a.get('/students/999999')).status).toBe(404);
      expect((await r.a.get('/students/abc')).status).toBe(404);
      const b = await agent(t.app, 'b.write@test.example');
      expect((await b.a.get(lea())).status).toBe(404);
      const admin = await agent(t.app, 'platform.admin@test.example');
      expect((await admin.a.get(hugo())).status).toBe(200);
      // Not staff at all: 403 by the matrix; anonymous: sign in.
      const student = await agent(t.app, 'lea.dubois@etu.test');
      expect((await student.a.get(lea())).status).toBe(403);
      expect((await request(t.app).get(lea())).headers.location).toBe(`/login?next=${encodeURIComponent(lea())}`);
    });
  });

  describe('social-security number', () => {
    const CLEAR = '2 94 03 75 120 005 91';
    const MASKED = '2 ** ** ** *** *** 91';

    it('is shown in clear to WRITE and ADMIN staff of the centre and to the student, masked to READ staff', async () => {
      for (const email of ['a.write@test.example', 'a.admin@test.example', 'platform.admin@test.example']) {
        const s = await agent(t.app, email);
        const page = await s.a.get(lea());
        expect(page.text, email).toContain(CLEAR);
        expect(page.text, email).not.toContain(MASKED);
      }
      for (const email of ['a.read@test.example', 'mixed@test.example']) {
        const s = await agent(t.app, email);
        const page = await s.a.get(lea());
        expect(page.text, email).toContain(MASKED);
        expect(page.text, email).toContain('masqué');
        expect(page.text, email).not.toContain(CLEAR);
        expect(page.text, email).not.toContain('294037512000591');
        expect(page.text, email).not.toContain('37512000');
      }
      const student = await agent(t.app, 'lea.dubois@etu.test');
      const own = await student.a.get('/profile');
      expect(own.text).toContain(`name="ssn" value="${CLEAR}"`);
    });
  });

  describe('creation', () => {
    it('lets WRITE staff create a student in a year of their centre, who is invited by e-mail', async () => {
      const s = await agent(t.app, 'a.write@test.example');
      const form = await s.a.get('/students/new');
      expect(form.status).toBe(200);
      expect(form.text).toContain(`<option value="${w.l2.id}">L2 Informatique</option>`);
      expect(form.text).not.toContain('L3 Droit');
      expect(form.text).not.toContain('L3 Informatique B');
      const res = await s.a.post('/students/new').type('form').send({ _csrf: s.csrf, studyYearId: w.l2.id, studentNumber: 'a-42', civility: 'MR', lastName: 'Petit', firstName: 'Noé', email: 'noe.petit@etu.test' });
      expect(res.status).toBe(303);
      const user = await t.db.user.findUniqueOrThrow({ where: { email: 'noe.petit@etu.test' }, include: { studentProfile: true } });
      expect(user.passwordHash).toBeNull();
      expect(user.studentProfile).toMatchObject({ studentNumber: 'A-42', institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l2.id });
      expect(res.headers.location).toBe(`/students/${user.studentProfile!.id}`);
      const [row] = await auditRows(t.db, 'student.create');
      expect(row).toMatchObject({ actorId: w.write.id, entityId: String(user.studentProfile!.id) });
      const [mail] = await mailsTo(t.db, 'noe.petit@etu.test');
      expect(mail.text).toMatch(/\/password\/reset\/[\w-]+/);
      expect(mail.text).toContain('a créé votre compte étudiant');
      const page = await s.a.get(res.headers.location);
      expect(page.text).toContain('un lien pour choisir son mot de passe a été envoyé à noe.petit@etu.test');
      expect(page.text).toContain('Non activé');
    });

    it('refuses a year of a centre where the actor has no WRITE right, a used number and a used e-mail (422)', async () => {
      const s = await agent(t.app, 'a.write@test.example');
      const base = { _csrf: s.csrf, studyYearId: w.l2.id, studentNumber: '999', civility: 'MR', lastName: 'Petit', firstName: 'Noé', email: 'noe.petit@etu.test' };
      const other = await s.a.post('/students/new').type('form').send({ ...base, studyYearId: w.droitL3.id });
      expect(other.status).toBe(422);
      expect(fieldError(other.text, 'studyYearId')).toBe("Vous n'avez pas le droit d'écriture sur le centre de gestion de cette année de formation.");
      const number = await s.a.post('/students/new').type('form').send({ ...base, studentNumber: '21900456' }); // Hugo's, same institution
      expect(number.status).toBe(422);
      expect(fieldError(number.text, 'studentNumber')).toBe('Ce numéro est déjà utilisé dans cet établissement.');
      const email = await s.a.post('/students/new').type('form').send({ ...base, email: 'hugo.bernard@etu.test' });
      expect(email.status).toBe(422);
      expect(await t.db.studentProfile.count()).toBe(2);
      expect(await t.db.outboxEmail.count()).toBe(0);
    });

    it('refuses creation, edition and import to READ staff (403)', async () => {
      const r = await agent(t.app, 'a.read@test.example');
      expect((await r.a.get('/students/new')).status).toBe(403);
      expect((await r.a.post('/students/new').type('form').send({ _csrf: r.csrf, studyYearId: w.l2.id, studentNumber: '1', lastName: 'X', firstName: 'Y', email: 'x@etu.test' })).status).toBe(403);
      expect((await r.a.get(`${lea()}/edit`)).status).toBe(403);
      expect((await r.a.get('/students/import')).status).toBe(403);
      expect((await r.a.post('/students/import').field('_csrf', r.csrf).attach('file', Buffer.from('a;b\n'), 'x.csv')).status).toBe(403);
      expect(await t.db.studentProfile.count()).toBe(2);
      const list = await r.a.get('/students');
      expect(list.text).not.toContain('href="/students/new"');
    });
  });

  describe('edition', () => {
    it('lets WRITE staff change the identity and the year, with an audit row', async () => {
      const s = await agent(t.app, 'a.write@test.example');
      const form = await s.a.get(`${lea()}/edit`);
      expect(form.status).toBe(200);
      expect(form.text).toContain('value="lea.dubois@etu.test"');
      expect(form.text).toContain(`<option value="${w.l3.id}" selected>L3 Informatique</option>`);
      const res = await s.a.post(`${lea()}/edit`).type('form').send({ _csrf: s.csrf, studyYearId: w.l2.id, studentNumber: '21900123', civility: 'MRS', lastName: 'Dubois-Martin', firstName: 'Léa', email: 'lea.dm@etu.test' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(lea());
      const p = await t.db.studentProfile.findUniqueOrThrow({ where: { id: w.lea.profile.id }, include: { user: true } });
      expect(p).toMatchObject({ studyYearId: w.l2.id, ssn: '294037512000591' });
      expect(p.user).toMatchObject({ lastName: 'Dubois-Martin', email: 'lea.dm@etu.test', civility: 'MRS' });
      const [row] = await auditRows(t.db, 'student.update');
      expect(row.before).toMatchObject({ studyYearId: w.l3.id, user: { email: 'lea.dubois@etu.test' }, ssn: '2 ** ** ** *** *** 91' });
      expect(row.after).toMatchObject({ studyYearId: w.l2.id, user: { email: 'lea.dm@etu.test' } });
      expect(JSON.stringify([row.before, row.after])).not.toContain('294037512000591');
    });

    it('is a 404 for staff of another centre, a 403 for READ, and refuses a used number (422)', async () => {
      const b = await agent(t.app, 'b.write@test.example');
      expect((await b.a.get(`${lea()}/edit`)).status).toBe(404);
      expect((await b.a.post(`${lea()}/edit`).type('form').send({ _csrf: b.csrf, studyYearId: w.droitL3.id, studentNumber: '1', lastName: 'X', firstName: 'Y', email: 'x@etu.test' })).status).toBe(404);
      const mixed = await agent(t.app, 'mixed@test.example'); // READ in A, WRITE in B
      expect((await mixed.a.get(`${lea()}/edit`)).status).toBe(403);
      expect((await mixed.a.get(`${hugo()}/edit`)).status).toBe(200);
      // WRITE in B cannot move Hugo into a year of centre A (READ there).
      const move = await mixed.a.post(`${hugo()}/edit`).type('form').send({ _csrf: mixed.csrf, studyYearId: w.l3.id, studentNumber: '21900456', lastName: 'Bernard', firstName: 'Hugo', email: 'hugo.bernard@etu.test' });
      expect(move.status).toBe(422);
      const s = await agent(t.app, 'a.write@test.example');
      const dup = await s.a.post(`${lea()}/edit`).type('form').send({ _csrf: s.csrf, studyYearId: w.l3.id, studentNumber: '21900456', lastName: 'Dubois', firstName: 'Léa', email: 'lea.dubois@etu.test' });
      expect(dup.status).toBe(422);
      expect(fieldError(dup.text, 'studentNumber')).toBe('Ce numéro est déjà utilisé dans cet établissement.');
      expect(await auditRows(t.db, 'student.update')).toHaveLength(0);
    });
  });
});
