import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadActor } from '../../src/authz/actor.js';
import type { Db } from '../../src/db/client.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld, type AgreementWorld } from '../factories/agreements.js';
import { day } from '../factories/legal.js';
import { makeStudent } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

// On 15 June 2026 the spring internships (2 March – 29 May 2026) are over: the company evaluation,
// the mid-term report and the feedback are late unless done; the defence is due by 28 July.
const clock = new FixedClock('2026-06-15T09:00:00Z');
const at = (s: string) => new Date(s);
const VALIDATED = { status: 'VALIDATED' as const, validatedAt: at('2026-02-20T10:00:00Z') };

/** How many statements reach PostgreSQL while `run` runs (as tests/integration/actor-load.test.ts counts them). */
async function statements(run: () => Promise<unknown>): Promise<number> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let n = 0;
  proto.query = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  try {
    await run();
    return n;
  } finally {
    proto.query = original;
  }
}

/** The internships shown, in order (their data-agreement). */
const shown = (html: string) => [...html.matchAll(/<article class="card" aria-labelledby="fu-\d+" data-agreement="(\d+)"/g)].map((m) => Number(m[1]));
/** A count of the table of counts: the step's row, the state's cell. */
function countOf(html: string, step: string, state: string): number {
  const row = new RegExp(`<tr data-step="${step}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
  const cell = new RegExp(`<td data-state="${state}">(?:<a [^>]*>)?(\\d+)`).exec(row);
  if (!cell) throw new Error(`no count for ${step} ${state}`);
  return Number(cell[1]);
}
/** A row of a cohort table (its header and cells, tags removed). */
const rowText = (html: string, attr: string) => (new RegExp(`<tr ${attr}>([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ').trim();

/**
 * Five validated internships at different steps (and a draft, never shown):
 *   A — Léa at ACME (INFO L3, centre A), nothing done: mid-term report, company evaluation and feedback late.
 *   B — Zoé at ACME (INFO L3), follows the label: mid-term report acknowledged, company evaluation done 25 May but not consulted (late).
 *   C — Marc at Globex (INFO L3), follows the label: every step done, grade 16, label awarded.
 *   D — Hugo at Globex (DROIT L3, centre B, the other teacher), nothing done.
 *   E — Léa at ACME a year before (2024-2025): every step done but the academic tutor's evaluation, grade 12.
 */
async function world(db: Db) {
  const w = await makeAgreementWorld(db);
  const zoe = await makeStudent(db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l3.id, studentNumber: '21900777', email: 'zoe@etu.test', firstName: 'Zoé', lastName: 'Petit' });
  const marc = await makeStudent(db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l3.id, studentNumber: '21900888', email: 'marc@etu.test', firstName: 'Marc', lastName: 'Roux' });
  const globex = { organisationId: w.globex.id, serviceId: null, companyTutorId: null, signatoryId: null };
  const A = await makeAgreement(db, w, {}, VALIDATED);
  const B = await makeAgreement(db, w, { studentId: zoe.profile.id }, VALIDATED);
  const C = await makeAgreement(db, w, { studentId: marc.profile.id, ...globex }, VALIDATED);
  const D = await makeAgreement(db, w, { studentId: w.hugo.profile.id, ...globex, academicTutorId: w.otherTeacher.id }, VALIDATED);
  const E = await makeAgreement(db, w, { startDate: day('2025-03-03'), endDate: day('2025-05-30') }, { status: 'VALIDATED', validatedAt: at('2025-02-20T10:00:00Z') });
  const draft = await makeAgreement(db, w, { subject: 'Brouillon' });
  await facts(db, w, { A, B, C, E });
  return { w, A, B, C, D, E, draft };
}

/** The steps' facts, written as the steps would have left them. */
async function facts(db: Db, _w: AgreementWorld, x: Record<'A' | 'B' | 'C' | 'E', { id: number }>) {
  const form = await db.evaluationForm.create({ data: { kind: 'COMPANY', version: 1, definition: { sections: [] } } });
  const done = async (id: number, y: string, opts: { academic?: boolean; grade?: number } = {}) => {
    await db.midtermReport.create({ data: { agreementId: id, status: 'ACKNOWLEDGED', opensOn: day(`${y}-04-13`).toDb(), submittedAt: at(`${y}-04-20T10:00:00Z`), companyAckAt: at(`${y}-04-22T10:00:00Z`), academicAckAt: at(`${y}-04-22T11:00:00Z`) } });
    await db.evaluation.create({ data: { agreementId: id, kind: 'COMPANY', formId: form.id, answers: {}, proposedGrade: 15, submittedAt: at(`${y}-05-25T10:00:00Z`), consultedAt: at(`${y}-05-27T10:00:00Z`) } });
    if (opts.academic) await db.evaluation.create({ data: { agreementId: id, kind: 'ACADEMIC', formId: form.id, answers: {}, submittedAt: at(`${y}-06-01T10:00:00Z`) } });
    await db.experienceFeedback.create({ data: { agreementId: id, workConditions: 'Bonnes', environment: 'Calme', supervision: 'Suivie', advice: 'Oser', recommend: true, submittedAt: at(`${y}-05-20T10:00:00Z`) } });
    await db.internshipGrade.create({ data: { agreementId: id, defenceOn: day(`${y}-06-10`).toDb(), grade: opts.grade ?? 10, recordedAt: at(`${y}-06-10T15:00:00Z`) } });
    await db.evaluation.create({ data: { agreementId: id, kind: 'STUDENT', formId: form.id, answers: {}, submittedAt: at(`${y}-06-12T10:00:00Z`) } });
  };
  const follows = (id: number) => db.labelEnrolment.create({ data: { agreementId: id, studentAnswer: 'YES', companyAnswer: 'YES', managerAnswer: 'YES' } });
  await db.midtermReport.create({ data: { agreementId: x.B.id, status: 'ACKNOWLEDGED', opensOn: day('2026-04-13').toDb(), submittedAt: at('2026-04-20T10:00:00Z'), companyAckAt: at('2026-04-22T10:00:00Z'), academicAckAt: at('2026-04-22T11:00:00Z') } });
  await db.evaluation.create({ data: { agreementId: x.B.id, kind: 'COMPANY', formId: form.id, answers: {}, proposedGrade: 13, submittedAt: at('2026-05-25T10:00:00Z') } });
  await follows(x.B.id);
  await done(x.C.id, '2026', { academic: true, grade: 16 });
  await db.journalEntry.create({ data: { agreementId: x.C.id, day: day('2026-03-10').toDb(), done: 'Accueil' } });
  await follows(x.C.id);
  await db.labelAward.create({ data: { agreementId: x.C.id, decision: 'AWARDED', code: 'LBL-TEST-0001', decidedAt: at('2026-06-14T10:00:00Z') } });
  await done(x.E.id, '2025', { grade: 12 });
}

describe('the follow-up dashboards: "Suivi de mon stage", "Suivi global des stagiaires"', () => {
  const t = useApp({}, { clock });

  it('shows each actor the validated internships within their reach, and nobody else\'s', async () => {
    clock.set('2026-06-15T09:00:00Z');
    const { A, B, C, D, E } = await world(t.db);
    const cases: [string, number[]][] = [
      ['lea.dubois@etu.test', [A.id, E.id]],
      ['admin@acme.test', [A.id, B.id, E.id]],
      ['tutor@acme.test', [A.id, B.id, E.id]],
      // A company of another organisation: only its own interns.
      ['admin@globex.test', [C.id, D.id]],
      ['teacher@uda.test', [A.id, B.id, C.id, E.id]],
      ['teacher2@uda.test', [D.id]],
      ['year.l3@test.example', [A.id, B.id, C.id, E.id]],
      ['year.l2@test.example', []],
      ['prog.info@test.example', [A.id, B.id, C.id, E.id]],
      // Another programme's manager, another centre's staff: none of INFO's.
      ['prog.droit@test.example', [D.id]],
      ['a.read@test.example', [A.id, B.id, C.id, E.id]],
      ['b.write@test.example', [D.id]],
      ['platform.admin@test.example', [A.id, B.id, C.id, D.id, E.id]],
    ];
    for (const [email, ids] of cases) {
      const page = await (await agent(t.app, email)).a.get('/followup');
      expect(page.status, email).toBe(200);
      // Latest start first, then the latest made; the draft never.
      expect(shown(page.text).sort((x, y) => x - y), email).toEqual([...ids].sort((x, y) => x - y));
    }
    // The student's page is "Suivi de mon stage", without filters; the others' "Suivi global des stagiaires".
    const mine = (await (await agent(t.app, 'lea.dubois@etu.test')).a.get('/followup')).text;
    expect(mine).toContain('<h1>Suivi de mon stage</h1>');
    expect(mine).not.toContain('data-counts');
    expect(mine).not.toContain('role="search"');
    expect((await (await agent(t.app, 'tutor@acme.test')).a.get('/followup')).text).toContain('<h1>Suivi global des stagiaires</h1>');
    // The ways in: each role's dashboard; the cohort on the programme manager's only.
    const dash = (await (await agent(t.app, 'lea.dubois@etu.test')).a.get('/dashboard/student')).text;
    expect(dash).toContain('<a class="button button-secondary" href="/followup">Suivi de mon stage</a>');
    expect((await (await agent(t.app, 'a.read@test.example')).a.get('/dashboard/centre')).text).toContain('href="/followup">Suivi des stages</a>');
    const pm = (await (await agent(t.app, 'prog.info@test.example')).a.get('/dashboard/programme-manager')).text;
    expect(pm).toContain('href="/followup/cohort">Suivi de cohorte</a>');
    expect((await (await agent(t.app, 'teacher@uda.test')).a.get('/dashboard/academic-tutor')).text).not.toContain('/followup/cohort');
    // Nobody without a part in the follow-up reaches it; the cohort is the programme manager's.
    expect((await (await agent(t.app, 'admin@acme.test')).a.get('/followup/cohort')).status).toBe(403);
  });

  it('shows each internship\'s steps, the mandatory ones marked, its progress, what waits for the reader first, and "Plus de détail"', async () => {
    clock.set('2026-06-15T09:00:00Z');
    const { A, B, C } = await world(t.db);
    const student = (await (await agent(t.app, 'lea.dubois@etu.test')).a.get('/followup')).text;
    const card = new RegExp(`data-agreement="${A.id}"[\\s\\S]*?</article>`).exec(student)![0];
    expect(card).toContain('<li data-step="midtermSent" data-state="late">');
    expect(card).toContain('<li data-step="midtermCompanyAck" data-state="waiting">');
    expect(card).toContain('<li data-step="journal" data-state="todo">');
    expect(card).toMatch(/Bilan intermédiaire rempli <span class="hint">\(obligatoire\)<\/span>/);
    expect(card).toMatch(/Journal de stage\s*—/);
    // The sheet and the agreement: 3 of the 11 mandatory steps.
    expect(card).toContain(`<progress id="fu-progress-${A.id}" max="100" value="27">`);
    // The student's late step due the earliest: the mid-term report (due 27 April) before the feedback (29 May).
    expect(card).toContain('data-first="midtermSent"');
    expect(card).toContain(`href="/agreements/${A.id}/follow-up#midterm"`);
    expect(card).toContain('en retard, à faire avant le 27 avril 2026');
    expect(card).toContain('<summary>Plus de détail</summary>');
    for (const s of ['ACME Lyon', 'Refonte du site web', 'Développement, tests', 'Bruno Martin (tutor@acme.test)', 'du 2 mars 2026 au 29 mai 2026', 'Licence Informatique', 'L3 Informatique']) expect(card).toContain(s);
    // The academic tutor: the company evaluation of B to consult, late; nothing on C (all done).
    const teacher = (await (await agent(t.app, 'teacher@uda.test')).a.get('/followup')).text;
    expect(new RegExp(`data-agreement="${B.id}"[\\s\\S]*?</article>`).exec(teacher)![0]).toContain('data-first="evaluationConsulted"');
    const done = new RegExp(`data-agreement="${C.id}"[\\s\\S]*?</article>`).exec(teacher)![0];
    expect(done).toContain('data-first=""');
    expect(done).toContain('value="100"');
    expect(done).toContain('<li data-step="labelAward" data-state="done">');
  });

  it('counts each step\'s internships by state, each count a link that sets the step and state', async () => {
    clock.set('2026-06-15T09:00:00Z');
    const { A, B, D, E } = await world(t.db);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const page = (await admin.a.get('/followup')).text;
    const expected: Record<string, Partial<Record<'late' | 'todo' | 'done' | 'waiting', number>>> = {
      agreementValidated: { done: 5, late: 0 },
      midtermSent: { late: 2, done: 3, todo: 0 },
      midtermCompanyAck: { waiting: 2, done: 3 },
      companyEvaluation: { late: 2, todo: 0, done: 3, waiting: 0 },
      evaluationConsulted: { late: 1, done: 2, waiting: 2 },
      academicEvaluation: { todo: 3, done: 1, late: 1 },
      feedback: { late: 3, done: 2 },
      defence: { done: 2, waiting: 3, todo: 0 },
      journal: { todo: 4, done: 1 },
      labelAward: { waiting: 1, done: 1 },
    };
    // Every label is in the catalogue (a missing one would show its key).
    expect(page).not.toMatch(/followupLists\.|followup\.steps\./);
    for (const [step, states] of Object.entries(expected)) for (const [state, n] of Object.entries(states)) expect(countOf(page, step, state), `${step} ${state}`).toBe(n);
    expect(page).toContain('<a href="/followup?step=companyEvaluation&amp;state=late">2<span class="visually-hidden"> — Évaluation par le tuteur entreprise : En retard</span></a>');
    // The link lists those internships; the counts stay those of the whole set.
    const late = (await admin.a.get('/followup?step=companyEvaluation&state=late')).text;
    expect(shown(late).sort()).toEqual([A.id, D.id].sort());
    expect(countOf(late, 'companyEvaluation', 'done')).toBe(3);
    expect(late).toMatch(/<a href="\/followup\?step=companyEvaluation&amp;state=late" aria-current="true">/);
    // A state alone: the internships with at least one step in it.
    expect(shown((await admin.a.get('/followup?state=late')).text).sort()).toEqual([A.id, B.id, D.id, E.id].sort());
    // A step alone: the internships where it exists (the award: those that follow the label).
    expect(shown((await admin.a.get('/followup?step=labelAward')).text)).toHaveLength(2);
  });

  it('filters by academic year, programme, study year, organisation, and step with its state; the counts follow the other filters', async () => {
    clock.set('2026-06-15T09:00:00Z');
    const { w, A, B, C, D, E } = await world(t.db);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const ids = async (q: string) => shown((await admin.a.get(`/followup?${q}`)).text).sort((x, y) => x - y);
    const sorted = (...x: number[]) => x.sort((p, q) => p - q);
    expect(await ids('academicYear=2024-2025')).toEqual([E.id]);
    expect(await ids('academicYear=2025-2026')).toEqual(sorted(A.id, B.id, C.id, D.id));
    expect(await ids(`programme=${w.droit.id}`)).toEqual([D.id]);
    expect(await ids(`studyYear=${w.l3.id}`)).toEqual(sorted(A.id, B.id, C.id, E.id));
    expect(await ids('organisation=globex')).toEqual(sorted(C.id, D.id));
    expect(await ids('organisation=acme&step=feedback&state=late')).toEqual(sorted(A.id, B.id));
    // The counts under the organisation filter; the count links keep it.
    const acme = (await admin.a.get('/followup?organisation=acme')).text;
    expect(countOf(acme, 'feedback', 'late')).toBe(2);
    expect(countOf(acme, 'feedback', 'done')).toBe(1);
    expect(acme).toContain('href="/followup?organisation=acme&amp;step=feedback&amp;state=late"');
    // The filters' fields keep what was chosen; an unknown value is ignored, never an error.
    expect(acme).toMatch(/<input type="text" id="f-organisation" name="organisation" value="acme"/);
    expect((await admin.a.get('/followup?step=nope&state=soon&programme=x')).status).toBe(200);
    expect(await ids('step=nope&state=soon')).toEqual(sorted(A.id, B.id, C.id, D.id, E.id));
    // The filter lists hold the years, programmes and study years of the internships in reach.
    const manager = (await (await agent(t.app, 'prog.droit@test.example')).a.get('/followup')).text;
    expect(manager).toContain(`<option value="${w.droit.id}">Licence Droit</option>`);
    expect(manager).not.toContain('>Licence Informatique</option>');
  });

  it('pages the list, 25 at a time, keeping the filters in the pages\' links', async () => {
    clock.set('2026-06-15T09:00:00Z');
    const w = await makeAgreementWorld(t.db);
    for (let i = 0; i < 27; i++) await makeAgreement(t.db, w, { subject: `Stage ${i}` }, VALIDATED);
    await makeAgreement(t.db, w, { studentId: w.hugo.profile.id, organisationId: w.globex.id, serviceId: null, companyTutorId: null, signatoryId: null }, VALIDATED);
    const staff = await agent(t.app, 'platform.admin@test.example');
    const first = (await staff.a.get('/followup?organisation=acme')).text;
    expect(shown(first)).toHaveLength(25);
    expect(first).toContain('Stages (27)');
    expect(first).toContain('href="/followup?organisation=acme&amp;page=2"');
    const second = (await staff.a.get('/followup?organisation=acme&page=2')).text;
    expect(shown(second)).toHaveLength(2);
    expect(new Set([...shown(first), ...shown(second)]).size).toBe(27);
    // A page past the end shows the last one.
    expect(shown((await staff.a.get('/followup?organisation=acme&page=9')).text)).toEqual(shown(second));
    // No statement per internship: a page of 25 costs what a page of one does.
    const admin = (await loadActor(t.db, w.platformAdmin.id))!;
    const list = (organisation: string) => statements(() => t.ctx.services.followupLists.list(admin, { organisation }, 1, clock.now()));
    const [many, one] = [await list('acme'), await list('globex')];
    expect(many).toBe(one);
    expect(many).toBeLessThan(40);
  });
});

describe('the programme manager\'s cohort ("Suivi de cohorte")', () => {
  const t = useApp({}, { clock });

  it('gives the label rate, the steps late by step, the evaluations done and the average grade, as SVG charts and tables', async () => {
    clock.set('2026-06-15T09:00:00Z');
    const { w, D } = await world(t.db);
    const manager = await agent(t.app, 'prog.info@test.example');
    const page = await manager.a.get('/followup/cohort');
    expect(page.status).toBe(200);
    const html = page.text;
    // The current academic year by default: A, B and C.
    expect(html).toContain('data-internships="3"');
    expect(html).toContain('<option value="2025-2026" selected>');
    // One label awarded (C) out of two internships following it (B, C).
    expect(rowText(html, 'data-figure="labelRate"')).toBe('Taux de label 50 % 1 label(s) attribué(s) sur 2 stage(s) suivant le label');
    // Company evaluations: B and C done, A late: 2 out of 3 open.
    expect(rowText(html, 'data-figure="evaluations"')).toBe('Évaluations entreprise faites 67 % 2 faite(s) sur 3 ouverte(s)');
    expect(rowText(html, 'data-figure="grade"')).toBe('Note finale moyenne 16 / 20 1 note(s) enregistrée(s)');
    expect(rowText(html, 'data-step="feedback"')).toBe("Retour d'expérience 2");
    expect(rowText(html, 'data-step="companyEvaluation"')).toBe('Évaluation par le tuteur entreprise 1');
    expect(rowText(html, 'data-step="evaluationConsulted"')).toBe("Évaluation consultée par l'enseignant référent 1");
    expect(rowText(html, 'data-step="defence"')).toBe('Soutenance et note finale 0');
    expect(html).toContain(`href="/followup?academicYear=2025-2026&amp;step=feedback&amp;state=late"`);
    // The charts: drawn on the server, named and described for screen readers, no script.
    expect(html).toContain('<svg class="bar-chart" role="img" aria-labelledby="chart-figures-title chart-figures-desc"');
    expect(html).toContain('<title id="chart-figures-title">Indicateurs de la cohorte 2025-2026, en barres</title>');
    expect(html).toMatch(/<desc id="chart-figures-desc">Taux de label : 50 % ; Évaluations entreprise faites : 67 % ; Note finale moyenne : 16 \/ 20<\/desc>/);
    expect(html).toContain('<svg class="bar-chart" role="img" aria-labelledby="chart-late-title chart-late-desc"');
    // The bars: 50 % and 67 % of the track (80 % of the width), 16 / 20 of it; the late feedback (2) the longest.
    expect(html).toContain('width="40%" height="16" fill="#1d4f91" data-value="50"');
    expect(html).toContain('width="53.6%" height="16" fill="#1d4f91" data-value="67"');
    expect(html).toContain('width="64%" height="16" fill="#1d4f91" data-value="16"');
    expect(html).toContain('width="80%" height="16" fill="#1d4f91" data-value="2"');
    // The late chart draws the steps that have late internships (the table gives every step).
    expect((/<svg [^>]*data-chart="chart-late"[\s\S]*?<\/svg>/.exec(html)![0].match(/<g data-bar=/g) ?? []).length).toBe(4);
    expect(html).toContain('<caption id="cohort-figures-caption">Indicateurs de la cohorte 2025-2026</caption>');
    expect(html).not.toMatch(/<select id="f-programme"/);
    expect(html).not.toMatch(/followupLists\.|followup\.steps\./);

    // The year before: E alone, nobody following the label.
    const before = (await manager.a.get('/followup/cohort?academicYear=2024-2025')).text;
    expect(before).toContain('data-internships="1"');
    expect(rowText(before, 'data-figure="labelRate"')).toBe('Taux de label Pas encore de donnée 0 label(s) attribué(s) sur 0 stage(s) suivant le label');
    expect(rowText(before, 'data-figure="grade"')).toBe('Note finale moyenne 12 / 20 1 note(s) enregistrée(s)');

    // Another programme's manager: their own cohort (D), never INFO's.
    const droit = await agent(t.app, 'prog.droit@test.example');
    expect((await droit.a.get('/followup/cohort')).text).toContain('data-internships="1"');
    expect((await droit.a.get(`/followup/cohort?programme=${w.info.id}`)).status).toBe(404);

    // A manager of two programmes chooses one, or sees both.
    await t.db.academicRole.create({ data: { userId: w.programmeManager.id, kind: 'PROGRAMME_MANAGER', programmeId: w.droit.id } });
    const both = await agent(t.app, 'prog.info@test.example');
    const all = (await both.a.get('/followup/cohort')).text;
    expect(all).toMatch(/<select id="f-programme" name="programme">/);
    expect(all).toContain('data-internships="4"');
    const one = (await both.a.get(`/followup/cohort?programme=${w.droit.id}`)).text;
    expect(one).toContain('data-internships="1"');
    expect(one).toContain(`<option value="${w.droit.id}" selected>Licence Droit</option>`);
    expect(rowText(one, 'data-step="companyEvaluation"')).toBe('Évaluation par le tuteur entreprise 1');
    expect(one).toContain(`href="/followup?academicYear=2025-2026&amp;programme=${w.droit.id}&amp;step=companyEvaluation&amp;state=late"`);
    expect(shown((await both.a.get(`/followup?academicYear=2025-2026&programme=${w.droit.id}&step=companyEvaluation&state=late`)).text)).toEqual([D.id]);
  });

  it('shows an empty cohort to a programme manager without a programme', async () => {
    clock.set('2026-06-15T09:00:00Z');
    const w = await makeAgreementWorld(t.db);
    await t.db.academicRole.deleteMany({ where: { userId: w.programmeManager.id } });
    await t.db.academicRole.create({ data: { userId: w.programmeManager.id, kind: 'PROGRAMME_MANAGER', programmeId: null } });
    const page = await (await agent(t.app, 'prog.info@test.example')).a.get('/followup/cohort');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Aucune formation ne vous est confiée');
  });
});
