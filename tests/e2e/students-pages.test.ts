import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { describeBrowser, expectAccessible, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, p?: Record<string, string | number>) => translate('fr', key, p);

// Student pages as their users see them (demo data: gestionnaire@ has WRITE on the UFR, whose
// years hold Léa Dubois, profile 1; etudiant@ is Léa).
const STAFF_PAGES = ['/students', '/students?q=dubois', '/students/1', '/students/1/edit', '/students/new', '/students/import'];

describeBrowser('end-to-end: student pages are accessible', () => {
  const t = useBrowserApp();

  it.each(STAFF_PAGES)('%s (centre staff) has no axe violation', async (path) => {
    const page = await t.newPage({ as: 'gestionnaire@demo.test' });
    const res = await page.goto(t.url(path));
    expect(res?.status(), `GET ${path}`).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    await expectAccessible(page, path);
  });

  it('the CSV import preview is accessible, rows refused included', async () => {
    const page = await t.newPage({ as: 'gestionnaire@demo.test' });
    await page.goto(t.url('/students/import'));
    const csv = [
      'numero_etudiant;nom;prenom;email;code_filiere;code_annee',
      '23000001;Martin;Julie;julie.martin@etu.univ-demo.test;INFO;L3',
      '21900123;Dubois;Léa;etudiant@demo.test;INFO;L3',
      '23000002;Petit;Luc;pas-un-courriel;INFO;L3',
    ].join('\n');
    await page.locator('#f-file').setInputFiles({ name: 'etudiants.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await Promise.all([page.waitForURL(/\/students\/import\/preview/), page.getByRole('button', { name: fr('students.import.submit') }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    expect(await page.locator('main').textContent()).toContain('pas-un-courriel');
    await expectAccessible(page, '/students/import/preview');
  });

  it('the student’s own profile is accessible', async () => {
    const page = await t.newPage({ as: 'etudiant@demo.test' });
    const res = await page.goto(t.url('/profile'));
    expect(res?.status()).toBe(200);
    await expectAccessible(page, '/profile');
  });

  it('self-registration is accessible, empty and with its error summary', async () => {
    const page = await t.newPage();
    await page.goto(t.url('/register/student'));
    await expectAccessible(page, '/register/student');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      page.getByRole('button', { name: fr('students.register.submit') }).click(),
    ]);
    expect(answer.status()).toBe(422);
    await page.waitForLoadState('load');
    expect(await page.locator('.error-summary').count()).toBe(1);
    await expectAccessible(page, '/register/student (422)');
  });
});
