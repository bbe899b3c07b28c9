import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { FixedClock, MINUTE_MS } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { auditRows, PNG_1PX } from '../factories/institutions.js';
import { fieldError, mailsTo } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const clock = new FixedClock('2026-06-20T09:00:00Z');
type Session = Awaited<ReturnType<typeof agent>>;

const LEA = 'lea.dubois@etu.test';
const HUGO = 'hugo.bernard@etu.test';
const A_READ = 'a.read@test.example';
const A_WRITE = 'a.write@test.example';
const A_ADMIN = 'a.admin@test.example';
const B_WRITE = 'b.write@test.example';
const MIXED = 'mixed@test.example';
const PLATFORM = 'platform.admin@test.example';
const EVERYONE = [LEA, HUGO, A_READ, A_WRITE, A_ADMIN, B_WRITE, MIXED, PLATFORM];

/** Posts the report form as the browser does (multipart, the token first). */
function report(s: Session, fields: Record<string, string>, file?: { bytes: Buffer; name: string }) {
  let req = s.a.post('/tickets').field('_csrf', s.csrf);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  if (file) req = req.attach('file', file.bytes, file.name);
  return req;
}

async function reported(s: Session, fields: Record<string, string>, file?: { bytes: Buffer; name: string }): Promise<number> {
  const res = await report(s, fields, file);
  expect(res.status, res.text.slice(0, 300)).toBe(303);
  return Number(/^\/tickets\/(\d+)$/.exec(res.headers.location)![1]);
}

const post = (s: Session, path: string, body: Record<string, string>) => s.a.post(path).type('form').send({ _csrf: s.csrf, ...body });
const say = (s: Session, path: string, message: string) => s.a.post(path).field('_csrf', s.csrf).field('message', message);

/** Who among the world's people was mailed with this template (their addresses, sorted). */
async function mailed(db: Db, template: string): Promise<string[]> {
  return (await db.outboxEmail.findMany({ where: { template }, select: { to: true } })).map((m) => m.to).sort();
}

