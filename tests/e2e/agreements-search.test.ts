import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { makeDemoAgreement } from '../factories/agreements.js';
import { checkAtBothWidths, describeBrowser, field, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

async function patient(p: Promise<Page>): Promise<Page> {
  const page = await p;
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(60_000);
  return page;
}

const checkPage = checkAtBothWidths;

// Finding agreements through the pages: the staff's search (simple, then advanced), the centre's
// agreement dashboard and its links, the student's and the company's lists; axe at both widths.
describeBrowser('end-to-end: finding agreements', () => {
  const t = useBrowserApp();

  it('finds the demo student\'s agreement by name and from the dashboard; the student and the company list it', async () => {
    const { a, student } = await makeDemoAgreement(t.db, { subject: 'Recherche de conventions' });

    const staff = await patient(t.newPage({ as: 'gestionnaire@demo.test' }));
    await staff.goto(t.url('/agreements/search'));
    await checkPage(staff, 'agreement search form');
    await field(staff, fr('agreementsSearch.fields.lastName')).fill(student.user.lastName.slice(0, 3).toLowerCase());
    await Promise.all([staff.waitForURL((u) => u.searchParams.has('lastName')), staff.getByRole('button', { name: fr('common.search') }).click()]);
    expect(await staff.getByRole('link', { name: a.number, exact: true }).count()).toBe(1);
    await checkPage(staff, 'agreement search results');
    // The advanced search opens, its criteria kept in the address.
    await staff.goto(t.url(`/agreements/search?organisation=auvergne&type=MANDATORY&validated=no`));
    expect(await staff.locator('details[open] > summary', { hasText: fr('agreementsSearch.search.advanced') }).count()).toBe(1);
    expect(await staff.getByRole('link', { name: a.number, exact: true }).count()).toBe(1);
    await checkPage(staff, 'agreement advanced search');

    await staff.goto(t.url('/agreements/dashboard?academicYear=2026-2027'));
    await checkPage(staff, 'agreement dashboard');
    await Promise.all([staff.waitForURL((u) => u.pathname === '/agreements/search'), staff.locator('[data-counter="DRAFT"] a').click()]);
    expect(await staff.getByRole('link', { name: a.number, exact: true }).count()).toBe(1);

    const studentPage = await patient(t.newPage({ as: 'etudiant@demo.test' }));
    await studentPage.goto(t.url('/agreements/mine'));
    expect(await studentPage.getByRole('link', { name: a.number, exact: true }).count()).toBe(1);
    await checkPage(studentPage, 'student agreements');

    const company = await patient(t.newPage({ as: 'entreprise@demo.test' }));
    await company.goto(t.url('/agreements/interns'));
    expect(await company.getByRole('link', { name: a.number, exact: true }).count()).toBe(1);
    await checkPage(company, 'company interns');
  }, 300_000);
});
