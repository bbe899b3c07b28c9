import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { describeBrowser, expectAccessible, screenshot, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string) => translate('fr', key);

/** Reference-data and centre pages a platform administrator uses (demo data: centre 1 = the BAIP). */
const PAGES = [
  '/admin/institutions',
  '/admin/institutions/new',
  '/admin/institutions/1',
  '/admin/academic-years',
  '/admin/centres',
  '/admin/centres/new',
  '/centres',
  '/centres/1',
  '/centres/1/edit',
  '/centres/1/staff',
  '/centres/1/logo',
  '/dev/mailbox',
];

describeBrowser('end-to-end: administration pages are accessible', () => {
  const t = useBrowserApp();

  it.each(PAGES)('%s answers 200 with no axe violation', async (path) => {
    const page = await t.newPage({ as: 'admin@demo.test' });
    const res = await page.goto(t.url(path));
    expect(res?.status(), `GET ${path}`).toBe(200);
    expect(new URL(page.url()).pathname, 'no redirect').toBe(path);
    expect(await page.getByRole('heading', { level: 1 }).count(), 'one h1').toBe(1);
    await screenshot(page, `page${path.replace(/\//g, '_')}`);
    await expectAccessible(page, path);
  });

  it.each([
    { width: 1280, height: 900 },
    { width: 390, height: 844 },
  ])('the user list, searched and with a deactivation confirmation open, has no axe violation at $width px', async (viewport) => {
    const page = await t.newPage({ as: 'admin@demo.test', viewport });
    const res = await page.goto(t.url('/admin/users'));
    expect(res?.status()).toBe(200);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(fr('users.title'));
    await expectAccessible(page, `/admin/users (${viewport.width} px)`);
    await page.getByLabel(fr('users.search.q')).fill('etudiant');
    await Promise.all([page.waitForURL('**/admin/users?q=etudiant'), page.getByRole('button', { name: fr('common.search') }).click()]);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    await rows.first().locator('summary').click();
    expect(await rows.first().getByRole('button', { name: new RegExp(fr('users.confirm.deactivateSubmit')) }).isVisible()).toBe(true);
    // A wide table scrolls inside its own box, never the page.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, `page_admin_users-${viewport.width}`);
    await expectAccessible(page, `/admin/users?q=etudiant (${viewport.width} px)`);
  });

  it('an empty /admin/institutions/new form answers 422 with an accessible error summary', async () => {
    const page = await t.newPage({ as: 'admin@demo.test' });
    const res = await page.goto(t.url('/admin/institutions/new'));
    expect(res?.status()).toBe(200);

    // The form of the page (the header holds the language and sign-out forms).
    const form = page.locator('main form[method="post" i]').last();
    expect(await form.count(), 'a POST form in <main>').toBe(1);
    expect(await form.getAttribute('novalidate'), 'the form has novalidate (server-side messages, not the browser’s)').not.toBeNull();

    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      form.locator('button[type="submit"], button:not([type]), input[type="submit"]').last().click(),
    ]);
    expect(answer.status()).toBe(422);
    await page.waitForLoadState('load');

    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain(fr('errors.summaryTitle'));
    // Each entry links to its field, which is marked invalid.
    const links = summary.locator('a[href^="#f-"]');
    expect(await links.count()).toBeGreaterThan(0);
    for (const href of await links.evaluateAll((as) => as.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href')))) {
      const target = page.locator(href);
      expect(await target.count(), `${href} exists`).toBe(1);
      expect(await target.getAttribute('aria-invalid'), `${href} is aria-invalid`).toBe('true');
    }
    await screenshot(page, 'page_admin_institutions_new-errors');
    await expectAccessible(page, '/admin/institutions/new (empty submit, 422)');
  });
});
