import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { createAgreement } from '../../src/modules/agreements/agreements.create.js';
import { day, fullTime } from '../factories/legal.js';
import { seedLegalParameters } from '../factories/legal-db.js';
import { checkAtBothWidths, describeBrowser, field, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

/** A long walk on a shared machine: waits of a minute rather than 30 s. */
async function patient(p: Promise<Page>): Promise<Page> {
  const page = await p;
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(60_000);
  return page;
}

const checkPage = checkAtBothWidths;

async function act(page: Page, path: string, button: string) {
  await page.goto(path);
  await Promise.all([page.waitForURL((u) => u.pathname === new URL(path).pathname), page.getByRole('button', { name: button, exact: true }).click()]);
  await page.waitForLoadState('load');
}

// An agreement of the demo student is sent by the student, validated by the academic tutor, checked
// and validated by the centre's staff, each through the page's buttons; the centre's ADMIN renames a
// step on the settings page. Every page checked with axe at desktop and phone widths.
describeBrowser('end-to-end: an agreement through its validation steps', () => {
  const t = useBrowserApp();

  it('is sent, validated in two steps and validated, the pages accessible', async () => {
    if (!(await t.db.legalParameter.count())) await seedLegalParameters(t.db);
    const student = await t.db.studentProfile.findFirstOrThrow({ where: { user: { email: 'etudiant@demo.test' } } });
    const org = await t.db.companyMembership.findFirstOrThrow({ where: { user: { email: 'entreprise@demo.test' } } });
    const teacher = await t.db.user.findUniqueOrThrow({ where: { email: 'enseignant@demo.test' } });
    // A year ahead, clear of the demo data's own internships.
    const a = await t.db.$transaction((tx) =>
      createAgreement(tx, { actor: null, requestId: null, now: new Date() }, {
        studentId: student.id,
        organisationId: org.organisationId,
        academicTutorId: teacher.id,
        type: 'MANDATORY',
        subject: 'Application de suivi des stages',
        startDate: day('2027-03-01'),
        endDate: day('2027-05-28'),
        schedule: fullTime(7),
        payAmount: 4.5,
        payUnit: 'HOUR',
        leaveTerms: '2 jours par mois',
      }),
    );
    const path = t.url(`/agreements/${a.id}`);
    // The validation steps alone (a centre without a signature phase; signing: signatures.test.ts).
    await t.db.managementCentre.updateMany({ data: { signatureParties: [] } });

    const studentPage = await patient(t.newPage({ as: 'etudiant@demo.test' }));
    await studentPage.goto(path);
    expect((await studentPage.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe(fr('agreements.show.title', { number: a.number }));
    await checkPage(studentPage, 'agreement-draft');
    await act(studentPage, path, fr('agreements.action.submit'));
    expect(await studentPage.locator('[data-status="SUBMITTED"]').count()).toBeGreaterThan(0);

    const teacherPage = await patient(t.newPage({ as: 'enseignant@demo.test' }));
    await teacherPage.goto(path);
    await checkPage(teacherPage, 'agreement-submitted');
    await act(teacherPage, path, fr('agreements.action.validatePedagogical'));

    const staff = await patient(t.newPage({ as: 'gestionnaire@demo.test' }));
    await act(staff, path, fr('agreements.action.verifyAdministrative'));
    await act(staff, path, fr('agreements.action.validate'));
    expect(await staff.locator('[data-status="VALIDATED"]').count()).toBeGreaterThan(0);
    await checkPage(staff, 'agreement-validated');
    // Deleting a validated agreement is not offered; un-validating is.
    expect(await staff.getByRole('button', { name: fr('agreements.action.delete'), exact: true }).count()).toBe(0);
    expect(await staff.getByRole('button', { name: fr('agreements.action.unvalidate'), exact: true }).count()).toBe(1);

    const admin = await patient(t.newPage({ as: 'resp.centre@demo.test' }));
    const centre = await t.db.studyYear.findUniqueOrThrow({ where: { id: student.studyYearId! }, select: { centreId: true } });
    const settings = t.url(`/agreements/centres/${centre.centreId}/settings`);
    await admin.goto(settings);
    await checkPage(admin, 'agreement-settings');
    await field(admin, fr('agreements.settings.agreementAlertDays')).fill('400');
    await Promise.all([admin.waitForEvent('load'), admin.getByRole('button', { name: fr('common.save'), exact: true }).click()]);
    expect(await admin.locator('.error-summary').count()).toBe(1);
    await checkPage(admin, 'agreement-settings-error');
  }, 240_000);
});
