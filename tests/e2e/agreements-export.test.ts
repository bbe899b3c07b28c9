import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { makeDemoAgreement } from '../factories/agreements.js';
import { checkAtBothWidths, describeBrowser, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

// Exporting agreements through the pages: the search's links, the column chooser (choice, order,
// a refused position, a preset), the download itself; axe at desktop and phone widths.
describeBrowser('end-to-end: exporting agreements', () => {
  const t = useBrowserApp();

  it('downloads the results with the chosen columns, from the search page and the chooser', async () => {
    const { a, student } = await makeDemoAgreement(t.db, { subject: 'Export des conventions' });
    const staff = await t.newPage({ as: 'gestionnaire@demo.test' });
    staff.setDefaultTimeout(60_000);
    const query = `lastName=${encodeURIComponent(student.user.lastName.slice(0, 3))}`;
    await staff.goto(t.url(`/agreements/search?${query}`));
    expect(await staff.getByRole('link', { name: fr('exports.page.csv') }).getAttribute('href')).toBe(`/agreements/export.csv?${query}`);
    await checkAtBothWidths(staff, 'agreement search with export links');

    // The download from the search page: the file named by the day, the agreement in it.
    const [file] = await Promise.all([staff.waitForEvent('download'), staff.getByRole('link', { name: fr('exports.page.csv') }).click()]);
    expect(file.suggestedFilename()).toMatch(/^conventions-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(readFileSync((await file.path())!, 'utf8')).toContain(a.number);

    await Promise.all([staff.waitForURL((u) => u.pathname === '/agreements/export'), staff.getByRole('link', { name: fr('exports.page.chooseLink') }).click()]);
    await checkAtBothWidths(staff, 'agreement export chooser');

    // A position that is no number: refused beside its field, the page checked again.
    await staff.getByLabel(fr('exports.columns.host.name'), { exact: true }).check();
    await staff.getByLabel(fr('exports.page.positionOf', { label: fr('exports.columns.host.name') })).fill('premier');
    await Promise.all([staff.waitForURL((u) => u.pathname === '/agreements/export/columns'), staff.getByRole('button', { name: fr('exports.page.save') }).click()]);
    await staff.waitForLoadState('load');
    expect(await staff.locator('.error-summary').textContent()).toContain(fr('exports.errors.position'));
    await checkAtBothWidths(staff, 'agreement export chooser with an error');

    // Host first, then the number; kept as a preset; the criteria stay in the address.
    await staff.getByLabel(fr('exports.page.positionOf', { label: fr('exports.columns.host.name') })).fill('1');
    await staff.getByLabel(fr('exports.page.positionOf', { label: fr('exports.columns.agreement.number') })).fill('2');
    await staff.getByLabel(fr('exports.page.presetNameLabel')).fill('Accueils');
    await Promise.all([staff.waitForURL((u) => u.pathname === '/agreements/export' && u.search === `?${query}`), staff.getByRole('button', { name: fr('exports.page.savePreset') }).click()]);
    expect(await staff.getByRole('button', { name: fr('exports.page.deleteNamed', { name: 'Accueils' }) }).count()).toBe(1);
    const current = await staff.locator('section[aria-labelledby="export-download"] ol li').allTextContents();
    expect(current.slice(0, 2)).toEqual([fr('exports.columns.host.name'), fr('exports.columns.agreement.number')]);
    await checkAtBothWidths(staff, 'agreement export chooser with a preset');
  }, 300_000);
});
