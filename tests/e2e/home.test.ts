import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { describeBrowser, expectAccessible, screenshot, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string) => translate('fr', key);
const pathOf = (page: Page) => new URL(page.url()).pathname;

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

describeBrowser('end-to-end: the public home page', () => {
  const t = useBrowserApp();

  it.each(WIDTHS)('shows the platform and its counts to an anonymous visitor, accessible ($name)', async ({ name, viewport }) => {
    const page = await t.newPage({ viewport });
    const res = await page.goto(t.url('/'));
    expect(res?.status()).toBe(200);
    expect(pathOf(page), 'no redirect').toBe('/');
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(fr('home.title'));
    // The demo data has published offers and verified organisations: the counts are not empty.
    const offers = await page.locator('[data-count="offers"] .card-number').textContent();
    expect(Number((offers ?? '').replace(/\D/g, ''))).toBeGreaterThan(0);
    for (const h of ['home.students.title', 'home.companies.title', 'home.schools.title']) {
      expect(await page.getByRole('heading', { level: 3, name: fr(h) }).isVisible(), h).toBe(true);
    }
    // Nothing overflows sideways on a phone.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, `home-${name}`);
    await expectAccessible(page, `/ (${name})`);
  });

  it.each([
    { label: 'home.signIn', path: '/login', h1: 'auth.login.title' },
    { label: 'home.students.register', path: '/register/student', h1: 'students.register.title' },
    { label: 'home.companies.register', path: '/register/company' },
  ])('the link "$label" leads to $path', async ({ label, path, h1 }) => {
    const page = await t.newPage();
    await page.goto(t.url('/'));
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().isNavigationRequest() && new URL(r.url()).pathname === path),
      page.getByRole('link', { name: fr(label) }).first().click(),
    ]);
    expect(answer.status()).toBe(200);
    await page.waitForLoadState('load');
    expect(pathOf(page)).toBe(path);
    if (h1) expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(fr(h1));
  });

  it('sends a signed-in user to their dashboard', async () => {
    const page = await t.newPage({ as: 'etudiant@demo.test' });
    await page.goto(t.url('/'));
    expect(pathOf(page)).toBe('/dashboard/student');
  });
});
