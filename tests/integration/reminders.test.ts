import { describe, expect, it } from 'vitest';
import { systemAct } from '../../src/act.js';
import type { Db } from '../../src/db/client.js';
import { jobDefinitions } from '../../src/jobs/index.js';
import { CalendarDate } from '../../src/time/calendar.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld, type AgreementWorld } from '../factories/agreements.js';
import { auditRows } from '../factories/institutions.js';
import { STUDENT, TEACHER, TUTOR } from '../factories/signatures.js';
import { fieldError, mailsTo } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const clock = new FixedClock('2026-02-25T06:00:00Z');
const HUGO = 'hugo.bernard@etu.test';
const MANAGER = 'prog.info@test.example';

/** The job's hour on a day (8:00 in Paris in summer, 7:00 in winter: the same day either way). */
const on = (day: string) => clock.set(`${day}T06:00:00Z`);
/** An instant early on a day, before the job runs. */
const at = (day: string) => new Date(`${day}T05:00:00Z`);

/** An internship of 2 March – 29 May 2026 (its mid-term report opens on 13 April), validated, tutored by Bruno (ACME) and Paul. */
async function internship(db: Db, w: AgreementWorld, student: 'lea' | 'hugo' = 'lea') {
  const s = w[student];
  return makeAgreement(db, w, { studentId: s.profile.id }, { status: 'VALIDATED', validatedAt: new Date('2026-02-20T10:00:00Z'), programmeId: student === 'lea' ? w.info.id : w.droit.id });
}

async function forms(db: Db) {
  const company = await db.evaluationForm.create({ data: { kind: 'COMPANY', version: 1, definition: {} } });
  const student = await db.evaluationForm.create({ data: { kind: 'STUDENT', version: 1, definition: {} } });
  return { company, student };
}

