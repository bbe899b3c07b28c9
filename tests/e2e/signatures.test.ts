import { createHash, randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { formatters } from '../../src/i18n/format.js';
import { translate } from '../../src/i18n/index.js';
import { CalendarDate } from '../../src/time/calendar.js';
import { checkAtBothWidths, describeBrowser, field, useBrowserApp } from '../helpers/browser.js';
import { flat, hasPdftotext, pdfText } from '../factories/documents.js';
import { seedLegalParameters } from '../factories/legal-db.js';
import { minimalPdf } from '../factories/students.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);
const fmt = formatters('fr');

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
async function sign(page: Page, submit = 'signatures.sign.submit') {
  await page.locator('[data-sign-form] input[name="confirm"]').check();
  const posted = page.waitForResponse((r) => r.request().method() === 'POST', { timeout: 120_000 });
  // From the keyboard, as many signers do (a click may land on the PDF viewer's frame while it loads).
  await page.getByRole('button', { name: fr(submit), exact: true }).press('Enter');
  expect((await posted).status()).toBeLessThan(400);
  await page.waitForLoadState('domcontentloaded');
  await page.locator('[data-sign-form]').waitFor({ state: 'detached', timeout: 120_000 }).catch(() => undefined);
}

// The demo's agreement of Léa waits for the host's signatory (the company's account): it signs
// online, the centre records the company tutor's paper signature, the academic tutor and the
// centre sign online, the centre validates. A signer without an account signs Thomas's from a link.
// Every page checked with axe at desktop and phone widths. Then the centre amends Léa's validated
// agreement (three more weeks) from its page, has it signed on paper and online, validates it, and
// prints the amendment and the original agreement.
describeBrowser('end-to-end: signing an agreement', () => {
  const t = useBrowserApp();
  /** Léa's agreement, once the first test has it signed and validated. */
  let signedId = 0;

  it('is signed online and on paper, then validated; a link signer signs too; the pages accessible', async () => {
    const a = await t.db.agreement.findFirstOrThrow({ where: { status: 'SIGNING', student: { user: { email: 'etudiant@demo.test' } } } });
    const path = t.url(`/agreements/${a.id}`);
    signedId = a.id;

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

  it('is amended (period extended) by the centre, signed on paper and online, validated and printed; the pages accessible', async () => {
    const a = await t.db.agreement.findUniqueOrThrow({ where: { id: signedId } });
    expect(a.status).toBe('VALIDATED');
    const path = t.url(`/agreements/${a.id}`);
    const start = CalendarDate.fromDb(a.startDate);
    const before = CalendarDate.fromDb(a.endDate);
    const extended = before.addDays(21);
    const reason = 'Prolongation de trois semaines : la recette du suivi des demandes est reportée.';
    // The test database starts without the legal parameters (a migration writes them elsewhere): the
    // demo's copies were computed without them. Loaded now, the amended copy has its figures — over
    // 308 hours, the stipend due from the first day, which staff are warned of when it was not before.
    if (!(await t.db.legalParameter.count())) await seedLegalParameters(t.db);

    const staff = await patient(t.newPage({ as: 'gestionnaire@demo.test' }));
    await staff.goto(path);
    await Promise.all([staff.waitForURL((u) => u.pathname === `/agreements/${a.id}/amendments/new`), staff.getByRole('link', { name: fr('amendments.panel.new') }).click()]);
    await checkAtBothWidths(staff, 'amendment-form');

    // Sent empty: the reason and a change asked for, in the summary and beside their fields.
    await Promise.all([staff.waitForEvent('load'), staff.getByRole('button', { name: fr('amendments.form.save') }).click()]);
    const summary = staff.locator('.error-summary');
    expect(await summary.textContent()).toContain(fr('amendments.errors.nothing'));
    expect(await summary.getByRole('link', { name: new RegExp(fr('amendments.form.reason')) }).count()).toBe(1);
    // The group of checkboxes is described by its error too (read when entering it).
    const describedBy = ((await staff.locator('#f-kinds').getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
    expect(await Promise.all(describedBy.map((id) => staff.locator(`[id="${id}"]`).textContent()))).toContainEqual(expect.stringContaining(fr('amendments.errors.nothing')));
    await checkAtBothWidths(staff, 'amendment-form-errors');

    await field(staff, fr('amendments.form.reason')).fill(reason);
    await staff.getByRole('checkbox', { name: fr('amendments.kinds.period') }).check();
    await field(staff, fr('agreementWizard.internship.endDate')).fill(extended.toString());
    await Promise.all([staff.waitForURL((u) => u.pathname === `/agreements/${a.id}/amendments/1`), staff.getByRole('button', { name: fr('amendments.form.save') }).click()]);
    expect((await staff.locator('[data-reason]').textContent())?.trim()).toBe(reason);
    expect(await staff.locator('[data-changes] tr[data-field="endDate"] td').allTextContents()).toEqual([fmt.date(before), fmt.date(extended)]);
    expect(await staff.locator('[data-warning="amendments.warnings.stipendDue"]').count()).toBe(a.stipendDue ? 0 : 1);
    await checkAtBothWidths(staff, 'amendment-draft');

    // Its signatures: the agreement's five signatories, in the centre's order; four on paper, the centre online.
    await Promise.all([staff.waitForEvent('load'), staff.getByRole('button', { name: fr('amendments.action.openSignatures') }).click()]);
    expect(await staff.locator('[data-signatures] tr[data-signature]').count()).toBe(5);
    for (const party of ['STUDENT', 'HOST_SIGNATORY', 'COMPANY_TUTOR', 'ACADEMIC_TUTOR']) {
      const paper = staff.locator(`[data-paper-form="${party}"]`);
      await paper.getByLabel(fr('signatures.panel.paperDate')).fill(new Date().toISOString().slice(0, 10));
      await paper.getByLabel(fr('signatures.panel.paperFile')).setInputFiles({ name: 'avenant-signe.pdf', mimeType: 'application/pdf', buffer: minimalPdf() });
      await Promise.all([staff.waitForEvent('load'), paper.getByRole('button', { name: fr('signatures.panel.paperSubmit') }).click()]);
      expect(await staff.locator(`[data-signature="${party}"][data-state="SIGNED"]`).count(), party).toBe(1);
    }
    await sign(staff, 'signatures.amendmentSign.submit');
    expect(await staff.locator('[data-signature="INSTITUTION"][data-state="SIGNED"]').count()).toBe(1);
    expect(await staff.locator('[data-final-pdf]').count()).toBe(1);
    await Promise.all([staff.waitForEvent('load'), staff.getByRole('button', { name: fr('amendments.action.validate'), exact: true }).click()]);
    expect(await staff.locator('.details [data-status="VALIDATED"]').count()).toBe(1);
    const amendmentPdf = await staff.locator('[data-amendment-pdf]').getAttribute('href');
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).stipendDue).toBe(true);

    // The agreement: its new last day, the amendment in its list and its history of changes.
    await staff.goto(path);
    expect(await staff.locator('.details').first().textContent()).toContain(fr('agreements.show.dates', { from: fmt.date(start), to: fmt.date(extended) }));
    expect(await staff.locator('[data-amendment="1"] [data-status="VALIDATED"]').count()).toBe(1);
    expect(await staff.locator('[data-amendment-history] tr[data-field="endDate"] td').allTextContents()).toEqual([expect.stringContaining(fr('amendments.numberShort', { seq: 1 })), fmt.date(before), fmt.date(extended)]);
    await checkAtBothWidths(staff, 'agreement-amended');

    // Printed: the amendment with the new last day (and as signed), the original agreement as it was signed.
    const printed = await staff.request.get(t.url(amendmentPdf!));
    expect(printed.status()).toBe(200);
    expect(printed.headers()['content-type']).toBe('application/pdf');
    const signed = await staff.request.get(t.url(`/agreements/${a.id}/amendments/1/final.pdf`));
    expect([signed.status(), signed.headers()['content-type']]).toEqual([200, 'application/pdf']);
    const original = await staff.request.get(t.url(`/agreements/${a.id}/agreement.pdf`));
    expect(original.status()).toBe(200);
    expect(original.headers()['content-type']).toBe('application/pdf');
    if (hasPdftotext) {
      const text = flat(pdfText(await printed.body()));
      expect(text).toContain(reason);
      expect(text).toContain(fmt.date(extended));
      expect(flat(pdfText(await original.body()))).not.toContain(fmt.date(extended));
    }
  }, 300_000);
});
