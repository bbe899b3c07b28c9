import { beforeEach, describe, expect, it } from 'vitest';
import { auditRows } from '../factories/institutions.js';
import { makeOrganisation } from '../factories/index.js';
import { fieldError, makeContact, makeDirectoryWorld, makeService } from '../factories/organisations.js';
import { agent, useApp } from '../helpers/app.js';

const serviceForm = (over: Record<string, string> = {}) => ({ name: 'Direction des systèmes d’information', sameAddress: 'on', addressLine1: '', addressLine2: '', postalCode: '', city: '', country: '', phone: '', ...over });
const contactForm = (over: Record<string, string> = {}) => ({ civility: 'MRS', firstName: 'Claire', lastName: 'Morel', function: 'Responsable RH', email: 'claire.morel@auvergne.example', phone: '04 73 11 22 36', serviceId: '', ...over });

describe('host organisations: services and contacts', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeDirectoryWorld>>;
  beforeEach(async () => {
    w = await makeDirectoryWorld(t.db);
  });

  it('WRITE staff create, edit and delete a service (audited), own address or the organisation\u2019s', async () => {
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const form = await a.get(`/organisations/${w.company.id}/services/new`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Même adresse que l&#39;établissement');
    expect(form.text).toContain('<fieldset>');

    const missing = await a.post(`/organisations/${w.company.id}/services/new`).type('form').send({ ...serviceForm({ sameAddress: '', addressLine1: '3 rue X' }), _csrf: csrf });
    expect(missing.status).toBe(422);
    expect(fieldError(missing.text, 'city')).toContain('pas à l&#39;adresse de l&#39;établissement');
    expect(missing.text).toContain('value="3 rue X"');

    const created = await a.post(`/organisations/${w.company.id}/services/new`).type('form').send({ ...serviceForm(), _csrf: csrf });
    expect(created.status).toBe(303);
    expect(created.headers.location).toBe(`/organisations/${w.company.id}/services`);
    const service = await t.db.service.findFirstOrThrow({ where: { organisationId: w.company.id } });
    expect(service).toMatchObject({ sameAddress: true, addressLine1: null, normalizedName: 'direction des systemes d information' });

    const edited = await a
      .post(`/organisations/${w.company.id}/services/${service.id}/edit`)
      .type('form')
      .send({ ...serviceForm({ name: 'DSI', sameAddress: '', addressLine1: '1 rue Fesch', postalCode: '20000', city: 'Ajaccio', country: 'fr' }), _csrf: csrf });
    expect(edited.status).toBe(303);
    expect(await t.db.service.findUniqueOrThrow({ where: { id: service.id } })).toMatchObject({ name: 'DSI', sameAddress: false, department: '2A', country: 'FR' });

    const list = await a.get(`/organisations/${w.company.id}/services`);
    expect(list.text).toContain('DSI');
    expect(list.text).toContain('1 rue Fesch');

    const deleted = await a.post(`/organisations/${w.company.id}/services/${service.id}/delete`).type('form').send({ _csrf: csrf });
    expect(deleted.status).toBe(303);
    expect(await t.db.service.count()).toBe(0);
    expect((await auditRows(t.db, 'service.create')).length).toBe(1);
    expect((await auditRows(t.db, 'service.update'))[0].before).toMatchObject({ name: 'Direction des systèmes d’information' });
    expect((await auditRows(t.db, 'service.delete')).length).toBe(1);
  });

  it('refuses to delete a service its contacts still reference', async () => {
    const service = await makeService(t.db, w.company.id, { name: 'Comptabilité' });
    await makeContact(t.db, w.company.id, { serviceId: service.id });
    const { a, csrf } = await agent(t.app, 'platform.admin@test.example');
    const res = await a.post(`/organisations/${w.company.id}/services/${service.id}/delete`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(422);
    expect(res.text).toContain('le service est encore référencé par');
    expect(res.text).toContain('1 contact(s)');
    expect(await t.db.service.count()).toBe(1);
  });

  it('contacts: create with a service of the same organisation only, edit, delete (audited)', async () => {
    const service = await makeService(t.db, w.company.id, { name: 'Ressources humaines' });
    const other = await makeOrganisation(t.db, { legalName: 'Autre' });
    const foreignService = await makeService(t.db, other.id, { name: 'Pas à nous' });
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const form = await a.get(`/organisations/${w.company.id}/contacts/new?serviceId=${service.id}`);
    expect(form.text).toContain(`<option value="${service.id}" selected>Ressources humaines</option>`);
    expect(form.text).not.toContain('Pas à nous');

    const wrong = await a.post(`/organisations/${w.company.id}/contacts/new`).type('form').send({ ...contactForm({ serviceId: String(foreignService.id), email: 'pas-une-adresse' }), _csrf: csrf });
    expect(wrong.status).toBe(422);
    expect(fieldError(wrong.text, 'email')).toContain('adresse électronique valide');
    const wrongService = await a.post(`/organisations/${w.company.id}/contacts/new`).type('form').send({ ...contactForm({ serviceId: String(foreignService.id) }), _csrf: csrf });
    expect(wrongService.status).toBe(422);
    expect(fieldError(wrongService.text, 'serviceId')).toContain('Choisissez un service de cet établissement');

    const created = await a.post(`/organisations/${w.company.id}/contacts/new`).type('form').send({ ...contactForm({ serviceId: String(service.id) }), _csrf: csrf });
    expect(created.status).toBe(303);
    const contact = await t.db.contact.findFirstOrThrow({ where: { organisationId: w.company.id } });
    expect(contact).toMatchObject({ civility: 'MRS', serviceId: service.id, email: 'claire.morel@auvergne.example' });

    const edited = await a.post(`/organisations/${w.company.id}/contacts/${contact.id}/edit`).type('form').send({ ...contactForm({ function: 'DRH', serviceId: '' }), _csrf: csrf });
    expect(edited.status).toBe(303);
    expect(await t.db.contact.findUniqueOrThrow({ where: { id: contact.id } })).toMatchObject({ function: 'DRH', serviceId: null });

    // The detail page shows services and contacts.
    const show = await a.get(`/organisations/${w.company.id}`);
    expect(show.text).toContain('Ressources humaines');
    expect(show.text).toContain('Morel');
    expect(show.text).toContain('DRH');

    const deleted = await a.post(`/organisations/${w.company.id}/contacts/${contact.id}/delete`).type('form').send({ _csrf: csrf });
    expect(deleted.status).toBe(303);
    expect(await t.db.contact.count({ where: { id: contact.id } })).toBe(0);
    expect((await auditRows(t.db, 'contact.create')).length).toBe(1);
    expect((await auditRows(t.db, 'contact.update')).length).toBe(1);
    expect((await auditRows(t.db, 'contact.delete')).length).toBe(1);
  });

  it('refuses to delete a contact linked to a user account', async () => {
    const contact = await makeContact(t.db, w.company.id, { userId: w.companyContact.id });
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const res = await a.post(`/organisations/${w.company.id}/contacts/${contact.id}/delete`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(422);
    expect(res.text).toContain('un compte utilisateur lié au contact');
    expect(await t.db.contact.count()).toBe(1);
  });

  it('a company administrator manages its own organisation\u2019s services, gets 404 on another\u2019s', async () => {
    const other = await makeOrganisation(t.db, { legalName: 'Concurrent' });
    const otherService = await makeService(t.db, other.id);
    const otherContact = await makeContact(t.db, other.id);
    const { a, csrf } = await agent(t.app, 'company.admin@test.example');
    const list = await a.get(`/organisations/${w.company.id}/services`);
    expect(list.status).toBe(200);
    // No link to the detail page, which it may not open.
    expect(list.text).not.toContain(`href="/organisations/${w.company.id}"`);
    expect((await a.post(`/organisations/${w.company.id}/services/new`).type('form').send({ ...serviceForm(), _csrf: csrf })).status).toBe(303);
    expect((await a.post(`/organisations/${w.company.id}/contacts/new`).type('form').send({ ...contactForm(), _csrf: csrf })).status).toBe(303);
    expect(await t.db.service.count({ where: { organisationId: w.company.id } })).toBe(1);

    expect((await a.get(`/organisations/${other.id}/services`)).status).toBe(404);
    expect((await a.get(`/organisations/${other.id}/services/new`)).status).toBe(404);
    expect((await a.post(`/organisations/${other.id}/services/new`).type('form').send({ ...serviceForm(), _csrf: csrf })).status).toBe(404);
    expect((await a.get(`/organisations/${other.id}/services/${otherService.id}/edit`)).status).toBe(404);
    expect((await a.post(`/organisations/${other.id}/services/${otherService.id}/delete`).type('form').send({ _csrf: csrf })).status).toBe(404);
    expect((await a.post(`/organisations/${other.id}/contacts/${otherContact.id}/delete`).type('form').send({ _csrf: csrf })).status).toBe(404);
    // A service of another organisation reached through its own organisation's path: 404 too.
    expect((await a.get(`/organisations/${w.company.id}/services/${otherService.id}/edit`)).status).toBe(404);
    expect((await a.post(`/organisations/${w.company.id}/contacts/${otherContact.id}/delete`).type('form').send({ _csrf: csrf })).status).toBe(404);
    expect(await t.db.service.count({ where: { organisationId: other.id } })).toBe(1);
    expect(await t.db.contact.count({ where: { organisationId: other.id } })).toBe(1);
  });

  it('a company contact (not admin), students and READ staff may not', async () => {
    for (const email of ['company.contact@test.example', 'student@test.example', 'a.read@test.example']) {
      const { a, csrf } = await agent(t.app, email);
      expect((await a.get(`/organisations/${w.company.id}/services`)).status, email).toBe(403);
      expect((await a.post(`/organisations/${w.company.id}/services/new`).type('form').send({ ...serviceForm(), _csrf: csrf })).status, email).toBe(403);
    }
    expect(await t.db.service.count()).toBe(0);
  });

  it('the detail page shows the manage link to those who may, and the history line', async () => {
    const staff = await agent(t.app, 'a.write@test.example');
    const show = await staff.a.get(`/organisations/${w.company.id}`);
    expect(show.text).toContain(`href="/organisations/${w.company.id}/services"`);
    expect(show.text).toContain('Créé le');
    const student = await agent(t.app, 'student@test.example');
    const seen = await student.a.get(`/organisations/${w.company.id}`);
    expect(seen.status).toBe(200);
    expect(seen.text).not.toContain(`href="/organisations/${w.company.id}/services"`);
    expect(seen.text).not.toContain('/delete"');
  });
});
