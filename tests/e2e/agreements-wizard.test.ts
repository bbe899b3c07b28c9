import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { seedLegalParameters } from '../factories/legal-db.js';
import { checkAtBothWidths, describeBrowser, field, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);
const w = (key: string) => fr(`agreementWizard.${key}`);

async function clickButton(page: Page, name: string, next: RegExp) {
  await Promise.all([page.waitForURL((u) => next.test(u.pathname + u.search)), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

const checkPage = checkAtBothWidths;

// WRITE staff create an agreement for the demo student through the eight screens, each screen
// checked with axe at desktop and phone widths, a refusal and the legal check on the way.
describeBrowser('end-to-end: creating an agreement in eight steps', () => {
  const t = useBrowserApp();
  beforeEach(async () => {
    if (!(await t.db.legalParameter.count())) await seedLegalParameters(t.db);
  });

  it('WRITE staff go from the student to "Créer", and land on the agreement with its number', async () => {
    const page = await t.newPage({ as: 'gestionnaire@demo.test' });
    page.setDefaultTimeout(60_000);
    await page.goto(t.url('/agreements/new'));
    expect(new URL(page.url()).pathname).toBe('/agreements/new/student');

    // 1: refused without a student, then searched by number and chosen.
    await clickButton(page, w('continue'), /^\/agreements\/new\/student$/);
    expect(await page.locator('.error-summary:focus').count()).toBe(1);
    await checkPage(page, 'agreement wizard student refused');
    await field(page, w('student.search')).fill('21900123');
    await clickButton(page, w('search'), /^\/agreements\/new\/student\?q=/);
    await page.locator('input[name="studentId"]').first().check();
    await field(page, w('student.insurance')).selectOption('GENERAL');
    await field(page, w('student.healthFund')).fill('CPAM du Puy-de-Dôme');
    await checkPage(page, 'agreement wizard student');
    await clickButton(page, w('continue'), /^\/agreements\/new\/host$/);

    // 2: the new-host form (the directory's), checked, left; then the host searched by name.
    await page.getByRole('link', { name: w('host.create') }).click();
    await page.waitForURL((u) => u.pathname === '/agreements/new/host/create');
    await checkPage(page, 'agreement wizard new host');
    await page.goto(t.url('/agreements/new/host'));
    // 2: the host searched by name.
    await field(page, w('host.name')).fill('Auvergne Logiciels');
    await clickButton(page, w('search'), /^\/agreements\/new\/host\?/);
    await page.locator('input[name="organisationId"]').first().check();
    await checkPage(page, 'agreement wizard host');
    await clickButton(page, w('continue'), /^\/agreements\/new\/place$/);

    // 3: no service; 4: a new company tutor.
    await page.getByLabel(w('place.none'), { exact: true }).check();
    await checkPage(page, 'agreement wizard place');
    await clickButton(page, w('continue'), /^\/agreements\/new\/company-tutor$/);
    await page.getByLabel(w('person.new'), { exact: true }).check();
    await field(page, w('person.firstName')).fill('Claire');
    await field(page, w('person.lastName')).fill('Martin');
    await field(page, w('person.function')).fill('Cheffe de projet');
    await checkPage(page, 'agreement wizard company tutor');
    await clickButton(page, w('continue'), /^\/agreements\/new\/internship$/);

    // 5: the internship, checked by the legal engine before going on.
    await field(page, w('internship.type')).selectOption('MANDATORY');
    await field(page, w('internship.subject')).fill('Application de gestion');
    await field(page, w('internship.activities')).fill('Développer des écrans de gestion.');
    await field(page, w('internship.startDate')).fill('2027-03-01');
    await field(page, w('internship.endDate')).fill('2027-05-28');
    await field(page, w('internship.payAmount')).fill('4,50');
    await field(page, w('internship.payUnit')).selectOption('HOUR');
    await clickButton(page, w('internship.check'), /^\/agreements\/new\/internship$/);
    expect(await page.locator('[data-check="leave_required"]').count()).toBe(1);
    await checkPage(page, 'agreement wizard internship checked');
    await clickButton(page, w('continue'), /^\/agreements\/new\/internship$/);
    expect(await page.locator('#f-leaveTerms-error').textContent()).toContain(w('errors.leaveRequired'));
    await field(page, w('internship.leaveTerms')).fill('2 jours par mois');
    await clickButton(page, w('continue'), /^\/agreements\/new\/academic-tutor$/);

    // 6: a teacher; 7: a new signatory; going back keeps the choice.
    await page.locator('input[name="choice"]').first().check();
    await checkPage(page, 'agreement wizard academic tutor');
    await clickButton(page, w('continue'), /^\/agreements\/new\/signatory$/);
    await page.goto(t.url('/agreements/new/internship'));
    expect(await field(page, w('internship.subject')).inputValue()).toBe('Application de gestion');
    await page.goto(t.url('/agreements/new/signatory'));
    await page.getByLabel(w('person.new'), { exact: true }).check();
    await field(page, w('person.firstName')).fill('Paul');
    await field(page, w('person.lastName')).fill('Durand');
    await field(page, w('person.function')).fill('Gérant');
    await checkPage(page, 'agreement wizard signatory');
    await clickButton(page, w('continue'), /^\/agreements\/new\/summary$/);

    // 8: the summary, then "Créer".
    expect(await page.locator('[data-summary="internship"]').textContent()).toContain('Application de gestion');
    await checkPage(page, 'agreement wizard summary');
    await clickButton(page, w('summary.create'), /^\/agreements\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split('/')[2]);
    const a = await t.db.agreement.findUniqueOrThrow({ where: { id }, include: { signatory: true, companyTutor: true } });
    expect(a).toMatchObject({ status: 'DRAFT', subject: 'Application de gestion', academicYear: '2026-2027' });
    expect(a.signatory?.lastName).toBe('Durand');
    expect(await page.getByText(`2026-${String(a.seq).padStart(5, '0')}`).first().isVisible()).toBe(true);
  }, 300_000);
});
