import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditRows } from '../factories/institutions.js';
import { fieldError, makeStudentWorld, minimalPdf, type StudentWorld } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const binary = (r: Response['request']) =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

const checked = (html: string, name: string) => new RegExp(`<input type="checkbox" id="f-${name}" name="${name}" value="on" checked`).test(html);

describe('the student\'s own profile', () => {
  const t = useApp();
  let w: StudentWorld;
  let s: Awaited<ReturnType<typeof agent>>;
  beforeEach(async () => {
    w = await makeStudentWorld(t.db);
    s = await agent(t.app, 'lea.dubois@etu.test');
  });
  const profile = () => t.db.studentProfile.findUniqueOrThrow({ where: { id: w.lea.profile.id }, include: { user: true, cvFile: true } });
  const fullForm = () => ({
    _csrf: s.csrf,
    phone: '06 12 34 56 78',
    addressLine1: '3 rue des Gras',
    addressLine2: 'Appartement 12',
    postalCode: '63000',
    city: 'Clermont-Ferrand',
    country: 'fr',
    birthDate: '1994-03-12',
    ssn: '2 94 03 75 120 005 91',
    insurance: 'GENERAL',
    healthFund: 'CPAM du Puy-de-Dôme',
    skills: 'TypeScript, PostgreSQL',
    languages: 'Anglais : B2\nEspagnol : A2',
    inCvBook: 'on',
  });

  it('shows the studies, the form and the CV-book choice, off by default with its explanation', async () => {
    const page = await s.a.get('/profile');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Mon profil</h1>');
    expect(page.text).toContain('L3 Informatique');
    expect(page.text).toContain('<legend>CVthèque</legend>');
    expect(page.text).toContain('La CVthèque permet aux entreprises partenaires');
    expect(checked(page.text, 'inCvBook')).toBe(false);
    expect((await profile()).inCvBook).toBe(false);
    expect(page.text).toContain('<option value="AGRICULTURAL">Mutualité sociale agricole (MSA)</option>');
    // Staff and other users have no profile page.
    const staff = await agent(t.app, 'a.write@test.example');
    expect((await staff.a.get('/profile')).status).toBe(403);
  });

  it('saves the details, the SSN without spaces, the CV-book opt-in, and audits with the SSN masked', async () => {
    await t.db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { ssn: null } });
    const res = await s.a.post('/profile').type('form').send(fullForm());
    expect(res.status).toBe(303);
    const p = await profile();
    expect(p).toMatchObject({
      addressLine1: '3 rue des Gras',
      addressLine2: 'Appartement 12',
      postalCode: '63000',
      city: 'Clermont-Ferrand',
      country: 'FR',
      ssn: '294037512000591',
      insurance: 'GENERAL',
      healthFund: 'CPAM du Puy-de-Dôme',
      skills: 'TypeScript, PostgreSQL',
      inCvBook: true,
    });
    expect(p.languages).toMatch(/^Anglais : B2\r?\nEspagnol : A2$/);
    expect(p.birthDate?.toISOString()).toBe('1994-03-12T00:00:00.000Z');
    expect(p.user.phone).toBe('06 12 34 56 78');
    const [row] = await auditRows(t.db, 'student.profile.update');
    expect(row.actorId).toBe(w.lea.user.id);
    expect(row.after).toMatchObject({ ssn: '2 ** ** ** *** *** 91', inCvBook: true, user: { phone: '06 12 34 56 78' } });
    expect(JSON.stringify([row.before, row.after])).not.toContain('294037512000591');

    const page = await s.a.get('/profile');
    expect(page.text).toContain('Votre profil a été enregistré.');
    expect(checked(page.text, 'inCvBook')).toBe(true);
    expect(page.text).toContain('value="1994-03-12"');

    // Unticking withdraws the profile from the CV book.
    const { inCvBook: _drop, ...without } = fullForm();
    expect((await s.a.post('/profile').type('form').send(without)).status).toBe(303);
    expect((await profile()).inCvBook).toBe(false);
  });

  it('refuses a wrong SSN key with its own message (422) and changes nothing', async () => {
    const res = await s.a.post('/profile').type('form').send({ ...fullForm(), ssn: '2 94 03 75 120 005 92' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'ssn')).toBe('La clé (2 derniers chiffres) ne correspond pas au numéro : vérifiez votre saisie.');
    expect(res.text).toContain('href="#f-ssn"');
    expect(res.text).toContain('value="2 94 03 75 120 005 92"');
    const short = await s.a.post('/profile').type('form').send({ ...fullForm(), ssn: '2 94 03', birthDate: '2094-01-01' });
    expect(short.status).toBe(422);
    expect(fieldError(short.text, 'ssn')).toContain('15 caractères');
    expect(fieldError(short.text, 'birthDate')).toBe('Saisissez une date de naissance passée, postérieure à 1900.');
    const p = await profile();
    expect(p.city).toBeNull();
    expect(p.ssn).toBe('294037512000591');
    expect(await auditRows(t.db, 'student.profile.update')).toHaveLength(0);
  });

  describe('CV', () => {
    const PDF = minimalPdf();

    it('accepts a real PDF, serves it back as a download with its name, and replacing keeps the old file row', async () => {
      const up = await s.a.post('/profile/cv').field('_csrf', s.csrf).attach('cv', PDF, { filename: 'CV Léa Dubois.pdf', contentType: 'application/octet-stream' });
      expect(up.status).toBe(303);
      expect(up.headers.location).toBe('/profile#cv');
      const p = await profile();
      expect(p.cvFile).toMatchObject({ originalName: 'CV Léa Dubois.pdf', mimeType: 'application/pdf', extension: 'pdf', size: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex'), uploadedById: w.lea.user.id });
      const [row] = await auditRows(t.db, 'student.cv');
      expect(row.after).toMatchObject({ cvFileId: p.cvFileId, mimeType: 'application/pdf' });

      const page = await s.a.get('/profile');
      expect(page.text).toContain('Votre CV a été enregistré.');
      expect(page.text).toContain('Télécharger CV Léa Dubois.pdf');

      const dl = await binary(s.a.get('/profile/cv'));
      expect(dl.status).toBe(200);
      expect(dl.headers['content-type']).toBe('application/pdf');
      expect(dl.headers['x-content-type-options']).toBe('nosniff');
      expect(dl.headers['content-disposition']).toBe(`attachment; filename="CV L_a Dubois.pdf"; filename*=UTF-8''CV%20L%C3%A9a%20Dubois.pdf`);
      expect(Buffer.compare(dl.body as Buffer, PDF)).toBe(0);

      const second = Buffer.concat([PDF, Buffer.from('% second version\n')]);
      expect((await s.a.post('/profile/cv').field('_csrf', s.csrf).attach('cv', second, 'cv-2.pdf')).status).toBe(303);
      const p2 = await profile();
      expect(p2.cvFileId).not.toBe(p.cvFileId);
      expect(await t.db.storedFile.count()).toBe(2);
      expect(await t.db.storedFile.findUnique({ where: { id: p.cvFileId! } })).not.toBeNull();
      expect((await auditRows(t.db, 'student.cv'))[1].before).toEqual({ cvFileId: p.cvFileId });
      expect((await s.a.get('/profile/cv')).headers['content-disposition']).toContain('filename="cv-2.pdf"');

      // Withdrawn: the profile no longer points to it, the row stays.
      expect((await s.a.post('/profile/cv/delete').type('form').send({ _csrf: s.csrf })).status).toBe(303);
      expect((await profile()).cvFileId).toBeNull();
      expect(await t.db.storedFile.count()).toBe(2);
      expect((await s.a.get('/profile/cv')).status).toBe(404);
    });

    it('refuses a text file or a program named cv.pdf (422, nothing stored)', async () => {
      const text = await s.a.post('/profile/cv').field('_csrf', s.csrf).attach('cv', Buffer.from('Léa Dubois\nDéveloppeuse\n'), { filename: 'cv.pdf', contentType: 'application/pdf' });
      expect(text.status).toBe(422);
      expect(fieldError(text.text, 'cv')).toBe('Le fichier doit être de type PDF, DOC, DOCX, ODT.');
      expect(text.text).toContain('<h1>Mon profil</h1>');
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
      const program = await s.a.post('/profile/cv').field('_csrf', s.csrf).attach('cv', exe, { filename: 'cv.pdf', contentType: 'application/pdf' });
      expect(program.status).toBe(422);
      const none = await s.a.post('/profile/cv').field('_csrf', s.csrf);
      expect(none.status).toBe(422);
      expect(fieldError(none.text, 'cv')).toBe('Choisissez un fichier.');
      expect(await t.db.storedFile.count()).toBe(0);
      expect((await profile()).cvFileId).toBeNull();
      expect(await auditRows(t.db, 'student.cv')).toHaveLength(0);
    });

    it('refuses a file over 8 MB (422) and an upload without a CSRF token (403)', async () => {
      const big = Buffer.concat([PDF, Buffer.alloc(8 * 1024 * 1024)]);
      const res = await s.a.post('/profile/cv').field('_csrf', s.csrf).attach('cv', big, 'cv.pdf');
      expect(res.status).toBe(422);
      expect(fieldError(res.text, 'cv')).toBe('Le fichier est trop volumineux.');
      expect((await s.a.post('/profile/cv').attach('cv', PDF, 'cv.pdf')).status).toBe(403);
      expect((await s.a.post('/profile/cv').field('_csrf', 'nope').attach('cv', PDF, 'cv.pdf')).status).toBe(403);
      expect(await t.db.storedFile.count()).toBe(0);
    });

    it('lets staff of the student\'s centre download it (READ and above); others get a 404', async () => {
      const dlFor = async (email: string) => {
        const a = await agent(t.app, email);
        return binary(a.a.get(`/students/${w.lea.profile.id}/cv`));
      };
      expect((await dlFor('a.read@test.example')).status).toBe(404); // no CV yet
      await s.a.post('/profile/cv').field('_csrf', s.csrf).attach('cv', PDF, 'cv.pdf');
      for (const email of ['a.read@test.example', 'a.write@test.example', 'platform.admin@test.example']) {
        const dl = await dlFor(email);
        expect(dl.status, email).toBe(200);
        expect(dl.headers['content-disposition'], email).toMatch(/^attachment; filename="cv\.pdf"/);
        expect(Buffer.compare(dl.body as Buffer, PDF)).toBe(0);
      }
      expect((await dlFor('b.write@test.example')).status).toBe(404);
      const staffPage = await (await agent(t.app, 'a.read@test.example')).a.get(`/students/${w.lea.profile.id}`);
      expect(staffPage.text).toContain(`href="/students/${w.lea.profile.id}/cv"`);
      // Another student: not staff (403), and their own /profile/cv is their own CV only.
      const hugo = await agent(t.app, 'hugo.bernard@etu.test');
      expect((await hugo.a.get(`/students/${w.lea.profile.id}/cv`)).status).toBe(403);
      expect((await hugo.a.get('/profile/cv')).status).toBe(404);
    });
  });
});
