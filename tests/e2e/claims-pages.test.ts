import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { makePendingClaim } from '../factories/claims.js';
import { describeBrowser, expectAccessible, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string) => translate('fr', key);

/**
 * A claim of a directory organisation as its two sides see it (demo data): the claimant's page
 * while it waits, and the verification queue of the centre's WRITE staff, with a refusal sent
 * without its reason (422: the refusal form stays open, the summary links to its field).
 */
describeBrowser('end-to-end: claims of an organisation are accessible', () => {
  const t = useBrowserApp();

  it('the claimant’s page and the staff queue, refusal without a reason included, have no axe violation', async () => {
    const staff = await t.db.user.findUniqueOrThrow({ where: { email: 'gestionnaire@demo.test' }, include: { centreStaff: true } });
    const organisation = await t.db.organisation.findFirstOrThrow({ where: { members: { none: {} }, siret: { not: null } }, orderBy: { id: 'asc' } });
    await makePendingClaim(t.db, organisation.id, staff.centreStaff[0].centreId, 'revendication@demo.test');

    const claimant = await t.newPage({ as: 'revendication@demo.test' });
    expect(new URL(claimant.url()).pathname).toBe('/company/claim');
    expect(await claimant.getByRole('heading', { level: 1 }).textContent()).toBe(fr('companies.claim.title'));
    await expectAccessible(claimant, '/company/claim');

    const page = await t.newPage({ as: 'gestionnaire@demo.test' });
    await page.goto(t.url('/organisations/queue'));
    const claims = page.getByRole('table', { name: new RegExp(fr('organisations.claims.caption').replace('{total}', '1')) });
    expect(await claims.textContent()).toContain('revendication@demo.test');
    await expectAccessible(page, '/organisations/queue (a claim)');

    await page.locator('details.confirm > summary').first().click();
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      page.getByRole('button', { name: fr('organisations.claims.refuseSubmit') }).click(),
    ]);
    expect(answer.status()).toBe(422);
    await page.waitForLoadState('load');
    const link = page.locator('.error-summary a[href^="#f-reason-"]');
    expect(await link.count()).toBe(1);
    const field = page.locator((await link.getAttribute('href'))!);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.isVisible()).toBe(true);
    await expectAccessible(page, '/organisations/queue (refusal without a reason, 422)');
  }, 180_000); // two sign-ins, four page loads, three axe runs: generous when the cores are shared
});
