import { beforeEach, describe, expect, it } from 'vitest';
import { auditRows } from '../factories/institutions.js';
import { makeOrganisation } from '../factories/index.js';
import { fieldError, makeContact, makeDirectoryWorld, makeService, orgForm } from '../factories/organisations.js';
import { agent, useApp } from '../helpers/app.js';

describe('host organisations: verification queue', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeDirectoryWorld>>;
  let pendingId: number;
  beforeEach(async () => {
    w = await makeDirectoryWorld(t.db);
    // A student creates one: it goes to centre A's queue.
    const s = await agent(t.app, 'student@test.example');
    const res = await s.a.post('/organisations/new').type('form').send({ ...orgForm({ legalName: 'Stage Découverte SARL' }), _csrf: s.csrf });
    expect(res.status).toBe(303);
    pendingId = Number(res.headers.location.split('/').pop());
  });

  it('lists it for the WRITE staff of the student\u2019s centre and the platform administrator only', async () => {
    const a = await agent(t.app, 'a.write@test.example');
    const queue = await a.a.get('/organisations/queue');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('Stage Découverte SARL');
    expect(queue.text).toContain('Centre A');
    expect(queue.text).toContain('Léa Dubois');
    expect(queue.text).toContain('<caption>');

    const b = await agent(t.app, 'b.write@test.example');
    const other = await b.a.get('/organisations/queue');
    expect(other.status).toBe(200);
    expect(other.text).not.toContain('Stage Découverte SARL');
    expect(other.text).toContain('Aucun établissement n&#39;attend de vérification');

    const admin = await agent(t.app, 'platform.admin@test.example');
    expect((await admin.a.get('/organisations/queue')).text).toContain('Stage Découverte SARL');

    // READ staff and students have no queue.
    expect((await (await agent(t.app, 'a.read@test.example')).a.get('/organisations/queue')).status).toBe(403);
    expect((await (await agent(t.app, 'student@test.example')).a.get('/organisations/queue')).status).toBe(403);
  });

  it('WRITE staff of the centre verify it (audited); it leaves the queue', async () => {
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const show = await a.get(`/organisations/${pendingId}`);
    expect(show.text).toContain(`action="/organisations/${pendingId}/verify"`);
    const res = await a.post(`/organisations/${pendingId}/verify`).type('form').send({ _csrf: csrf, back: 'queue' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/organisations/queue');
    const org = await t.db.organisation.findUniqueOrThrow({ where: { id: pendingId } });
    expect(org).toMatchObject({ verified: true, verifiedById: w.writeA.id });
    expect(org.verifiedAt).toBeInstanceOf(Date);
    const [row] = await auditRows(t.db, 'organisation.verify');
    expect(row).toMatchObject({ actorId: w.writeA.id, entityId: String(pendingId), after: expect.objectContaining({ verified: true }) });
    const queue = await a.get('/organisations/queue');
    expect(queue.text).toContain("L&#39;établissement a été validé.");
    expect(queue.text).not.toContain('Stage Découverte SARL');
    // Verifying again changes nothing.
    await a.post(`/organisations/${pendingId}/verify`).type('form').send({ _csrf: csrf });
    expect(await auditRows(t.db, 'organisation.verify')).toHaveLength(1);
  });

  it('another centre\u2019s WRITE staff get 404, READ staff 403; nothing changes', async () => {
    const b = await agent(t.app, 'b.write@test.example');
    expect((await b.a.post(`/organisations/${pendingId}/verify`).type('form').send({ _csrf: b.csrf })).status).toBe(404);
    expect((await b.a.get(`/organisations/${pendingId}/merge`)).status).toBe(404);
    expect((await b.a.post(`/organisations/${pendingId}/delete`).type('form').send({ _csrf: b.csrf })).status).toBe(404);
    // They see it (and may edit it) but have no moderation buttons.
    const show = await b.a.get(`/organisations/${pendingId}`);
    expect(show.status).toBe(200);
    expect(show.text).not.toContain('/verify"');
    expect(show.text).toContain(`href="/organisations/${pendingId}/edit"`);

    const read = await agent(t.app, 'a.read@test.example');
    expect((await read.a.post(`/organisations/${pendingId}/verify`).type('form').send({ _csrf: read.csrf })).status).toBe(403);

    // WRITE in one centre and READ in the student's centre: 403 there.
    await t.db.centreStaff.create({ data: { userId: w.writeB.id, centreId: w.centreA.id, right: 'READ' } });
    const b2 = await agent(t.app, 'b.write@test.example');
    expect((await b2.a.post(`/organisations/${pendingId}/verify`).type('form').send({ _csrf: b2.csrf })).status).toBe(403);
    expect((await t.db.organisation.findUniqueOrThrow({ where: { id: pendingId } })).verified).toBe(false);
  });

  it('organisations without a centre (administrator, seed) may be moderated by any WRITE staff', async () => {
    const orphan = await makeOrganisation(t.db, { legalName: 'Sans centre', verified: false, centreId: null });
    const b = await agent(t.app, 'b.write@test.example');
    expect((await b.a.post(`/organisations/${orphan.id}/verify`).type('form').send({ _csrf: b.csrf })).status).toBe(303);
    expect((await t.db.organisation.findUniqueOrThrow({ where: { id: orphan.id } })).verified).toBe(true);
  });
});

describe('host organisations: edit by staff', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeDirectoryWorld>>;
  beforeEach(async () => {
    w = await makeDirectoryWorld(t.db);
  });

  it('shows the form filled in, saves (audited), keeps the verification, sets the partnership', async () => {
    const { a, csrf } = await agent(t.app, 'b.write@test.example');
    const form = await a.get(`/organisations/${w.company.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="Auvergne Logiciels"');
    expect(form.text).toContain('value="73282932000074"');
    expect(form.text).toContain('name="partnership"');
    const res = await a
      .post(`/organisations/${w.company.id}/edit`)
      .type('form')
      .send({ ...orgForm({ legalName: 'Auvergne Logiciels SAS', siret: '73282932000074', phone: '04 73 00 11 22', postalCode: '63170', city: 'Aubière' }), partnership: 'on', _csrf: csrf });
    expect(res.status).toBe(303);
    const org = await t.db.organisation.findUniqueOrThrow({ where: { id: w.company.id } });
    expect(org).toMatchObject({ legalName: 'Auvergne Logiciels SAS', normalizedName: 'auvergne logiciels sas', phoneDigits: '0473001122', department: '63', partnership: true, verified: true });
    const [row] = await auditRows(t.db, 'organisation.update');
    expect(row.before).toMatchObject({ legalName: 'Auvergne Logiciels', partnership: false });
    expect(row.after).toMatchObject({ legalName: 'Auvergne Logiciels SAS', partnership: true });
    const show = await a.get(`/organisations/${w.company.id}`);
    expect(show.text).toContain('badge-partner');
    expect(show.text).toMatch(/modifié le [^<]+ par Camille Test\d+/);
    expect((await a.get('/organisations?by=name&name=auvergne')).text).toContain('badge-partner');
  });

  it('422 with the values kept; a SIRET already used elsewhere is refused', async () => {
    await makeOrganisation(t.db, { legalName: 'Autre', siret: '44306184100047' });
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const bad = await a.post(`/organisations/${w.company.id}/edit`).type('form').send({ ...orgForm({ legalName: 'Nouveau nom', nafCode: '99.99Z', siret: '73282932000074' }), _csrf: csrf });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'nafCode')).toContain('nomenclature');
    expect(bad.text).toContain('value="Nouveau nom"');
    const taken = await a.post(`/organisations/${w.company.id}/edit`).type('form').send({ ...orgForm({ siret: '44306184100047' }), _csrf: csrf });
    expect(taken.status).toBe(422);
    expect(fieldError(taken.text, 'siret')).toContain('déjà enregistré');
    expect((await t.db.organisation.findUniqueOrThrow({ where: { id: w.company.id } })).legalName).toBe('Auvergne Logiciels');
  });

  it('is refused to students, READ staff and company administrators', async () => {
    for (const email of ['student@test.example', 'a.read@test.example', 'company.admin@test.example']) {
      const { a, csrf } = await agent(t.app, email);
      expect((await a.get(`/organisations/${w.company.id}/edit`)).status, email).toBe(403);
      expect((await a.post(`/organisations/${w.company.id}/edit`).type('form').send({ ...orgForm(), _csrf: csrf })).status, email).toBe(403);
    }
  });
});

describe('host organisations: deletion', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeDirectoryWorld>>;
  beforeEach(async () => {
    w = await makeDirectoryWorld(t.db);
  });

  it('is refused while memberships, services or contacts reference the organisation', async () => {
    const service = await makeService(t.db, w.company.id);
    await makeContact(t.db, w.company.id, { serviceId: service.id });
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const res = await a.post(`/organisations/${w.company.id}/delete`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Suppression impossible');
    expect(res.text).toContain('2 compte(s) entreprise');
    expect(res.text).toContain('1 service(s)');
    expect(res.text).toContain('1 contact(s)');
    expect(await t.db.organisation.count({ where: { id: w.company.id } })).toBe(1);
    expect(await auditRows(t.db, 'organisation.delete')).toHaveLength(0);
  });

  it('deletes one that nothing references (audited)', async () => {
    const lone = await makeOrganisation(t.db, { legalName: 'Doublon à supprimer' });
    const { a, csrf } = await agent(t.app, 'platform.admin@test.example');
    const res = await a.post(`/organisations/${lone.id}/delete`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/organisations');
    expect(await t.db.organisation.count({ where: { id: lone.id } })).toBe(0);
    const [row] = await auditRows(t.db, 'organisation.delete');
    expect(row).toMatchObject({ entityId: String(lone.id), before: expect.objectContaining({ legalName: 'Doublon à supprimer' }) });
    expect((await a.get('/organisations')).text).toContain('a été supprimé');
    expect((await a.get(`/organisations/${lone.id}`)).status).toBe(404);
  });
});
