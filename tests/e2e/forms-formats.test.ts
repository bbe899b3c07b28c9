import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { describeBrowser, expectAccessible, field, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

// Issue 10 in a browser: the live character count of a long text, the organisation found by name
// or SIRET for a new offer, and the pages that show dates and offer numbers, each accessible at
// desktop (1280 px) and phone (390 px) widths.
describeBrowser('end-to-end: forms and formats', () => {
  const t = useBrowserApp();

  const atBothWidths = async (page: Page, label: string) => {
    await expectAccessible(page, `${label} (1280 px)`);
    await page.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(page, `${label} (390 px)`);
    await page.setViewportSize({ width: 1280, height: 900 });
  };

  it('counts the characters of a long text as they are typed, and keeps an over-long one with its message', async () => {
    const offer = await t.db.offer.findFirstOrThrow({ where: { status: 'PUBLISHED' } });
    const page = await t.newPage({ as: 'etudiant@demo.test' });
    await page.goto(t.url(`/applications/new?offer=${offer.id}`));
    const message = field(page, fr('applications.fields.message'));
    const count = page.locator('#f-message-count');
    expect((await count.textContent())?.trim()).toBe('0 / 5\u202f000 caractères');
    await message.fill('Bonjour,\nje suis intéressée.');
    expect((await count.textContent())?.trim()).toBe('28 / 5\u202f000 caractères');
    // The screen-reader copy follows once typing pauses.
    await page.locator('p[aria-live="polite"]').filter({ hasText: '28 / 5' }).waitFor();
    await atBothWidths(page, '/applications/new');

    // Too long: the count says by how much, in red; the server keeps the text and says it beside the field.
    const long = 'x'.repeat(5010);
    await message.fill(long);
    expect((await count.textContent())?.trim()).toBe('5\u202f010 / 5\u202f000 caractères : 10 de trop');
    expect(await count.getAttribute('class')).toContain('char-count-over');
    await field(page, fr('applications.fields.title')).fill('Ma candidature');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      page.getByRole('button', { name: fr('applications.apply.submit'), exact: true }).click(),
    ]);
    expect(answer.status()).toBe(422);
    await page.locator('.error-summary').waitFor();
    await page.waitForLoadState('load');
    expect(await message.inputValue()).toBe(long);
    expect(await page.locator('#f-message-error').textContent()).toContain(fr('errors.field.tooLong', { max: 5000 }));
    expect(await page.locator('.error-summary a[href="#f-message"]').textContent()).toContain(`${fr('applications.fields.message')} : `);
    await atBothWidths(page, '/applications/new (422, text too long)');
  }, 120_000);

  it('lets staff find the organisation of a new short offer by name, then by SIRET, and open its form', async () => {
    const org = await t.db.organisation.findFirstOrThrow({ where: { legalName: 'Auvergne Logiciels SAS' } });
    const page = await t.newPage({ as: 'gestionnaire@demo.test' });
    await page.goto(t.url('/offers/manage/new-short'));
    await field(page, fr('offers.form.findLabel')).fill('auvergne');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('find') === 'auvergne'), page.getByRole('button', { name: fr('offers.form.findSubmit') }).click()]);
    const choose = page.getByRole('link', { name: `${fr('organisations.merge.choose')} — Auvergne Logiciels SAS` });
    expect(await choose.isVisible()).toBe(true);
    await atBothWidths(page, '/offers/manage/new-short?find=…');

    if (org.siret) {
      await field(page, fr('offers.form.findLabel')).fill(org.siret);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('find') === org.siret), page.getByRole('button', { name: fr('offers.form.findSubmit') }).click()]);
      expect(await page.locator('tbody tr').count()).toBe(1);
    }
    await Promise.all([page.waitForURL((u) => u.searchParams.get('organisation') === String(org.id)), page.getByRole('link', { name: `${fr('organisations.merge.choose')} — Auvergne Logiciels SAS` }).click()]);
    expect(await page.getByText('Auvergne Logiciels SAS', { exact: true }).isVisible()).toBe(true);
    expect(await field(page, fr('offers.fields.title')).isVisible()).toBe(true);

    // A wrong SIRET: the message beside the field, named in the summary.
    await page.goto(t.url('/offers/manage/new-short?find=123'));
    expect(await page.locator('#f-find-error').textContent()).toContain(fr('organisations.search.errors.siret'));
    await atBothWidths(page, '/offers/manage/new-short?find=123');
  }, 120_000);

  it("shows the staff offer page (dates in sentences, history table) and list (table cells) accessibly", async () => {
    const offer = await t.db.offer.findFirstOrThrow({ where: { status: 'PUBLISHED' } });
    const page = await t.newPage({ as: 'gestionnaire@demo.test' });
    await page.goto(t.url(`/offers/manage/${offer.id}`));
    expect((await page.locator('h1').textContent())?.trim()).toBe(fr('offers.show.title', { number: `n°\u00a0${offer.id}`, title: offer.title }));
    await atBothWidths(page, '/offers/manage/:id');
    await page.goto(t.url('/offers/manage'));
    expect(await page.getByRole('cell', { name: `n°\u00a0${offer.id}`, exact: true }).count()).toBe(1);
    await atBothWidths(page, '/offers/manage');
  }, 120_000);
});
