import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { checkAtBothWidths, describeBrowser, useBrowserApp } from '../helpers/browser.js';
import { minimalPdf } from '../factories/students.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

async function patient(p: Promise<Page>): Promise<Page> {
  const page = await p;
  // Chromium's PDF viewer in the page's frame may ask "leave the page?" when the form is sent:
  // a person answers yes; Playwright would dismiss it (and the signature would never be sent).
  page.on('dialog', (d) => void d.accept());
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(60_000);
  return page;
}

/**
 * Ticks the approval of the signing form and signs; back on the page. Waits for the form's answer,
 * then for the new page's content: a page whose PDF frame is still loading may fire its own load
 * event late, so "load" alone cannot tell the new page from the old one.
 */
async function sign(page: Page) {
  await page.locator('[data-sign-form] input[name="confirm"]').check();
  const posted = page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 120_000 });
  // From the keyboard, as many signers do (a click may land on the PDF viewer's frame while it loads).
  await page.getByRole('button', { name: fr('signatures.sign.submit'), exact: true }).press('Enter');
  expect((await posted).status()).toBeLessThan(400);
  await page.waitForLoadState('domcontentloaded');
  await page.locator('[data-sign-form]').waitFor({ state: 'detached', timeout: 120_000 }).catch(() => undefined);
}

// The demo's agreement of Léa waits for the host's signatory (the company's account): it signs
// online, the centre records the company tutor's paper signature, the academic tutor and the
// centre sign online, the centre validates. A signer without an account signs Thomas's from a link.
// Every page checked with axe at desktop and phone widths.
describeBrowser('end-to-end: signing an agreement', () => {
  const t = useBrowserApp();

  it('is signed online and on paper, then validated; a link signer signs too; the pages accessible', async () => {
    const a = await t.db.agreement.findFirstOrThrow({ where: { status: 'SIGNING', student: { user: { email: 'etudiant@demo.test' } } } });
    const path = t.url(`/agreements/${a.id}`);

    const company = await patient(t.newPage({ as: 'entreprise@demo.test' }));
    // The PDF is read in the page: its frame is allowed (the app's policy forbids framing otherwise).
    const [pdf] = await Promise.all([company.waitForResponse((r) => r.url().endsWith('/sign/document.pdf')), company.goto(path)]);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-security-policy']).toBe("frame-ancestors 'self'");
    await checkAtBothWidths(company, 'agreement-signing-company');
    await sign(company);
    expect(await company.locator('[data-signature="HOST_SIGNATORY"][data-state="SIGNED"]').count()).toBe(1);

    const staff = await patient(t.newPage({ as: 'gestionnaire@demo.test' }));
    await staff.goto(path);
    await checkAtBothWidths(staff, 'agreement-signing-staff');
    const paper = staff.locator('[data-paper-form="COMPANY_TUTOR"]');
    await paper.getByLabel(fr('signatures.panel.paperDate')).fill(new Date().toISOString().slice(0, 10));
    await paper.getByLabel(fr('signatures.panel.paperFile')).setInputFiles({ name: 'convention-signee.pdf', mimeType: 'application/pdf', buffer: minimalPdf() });
    await Promise.all([staff.waitForEvent('load'), paper.getByRole('button', { name: fr('signatures.panel.paperSubmit') }).click()]);
    expect(await staff.locator('[data-signature="COMPANY_TUTOR"][data-state="SIGNED"]').count()).toBe(1);

    const teacher = await patient(t.newPage({ as: 'enseignant@demo.test' }));
    await teacher.goto(path);
    await sign(teacher);
    await staff.goto(path);
    await sign(staff);
    expect(await staff.locator('[data-status="SIGNED"]').count()).toBeGreaterThan(0);
    expect(await staff.locator('[data-final-pdf]').count()).toBe(1);
    await Promise.all([staff.waitForEvent('load'), staff.getByRole('button', { name: fr('agreements.action.validate'), exact: true }).click()]);
    expect(await staff.locator('[data-status="VALIDATED"]').count()).toBeGreaterThan(0);
    await checkAtBothWidths(staff, 'agreement-signed-validated');

    // The waiting list: Thomas's later agreement still waits for its host's signatory.
    await staff.goto(t.url('/agreements/signatures'));
    await checkAtBothWidths(staff, 'signatures-waiting');
    expect(await staff.locator('[data-waiting] tbody tr').count()).toBeGreaterThan(0);

    // A signer without an account, from a link (made here as the mail would carry it).
    const thomas = await t.db.agreementSignature.findFirstOrThrow({ where: { status: 'INVITED', party: 'HOST_SIGNATORY', agreement: { student: { user: { email: 'thomas.girard@etu.univ-demo.test' } } } } });
    await t.db.agreementSignature.update({ where: { id: thomas.id }, data: { signerId: null, signerEmail: 'direction@exemple.test' } });
    const token = randomBytes(32).toString('base64url');
    await t.db.signatureLink.create({ data: { signatureId: thomas.id, tokenHash: createHash('sha256').update(token).digest('hex'), email: 'direction@exemple.test', expiresAt: new Date(Date.now() + 86_400_000) } });
    const anon = await patient(t.newPage());
    await anon.goto(t.url(`/sign/${token}`));
    await checkAtBothWidths(anon, 'signature-link');
    await sign(anon);
    expect(await anon.locator('[data-signed]').count()).toBe(1);
    // Used: the page says so, accessible too.
    await anon.goto(t.url(`/sign/${token}`));
    await checkAtBothWidths(anon, 'signature-link-closed');
  }, 300_000);
});
