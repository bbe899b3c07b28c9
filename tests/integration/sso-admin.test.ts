import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { makeCentre, makeInstitution, makeStaff, makeUser } from '../factories/index.js';
import { agent, useApp } from '../helpers/app.js';

describe("the administrator's single sign-on settings", () => {
  const t = useApp();

  const valid = {
    protocol: 'OIDC',
    label: "Compte de l'Université de Test",
    enabled: 'on',
    issuerUrl: 'https://idp.univ.test/realms/main',
    clientId: 'stages',
    clientSecret: 'first-secret-value',
    emailAttribute: 'email',
    studentNumberAttribute: 'supannEtuId',
    firstNameAttribute: 'given_name',
    lastNameAttribute: 'family_name',
    passwordsDisabled: 'on',
  };

  it('lists the institutions with their provider state and links the institution page to its settings', async () => {
    await makeUser(t.db, { email: 'admin@x.test', isPlatformAdmin: true });
    const a1 = await makeInstitution(t.db, { name: 'Université Alpha' });
    const b2 = await makeInstitution(t.db, { name: 'Université Bêta' });
    await t.db.identityProvider.create({ data: { institutionId: b2.id, protocol: 'CAS', label: 'CAS Bêta', casUrl: 'https://cas.beta.test/cas', enabled: false } });
    const { a } = await agent(t.app, 'admin@x.test');
    const list = await a.get('/admin/sso');
    expect(list.status).toBe(200);
    expect(list.text).toMatch(/Université Alpha[\s\S]*Non configurée[\s\S]*Université Bêta[\s\S]*CAS Bêta[\s\S]*Désactivée/);
    expect(list.text).toContain(`href="/admin/sso/${a1.id}"`);
    expect((await a.get(`/admin/institutions/${a1.id}`)).text).toContain(`href="/admin/sso/${a1.id}"`);
  });

  it('refuses an invalid form with 422 and the messages beside the fields, keeping what was typed but the secret', async () => {
    await makeUser(t.db, { email: 'admin@x.test', isPlatformAdmin: true });
    const inst = await makeInstitution(t.db);
    const { a, csrf } = await agent(t.app, 'admin@x.test');
    const form = await a.get(`/admin/sso/${inst.id}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain(`http://stages.test/sso/${inst.id}/callback`);

    const bad = await a
      .post(`/admin/sso/${inst.id}`)
      .type('form')
      .send({ ...valid, issuerUrl: 'http://idp.univ.test/', clientId: '', emailAttribute: 'e mail', _csrf: csrf });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('class="error-summary"');
    expect(bad.text).toContain('Indiquez une adresse en https.');
    expect(bad.text).toContain('Ce champ est obligatoire pour ce protocole.');
    expect(bad.text).toContain('Indiquez un nom d&#39;attribut');
    expect(bad.text).toContain('value="Compte de l&#39;Université de Test"');
    expect(bad.text).not.toContain('first-secret-value');

    const cas = await a.post(`/admin/sso/${inst.id}`).type('form').send({ ...valid, protocol: 'CAS', casUrl: '', _csrf: csrf });
    expect(cas.status).toBe(422);
    expect(cas.text).toContain('id="f-casUrl-error"');
    expect(await t.db.identityProvider.count()).toBe(0);
  });

  it('saves the provider with an audit row; the secret is never shown again, blank keeps it, a new one replaces it', async () => {
    const admin = await makeUser(t.db, { email: 'admin@x.test', isPlatformAdmin: true });
    const inst = await makeInstitution(t.db);
    const { a, csrf } = await agent(t.app, 'admin@x.test');
    const saved = await a.post(`/admin/sso/${inst.id}`).type('form').send({ ...valid, _csrf: csrf });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/sso');
    expect(await t.db.identityProvider.findUniqueOrThrow({ where: { institutionId: inst.id } })).toMatchObject({
      protocol: 'OIDC',
      issuerUrl: valid.issuerUrl,
      clientSecret: 'first-secret-value',
      studentNumberAttribute: 'supannEtuId',
      passwordsDisabled: true,
      enabled: true,
    });
    const row = await t.db.auditLog.findFirstOrThrow({ where: { action: 'sso.provider.create' } });
    expect(row.actorId).toBe(admin.id);
    expect(JSON.stringify([row.before, row.after])).not.toContain('first-secret-value');
    expect(row.after).toMatchObject({ hasSecret: true, secretChanged: true, label: valid.label });

    const page = await a.get(`/admin/sso/${inst.id}`);
    expect(page.text).not.toContain('first-secret-value');
    expect(page.text).toContain('Un secret est enregistré');

    await a.post(`/admin/sso/${inst.id}`).type('form').send({ ...valid, clientSecret: '', label: 'ENT', _csrf: csrf });
    expect(await t.db.identityProvider.findFirstOrThrow()).toMatchObject({ label: 'ENT', clientSecret: 'first-secret-value' });
    const update = await t.db.auditLog.findFirstOrThrow({ where: { action: 'sso.provider.update' } });
    expect(update.after).toMatchObject({ label: 'ENT', secretChanged: false });

    await a.post(`/admin/sso/${inst.id}`).type('form').send({ ...valid, clientSecret: 'second-secret', _csrf: csrf });
    expect((await t.db.identityProvider.findFirstOrThrow()).clientSecret).toBe('second-secret');
    await a.post(`/admin/sso/${inst.id}`).type('form').send({ ...valid, clientSecret: '', removeSecret: 'on', _csrf: csrf });
    expect((await t.db.identityProvider.findFirstOrThrow()).clientSecret).toBeNull();
  });

  it('is for the platform administrator only; an unknown institution is a 404', async () => {
    const inst = await makeInstitution(t.db);
    const centre = await makeCentre(t.db, inst.id);
    await makeStaff(t.db, centre.id, 'ADMIN', 'centre.admin@x.test');
    await makeUser(t.db, { email: 'admin@x.test', isPlatformAdmin: true });
    const staff = await agent(t.app, 'centre.admin@x.test');
    expect((await staff.a.get('/admin/sso')).status).toBe(403);
    expect((await staff.a.get(`/admin/sso/${inst.id}`)).status).toBe(403);
    expect((await staff.a.post(`/admin/sso/${inst.id}`).type('form').send({ ...valid, _csrf: staff.csrf })).status).toBe(403);
    expect(await t.db.identityProvider.count()).toBe(0);
    const anonymous = await request(t.app).get('/admin/sso');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login/);
    const { a } = await agent(t.app, 'admin@x.test');
    expect((await a.get('/admin/sso/999999')).status).toBe(404);
  });
});
