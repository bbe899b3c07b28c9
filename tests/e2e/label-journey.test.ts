import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { todayIn } from '../../src/time/calendar.js';
import { makeDemoAgreement } from '../factories/agreements.js';
import { flat, hasPdftotext, pdfText } from '../factories/documents.js';
import { checkAtBothWidths, describeBrowser, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);

/** Answers every question of an evaluation form as a satisfied reader would: yes, 4 out of 5, the first choice, a sentence. */
async function answerAll(page: Page, form: string) {
  // In the page's own JavaScript (the project's TypeScript has no DOM types).
  await page.evaluate(`(() => {
    const f = document.querySelector(${JSON.stringify(form)});
    const names = new Set([...f.querySelectorAll('input[type=radio]')].map((r) => r.name));
    for (const n of names) {
      const radios = [...f.querySelectorAll('input[type=radio][name="' + n + '"]')];
      (radios.find((r) => r.value === 'yes') || radios.find((r) => r.value === '4') || radios[0]).checked = true;
    }
    for (const t of f.querySelectorAll('textarea, input[type=text]')) {
      if (!t.name.endsWith('__followUp') && t.name !== 'proposedGrade') t.value = 'Très bien.';
    }
  })()`);
}

/** Posts a form of the page and waits for the page it leads to; returns the status of the answer to the POST. */
async function submit(page: Page, form: string, button = 'button[type=submit]'): Promise<number> {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.locator(`${form} ${button}`).first().click();
  const status = (await posted).status();
  await page.waitForLoadState('load');
  return status;
}

