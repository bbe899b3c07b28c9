import { beforeEach, describe, expect, it } from 'vitest';
import { ORGANISATION_REFERENCES } from '../../src/modules/organisations/organisations.references.js';
import { auditRows } from '../factories/institutions.js';
import { makeOrganisation, makeUser } from '../factories/index.js';
import { fieldError, makeContact, makeDirectoryWorld, makeService } from '../factories/organisations.js';
import { agent, useApp } from '../helpers/app.js';

describe('host organisations: merging a duplicate', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeDirectoryWorld>>;
  let duplicate: Awaited<ReturnType<typeof makeOrganisation>>;
  let refs: { service: number; contactInService: number; contact: number; membership: number; shared: number };
  beforeEach(async () => {
    w = await makeDirectoryWorld(t.db);
    // A student's duplicate of the company, in centre A's queue, that has gathered references.
    duplicate = await makeOrganisation(t.db, { legalName: 'Auvergne Logiciel', postalCode: '63000', verified: false, centreId: w.centreA.id, createdById: w.student.id });
    const service = await makeService(t.db, duplicate.id, { name: 'Développement' });
    const c1 = await makeContact(t.db, duplicate.id, { serviceId: service.id, firstName: 'Jean', lastName: 'Tuteur' });
    const c2 = await makeContact(t.db, duplicate.id, { firstName: 'Anne', lastName: 'Signataire' });
    const newcomer = await makeUser(t.db, { email: 'newcomer@test.example' });
    const m = await t.db.companyMembership.create({ data: { userId: newcomer.id, organisationId: duplicate.id, role: 'CONTACT', canPublishOffers: true } });
    // The company's contact is also an ADMIN of the duplicate: one membership kept, with the higher role.
    const shared = await t.db.companyMembership.create({ data: { userId: w.companyContact.id, organisationId: duplicate.id, role: 'ADMIN', canPublishOffers: true } });
    refs = { service: service.id, contactInService: c1.id, contact: c2.id, membership: m.id, shared: shared.id };
  });

  it('picks the target by name, shows what will move, asks for confirmation', async () => {
    const { a } = await agent(t.app, 'a.write@test.example');
    const pick = await a.get(`/organisations/${duplicate.id}/merge?q=auvergne`);
    expect(pick.status).toBe(200);
    expect(pick.text).toContain(`href="/organisations/${duplicate.id}/merge?target=${w.company.id}"`);
    // The duplicate itself is not offered.
    expect(pick.text).not.toContain(`merge?target=${duplicate.id}"`);
    const preview = await a.get(`/organisations/${duplicate.id}/merge?target=${w.company.id}`);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('2 compte(s) entreprise');
    expect(preview.text).toContain('1 service(s)');
    expect(preview.text).toContain('2 contact(s)');
    expect(preview.text).toContain(`name="targetId" value="${w.company.id}"`);
    expect(preview.text).toContain('name="confirm"');

    expect((await a.get(`/organisations/${duplicate.id}/merge?target=${duplicate.id}`)).status).toBe(422);
    const missing = await a.get(`/organisations/${duplicate.id}/merge?target=999999`);
    expect(missing.status).toBe(422);
    expect(fieldError(missing.text, 'target')).toContain('Aucun établissement ne porte cet identifiant');
    expect(missing.text).toContain('href="#f-target"');
  });

  it('without the confirmation box: 422, nothing moves', async () => {
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const res = await a.post(`/organisations/${duplicate.id}/merge`).type('form').send({ targetId: String(w.company.id), _csrf: csrf });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'confirm')).toContain('Cochez la case');
    expect(await t.db.organisation.count({ where: { id: duplicate.id } })).toBe(1);
  });

  it('moves services, contacts and memberships to the target, deletes the duplicate, audits both ids', async () => {
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const res = await a.post(`/organisations/${duplicate.id}/merge`).type('form').send({ targetId: String(w.company.id), confirm: 'on', _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/organisations/${w.company.id}`);
    expect(await t.db.organisation.count({ where: { id: duplicate.id } })).toBe(0);

    expect((await t.db.service.findUniqueOrThrow({ where: { id: refs.service } })).organisationId).toBe(w.company.id);
    const contacts = await t.db.contact.findMany({ where: { id: { in: [refs.contact, refs.contactInService] } } });
    expect(contacts.map((c) => c.organisationId)).toEqual([w.company.id, w.company.id]);
    expect(contacts.find((c) => c.id === refs.contactInService)?.serviceId).toBe(refs.service);
    expect((await t.db.companyMembership.findUniqueOrThrow({ where: { id: refs.membership } })).organisationId).toBe(w.company.id);
    const members = await t.db.companyMembership.findMany({ where: { organisationId: w.company.id, userId: w.companyContact.id } });
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ role: 'ADMIN', canPublishOffers: true });
    expect(await t.db.companyMembership.count({ where: { id: refs.shared } })).toBe(0);

    const [row] = await auditRows(t.db, 'organisation.merge');
    expect(row).toMatchObject({ actorId: w.writeA.id, entityType: 'Organisation', entityId: String(w.company.id) });
    expect(row.before).toMatchObject({ duplicateId: duplicate.id, targetId: w.company.id, duplicate: expect.objectContaining({ legalName: 'Auvergne Logiciel' }) });
    expect(row.after).toMatchObject({
      duplicateId: duplicate.id,
      targetId: w.company.id,
      moved: {
        Service: { moved: [refs.service] },
        Contact: { moved: [refs.contactInService, refs.contact].sort((x, y) => x - y) },
        CompanyMembership: { moved: [refs.membership], merged: [refs.shared] },
      },
    });
    const [trace] = await auditRows(t.db, 'organisation.mergedInto');
    expect(trace).toMatchObject({ entityId: String(duplicate.id), after: expect.objectContaining({ targetId: w.company.id }) });

    const show = await a.get(res.headers.location);
    expect(show.text).toContain(`Le doublon n° ${duplicate.id} a été fusionné`);
    expect(show.text).toContain('Développement');
    expect(show.text).toContain('Signataire');
  });

  it('is for the staff of the duplicate\u2019s centre (404 elsewhere, 403 for READ), any target', async () => {
    const b = await agent(t.app, 'b.write@test.example');
    expect((await b.a.post(`/organisations/${duplicate.id}/merge`).type('form').send({ targetId: String(w.company.id), confirm: 'on', _csrf: b.csrf })).status).toBe(404);
    const read = await agent(t.app, 'a.read@test.example');
    expect((await read.a.post(`/organisations/${duplicate.id}/merge`).type('form').send({ targetId: String(w.company.id), confirm: 'on', _csrf: read.csrf })).status).toBe(403);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const res = await admin.a.post(`/organisations/${duplicate.id}/merge`).type('form').send({ targetId: '999999', confirm: 'on', _csrf: admin.csrf });
    expect(res.status).toBe(422);
    expect(await t.db.organisation.count({ where: { id: duplicate.id } })).toBe(1);
  });

  it('lists every table that references Organisation (so that the merge and the deletion miss none)', async () => {
    const fks = await t.db.$queryRaw<{ table: string; column: string }[]>`
      SELECT c.conrelid::regclass::text AS table, a.attname AS column
      FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
      WHERE c.contype = 'f' AND c.confrelid = '"Organisation"'::regclass`;
    const inDb = fks.map((f) => `${f.table.replace(/"/g, '')}.${f.column}`).sort();
    const declared = ORGANISATION_REFERENCES.map((r) => `${r.table}.${r.column}`).sort();
    expect(declared).toEqual(inDb);
  });
});
