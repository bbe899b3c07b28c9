import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../prisma/seed-data.js';
import { DASHBOARDS } from '../../src/http/nav.js';
import { translate } from '../../src/i18n/index.js';
import { describeBrowser, expectAccessible, field, screenshot, signIn, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string) => translate('fr', key);
const en = (key: string) => translate('en', key);

/** Where each demo account lands after signing in. */
const LANDING: Record<(typeof DEMO_ACCOUNTS)[number]['email'], string> = {
  'admin@demo.test': '/dashboard/admin',
  'gestionnaire@demo.test': '/dashboard/centre',
  'resp.centre@demo.test': '/dashboard/centre',
  'resp.filiere@demo.test': '/dashboard/programme-manager',
  'resp.annee@demo.test': '/dashboard/year-manager',
  'enseignant@demo.test': '/dashboard/academic-tutor',
  'entreprise@demo.test': '/dashboard/company',
  'tuteur@demo.test': '/dashboard/contact',
  'etudiant@demo.test': '/dashboard/student',
};

const pathOf = (page: Page) => new URL(page.url()).pathname;
const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

async function submitLogin(page: Page) {
  await page.getByRole('button', { name: fr('auth.login.submit') }).click();
  await page.locator('.error-summary').waitFor();
}

describeBrowser('end-to-end: sign-in, dashboards and account pages', () => {
  const t = useBrowserApp();

  it.each(DEMO_ACCOUNTS.map((a) => ({ ...a, landing: LANDING[a.email] })))('$email ($role) lands on $landing', async ({ email, landing }) => {
    const dashboard = DASHBOARDS.find((d) => d.path === landing);
    expect(dashboard, `${landing} is one of DASHBOARDS`).toBeDefined();

    const page = await t.newPage();
    await signIn(page, t.baseUrl, email);
    expect(pathOf(page)).toBe(landing);
    expect((await h1(page).textContent())?.trim()).toBe(fr(dashboard!.labelKey));

    const nav = page.getByRole('navigation', { name: fr('nav.label') });
    expect(await nav.isVisible()).toBe(true);
    const current = nav.locator('a[aria-current="page"]');
    expect(await current.getAttribute('href')).toBe(landing);
    expect(await nav.getByRole('link', { name: fr('nav.account') }).isVisible()).toBe(true);

    if (email === 'admin@demo.test') await screenshot(page, 'dashboard-admin');
    await expectAccessible(page, `${landing} (${email})`);
  });

  it.each(DEMO_ACCOUNTS.map((a) => ({ ...a, landing: LANDING[a.email] })))('$email: the dashboard at phone width (390 px) is accessible and does not overflow', async ({ email, landing }) => {
    const page = await t.newPage({ as: email, viewport: { width: 390, height: 844 } });
    await page.goto(t.url(landing));
    expect(pathOf(page)).toBe(landing);
    // What waits comes first, before any counter.
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toBe(fr('dashboard.awaiting.title'));
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    if (email === 'entreprise@demo.test') await screenshot(page, 'dashboard-company-390');
    await expectAccessible(page, `${landing} (${email}, 390 px)`);
  });

  it.each([1280, 390])('the year manager reaches their students from a counter, accessible at %i px', async (width) => {
    const page = await t.newPage({ as: 'resp.annee@demo.test', viewport: { width, height: 900 } });
    await page.goto(t.url('/dashboard/year-manager'));
    const counter = page.locator('[data-counter="allStudents"] a');
    await Promise.all([page.waitForURL('**/dashboard/students?**'), counter.click()]);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(fr('dashboard.students.title'));
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await screenshot(page, `dashboard-students-${width}`);
    await expectAccessible(page, `/dashboard/students (${width} px)`);
  });

  it.each([
    { email: 'entreprise@demo.test', landing: '/dashboard/company', counter: 'inProgress', width: 1280 },
    { email: 'entreprise@demo.test', landing: '/dashboard/company', counter: 'expiring', width: 390 },
    { email: 'gestionnaire@demo.test', landing: '/dashboard/centre', counter: 'acceptedThisYear', width: 1280 },
    { email: 'gestionnaire@demo.test', landing: '/dashboard/centre', counter: 'acceptedThisYear', width: 390 },
    { email: 'etudiant@demo.test', landing: '/dashboard/student', counter: 'openRequests', width: 390 },
  ])('$email: the counter $counter leads to its filtered list, accessible at $width px', async ({ email, landing, counter, width }) => {
    const page = await t.newPage({ as: email, viewport: { width, height: 900 } });
    await page.goto(t.url(landing));
    const link = page.locator(`[data-counter="${counter}"] a`);
    const href = (await link.getAttribute('href'))!;
    const [answer] = await Promise.all([page.waitForResponse((r) => r.request().isNavigationRequest() && r.url().endsWith(href)), link.click()]);
    expect(answer.status(), href).toBe(200);
    await page.waitForLoadState('load');
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    await expectAccessible(page, `${href} (${width} px)`);
  });

  it('the login page is accessible, empty and with the error summary of an empty submit', async () => {
    const page = await t.newPage();
    const res = await page.goto(t.url('/login'));
    expect(res?.status()).toBe(200);
    expect((await h1(page).textContent())?.trim()).toBe(fr('auth.login.title'));
    await screenshot(page, 'login');
    await expectAccessible(page, '/login (empty)');

    await submitLogin(page);
    expect(pathOf(page)).toBe('/login');
    const summary = page.locator('.error-summary');
    expect(await summary.getByRole('heading').textContent()).toContain(fr('errors.summaryTitle'));
    // The summary links to the fields in error, and gets the focus (public/js/app.js).
    expect(await summary.locator('a[href="#f-email"]').count()).toBe(1);
    expect(await page.locator('.error-summary:focus').count()).toBe(1);
    expect(await field(page, fr('auth.login.email')).getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'login-errors');
    await expectAccessible(page, '/login (empty submit)');
  });

  it('a wrong password shows the error message and stays on /login', async () => {
    const page = await t.newPage();
    await page.goto(t.url('/login'));
    await field(page, fr('auth.login.email')).fill('admin@demo.test');
    await field(page, fr('auth.login.password')).fill('not-the-password');
    await submitLogin(page);
    expect(pathOf(page)).toBe('/login');
    expect(await page.locator('.error-summary').textContent()).toContain(fr('auth.login.invalid'));
    // The e-mail is kept, the password is not.
    expect(await field(page, fr('auth.login.email')).inputValue()).toBe('admin@demo.test');
    expect(await field(page, fr('auth.login.password')).inputValue()).toBe('');
    await expectAccessible(page, '/login (wrong password)');
  });

  it('the forgot-password page is accessible', async () => {
    const page = await t.newPage();
    await page.goto(t.url('/login'));
    await Promise.all([page.waitForURL('**/password/forgot'), page.getByRole('link', { name: fr('auth.login.forgot') }).click()]);
    expect((await h1(page).textContent())?.trim()).toBe(fr('auth.forgot.title'));
    await expectAccessible(page, '/password/forgot');

    await page.getByRole('button', { name: fr('auth.forgot.submit') }).click();
    await page.locator('.error-summary').waitFor();
    await expectAccessible(page, '/password/forgot (empty submit)');
  });

  it('the account and change-password pages are accessible', async () => {
    const page = await t.newPage({ as: 'etudiant@demo.test' });
    await page.goto(t.url('/account'));
    expect((await h1(page).textContent())?.trim()).toBe(fr('auth.account.title'));
    expect(await page.locator('nav a[aria-current="page"]').getAttribute('href')).toBe('/account');
    await expectAccessible(page, '/account');

    await Promise.all([page.waitForURL('**/account/password'), page.getByRole('link', { name: fr('auth.change.title') }).click()]);
    expect((await h1(page).textContent())?.trim()).toBe(fr('auth.change.title'));
    await expectAccessible(page, '/account/password');

    await page.getByRole('button', { name: fr('auth.change.submit') }).click();
    await page.locator('.error-summary').waitFor();
    expect(await field(page, fr('auth.password.current')).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, '/account/password (empty submit)');
  });

  it('signing out from the header returns to /login and ends the session', async () => {
    const page = await t.newPage();
    await signIn(page, t.baseUrl, 'gestionnaire@demo.test');
    expect(pathOf(page)).toBe('/dashboard/centre');
    await Promise.all([page.waitForURL('**/login'), page.getByRole('banner').getByRole('button', { name: fr('auth.logout') }).click()]);
    expect(pathOf(page)).toBe('/login');
    expect((await h1(page).textContent())?.trim()).toBe(fr('auth.login.title'));
    expect(await page.getByRole('navigation', { name: fr('nav.label') }).count()).toBe(0);

    // The dashboard is no longer reachable.
    await page.goto(t.url('/dashboard/centre'));
    expect(pathOf(page)).not.toBe('/dashboard/centre');
  });

  it('the language switch turns the login page to English and back', async () => {
    const page = await t.newPage();
    await page.goto(t.url('/login'));
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');

    await page.getByRole('button', { name: 'English' }).click();
    await h1(page).filter({ hasText: en('auth.login.title') }).waitFor();
    expect(pathOf(page)).toBe('/login');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect((await h1(page).textContent())?.trim()).toBe('Sign in');
    expect(await field(page, en('auth.login.email')).isVisible()).toBe(true);
    await expectAccessible(page, '/login (English)');

    await page.getByRole('button', { name: 'Français' }).click();
    await h1(page).filter({ hasText: fr('auth.login.title') }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(pathOf(page)).toBe('/login');
  });
});
