import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { makeUser, PASSWORD } from '../factories/index.js';
import { outboxFor, resetPathOf } from '../factories/companies.js';
import { makeApplicationWorld } from '../factories/applications.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

/** The row of the list for one person (from the <tr> that names them to its end). */
function rowOf(html: string, name: string): string {
  const start = html.indexOf(`<th scope="row">${name}</th>`);
  if (start < 0) return '';
  return html.slice(start, html.indexOf('</tr>', start));
}

async function signIn(app: Parameters<typeof request.agent>[0], email: string, password = PASSWORD) {
  const a = request.agent(app);
  const login = await a.get('/login');
  return { a, res: await a.post('/login').type('form').send({ email, password, _csrf: csrfFrom(login.text) }) };
}

describe('the administrator’s user list', () => {
  const t = useApp();

  it('finds accounts by name or address, every word counting, page by page', async () => {
    await makeApplicationWorld(t.db);
    for (let i = 0; i < 27; i++) await makeUser(t.db, { email: `serie${i}@liste.test`, firstName: 'Zoé', lastName: `Série${String(i).padStart(2, '0')}` });
    const { a } = await agent(t.app, 'platform.admin@test.example');

    const all = await a.get('/admin/users');
    expect(all.status).toBe(200);
    expect(all.text).toMatch(/Utilisateurs \(\d+\)/);

    const byName = await a.get('/admin/users?q=dubois');
    expect(byName.text).toContain('Utilisateurs (1)');
    expect(byName.text).toContain('lea.dubois@etu.test');
    expect((await a.get('/admin/users?q=DUBOIS%20l%C3%A9a')).text).toContain('Utilisateurs (1)');
    expect((await a.get('/admin/users?q=dubois%20hugo')).text).toContain('Aucun utilisateur ne correspond à cette recherche.');
    expect((await a.get('/admin/users?q=admin%40acme')).text).toContain('Utilisateurs (1)');

    // 27 accounts of the series: two pages of 25, the pager keeping the search.
    const first = await a.get('/admin/users?q=liste.test');
    expect(first.text).toContain('Utilisateurs (27)');
    expect(first.text).toContain('href="/admin/users?q=liste.test&amp;page=2"');
    expect(first.text.match(/<th scope="row">/g)).toHaveLength(25);
    const second = await a.get('/admin/users?q=liste.test&page=2');
    expect(second.text.match(/<th scope="row">/g)).toHaveLength(2);
    expect(second.text).toContain('Série26 Zoé');
  });

  it('shows each account’s roles: platform, centre rights, academic roles, companies, student', async () => {
    const w = await makeApplicationWorld(t.db);
    const pending = await makeUser(t.db, { email: 'claimant@test.example', lastName: 'Claimant', firstName: 'Sam' });
    await t.db.companyMembership.create({ data: { userId: pending.id, organisationId: w.globex.id, role: 'ADMIN', status: 'PENDING' } });
    await t.db.centreStaff.create({ data: { userId: w.mixed.id, centreId: w.centreC.id, right: 'ADMIN' } });
    const { a } = await agent(t.app, 'platform.admin@test.example');
    const html = (await a.get('/admin/users')).text;
    const name = (u: { firstName: string; lastName: string }) => `${u.lastName} ${u.firstName}`;

    expect(rowOf(html, name(w.platformAdmin))).toContain('Administrateur de la plateforme');
    const mixed = rowOf(html, name(w.mixed));
    expect(mixed).toContain('Centre de gestion « UFR Sciences » — Lecture');
    expect(mixed).toContain('Centre de gestion « Faculté de droit » — Écriture');
    expect(mixed).toContain('Centre de gestion « Centre UDB » — Administration');
    expect(rowOf(html, name(w.yearManager))).toContain('Responsable d&#39;année de formation — L3 Informatique');
    expect(rowOf(html, name(w.acmeAdmin))).toContain('Administrateur du compte — ACME Lyon');
    expect(rowOf(html, name(w.acmeContact))).toContain('Contact secondaire — ACME Lyon');
    expect(rowOf(html, 'Claimant Sam')).toContain('rattachement en attente');
    expect(rowOf(html, 'Dubois Léa')).toContain('Étudiant(e) — Université A — L3 Informatique');
    expect(rowOf(html, 'Dubois Léa')).toContain('Actif');
  });

  it('deactivates an account: its sessions end, sign-in is refused, one audit row; reactivates it', async () => {
    const w = await makeApplicationWorld(t.db);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const lea = await agent(t.app, 'lea.dubois@etu.test');
    expect((await lea.a.get('/dashboard/student')).status).toBe(200);

    const page = await admin.a.get('/admin/users?q=dubois');
    expect(page.text).toContain(`action="/admin/users/${w.lea.user.id}/deactivate"`);
    expect(page.text).toContain('<details class="confirm">');
    const res = await admin.a.post(`/admin/users/${w.lea.user.id}/deactivate`).type('form').send({ _csrf: admin.csrf, back: '/admin/users?q=dubois' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users?q=dubois');
    expect((await t.db.user.findUniqueOrThrow({ where: { id: w.lea.user.id } })).active).toBe(false);
    const rows = await t.db.auditLog.findMany({ where: { action: 'user.deactivate' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ entityType: 'User', entityId: String(w.lea.user.id), actorId: w.platformAdmin.id, before: { active: true }, after: { active: false } });
    const after = await admin.a.get('/admin/users?q=dubois');
    expect(after.text).toContain('Le compte de Léa Dubois est désactivé.');
    expect(rowOf(after.text, 'Dubois Léa')).toContain('Désactivé');

    // Her open session is gone, and the right password no longer signs her in.
    expect((await lea.a.get('/dashboard/student')).headers.location).toMatch(/^\/login/);
    expect((await signIn(t.app, 'lea.dubois@etu.test')).res.status).toBe(401);

    // A second request changes nothing and records nothing.
    await admin.a.post(`/admin/users/${w.lea.user.id}/deactivate`).type('form').send({ _csrf: admin.csrf });
    expect(await t.db.auditLog.count({ where: { action: 'user.deactivate' } })).toBe(1);

    const back = await admin.a.post(`/admin/users/${w.lea.user.id}/reactivate`).type('form').send({ _csrf: admin.csrf, back: 'https://evil.example/' });
    expect(back.headers.location).toBe('/admin/users');
    expect(await t.db.auditLog.count({ where: { action: 'user.reactivate', entityId: String(w.lea.user.id) } })).toBe(1);
    expect((await signIn(t.app, 'lea.dubois@etu.test')).res.status).toBe(303);
  });

  it('refuses to deactivate oneself, with the message on the list', async () => {
    const w = await makeApplicationWorld(t.db);
    const { a, csrf } = await agent(t.app, 'platform.admin@test.example');
    const list = await a.get('/admin/users');
    const own = rowOf(list.text, `${w.platformAdmin.lastName} ${w.platformAdmin.firstName}`);
    expect(own).toContain('Votre propre compte');
    expect(own).not.toContain('/deactivate');
    const res = await a.post(`/admin/users/${w.platformAdmin.id}/deactivate`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Vous ne pouvez pas désactiver votre propre compte.');
    expect(res.text).toContain('class="error-summary"');
    expect((await t.db.user.findUniqueOrThrow({ where: { id: w.platformAdmin.id } })).active).toBe(true);
    expect(await t.db.auditLog.count({ where: { action: 'user.deactivate' } })).toBe(0);
    // Without the CSRF token, nothing is done either.
    expect((await a.post(`/admin/users/${w.lea.user.id}/deactivate`).type('form').send({})).status).toBe(403);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: w.lea.user.id } })).active).toBe(true);
  });

  it('resends an invitation to an account that never chose a password, and only to such an account', async () => {
    const w = await makeApplicationWorld(t.db);
    const invited = await makeUser(t.db, { email: 'jamais@connecte.test', firstName: 'Noé', lastName: 'Jamais' });
    await t.db.user.update({ where: { id: invited.id }, data: { passwordHash: null } });
    const { a, csrf } = await agent(t.app, 'platform.admin@test.example');

    const list = await a.get('/admin/users?q=jamais');
    expect(rowOf(list.text, 'Jamais Noé')).toContain('Invitation en attente');
    expect(list.text).toContain(`action="/admin/users/${invited.id}/invite"`);
    // Léa has a password: no such button for her.
    expect((await a.get('/admin/users?q=dubois')).text).not.toContain('/invite"');

    const res = await a.post(`/admin/users/${invited.id}/invite`).type('form').send({ _csrf: csrf, back: '/admin/users?q=jamais' });
    expect(res.status).toBe(303);
    const mails = await outboxFor(t.db, 'jamais@connecte.test');
    expect(mails).toHaveLength(1);
    expect(mails[0].template).toBe('account-invitation');
    expect(mails[0].text).toContain('administrateur de la plateforme Stages, vous envoie un nouveau lien');
    expect(await t.db.auditLog.count({ where: { action: 'user.invitationResent', entityId: String(invited.id) } })).toBe(1);

    // The link works: the invited person chooses a password and signs in.
    const b = request.agent(t.app);
    await b.get(resetPathOf(mails[0].text));
    const reset = await b.get('/password/reset');
    expect((await b.post('/password/reset').type('form').send({ password: 'mon-nouveau-mdp', confirm: 'mon-nouveau-mdp', _csrf: csrfFrom(reset.text) })).status).toBe(303);
    expect((await signIn(t.app, 'jamais@connecte.test', 'mon-nouveau-mdp')).res.status).toBe(303);

    // Now that a password exists, and for Léa, a new invitation is refused.
    for (const id of [invited.id, w.lea.user.id]) {
      const refused = await a.post(`/admin/users/${id}/invite`).type('form').send({ _csrf: csrf });
      expect(refused.status).toBe(422);
      expect(refused.text).toContain('a déjà choisi son mot de passe');
    }
    expect(await outboxFor(t.db, 'jamais@connecte.test')).toHaveLength(1);
    expect((await a.post('/admin/users/999999/invite').type('form').send({ _csrf: csrf })).status).toBe(404);
  });

  it('is the platform administrator’s only: 403 for every other role, the sign-in page for a visitor', async () => {
    const w = await makeApplicationWorld(t.db);
    for (const email of ['a.admin@test.example', 'a.write@test.example', 'admin@acme.test', 'lea.dubois@etu.test', 'year.l3@test.example']) {
      const { a, csrf } = await agent(t.app, email);
      expect((await a.get('/admin/users')).status, email).toBe(403);
      expect((await a.post(`/admin/users/${w.hugo.user.id}/deactivate`).type('form').send({ _csrf: csrf })).status, email).toBe(403);
    }
    expect((await request(t.app).get('/admin/users')).headers.location).toBe('/login?next=%2Fadmin%2Fusers');
    expect((await t.db.user.findUniqueOrThrow({ where: { id: w.hugo.user.id } })).active).toBe(true);
  });

  it('is reached from the administrator’s dashboard', async () => {
    await makeApplicationWorld(t.db);
    const { a } = await agent(t.app, 'platform.admin@test.example');
    const dash = await a.get('/dashboard/admin');
    const users = await t.db.user.count();
    expect(dash.text).toMatch(new RegExp(`<a href="/admin/users">[^<]*<span class="card-number">${users}</span></a>`));
    // And in English.
    const csrf = csrfFrom(dash.text);
    await a.post('/lang').type('form').send({ lang: 'en', _csrf: csrf });
    const en = await a.get('/admin/users');
    expect(en.text).toContain('<h1>Users</h1>');
    expect(en.text).toContain('Deactivate');
  });
});
