import { beforeEach, describe, expect, it } from 'vitest';
import { makeCentre, makeUser } from '../factories/index.js';
import { auditRows, makeCentresWithStaff } from '../factories/institutions.js';
import request from 'supertest';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

function fieldError(html: string, field: string): string | null {
  const m = html.match(new RegExp(`<p class="error-message" id="f-${field}-error">(?:<span[^>]*>[^<]*</span>)?([^<]*)</p>`));
  return m ? m[1] : null;
}

const centreForm = (over: Record<string, string> = {}) => ({
  name: 'Centre A modifié',
  addressLine1: '1 place Vasarely',
  addressLine2: 'Bâtiment B',
  postalCode: '63000',
  city: 'Clermont-Ferrand',
  country: 'FR',
  phone: '04 73 00 00 00',
  fax: '',
  email: '',
  website: '',
  academicTutorRequired: 'on',
  companyTutorRequired: 'on',
  studentsMayPrint: 'on',
  printCondition: 'ALWAYS',
  confidentiality: 'NEVER',
  ...over,
});

describe('management centres: who sees what', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeCentresWithStaff>>;
  beforeEach(async () => {
    w = await makeCentresWithStaff(t.db);
  });

  it('lists the centres the actor reaches, with the right held', async () => {
    const { a } = await agent(t.app, 'a.read@test.example');
    const res = await a.get('/centres');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Centre A');
    expect(res.text).not.toContain('Centre B');
    expect(res.text).toContain('Lecture');

    const admin = await agent(t.app, 'platform.admin@test.example');
    const all = await admin.a.get('/centres');
    expect(all.text).toContain('Centre A');
    expect(all.text).toContain('Centre B');
    expect(all.text).toContain("Vous n&#39;êtes pas rattaché à ce centre");
  });

  it('READ: sees the centre and its staff; 403 on edit, logo and staff changes; 404 elsewhere', async () => {
    const { a, csrf } = await agent(t.app, 'a.read@test.example');
    const show = await a.get(`/centres/${w.centreA.id}`);
    expect(show.status).toBe(200);
    expect(show.text).toContain('Détail du centre');
    expect(show.text).not.toContain(`href="/centres/${w.centreA.id}/edit"`);
    const staff = await a.get(`/centres/${w.centreA.id}/staff`);
    expect(staff.status).toBe(200);
    expect(staff.text).toContain('a.admin@test.example');
    expect(staff.text).not.toContain('/remove');

    expect((await a.get(`/centres/${w.centreB.id}`)).status).toBe(404);
    expect((await a.get(`/centres/${w.centreB.id}/staff`)).status).toBe(404);
    expect((await a.get(`/centres/999999`)).status).toBe(404);

    // READ holds no ADMIN right anywhere: the guard refuses.
    expect((await a.get(`/centres/${w.centreA.id}/edit`)).status).toBe(403);
    expect((await a.post(`/centres/${w.centreA.id}/edit`).type('form').send({ ...centreForm(), _csrf: csrf })).status).toBe(403);
    expect((await a.get(`/centres/${w.centreA.id}/staff/new`)).status).toBe(403);
    expect((await a.post(`/centres/${w.centreA.id}/staff/new`).type('form').send({ email: 'x@test.example', right: 'READ', _csrf: csrf })).status).toBe(403);
    const adminRow = await w.staffRow(w.admin.id, w.centreA.id);
    expect((await a.post(`/centres/${w.centreA.id}/staff/${adminRow.id}/remove`).type('form').send({ _csrf: csrf })).status).toBe(403);
    expect(await t.db.centreStaff.count({ where: { centreId: w.centreA.id } })).toBe(3);
    expect((await t.db.managementCentre.findUniqueOrThrow({ where: { id: w.centreA.id } })).name).toBe('Centre A');
  });

  it('WRITE: the same as READ for the centre management', async () => {
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    expect((await a.get(`/centres/${w.centreA.id}`)).status).toBe(200);
    expect((await a.get(`/centres/${w.centreA.id}/staff`)).status).toBe(200);
    expect((await a.get(`/centres/${w.centreA.id}/edit`)).status).toBe(403);
    expect((await a.post(`/centres/${w.centreA.id}/staff/new`).type('form').send({ email: 'x@test.example', right: 'READ', _csrf: csrf })).status).toBe(403);
    expect(await t.db.user.count({ where: { email: 'x@test.example' } })).toBe(0);
  });

  it('an ADMIN of one centre who is READ in another gets 403 there, and 404 where they have no right', async () => {
    await t.db.centreStaff.create({ data: { userId: w.adminB.id, centreId: w.centreA.id, right: 'READ' } });
    const third = await makeCentre(t.db, w.institution.id, { name: 'Centre C' });
    const { a, csrf } = await agent(t.app, 'b.admin@test.example');
    expect((await a.get(`/centres/${w.centreA.id}/edit`)).status).toBe(403);
    expect((await a.post(`/centres/${w.centreA.id}/edit`).type('form').send({ ...centreForm(), _csrf: csrf })).status).toBe(403);
    expect((await a.get(`/centres/${third.id}`)).status).toBe(404);
    expect((await a.get(`/centres/${third.id}/edit`)).status).toBe(404);
    expect((await a.post(`/centres/${third.id}/edit`).type('form').send({ ...centreForm(), _csrf: csrf })).status).toBe(404);
    expect((await a.get(`/centres/${w.centreB.id}/edit`)).status).toBe(200);
  });
});

