import { beforeEach, describe, expect, it } from 'vitest';
import { auditRows } from '../factories/institutions.js';
import { makeOrganisation } from '../factories/index.js';
import { fieldError, makeDirectoryWorld, orgForm, SIRETS } from '../factories/organisations.js';
import { agent, useApp } from '../helpers/app.js';

describe('host organisations: creation form', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeDirectoryWorld>>;
  beforeEach(async () => {
    w = await makeDirectoryWorld(t.db);
  });

  it('shows the mandatory fields in fieldsets, pre-filled from a search', async () => {
    const { a } = await agent(t.app, 'a.write@test.example');
    const res = await a.get('/organisations/new?legalName=Volcans%20Num%C3%A9riques&siret=44306184100047');
    expect(res.status).toBe(200);
    for (const name of ['legalName', 'siret', 'nafCode', 'headcount', 'structureType', 'legalStatus', 'addressLine1', 'postalCode', 'city', 'country', 'phone', 'fax', 'email', 'website', 'sector', 'description', 'keywords']) {
      expect(res.text, name).toContain(`name="${name}"`);
    }
    expect(res.text).toContain('<fieldset>');
    expect(res.text).toContain('value="Volcans Numériques"');
    expect(res.text).toContain('value="44306184100047"');
    expect(res.text).not.toContain('name="partnership"');
  });

  it('refuses a wrong SIRET, an unknown NAF code and missing fields (422, values kept, one message per field)', async () => {
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const cases: [Record<string, string>, string, string][] = [
      [{ siret: '73282932000075' }, 'siret', 'clé de contrôle'],
      [{ siret: '7328293200007' }, 'siret', '14 chiffres'],
      [{ siret: '7328293200007A' }, 'siret', '14 chiffres'],
      [{ siret: '' }, 'siret', 'obligatoire pour un établissement situé en France'],
      [{ nafCode: '99.99Z' }, 'nafCode', "n&#39;existe pas dans la nomenclature"],
      [{ nafCode: '6201Z' }, 'nafCode', 'deux chiffres, un point'],
      [{ phone: '' }, 'phone', 'obligatoire'],
      [{ headcount: '' }, 'headcount', 'Choisissez'],
    ];
    for (const [over, field, message] of cases) {
      const res = await a.post('/organisations/new').type('form').send({ ...orgForm(over), _csrf: csrf });
      expect(res.status, JSON.stringify(over)).toBe(422);
      expect(fieldError(res.text, field), JSON.stringify(over)).toContain(message);
      expect(res.text).toContain('value="Volcans Numériques"');
      expect(res.text).toContain('Le formulaire contient des erreurs');
    }
    expect(await t.db.organisation.count()).toBe(1);
  });

  it('accepts a foreign establishment without SIRET, and a La Poste SIRET', async () => {
    const { a, csrf } = await agent(t.app, 'platform.admin@test.example');
    const be = await a
      .post('/organisations/new')
      .type('form')
      .send({ ...orgForm({ legalName: 'Brabant Data', siret: '', country: 'BE', postalCode: '1000', city: 'Bruxelles', phone: '+32 2 123 45 67' }), _csrf: csrf });
    expect(be.status).toBe(303);
    const poste = await a.post('/organisations/new').type('form').send({ ...orgForm({ legalName: 'La Poste — Bureau de Riom', siret: SIRETS.laPoste, nafCode: '53.10Z', postalCode: '63200', city: 'Riom' }), _csrf: csrf });
    expect(poste.status).toBe(303);
    const orgs = await t.db.organisation.findMany({ where: { legalName: { in: ['Brabant Data', 'La Poste — Bureau de Riom'] } }, orderBy: { id: 'asc' } });
    expect(orgs.map((o) => [o.siret, o.department, o.verified, o.centreId])).toEqual([
      [null, null, true, null],
      [SIRETS.laPoste, '63', true, null],
    ]);
  });

  it('WRITE staff: verified at once, in their centre, audited; the detail page follows', async () => {
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const res = await a.post('/organisations/new').type('form').send({ ...orgForm({ fax: '04.73.12.34.57', website: 'https://volcans.example' }), _csrf: csrf });
    expect(res.status).toBe(303);
    const org = await t.db.organisation.findFirstOrThrow({ where: { legalName: 'Volcans Numériques' } });
    expect(org).toMatchObject({ verified: true, verifiedById: w.writeA.id, centreId: w.centreA.id, createdById: w.writeA.id, normalizedName: 'volcans numeriques', phoneDigits: '0473123456', faxDigits: '0473123457', department: '63' });
    expect(res.headers.location).toBe(`/organisations/${org.id}`);
    const [row] = await auditRows(t.db, 'organisation.create');
    expect(row).toMatchObject({ actorId: w.writeA.id, entityType: 'Organisation', entityId: String(org.id) });
    const show = await a.get(res.headers.location);
    expect(show.status).toBe(200);
    expect(show.text).toContain('62.01Z — Programmation informatique');
    expect(show.text).toContain('J — Information et communication');
    expect(show.text).toMatch(/Créé le [^<]+ par Camille Test\d+/);
    expect(show.text).toContain('a été créé');
  });

  it('student: the organisation waits, unverified, in the queue of the study year\u2019s centre', async () => {
    const { a, csrf } = await agent(t.app, 'student@test.example');
    const form = await a.get('/organisations/new');
    expect(form.text).toContain('sera vérifié par le centre de gestion');
    const res = await a.post('/organisations/new').type('form').send({ ...orgForm(), _csrf: csrf });
    expect(res.status).toBe(303);
    const org = await t.db.organisation.findFirstOrThrow({ where: { legalName: 'Volcans Numériques' } });
    expect(org).toMatchObject({ verified: false, verifiedAt: null, centreId: w.centreA.id, createdById: w.student.id });
    const show = await a.get(`/organisations/${org.id}`);
    expect(show.text).toContain('non vérifié');
    expect(show.text).toContain('il sera vérifié par votre centre de gestion');
    // Students neither edit nor moderate.
    expect(show.text).not.toContain(`/organisations/${org.id}/edit`);
    expect((await a.get(`/organisations/${org.id}/edit`)).status).toBe(403);
  });

  it('READ staff, company accounts and tutors may not create', async () => {
    for (const email of ['a.read@test.example', 'company.admin@test.example', 'company.contact@test.example']) {
      const { a, csrf } = await agent(t.app, email);
      expect((await a.get('/organisations/new')).status, email).toBe(403);
      expect((await a.post('/organisations/new').type('form').send({ ...orgForm(), _csrf: csrf })).status, email).toBe(403);
    }
    expect(await t.db.organisation.count()).toBe(1);
  });
});

