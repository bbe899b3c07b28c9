import { describe, expect, it } from 'vitest';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { agent, useApp } from '../helpers/app.js';

// The directory refuses to delete what an agreement names (its service, its tutor, its signatory),
// and a merge of duplicate hosts carries the agreements over: nothing is lost or silently emptied.
describe('directory records an agreement names', () => {
  const t = useApp();

  it('refuses to delete the service, the company tutor and the signatory of an agreement', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    const { a: admin, csrf } = await agent(t.app, 'platform.admin@test.example');
    const service = await admin.post(`/organisations/${w.acme.id}/services/${w.service.id}/delete`).type('form').send({ _csrf: csrf });
    expect(service.status).toBe(422);
    expect(service.text).toContain('1 convention(s) de stage');
    // A contact without an account, named only by the agreement (as signatory).
    const signatory = await admin.post(`/organisations/${w.acme.id}/contacts/${w.signatory.id}/delete`).type('form').send({ _csrf: csrf });
    expect(signatory.status).toBe(422);
    expect(signatory.text).toContain('1 convention(s) de stage');
    expect(await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ serviceId: w.service.id, signatoryId: w.signatory.id, companyTutorId: w.companyTutor.id });

    // Once the agreement no longer names the signatory, the contact may go.
    await t.db.agreement.update({ where: { id: a.id }, data: { signatoryId: null } });
    expect((await admin.post(`/organisations/${w.acme.id}/contacts/${w.signatory.id}/delete`).type('form').send({ _csrf: csrf })).status).toBe(303);
  });
});
