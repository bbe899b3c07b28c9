import { describe, expect, it } from 'vitest';
import { fieldError } from '../factories/students.js';
import { makeOfferWorld } from '../factories/offers.js';
import { makeOrganisation } from '../factories/index.js';
import { agent, useApp } from '../helpers/app.js';

// Issue 10: "The short-form offer asks staff to type the internal number of the organisation: let
// them search it by name or SIRET as elsewhere." The search is a GET on the form's own page
// (no JavaScript needed); choosing a result opens the form for it (?organisation=<id>).
const chooseLinks = (html: string, path: string) => [...html.matchAll(new RegExp(`href="${path}\\?organisation=(\\d+)"`, 'g'))].map((m) => Number(m[1]));

describe("a new offer's organisation, found by name or SIRET", () => {
  const t = useApp();
  const SIRET = '73282932000074';

  it('staff find it by name and by SIRET on the short form, choose it and create the offer', async () => {
    const w = await makeOfferWorld(t.db);
    await t.db.organisation.update({ where: { id: w.foreign.organisation.id }, data: { siret: SIRET } });
    const other = await makeOrganisation(t.db, { legalName: 'Autre Monde Édition', siret: '44306184100047' });
    const s = await agent(t.app, 'a.write@test.example');

    const step = await s.a.get('/offers/manage/new-short');
    expect(step.status).toBe(200);
    expect(step.text).toContain('<form method="get" action="/offers/manage/new-short" role="search"');
    expect(step.text).toContain('name="find"');
    expect(step.text).not.toContain('name="organisation"'); // no internal number to type

    // By name: accents and capitals do not matter; both "Autre…" organisations, not Volcans.
    const byName = await s.a.get('/offers/manage/new-short?find=AUTRE');
    expect(byName.status).toBe(200);
    expect(chooseLinks(byName.text, '/offers/manage/new-short').sort()).toEqual([w.foreign.organisation.id, other.id].sort());
    expect(byName.text).not.toContain('Volcans Numériques');
    expect(byName.text).toContain('value="AUTRE"'); // what was typed stays in the field
    expect(chooseLinks((await s.a.get('/offers/manage/new-short?find=autre%20societe')).text, '/offers/manage/new-short')).toEqual([w.foreign.organisation.id]);

    // By SIRET, spaces allowed: that one organisation.
    const bySiret = await s.a.get(`/offers/manage/new-short?find=${encodeURIComponent('732 829 320 00074')}`);
    expect(chooseLinks(bySiret.text, '/offers/manage/new-short')).toEqual([w.foreign.organisation.id]);
    // A wrong SIRET or a single letter: the message beside the field, named in the summary.
    const bad = await s.a.get('/offers/manage/new-short?find=12345');
    expect(fieldError(bad.text, 'find')).toBe('Saisissez les 14 chiffres du numéro SIRET.');
    expect(bad.text).toMatch(/<a href="#f-find">Nom ou numéro SIRET de l&#39;établissement : Saisissez les 14 chiffres/);
    expect(fieldError((await s.a.get('/offers/manage/new-short?find=a')).text, 'find')).toBe('Saisissez au moins deux lettres ou chiffres de la raison sociale.');
    const none = await s.a.get('/offers/manage/new-short?find=introuvable');
    expect(none.text).toContain('Aucun établissement ne correspond à « introuvable ».');

    // The full form has the same step.
    expect(chooseLinks((await s.a.get('/offers/manage/new?find=autre%20soci')).text, '/offers/manage/new')).toEqual([w.foreign.organisation.id]);

    // Choosing opens the short form for it; the offer is created for that organisation.
    const form = await s.a.get(`/offers/manage/new-short?organisation=${w.foreign.organisation.id}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('<strong>Autre Société</strong>');
    const created = await s.a
      .post('/offers/manage/new-short')
      .type('form')
      .send({ _csrf: s.csrf, organisationId: String(w.foreign.organisation.id), centreId: String(w.centreA.id), title: 'Stage court', kind: 'INTERNSHIP', domain: 'Informatique', postalCode: '63000', city: 'Clermont-Ferrand', country: 'FR', link: 'https://example.org/offre', targetAll: 'yes' });
    expect(created.status).toBe(303);
    expect(await t.db.offer.findFirstOrThrow()).toMatchObject({ organisationId: w.foreign.organisation.id, fromCompany: false, shortForm: true });
  });

  it('is offered to no one else: a company user chooses among their own organisations only, READ staff may not create', async () => {
    const w = await makeOfferWorld(t.db);
    const company = await agent(t.app, 'admin@volcans.example');
    const page = await company.a.get('/offers/manage/new-short?find=autre');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('name="find"');
    expect(page.text).not.toContain('Autre Société');
    expect((await company.a.get(`/offers/manage/new-short?organisation=${w.foreign.organisation.id}`)).status).toBe(404);

    const read = await agent(t.app, 'a.read@test.example');
    expect((await read.a.get('/offers/manage/new-short?find=autre')).status).toBe(403);
    expect(await t.db.offer.count()).toBe(0);
  });
});
