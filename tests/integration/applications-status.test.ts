import { beforeEach, describe, expect, it } from 'vitest';
import { auditRows } from '../factories/institutions.js';
import { makeApplicationWorld, makeOffer, type ApplicationWorld } from '../factories/applications.js';
import { mailsTo, minimalPdf } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

describe('application statuses', () => {
  const t = useApp();
  let w: ApplicationWorld;
  let id: number;
  beforeEach(async () => {
    w = await makeApplicationWorld(t.db);
    const s = await agent(t.app, 'lea.dubois@etu.test');
    const res = await s.a
      .post(`/applications/new?offer=${w.offer.id}`)
      .field('_csrf', s.csrf)
      .field('title', 'Ma candidature')
      .field('message', 'Bonjour')
      .attach('cv', minimalPdf(), 'cv.pdf')
      .attach('letter', minimalPdf(), 'lettre.pdf');
    expect(res.status).toBe(303);
    id = (await t.db.application.findFirstOrThrow()).id;
  });
  const app = () => t.db.application.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { id: 'asc' } } } });
  // The student's mails about statuses (the receipt sent when applying is not one).
  const studentMails = async () => (await mailsTo(t.db, 'lea.dubois@etu.test')).filter((m) => m.template !== 'application-sent');
  const post = (who: Awaited<ReturnType<typeof agent>>, status: string, extra: Record<string, string> = {}) =>
    who.a.post(`/applications/${id}/status`).type('form').send({ _csrf: who.csrf, status, ...extra });

  it('is READ when the company says so ("Marquer comme lue"), then INTERVIEW and ACCEPTED, each mailed, audited and in the history', async () => {
    const admin = await agent(t.app, 'admin@acme.test');
    const outbox = await t.db.outboxEmail.count();
    // Opening the page (and a file) changes nothing a user would notice: no status, no mail.
    const page = await admin.a.get(`/applications/${id}`);
    expect(page.status).toBe(200);
    await admin.a.get(`/applications/${id}/files/${(await app()).cvFileId}`);
    expect(await app()).toMatchObject({ status: 'SENT', readAt: null });
    expect((await app()).events).toHaveLength(1);
    expect(await t.db.outboxEmail.count()).toBe(outbox);
    expect(await auditRows(t.db, 'application.status')).toHaveLength(0);
    // The explicit action is a button of the page.
    expect(page.text).toContain('<input type="hidden" name="status" value="READ">');
    expect(page.text).toContain('Marquer comme lue</button>');
    const read = await post(admin, 'READ');
    expect(read.status).toBe(303);
    expect(await app()).toMatchObject({ status: 'READ', readAt: expect.any(Date) });
    expect((await app()).events).toHaveLength(2);
    expect(await studentMails()).toHaveLength(1);
    expect((await admin.a.get(`/applications/${id}`)).text).not.toContain('Marquer comme lue');

    expect((await post(admin, 'INTERVIEW', { comment: 'Le 3 mars à 10 h' })).status).toBe(303);
    expect((await post(admin, 'ACCEPTED', { back: '/applications/company?tab=current' })).headers.location).toBe('/applications/company?tab=current');
    const a = await app();
    expect(a.status).toBe('ACCEPTED');
    expect(a.events.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'SENT'],
      ['SENT', 'READ'],
      ['READ', 'INTERVIEW'],
      ['INTERVIEW', 'ACCEPTED'],
    ]);
    const mails = await studentMails();
    expect(mails.map((m) => m.template)).toEqual(['application-status', 'application-status', 'application-status']);
    expect(mails[1].text).toContain('Rendez-vous');
    expect(mails[1].text).toContain('Le 3 mars à 10 h');
    expect(mails[2].text).toContain('Satisfaite');
    expect(await auditRows(t.db, 'application.status')).toHaveLength(3);

    // The student, the centre staff and the year manager see the history.
    for (const email of ['lea.dubois@etu.test', 'a.read@test.example', 'year.l3@test.example', 'platform.admin@test.example']) {
      const s = await agent(t.app, email);
      const show = await s.a.get(`/applications/${id}`);
      expect(show.status, email).toBe(200);
      expect(show.text).toContain('Lue → Rendez-vous');
      expect(show.text).toContain('Rendez-vous → Satisfaite');
    }
    // Staff of another centre do not.
    expect((await (await agent(t.app, 'b.write@test.example')).a.get(`/applications/${id}`)).status).toBe(404);
  });

  it('on ACCEPTED tells the student\'s centre (WRITE staff) and year manager, and asks the company whether the offer is filled', async () => {
    const admin = await agent(t.app, 'admin@acme.test');
    await admin.a.get(`/applications/${id}`);
    const before = await admin.a.get(`/applications/${id}`);
    expect(before.text).not.toContain('Votre offre est-elle pourvue ?');
    expect((await post(admin, 'ACCEPTED')).status).toBe(303);
    for (const to of ['a.write@test.example', 'a.admin@test.example', 'year.l3@test.example']) {
      const mails = await mailsTo(t.db, to);
      expect(mails.map((m) => m.template), to).toEqual(['application-accepted']);
      expect(mails[0].subject).toBe('Stage trouvé : Léa Dubois');
      expect(mails[0].text).toContain('ACME Lyon a marqué « Satisfaite »');
    }
    // READ staff, other centres' staff and the company are not told by this mail.
    for (const to of ['a.read@test.example', 'b.write@test.example', 'admin@acme.test']) {
      expect((await mailsTo(t.db, to)).filter((m) => m.template === 'application-accepted'), to).toHaveLength(0);
    }
    const page = await admin.a.get(`/applications/${id}`);
    expect(page.text).toContain('Votre offre est-elle pourvue ?');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    expect(page.text).toContain(`action="/offers/manage/${w.offer.id}/fill"`);
    const filled = await admin.a.post(`/offers/manage/${w.offer.id}/fill`).type('form').send({ _csrf: csrf });
    expect(filled.status).toBe(303);
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: w.offer.id } })).status).toBe('FILLED');
    // Once filled, the question is no longer asked.
    expect((await admin.a.get(`/applications/${id}`)).text).not.toContain('Votre offre est-elle pourvue ?');
  });

  it('refuses changes the workflow does not allow, changing nothing', async () => {
    const student = await agent(t.app, 'lea.dubois@etu.test');
    expect((await post(student, 'ACCEPTED')).status).toBe(403);
    expect((await post(student, 'INTERVIEW')).status).toBe(403);
    const admin = await agent(t.app, 'admin@acme.test');
    expect((await post(student, 'READ')).status).toBe(403); // the company's action
    expect((await post(admin, 'SENT')).status).toBe(422);
    expect((await post(admin, 'nonsense')).status).toBe(422);
    const read = await agent(t.app, 'a.read@test.example');
    expect((await post(read, 'CANCELLED')).status).toBe(403); // READ staff follow, WRITE staff act
    const yearManager = await agent(t.app, 'year.l3@test.example');
    expect((await post(yearManager, 'CANCELLED')).status).toBe(403);
    expect(await app()).toMatchObject({ status: 'SENT' });
    expect((await app()).events).toHaveLength(1);
    expect(await studentMails()).toHaveLength(0);
    // Final statuses stay final. The company's first answer also says it has read the application.
    expect((await post(admin, 'ACCEPTED')).status).toBe(303);
    expect((await post(student, 'CANCELLED')).status).toBe(422);
    expect(await app()).toMatchObject({ status: 'ACCEPTED', readAt: expect.any(Date) });
  });

  it('may be cancelled by the student (the company is told) or by WRITE staff of the student\'s centre', async () => {
    const student = await agent(t.app, 'lea.dubois@etu.test');
    // The student is offered an explicit "withdraw", confirmed in a second step, not a status list.
    const page = await student.a.get(`/applications/${id}`);
    expect(page.text).toContain('<summary class="button button-danger">Retirer ma candidature</summary>');
    expect(page.text).toContain('Oui, retirer ma candidature');
    expect(page.text).not.toContain('name="status" required');
    expect((await post(student, 'CANCELLED')).status).toBe(303);
    expect((await app()).status).toBe('CANCELLED');
    expect((await student.a.get(`/applications/${id}`)).text).not.toContain('Retirer ma candidature');
    const company = await mailsTo(t.db, 'admin@acme.test');
    expect(company.map((m) => m.template)).toEqual(['application-received', 'application-company-status']);
    expect(company[1].text).toContain('Annulée');

    const other = await makeOffer(t.db, w.acme.id);
    const res = await student.a
      .post(`/applications/new?offer=${other.id}`)
      .field('_csrf', student.csrf)
      .field('title', 'Deuxième')
      .field('message', 'Bonjour')
      .attach('cv', minimalPdf(), 'cv.pdf')
      .attach('letter', minimalPdf(), 'lettre.pdf');
    const second = Number(res.headers.location.split('/').pop());
    const staff = await agent(t.app, 'a.write@test.example');
    expect((await staff.a.post(`/applications/${second}/status`).type('form').send({ _csrf: staff.csrf, status: 'CANCELLED' })).status).toBe(303);
    const row = await t.db.applicationEvent.findFirstOrThrow({ where: { applicationId: second, toStatus: 'CANCELLED' } });
    expect(row.actorId).toBe(w.write.id);
    const mails = await studentMails();
    expect(mails.at(-1)?.text).toContain("l'établissement");
  });

  it('refuses ACCEPTED to WRITE staff of the student\'s centre (the company\'s decision), changing nothing', async () => {
    const staff = await agent(t.app, 'a.write@test.example');
    expect((await post(staff, 'ACCEPTED')).status).toBe(403);
    expect((await post(staff, 'INTERVIEW')).status).toBe(403);
    const a = await app();
    expect(a).toMatchObject({ status: 'SENT', readAt: null });
    expect(a.events).toHaveLength(1);
    expect(await studentMails()).toHaveLength(0);
    expect(await auditRows(t.db, 'application.status')).toHaveLength(0);
  });

  it('shows the application again with the message when the change is not possible from its status', async () => {
    const admin = await agent(t.app, 'admin@acme.test');
    const res = await post(admin, 'SENT');
    expect(res.status).toBe(422);
    expect(res.text).toContain('error-summary');
    expect(res.text).toContain('Ce changement de statut n&#39;est pas possible.');
    expect((await app()).status).toBe('SENT'); // shown again, not read
    expect((await post(admin, 'ACCEPTED')).status).toBe(303);
    const late = await post(admin, 'CANCELLED');
    expect(late.status).toBe(422);
    expect(late.text).toContain('Cette action n&#39;est pas possible dans l&#39;état actuel');
  });

  it('lists the company tabs with date, offer, student, CV and letter links and a status form', async () => {
    const contact = await agent(t.app, 'contact@acme.test');
    const page = await contact.a.get('/applications/company');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Offres en cours (1)');
    expect(page.text).toContain('Dubois Léa');
    expect(page.text).toContain(`/applications/${id}/files/`);
    expect(page.text).toContain(`action="/applications/${id}/status"`);
    // The offer ends: its applications move to the archived tab.
    await t.db.offer.update({ where: { id: w.offer.id }, data: { status: 'FILLED' } });
    await makeOffer(t.db, w.acme.id, { status: 'PENDING_COMPANY', title: 'Offre en attente' });
    const admin = await agent(t.app, 'admin@acme.test');
    expect((await admin.a.get('/applications/company?tab=archived')).text).toContain('Dubois Léa');
    expect((await admin.a.get('/applications/company?tab=validate')).text).toContain('Offre en attente');
    // Another company sees none of it.
    const globex = await agent(t.app, 'admin@globex.test');
    expect((await globex.a.get('/applications/company?tab=archived')).text).not.toContain('Dubois Léa');
  });

  it('lists the students\' applications for their centre staff only', async () => {
    const read = await agent(t.app, 'a.read@test.example');
    expect((await read.a.get('/applications/school')).text).toContain('Dubois Léa');
    const b = await agent(t.app, 'b.write@test.example');
    expect((await b.a.get('/applications/school')).text).not.toContain('Dubois Léa');
    const ym = await agent(t.app, 'year.l3@test.example');
    expect((await ym.a.get('/applications/school?status=SENT')).text).toContain('Dubois Léa');
  });
});
