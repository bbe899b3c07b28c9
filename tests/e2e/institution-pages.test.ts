import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { checkAtBothWidths, describeBrowser, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string) => translate('fr', key);

/**
 * The pages of issue 15 ("running an institution"), on the demo data, each answered 200 with one h1
 * and checked by axe at desktop and phone widths: useful documents, the help desk, statistics,
 * personal data, the audit history and the single sign-on settings.
 */
describeBrowser('end-to-end: the institution pages are accessible', () => {
  const t = useBrowserApp();

  async function visit(as: string, paths: string[]) {
    const page = await t.newPage({ as });
    for (const path of paths) {
      const res = await page.goto(t.url(path));
      expect(res?.status(), `GET ${path} as ${as}`).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).count(), `${path}: one h1`).toBe(1);
      await checkAtBothWidths(page, `${as} ${path}`);
    }
    return page;
  }

  it('a student: documents, reporting a problem, their tickets, their data and the privacy page', async () => {
    const page = await visit('etudiant@demo.test', ['/documents', '/tickets/new?page=/dashboard/student', '/tickets', '/account/data', '/privacy']);
    // The answered demo ticket, with its messages.
    await page.goto(t.url('/tickets'));
    await Promise.all([page.waitForURL(/\/tickets\/\d+$/), page.locator('table tbody a').first().click()]);
    await checkAtBothWidths(page, 'a ticket, as its author');
    // An empty report: 422, the summary links to the fields.
    await page.goto(t.url('/tickets/new?page=/dashboard/student'));
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      page.getByRole('button', { name: fr('helpdesk.new.submit') }).click(),
    ]);
    expect(answer.status()).toBe(422);
    await page.waitForLoadState('load');
    expect(await page.locator('.error-summary a').count()).toBeGreaterThan(0);
    await checkAtBothWidths(page, 'an empty problem report (422)');
  }, 240_000);

  // The programme manager's statistics are the same page over another scope (tests/integration/statistics.test.ts).
  it('centre staff: the ticket queue, statistics, the centre documents and an agreement history', async () => {
    // Jocelyne runs the UFR (ADMIN) and reads the BAIP: the UFR is the centre with agreements.
    const staff = await t.db.user.findUniqueOrThrow({ where: { email: 'resp.centre@demo.test' }, include: { centreStaff: { where: { right: 'ADMIN' } } } });
    const centreId = staff.centreStaff[0].centreId;
    const agreement = await t.db.agreement.findFirstOrThrow({ where: { centreId }, orderBy: { id: 'asc' } });
    await visit('resp.centre@demo.test', ['/tickets/queue', '/statistics', '/statistics/follow-up', '/statistics/comparison', `/documents/centres/${centreId}`, `/agreements/${agreement.id}/history`]);
  }, 240_000);

  it('the administrator: single sign-on, retention, erasure, the platform documents and an account history', async () => {
    const inst = await t.db.institution.findFirstOrThrow({ where: { code: 'UDEMO' } });
    const student = await t.db.user.findUniqueOrThrow({ where: { email: 'etudiant@demo.test' } });
    await visit('admin@demo.test', ['/admin/sso', `/admin/sso/${inst.id}`, '/admin/retention', `/admin/users/${student.id}/erase`, `/admin/users/${student.id}/history`, '/documents/manage', '/documents/manage/new']);
  }, 240_000);
});