describe('the label reminders', () => {
  const t = useApp({}, { clock });

  it('over a whole internship, day by day: the right people on the step table\'s days, until each step is done, never twice', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await internship(t.db, w);
    const f = await forms(t.db);
    // The internship follows the label: the award is the programme manager's last step.
    await t.db.labelEnrolment.create({ data: { agreementId: a.id, studentAnswer: 'YES', studentAt: at('2026-02-21'), companyAnswer: 'YES', companyAt: at('2026-02-21'), managerAnswer: 'YES', managerAt: at('2026-02-21') } });
    const write = async (day: string) => {
      const x = at(day);
      switch (day) {
        case '2026-05-06': return t.db.midtermReport.create({ data: { agreementId: a.id, status: 'SUBMITTED', opensOn: new Date('2026-04-13'), openedAt: at('2026-04-13'), achievements: 'Maquettes', submittedAt: x } });
        case '2026-05-07': return t.db.midtermReport.update({ where: { agreementId: a.id }, data: { academicAckAt: x } });
        case '2026-05-15': return t.db.midtermReport.update({ where: { agreementId: a.id }, data: { companyAckAt: x, status: 'ACKNOWLEDGED' } });
        case '2026-06-01': return t.db.evaluation.create({ data: { agreementId: a.id, kind: 'COMPANY', formId: f.company.id, answers: {}, proposedGrade: 15, submittedAt: x } });
        case '2026-06-05': return t.db.evaluation.updateMany({ where: { agreementId: a.id, kind: 'COMPANY' }, data: { consultedAt: x } });
        case '2026-06-10': return t.db.experienceFeedback.create({ data: { agreementId: a.id, workConditions: 'Bonnes', environment: 'Calme', supervision: 'Présente', advice: 'Oser demander', recommend: true, submittedAt: x } });
        case '2026-08-06': return t.db.internshipGrade.create({ data: { agreementId: a.id, defenceOn: new Date('2026-08-06'), grade: 15, recordedAt: x } });
        case '2026-08-10': return t.db.evaluation.create({ data: { agreementId: a.id, kind: 'STUDENT', formId: f.student.id, answers: {}, submittedAt: x } });
        case '2026-08-14': return t.db.labelAward.create({ data: { agreementId: a.id, decision: 'AWARDED', code: 'LBL-TEST', decidedAt: x } });
      }
    };
    const received = new Map<string, string[]>();
    let last = 0;
    for (let d = CalendarDate.parse('2026-02-25')!; !d.isAfter(CalendarDate.parse('2026-08-25')!); d = d.addDays(1)) {
      const day = d.toString();
      await write(day);
      on(day);
      await t.ctx.services.reminders.runDaily(systemAct(clock));
      // The same day again: everything is already there, nothing is mailed.
      expect((await t.ctx.services.reminders.runDaily(systemAct(clock))).mails).toBe(0);
      for (const m of await t.db.outboxEmail.findMany({ where: { id: { gt: last } }, orderBy: { id: 'asc' } })) {
        expect(m.template).toBe('step-digest');
        received.set(m.to, [...(received.get(m.to) ?? []), day]);
        last = m.id;
      }
    }
    expect(Object.fromEntries(received)).toEqual({
      // Mid-term report: its opening day (13 April), +3, +10, then weekly from the day after its due day (27 April) until sent on 6 May;
      // the feedback only once late (due on the last day), weekly until written; the student's evaluation from the grade (6 August), +3, until written.
      [STUDENT]: ['2026-04-13', '2026-04-16', '2026-04-23', '2026-04-28', '2026-05-05', '2026-05-30', '2026-06-06', '2026-08-06', '2026-08-09'],
      // The acknowledgement from the day the report was sent (6 May), +3, then late (due 13 May) until given on 15 May; the evaluation
      // on its opening (19 May, 10 days before the end), +3, +10, then late (due on the last day) until sent on 1 June.
      [TUTOR]: ['2026-05-06', '2026-05-09', '2026-05-14', '2026-05-19', '2026-05-22', '2026-05-29', '2026-05-30'],
      // The acknowledgement on 6 May (given the next day); the evaluation to consult from 1 June, +3 (consulted on 5 June); the defence,
      // ready once the feedback is written (10 June), only once late (due 60 days after the end): 29 July, 5 August (graded 6 August).
      [TEACHER]: ['2026-05-06', '2026-06-01', '2026-06-04', '2026-07-29', '2026-08-05'],
      // The award once every mandatory step is done (10 August), +3 (decided on 14 August).
      [MANAGER]: ['2026-08-10', '2026-08-13'],
    });
    // One row per person, step and day reminded; nothing for the year managers or the host's other accounts.
    expect(await t.db.stepReminder.count()).toBe(23);
    expect(await t.db.stepReminder.count({ where: { user: { email: { in: ['year.l3@test.example', 'admin@acme.test', 'prog.droit@test.example'] } } } })).toBe(0);

    // A line: the student, the agreement's number, the step, its due day or how late, a link to act.
    const digests = await mailsTo(t.db, STUDENT);
    expect(digests[3].subject).toBe('Suivi des stages : 1 étape(s) à traiter');
    expect(digests[3].text).toContain(`Bilan intermédiaire rempli — Léa Dubois, convention n° ${number(a)} — en retard depuis le 28 avril 2026`);
    expect(digests[3].text).toContain(`http://stages.test/agreements/${a.id}/follow-up#midterm`);
    expect(digests[0].text).toContain('à faire au plus tard le 27 avril 2026');
    const [tutorFirst] = await mailsTo(t.db, TUTOR);
    expect(tutorFirst.html).toContain(`href="http://stages.test/agreements/${a.id}/follow-up#midterm"`);
    expect(tutorFirst.html).toContain('Bilan intermédiaire reçu par le tuteur entreprise');
  }, 120_000);

  it('one digest per person and day listing all their steps, or one mail per step when they prefer; in their language', async () => {
    const w = await makeAgreementWorld(t.db);
    const lea = await internship(t.db, w);
    const hugo = await internship(t.db, w, 'hugo');
    // 19 May: the company evaluation opens for both internships (Bruno tutors both); both mid-term reports are late (weekly).
    on('2026-05-19');
    const r = await t.ctx.services.reminders.runDaily(systemAct(clock));
    expect(r).toEqual({ people: 3, mails: 3, reminders: 4 });
    const [digest] = await mailsTo(t.db, TUTOR);
    expect(digest.template).toBe('step-digest');
    expect(digest.subject).toBe('Suivi des stages : 2 étape(s) à traiter');
    for (const a of [lea, hugo]) expect(digest.text).toContain(`http://stages.test/agreements/${a.id}/follow-up#evaluation`);
    expect(digest.text).toContain('Léa Dubois');
    expect(digest.text).toContain('Hugo Bernard');
    expect(digest.text.match(/Évaluation par le tuteur entreprise/g)).toHaveLength(2);
    expect(digest.text).toContain('à faire au plus tard le 29 mai 2026');
    expect(await mailsTo(t.db, HUGO)).toHaveLength(1);

    // Three days later, Bruno prefers one mail per step, in English.
    await t.db.user.update({ where: { email: TUTOR }, data: { reminderMode: 'PER_STEP', locale: 'en' } });
    on('2026-05-22');
    expect(await t.ctx.services.reminders.runDaily(systemAct(clock))).toEqual({ people: 1, mails: 2, reminders: 2 });
    const perStep = (await mailsTo(t.db, TUTOR)).slice(1);
    expect(perStep.map((m) => m.template)).toEqual(['step-reminder', 'step-reminder']);
    expect(perStep.map((m) => m.subject).sort()).toEqual([`Reminder: Company tutor's evaluation — agreement no. ${number(lea)}`, `Reminder: Company tutor's evaluation — agreement no. ${number(hugo)}`].sort());
    expect(perStep[0].text).toContain('due by 29 May 2026');
    // Nothing again that day.
    expect((await t.ctx.services.reminders.runDaily(systemAct(clock))).mails).toBe(0);
    expect(await mailsTo(t.db, TUTOR)).toHaveLength(3);
  });

  it('a crash half-way, then a new run: every mail exactly once', async () => {
    const w = await makeAgreementWorld(t.db);
    await internship(t.db, w);
    await internship(t.db, w, 'hugo');
    on('2026-05-19');
    // The run stops after the first person's transaction has committed (one person per transaction).
    const crash = t.ctx.services.reminders.runDaily(systemAct(clock), { peoplePerTransaction: 1, afterCommit: () => { throw new Error('crash'); } });
    await expect(crash).rejects.toThrow('crash');
    expect(await t.db.outboxEmail.count()).toBe(1);
    expect(await t.db.stepReminder.count()).toBe(1);
    // The next run sends the others, and nothing to the first; a third run nothing at all.
    expect(await t.ctx.services.reminders.runDaily(systemAct(clock))).toMatchObject({ people: 3, mails: 2 });
    expect(await t.ctx.services.reminders.runDaily(systemAct(clock))).toMatchObject({ mails: 0, reminders: 0 });
    for (const to of [STUDENT, HUGO, TUTOR]) expect(await mailsTo(t.db, to)).toHaveLength(1);
    expect(await t.db.stepReminder.count()).toBe(4);
  });

  it('no reminder to a closed account, nor to a company tutor without an account; the job is scheduled daily', async () => {
    const w = await makeAgreementWorld(t.db);
    await internship(t.db, w);
    await t.db.contact.update({ where: { id: w.companyTutor.id }, data: { userId: null } });
    await t.db.user.update({ where: { email: STUDENT }, data: { active: false } });
    on('2026-05-19');
    const job = jobDefinitions().find((j) => j.name === 'label-reminders')!;
    expect(job.schedule).toBe('0 8 * * *');
    await job.run(t.app.locals.ctx);
    expect(await t.db.outboxEmail.count()).toBe(0);
    expect(await t.db.stepReminder.count()).toBe(0);
  });

  it('stops reminding an internship 180 days after its end (past years are not reminded for ever)', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await internship(t.db, w);
    const f = await forms(t.db);
    // Evaluated, consulted and the feedback written: only the defence is left, late from 28 July.
    await t.db.evaluation.create({ data: { agreementId: a.id, kind: 'COMPANY', formId: f.company.id, answers: {}, submittedAt: at('2026-05-25'), consultedAt: at('2026-05-26') } });
    await t.db.experienceFeedback.create({ data: { agreementId: a.id, workConditions: 'x', environment: 'x', supervision: 'x', advice: 'x', recommend: true, submittedAt: at('2026-05-27') } });
    const run = async (day: string) => {
      on(day);
      await t.app.locals.ctx.services.reminders.runDaily(systemAct(clock));
      return (await mailsTo(t.db, TEACHER)).length;
    };
    // 25 November is the 180th day after the end (29 May) and a weekly reminder day of the late defence: reminded.
    expect(await run('2026-11-25')).toBe(1);
    // The next one, 2 December, is past the 180 days: nothing.
    expect(await run('2026-12-02')).toBe(1);
  });

  it('the account page: a digest a day or a mail per step, audited; a wrong value refused beside the choice', async () => {
    await makeAgreementWorld(t.db);
    const s = await agent(t.app, TUTOR);
    const page = await s.a.get('/account');
    expect(page.text).toContain('<legend>Rappels du suivi des stages</legend>');
    expect(page.text).toMatch(/<input type="radio" id="f-reminderMode" name="reminderMode" value="DIGEST" checked>/);
    expect(page.text).toContain('un message par étape');
    const post = (body: Record<string, string>) => s.a.post('/account/reminders').type('form').send({ _csrf: s.csrf, ...body });
    const bad = await post({ reminderMode: 'HOURLY' });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'reminderMode')).toBeTruthy();
    expect((await t.db.user.findUniqueOrThrow({ where: { email: TUTOR } })).reminderMode).toBe('DIGEST');
    const ok = await post({ reminderMode: 'PER_STEP' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/account');
    const user = await t.db.user.findUniqueOrThrow({ where: { email: TUTOR } });
    expect(user.reminderMode).toBe('PER_STEP');
    expect((await auditRows(t.db, 'account.reminders')).map((r) => [r.actorId, r.before, r.after])).toEqual([[user.id, { reminderMode: 'DIGEST' }, { reminderMode: 'PER_STEP' }]]);
    const back = await s.a.get('/account');
    expect(back.text).toContain('Votre choix pour les rappels du suivi des stages est enregistré.');
    expect(back.text).toMatch(/value="PER_STEP" checked>/);
    // Without the form's token: refused, nothing changed.
    expect((await s.a.post('/account/reminders').type('form').send({ reminderMode: 'DIGEST' })).status).toBe(403);
  });
});

function number(a: { academicYear: string; seq: number }) {
  return `${a.academicYear.slice(0, 4)}-${String(a.seq).padStart(5, '0')}`;
}
