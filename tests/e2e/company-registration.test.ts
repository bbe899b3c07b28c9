import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { TERMS_VERSION } from '../../src/modules/companies/companies.schemas.js';
import { validSiret } from '../factories/companies.js';
import { describeBrowser, expectAccessible, field, screenshot, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);
const pathOf = (page: Page) => new URL(page.url()).pathname;
const h1 = (page: Page) => page.getByRole('heading', { level: 1 });

/** Submits with the button named `name` and waits for the next screen (another path). */
async function click(page: Page, name: string, nextPath: string) {
  await Promise.all([page.waitForURL((u) => u.pathname === nextPath), page.getByRole('button', { name, exact: true }).click()]);
}

/** Submits to the same path and waits for the page that comes back (the error summary, say). */
async function submitAndWait(page: Page, name: string, shows: Locator) {
  await page.getByRole('button', { name, exact: true }).click();
  await shows.waitFor();
  await page.waitForLoadState('load');
}

/** A long walk through many pages on a shared two-core machine: waits of a minute rather than 30 s. */
function patient(page: Page): Page {
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(60_000);
  return page;
}

/** Checks the screen's heading and its "Étape N sur 4", then runs axe. */
async function expectScreen(page: Page, step: number, label: string) {
  expect((await h1(page).textContent())?.trim()).toBe(fr(`companies.register.steps.${step}`));
  expect(await page.getByText(fr('companies.register.stepOf', { step, total: 4 }), { exact: true }).isVisible()).toBe(true);
  const steps = page.getByRole('navigation', { name: fr('companies.register.stepsLabel') });
  expect((await steps.locator('[aria-current="step"]').textContent())?.trim()).toContain(fr(`companies.register.steps.${step}`));
  await expectAccessible(page, label);
}

