import { beforeEach, describe, expect, it } from 'vitest';
import { makeStudentWorld, type StudentWorld } from '../factories/students.js';
import { makeRequest } from '../factories/requests.js';
import { FixedClock } from '../../src/time/clock.js';
import { agent, useApp } from '../helpers/app.js';

describe('internship requests (student)', () => {
  // The form's availability (1 April 2026) is a day to come for this clock.
  const clock = new FixedClock('2026-03-01T10:00:00Z');
  const t = useApp({}, { clock });
  let w: StudentWorld;
  let s: Awaited<ReturnType<typeof agent>>;
  beforeEach(async () => {
    w = await makeStudentWorld(t.db);
    s = await agent(t.app, 'lea.dubois@etu.test');
  });
  const form = (o: Record<string, string> = {}) => ({
    _csrf: s.csrf,
    title: 'Stage développeur TypeScript',
    level: 'BAC_3',
    durationMonths: '3',
    positionType: 'Développeur',
    domain: 'Informatique',
    sector: 'Édition de logiciels',
    description: 'Applications web, PostgreSQL.',
    availableFrom: '2026-04-01',
    place: '63000;  Lyon',
    ...o,
  });
  const mine = () => t.db.internshipRequest.findMany({ where: { studentId: w.lea.profile.id }, orderBy: { id: 'asc' } });

  it('creates a request, lists it and audits it', async () => {
    const page = await s.a.get('/requests/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<legend>Vos critères de recherche</legend>');
    const res = await s.a.post('/requests/new').type('form').send(form());
    expect(res.status).toBe(303);
    const [r] = await mine();
    expect(r).toMatchObject({ title: 'Stage développeur TypeScript', level: 'BAC_3', durationMonths: 3, place: '63000; Lyon', status: 'OPEN' });
    expect(r.availableFrom?.toISOString().slice(0, 10)).toBe('2026-04-01');
    const list = await s.a.get('/requests');
    expect(list.text).toContain('Stage développeur TypeScript');
    expect(await t.db.auditLog.count({ where: { action: 'request.create', entityId: String(r.id), actorId: w.lea.user.id } })).toBe(1);
  });

  it('refuses an availability in the past (Paris day), keeps today and an unchanged old date', async () => {
    clock.set('2026-03-31T22:30:00Z'); // already 1 April in Paris
    s = await agent(t.app, 'lea.dubois@etu.test'); // a new session: the old one is past its 12 hours on this clock
    const past = await s.a.post('/requests/new').type('form').send(form({ availableFrom: '2026-03-31' }));
    expect(past.status).toBe(422);
    expect(past.text).toContain('La date de disponibilité ne peut pas être dans le passé.');
    expect(past.text).toContain('value="2026-03-31"');
    expect(await mine()).toHaveLength(0);
    expect((await s.a.post('/requests/new').type('form').send(form({ availableFrom: '2026-04-01' }))).status).toBe(303);
    // Weeks later, the request is edited for something else: its availability, now past, stays.
    clock.set('2026-05-10T08:00:00Z');
    s = await agent(t.app, 'lea.dubois@etu.test');
    const [r] = await mine();
    expect((await s.a.post(`/requests/${r.id}/edit`).type('form').send(form({ title: 'Stage TypeScript', availableFrom: '2026-04-01' }))).status).toBe(303);
    expect((await s.a.post(`/requests/${r.id}/edit`).type('form').send(form({ availableFrom: '2026-05-01' }))).status).toBe(422);
    clock.set('2026-03-01T10:00:00Z');
  });

  it('refuses invalid fields with 422', async () => {
    const res = await s.a.post('/requests/new').type('form').send(form({ title: '', durationMonths: '40', place: '63000; <b>' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="f-title-error"');
    expect(res.text).toContain('Indiquez une durée en mois, de 1 à 24.');
    expect(await mine()).toHaveLength(0);
  });

  it('keeps at most 3 open requests: the 4th is refused, closing one frees a slot, reopening needs one', async () => {
    for (let i = 1; i <= 3; i++) expect((await s.a.post('/requests/new').type('form').send(form({ title: `Demande ${i}` }))).status).toBe(303);
    const fourth = await s.a.post('/requests/new').type('form').send(form({ title: 'Demande 4' }));
    expect(fourth.status).toBe(422);
    expect(fourth.text).toContain('Vous avez déjà 3 demandes ouvertes');
    expect(await mine()).toHaveLength(3);
    expect((await s.a.get('/requests')).text).not.toContain('href="/requests/new"');

    const [first] = await mine();
    expect((await s.a.post(`/requests/${first.id}/close`).type('form').send({ _csrf: s.csrf })).status).toBe(303);
    expect((await t.db.internshipRequest.findUniqueOrThrow({ where: { id: first.id } })).status).toBe('CLOSED');
    expect((await s.a.post('/requests/new').type('form').send(form({ title: 'Demande 4' }))).status).toBe(303);
    // Three open again: the closed one cannot be reopened.
    const reopen = await s.a.post(`/requests/${first.id}/reopen`).type('form').send({ _csrf: s.csrf });
    expect(reopen.status).toBe(422);
    expect(reopen.text).toContain('Vous avez déjà 3 demandes ouvertes');
    expect(await t.db.internshipRequest.count({ where: { studentId: w.lea.profile.id, status: 'OPEN' } })).toBe(3);
    expect(await t.db.auditLog.count({ where: { action: 'request.close' } })).toBe(1);
  });

  it('enforces the limit under concurrent submissions', async () => {
    await makeRequest(t.db, w.lea.profile.id, { title: 'A' });
    await makeRequest(t.db, w.lea.profile.id, { title: 'B' });
    const results = await Promise.all([1, 2, 3].map((i) => s.a.post('/requests/new').type('form').send(form({ title: `C${i}` }))));
    expect(results.map((r) => r.status).sort()).toEqual([303, 422, 422]);
    expect(await t.db.internshipRequest.count({ where: { studentId: w.lea.profile.id, status: 'OPEN' } })).toBe(3);
  });

  it('edits and deletes only its own requests', async () => {
    const own = await makeRequest(t.db, w.lea.profile.id, { title: 'Ancienne' });
    const hugos = await makeRequest(t.db, w.hugo.profile.id, { title: 'De Hugo' });
    const edit = await s.a.get(`/requests/${own.id}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('value="Ancienne"');
    expect((await s.a.post(`/requests/${own.id}/edit`).type('form').send(form({ title: 'Nouvelle' }))).status).toBe(303);
    expect((await t.db.internshipRequest.findUniqueOrThrow({ where: { id: own.id } })).title).toBe('Nouvelle');

    expect((await s.a.get(`/requests/${hugos.id}/edit`)).status).toBe(404);
    expect((await s.a.post(`/requests/${hugos.id}/edit`).type('form').send(form())).status).toBe(404);
    expect((await s.a.post(`/requests/${hugos.id}/delete`).type('form').send({ _csrf: s.csrf })).status).toBe(404);
    expect((await s.a.post(`/requests/${hugos.id}/close`).type('form').send({ _csrf: s.csrf })).status).toBe(404);
    expect(await t.db.internshipRequest.findUnique({ where: { id: hugos.id } })).not.toBeNull();

    expect((await s.a.post(`/requests/${own.id}/delete`).type('form').send({ _csrf: s.csrf })).status).toBe(303);
    expect(await t.db.internshipRequest.findUnique({ where: { id: own.id } })).toBeNull();
    expect(await t.db.auditLog.count({ where: { action: 'request.delete', entityId: String(own.id) } })).toBe(1);
  });
});
