import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { inviteStudentEvaluation } from '../../src/modules/evaluations/evaluations.service.js';
import { currentForm } from '../../src/modules/evaluations/forms.js';
import { FixedClock } from '../../src/time/clock.js';
import type { AgreementWorld } from '../factories/agreements.js';
import { auditRows } from '../factories/institutions.js';
import { STUDENT, TEACHER, TUTOR, WRITE } from '../factories/signatures.js';
import { fieldError, mailsTo } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';
import { another, BEFORE_OPENING, defaultAnswers, OPENING, post, validated } from './evaluations.fixtures.js';

const clock = new FixedClock('2026-06-15T09:00:00Z');
const PROGRAMME_MANAGER = 'prog.info@test.example';
/** Every other role around the internship: none reads the student's answers. */
const NOT_READERS = [STUDENT, 'admin@acme.test', TUTOR, TEACHER, 'year.l3@test.example', 'prog.droit@test.example', 'a.read@test.example', WRITE, 'a.admin@test.example', 'platform.admin@test.example'];

/** The defence recorded (the defence helper's row) and the student invited, in one transaction. */
async function graded(t: { db: Db; ctx: { services: { agreements: { byLink(id: number): Promise<Parameters<typeof inviteStudentEvaluation>[1]> } } } }, agreementId: number) {
  const a = await t.ctx.services.agreements.byLink(agreementId);
  return t.db.$transaction(async (tx) => {
    await tx.internshipGrade.create({ data: { agreementId, defenceOn: new Date('2026-06-12'), grade: 15, recordedAt: clock.now() } });
    return inviteStudentEvaluation(tx, a, 'http://stages.test');
  });
}

