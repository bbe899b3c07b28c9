import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { describeBrowser, expectAccessible, screenshot, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string) => translate('fr', key);

/**
 * Host-organisation pages as centre staff with WRITE use them (demo data: organisation 1 is the
 * company "Auvergne Logiciels SAS", 2 and above come from prisma/seed-organisations.ts).
 */
const PAGES = [
  '/organisations',
  '/organisations?by=name&name=mairie',
  '/organisations?by=siret&siret=73282932000074',
  '/organisations?by=activity&section=J',
  '/organisations?by=phone&phone=04%2073',
  '/organisations?by=address&city=lyon',
  '/organisations?by=service&service=ressources',
  '/organisations?by=name&name=introuvable',
  '/organisations/new',
  '/organisations/queue',
  '/organisations/1',
  '/organisations/1/edit',
  '/organisations/1/services',
  '/organisations/1/services/new',
  '/organisations/1/contacts/new',
  '/organisations/2/merge?q=auvergne',
  '/organisations/2/merge?target=1',
];

describeBrowser('end-to-end: host-organisation pages are accessible', () => {
  const t = useBrowserApp();

  it.each(PAGES)('%s has no axe violation', async (path) => {
    const page = await t.newPage({ as: 'gestionnaire@demo.test' });
    const res = await page.goto(t.url(path));
    // The phone search is too short on purpose: 422 with the error summary.
    expect(res?.status(), `GET ${path}`).toBe(path.includes('phone=04%2073') ? 422 : 200);
    expect(await page.getByRole('heading', { level: 1 }).count(), 'one h1').toBe(1);
    await screenshot(page, `page${path.replace(/[/?&=%]/g, '_')}`);
    await expectAccessible(page, path);
  });

  it('an empty creation form answers 422 with an accessible error summary', async () => {
    const page = await t.newPage({ as: 'gestionnaire@demo.test' });
    await page.goto(t.url('/organisations/new'));
    const form = page.locator('main form[method="post" i]').last();
    await page.locator('#f-country').fill('');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      form.locator('button[type="submit"]').last().click(),
    ]);
    expect(answer.status()).toBe(422);
    await page.waitForLoadState('load');
    const summary = page.locator('.error-summary');
    expect(await summary.textContent()).toContain(fr('errors.summaryTitle'));
    const links = summary.locator('a[href^="#f-"]');
    expect(await links.count()).toBeGreaterThan(5);
    for (const href of await links.evaluateAll((as) => as.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href')))) {
      expect(await page.locator(href).count(), `${href} exists`).toBe(1);
      expect(await page.locator(href).getAttribute('aria-invalid'), `${href} is aria-invalid`).toBe('true');
    }
    await expectAccessible(page, '/organisations/new (empty submit, 422)');
  });
});