describe('the help desk', () => {
  const t = useApp({}, { clock });

  it('routes a student\'s report to the WRITE staff of their centre, with the page, the file and an audit row', async () => {
    await makeAgreementWorld(t.db);
    const lea = await agent(t.app, LEA);
    // Every page carries the link, with its path only.
    const home = await lea.a.get('/dashboard/student');
    expect(home.text).toContain('href="/tickets/new?page=%2Fdashboard%2Fstudent" data-report-problem');
    const form = await lea.a.get('/tickets/new?page=' + encodeURIComponent('/offers/search?q=Dubois'));
    expect(form.status).toBe(200);
    expect(form.text).toMatch(/id="f-page" name="page" value="\/offers\/search" readonly="readonly"/);

    const id = await reported(lea, { page: '/offers/search?q=Dubois', category: 'OFFER', message: 'La recherche ne trouve rien.' }, { bytes: PNG_1PX, name: 'capture.png' });
    const ticket = await t.db.ticket.findUniqueOrThrow({ where: { id }, include: { messages: { include: { file: true } }, centre: true } });
    expect(ticket).toMatchObject({ category: 'OFFER', status: 'OPEN', pagePath: '/offers/search', agreementId: null, createdAt: clock.now() });
    expect(ticket.centre!.name).toBe('UFR Sciences');
    expect(ticket.messages).toHaveLength(1);
    expect(ticket.messages[0]).toMatchObject({ body: 'La recherche ne trouve rien.' });
    expect(ticket.messages[0].file).toMatchObject({ mimeType: 'image/png', originalName: 'capture.png' });
    // WRITE and ADMIN staff of centre A are mailed; not its READ staff, nor centre B's, nor the administrator.
    expect(await mailed(t.db, 'ticket-created')).toEqual([A_ADMIN, A_WRITE]);
    const mail = (await mailsTo(t.db, A_WRITE))[0];
    expect(mail.text).toContain('La recherche ne trouve rien.');
    expect(mail.text).toContain(`http://stages.test/tickets/${id}`);
    expect((await auditRows(t.db, 'ticket.report')).map((r) => r.after)).toEqual([
      expect.objectContaining({ status: 'OPEN', category: 'OFFER', pagePath: '/offers/search', centreId: ticket.centreId, mimeType: 'image/png' }),
    ]);

    // The attachment: for those who see the ticket.
    const fileId = ticket.messages[0].fileId!;
    const got = await lea.a.get(`/tickets/${id}/files/${fileId}`);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect((await (await agent(t.app, A_WRITE)).a.get(`/tickets/${id}/files/${fileId}`)).status).toBe(200);
    for (const who of [HUGO, A_READ, B_WRITE]) expect((await (await agent(t.app, who)).a.get(`/tickets/${id}/files/${fileId}`)).status, who).toBe(404);
    expect((await lea.a.get(`/tickets/${id}/files/${fileId + 1000}`)).status).toBe(404);
  });

  it('routes an account problem to the platform administrator, and a report from an agreement\'s page to that agreement\'s centre', async () => {
    const w = await makeAgreementWorld(t.db);
    const lea = await agent(t.app, LEA);
    const account = await reported(lea, { page: '/account', category: 'ACCOUNT', message: 'Je ne peux pas changer mon mot de passe.' });
    expect(await t.db.ticket.findUniqueOrThrow({ where: { id: account } })).toMatchObject({ centreId: null, agreementId: null });
    expect(await mailed(t.db, 'ticket-created')).toEqual([PLATFORM]);

    // Léa's agreement is managed by centre B (not her study year's centre A).
    const a = await makeAgreement(t.db, w, {}, { centreId: w.centreB.id });
    const fromAgreement = await reported(lea, { page: `/agreements/${a.id}/follow-up`, category: 'AGREEMENT', message: 'La date de fin est fausse.' });
    expect(await t.db.ticket.findUniqueOrThrow({ where: { id: fromAgreement } })).toMatchObject({ centreId: w.centreB.id, agreementId: a.id });
    expect(await mailed(t.db, 'ticket-created')).toEqual([B_WRITE, MIXED, PLATFORM].sort());
    const page = await (await agent(t.app, B_WRITE)).a.get(`/tickets/${fromAgreement}`);
    expect(page.text).toContain(`href="/agreements/${a.id}" data-agreement`);

    // An agreement out of the reporter's reach routes nothing: Hugo's report goes to his own centre (B), without the agreement.
    await t.db.agreement.update({ where: { id: a.id }, data: { centreId: w.centreA.id } });
    const hugo = await agent(t.app, HUGO);
    const typed = await reported(hugo, { page: `/agreements/${a.id}`, category: 'AGREEMENT', message: 'Je ne vois pas ma convention.' });
    expect(await t.db.ticket.findUniqueOrThrow({ where: { id: typed } })).toMatchObject({ centreId: w.centreB.id, agreementId: null });

    // Centre staff report to their first centre; a company user to their organisation's reference centre, else to the administrator.
    const staffTicket = await reported(await agent(t.app, MIXED), { page: '/dashboard/centre', category: 'OTHER', message: 'Un tableau est vide.' });
    expect((await t.db.ticket.findUniqueOrThrow({ where: { id: staffTicket } })).centreId).toBe(w.centreA.id);
    const company = await agent(t.app, 'admin@acme.test');
    expect((await t.db.ticket.findUniqueOrThrow({ where: { id: await reported(company, { page: '/dashboard/company', category: 'OFFER', message: 'Mon offre ?' }) } })).centreId).toBeNull();
    await t.db.organisation.update({ where: { id: w.acme.id }, data: { centreId: w.centreB.id } });
    expect((await t.db.ticket.findUniqueOrThrow({ where: { id: await reported(company, { page: '/dashboard/company', category: 'OFFER', message: 'Mon offre ?' }) } })).centreId).toBe(w.centreB.id);
  });

  it('is answered by a handler (mailed to the author), written to again by the author (back to the queue), closed and reopened', async () => {
    await makeAgreementWorld(t.db);
    const lea = await agent(t.app, LEA);
    const id = await reported(lea, { page: '/sheets', category: 'OTHER', message: 'Ma fiche a disparu.' });
    const staff = await agent(t.app, A_WRITE);
    const queued = await staff.a.get(`/tickets/${id}`);
    expect(queued.text).toContain('data-answer-form');
    expect(queued.text).toContain('Ma fiche a disparu.');

    clock.advance(MINUTE_MS);
    expect((await say(staff, `/tickets/${id}/answer`, 'Elle est dans « Mes fiches ».').attach('file', PNG_1PX, 'ou.png')).status).toBe(303);
    expect(await t.db.ticket.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'ANSWERED', updatedAt: clock.now() });
    const answered = (await mailsTo(t.db, LEA)).filter((m) => m.template === 'ticket-answered');
    expect(answered).toHaveLength(1);
    expect(answered[0].text).toContain('Elle est dans « Mes fiches ».');
    expect(answered[0].text).toContain(`/tickets/${id}`);
    expect((await auditRows(t.db, 'ticket.answer')).map((r) => r.after)).toEqual([expect.objectContaining({ status: 'ANSWERED', mimeType: 'image/png' })]);

    // The author sees their tickets and the answer.
    const mine = await lea.a.get('/tickets');
    expect(mine.text).toMatch(new RegExp(`data-ticket="${id}">[\\s\\S]*?data-status="ANSWERED">Répondu<`));
    const shown = await lea.a.get(`/tickets/${id}`);
    expect(shown.text).toContain('Elle est dans « Mes fiches ».');
    expect(shown.text).toContain('data-reply-form');
    expect(shown.text).not.toContain('data-answer-form');
    expect(shown.text).toContain('data-attachment');

    // Writing again puts it back in the queue and tells the handlers.
    expect((await say(lea, `/tickets/${id}/reply`, 'Je ne la vois toujours pas.')).status).toBe(303);
    expect((await t.db.ticket.findUniqueOrThrow({ where: { id } })).status).toBe('OPEN');
    expect(await mailed(t.db, 'ticket-replied')).toEqual([A_ADMIN, A_WRITE]);
    expect(await t.db.ticketMessage.count({ where: { ticketId: id } })).toBe(3);

    // The author closes it (no mail to themselves); the author may not reopen it, a handler may.
    expect((await post(lea, `/tickets/${id}/status`, { action: 'close' })).status).toBe(303);
    expect((await t.db.ticket.findUniqueOrThrow({ where: { id } })).status).toBe('CLOSED');
    expect(await mailed(t.db, 'ticket-closed')).toEqual([]);
    expect((await post(lea, `/tickets/${id}/status`, { action: 'reopen' })).status).toBe(403);
    expect((await say(lea, `/tickets/${id}/reply`, 'Encore moi.')).status).toBe(422);
    const again = await post(lea, `/tickets/${id}/status`, { action: 'close' });
    expect(again.status).toBe(422);
    expect((await post(staff, `/tickets/${id}/status`, { action: 'reopen' })).status).toBe(303);
    expect((await t.db.ticket.findUniqueOrThrow({ where: { id } })).status).toBe('OPEN');
    // A handler closing it tells the author.
    expect((await post(staff, `/tickets/${id}/status`, { action: 'close' })).status).toBe(303);
    expect(await mailed(t.db, 'ticket-closed')).toEqual([LEA]);
    expect((await auditRows(t.db, 'ticket.reopen')).map((r) => [r.before, r.after])).toEqual([[{ status: 'CLOSED' }, { status: 'OPEN' }]]);
  });

  it('is out of reach of everyone but its author and its handlers', async () => {
    await makeAgreementWorld(t.db);
    const id = await reported(await agent(t.app, LEA), { page: '/', category: 'OTHER', message: 'Bonjour' });
    const status = async (who: string, path: string) => (await (await agent(t.app, who)).a.get(path)).status;
    for (const who of [LEA, A_WRITE, A_ADMIN, PLATFORM]) expect(await status(who, `/tickets/${id}`), who).toBe(200);
    for (const who of [HUGO, A_READ, B_WRITE, MIXED]) expect(await status(who, `/tickets/${id}`), who).toBe(404);
    // READ staff cannot answer (the permission), WRITE staff of another centre do not reach it.
    expect((await say(await agent(t.app, A_READ), `/tickets/${id}/answer`, 'Non')).status).toBe(403);
    expect((await say(await agent(t.app, B_WRITE), `/tickets/${id}/answer`, 'Non')).status).toBe(404);
    expect((await post(await agent(t.app, B_WRITE), `/tickets/${id}/status`, { action: 'close' })).status).toBe(404);
    expect((await say(await agent(t.app, HUGO), `/tickets/${id}/reply`, 'Moi aussi')).status).toBe(404);
    expect(await t.db.ticketMessage.count({ where: { ticketId: id } })).toBe(1);
    expect((await t.db.ticket.findUniqueOrThrow({ where: { id } })).status).toBe('OPEN');
    // Hugo's own list does not show it.
    expect((await (await agent(t.app, HUGO)).a.get('/tickets')).text).not.toContain(`data-ticket="${id}"`);
  });

  it('checks the file by its content and keeps what was typed (422)', async () => {
    await makeAgreementWorld(t.db);
    const lea = await agent(t.app, LEA);
    const fake = await report(lea, { page: '/offers', category: 'OFFER', message: 'Voir la capture' }, { bytes: Buffer.from('<html>not an image</html>'), name: 'capture.png' });
    expect(fake.status).toBe(422);
    expect(fieldError(fake.text, 'file')).toContain('PNG, JPEG, PDF');
    expect(fake.text).toContain('Voir la capture</textarea>');
    expect(fake.text).toMatch(/value="OFFER" checked/);
    expect(fake.text).toMatch(/name="page" value="\/offers"/);
    const empty = await report(lea, { page: '/offers', category: 'ACCOUNT', message: '   ' });
    expect(empty.status).toBe(422);
    expect(fieldError(empty.text, 'message')).toBeTruthy();
    expect(empty.text).toMatch(/value="ACCOUNT" checked/);
    const noCategory = await report(lea, { page: '/offers', message: 'Quelque chose' });
    expect(noCategory.status).toBe(422);
    expect(fieldError(noCategory.text, 'category')).toBeTruthy();
    expect(await t.db.ticket.count()).toBe(0);
    expect(await t.db.outboxEmail.count()).toBe(0);

    // The same on an answer: the ticket's page again, the message kept, nothing written.
    const id = await reported(lea, { page: '/', category: 'OTHER', message: 'Bonjour' });
    const staff = await agent(t.app, A_WRITE);
    const bad = await say(staff, `/tickets/${id}/answer`, 'Voici la procédure').attach('file', Buffer.from('MZ\x90\x00 binary'), 'procedure.pdf');
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'file')).toBeTruthy();
    expect(bad.text).toContain('Voici la procédure</textarea>');
    expect((await t.db.ticket.findUniqueOrThrow({ where: { id } })).status).toBe('OPEN');
    expect(await t.db.ticketMessage.count({ where: { ticketId: id } })).toBe(1);
  });

  it('shows each handler their queue, oldest first, with counts on their dashboard', async () => {
    await makeAgreementWorld(t.db);
    const lea = await agent(t.app, LEA);
    const first = await reported(lea, { page: '/', category: 'OTHER', message: 'Premier' });
    clock.advance(MINUTE_MS);
    const second = await reported(lea, { page: '/', category: 'OTHER', message: 'Second' });
    clock.advance(MINUTE_MS);
    const third = await reported(lea, { page: '/', category: 'OTHER', message: 'Troisième' });
    await reported(await agent(t.app, HUGO), { page: '/', category: 'OTHER', message: 'Centre B' });
    await reported(lea, { page: '/', category: 'ACCOUNT', message: 'Compte' });
    const staff = await agent(t.app, A_WRITE);
    expect((await say(staff, `/tickets/${second}/answer`, 'Réponse')).status).toBe(303);

    const queue = await staff.a.get('/tickets/queue');
    expect(queue.status).toBe(200);
    expect([...queue.text.matchAll(/data-ticket="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([first, third]);
    expect(queue.text).toMatch(/data-count="OPEN"><a[^>]*>Ouvert <span class="card-number">2</);
    expect(queue.text).toMatch(/data-count="ANSWERED"><a[^>]*>Répondu <span class="card-number">1</);
    const answered = await staff.a.get('/tickets/queue?status=ANSWERED');
    expect([...answered.text.matchAll(/data-ticket="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([second]);
    const all = await staff.a.get('/tickets/queue?status=all');
    expect([...all.text.matchAll(/data-ticket="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([first, third, second]);

    const dashboard = await staff.a.get('/dashboard/centre');
    expect(dashboard.text).toMatch(/data-counter="ticketsOpen"><a href="\/tickets\/queue\?status=OPEN">[^<]*<span class="card-number">2</);
    expect(dashboard.text).toMatch(/data-counter="ticketsAnswered"><a href="\/tickets\/queue\?status=ANSWERED">[^<]*<span class="card-number">1</);
    // READ staff handle nothing: no block, no queue.
    const read = await agent(t.app, A_READ);
    expect((await read.a.get('/dashboard/centre')).text).not.toContain('data-tickets-block');
    expect((await read.a.get('/tickets/queue')).status).toBe(403);
    // The administrator: the platform's tickets on the dashboard and by default; every centre's on demand.
    const admin = await agent(t.app, PLATFORM);
    expect((await admin.a.get('/dashboard/admin')).text).toMatch(/data-counter="ticketsOpen"><a[^>]*>[^<]*<span class="card-number">1</);
    expect([...(await admin.a.get('/tickets/queue')).text.matchAll(/data-ticket="(\d+)"/g)]).toHaveLength(1);
    expect([...(await admin.a.get('/tickets/queue?scope=all')).text.matchAll(/data-ticket="(\d+)"/g)]).toHaveLength(4);
  });
});
