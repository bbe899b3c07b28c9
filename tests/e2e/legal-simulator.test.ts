import type { Page } from 'playwright-core';
import { beforeEach, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { seedLegalParameters } from '../factories/legal-db.js';
import { describeBrowser, expectAccessible, field, screenshot, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

const noSidewaysScroll = (page: Page) => page.evaluate('document.documentElement.scrollWidth <= window.innerWidth');

/** Fills the simulator's form for the example (the hours are prefilled: 7 h Monday to Friday). */
async function fillExample(page: Page) {
  await field(page, fr('legal.simulator.fields.start')).fill('2026-02-02');
  await field(page, fr('legal.simulator.fields.end')).fill('2026-07-31');
  await field(page, fr('legal.simulator.fields.signedOn')).fill('2026-01-15');
}

async function submit(page: Page) {
  await Promise.all([page.waitForURL((u) => u.pathname === '/tools/stipend' && u.search !== ''), page.getByRole('button', { name: fr('legal.simulator.submit') }).click()]);
}

describeBrowser('end-to-end: the stipend simulator and the legal parameters', () => {
  const t = useBrowserApp();
  // The demo data holds no parameter rows (the tests empty every table): the migration's are written once.
  beforeEach(async () => {
    if (!(await t.db.legalParameter.count())) await seedLegalParameters(t.db);
  });

  it.each(WIDTHS)('computes the example from the form, the result focused, accessible ($name)', async ({ name, viewport }) => {
    const page = await t.newPage({ viewport });
    await page.goto(t.url('/'));
    // Reached from the home page's public tools, without signing in.
    await Promise.all([page.waitForURL((u) => u.pathname === '/tools/stipend'), page.getByRole('link', { name: fr('legal.tool.title') }).click()]);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(fr('legal.simulator.title'));
    expect(await field(page, fr('legal.weekdays.mon')).inputValue()).toBe('7');
    expect(await field(page, fr('legal.weekdays.sat')).inputValue()).toBe('0');
    await expectAccessible(page, `/tools/stipend form (${name})`);
    await fillExample(page);
    await submit(page);
    expect(await page.locator('#result:focus').count()).toBe(1);
    expect((await page.locator('[data-result="duration"]').textContent())?.trim()).toBe('5 mois et 14 jours (868 heures)');
    expect(await page.locator('[data-result="table-total"]').textContent()).toMatch(/3\s906,00\s€/);
    expect(await page.locator('tr[data-month="2026-02"] td').last().textContent()).toMatch(/630,00\s€/);
    expect(await page.locator('[data-check="leave_required"]').isVisible()).toBe(true);
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, `simulator-result-${name}`);
    await expectAccessible(page, `/tools/stipend result (${name})`);
  });

  it.each(WIDTHS)('names each error beside its field and in a focused summary, accessible ($name)', async ({ name, viewport }) => {
    const page = await t.newPage({ viewport });
    await page.goto(t.url('/tools/stipend'));
    await field(page, fr('legal.simulator.fields.start')).fill('2026-07-31');
    await field(page, fr('legal.simulator.fields.end')).fill('2026-02-02');
    await field(page, fr('legal.weekdays.wed')).fill('30');
    await submit(page);
    const summary = page.locator('.error-summary');
    expect(await page.locator('.error-summary:focus').count()).toBe(1);
    expect(await summary.getByRole('link').allTextContents()).toEqual([
      `${fr('legal.simulator.fields.end')} : ${fr('legal.simulator.errors.endBeforeStart')}`,
      `${fr('legal.weekdays.wed')} : ${fr('legal.simulator.errors.hours')}`,
    ]);
    // The link leads to the field, which says what is wrong.
    await summary.getByRole('link').first().click();
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('f-end');
    expect(await field(page, fr('legal.simulator.fields.end')).getAttribute('aria-invalid')).toBe('true');
    expect(await field(page, fr('legal.weekdays.wed')).inputValue()).toBe('30');
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, `simulator-errors-${name}`);
    await expectAccessible(page, `/tools/stipend errors (${name})`);
  });

  it('adds and removes interruption rows with the keyboard, labels renumbered, and they count; the countries follow each other', async () => {
    const page = await t.newPage();
    await page.goto(t.url('/tools/stipend'));
    const from = (n: number) => field(page, fr('legal.simulator.fields.pauseFrom', { n }));
    expect(await page.locator('[data-pause-row]').count()).toBe(3);
    await page.getByRole('button', { name: fr('legal.simulator.addPause') }).press('Enter');
    expect(await page.locator('[data-pause-row]').count()).toBe(4);
    // The new row's first field has the focus.
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('f-pauseFrom.3');
    await page.getByRole('button', { name: fr('legal.simulator.removePause', { n: 2 }) }).click();
    expect(await page.locator('[data-pause-row]').count()).toBe(3);
    expect(await from(3).count()).toBe(1);
    expect(await from(4).count()).toBe(0);
    await expectAccessible(page, '/tools/stipend rows');
    // The internship's country follows the host's until another is chosen.
    await field(page, fr('legal.simulator.fields.country')).selectOption('BE');
    expect(await field(page, fr('legal.simulator.fields.holidays')).inputValue()).toBe('BE');
    await field(page, fr('legal.simulator.fields.holidays')).selectOption('DE');
    await field(page, fr('legal.simulator.fields.country')).selectOption('FR');
    expect(await field(page, fr('legal.simulator.fields.holidays')).inputValue()).toBe('DE');
    await field(page, fr('legal.simulator.fields.holidays')).selectOption('FR');
    // A week off in March (2–6): 35 hours fewer than the example.
    await fillExample(page);
    await from(1).fill('2026-03-02');
    await field(page, fr('legal.simulator.fields.pauseTo', { n: 1 })).fill('2026-03-06');
    await submit(page);
    expect((await page.locator('[data-result="duration"]').textContent())?.trim()).toBe('5 mois et 9 jours (833 heures)');
  });

  it('works without JavaScript: a GET form with empty interruption rows', async () => {
    const page = await t.newPage({ javaScriptEnabled: false });
    await page.goto(t.url('/tools/stipend'));
    expect(await page.getByRole('button', { name: fr('legal.simulator.addPause') }).count()).toBe(0);
    await fillExample(page);
    await field(page, fr('legal.simulator.fields.pauseFrom', { n: 2 })).fill('2026-03-02');
    await field(page, fr('legal.simulator.fields.pauseTo', { n: 2 })).fill('2026-03-06');
    await submit(page);
    expect((await page.locator('[data-result="duration"]').textContent())?.trim()).toBe('5 mois et 9 jours (833 heures)');
    expect(new URL(page.url()).searchParams.getAll('pauseFrom')).toContain('2026-03-02');
  });

  it.each(WIDTHS)("shows the administrator's parameter table and its form, accessible ($name)", async ({ name, viewport }) => {
    const page = await t.newPage({ as: 'admin@demo.test', viewport });
    await page.goto(t.url('/admin/legal-parameters'));
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(fr('legal.parameters.title'));
    expect(await page.getByRole('heading', { level: 2, name: 'France (FR)' }).isVisible()).toBe(true);
    expect(await noSidewaysScroll(page)).toBe(true);
    await screenshot(page, `legal-parameters-${name}`);
    await expectAccessible(page, `/admin/legal-parameters (${name})`);
    // A refused figure: the form again, accessible, its summary focused.
    await page.goto(t.url('/admin/legal-parameters/new?country=FR&key=stipend.hourly_minimum'));
    await field(page, fr('legal.parameters.fields.value')).fill('-3');
    await field(page, fr('legal.parameters.fields.validFrom')).fill('2030-01-01');
    // The next page's load event (waitForLoadState would answer at once for the page already loaded).
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: fr('legal.parameters.addSubmit') }).click()]);
    await page.locator('.error-summary').waitFor();
    expect(await page.locator('.error-summary:focus').count()).toBe(1);
    expect(await noSidewaysScroll(page)).toBe(true);
    await expectAccessible(page, `/admin/legal-parameters/new errors (${name})`);
  });
});
