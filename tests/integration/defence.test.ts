import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { auditRows } from '../factories/institutions.js';
import { STUDENT, TEACHER, TUTOR } from '../factories/signatures.js';
import { fieldError, mailsTo } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const clock = new FixedClock('2026-06-03T09:00:00Z');
const post = (s: Awaited<ReturnType<typeof agent>>, path: string, body: Record<string, unknown>) => s.a.post(path).type('form').send({ _csrf: s.csrf, ...body });

/** Léa's internship at ACME (2 March – 29 May 2026), validated, followed up by her centre. */
async function ended(db: Db) {
  const w = await makeAgreementWorld(db);
  const a = await makeAgreement(db, w, {}, { status: 'VALIDATED', validatedAt: new Date('2026-02-20T10:00:00Z'), programmeId: w.info.id });
  return { w, a };
}

async function feedback(db: Db, agreementId: number) {
  await db.experienceFeedback.create({ data: { agreementId, workConditions: 'Bonnes', environment: 'Calme', supervision: 'Présente', advice: 'Aller-y', recommend: true, submittedAt: new Date('2026-05-28T10:00:00Z') } });
}

/** The company tutor's evaluation with its proposed grade, consulted by the academic tutor. */
async function consultedEvaluation(db: Db, agreementId: number) {
  const form = await db.evaluationForm.create({ data: { kind: 'COMPANY', version: 99, definition: { sections: [{ key: 'global', title: { fr: 'Appréciation globale', en: 'Overall' }, questions: [{ key: 'again', type: 'yesno', label: { fr: 'Reprendriez-vous ce stagiaire ?', en: 'Would you take this student again?' }, required: true }] }] } } });
  await db.evaluation.create({ data: { agreementId, kind: 'COMPANY', formId: form.id, answers: { again: 'yes' }, proposedGrade: '15.5', submittedAt: new Date('2026-05-27T10:00:00Z'), consultedAt: new Date('2026-05-29T10:00:00Z') } });
}

describe('the defence and the final grade', () => {
  const t = useApp({}, { clock });

  it('is refused without the experience feedback, then without the consulted evaluation; nothing is written', async () => {
    const { a } = await ended(t.db);
    const teacher = await agent(t.app, TEACHER);
    const body = { defenceOn: '2026-06-02', grade: '14,5', comment: '' };
    const page = await teacher.a.get(`/agreements/${a.id}/follow-up`);
    expect(page.text).toContain('data-defence-missing');
    expect(page.text).not.toContain('data-defence-form');
    const noFeedback = await post(teacher, `/agreements/${a.id}/defence`, body);
    expect(noFeedback.status).toBe(422);
    expect(noFeedback.text).toContain('La soutenance ne peut pas être enregistrée avant le retour d&#39;expérience de l&#39;étudiant.');
    await feedback(t.db, a.id);
    const notConsulted = await post(teacher, `/agreements/${a.id}/defence`, body);
    expect(notConsulted.status).toBe(422);
    expect(notConsulted.text).toContain('avant que l&#39;évaluation du tuteur entreprise soit remplie et consultée');
    expect(await t.db.internshipGrade.count()).toBe(0);
    expect(await auditRows(t.db, 'defence.record')).toHaveLength(0);
  });

  it('is recorded by the academic tutor beside the proposed grade; the student is told, the host does not see the grade', async () => {
    const { a } = await ended(t.db);
    await feedback(t.db, a.id);
    await consultedEvaluation(t.db, a.id);
    const teacher = await agent(t.app, TEACHER);
    const page = await teacher.a.get(`/agreements/${a.id}/follow-up`);
    expect(page.text).toContain('data-defence-form');
    expect(page.text).toMatch(/data-proposed-grade>15,5 \/ 20</);
    expect(page.text).toContain('obligatoirement prises en compte');
    expect(page.text).toContain('Reprendriez-vous ce stagiaire ?');

    // Bad input: beside the field, what was typed kept, nothing written.
    const over = await post(teacher, `/agreements/${a.id}/defence`, { defenceOn: '2026-06-02', grade: '21', comment: 'Très bonne soutenance' });
    expect(over.status).toBe(422);
    expect(fieldError(over.text, 'grade')).toBe('Saisissez une note entre 0 et 20, avec deux décimales au plus (par exemple 14,5).');
    expect(over.text).toContain('Très bonne soutenance');
    // The boundary of "not in the future": today is accepted, tomorrow is not.
    expect(fieldError((await post(teacher, `/agreements/${a.id}/defence`, { defenceOn: '2026-06-04', grade: '14' })).text, 'defenceOn')).toBe('Ce jour n\'est pas encore arrivé : enregistrez la soutenance une fois tenue.');
    expect(fieldError((await post(teacher, `/agreements/${a.id}/defence`, { defenceOn: '2026-02-27', grade: '14' })).text, 'defenceOn')).toBeTruthy();
    expect(await t.db.internshipGrade.count()).toBe(0);

    // Only the academic tutor records it.
    expect((await post(await agent(t.app, STUDENT), `/agreements/${a.id}/defence`, { defenceOn: '2026-06-03', grade: '20' })).status).toBe(403);
    expect((await post(teacher, `/agreements/${a.id}/defence`, { defenceOn: '2026-06-03', grade: '14,5', comment: 'Très bonne soutenance' })).status).toBe(303);
    const g = await t.db.internshipGrade.findUniqueOrThrow({ where: { agreementId: a.id } });
    expect(g.grade.toString()).toBe('14.5');
    expect(g.defenceOn.toISOString().slice(0, 10)).toBe('2026-06-03');
    expect((await auditRows(t.db, 'defence.record')).map((r) => r.after)).toEqual([{ defenceOn: '2026-06-03', grade: '14.5' }]);
    expect((await mailsTo(t.db, STUDENT)).filter((m) => m.template === 'step-done')).toHaveLength(1);
    // …and invited to evaluate the internship.
    expect((await mailsTo(t.db, STUDENT)).filter((m) => m.template === 'evaluation-student')).toHaveLength(1);

    const student = await (await agent(t.app, STUDENT)).a.get(`/agreements/${a.id}/follow-up`);
    expect(student.text).toMatch(/data-final-grade>14,5 \/ 20</);
    expect(student.text).toContain('data-step="defence" data-state="done"');
    const host = await (await agent(t.app, TUTOR)).a.get(`/agreements/${a.id}/follow-up`);
    expect(host.status).toBe(200);
    expect(host.text).not.toContain('data-final-grade');

    // A correction: audited with before and after, the step keeps its first date, the student is not told twice.
    expect((await post(teacher, `/agreements/${a.id}/defence`, { defenceOn: '2026-06-03', grade: '15' })).status).toBe(303);
    const corrected = await t.db.internshipGrade.findUniqueOrThrow({ where: { agreementId: a.id } });
    expect(corrected.grade.toString()).toBe('15');
    expect(corrected.recordedAt).toEqual(g.recordedAt);
    expect((await auditRows(t.db, 'defence.correct')).map((r) => r.before)).toEqual([{ defenceOn: '2026-06-03', grade: '14.5' }]);
    expect((await mailsTo(t.db, STUDENT)).filter((m) => m.template === 'step-done')).toHaveLength(1);
  });
});
