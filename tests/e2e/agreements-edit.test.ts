import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { createAgreement } from '../../src/modules/agreements/agreements.create.js';
import { day, fullTime } from '../factories/legal.js';
import { seedLegalParameters } from '../factories/legal-db.js';
import { describeBrowser, expectAccessible, field, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

// The student edits their draft from its page ("Modifier"): the wizard's internship screen with the
// agreement's values, saved, back on the page; the edit screens checked with axe.
describeBrowser('end-to-end: editing an agreement', () => {
  const t = useBrowserApp();

  it("is edited from its page through the wizard's screens, the pages accessible", async () => {
    if (!(await t.db.legalParameter.count())) await seedLegalParameters(t.db);
    const student = await t.db.studentProfile.findFirstOrThrow({ where: { user: { email: 'etudiant@demo.test' } } });
    const org = await t.db.companyMembership.findFirstOrThrow({ where: { user: { email: 'entreprise@demo.test' } } });
    // A year ahead, clear of the demo data's own internships.
    const a = await t.db.$transaction((tx) =>
      createAgreement(tx, { actor: null, requestId: null, now: new Date() }, {
        studentId: student.id, organisationId: org.organisationId, type: 'MANDATORY', subject: 'Sujet initial', activities: 'Développement',
        startDate: day('2027-03-01'), endDate: day('2027-05-28'), schedule: fullTime(7), leaveTerms: '2 jours par mois',
      }),
    );
    const page = await t.newPage({ as: 'etudiant@demo.test' });
    page.setDefaultTimeout(60_000);
    await page.goto(t.url(`/agreements/${a.id}`));
    await Promise.all([page.waitForURL((u) => u.pathname.endsWith('/edit/internship')), page.getByRole('link', { name: fr('agreements.action.edit') }).click()]);
    expect(await field(page, fr('agreementWizard.internship.subject')).inputValue()).toBe('Sujet initial');
    await expectAccessible(page, 'agreement edit: internship');
    await field(page, fr('agreementWizard.internship.subject')).fill('Sujet modifié');
    await page.getByRole('button', { name: fr('agreementWizard.edit.save'), exact: true }).click();
    await page.waitForLoadState('load');
    expect(new URL(page.url()).pathname, await page.locator('main').innerText()).toBe(`/agreements/${a.id}`);
    expect(await page.getByText('Sujet modifié').count()).toBeGreaterThan(0);
    for (const screen of ['company-tutor', 'place', 'host']) {
      await page.goto(t.url(`/agreements/${a.id}/edit/${screen}`));
      await expectAccessible(page, `agreement edit: ${screen}`);
    }
    // The host screen's search keeps its criteria and lists what it finds (the current host stays chosen).
    await field(page, fr('agreementWizard.host.name')).fill('a');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('name') === 'a'), page.getByRole('main').getByRole('button', { name: fr('agreementWizard.search'), exact: true }).click()]);
    await expectAccessible(page, 'agreement edit: host search');
  }, 180_000);
});
