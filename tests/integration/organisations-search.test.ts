import { beforeEach, describe, expect, it } from 'vitest';
import { makeOrganisation } from '../factories/index.js';
import { fieldError, makeDirectoryWorld, makeService } from '../factories/organisations.js';
import { agent, useApp } from '../helpers/app.js';

/** The legal names in the results table, in order. */
function names(html: string): string[] {
  const body = html.split('<tbody>')[1]?.split('</tbody>')[0] ?? '';
  return [...body.matchAll(/<th scope="row">([^<]+)/g)].map((m) => m[1].trim());
}

describe('host organisations: search', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeDirectoryWorld>>;
  let ids: Record<string, number>;
  beforeEach(async () => {
    w = await makeDirectoryWorld(t.db);
    const sg = await makeOrganisation(t.db, { legalName: 'Société Générale', siret: '55212022200013', postalCode: '63000', city: 'Clermont-Ferrand', phone: '04.73.11.22.33', nafCode: '64.19Z', partnership: true });
    const sgAjaccio = await makeOrganisation(t.db, {
      legalName: 'Société Générale — Agence d\u2019Ajaccio',
      postalCode: '20000',
      city: 'Ajaccio',
      addressLine1: '12 cours Napoléon',
      phone: '04 95 10 20 30',
      fax: '+33 4 95 99 88 77',
      nafCode: '64.19Z',
    });
    const eaux = await makeOrganisation(t.db, { legalName: 'Générale des Eaux', postalCode: '42000', city: 'Saint-Étienne', addressLine1: "12 rue de l'Église", addressLine2: 'Bâtiment B', nafCode: '36.00Z', verified: false });
    const defense = await makeOrganisation(t.db, { legalName: 'Base aérienne 106', siret: '44306184100047', postalCode: '33000', city: 'Bordeaux', nafCode: '84.22Z', structureType: 'PUBLIC_ADMINISTRATION' });
    const conseil = await makeOrganisation(t.db, { legalName: 'Conseil Logiciel', postalCode: '69002', city: 'Lyon', nafCode: '62.02A' });
    const boulangerie = await makeOrganisation(t.db, { legalName: 'Boulangerie Pâtissière', postalCode: '63170', city: 'Aubière', nafCode: '10.71C' });
    const bruxelles = await makeOrganisation(t.db, { legalName: 'Brabant Data', country: 'BE', postalCode: '1000', city: 'Bruxelles', addressLine1: 'Rue Royale 12', phone: '+32 2 123 45 67', nafCode: '62.01Z' });
    await makeService(t.db, sg.id, { name: "Direction des systèmes d'information" });
    await makeService(t.db, sgAjaccio.id, { name: 'Systèmes de paiement', sameAddress: false, addressLine1: '1 rue Fesch', postalCode: '20000', city: 'Ajaccio', country: 'FR' });
    await makeService(t.db, conseil.id, { name: 'Ressources humaines' });
    ids = { sg: sg.id, sgAjaccio: sgAjaccio.id, eaux: eaux.id, defense: defense.id, conseil: conseil.id, boulangerie: boulangerie.id, bruxelles: bruxelles.id, company: w.company.id };
  });

  it('shows six tabs as links, the current one marked', async () => {
    const { a } = await agent(t.app, 'student@test.example');
    const res = await a.get('/organisations?by=phone');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<nav aria-label="Type de recherche">');
    for (const by of ['name', 'siret', 'activity', 'phone', 'address', 'service']) expect(res.text).toContain(`href="/organisations?by=${by}"`);
    expect(res.text).toContain('href="/organisations?by=phone" aria-current="page"');
    expect(res.text).toContain('method="get" action="/organisations"');
    // Nothing searched yet: no results table.
    expect(res.text).not.toContain('<caption>');
  });

  it('by legal name: part of it, accents and capitals ignored, narrowed by département (Corsica too)', async () => {
    const { a } = await agent(t.app, 'student@test.example');
    const res = await a.get('/organisations?by=name&name=Societe%20Generale');
    expect(res.status).toBe(200);
    expect(names(res.text)).toEqual(['Société Générale', 'Société Générale — Agence d’Ajaccio']);
    expect(res.text).toContain('badge-partner');
    expect(res.text).toContain(`href="/organisations/${ids.sg}"`);
    expect(res.text).toContain('Voir détail');
    expect(res.text).toContain('<th scope="col">Numéro SIRET</th>');

    expect(names((await a.get('/organisations?by=name&name=GENERALE&department=63')).text)).toEqual(['Société Générale']);
    expect(names((await a.get('/organisations?by=name&name=generale&department=2a')).text)).toEqual(['Société Générale — Agence d’Ajaccio']);
    expect(names((await a.get('/organisations?by=name&name=g%C3%A9n%C3%A9rale')).text)).toEqual(['Générale des Eaux', 'Société Générale', 'Société Générale — Agence d’Ajaccio']);
    // Unverified ones are shown, with their badge.
    expect((await a.get('/organisations?by=name&name=eaux')).text).toContain('non vérifié');
  });

  it('refuses a query too short or a wrong département (422 with the message)', async () => {
    const { a } = await agent(t.app, 'student@test.example');
    const res = await a.get('/organisations?by=name&name=a&department=999999');
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'name')).toContain('au moins deux');
    expect(fieldError(res.text, 'department')).toContain('département');
    expect(res.text).toContain('value="999999"');
  });

  it('by SIRET: exact, one result, spaces forgiven', async () => {
    const { a } = await agent(t.app, 'a.read@test.example');
    expect(names((await a.get('/organisations?by=siret&siret=44306184100047')).text)).toEqual(['Base aérienne 106']);
    expect(names((await a.get('/organisations?by=siret&siret=443%20061%20841%2000047')).text)).toEqual(['Base aérienne 106']);
    const bad = await a.get('/organisations?by=siret&siret=4430618410004');
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'siret')).toContain('14 chiffres');
  });

  it('by activity: NAF section, division or class from the official lists', async () => {
    const { a } = await agent(t.app, 'a.read@test.example');
    const form = await a.get('/organisations?by=activity');
    expect(form.text).toContain('<option value="O">O — Administration publique');
    expect(form.text).toContain('<option value="62">62 — Programmation, conseil et autres activités informatiques</option>');
    expect(form.text).toContain('<option value="62.01">62.01 — Programmation informatique</option>');

    const section = await a.get('/organisations?by=activity&section=O&division=&nafClass=');
    expect(names(section.text)).toEqual(['Base aérienne 106']);
    // The section narrows the division list.
    expect(section.text).toContain('<option value="84">');
    expect(section.text).not.toContain('<option value="62">');

    expect(names((await a.get('/organisations?by=activity&section=J')).text)).toEqual(['Auvergne Logiciels', 'Brabant Data', 'Conseil Logiciel']);
    expect(names((await a.get('/organisations?by=activity&division=62')).text)).toEqual(['Auvergne Logiciels', 'Brabant Data', 'Conseil Logiciel']);
    expect(names((await a.get('/organisations?by=activity&nafClass=62.02')).text)).toEqual(['Conseil Logiciel']);
    expect(names((await a.get('/organisations?by=activity&section=C')).text)).toEqual(['Boulangerie Pâtissière']);
    expect(names((await a.get('/organisations?by=activity&section=K')).text)).toEqual(['Société Générale', 'Société Générale — Agence d’Ajaccio']);
    const none = await a.get('/organisations?by=activity&section=&division=&nafClass=');
    expect(none.status).toBe(422);
    expect(fieldError(none.text, 'section')).toContain('au moins une section');
  });

  it('by phone or fax: digits only, the end of the number, 0 or +33', async () => {
    const { a } = await agent(t.app, 'student@test.example');
    expect(names((await a.get('/organisations?by=phone&phone=04%2073%2011%2022%2033')).text)).toEqual(['Société Générale']);
    expect(names((await a.get('/organisations?by=phone&phone=04.73.11.22.33')).text)).toEqual(['Société Générale']);
    expect(names((await a.get('/organisations?by=phone&phone=%2B33%204%2073%2011%2022%2033')).text)).toEqual(['Société Générale']);
    expect(names((await a.get('/organisations?by=phone&phone=11%2022%2033')).text)).toEqual(['Société Générale']);
    // The fax, stored with +33, found from the national number.
    expect(names((await a.get('/organisations?by=phone&phone=04%2095%2099%2088%2077')).text)).toEqual(['Société Générale — Agence d’Ajaccio']);
    expect(names((await a.get('/organisations?by=phone&phone=%2B32%202%20123%2045%2067')).text)).toEqual(['Brabant Data']);
    expect((await a.get('/organisations?by=phone&phone=0473')).status).toBe(422);
  });

  it('by address: street and complement without accents, city, département or postal code, country', async () => {
    const { a } = await agent(t.app, 'student@test.example');
    expect(names((await a.get('/organisations?by=address&street=rue%20de%20l%20eglise')).text)).toEqual(['Générale des Eaux']);
    expect(names((await a.get('/organisations?by=address&complement=batiment%20b')).text)).toEqual(['Générale des Eaux']);
    expect(names((await a.get('/organisations?by=address&city=saint%20etienne')).text)).toEqual(['Générale des Eaux']);
    expect(names((await a.get('/organisations?by=address&city=SAINT-ÉTIENNE')).text)).toEqual(['Générale des Eaux']);
    expect(names((await a.get('/organisations?by=address&place=2A')).text)).toEqual(['Société Générale — Agence d’Ajaccio']);
    expect(names((await a.get('/organisations?by=address&place=63170')).text)).toEqual(['Boulangerie Pâtissière']);
    expect(names((await a.get('/organisations?by=address&country=be')).text)).toEqual(['Brabant Data']);
    expect(names((await a.get('/organisations?by=address&street=napoleon&place=2a&country=FR')).text)).toEqual(['Société Générale — Agence d’Ajaccio']);
    const empty = await a.get('/organisations?by=address&street=&complement=&city=&place=&country=');
    expect(empty.status).toBe(422);
    expect(fieldError(empty.text, 'street')).toContain('au moins un des champs');
  });

  it('by service name, optionally in a département (the service\u2019s own address or the organisation\u2019s)', async () => {
    const { a } = await agent(t.app, 'student@test.example');
    expect(names((await a.get('/organisations?by=service&service=systemes')).text)).toEqual(['Société Générale', 'Société Générale — Agence d’Ajaccio']);
    expect(names((await a.get('/organisations?by=service&service=syst%C3%A8mes&department=63')).text)).toEqual(['Société Générale']);
    expect(names((await a.get('/organisations?by=service&service=systemes&department=2A')).text)).toEqual(['Société Générale — Agence d’Ajaccio']);
    expect(names((await a.get('/organisations?by=service&service=ressources')).text)).toEqual(['Conseil Logiciel']);
  });

  it('offers "Créer cet établissement" when nothing is found, to those who may create', async () => {
    const student = await agent(t.app, 'student@test.example');
    const res = await student.a.get('/organisations?by=name&name=Introuvable%20SARL');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Aucun établissement ne correspond');
    expect(res.text).toContain('href="/organisations/new?legalName=Introuvable+SARL"');
    expect(res.text).toContain('Créer cet établissement');
    const read = await agent(t.app, 'a.read@test.example');
    const none = await read.a.get('/organisations?by=name&name=Introuvable%20SARL');
    expect(none.text).toContain('Aucun établissement ne correspond');
    expect(none.text).not.toContain('Créer cet établissement');
  });

  it('pages the results 25 at a time, keeping the criteria in the links', async () => {
    for (let i = 1; i <= 30; i++) await makeOrganisation(t.db, { legalName: `Cabinet Durand ${String(i).padStart(2, '0')}`, postalCode: '63000' });
    const { a } = await agent(t.app, 'student@test.example');
    const first = await a.get('/organisations?by=name&name=cabinet%20durand&department=63');
    expect(names(first.text)).toHaveLength(25);
    expect(first.text).toContain('30 établissement(s) trouvé(s)');
    expect(first.text).toContain('href="/organisations?by=name&amp;name=cabinet+durand&amp;department=63&amp;page=2"');
    const second = await a.get('/organisations?by=name&name=cabinet%20durand&department=63&page=2');
    expect(names(second.text)).toEqual(['Cabinet Durand 26', 'Cabinet Durand 27', 'Cabinet Durand 28', 'Cabinet Durand 29', 'Cabinet Durand 30']);
  });

  it('is refused to company accounts, open to academic roles', async () => {
    expect((await (await agent(t.app, 'company.admin@test.example')).a.get('/organisations')).status).toBe(403);
    expect((await (await agent(t.app, 'company.contact@test.example')).a.get('/organisations?by=name&name=soc')).status).toBe(403);
  });
});
