import { describe, expect, it } from 'vitest';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { auditRows } from '../factories/institutions.js';
import { makeStaff, makeUser } from '../factories/index.js';
import { agent, useApp } from '../helpers/app.js';

describe('agreement reach and the centre settings', () => {
  const t = useApp();

  it('shows an agreement to each party and answers 404 to everyone else', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    // A contact of the host who does not tutor this internship.
    const other = await makeUser(t.db, { email: 'other@acme.test' });
    await t.db.companyMembership.create({ data: { userId: other.id, organisationId: w.acme.id, role: 'CONTACT' } });
    const expected: Record<string, number> = {
      'lea.dubois@etu.test': 200, // the student
      'hugo.bernard@etu.test': 404, // another student
      'admin@acme.test': 200, // the host's administrator
      'admin@globex.test': 404,
      'tutor@acme.test': 200, // the company tutor
      'other@acme.test': 404,
      'teacher@uda.test': 200, // the academic tutor
      'teacher2@uda.test': 404,
      'year.l3@test.example': 200,
      'year.l2@test.example': 404,
      'prog.info@test.example': 200,
      'prog.droit@test.example': 404,
      'a.read@test.example': 200, // the managing centre, READ
      'a.write@test.example': 200,
      'b.write@test.example': 404, // another centre
      'platform.admin@test.example': 200,
    };
    const got: Record<string, number> = {};
    for (const email of Object.keys(expected)) got[email] = (await (await agent(t.app, email)).a.get(`/agreements/${a.id}`)).status;
    expect(got).toEqual(expected);
    // READ staff see, without a button; another centre's WRITE staff cannot act either (404, nothing changed).
    const read = await (await agent(t.app, 'a.read@test.example')).a.get(`/agreements/${a.id}`);
    expect(read.text).toContain('data-steps');
    // No form that changes anything (the print form is a GET).
    expect(read.text).not.toContain(`method="post" action="/agreements/${a.id}/`);
    const b = await agent(t.app, 'b.write@test.example');
    expect((await b.a.post(`/agreements/${a.id}/submit`).type('form').send({ _csrf: b.csrf })).status).toBe(404);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('DRAFT');
    // A missing agreement and a malformed id are 404s too.
    expect((await (await agent(t.app, 'a.write@test.example')).a.get('/agreements/999999')).status).toBe(404);
  });

  it('lets the centre ADMIN set the steps, their order and names, audited; WRITE gets a 403, another centre\'s ADMIN a 404', async () => {
    const w = await makeAgreementWorld(t.db);
    await makeStaff(t.db, w.centreB.id, 'ADMIN', 'b.admin@test.example');
    const url = `/agreements/centres/${w.centreA.id}/settings`;
    expect((await (await agent(t.app, 'a.write@test.example')).a.get(url)).status).toBe(403);
    expect((await (await agent(t.app, 'b.admin@test.example')).a.get(url)).status).toBe(404);
    const admin = await agent(t.app, 'a.admin@test.example');
    const page = await admin.a.get(url);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/name="pedagogicalStep" value="on" checked/);
    expect(page.text).toContain('value="15"');

    const bad = await admin.a.post(url).type('form').send({ _csrf: admin.csrf, pedagogicalStep: 'on', order: 'administrativeFirst', agreementAlertDays: '0', pedagogicalLabelFr: 'Avis du jury' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Indiquez un nombre de jours entre 1 et 365.');
    expect(bad.text).toContain('value="Avis du jury"');

    const ok = await admin.a.post(url).type('form').send({ _csrf: admin.csrf, pedagogicalStep: 'on', order: 'administrativeFirst', agreementAlertDays: '10', pedagogicalLabelFr: 'Avis du jury', agreementOverlapAllowed: 'on' });
    expect(ok.status).toBe(303);
    expect(await t.db.managementCentre.findUniqueOrThrow({ where: { id: w.centreA.id } })).toMatchObject({
      pedagogicalStep: true,
      administrativeStep: false,
      administrativeFirst: true,
      pedagogicalLabelFr: 'Avis du jury',
      agreementOverlapAllowed: true,
      studentsMayCreateAgreements: false,
      agreementAlertDays: 10,
    });
    expect(await auditRows(t.db, 'centre.agreementSettings')).toHaveLength(1);
    // The renamed step is how the agreement's page names it.
    const a = await makeAgreement(t.db, w);
    expect((await admin.a.get(`/agreements/${a.id}`)).text).toContain('Avis du jury : pas encore');
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'SUBMITTED' } });
    expect((await admin.a.get(`/agreements/${a.id}`)).text).toContain('Prochaine étape : Avis du jury.');
  });
});
