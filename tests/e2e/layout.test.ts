import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { describeBrowser, expectAccessible, screenshot, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string) => translate('fr', key);

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** The search pages (filters beside or above the results) and the main lists, with who sees them (demo data). */
const SEARCH_PAGES: [string, string][] = [
  ['/cvbook', 'entreprise@demo.test'],
  ['/offers', 'etudiant@demo.test'],
  ['/offers/search?diffused=on&country=FR', 'gestionnaire@demo.test'],
  ['/organisations?by=name&name=auvergne', 'gestionnaire@demo.test'],
  ['/students', 'gestionnaire@demo.test'],
];
const LISTS: [string, string][] = [
  ['/offers/search', 'gestionnaire@demo.test'],
  ['/offers/search?diffused=on&country=FR&sort=title&dir=desc', 'gestionnaire@demo.test'],
  ['/organisations', 'gestionnaire@demo.test'],
  ['/students?sort=number&dir=asc', 'gestionnaire@demo.test'],
  ['/applications/school', 'gestionnaire@demo.test'],
  ['/applications/school?sort=student&dir=desc', 'gestionnaire@demo.test'],
  ['/applications/1', 'gestionnaire@demo.test'],
  ['/admin/centres', 'admin@demo.test'],
  ['/admin/centres?sort=institution&dir=desc', 'admin@demo.test'],
  ['/admin/institutions', 'admin@demo.test'],
  ['/requests', 'etudiant@demo.test'],
  ['/applications', 'etudiant@demo.test'],
  ['/offers/manage', 'entreprise@demo.test'],
  ['/offers/manage/1', 'entreprise@demo.test'],
  ['/offers/moderation', 'gestionnaire@demo.test'],
  ['/applications/company', 'entreprise@demo.test'],
  ['/organisations/queue', 'gestionnaire@demo.test'],
];

const name = (path: string, width: number) => `layout${path.replace(/[/?&=%]/g, '_')}-${width}`;

/** The page does not scroll sideways as a whole (its tables scroll inside their own box). */
async function expectNoPageScroll(page: Page, width: number, path: string) {
  const scrollWidth = Number(await page.evaluate('document.documentElement.scrollWidth'));
  // What sticks out, to say why (the outermost elements past the right edge, outside scrolling boxes).
  const culprits = scrollWidth > width ? await page.evaluate(`[...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > ${width} + 1 && !(e.parentElement && e.parentElement.closest('.table-scroll')) && !(e.parentElement && e.parentElement.getBoundingClientRect().right > ${width} + 1))
    .slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '') + ' ' + Math.round(e.getBoundingClientRect().right))`) : [];
  expect(scrollWidth, `${path} at ${width} px scrolls sideways: ${JSON.stringify(culprits)}`).toBeLessThanOrEqual(width);
}

