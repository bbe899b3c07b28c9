import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { queueEmail } from '../../src/mail/outbox.js';
import { describeBrowser, expectAccessible, formatViolations, screenshot, useBrowserApp } from '../helpers/browser.js';

/**
 * axe on the message page, leaving out the message's own frame: the frame runs no script at all
 * (sandbox), so axe cannot run inside it (@axe-core/playwright would wait for it forever). The
 * message is the e-mail being previewed, not the app's page.
 */
async function expectPageAccessible(page: Page) {
  const result = await new AxeBuilder({ page }).exclude('iframe.mail-preview').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(formatViolations(result.violations)).toBe('');
}

// The dev mailbox in a real Chromium: the app's CSP lets the page frame the message, the frame's
// own CSP and sandbox keep the message's scripts and remote images from running, and the pages
// pass axe.
describeBrowser('dev mailbox in a browser', () => {
  const t = useBrowserApp();

  it('lists messages and shows one with its HTML part in a sandboxed frame', async () => {
    await t.db.outboxEmail.deleteMany();
    await queueEmail(t.db, {
      to: 'dominique@test.example',
      template: 'password-reset',
      data: { firstName: 'Dominique', link: 'http://stages.test/password/reset/abc', minutes: 60 },
    });
    const evil = await t.db.outboxEmail.create({
      data: {
        to: 'x@test.example',
        subject: 'Hostile',
        html: '<p id="body">Hostile body</p><script>document.getElementById("body").textContent = "script ran"; parent.document.title = "pwned";</script><img alt="" src="http://127.0.0.1:9/pixel.gif">',
        text: 'Hostile body',
        template: 'test',
      },
    });
    const page = await t.newPage({ as: 'admin@demo.test' });
    const cspReports: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspReports.push(m.text());
    });
    // Requests that reached the network (a request blocked by CSP is reported as failed, never finished).
    const finished: string[] = [];
    const failed: string[] = [];
    page.on('requestfinished', (r) => finished.push(r.url()));
    page.on('requestfailed', (r) => {
      // The browser's own favicon request is aborted when the next page is opened before it ends.
      if (r.url().endsWith('/favicon.svg') && r.failure()?.errorText === 'net::ERR_ABORTED') return;
      failed.push(`${r.url()} ${r.failure()?.errorText}`);
    });

    await page.goto(t.url('/dev/mailbox'));
    expect(await page.getByRole('table', { name: /Courriels de la file d'envoi/ }).count()).toBe(1);
    await expectAccessible(page);
    await screenshot(page, 'dev-mailbox');

    await page.getByRole('link', { name: 'Réinitialisation de votre mot de passe' }).click();
    await page.waitForURL(/\/dev\/mailbox\/\d+$/);
    await page.frameLocator('iframe.mail-preview').getByText('Bonjour Dominique,').waitFor();
    await expectPageAccessible(page);
    await screenshot(page, 'dev-mailbox-message');
    expect(cspReports).toEqual([]); // the app's page itself breaks no CSP rule (no inline script or style)
    expect(failed).toEqual([]);

    await page.goto(t.url(`/dev/mailbox/${evil.id}`));
    const frame = page.frameLocator('iframe.mail-preview');
    await frame.getByText('Hostile body').waitFor();
    expect(await frame.locator('#body').textContent()).toBe('Hostile body'); // its script did not run
    expect(await page.title()).not.toBe('pwned');
    // Nor did it load a remote image.
    expect(finished.some((u) => u.includes('pixel.gif'))).toBe(false);
    expect(failed).toEqual(['http://127.0.0.1:9/pixel.gif csp']);
  });
});
