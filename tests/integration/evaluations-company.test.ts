import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/time/clock.js';
import { auditRows } from '../factories/institutions.js';
import { STUDENT, TEACHER, TUTOR, WRITE } from '../factories/signatures.js';
import { fieldError, mailsTo } from '../factories/students.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';
import { another, BEFORE_OPENING, defaultAnswers, lastEvaluationToken, OPENING, post, tutorWithoutAccount, validated } from './evaluations.fixtures.js';

const clock = new FixedClock(OPENING);
const DAY = 86_400_000;

describe("the company tutor's evaluation, signed in", () => {
  const t = useApp({}, { clock });

  it('opens 10 days before the end, not a minute before (Paris day)', async () => {
    clock.set(BEFORE_OPENING);
    const { a } = await validated(t.db);
    const tutor = await agent(t.app, TUTOR);
    const page = await tutor.a.get(`/agreements/${a.id}/evaluations/company`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-evaluation-state="not-yet"');
    expect(page.text).toContain('19 mai 2026');
    expect(page.text).not.toContain('data-evaluation-form');
    const early = await post(tutor, `/agreements/${a.id}/evaluations/company`, defaultAnswers('COMPANY', { proposedGrade: '15' }));
    expect(early.status).toBe(422);
    expect(early.text).toContain("L&#39;évaluation n&#39;est pas ouverte.");
    expect(await t.db.evaluation.count()).toBe(0);
    expect((await tutor.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('data-evaluation="company" data-state="not-yet"');

    clock.set(OPENING);
    const open = await tutor.a.get(`/agreements/${a.id}/evaluations/company`);
    expect(open.text).toContain('data-evaluation-form="COMPANY"');
    expect(open.text).toContain('Reprendriez-vous ce stagiaire ?');
    // The follow-up question is in the page without a script, with when to fill it.
    expect(open.text).toContain('name="takeAgain__followUp"');
    expect(open.text).toContain('À remplir si vous avez répondu « non » à la question « Reprendriez-vous ce stagiaire ? ».');
    const followUp = await tutor.a.get(`/agreements/${a.id}/follow-up`);
    expect(followUp.text).toContain('data-evaluation="company" data-state="to-do"');
    expect(followUp.text).toContain('data-fill="company"');
  });

  it('takes the answers and a proposed grade once: field errors keep what was typed and write nothing', async () => {
    clock.set(OPENING);
    const { a } = await validated(t.db);
    const tutor = await agent(t.app, TUTOR);
    const url = `/agreements/${a.id}/evaluations/company`;
    const bad = await post(tutor, url, defaultAnswers('COMPANY', { punctuality: '', takeAgain: 'no', takeAgain__followUp: '', achievements: 'Refonte du site web', proposedGrade: '21' }));
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'punctuality')).toBe('Ce champ est obligatoire.');
    expect(fieldError(bad.text, 'takeAgain__followUp')).toBe('Ce champ est obligatoire.');
    expect(fieldError(bad.text, 'proposedGrade')).toBe('Saisissez une note entre 0 et 20, avec deux décimales au plus (par exemple 14,5).');
    expect(bad.text).toContain('Refonte du site web');
    expect(bad.text).toMatch(/id="f-takeAgain-no" name="takeAgain" value="no" checked/);
    expect(bad.text).toMatch(/name="proposedGrade" value="21"/);
    expect(await t.db.evaluation.count()).toBe(0);
    expect(await auditRows(t.db, 'evaluation.submit')).toHaveLength(0);
    expect(await mailsTo(t.db, TEACHER)).toHaveLength(0);

    // Only the company tutor fills it.
    expect((await post(await agent(t.app, STUDENT), url, defaultAnswers('COMPANY', { proposedGrade: '15' }))).status).toBe(403);
    expect((await post(await agent(t.app, 'admin@acme.test'), url, defaultAnswers('COMPANY', { proposedGrade: '15' }))).status).toBe(403);

    const ok = await post(tutor, url, defaultAnswers('COMPANY', { takeAgain: 'no', takeAgain__followUp: 'Trop peu disponible', proposedGrade: '14,5' }));
    expect(ok.status).toBe(303);
    const ev = await t.db.evaluation.findUniqueOrThrow({ where: { agreementId_kind: { agreementId: a.id, kind: 'COMPANY' } }, include: { form: true } });
    expect(Number(ev.proposedGrade)).toBe(14.5);
    expect(ev.form).toMatchObject({ centreId: null, version: 1, kind: 'COMPANY' });
    expect(ev.submittedById).toBe((await t.db.user.findUniqueOrThrow({ where: { email: TUTOR } })).id);
    expect(ev.answers).toMatchObject({ takeAgain: 'no', takeAgain__followUp: 'Trop peu disponible', punctuality: 4 });
    expect((await auditRows(t.db, 'evaluation.submit')).map((r) => r.after)).toEqual([expect.objectContaining({ kind: 'COMPANY', proposedGrade: '14.5', viaLink: false })]);
    // "Une étape a été franchie": the academic tutor is told.
    expect((await mailsTo(t.db, TEACHER)).map((m) => m.template)).toEqual(['step-done']);

    // Sent: it cannot be changed.
    const again = await post(tutor, url, defaultAnswers('COMPANY', { proposedGrade: '20' }));
    expect(again.status).toBe(422);
    expect(Number((await t.db.evaluation.findFirstOrThrow()).proposedGrade)).toBe(14.5);
    const shown = await tutor.a.get(url);
    expect(shown.text).toContain('data-proposed-grade');
    expect(shown.text).toContain('14,5 / 20');
    expect(shown.text).toContain('Trop peu disponible');
    expect(shown.text).not.toContain('data-evaluation-form');
  });

  it('is read by its author, the academic tutor, the managers and the centre’s staff; not by the student, the host’s administrator or the platform administrator', async () => {
    clock.set(OPENING);
    const { a } = await validated(t.db);
    const tutor = await agent(t.app, TUTOR);
    expect((await post(tutor, `/agreements/${a.id}/evaluations/company`, defaultAnswers('COMPANY', { improvements: 'Documenter davantage', proposedGrade: '16' }))).status).toBe(303);
    const url = `/agreements/${a.id}/evaluations/company`;
    for (const who of [TUTOR, TEACHER, 'prog.info@test.example', 'year.l3@test.example', 'a.read@test.example', WRITE]) {
      const page = await (await agent(t.app, who)).a.get(url);
      expect(page.status, who).toBe(200);
      expect(page.text, who).toContain('Documenter davantage');
    }
    for (const who of [STUDENT, 'admin@acme.test', 'platform.admin@test.example', 'prog.droit@test.example', 'teacher2@uda.test', 'year.l2@test.example']) {
      const page = await (await agent(t.app, who)).a.get(url);
      expect(page.status, who).toBe(404);
    }
    // The follow-up page: the grade for its readers, never for the student.
    expect((await (await agent(t.app, TEACHER)).a.get(`/agreements/${a.id}/follow-up`)).text).toContain('16 / 20');
    const studentView = (await (await agent(t.app, STUDENT)).a.get(`/agreements/${a.id}/follow-up`)).text;
    expect(studentView).toContain('data-evaluation="company" data-state="sent"');
    expect(studentView).not.toContain('16 / 20');
  });

  it('is marked consulted by the academic tutor only, once', async () => {
    clock.set(OPENING);
    const { a } = await validated(t.db);
    const teacher = await agent(t.app, TEACHER);
    const consulted = `/agreements/${a.id}/evaluations/company/consulted`;
    // Nothing to consult yet.
    expect((await post(teacher, consulted, {})).status).toBe(422);
    const tutor = await agent(t.app, TUTOR);
    expect((await post(tutor, `/agreements/${a.id}/evaluations/company`, defaultAnswers('COMPANY', { proposedGrade: '12' }))).status).toBe(303);
    expect((await teacher.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('data-consult-form');
    expect((await tutor.a.get(`/agreements/${a.id}/follow-up`)).text).not.toContain('data-consult-form');
    for (const who of [TUTOR, STUDENT, 'prog.info@test.example']) expect((await post(await agent(t.app, who), consulted, {})).status, who).toBe(403);
    // Staff do not act on the follow-up ('followup.act'); another programme's manager does not reach it.
    expect((await post(await agent(t.app, WRITE), consulted, {})).status).toBe(403);
    expect((await post(await agent(t.app, 'prog.droit@test.example'), consulted, {})).status).toBe(404);
    expect((await t.db.evaluation.findFirstOrThrow()).consultedAt).toBeNull();

    // Two days later (a new session: the former one timed out meanwhile).
    clock.set('2026-05-20T08:00:00Z');
    const later = await agent(t.app, TEACHER);
    expect((await post(later, consulted, {})).status).toBe(303);
    const ev = await t.db.evaluation.findFirstOrThrow();
    expect(ev.consultedAt).toEqual(new Date('2026-05-20T08:00:00Z'));
    expect(ev.consultedById).toBe((await t.db.user.findUniqueOrThrow({ where: { email: TEACHER } })).id);
    expect(await auditRows(t.db, 'evaluation.consult')).toHaveLength(1);
    expect((await post(later, consulted, {})).status).toBe(422);
    const page = (await later.a.get(`/agreements/${a.id}/follow-up`)).text;
    expect(page).toContain('data-step="evaluationConsulted" data-state="done"');
    expect(page).toContain('data-step="companyEvaluation" data-state="done"');
    expect(page).toContain('data-consulted="yes"');
  });
});

describe("the company tutor's evaluation from an e-mailed link", () => {
  const t = useApp({}, { clock });
  /** An anonymous visitor with a CSRF token read from the page it opens. */
  const visitor = async (path: string) => {
    const a = request.agent(t.app);
    const page = await a.get(path);
    return { a, page, csrf: page.status === 200 ? csrfFrom(page.text) : '' };
  };
  const job = (at: string) => {
    clock.set(at);
    return t.ctx.services.evaluationLinks.openDue({ actor: null, requestId: null, now: clock.now() });
  };

  it("the daily job mails the tutor once on the opening day: a sign-in link with an account, a single-use link without", async () => {
    clock.set(BEFORE_OPENING);
    const { w, a } = await validated(t.db);
    // A second internship whose tutor has no account (Hugo's, same dates): a link to the contact's address.
    const hugoTutor = await t.db.contact.create({ data: { organisationId: w.acme.id, firstName: 'Chloé', lastName: 'Petit', email: 'chloe.petit@acme.example' } });
    const b = await another(t.db, w, '2026-03-02', '2026-05-29');
    await t.db.agreement.update({ where: { id: b.id }, data: { companyTutorId: hugoTutor.id } });
    expect(await job(BEFORE_OPENING)).toBe(0);
    expect(await job(OPENING)).toBe(2);
    expect(await job('2026-05-19T09:00:00Z')).toBe(0);
    expect(await job('2026-05-20T09:00:00Z')).toBe(0);
    const opened = await mailsTo(t.db, TUTOR);
    expect(opened.map((m) => m.template)).toEqual(['evaluation-open']);
    expect(opened[0].text).toContain(`/agreements/${a.id}/evaluations/company`);
    expect(opened[0].text).toContain('29 mai 2026');
    const linked = await mailsTo(t.db, 'chloe.petit@acme.example');
    expect(linked.map((m) => m.template)).toEqual(['evaluation-link']);
    expect(await t.db.evaluationLink.count()).toBe(1);
    // Sent or not, nothing more is mailed on the following days (the reminders are the reminder job's).
    const tutor = await agent(t.app, TUTOR);
    expect((await post(tutor, `/agreements/${a.id}/evaluations/company`, defaultAnswers('COMPANY', { proposedGrade: '13' }))).status).toBe(303);
    expect(await job('2026-05-30T09:00:00Z')).toBe(0);
    expect(await mailsTo(t.db, TUTOR)).toHaveLength(1);
    expect(await mailsTo(t.db, 'chloe.petit@acme.example')).toHaveLength(1);
  });

  it('is sent by WRITE staff or the academic tutor once open; works once; sends the academic tutor the step', async () => {
    clock.set(BEFORE_OPENING);
    const { w, a } = await validated(t.db);
    const address = await tutorWithoutAccount(t.db, w);
    const staff = await agent(t.app, WRITE);
    const link = `/agreements/${a.id}/evaluations/company/link`;
    expect((await post(staff, link, {})).status).toBe(422);
    clock.set(OPENING);
    const staffNow = await agent(t.app, WRITE);
    expect((await staffNow.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('b•••@a•••.example');
    for (const who of ['a.read@test.example', STUDENT, 'prog.info@test.example']) expect((await post(await agent(t.app, who), link, {})).status, who).toBe(403);
    const sent = await post(staffNow, link, {});
    expect(sent.status).toBe(303);
    expect((await staffNow.a.get(sent.headers.location)).text).toContain('Un lien vers l&#39;évaluation a été envoyé au tuteur entreprise (b•••@a•••.example).');
    expect(await auditRows(t.db, 'evaluation.link')).toHaveLength(1);
    // A second press a moment later: refused, nothing sent.
    expect((await post(await agent(t.app, TEACHER), link, {})).status).toBe(422);
    expect(await mailsTo(t.db, address)).toHaveLength(1);
    const token = await lastEvaluationToken(t.db, address);

    const v = await visitor(`/evaluate/${token}`);
    expect(v.page.status).toBe(200);
    expect(v.page.text).toContain('data-evaluation-form="COMPANY"');
    const bad = await v.a.post(`/evaluate/${token}`).type('form').send({ _csrf: v.csrf, ...defaultAnswers('COMPANY', { overall: '2', overall__followUp: '', proposedGrade: 'douze', comment: 'Stagiaire sérieux' }) });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'overall__followUp')).toBe('Ce champ est obligatoire.');
    expect(fieldError(bad.text, 'proposedGrade')).toBeTruthy();
    expect(bad.text).toContain('Stagiaire sérieux');
    expect(await t.db.evaluation.count()).toBe(0);
    const ok = await v.a.post(`/evaluate/${token}`).type('form').send({ _csrf: v.csrf, ...defaultAnswers('COMPANY', { proposedGrade: '17.25' }) });
    expect(ok.status).toBe(303);
    const ev = await t.db.evaluation.findFirstOrThrow();
    expect(ev).toMatchObject({ kind: 'COMPANY', submittedById: null });
    expect(Number(ev.proposedGrade)).toBe(17.25);
    expect((await t.db.evaluationLink.findFirstOrThrow()).usedAt).toEqual(clock.now());
    expect((await mailsTo(t.db, TEACHER)).map((m) => m.template)).toEqual(['step-done']);
    expect((await auditRows(t.db, 'evaluation.submit'))[0]).toMatchObject({ actorId: null, after: expect.objectContaining({ viaLink: true }) });

    // Single use: the link says so, and a second post changes nothing.
    const used = await v.a.get(`/evaluate/${token}`);
    expect(used.text).toContain('data-link-state="used"');
    expect(used.text).not.toContain('data-evaluation-form');
    const twice = await v.a.post(`/evaluate/${token}`).type('form').send({ _csrf: v.csrf, ...defaultAnswers('COMPANY', { proposedGrade: '5' }) });
    expect(twice.status).toBe(422);
    expect(Number((await t.db.evaluation.findFirstOrThrow()).proposedGrade)).toBe(17.25);
    expect((await v.a.get('/evaluate/not-a-token')).status).toBe(404);
    expect((await (await agent(t.app, TEACHER)).a.get(`/agreements/${a.id}/evaluations/company`)).text).toContain('envoyée depuis un lien reçu par courriel');
  });

  it('expires after 30 days to the millisecond; renewed to the same address only, never another, the address masked', async () => {
    clock.set(OPENING);
    const { w, a } = await validated(t.db);
    const address = await tutorWithoutAccount(t.db, w);
    expect((await post(await agent(t.app, WRITE), `/agreements/${a.id}/evaluations/company/link`, {})).status).toBe(303);
    const token = await lastEvaluationToken(t.db, address);
    const sentAt = new Date(OPENING).getTime();

    clock.set(new Date(sentAt + 30 * DAY - 1));
    expect((await visitor(`/evaluate/${token}`)).page.text).toContain('data-evaluation-form="COMPANY"');
    clock.set(new Date(sentAt + 30 * DAY));
    const expired = await visitor(`/evaluate/${token}`);
    expect(expired.page.status).toBe(200);
    expect(expired.page.text).toContain('data-link-state="expired"');
    expect(expired.page.text).toContain('b•••@a•••.example');
    expect(expired.page.text).not.toContain(address);
    const late = await expired.a.post(`/evaluate/${token}`).type('form').send({ _csrf: expired.csrf, ...defaultAnswers('COMPANY', { proposedGrade: '15' }) });
    expect(late.status).toBe(422);
    expect(await t.db.evaluation.count()).toBe(0);

    // Renewed: a new link, to the same address, and nothing typed can send it elsewhere.
    const renewed = await expired.a.post(`/evaluate/${token}/renew`).type('form').send({ _csrf: expired.csrf, email: 'attacker@evil.example' });
    expect(renewed.status).toBe(200);
    expect(renewed.text).toContain('data-link-state="renewed"');
    expect(renewed.text).not.toContain(address);
    expect(await mailsTo(t.db, 'attacker@evil.example')).toHaveLength(0);
    expect((await mailsTo(t.db, address)).map((m) => m.template)).toEqual(['evaluation-link', 'evaluation-link']);
    expect((await t.db.evaluationLink.findMany({ orderBy: { id: 'asc' } })).map((l) => l.email)).toEqual([address, address]);
    // Pressed again at once: refused, nothing sent.
    expect((await expired.a.post(`/evaluate/${token}/renew`).type('form').send({ _csrf: expired.csrf })).status).toBe(422);
    expect(await mailsTo(t.db, address)).toHaveLength(2);
    const fresh = await lastEvaluationToken(t.db, address);
    expect(fresh).not.toBe(token);
    expect((await visitor(`/evaluate/${fresh}`)).page.text).toContain('data-evaluation-form="COMPANY"');

    // The tutor's address changed since: the old link is no longer theirs, and is renewed to no one.
    clock.set(new Date(sentAt + 61 * DAY));
    await t.db.contact.update({ where: { id: w.companyTutor.id }, data: { email: 'new.tutor@acme.example' } });
    const closed = await visitor(`/evaluate/${fresh}`);
    expect(closed.page.text).toContain('data-link-state="closed"');
    expect((await closed.a.post(`/evaluate/${fresh}/renew`).type('form').send({ _csrf: closed.csrf })).status).toBe(422);
    expect(await mailsTo(t.db, 'new.tutor@acme.example')).toHaveLength(0);
    expect(await mailsTo(t.db, address)).toHaveLength(2);
    expect((await closed.a.post('/evaluate/not-a-token/renew').type('form').send({ _csrf: closed.csrf })).status).toBe(404);
  });
});
