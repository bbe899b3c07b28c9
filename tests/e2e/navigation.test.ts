import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { describeBrowser, expectAccessible, screenshot, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string) => translate('fr', key);
const PHONE = { width: 390, height: 844 };

const menu = (page: Page) => page.getByRole('navigation', { name: fr('nav.label') });
const groupButton = (page: Page, key: string) => menu(page).getByRole('button', { name: fr(key), exact: true });
const focusedText = async (page: Page) => (await page.locator(':focus').textContent())?.trim() ?? '';
/** The element's computed box-shadow, read in the page (the tests compile without the DOM's types). */
const boxShadow = (l: Locator) => l.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { boxShadow: string } }).getComputedStyle(el).boxShadow);
const expandedOf = async (button: Locator) => button.getAttribute('aria-expanded');

/** Presses Tab until the focus is on `target` (at most `max` times); fails otherwise. */
async function tabTo(page: Page, target: Locator, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.and(page.locator(':focus')).count()) return;
  }
  throw new Error(`${await target.textContent()} never got the focus`);
}

describeBrowser('end-to-end: the grouped menu', () => {
  const t = useBrowserApp();

  it('opens a group from the keyboard, reaches its entries, and Escape closes it back to its button', async () => {
    const page = await t.newPage({ as: 'gestionnaire@demo.test' });
    await page.goto(t.url('/dashboard/centre'));
    const offers = groupButton(page, 'nav.group.offers');
    const list = page.locator(`#${await offers.getAttribute('aria-controls')}`);
    expect(await expandedOf(offers)).toBe('false');
    expect(await list.isVisible()).toBe(false);

    await tabTo(page, offers);
    await page.keyboard.press('Enter');
    expect(await expandedOf(offers)).toBe('true');
    expect(await list.isVisible()).toBe(true);
    // The entries follow the button in the tab order.
    const entries = [fr('offers.manage.titleCentres'), fr('nav.offersModeration'), fr('nav.offersSearch')];
    for (const name of entries) {
      await page.keyboard.press('Tab');
      expect(await focusedText(page)).toBe(name);
    }
    await screenshot(page, 'nav-group-open');
    await page.keyboard.press('Escape');
    expect(await expandedOf(offers)).toBe('false');
    expect(await list.isVisible()).toBe(false);
    expect(await focusedText(page)).toBe(fr('nav.group.offers'));

    // Space opens it too; opening another group closes the first; tabbing out of a group closes it.
    await page.keyboard.press('Space');
    expect(await expandedOf(offers)).toBe('true');
    const organisations = groupButton(page, 'nav.group.organisations');
    await organisations.click();
    expect(await expandedOf(organisations)).toBe('true');
    expect(await expandedOf(offers)).toBe('false');
    await organisations.focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe(fr('nav.group.students'));
    expect(await expandedOf(organisations)).toBe('false');

    // Following an entry: the new page marks it, and its group.
    await page.keyboard.press('Enter');
    await Promise.all([page.waitForURL((u) => u.pathname === '/applications/school'), menu(page).getByRole('link', { name: fr('nav.applicationsSchool') }).click()]);
    expect(await menu(page).locator('a[aria-current="page"]').getAttribute('href')).toBe('/applications/school');
    const students = groupButton(page, 'nav.group.students');
    expect(await students.getAttribute('aria-current')).toBe('true');
    expect(await offers.getAttribute('aria-current')).toBeNull();
    // Visibly: a bar under the group's button, none under the others.
    expect(await boxShadow(students)).not.toBe('none');
    expect(await boxShadow(offers)).toBe('none');
  });

  it('marks the current page and its group, moderation and management apart', async () => {
    const page = await t.newPage({ as: 'admin@demo.test' });
    await page.goto(t.url('/offers/moderation'));
    const current = menu(page).locator('a[aria-current="page"]');
    expect(await current.getAttribute('href')).toBe('/offers/moderation');
    expect(await groupButton(page, 'nav.group.offers').getAttribute('aria-current')).toBe('true');
    // "Mes offres" reached from the management list: the management entry, named for what it shows.
    await page.goto(t.url('/offers/manage'));
    expect(await current.getAttribute('href')).toBe('/offers/manage');
    expect(await current.textContent()).toBe(fr('offers.manage.titleAll'));
    await page.getByRole('link', { name: fr('offers.moderation.title'), exact: true }).first().click();
    await page.waitForURL((u) => u.pathname === '/offers/moderation');
    expect(await current.getAttribute('href')).toBe('/offers/moderation');
    // Every centre, once: "Tous les centres de gestion" in the settings group.
    await page.goto(t.url('/admin/centres'));
    expect(await current.getAttribute('href')).toBe('/admin/centres');
    expect(await groupButton(page, 'nav.group.admin').getAttribute('aria-current')).toBe('true');
    expect(await menu(page).locator('a[href="/centres"]').count()).toBe(0);
  });

  it('keeps the menu on one row on a wide screen for every kind of user', async () => {
    for (const email of ['admin@demo.test', 'resp.centre@demo.test', 'entreprise@demo.test', 'etudiant@demo.test', 'resp.annee@demo.test']) {
      const page = await t.newPage({ as: email });
      await page.goto(t.url('/account'));
      expect(await menu(page).getByRole('button', { name: fr('nav.menu'), exact: true }).isVisible()).toBe(false);
      const tops = await menu(page).locator('.nav-list > li').evaluateAll((lis) => lis.map((li) => Math.round(li.getBoundingClientRect().top)));
      expect(new Set(tops).size, `${email}: ${tops.join(', ')}`).toBe(1);
      await page.close();
    }
    // Five sign-ins through the form (argon2): more time than one page's test.
  }, 90_000);

  it('is accessible at 1280 px with a group closed and open', async () => {
    const page = await t.newPage({ as: 'admin@demo.test' });
    await page.goto(t.url('/admin/institutions'));
    await expectAccessible(page, 'menu closed (1280)');
    await groupButton(page, 'nav.group.admin').click();
    expect(await menu(page).getByRole('link', { name: fr('nav.adminCentres') }).isVisible()).toBe(true);
    await screenshot(page, 'nav-admin-open');
    await expectAccessible(page, 'settings group open (1280)');
  });

  it('folds into one "Menu" button on a phone (390 px), accessible closed and open', async () => {
    const page = await t.newPage({ as: 'etudiant@demo.test', viewport: PHONE });
    await page.goto(t.url('/requests'));
    const toggle = menu(page).getByRole('button', { name: fr('nav.menu'), exact: true });
    const requests = menu(page).getByRole('link', { name: fr('nav.requests') });
    expect(await toggle.isVisible()).toBe(true);
    expect(await expandedOf(toggle)).toBe('false');
    expect(await requests.isVisible()).toBe(false);
    // Nothing of the header and its menu wider than the phone.
    expect(await page.getByRole('banner').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'nav-phone-closed');
    await expectAccessible(page, 'menu closed (390)');

    await tabTo(page, toggle);
    await page.keyboard.press('Enter');
    expect(await expandedOf(toggle)).toBe('true');
    const search = groupButton(page, 'nav.group.search');
    expect(await search.isVisible()).toBe(true);
    expect(await search.getAttribute('aria-current')).toBe('true');
    await search.click();
    expect(await requests.isVisible()).toBe(true);
    expect(await requests.getAttribute('aria-current')).toBe('page');
    expect(await menu(page).getByRole('link', { name: fr('nav.account') }).isVisible()).toBe(true);
    expect(await page.getByRole('banner').evaluate((el) => el.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, 'nav-phone-open');
    await expectAccessible(page, 'menu and group open (390)');

    // Escape closes the group, then the menu, the focus back on the button that opened each.
    await requests.focus();
    await page.keyboard.press('Escape');
    expect(await expandedOf(search)).toBe('false');
    expect(await focusedText(page)).toBe(fr('nav.group.search'));
    await page.keyboard.press('Escape');
    expect(await expandedOf(toggle)).toBe('false');
    expect(await focusedText(page)).toBe(fr('nav.menu'));
    expect(await search.isVisible()).toBe(false);
  });

  it('shows every group open without its script', async () => {
    const page = await t.newPage({ as: 'gestionnaire@demo.test' });
    // The menu's script never arrives (axe needs JavaScript itself, so the page keeps it).
    await page.route('**/static/js/nav.js', (route) => route.abort());
    await page.goto(t.url('/organisations/queue'));
    expect(await menu(page).getByRole('button').count()).toBe(0);
    for (const key of ['offers.manage.titleCentres', 'nav.offersModeration', 'nav.organisationsQueue', 'nav.applicationsSchool', 'nav.myCentres', 'nav.account']) {
      expect(await menu(page).getByRole('link', { name: fr(key), exact: true }).isVisible(), key).toBe(true);
    }
    expect(await menu(page).getByRole('list', { name: fr('nav.group.organisations') }).isVisible()).toBe(true);
    expect(await menu(page).locator('a[aria-current="page"]').getAttribute('href')).toBe('/organisations/queue');
    await screenshot(page, 'nav-no-script');
    await expectAccessible(page, 'menu without its script');
  });
});
