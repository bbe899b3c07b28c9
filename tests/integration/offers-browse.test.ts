import { describe, expect, it } from 'vitest';
import { makeOffer, makeOfferWorld } from '../factories/offers.js';
import { agent, useApp } from '../helpers/app.js';

describe('offers: students', () => {
  const t = useApp();

  it('lists only visible offers, filters them, and hides the rest (404)', async () => {
    const w = await makeOfferWorld(t.db);
    const visible = await makeOffer(t.db, w, { title: 'Stage Électronique embarquée', postalCode: '63000', paid: true });
    const other = await makeOffer(t.db, w, { title: 'Stage juridique', postalCode: '75005', city: 'Paris', targetAll: false });
    await t.db.offerTargetProgramme.create({ data: { offerId: other.id, programmeId: w.droit.id } });
    const draft = await makeOffer(t.db, w, { title: 'Brouillon', status: 'DRAFT' });
    const ended = await makeOffer(t.db, w, { title: 'Terminée', publishUntil: new Date(Date.now() - 1000) });

    const lea = await agent(t.app, 'lea@etu.test');
    const list = await lea.a.get('/offers');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Stage Électronique embarquée');
    expect(list.text).not.toContain('Stage juridique');
    expect(list.text).not.toContain('Brouillon');
    for (const o of [other, draft, ended]) expect((await lea.a.get(`/offers/${o.id}`)).status).toBe(404);

    // Accents and case ignored; places separated by ";".
    expect((await lea.a.get('/offers?q=electronique')).text).toContain(`/offers/${visible.id}`);
    expect((await lea.a.get('/offers?q=ELECTRONIQUE%20embarquee')).text).toContain(`/offers/${visible.id}`);
    expect((await lea.a.get('/offers?q=chimie')).text).not.toContain(`/offers/${visible.id}`);
    expect((await lea.a.get('/offers?place=75;63')).text).toContain(`/offers/${visible.id}`);
    expect((await lea.a.get('/offers?place=75')).text).not.toContain(`/offers/${visible.id}`);
    expect((await lea.a.get('/offers?paid=no')).text).not.toContain(`/offers/${visible.id}`);
    expect((await lea.a.get('/offers?organisation=volcans%20numeriques')).text).toContain(`/offers/${visible.id}`);

    const hugo = await agent(t.app, 'hugo@etu.test');
    expect((await hugo.a.get(`/offers/${other.id}`)).status).toBe(200);
  });

  it('counts one visit per student per day and shows it to the company', async () => {
    const w = await makeOfferWorld(t.db);
    const offer = await makeOffer(t.db, w);
    const lea = await agent(t.app, 'lea@etu.test');
    const page = await lea.a.get(`/offers/${offer.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`/applications/new?offer=${offer.id}`);
    await lea.a.get(`/offers/${offer.id}`);
    await (await agent(t.app, 'hugo@etu.test')).a.get(`/offers/${offer.id}`);
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: offer.id } })).visits).toBe(2);
    expect(await t.db.offerVisit.count({ where: { offerId: offer.id } })).toBe(2);
    const admin = await agent(t.app, 'admin@volcans.example');
    const list = await admin.a.get('/offers/manage');
    expect(list.status).toBe(200);
    expect(list.text).toMatch(new RegExp(`/offers/manage/${offer.id}"[\\s\\S]*?<td>2</td>`));
  });

  it('staff search by number, status and who created', async () => {
    const w = await makeOfferWorld(t.db);
    const company = await makeOffer(t.db, w, { title: 'Offre entreprise' });
    const school = await makeOffer(t.db, w, { title: 'Offre du centre', fromCompany: false, status: 'DRAFT' });
    const staff = await agent(t.app, 'a.read@test.example');
    expect((await staff.a.get(`/offers/search?number=${company.id}`)).text).toContain('Offre entreprise');
    const noCompany = await staff.a.get('/offers/search?fromCompany=no');
    expect(noCompany.text).toContain('Offre du centre');
    expect(noCompany.text).not.toContain('Offre entreprise');
    expect((await staff.a.get('/offers/search?status=DRAFT')).text).toContain(`/offers/search/${school.id}`);
    expect((await staff.a.get(`/offers/search/${school.id}`)).status).toBe(200);
    // Centre B's staff do not see centre A's offers.
    expect((await (await agent(t.app, 'b.write@test.example')).a.get(`/offers/search?number=${company.id}`)).text).not.toContain('Offre entreprise');
  });
});