describe('host organisations: possible duplicates', () => {
  const t = useApp();
  beforeEach(async () => {
    await makeDirectoryWorld(t.db);
  });

  it('warns of the same name in the same postal code, then creates once the user confirms', async () => {
    const existing = await makeOrganisation(t.db, { legalName: 'Société Générale', siret: '55212022200013', postalCode: '63000', city: 'Clermont-Ferrand' });
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const body = { ...orgForm({ legalName: 'SOCIETE GENERALE', siret: '44306184100047' }), _csrf: csrf };
    const warned = await a.post('/organisations/new').type('form').send(body);
    expect(warned.status).toBe(422);
    expect(warned.text).toContain('Cet établissement existe peut-être déjà');
    expect(warned.text).toContain(`href="/organisations/${existing.id}"`);
    expect(warned.text).toContain('Je confirme qu&#39;il s&#39;agit d&#39;un autre établissement');
    expect(fieldError(warned.text, 'confirmDistinct')).not.toBeNull();
    expect(warned.text).toContain('value="SOCIETE GENERALE"');
    expect(await t.db.organisation.count({ where: { normalizedName: 'societe generale' } })).toBe(1);

    // The same name in another postal code is no duplicate.
    const elsewhere = await a.post('/organisations/new').type('form').send({ ...body, siret: '', country: 'BE', postalCode: '1000', city: 'Bruxelles' });
    expect(elsewhere.status).toBe(303);

    const confirmed = await a.post('/organisations/new').type('form').send({ ...body, confirmDistinct: 'on' });
    expect(confirmed.status).toBe(303);
    expect(await t.db.organisation.count({ where: { normalizedName: 'societe generale' } })).toBe(3);
  });

  it('refuses the same SIRET outright, even when confirmed', async () => {
    const existing = await makeOrganisation(t.db, { legalName: 'Ancienne raison sociale', siret: '44306184100047', postalCode: '69002' });
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const res = await a.post('/organisations/new').type('form').send({ ...orgForm(), confirmDistinct: 'on', _csrf: csrf });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Un établissement porte déjà ce numéro SIRET');
    expect(res.text).toContain(`href="/organisations/${existing.id}"`);
    expect(fieldError(res.text, 'siret')).toContain('déjà enregistré');
    expect(res.text).not.toContain('name="confirmDistinct"');
    expect(await t.db.organisation.count({ where: { siret: '44306184100047' } })).toBe(1);
  });

  it('two concurrent creations with one SIRET: one wins', async () => {
    const { a, csrf } = await agent(t.app, 'a.write@test.example');
    const results = await Promise.all([1, 2, 3].map((i) => a.post('/organisations/new').type('form').send({ ...orgForm({ legalName: `Course ${i}` }), _csrf: csrf })));
    expect(results.map((r) => r.status).sort()).toEqual([303, 422, 422]);
    expect(await t.db.organisation.count({ where: { siret: '44306184100047' } })).toBe(1);
  });
});