describeBrowser('end-to-end: layout of the search pages and the lists', () => {
  const t = useBrowserApp();

  it('at 1280 px, the CV book’s filters are beside the results, the first results visible without scrolling', async () => {
    const page = await t.newPage({ as: 'entreprise@demo.test', viewport: DESKTOP });
    await page.goto(t.url('/cvbook'));
    const filters = page.locator('.search-filters');
    const results = page.locator('.search-results');
    const f = (await filters.boundingBox())!;
    const r = (await results.boundingBox())!;
    // Side by side: the results start right of the filters, on the same band of the page.
    expect(r.x).toBeGreaterThanOrEqual(f.x + f.width);
    expect(Math.abs(r.y - f.y)).toBeLessThan(20);
    expect(r.y).toBeLessThan(DESKTOP.height / 2);
    // The disclosure's summary is not shown; the facets are, and can be used.
    expect(await page.locator('.filters-disclosure > summary').isVisible()).toBe(false);
    const legend = page.locator('.search-filters legend').first();
    expect(await legend.isVisible()).toBe(true);
    const firstBox = page.locator('.facet-values input').first();
    if (await firstBox.count()) {
      // The label is beside its box, not below it.
      const box = (await firstBox.boundingBox())!;
      const label = (await page.locator('.facet-values label').first().boundingBox())!;
      expect(label.x).toBeGreaterThan(box.x);
      expect(Math.abs(label.y - box.y)).toBeLessThan(box.height);
      expect(await page.evaluate("getComputedStyle(document.querySelector('.facet-values li')).listStyleType")).toBe('none');
      // The boxes are usable by keyboard beside the results.
      await firstBox.focus();
      await page.keyboard.press('Space');
      expect(await firstBox.isChecked()).toBe(true);
    }
    await screenshot(page, name('/cvbook', 1280));
  });

  it('at 1280 px without JavaScript, the filters are still shown beside the results', async () => {
    const page = await t.newPage({ as: 'entreprise@demo.test', viewport: DESKTOP, javaScriptEnabled: false });
    await page.goto(t.url('/cvbook'));
    expect(await page.locator('.filters-disclosure').getAttribute('open')).toBeNull();
    expect(await page.locator('.search-filters legend').first().isVisible()).toBe(true);
    expect(await page.locator('.filters-disclosure > summary').isVisible()).toBe(false);
    const f = (await page.locator('.search-filters').boundingBox())!;
    expect((await page.locator('.search-results').boundingBox())!.x).toBeGreaterThanOrEqual(f.x + f.width);
  });

  it('at 390 px, the CV book’s filters fold into a closed "Filtrer" disclosure above the results', async () => {
    const page = await t.newPage({ as: 'entreprise@demo.test', viewport: PHONE });
    await page.goto(t.url('/cvbook'));
    const summary = page.locator('.filters-disclosure > summary');
    expect(await summary.isVisible()).toBe(true);
    expect((await summary.textContent())?.trim()).toContain(fr('layout.filter'));
    expect(await page.locator('.filters-disclosure').getAttribute('open')).toBeNull();
    expect(await page.locator('.search-filters legend').first().isVisible()).toBe(false);
    const s = (await summary.boundingBox())!;
    const r = (await page.locator('.search-results').boundingBox())!;
    expect(s.y + s.height).toBeLessThanOrEqual(r.y);
    await screenshot(page, name('/cvbook-closed', 390));
    // Opened (keyboard), the filters show above the results.
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('.search-filters legend').first().isVisible()).toBe(true);
    const filters = (await page.locator('.filters-body').boundingBox())!;
    expect(filters.y + filters.height).toBeLessThanOrEqual((await page.locator('.search-results').boundingBox())!.y);
    await screenshot(page, name('/cvbook-open', 390));
  });

  it('on a phone, a search page with no results yet shows its form open', async () => {
    const page = await t.newPage({ as: 'gestionnaire@demo.test', viewport: PHONE });
    await page.goto(t.url('/organisations'));
    expect(await page.locator('.filters-disclosure').getAttribute('open')).not.toBeNull();
    expect(await page.getByRole('button', { name: fr('common.search') }).isVisible()).toBe(true);
  });

  for (const [path, as] of [...SEARCH_PAGES, ...LISTS]) {
    it(`${path}: no sideways scroll and no axe violation at 1280 and 390 px`, async () => {
      for (const viewport of [DESKTOP, PHONE]) {
        const page = await t.newPage({ as, viewport });
        const res = await page.goto(t.url(path));
        expect(res?.status(), `GET ${path}`).toBe(200);
        await screenshot(page, name(path, viewport.width));
        await expectNoPageScroll(page, viewport.width, path);
        await expectAccessible(page, `${path} at ${viewport.width} px`);
        // Every data table is in its own scrolling box, which keyboard users can reach.
        const tables = page.locator('main table');
        for (let i = 0; i < (await tables.count()); i++) {
          const wrapper = tables.nth(i).locator('xpath=..');
          expect(await wrapper.getAttribute('class'), `${path}: table ${i} in a scrolling box`).toContain('table-scroll');
          expect(await wrapper.getAttribute('tabindex')).toBe('0');
          expect(await wrapper.getAttribute('role')).toBe('region');
          expect(await wrapper.getAttribute('aria-label')).toBeTruthy();
        }
        await page.context().close();
      }
    });
  }

  it('the requests’ action cells are on the line of their row', async () => {
    const page = await t.newPage({ as: 'etudiant@demo.test', viewport: DESKTOP });
    await page.goto(t.url('/requests'));
    const row = page.locator('main table tbody tr').first();
    const title = (await row.locator('th').boundingBox())!;
    const firstAction = (await row.locator('td').last().locator('a, button').first().boundingBox())!;
    expect(Math.abs(firstAction.y - title.y)).toBeLessThan(12);
  });

  it('the admin’s centre table stays inside the content column at 1280 px', async () => {
    const page = await t.newPage({ as: 'admin@demo.test', viewport: DESKTOP });
    await page.goto(t.url('/admin/centres'));
    const main = (await page.locator('main').boundingBox())!;
    const box = (await page.locator('main .table-scroll').first().boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(main.x + main.width + 1);
    await expectNoPageScroll(page, DESKTOP.width, '/admin/centres');
  });
});