describe('management centres: the ADMIN manages settings and staff', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeCentresWithStaff>>;
  let s: Awaited<ReturnType<typeof agent>>;
  beforeEach(async () => {
    w = await makeCentresWithStaff(t.db);
    s = await agent(t.app, 'a.admin@test.example');
  });

  it('edits the coordinates and settings of its centre (audited), not its kind', async () => {
    const form = await s.a.get(`/centres/${w.centreA.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).not.toContain('name="kind"');
    expect(form.text).toContain('<fieldset');
    const res = await s.a.post(`/centres/${w.centreA.id}/edit`).type('form').send({ ...centreForm({ kind: 'COMPANY_CENTRE' }), _csrf: s.csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/centres/${w.centreA.id}`);
    const c = await t.db.managementCentre.findUniqueOrThrow({ where: { id: w.centreA.id } });
    expect(c).toMatchObject({
      name: 'Centre A modifié',
      kind: 'UFR',
      addressLine2: 'Bâtiment B',
      academicTutorRequired: true,
      companyTutorRequired: true,
      studentsMayEnterTutor: false,
      yearChoiceMonthBefore: false,
      anonymousDeposit: false,
      studentsMayPrint: true,
      confidentiality: 'NEVER',
    });
    const [row] = await auditRows(t.db, 'centre.update');
    expect(row.before).toMatchObject({ name: 'Centre A', studentsMayEnterTutor: true });
    expect(row.after).toMatchObject({ name: 'Centre A modifié', studentsMayEnterTutor: false });

    const show = await s.a.get(`/centres/${w.centreA.id}`);
    expect(show.text).toContain('Jamais confidentiel');
    expect(show.text).toContain('Les modifications ont été enregistrées.');
  });

  it('re-renders the settings form with 422 and the values kept', async () => {
    const res = await s.a.post(`/centres/${w.centreA.id}/edit`).type('form').send({ ...centreForm({ phone: 'abc', website: 'ftp://x' }), _csrf: s.csrf });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'phone')).toContain('numéro de téléphone');
    expect(fieldError(res.text, 'website')).not.toBeNull();
    expect(res.text).toContain('value="Centre A modifié"');
    expect(res.text).toContain('id="f-academicTutorRequired" name="academicTutorRequired" value="on" checked');
    expect(res.text).toMatch(/id="f-confidentiality-NEVER" name="confidentiality" value="NEVER" checked/);
  });

  it('attaches an existing user by e-mail, and creates an account for a new one (no password)', async () => {
    const existing = await makeUser(t.db, { email: 'existing@test.example', firstName: 'Jocelyne', lastName: 'Dandrieux' });
    const add = await s.a
      .post(`/centres/${w.centreA.id}/staff/new`)
      .type('form')
      .send({ email: 'Existing@Test.example', right: 'WRITE', department: 'Serv. de l’étudiant', campus: 'Cézeaux', building: '', office: 'BAIP', printedAsContact: 'on', _csrf: s.csrf });
    expect(add.status).toBe(303);
    expect(add.headers.location).toBe(`/centres/${w.centreA.id}/staff`);
    expect(await w.staffRow(existing.id, w.centreA.id)).toMatchObject({ right: 'WRITE', department: 'Serv. de l’étudiant', campus: 'Cézeaux', building: null, office: 'BAIP', printedAsContact: true });
    expect(await auditRows(t.db, 'centreStaff.create')).toHaveLength(1);
    expect(await auditRows(t.db, 'user.create')).toHaveLength(0);

    const again = await s.a.post(`/centres/${w.centreA.id}/staff/new`).type('form').send({ email: 'existing@test.example', right: 'READ', _csrf: s.csrf });
    expect(again.status).toBe(422);
    expect(fieldError(again.text, 'email')).toContain('déjà rattachée');

    const noNames = await s.a.post(`/centres/${w.centreA.id}/staff/new`).type('form').send({ email: 'new.person@test.example', right: 'READ', department: 'UFR STAPS', _csrf: s.csrf });
    expect(noNames.status).toBe(422);
    expect(fieldError(noNames.text, 'lastName')).toContain('Aucun compte');
    expect(noNames.text).toContain('value="new.person@test.example"');
    expect(noNames.text).toContain('value="UFR STAPS"');
    expect(await t.db.user.count({ where: { email: 'new.person@test.example' } })).toBe(0);

    const create = await s.a
      .post(`/centres/${w.centreA.id}/staff/new`)
      .type('form')
      .send({ email: 'new.person@test.example', civility: 'MR', firstName: 'Guillaume', lastName: 'Andrieux', right: 'READ', _csrf: s.csrf });
    expect(create.status).toBe(303);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'new.person@test.example' } });
    expect(user).toMatchObject({ civility: 'MR', firstName: 'Guillaume', lastName: 'Andrieux', passwordHash: null, isPlatformAdmin: false });
    expect(await w.staffRow(user.id, w.centreA.id)).toMatchObject({ right: 'READ' });
    const [created] = await auditRows(t.db, 'user.create');
    expect(created.entityId).toBe(String(user.id));

    const list = await s.a.get(`/centres/${w.centreA.id}/staff`);
    expect(list.text).toContain('Andrieux');
    expect(list.text).toContain('a été rattaché au centre');

    // The existing account is told; the new one receives a single-use link to choose a password.
    const mails = await t.db.outboxEmail.findMany({ orderBy: { id: 'asc' } });
    expect(mails.map((m) => [m.to, m.template])).toEqual([
      ['existing@test.example', 'centre-staff-added'],
      ['new.person@test.example', 'account-invitation'],
    ]);
    expect(mails[0].text).toContain('Centre A');
    expect(mails[1].text).toMatch(/avec le droit « Lecture »/);
    const link = /http:\/\/stages\.test(\/password\/reset\/[\w-]+)/.exec(mails[1].text)![1];
    const invited = request.agent(t.app);
    await invited.get(link);
    const form = await invited.get('/password/reset');
    expect(form.status).toBe(200);
    const set = await invited.post('/password/reset').type('form').send({ password: 'my-own-password', confirm: 'my-own-password', _csrf: csrfFrom(form.text) });
    expect(set.status).toBe(303);
    const signedIn = await agent(t.app, 'new.person@test.example', 'my-own-password');
    expect((await signedIn.a.get(`/centres/${w.centreA.id}`)).status).toBe(200);
  });

  it('queues no mail and creates no account when the attachment fails', async () => {
    const s = await agent(t.app, 'a.admin@test.example');
    const bad = await s.a.post(`/centres/${w.centreA.id}/staff/new`).type('form').send({ email: 'someone@test.example', civility: 'MR', firstName: 'A', lastName: 'B', right: 'SUPERUSER', _csrf: s.csrf });
    expect(bad.status).toBe(422);
    expect(await t.db.outboxEmail.count()).toBe(0);
    expect(await t.db.user.count({ where: { email: 'someone@test.example' } })).toBe(0);
  });

  it('changes a member\'s right and fields; the new right counts from the next request', async () => {
    const readRow = await w.staffRow(w.read.id, w.centreA.id);
    const member = await agent(t.app, 'a.read@test.example');
    expect((await member.a.get(`/centres/${w.centreA.id}/edit`)).status).toBe(403);

    const form = await s.a.get(`/centres/${w.centreA.id}/staff/${readRow.id}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toMatch(/id="f-right" name="right" value="READ" checked/);
    const res = await s.a
      .post(`/centres/${w.centreA.id}/staff/${readRow.id}/edit`)
      .type('form')
      .send({ right: 'ADMIN', department: 'Scolarité', campus: '', building: 'A', office: '101', _csrf: s.csrf });
    expect(res.status).toBe(303);
    expect(await t.db.centreStaff.findUniqueOrThrow({ where: { id: readRow.id } })).toMatchObject({ right: 'ADMIN', department: 'Scolarité', campus: null, building: 'A', office: '101', printedAsContact: false });
    const [row] = await auditRows(t.db, 'centreStaff.update');
    expect(row.before).toMatchObject({ right: 'READ' });
    expect(row.after).toMatchObject({ right: 'ADMIN' });

    // Same session, next request: the member is now ADMIN of the centre.
    expect((await member.a.get(`/centres/${w.centreA.id}/edit`)).status).toBe(200);

    const bad = await s.a.post(`/centres/${w.centreA.id}/staff/${readRow.id}/edit`).type('form').send({ right: 'OWNER', _csrf: s.csrf });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'right')).toContain('Choisissez');
  });

  it('removes a member (audited); the removed member loses access at once', async () => {
    const writeRow = await w.staffRow(w.write.id, w.centreA.id);
    const member = await agent(t.app, 'a.write@test.example');
    expect((await member.a.get(`/centres/${w.centreA.id}`)).status).toBe(200);
    const res = await s.a.post(`/centres/${w.centreA.id}/staff/${writeRow.id}/remove`).type('form').send({ _csrf: s.csrf });
    expect(res.status).toBe(303);
    expect(await t.db.centreStaff.findUnique({ where: { id: writeRow.id } })).toBeNull();
    const [row] = await auditRows(t.db, 'centreStaff.delete');
    expect(row.before).toMatchObject({ userId: w.write.id, right: 'WRITE' });
    expect((await member.a.get(`/centres/${w.centreA.id}`)).status).toBe(403);
  });

  it('cannot reach the staff of another centre (404)', async () => {
    const bAdminRow = await w.staffRow(w.adminB.id, w.centreB.id);
    expect((await s.a.get(`/centres/${w.centreB.id}/staff`)).status).toBe(404);
    expect((await s.a.get(`/centres/${w.centreB.id}/staff/new`)).status).toBe(404);
    expect((await s.a.post(`/centres/${w.centreB.id}/staff/new`).type('form').send({ email: 'x@test.example', right: 'READ', _csrf: s.csrf })).status).toBe(404);
    expect((await s.a.post(`/centres/${w.centreB.id}/staff/${bAdminRow.id}/remove`).type('form').send({ _csrf: s.csrf })).status).toBe(404);
    // A staff id of centre B under centre A's URL is no better.
    expect((await s.a.get(`/centres/${w.centreA.id}/staff/${bAdminRow.id}/edit`)).status).toBe(404);
    expect((await s.a.post(`/centres/${w.centreA.id}/staff/${bAdminRow.id}/remove`).type('form').send({ _csrf: s.csrf })).status).toBe(404);
    expect(await t.db.centreStaff.findUnique({ where: { id: bAdminRow.id } })).not.toBeNull();
  });
});

describe('management centres: the last ADMIN', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeCentresWithStaff>>;
  beforeEach(async () => {
    w = await makeCentresWithStaff(t.db);
  });

  it('an ADMIN can neither downgrade nor remove the last ADMIN of the centre', async () => {
    const { a, csrf } = await agent(t.app, 'a.admin@test.example');
    const own = await w.staffRow(w.admin.id, w.centreA.id);
    const down = await a.post(`/centres/${w.centreA.id}/staff/${own.id}/edit`).type('form').send({ right: 'WRITE', department: 'Gardé', _csrf: csrf });
    expect(down.status).toBe(422);
    expect(fieldError(down.text, 'right')).toContain('dernier administrateur');
    expect(down.text).toContain('value="Gardé"');
    const remove = await a.post(`/centres/${w.centreA.id}/staff/${own.id}/remove`).type('form').send({ _csrf: csrf });
    expect(remove.status).toBe(422);
    expect(remove.text).toContain('dernier administrateur');
    expect(await t.db.centreStaff.findUniqueOrThrow({ where: { id: own.id } })).toMatchObject({ right: 'ADMIN' });
    expect(await auditRows(t.db, 'centreStaff.update')).toHaveLength(0);

    // Once there is a second ADMIN, the first may step down.
    const writeRow = await w.staffRow(w.write.id, w.centreA.id);
    expect((await a.post(`/centres/${w.centreA.id}/staff/${writeRow.id}/edit`).type('form').send({ right: 'ADMIN', _csrf: csrf })).status).toBe(303);
    expect((await a.post(`/centres/${w.centreA.id}/staff/${own.id}/edit`).type('form').send({ right: 'READ', _csrf: csrf })).status).toBe(303);
    // …and has lost the ADMIN right on the next request.
    expect((await a.get(`/centres/${w.centreA.id}/staff/new`)).status).toBe(403);
  });

  it('the platform administrator may remove the last ADMIN', async () => {
    const { a, csrf } = await agent(t.app, 'platform.admin@test.example');
    const own = await w.staffRow(w.admin.id, w.centreA.id);
    const res = await a.post(`/centres/${w.centreA.id}/staff/${own.id}/remove`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(await t.db.centreStaff.count({ where: { centreId: w.centreA.id, right: 'ADMIN' } })).toBe(0);
  });
});
