import { describe, expect, it } from 'vitest';
import { makeAgreementWorld } from '../factories/agreements.js';
import { makeStaff } from '../factories/index.js';
import { agent, useApp } from '../helpers/app.js';

describe("the centre's signature settings", () => {
  const t = useApp();

  it('sets who signs in which order, in sequence or not, auto-validation and the representative; refuses a shared rank or someone outside the centre', async () => {
    const w = await makeAgreementWorld(t.db);
    const url = `/agreements/centres/${w.centreA.id}/settings`;
    const admin = await agent(t.app, 'a.admin@test.example');
    const page = await admin.a.get(url);
    // The default: all five, in the order.
    expect(page.text).toMatch(/name="rankSTUDENT" value="1"/);
    expect(page.text).toMatch(/name="rankINSTITUTION" value="5"/);
    expect(page.text).toMatch(/name="signatureInSequence" value="on" checked/);
    const base = { _csrf: admin.csrf, pedagogicalStep: 'on', administrativeStep: 'on', order: 'pedagogicalFirst', agreementAlertDays: '15' };

    const shared = await admin.a.post(url).type('form').send({ ...base, rankSTUDENT: '1', rankHOST_SIGNATORY: '1' });
    expect(shared.status).toBe(422);
    expect(shared.text).toContain('chacune avec un rang différent');
    const outsider = await makeStaff(t.db, w.centreB.id, 'WRITE', 'b.writer2@test.example');
    const notHere = await admin.a.post(url).type('form').send({ ...base, rankSTUDENT: '1', signatureRepresentativeId: String(outsider.id) });
    expect(notHere.status).toBe(422);
    expect(notHere.text).toContain("Choisissez une personne du centre ayant le droit d&#39;écriture.");

    const writer = await t.db.user.findUniqueOrThrow({ where: { email: 'a.write@test.example' } });
    const ok = await admin.a.post(url).type('form').send({ ...base, rankACADEMIC_TUTOR: '2', rankSTUDENT: '1', rankINSTITUTION: '3', signatureAutoValidate: 'on', signatureRepresentativeId: String(writer.id) });
    expect(ok.status).toBe(303);
    expect(await t.db.managementCentre.findUniqueOrThrow({ where: { id: w.centreA.id } })).toMatchObject({
      signatureParties: ['STUDENT', 'ACADEMIC_TUTOR', 'INSTITUTION'],
      signatureInSequence: false,
      signatureAutoValidate: true,
      signatureRepresentativeId: writer.id,
    });
    const again = await admin.a.get(url);
    expect(again.text).toMatch(/name="rankACADEMIC_TUTOR" value="2"/);
    expect(again.text).toMatch(/name="rankHOST_SIGNATORY" value=""/);
  });
});
