import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { seedLegalParameters } from '../factories/legal-db.js';
import { checkAtBothWidths, describeBrowser, field, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

/** A long walk on a shared two-core machine: waits of a minute rather than 30 s. */
function patient(page: Page): Page {
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(60_000);
  return page;
}

async function clickButton(page: Page, name: string, next: RegExp) {
  await Promise.all([page.waitForURL((u) => next.test(u.pathname)), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

/** Fills a field by its label (the sheet's labels: sheets.fields.<name>). */
const fill = (page: Page, name: string, value: string) => field(page, fr(`sheets.fields.${name}`)).fill(value);

const checkPage = checkAtBothWidths;

// A student's sheet is sent, returned, corrected and validated, each step by the person who takes
// it, through the pages (labels and buttons), each page checked with axe at desktop and phone widths.
// The steps share the sheet: they run in order.
describeBrowser('end-to-end: an internship sheet from the accepted application to its validation', () => {
  const t = useBrowserApp();
  let sheetId = 0;
  beforeEach(async () => {
    if (!(await t.db.legalParameter.count())) await seedLegalParameters(t.db);
  }, 180_000);

  it('the student opens "Remplir ma fiche de stage" on the accepted application, fills the sheet and sends it', async () => {
    // The demo application, answered "Satisfaite" by the company.
    const application = await t.db.application.findFirstOrThrow({ where: { student: { user: { email: 'etudiant@demo.test' } } } });
    await t.db.application.update({ where: { id: application.id }, data: { status: 'ACCEPTED' } });
    const page = patient(await t.newPage({ as: 'etudiant@demo.test' }));

    await page.goto(t.url(`/applications/${application.id}`));
    await clickButton(page, fr('sheets.fill'), /^\/sheets\/\d+\/edit$/);
    sheetId = Number(new URL(page.url()).pathname.split('/')[2]);
    expect(await page.getByText('Auvergne Logiciels SAS', { exact: false }).first().isVisible()).toBe(true);
    await checkPage(page, 'sheet form');

    // A sending with fields missing: refused, each field says so, the summary first.
    await clickButton(page, fr('sheets.form.send'), /^\/sheets\/\d+\/edit$/);
    expect(await page.locator('.error-summary:focus').count()).toBe(1);
    expect(await page.locator('#f-tutorLastName-error').textContent()).toContain(fr('sheets.errors.requiredToSend'));
    await checkPage(page, 'sheet form refused');

    await page.getByLabel(fr('sheets.orgType.COMPANY'), { exact: true }).check();
    await fill(page, 'serviceName', 'Développement');
    for (const [name, value] of [['FirstName', 'Claire'], ['LastName', 'Martin'], ['Function', 'Cheffe de projet'], ['Email', 'claire.martin@auvergne-logiciels.test']]) await fill(page, `tutor${name}`, value);
    for (const [name, value] of [['FirstName', 'Paul'], ['LastName', 'Durand'], ['Function', 'Gérant']]) await fill(page, `signatory${name}`, value);
    await fill(page, 'subject', 'Application de gestion');
    await fill(page, 'activities', 'Développer des écrans de gestion.');
    await fill(page, 'startDate', '2027-04-05');
    await fill(page, 'endDate', '2027-06-30');
    await fill(page, 'payAmount', '4,50');
    await page.getByLabel('par heure', { exact: true }).check();
    await field(page, fr('sheets.fields.insurance')).selectOption('GENERAL');
    await fill(page, 'healthFund', 'CPAM du Puy-de-Dôme');
    await fill(page, 'addressLine1', '3 rue des Gras');
    await fill(page, 'postalCode', '63000');
    await fill(page, 'city', 'Clermont-Ferrand');
    await field(page, fr('sheets.fields.country')).selectOption('FR');
    await fill(page, 'phone', '06 12 34 56 78');
    await clickButton(page, fr('sheets.form.send'), /^\/sheets\/\d+$/);
    expect(await page.locator('[data-status="SUBMITTED"]').first().textContent()).toBe(fr('sheets.status.SUBMITTED'));
    await checkPage(page, 'sheet sent');

    await page.goto(t.url('/sheets'));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(fr('sheets.own.title'));
    await checkPage(page, 'sheet list');
  }, 180_000);

  it('the year manager finds it in their list and returns it with a comment', async () => {
    const page = patient(await t.newPage({ as: 'resp.annee@demo.test' }));
    await page.goto(t.url('/sheets/review'));
    await checkPage(page, 'sheets to validate');
    await Promise.all([page.waitForURL((u) => u.pathname === `/sheets/${sheetId}`), page.getByRole('link', { name: /Dubois/ }).first().click()]);
    await checkPage(page, 'sheet for the manager');
    await field(page, fr('sheets.fields.comment')).fill('Précisez le sujet du stage.');
    await clickButton(page, fr('sheets.action.return'), /^\/sheets\/\d+$/);
    expect(await page.locator('[data-status="RETURNED"]').first().isVisible()).toBe(true);
  }, 180_000);

  it('the student reads the comment, corrects the subject and sends the sheet again', async () => {
    const page = patient(await t.newPage({ as: 'etudiant@demo.test' }));
    await page.goto(t.url(`/sheets/${sheetId}/edit`));
    expect(await page.getByText('Précisez le sujet du stage.').isVisible()).toBe(true);
    await checkPage(page, 'returned sheet form');
    await fill(page, 'subject', 'Application de gestion des subventions');
    await clickButton(page, fr('sheets.form.send'), /^\/sheets\/\d+$/);
    expect(await page.locator('[data-status="SUBMITTED"]').first().isVisible()).toBe(true);
  }, 180_000);

  it('the year manager sees what changed and validates it: the agreement is created', async () => {
    const page = patient(await t.newPage({ as: 'resp.annee@demo.test' }));
    await page.goto(t.url(`/sheets/${sheetId}`));
    const change = page.locator('tr[data-change="subject"]');
    expect(await change.locator('td').allTextContents()).toEqual(['Application de gestion', 'Application de gestion des subventions']);
    await checkPage(page, 'sheet changes');
    await clickButton(page, fr('sheets.action.validate'), /^\/sheets\/\d+$/);
    expect(await page.locator('[data-status="VALIDATED"]').first().isVisible()).toBe(true);
    const agreement = await t.db.agreement.findUniqueOrThrow({ where: { sheetId } });
    expect(agreement.subject).toBe('Application de gestion des subventions');
    await checkPage(page, 'sheet validated');
  }, 180_000);
});