describe("the student's confidential evaluation of the internship", () => {
  const t = useApp({}, { clock });

  it('opens with the final grade (the invitation mailed once); the student sends it and sees only when', async () => {
    clock.set('2026-06-15T09:00:00Z');
    const { a } = await validated(t.db);
    const student = await agent(t.app, STUDENT);
    const url = `/agreements/${a.id}/evaluations/student`;
    const before = await student.a.get(url);
    expect(before.status).toBe(200);
    expect(before.text).toContain('data-evaluation-state="not-yet"');
    expect(before.text).toContain('une fois la note finale enregistrée');
    expect((await post(student, url, defaultAnswers('STUDENT'))).status).toBe(422);

    expect(await graded(t, a.id)).toBe(true);
    expect(await t.db.$transaction((tx) => inviteStudentEvaluation(tx, { ...a, organisation: { legalName: 'ACME Lyon' } }, 'http://stages.test'))).toBe(false);
    const invitations = (await mailsTo(t.db, STUDENT)).filter((m) => m.template === 'evaluation-student');
    expect(invitations).toHaveLength(1);
    expect(invitations[0].text).toContain(url);

    const form = await student.a.get(url);
    expect(form.text).toContain('data-evaluation-form="STUDENT"');
    expect(form.text).toContain('data-confidential');
    const bad = await post(student, url, defaultAnswers('STUDENT', { recommend: 'no', recommend__followUp: '', comment: 'Ambiance tendue' }));
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'recommend__followUp')).toBe('Ce champ est obligatoire.');
    expect(bad.text).toContain('Ambiance tendue');
    expect(await t.db.evaluation.count()).toBe(0);
    // Only the student sends it.
    expect((await post(await agent(t.app, PROGRAMME_MANAGER), url, defaultAnswers('STUDENT'))).status).toBe(403);
    expect((await post(student, url, defaultAnswers('STUDENT', { recommend: 'no', recommend__followUp: 'Encadrement absent', comment: 'Ambiance tendue' }))).status).toBe(303);
    expect((await post(student, url, defaultAnswers('STUDENT'))).status).toBe(422);
    // The audit trail names the act, never the answers.
    expect(JSON.stringify((await auditRows(t.db, 'evaluation.submit')).map((r) => r.after))).not.toContain('Ambiance tendue');

    const sent = await student.a.get(url);
    expect(sent.text).toContain('data-evaluation-state="sent"');
    expect(sent.text).not.toContain('Ambiance tendue');
    expect((await student.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('data-step="studentEvaluation" data-state="done"');
  });

  it('is read by the manager of the student’s programme alone: every other role gets a 404, and no page of theirs shows an answer', async () => {
    clock.set('2026-06-15T09:00:00Z');
    const { a } = await validated(t.db);
    await graded(t, a.id);
    const student = await agent(t.app, STUDENT);
    expect((await post(student, `/agreements/${a.id}/evaluations/student`, defaultAnswers('STUDENT', { comment: 'Secret : tuteur souvent absent' }))).status).toBe(303);
    const answers = `/agreements/${a.id}/evaluations/student/answers`;
    for (const who of NOT_READERS) {
      const s = await agent(t.app, who);
      expect((await s.a.get(answers)).status, who).toBe(404);
      const followUp = await s.a.get(`/agreements/${a.id}/follow-up`);
      expect(followUp.text, who).not.toContain('Secret : tuteur souvent absent');
      expect(followUp.text, who).not.toContain('data-read="student"');
      if (who !== STUDENT) expect((await s.a.get(`/agreements/${a.id}/evaluations/student`)).status, who).toBe(404);
    }
    const manager = await agent(t.app, PROGRAMME_MANAGER);
    const read = await manager.a.get(answers);
    expect(read.status).toBe(200);
    expect(read.text).toContain('Secret : tuteur souvent absent');
    expect(read.text).toContain('Recommanderiez-vous ce stage à un autre étudiant ?');
    expect((await manager.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('data-read="student"');
  });

  it("takes the academic tutor's evaluation from its opening day, read by the programme manager and the centre's staff", async () => {
    clock.set(BEFORE_OPENING);
    const { a } = await validated(t.db);
    const teacher = await agent(t.app, TEACHER);
    const url = `/agreements/${a.id}/evaluations/academic`;
    expect((await teacher.a.get(url)).text).toContain('data-evaluation-state="not-yet"');
    expect((await post(teacher, url, defaultAnswers('ACADEMIC'))).status).toBe(422);
    clock.set(OPENING);
    const now = await agent(t.app, TEACHER);
    expect((await now.a.get(url)).text).toContain('Forme du suivi');
    expect((await post(await agent(t.app, TUTOR), url, defaultAnswers('ACADEMIC'))).status).toBe(403);
    expect((await post(now, url, defaultAnswers('ACADEMIC', { visit: 'video', sendAgain: 'no', sendAgain__followUp: 'Missions hors convention' }))).status).toBe(303);
    expect(await t.db.evaluation.findFirstOrThrow()).toMatchObject({ kind: 'ACADEMIC', proposedGrade: null });
    for (const who of [TEACHER, PROGRAMME_MANAGER, 'a.read@test.example']) {
      const page = await (await agent(t.app, who)).a.get(url);
      expect(page.status, who).toBe(200);
      expect(page.text, who).toContain('Missions hors convention');
    }
    for (const who of [STUDENT, TUTOR, 'admin@acme.test', 'year.l3@test.example', 'platform.admin@test.example']) expect((await (await agent(t.app, who)).a.get(url)).status, who).toBe(404);
    expect((await now.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('data-step="academicEvaluation" data-state="done"');
  });

  it("shows staff the organisation's anonymous figures from 5 answers, nothing below, never to students", async () => {
    clock.set('2026-06-15T09:00:00Z');
    const { w, a } = await validated(t.db);
    const form = await currentForm(t.db, a.centreId, 'STUDENT');
    const write = (agreementId: number, recommend: string, welcome: number) => t.db.evaluation.create({ data: { agreementId, kind: 'STUDENT', formId: form.id, answers: { recommend, welcome, comment: 'Texte libre' }, submittedAt: clock.now() } });
    const ids = [a.id, ...(await Promise.all([2021, 2022, 2023, 2024].map((y) => another(t.db, w as AgreementWorld, `${y}-03-01`, `${y}-05-28`)))).map((x) => x.id)];
    for (const [i, id] of ids.slice(0, 4).entries()) await write(id, i === 0 ? 'no' : 'yes', 3 + (i % 2));
    const staffView = async (who: string) => (await (await agent(t.app, who)).a.get(`/organisations/${w.acme.id}`)).text;
    expect(await staffView('a.read@test.example')).not.toContain('data-evaluation-figures');

    await write(ids[4], 'yes', 5);
    for (const who of ['a.read@test.example', PROGRAMME_MANAGER]) {
      const page = await staffView(who);
      expect(page, who).toContain('data-evaluation-figures');
      expect(page, who).toContain('<dd data-figure="count">5</dd>');
      expect(page, who).toContain('<dd data-figure="recommend">80 %</dd>');
      // welcome: 3, 4, 3, 4, 5 → 3.8.
      expect(page, who).toMatch(/data-mean="welcome"><th scope="row">Accueil dans l&#39;organisme<\/th><td>3,8 \/ 5<\/td><td>5<\/td>/);
      expect(page, who).not.toContain('Texte libre');
    }
    expect(await staffView('hugo.bernard@etu.test')).not.toContain('data-evaluation-figures');
    expect(await staffView('platform.admin@test.example')).not.toContain('data-evaluation-figures');
  });
});
