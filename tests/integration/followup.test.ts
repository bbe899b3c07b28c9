import { describe, expect, it } from 'vitest';
import type { Express } from 'express';
import type { Db } from '../../src/db/client.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { STUDENT, TEACHER, TUTOR, WRITE } from '../factories/signatures.js';
import { fieldError, mailsTo } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';
import { auditRows } from '../factories/institutions.js';
import { makeOffer } from '../factories/applications.js';

const clock = new FixedClock('2026-03-16T09:00:00Z');

/** Léa's agreement at ACME (2 March – 29 May 2026), validated; the world's programme manager manages her programme. */
async function validated(app: Express, db: Db) {
  const w = await makeAgreementWorld(db);
  const a = await makeAgreement(db, w, {}, { status: 'VALIDATED', validatedAt: new Date('2026-02-20T10:00:00Z'), programmeId: w.info.id });
  return { w, a };
}
const post = (s: Awaited<ReturnType<typeof agent>>, path: string, body: Record<string, unknown>) => s.a.post(path).type('form').send({ _csrf: s.csrf, ...body });

describe('following an internship: the label and the journal', () => {
  const t = useApp({}, { clock });

  it('follows the label once the student, the host and the programme manager (or the programme default) say yes; never a laboratory', async () => {
    clock.set('2026-03-16T09:00:00Z');
    const { w, a } = await validated(t.app, t.db);
    const student = await agent(t.app, STUDENT);
    const page = await student.a.get(`/agreements/${a.id}/follow-up`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-label-state="pending"');
    expect(page.text).toContain('data-label-form="student"');
    expect(page.text).not.toContain('data-label-form="company"');
    // Only one's own party: the student cannot answer for the host.
    expect((await post(student, `/agreements/${a.id}/label`, { party: 'company', answer: 'YES' })).status).toBe(403);
    expect((await post(student, `/agreements/${a.id}/label`, { party: 'student', answer: 'YES' })).status).toBe(303);
    const tutor = await agent(t.app, TUTOR);
    expect((await post(tutor, `/agreements/${a.id}/label`, { party: 'company', answer: 'YES' })).status).toBe(303);
    expect((await student.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('data-label-state="pending"');
    // The programme manager's default says yes for the programme.
    const manager = await agent(t.app, 'prog.info@test.example');
    expect((await manager.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('data-label-default');
    expect((await post(manager, `/agreements/${a.id}/label/programme-default`, { labelDefault: 'on' })).status).toBe(303);
    let shown = await student.a.get(`/agreements/${a.id}/follow-up`);
    expect(shown.text).toContain('data-label-state="follows"');
    expect(shown.text).toContain('(choix par défaut de la formation)');
    // …unless they say no for this one.
    expect((await post(manager, `/agreements/${a.id}/label`, { party: 'manager', answer: 'NO' })).status).toBe(303);
    shown = await student.a.get(`/agreements/${a.id}/follow-up`);
    expect(shown.text).toContain('data-label-state="pending"');
    expect((await auditRows(t.db, 'label.answer')).map((r) => r.after)).toEqual([{ party: 'student', answer: 'YES' }, { party: 'company', answer: 'YES' }, { party: 'manager', answer: 'NO' }]);
    // Another programme's manager: not theirs (out of reach).
    const other = await agent(t.app, 'prog.droit@test.example');
    expect((await post(other, `/agreements/${a.id}/label`, { party: 'manager', answer: 'YES' })).status).toBe(404);

    // A laboratory cannot carry the label: the page says why, answers are refused.
    await t.db.organisation.update({ where: { id: w.acme.id }, data: { structureType: 'PUBLIC_LAB' } });
    shown = await student.a.get(`/agreements/${a.id}/follow-up`);
    expect(shown.text).toContain('data-label-state="not-socio-economic"');
    expect((await post(student, `/agreements/${a.id}/label`, { party: 'student', answer: 'YES' })).status).toBe(422);
  });

  it('keeps the journal: the student writes during the internship, tutors comment, a difficulty mails both tutors', async () => {
    clock.set('2026-03-16T09:00:00Z');
    const { w, a } = await validated(t.app, t.db);
    const student = await agent(t.app, STUDENT);
    const entry = { day: '2026-03-13', done: 'Maquettes des écrans', hard: '', difficulty: '' };
    // Before the first day, or a day to come: refused beside the field, nothing written.
    const early = await post(student, `/agreements/${a.id}/journal`, { ...entry, day: '2026-02-27' });
    expect(early.status).toBe(422);
    expect(fieldError(early.text, 'day')).toBe('Choisissez un jour du stage.');
    expect(early.text).toContain('Maquettes des écrans');
    expect(fieldError((await post(student, `/agreements/${a.id}/journal`, { ...entry, day: '2026-03-17' })).text, 'day')).toBe("Ce jour n'est pas encore arrivé.");
    expect(fieldError((await post(student, `/agreements/${a.id}/journal`, { ...entry, done: '' })).text, 'done')).toBeTruthy();
    expect(await t.db.journalEntry.count()).toBe(0);
    expect((await post(student, `/agreements/${a.id}/journal`, { ...entry, day: '2026-03-16' })).status).toBe(303);
    expect(await mailsTo(t.db, TUTOR)).toHaveLength(0);
    const hard = await post(student, `/agreements/${a.id}/journal`, { day: '2026-03-16', done: 'Tests', hard: 'Pas d’accès au serveur de recette', difficulty: 'on' });
    expect(hard.status).toBe(303);
    for (const to of [TUTOR, TEACHER]) {
      const m = (await mailsTo(t.db, to)).filter((x) => x.template === 'journal-difficulty');
      expect(m).toHaveLength(1);
      expect(m[0].text).toContain('Pas d’accès au serveur de recette');
    }
    // The tutors read and comment; the student does not comment; the host's administrator does not read it.
    const [first] = await t.db.journalEntry.findMany({ orderBy: { id: 'asc' } });
    const teacher = await agent(t.app, TEACHER);
    expect((await teacher.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('Pas d’accès au serveur de recette');
    expect((await post(teacher, `/agreements/${a.id}/journal/${first.id}/comments`, { text: 'Bon début, continue.' })).status).toBe(303);
    expect((await post(student, `/agreements/${a.id}/journal/${first.id}/comments`, { text: 'Merci' })).status).toBe(403);
    expect((await post(teacher, `/agreements/${a.id}/journal/999999/comments`, { text: 'x' })).status).toBe(404);
    expect((await post(student, `/agreements/${a.id}/journal`, { ...entry })).status).toBe(303);
    const host = await agent(t.app, 'admin@acme.test');
    const hostPage = await host.a.get(`/agreements/${a.id}/follow-up`);
    expect(hostPage.text).not.toContain('Maquettes des écrans');
    expect(hostPage.text).toContain('réservé à l');
    const shown = await (await agent(t.app, TUTOR)).a.get(`/agreements/${a.id}/follow-up`);
    expect(shown.text).toMatch(/Bon début, continue\./);
    expect(shown.text).toContain('data-difficulty');

    // A centre that keeps the follow-up only for the label: closed until the label is followed.
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { followUpWithoutLabel: false } });
    expect((await post(student, `/agreements/${a.id}/journal`, entry)).text).toContain('Le journal de ce stage n&#39;est pas ouvert.');
    const staff = await agent(t.app, WRITE);
    expect((await staff.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('Le journal s&#39;ouvre une fois la convention validée');
  });

  it('opens the mid-term report at half of the presence hours, mails the student once; the student sends it, each tutor acknowledges it', async () => {
    // 2 March – 29 May 2026, 7 h a day: 60 days (Easter Monday, 1 and 8 May, Ascension, Whit Monday off), 420 h; 210 h on Monday 13 April.
    clock.set('2026-04-12T09:00:00Z');
    const { a } = await validated(t.app, t.db);
    const job = (at: string) => { clock.set(at); return t.ctx.services.midterm.openDue({ actor: null, requestId: null, now: clock.now() }); };
    expect(await job('2026-04-12T21:59:00Z')).toBe(0);
    let student = await agent(t.app, STUDENT);
    const before = await student.a.get(`/agreements/${a.id}/follow-up`);
    expect(before.text).toContain('data-midterm-state="not-yet"');
    expect(before.text).toContain('13 avril 2026');
    expect((await post(student, `/agreements/${a.id}/midterm`, { achievements: 'Trop tôt' })).status).toBe(422);
    // From midnight in Paris on the 13th: opened once, the student mailed once.
    expect(await job('2026-04-12T22:00:00Z')).toBe(1);
    expect(await job('2026-04-13T09:00:00Z')).toBe(0);
    expect((await mailsTo(t.db, STUDENT)).filter((m) => m.template === 'midterm-open')).toHaveLength(1);

    student = await agent(t.app, STUDENT);
    expect((await student.a.get('/dashboard/student')).text).toContain('Votre bilan intermédiaire à remplir');
    const page = await student.a.get(`/agreements/${a.id}/follow-up`);
    expect(page.text).toContain('data-midterm-form');
    expect(page.text).toContain('ne compte pas dans la note');
    const empty = await post(student, `/agreements/${a.id}/midterm`, { achievements: '', nextSteps: 'Déploiement' });
    expect(empty.status).toBe(422);
    expect(fieldError(empty.text, 'achievements')).toBeTruthy();
    expect(empty.text).toContain('Déploiement');
    expect((await post(student, `/agreements/${a.id}/midterm`, { achievements: 'Maquettes et premier module', difficulties: 'Accès aux données', changes: '', nextSteps: 'Déploiement' })).status).toBe(303);
    expect((await t.db.midtermReport.findUniqueOrThrow({ where: { agreementId: a.id } })).status).toBe('SUBMITTED');
    for (const to of [TUTOR, TEACHER]) expect((await mailsTo(t.db, to)).some((m) => m.template === 'midterm-status')).toBe(true);
    expect((await post(student, `/agreements/${a.id}/midterm`, { achievements: 'Encore' })).status).toBe(422);

    // Each tutor acknowledges their own part, in any order; the report is received once both have.
    const tutor = await agent(t.app, TUTOR);
    const teacher = await agent(t.app, TEACHER);
    expect((await student.a.get('/dashboard/student')).text).not.toContain('Votre bilan intermédiaire à remplir');
    expect((await tutor.a.get('/dashboard/contact')).text).toContain('Bilans intermédiaires à accuser réception');
    expect((await teacher.a.get('/dashboard/academic-tutor')).text).toContain('Bilans intermédiaires à accuser réception');
    expect((await post(teacher, `/agreements/${a.id}/midterm/acknowledgeCompany`, {})).status).toBe(403);
    expect((await post(tutor, `/agreements/${a.id}/midterm/acknowledgeCompany`, { comment: 'Très bon travail' })).status).toBe(303);
    expect((await t.db.midtermReport.findUniqueOrThrow({ where: { agreementId: a.id } })).status).toBe('SUBMITTED');
    expect((await post(tutor, `/agreements/${a.id}/midterm/acknowledgeCompany`, {})).status).toBe(422);
    expect((await post(teacher, `/agreements/${a.id}/midterm/acknowledgeAcademic`, {})).status).toBe(303);
    expect((await teacher.a.get('/dashboard/academic-tutor')).text).not.toContain('Bilans intermédiaires à accuser réception');
    const done = await t.db.midtermReport.findUniqueOrThrow({ where: { agreementId: a.id } });
    expect(done).toMatchObject({ status: 'ACKNOWLEDGED', companyComment: 'Très bon travail', academicComment: null });
    expect((await student.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('« Très bon travail »');
    // The steps list: the report and both acknowledgements done.
    const steps = (await student.a.get(`/agreements/${a.id}/follow-up`)).text;
    for (const code of ['midtermSent', 'midtermCompanyAck', 'midtermAcademicAck']) expect(steps).toContain(`data-step="${code}" data-state="done"`);
    expect((await mailsTo(t.db, STUDENT)).filter((m) => m.template === 'midterm-status')).toHaveLength(2);

    // The private calendar feeds: the student's steps due (the feedback, by the last day), the tutors' none left.
    expect((await student.a.get('/account/calendar')).text).not.toContain('data-calendar="exists"');
    const made = await post(student, '/account/calendar', {});
    const url = /data-calendar-url[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-calendar-url/.exec(made.text)!;
    const feedUrl = new URL((url[1] ?? url[2]).replace(/&amp;/g, '&'));
    const anon = (await import('supertest')).default(t.app);
    const ics = await anon.get(feedUrl.pathname);
    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    expect(ics.text).toContain('BEGIN:VCALENDAR\r\n');
    expect(ics.text).toMatch(/SUMMARY:Retour d'expérience — Léa Dubois/);
    expect(ics.text).toContain('DTSTART;VALUE=DATE:20260529');
    expect(ics.text).not.toContain('Bilan intermédiaire rempli');
    // Renewed: the former address stops working.
    await post(student, '/account/calendar', {});
    expect((await anon.get(feedUrl.pathname)).status).toBe(404);
    expect((await anon.get('/calendar/not-a-token.ics')).status).toBe(404);
  });

  it('records, by the centre\'s WRITE staff, the acknowledgement of a company tutor without an account; never for a tutor who has one', async () => {
    clock.set('2026-04-20T09:00:00Z');
    const { w, a } = await validated(t.app, t.db);
    await t.db.midtermReport.create({ data: { agreementId: a.id, opensOn: new Date('2026-04-13'), status: 'SUBMITTED', achievements: 'Premier module', submittedAt: new Date('2026-04-14T09:00:00Z') } });
    const staff = await agent(t.app, WRITE);
    // The tutor has an account: theirs to acknowledge, not the staff's.
    expect((await staff.a.get(`/agreements/${a.id}/follow-up`)).text).not.toContain('/midterm/acknowledgeCompany');
    expect((await post(staff, `/agreements/${a.id}/midterm/acknowledgeCompany`, {})).status).toBe(403);
    await t.db.contact.update({ where: { id: w.companyTutor.id }, data: { userId: null } });
    expect((await staff.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('/midterm/acknowledgeCompany');
    expect((await post(staff, `/agreements/${a.id}/midterm/acknowledgeCompany`, { comment: 'Reçu par téléphone' })).status).toBe(303);
    const staffUser = await t.db.user.findUniqueOrThrow({ where: { email: WRITE } });
    expect(await t.db.midtermReport.findUniqueOrThrow({ where: { agreementId: a.id } })).toMatchObject({ status: 'SUBMITTED', companyAckById: staffUser.id, companyComment: 'Reçu par téléphone' });
    expect((await post(staff, `/agreements/${a.id}/midterm/acknowledgeCompany`, {})).status).toBe(422);
    // The academic tutor's remains theirs.
    expect((await post(staff, `/agreements/${a.id}/midterm/acknowledgeAcademic`, {})).status).toBe(403);
  });

  it('takes the student’s experience feedback; shared, the programme manager moderates it, then later students read it without its author', async () => {
    clock.set('2026-03-16T09:00:00Z');
    const { w, a } = await validated(t.app, t.db);
    const offer = await makeOffer(t.db, w.acme.id, { title: 'Stage data', publishFrom: new Date('2026-03-01T00:00:00Z'), publishUntil: new Date('2026-06-30T00:00:00Z') });
    const student = await agent(t.app, STUDENT);
    const body = { workConditions: 'Poste et matériel fournis', environment: 'Équipe accueillante', supervision: 'Un point par semaine', advice: 'Demandez tôt vos accès', recommend: 'yes', wishKnown: '', shareable: 'on' };
    const missing = await post(student, `/agreements/${a.id}/feedback`, { ...body, advice: '', recommend: '' });
    expect(missing.status).toBe(422);
    expect(fieldError(missing.text, 'advice')).toBeTruthy();
    expect(missing.text).toContain('Équipe accueillante');
    expect(await t.db.experienceFeedback.count()).toBe(0);
    expect((await post(student, `/agreements/${a.id}/feedback`, body)).status).toBe(303);
    expect((await t.db.experienceFeedback.findUniqueOrThrow({ where: { agreementId: a.id } })).moderation).toBe('PENDING');
    expect((await student.a.get(`/agreements/${a.id}/follow-up`)).text).toContain('data-step="feedback" data-state="done"');
    // Only the student writes it.
    expect((await post(await agent(t.app, TEACHER), `/agreements/${a.id}/feedback`, body)).status).toBe(403);

    // Not shown before moderation; the manager of another programme cannot moderate it; a student cannot reach the queue.
    const reader = await agent(t.app, 'hugo.bernard@etu.test');
    expect((await reader.a.get(`/offers/${offer.id}`)).text).not.toContain('data-shared-feedback');
    const other = await agent(t.app, 'prog.droit@test.example');
    expect((await other.a.get('/followup/feedback')).text).not.toContain('Demandez tôt vos accès');
    expect((await post(other, `/followup/feedback/${a.id}/moderate`, { decision: 'APPROVED' })).status).toBe(404);
    expect((await student.a.get('/followup/feedback')).status).toBe(403);
    const manager = await agent(t.app, 'prog.info@test.example');
    expect((await manager.a.get('/followup/feedback')).text).toContain('Demandez tôt vos accès');
    expect((await post(manager, `/followup/feedback/${a.id}/moderate`, { decision: 'APPROVED' })).status).toBe(303);
    expect((await t.db.experienceFeedback.findUniqueOrThrow({ where: { agreementId: a.id } })).moderation).toBe('APPROVED');

    // Published: on the offer and on the organisation's page, without the author's name.
    for (const path of [`/offers/${offer.id}`, `/organisations/${w.acme.id}`]) {
      const page = (await reader.a.get(path)).text;
      expect(page, path).toContain('data-shared-feedback');
      expect(page, path).toContain('Demandez tôt vos accès');
      expect(page, path).toContain('recommande cet organisme');
      expect(page, path).not.toContain('Dubois');
    }
    // Rewritten, it goes back to moderation (off the pages until approved again).
    expect((await post(student, `/agreements/${a.id}/feedback`, { ...body, advice: 'Lisez la documentation' })).status).toBe(303);
    expect((await reader.a.get(`/offers/${offer.id}`)).text).not.toContain('data-shared-feedback');
  });
});