describeBrowser('end-to-end: company registration and the company area', () => {
  const t = useBrowserApp();

  it('registers a company through the 4 screens, with French labels, each screen accessible', async () => {
    const page = patient(await t.newPage());
    const siret = validSiret();
    await page.goto(t.url('/register/company'));
    await expectScreen(page, 1, 'screen 1 (SIRET search)');

    // Screen 1: search by SIRET; not found, so the creation form.
    await field(page, fr('companies.fields.siret')).fill(siret);
    await click(page, fr('companies.register.lookup.submit'), '/register/company/organisation');
    await expectScreen(page, 1, 'screen 1 (organisation form)');
    expect(await field(page, fr('companies.fields.siret')).inputValue()).toBe(siret);

    // An empty required field: the error summary, focused, and still accessible.
    await submitAndWait(page, fr('companies.register.continue'), page.locator('.error-summary'));
    expect(await page.locator('.error-summary:focus').count()).toBe(1);
    expect(await field(page, fr('companies.fields.legalName')).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'screen 1 (errors)');

    await field(page, fr('companies.fields.legalName')).fill('Puy de Code SAS');
    await field(page, fr('companies.fields.legalStatus')).selectOption('SAS');
    await field(page, fr('companies.fields.structureType')).selectOption('COMPANY');
    await field(page, fr('companies.fields.headcount')).selectOption('FROM_1_TO_9');
    await field(page, fr('companies.fields.nafCode')).fill('62.01Z');
    await field(page, fr('companies.fields.sector')).fill('Édition de logiciels');
    await field(page, fr('companies.fields.addressLine1')).fill('3 place de Jaude');
    await field(page, fr('companies.fields.postalCode')).fill('63000');
    await field(page, fr('companies.fields.city')).fill('Clermont-Ferrand');
    expect(await field(page, fr('companies.fields.country')).inputValue()).toBe('FR');
    await field(page, fr('companies.fields.phone')).fill('04 73 12 34 56');
    await field(page, fr('companies.fields.keywords')).fill('logiciel, web');
    await field(page, fr('companies.fields.centre')).selectOption({ label: 'UFR Sciences et Technologies — Université de Démonstration' });
    await screenshot(page, 'company-register-1');
    await click(page, fr('companies.register.continue'), '/register/company/admin');

    // Screen 2: the administrator.
    await expectScreen(page, 2, 'screen 2 (administrator)');
    await field(page, fr('companies.person.civility')).selectOption('MR');
    await field(page, fr('companies.person.firstName')).fill('Hugo');
    await field(page, fr('companies.person.lastName')).fill('Chabert');
    await field(page, fr('companies.person.function')).fill('Gérant');
    await field(page, fr('companies.person.email')).fill('hugo.chabert@puydecode.example');
    await field(page, fr('companies.person.phone')).fill('06 12 34 56 78');
    await click(page, fr('companies.register.continue'), '/register/company/contacts');

    // Screen 3: one secondary contact added with "Ajouter ce contact", then on to screen 4.
    await expectScreen(page, 3, 'screen 3 (no contact yet)');
    await field(page, fr('companies.person.civility')).selectOption('MRS');
    await field(page, fr('companies.person.firstName')).fill('Inès');
    await field(page, fr('companies.person.lastName')).fill('Vidal');
    await field(page, fr('companies.person.function')).fill('Développeuse principale');
    await field(page, fr('companies.person.email')).fill('ines.vidal@puydecode.example');
    await page.getByRole('group', { name: fr('companies.person.canPublishOffers') }).getByLabel(fr('common.yes'), { exact: true }).check();
    const row = page.getByRole('group', { name: fr('companies.register.contacts.rowLegend', { n: 1, name: 'Inès Vidal' }) });
    await submitAndWait(page, fr('companies.register.contacts.add'), row);
    expect(await row.isVisible()).toBe(true);
    await expectScreen(page, 3, 'screen 3 (one contact)');
    await click(page, fr('companies.register.contacts.next'), '/register/company/terms');

    // Screen 4: terms, summary with its "Modifier" links, acceptance.
    await expectScreen(page, 4, 'screen 4 (terms and summary)');
    expect(await page.getByRole('heading', { name: fr('companies.terms.title') }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: `${fr('companies.register.terms.modify')} ${fr('companies.register.terms.modifyAdmin')}` }).count()).toBe(1);
    expect(await page.getByRole('table', { name: fr('companies.register.terms.contactsCaption') }).getByText('ines.vidal@puydecode.example').isVisible()).toBe(true);
    await screenshot(page, 'company-register-4');
    await submitAndWait(page, fr('companies.register.terms.submit'), page.locator('.error-summary'));
    await expectAccessible(page, 'screen 4 (terms not accepted)');
    await field(page, fr('companies.register.terms.accept')).check();
    await click(page, fr('companies.register.terms.submit'), '/register/company/done');

    expect((await h1(page).textContent())?.trim()).toBe(fr('companies.register.done.title'));
    expect(await page.getByText('hugo.chabert@puydecode.example').isVisible()).toBe(true);
    await expectAccessible(page, 'confirmation');

    const org = await t.db.organisation.findFirstOrThrow({ where: { siret }, include: { members: { include: { user: true } }, centre: true } });
    expect(org).toMatchObject({ legalName: 'Puy de Code SAS', verified: false, termsVersion: TERMS_VERSION });
    expect(org.centre?.name).toBe('UFR Sciences et Technologies');
    expect(org.members.map((m) => [m.user.email, m.role, m.canPublishOffers, m.user.passwordHash]).sort()).toEqual([
      ['hugo.chabert@puydecode.example', 'ADMIN', true, null],
      ['ines.vidal@puydecode.example', 'CONTACT', true, null],
    ]);
    expect(await t.db.outboxEmail.count({ where: { to: { in: ['hugo.chabert@puydecode.example', 'ines.vidal@puydecode.example'] } } })).toBe(2);
  }, 240_000); // seven axe runs and a dozen page loads: generous when CI's two cores are shared

  it('the company page of the demo administrator, its edit page and the new-contact form are accessible', async () => {
    const page = patient(await t.newPage({ as: 'entreprise@demo.test' }));
    await page.goto(t.url('/company'));
    expect(pathOf(page)).toMatch(/^\/company\/\d+$/);
    expect((await h1(page).textContent())?.trim()).toBe('Auvergne Logiciels SAS');
    expect(await page.getByRole('table', { name: fr('companies.area.peopleCaption', { total: 2 }) }).getByText('tuteur@demo.test').isVisible()).toBe(true);
    expect(await page.locator('nav a[aria-current="page"]').getAttribute('href')).toBe('/company');
    await screenshot(page, 'company-area');
    await expectAccessible(page, '/company (entreprise@demo.test)');

    await Promise.all([page.waitForURL(/\/edit$/), page.getByRole('link', { name: fr('companies.area.edit') }).click()]);
    expect(await field(page, fr('companies.fields.legalName')).inputValue()).toBe('Auvergne Logiciels SAS');
    await expectAccessible(page, '/company/:id/edit');

    await page.goto(page.url().replace(/\/edit$/, '/contacts/new'));
    await page.getByRole('button', { name: fr('companies.contacts.submit') }).click();
    await page.locator('.error-summary').waitFor();
    await expectAccessible(page, '/company/:id/contacts/new (errors)');
  }, 120_000);

  it('the demo secondary contact sees their own card, read-only', async () => {
    const page = await t.newPage({ as: 'tuteur@demo.test' });
    await page.goto(t.url('/company'));
    expect(await page.getByRole('heading', { name: fr('companies.area.myCard') }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: fr('companies.area.edit') }).count()).toBe(0);
    expect(await page.getByText('entreprise@demo.test').count()).toBe(0);
    await expectAccessible(page, '/company (tuteur@demo.test)');
  });
});
