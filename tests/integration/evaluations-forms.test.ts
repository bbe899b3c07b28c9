import { describe, expect, it } from 'vitest';
import { currentForm, ensureDefaultForms, questionsOf } from '../../src/modules/evaluations/forms.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeStaff } from '../factories/index.js';
import { auditRows } from '../factories/institutions.js';
import { TEACHER, TUTOR, WRITE } from '../factories/signatures.js';
import { fieldError } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';
import { another, answersTo, defaultAnswers, OPENING, post, validated } from './evaluations.fixtures.js';

const clock = new FixedClock(OPENING);
const ADMIN = 'a.admin@test.example';

describe('evaluation forms: definitions and versions', () => {
  const t = useApp({}, { clock });

  it("lists a centre's forms for its ADMIN staff only, the platform default until the first change", async () => {
    const { w } = await validated(t.db);
    // The platform's defaults are written once, however many first requests race for them.
    await Promise.all([ensureDefaultForms(t.db), ensureDefaultForms(t.db), currentForm(t.db, w.centreA.id, 'STUDENT')]);
    expect(await t.db.evaluationForm.count({ where: { centreId: null } })).toBe(3);
    await makeStaff(t.db, w.centreB.id, 'ADMIN', 'b.admin@test.example');
    const admin = await agent(t.app, ADMIN);
    const list = await admin.a.get(`/centres/${w.centreA.id}/evaluation-forms`);
    expect(list.status).toBe(200);
    for (const kind of ['COMPANY', 'ACADEMIC', 'STUDENT']) expect(list.text).toContain(`data-kind="${kind}" data-default="true"`);
    expect((await admin.a.get(`/centres/${w.centreA.id}`)).text).toContain(`/centres/${w.centreA.id}/evaluation-forms`);
    expect((await (await agent(t.app, 'platform.admin@test.example')).a.get(`/centres/${w.centreA.id}/evaluation-forms`)).status).toBe(200);
    expect((await (await agent(t.app, WRITE)).a.get(`/centres/${w.centreA.id}/evaluation-forms`)).status).toBe(403);
    expect((await (await agent(t.app, 'b.admin@test.example')).a.get(`/centres/${w.centreA.id}/evaluation-forms`)).status).toBe(404);
    expect((await admin.a.get(`/centres/${w.centreA.id}/evaluation-forms/nope`)).status).toBe(404);
    const editor = await admin.a.get(`/centres/${w.centreA.id}/evaluation-forms/company`);
    expect(editor.status).toBe(200);
    expect(editor.text).toContain('data-form-version="1" data-default="true"');
    expect(editor.text).toContain('Reprendriez-vous ce stagiaire ?');
    expect((await post(await agent(t.app, 'b.admin@test.example'), `/centres/${w.centreA.id}/evaluation-forms/company/sections`, { sectionTitleFr: 'X', sectionTitleEn: 'X' })).status).toBe(404);
    expect(await t.db.evaluationForm.count({ where: { centreId: { not: null } } })).toBe(0);
  });

  it('refuses a question that does not hold together, beside its field, writing no version', async () => {
    const { w } = await validated(t.db);
    const admin = await agent(t.app, ADMIN);
    const url = `/centres/${w.centreA.id}/evaluation-forms/company/questions`;
    const oneChoice = await post(admin, url, { section: 'overall', type: 'choice', labelFr: 'Niveau d’anglais', labelEn: 'English level', choices: 'Bon | Good' });
    expect(oneChoice.status).toBe(422);
    expect(fieldError(oneChoice.text, 'choices')).toBe('Une question à choix unique a au moins deux choix, un par ligne.');
    expect(oneChoice.text).toContain('Niveau d’anglais');
    const followShort = await post(admin, url, { section: 'overall', type: 'short', labelFr: 'Poste', labelEn: 'Job', followUpFr: 'Pourquoi ?' });
    expect(fieldError(followShort.text, 'followUpFr')).toBe('Seules les questions oui / non et les échelles ont une question complémentaire.');
    expect(fieldError((await post(admin, url, { section: 'overall', type: 'yesno', labelFr: '', labelEn: 'x' })).text, 'labelFr')).toBe('Ce champ est obligatoire.');
    expect((await post(admin, url, { section: 'nope', type: 'yesno', labelFr: 'x', labelEn: 'x' })).status).toBe(422);
    expect((await post(await agent(t.app, WRITE), url, { section: 'overall', type: 'yesno', labelFr: 'x', labelEn: 'x' })).status).toBe(403);
    // The very first question cannot go up.
    expect((await post(admin, `/centres/${w.centreA.id}/evaluation-forms/company/questions/punctuality/move`, { direction: 'up' })).status).toBe(422);
    expect((await post(admin, `/centres/${w.centreA.id}/evaluation-forms/company/questions/nope/remove`, {})).status).toBe(404);
    expect(await t.db.evaluationForm.count({ where: { centreId: w.centreA.id } })).toBe(0);
  });

  it('writes a new version at each change; an evaluation keeps the version it answered, a new one answers the latest', async () => {
    clock.set(OPENING);
    const { w, a } = await validated(t.db);
    const admin = await agent(t.app, ADMIN);
    const base = `/centres/${w.centreA.id}/evaluation-forms/company`;
    // First change: the default copied into the centre's version 1, with the new question.
    const added = await post(admin, `${base}/questions`, { section: 'overall', type: 'yesno', labelFr: 'Le stagiaire a-t-il présenté son travail ?', labelEn: 'Did the intern present their work?', required: 'on', followUpFr: 'Pourquoi pas ?', followUpEn: 'Why not?' });
    expect(added.status).toBe(303);
    let form = await currentForm(t.db, w.centreA.id, 'COMPANY');
    expect(form).toMatchObject({ centreId: w.centreA.id, version: 1 });
    expect(questionsOf(form.definition).at(-1)).toMatchObject({ key: 'q1', type: 'yesno', required: true, followUp: { when: 'no', label: { fr: 'Pourquoi pas ?', en: 'Why not?' } } });
    expect(questionsOf(form.definition)).toHaveLength(22);

    // The tutor answers version 1.
    const tutor = await agent(t.app, TUTOR);
    const page = await tutor.a.get(`/agreements/${a.id}/evaluations/company`);
    expect(page.text).toContain('Le stagiaire a-t-il présenté son travail ?');
    expect(fieldError((await post(tutor, `/agreements/${a.id}/evaluations/company`, defaultAnswers('COMPANY', { proposedGrade: '15' }))).text, 'q1')).toBe('Ce champ est obligatoire.');
    expect((await post(tutor, `/agreements/${a.id}/evaluations/company`, answersTo(form.definition, { proposedGrade: '15' }))).status).toBe(303);

    // Then the form changes: a question removed, one moved, one added — three versions.
    expect((await post(admin, `${base}/questions/takeAgain/remove`, {})).status).toBe(303);
    expect((await post(admin, `${base}/questions/q1/move`, { direction: 'up' })).status).toBe(303);
    expect((await post(admin, `${base}/questions`, { section: 'skills', type: 'scale', labelFr: 'Maîtrise de l’anglais', labelEn: 'Command of English', followUpFr: 'Qu’est-ce qui a manqué ?' })).status).toBe(303);
    form = await currentForm(t.db, w.centreA.id, 'COMPANY');
    expect(form.version).toBe(4);
    const keys = questionsOf(form.definition).map((q) => q.key);
    expect(keys).not.toContain('takeAgain');
    expect(form.definition.sections[2].questions.map((q) => q.key)).toEqual(['overall', 'hire', 'programmeFit', 'hostAgain', 'q1', 'comment']);
    expect(form.definition.sections[1].questions.at(-1)).toMatchObject({ key: 'q2', type: 'scale', followUp: { when: 'low' } });
    expect((await auditRows(t.db, 'evaluationForm.change')).map((r) => (r.after as { version: number }).version)).toEqual([1, 2, 3, 4]);
    const editor = await admin.a.get(base);
    expect(editor.text).toContain('data-form-version="4" data-default="false"');

    // The old evaluation still shows the questions of version 1.
    const old = await (await agent(t.app, TEACHER)).a.get(`/agreements/${a.id}/evaluations/company`);
    expect(old.text).toContain('data-form-version="1"');
    expect(old.text).toContain('Reprendriez-vous ce stagiaire ?');
    expect(old.text).toContain('Le stagiaire a-t-il présenté son travail ?');
    expect(old.text).not.toContain('Maîtrise de l’anglais');

    // A new internship's evaluation answers version 4.
    const b = await another(t.db, w, '2026-06-01', '2026-06-30');
    clock.set('2026-06-19T22:00:00Z');
    const tutorLater = await agent(t.app, TUTOR);
    const fresh = await tutorLater.a.get(`/agreements/${b.id}/evaluations/company`);
    expect(fresh.text).toContain('Maîtrise de l’anglais');
    expect(fresh.text).not.toContain('Reprendriez-vous ce stagiaire ?');
    expect((await post(tutorLater, `/agreements/${b.id}/evaluations/company`, answersTo(form.definition, { proposedGrade: '11' }))).status).toBe(303);
    const [first, second] = await t.db.evaluation.findMany({ orderBy: { id: 'asc' }, include: { form: true } });
    expect([first.form.version, second.form.version]).toEqual([1, 4]);
    expect((await (await agent(t.app, TEACHER)).a.get(`/agreements/${b.id}/evaluations/company`)).text).toContain('data-form-version="4"');
  });
});