let visits = 0;
/** Opens a page afresh (a new query each time: going to the same address with another #section would not reload it). */
async function visit(page: Page, url: string) {
  const [path, hash] = url.split('#');
  await page.goto(`${path}${path.includes('?') ? '&' : '?'}visit=${++visits}${hash ? `#${hash}` : ''}`);
}

/** Answers yes to the label for the party the page's account speaks for. */
async function joinLabel(page: Page, id: number, party: string) {
  await visit(page, `${new URL(page.url()).origin}/agreements/${id}/follow-up#label`);
  expect(await submit(page, `[data-label-form="${party}"]`, 'button[value="YES"]')).toBe(303);
}

// One internship through every step of the label, by its five actors in Chromium — the student,
// the company tutor (the evaluation from the e-mailed link), the academic tutor, the centre's staff
// and the programme manager — to its label, whose certificate verifies publicly. Each new page
// checked with axe at desktop and phone widths.
describeBrowser('end-to-end: an internship earns its label', () => {
  const t = useBrowserApp();

  it('goes through every step by its five actors, gets its label, and the certificate verifies', async () => {
    const today = todayIn(new Date());
    const karim = await t.db.contact.findFirstOrThrow({ where: { user: { email: 'tuteur@demo.test' } } });
    const teacher = await t.db.user.findUniqueOrThrow({ where: { email: 'enseignant@demo.test' } });
    // Under way for two months, ending in five days: the mid-term report and the evaluation are open.
    const { a } = await makeDemoAgreement(t.db, { subject: 'Parcours du label', startDate: today.addDays(-60), endDate: today.addDays(5), companyTutorId: karim.id, academicTutorId: teacher.id });
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'VALIDATED', validatedAt: new Date(Date.now() - 70 * 86_400_000) } });
    const follow = `/agreements/${a.id}/follow-up`;

    // The student, the host and the programme manager say yes to the label.
    const student = await t.newPage({ as: 'etudiant@demo.test' });
    await visit(student, t.url(follow));
    await joinLabel(student, a.id, 'student');
    const tutor = await t.newPage({ as: 'tuteur@demo.test' });
    await visit(tutor, t.url(follow));
    await joinLabel(tutor, a.id, 'company');
    const manager = await t.newPage({ as: 'resp.filiere@demo.test' });
    await visit(manager, t.url(follow));
    await joinLabel(manager, a.id, 'manager');
    await manager.locator('[data-label-state="follows"]').waitFor();

    // The student sends the mid-term report and the experience feedback; both tutors acknowledge the report.
    await visit(student, t.url(`${follow}#midterm`));
    await student.getByLabel(fr('followup.midterm.achievements')).fill('Le module de suivi est livré.');
    expect(await submit(student, 'form[action$="/midterm"]')).toBe(303);
    await student.getByLabel(fr('followup.feedback.workConditions')).fill('Un poste équipé.');
    await student.getByLabel(fr('followup.feedback.environment')).fill('Une équipe accueillante.');
    await student.getByLabel(fr('followup.feedback.supervision')).fill('Un point par semaine.');
    await student.getByLabel(fr('followup.feedback.advice')).fill('Poser des questions tôt.');
    await student.locator('[data-feedback-form] input[name="recommend"][value="yes"]').check();
    expect(await submit(student, '[data-feedback-form]')).toBe(303);
    await student.locator('[data-step="feedback"][data-state="done"]').waitFor();
    for (const [page, action] of [[tutor, 'acknowledgeCompany'], [await t.newPage({ as: 'enseignant@demo.test' }), 'acknowledgeAcademic']] as const) {
      await visit(page, t.url(`${follow}#midterm`));
      expect(await submit(page, `form[action$="/midterm/${action}"]`)).toBe(303);
    }

    // The centre's staff mail the company tutor the evaluation's link; the tutor fills it from there, signed out.
    const staff = await t.newPage({ as: 'gestionnaire@demo.test' });
    await visit(staff, t.url(`${follow}#evaluation`));
    expect(await submit(staff, '#evaluation [data-link-form]')).toBe(303);
    const mail = await t.db.outboxEmail.findFirstOrThrow({ where: { template: 'evaluation-link', to: karim.email! }, orderBy: { id: 'desc' } });
    const link = /\/evaluate\/[A-Za-z0-9_-]+/.exec(mail.text)![0];
    const anonymous = await t.newPage();
    await visit(anonymous, t.url(link));
    await submit(anonymous, '[data-evaluation-form]');
    await anonymous.locator('.error-summary').first().waitFor();
    await checkAtBothWidths(anonymous, 'evaluation-link-errors');
    await answerAll(anonymous, '[data-evaluation-form]');
    await anonymous.getByLabel(fr('evaluations.proposedGradeLabel')).fill('15,5');
    await submit(anonymous, '[data-evaluation-form]');
    await anonymous.locator('[data-link-state="used"]').waitFor();

    // The academic tutor reads it, marks it consulted, and records the defence beside the proposed grade.
    const academic = await t.newPage({ as: 'enseignant@demo.test' });
    await visit(academic, t.url(`/agreements/${a.id}/evaluations/company`));
    await checkAtBothWidths(academic, 'evaluation-answers');
    expect(await submit(academic, '[data-consult-form]')).toBe(303);
    await visit(academic, t.url(`${follow}#defence`));
    expect(await academic.locator('[data-proposed-grade]').first().textContent()).toContain('15,5');
    await academic.getByLabel(fr('followup.defence.defenceOn')).fill(today.toString());
    await academic.getByLabel(fr('followup.defence.grade')).fill('16');
    expect(await submit(academic, '[data-defence-form]')).toBe(303);
    await academic.locator('[data-final-grade]').waitFor();
    await checkAtBothWidths(academic, 'follow-up-defence');

    // The student, invited by mail, evaluates the internship (confidential).
    expect(await t.db.outboxEmail.count({ where: { template: 'evaluation-student', to: 'etudiant@demo.test' } })).toBe(1);
    await visit(student, t.url(`/agreements/${a.id}/evaluations/student`));
    await checkAtBothWidths(student, 'student-evaluation-form');
    await answerAll(student, '[data-evaluation-form]');
    expect(await submit(student, '[data-evaluation-form]')).toBe(303);
    await student.locator('[data-evaluation="student"][data-state="sent"]').waitFor();

    // Every mandatory step done: the programme manager awards the label.
    await visit(manager, t.url(`${follow}#award`));
    await checkAtBothWidths(manager, 'follow-up-award');
    expect(await submit(manager, '[data-award-form]')).toBe(303);
    const award = await t.db.labelAward.findUniqueOrThrow({ where: { agreementId: a.id } });
    expect(award.decision).toBe('AWARDED');
    await visit(student, t.url(follow));
    expect(await student.locator('[data-step]:not([data-state="done"])').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-step')))).toEqual(['journal', 'academicEvaluation']); // the optional ones

    // The certificate, and its public verification without sign-in.
    const pdf = await student.request.get(t.url(`/agreements/${a.id}/label/certificate.pdf`));
    expect(pdf.status()).toBe(200);
    if (hasPdftotext) expect(flat(pdfText(await pdf.body()))).toContain(award.code!);
    await visit(anonymous, t.url(`/label/verify/${award.code}`));
    await anonymous.locator('[data-verify-state="valid"]').waitFor();
    const { firstName, lastName } = await t.db.user.findUniqueOrThrow({ where: { email: 'etudiant@demo.test' } });
    expect(await anonymous.locator('[data-label-facts]').textContent()).toContain(`${firstName} ${lastName}`);
    await checkAtBothWidths(anonymous, 'label-verify');
    const unknown = await anonymous.goto(t.url('/label/verify/AAAA-BBBB-CCCC'));
    expect(unknown?.status()).toBe(404);

    // The student's history, the follow-up lists and the programme manager's cohort figures.
    await visit(student, t.url('/agreements/history'));
    await checkAtBothWidths(student, 'internship-history');
    await visit(staff, t.url('/followup?state=late'));
    await checkAtBothWidths(staff, 'followup-global');
    // The centre's evaluation forms and their editor (ADMIN staff).
    const admin = await t.newPage({ as: 'resp.centre@demo.test' });
    const { centreId } = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    await visit(admin, t.url(`/centres/${centreId}/evaluation-forms`));
    await admin.locator('h1').waitFor();
    expect(new URL(admin.url()).pathname).toBe(`/centres/${centreId}/evaluation-forms`);
    await checkAtBothWidths(admin, 'evaluation-forms');
    await visit(admin, t.url(`/centres/${centreId}/evaluation-forms/company`));
    expect(await admin.locator('form').count()).toBeGreaterThan(1);
    await checkAtBothWidths(admin, 'evaluation-form-editor');
    await visit(manager, t.url('/followup/cohort'));
    await manager.locator('svg').first().waitFor();
    await checkAtBothWidths(manager, 'followup-cohort');
  }, 300_000);
});
