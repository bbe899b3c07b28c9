import { expect, it } from 'vitest';
import { newToken } from '../../src/auth/tokens.js';
import { translate } from '../../src/i18n/index.js';
import { makeDemoAgreement } from '../factories/agreements.js';
import { day } from '../factories/legal.js';
import { seedLegalParameters } from '../factories/legal-db.js';
import { checkAtBothWidths, describeBrowser, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

// The print links on the agreement's page (staff), the PDF they lead to, and the page a student
// gets when the centre does not let students print; both pages checked with axe at both widths.
describeBrowser('end-to-end: printing an agreement', () => {
  const t = useBrowserApp();

  it('offers the print links to staff and explains a refusal to the student', async () => {
    if (!(await t.db.legalParameter.count())) await seedLegalParameters(t.db);
    const { a, student } = await makeDemoAgreement(t.db, { subject: 'Impression des conventions', startDate: day('2027-09-06'), endDate: day('2027-10-29') });

    const staff = await t.newPage({ as: 'gestionnaire@demo.test' });
    await staff.goto(t.url(`/agreements/${a.id}`));
    const section = staff.locator('[data-section="print"]');
    await expect(section.getByRole('heading', { name: fr('print.links.title') }).count()).resolves.toBe(1);
    await staff.getByLabel(fr('print.links.language')).selectOption('de');
    await checkAtBothWidths(staff, 'agreement-print-links');
    const pdf = await staff.request.get(t.url(`/agreements/${a.id}/agreement.pdf?lang=de`));
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await staff.request.get(t.url(`/agreements/${a.id}/summary.pdf`))).status()).toBe(200);

    await t.db.managementCentre.update({ where: { id: student.studyYear!.centreId }, data: { studentsMayPrint: false } });
    const me = await t.newPage({ as: 'etudiant@demo.test' });
    await me.goto(t.url(`/agreements/${a.id}`));
    expect(await me.locator('[data-section="print"]').count()).toBe(0);
    const refused = await me.goto(t.url(`/agreements/${a.id}/agreement.pdf`));
    expect(refused?.status()).toBe(403);
    expect((await me.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(fr('print.refused.title'));
    await checkAtBothWidths(me, 'print-refused');
    await me.getByRole('link', { name: fr('print.refused.back') }).click();
    await me.waitForURL((u) => u.pathname === `/agreements/${a.id}`);
  }, 180_000);

  it('lets the centre confirm the attestation of an ended internship, and a tutor from the link; the student answers the label and keeps the journal; the pages accessible', async () => {
    if (!(await t.db.legalParameter.count())) await seedLegalParameters(t.db);
    // Ended last month, validated.
    const { a } = await makeDemoAgreement(t.db, { subject: 'Attestation de fin de stage', startDate: day('2026-09-07'), endDate: day('2026-10-30') });
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'VALIDATED', validatedAt: new Date('2026-09-01T10:00:00Z') } });

    const staff = await t.newPage({ as: 'gestionnaire@demo.test' });
    await staff.goto(t.url(`/agreements/${a.id}#attestation`));
    const form = staff.locator('[data-attestation-form]');
    await form.getByLabel(fr('attestation.stipendPaid')).fill('beaucoup');
    await form.getByRole('button', { name: fr('attestation.submit') }).click();
    await staff.locator('.error-summary').first().waitFor();
    await checkAtBothWidths(staff, 'attestation-form-error');
    await staff.locator('[data-attestation-form]').getByLabel(fr('attestation.stipendPaid')).fill('1200');
    await staff.locator('[data-attestation-form]').getByRole('button', { name: fr('attestation.submit') }).click();
    await staff.locator('[data-attestation-confirmed]').waitFor();

    // A tutor without an account confirms from the link the platform mailed them.
    await t.db.agreement.update({ where: { id: a.id }, data: { attestationConfirmedAt: null, attestationStipendPaid: null } });
    const { token, hash } = newToken();
    await t.db.attestationLink.create({ data: { agreementId: a.id, tokenHash: hash, email: 'tuteur.sans.compte@demo.test', expiresAt: new Date(Date.now() + 86_400_000) } });
    const { organisationId } = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    const tutorContact = await t.db.contact.create({ data: { organisationId, firstName: 'Nadia', lastName: 'Benali', email: 'tuteur.sans.compte@demo.test' } });
    await t.db.agreement.update({ where: { id: a.id }, data: { companyTutorId: tutorContact.id } });
    const tutor = await t.newPage();
    await tutor.goto(t.url(`/attest/${token}`));
    await checkAtBothWidths(tutor, 'attestation-link');
    await tutor.getByLabel(fr('attestation.stipendPaid')).fill('980,50');
    await tutor.getByRole('button', { name: fr('attestation.submit') }).click();
    await tutor.locator('[data-attestation-confirmed]').waitFor();
    expect(Number((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).attestationStipendPaid)).toBe(980.5);

    // The follow-up page of the same (validated) internship: the student's label answer and a journal entry.
    const me = await t.newPage({ as: 'etudiant@demo.test' });
    await me.goto(t.url(`/agreements/${a.id}/follow-up`));
    await me.locator('[data-label-form="student"]').getByRole('button', { name: fr('followup.label.yes') }).click();
    await me.locator('[data-answer="student"]').filter({ hasText: fr('followup.label.answer.YES') }).waitFor();
    const journal = me.locator('[data-journal-form]');
    await journal.getByLabel(fr('followup.journal.done')).fill('');
    await journal.getByRole('button', { name: fr('followup.journal.save') }).click();
    await me.locator('.error-summary').first().waitFor();
    await checkAtBothWidths(me, 'follow-up-error');
    await me.locator('[data-journal-form]').getByLabel(fr('followup.journal.day')).fill('2026-10-15');
    await me.locator('[data-journal-form]').getByLabel(fr('followup.journal.done')).fill('Rédaction du rapport');
    await me.locator('[data-journal-form]').getByRole('button', { name: fr('followup.journal.save') }).click();
    await me.locator('[data-entry]').first().waitFor();
    expect(await me.locator('[data-entry]').first().textContent()).toContain('Rédaction du rapport');

    // The experience feedback, shared, then reviewed by the programme manager.
    const fb = me.locator('[data-feedback-form]');
    for (const k of ['workConditions', 'environment', 'supervision', 'advice']) await fb.getByLabel(fr(`followup.feedback.${k}`)).fill('Très bien');
    await fb.getByLabel(fr('common.yes')).check();
    await fb.getByLabel(fr('followup.feedback.shareable')).check();
    await fb.getByRole('button', { name: fr('followup.feedback.save') }).click();
    await me.locator('[data-feedback-state="PENDING"]').waitFor();
    const manager = await t.newPage({ as: 'resp.filiere@demo.test' });
    await manager.goto(t.url('/followup/feedback'));
    await manager.locator(`[data-moderation="${a.id}"]`).waitFor();
    await checkAtBothWidths(manager, 'feedback-moderation');

    // The student's private calendar address, made and shown once.
    await me.goto(t.url('/account/calendar'));
    await me.getByRole('button', { name: fr('followup.calendar.make') }).click();
    await me.locator('[data-calendar-url]').waitFor();
    await checkAtBothWidths(me, 'calendar-feed');
    const feed = await me.request.get(await me.locator('[data-calendar-url]').inputValue());
    expect(feed.headers()['content-type']).toContain('text/calendar');
  }, 180_000);
});
