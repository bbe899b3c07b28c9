import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { minimalPdf } from '../factories/students.js';
import { describeBrowser, expectAccessible, field, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

// A short-form offer (essentials and a link or a file) is edited with the short form; a bad
// submission is refused beside its field; the full form says it completes the offer.
describeBrowser('end-to-end: editing a short-form offer', () => {
  const t = useBrowserApp();

  it('keeps the short form, refuses a file and a link together beside the field, replaces the link with a file', async () => {
    const org = await t.db.organisation.findFirstOrThrow({ where: { legalName: 'Auvergne Logiciels SAS' } });
    const admin = await t.db.user.findUniqueOrThrow({ where: { email: 'entreprise@demo.test' } });
    const centre = await t.db.managementCentre.findFirstOrThrow({ where: { name: 'UFR Sciences et Technologies' } });
    const offer = await t.db.offer.create({
      data: { kind: 'INTERNSHIP', title: `Stage court ${Date.now().toString(36)}`, domain: 'Web', postalCode: '63000', city: 'Clermont-Ferrand', shortForm: true, link: 'https://auvergne-logiciels.example/stage', organisationId: org.id, centreId: centre.id, authorId: admin.id, fromCompany: true, status: 'DRAFT' },
    });
    const page = await t.newPage({ as: 'entreprise@demo.test' });
    page.setDefaultTimeout(60_000);

    await page.goto(t.url(`/offers/manage/${offer.id}`));
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/edit-short')), page.getByRole('link', { name: fr('offers.action.edit'), exact: true }).click()]);
    await page.waitForLoadState('load');
    expect(await page.getByText('https://auvergne-logiciels.example/stage').isVisible()).toBe(true);
    expect(await field(page, fr('offers.fields.link')).inputValue()).toBe('');
    await expectAccessible(page, '/offers/manage/:id/edit-short');

    // A file and a link together: 422, the message beside the link field, the summary focused.
    await page.getByLabel(fr('offers.fields.attachment')).setInputFiles({ name: 'offre.pdf', mimeType: 'application/pdf', buffer: minimalPdf() });
    await field(page, fr('offers.fields.link')).fill('https://auvergne-logiciels.example/autre');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      page.getByRole('button', { name: fr('common.save'), exact: true }).click(),
    ]);
    expect(answer.status()).toBe(422);
    await page.locator('.error-summary').waitFor();
    await page.waitForLoadState('load');
    expect(await field(page, fr('offers.fields.link')).getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-link-error').textContent()).toContain(fr('offers.errors.fileAndLink'));
    await expectAccessible(page, '/offers/manage/:id/edit-short (422)');

    // The file alone replaces the link.
    await field(page, fr('offers.fields.link')).fill('');
    await page.getByLabel(fr('offers.fields.attachment')).setInputFiles({ name: 'offre.pdf', mimeType: 'application/pdf', buffer: minimalPdf() });
    await Promise.all([page.waitForURL((u) => u.pathname === `/offers/manage/${offer.id}`), page.getByRole('button', { name: fr('common.save'), exact: true }).click()]);
    const saved = await t.db.offer.findUniqueOrThrow({ where: { id: offer.id }, include: { attachmentFile: true } });
    expect(saved).toMatchObject({ shortForm: true, link: null });
    expect(saved.attachmentFile?.originalName).toBe('offre.pdf');

    // The full form, opened on purpose, says it completes the offer.
    await page.goto(t.url(`/offers/manage/${offer.id}/edit`));
    expect(await page.getByText(fr('offers.form.completingShort')).isVisible()).toBe(true);
    await expectAccessible(page, '/offers/manage/:id/edit (short-form offer)');
  }, 120_000);
});
