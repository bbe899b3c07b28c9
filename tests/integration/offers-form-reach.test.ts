import { beforeEach, describe, expect, it } from 'vitest';
import { makeOfferWorld, offerForm, type OfferWorld } from '../factories/offers.js';
import { agent, useApp } from '../helpers/app.js';

/**
 * The new-offer form loads the organisation it is for (its name, its contacts): a company user
 * may only choose their own organisation, staff any; another one is a 404, on the page and on
 * its POST, whatever the form (full or short).
 */
describe('the organisation of a new offer', () => {
  const t = useApp();
  let w: OfferWorld;
  let foreignCard: { id: number; lastName: string };
  beforeEach(async () => {
    w = await makeOfferWorld(t.db);
    foreignCard = await t.db.contact.findFirstOrThrow({ where: { organisationId: w.foreign.organisation.id } });
  });
  const as = (email: string) => agent(t.app, email);
  const post = (s: Awaited<ReturnType<typeof as>>, path: string, body: Record<string, string | string[]>) => s.a.post(path).type('form').send({ _csrf: s.csrf, ...body });
  const shortForm = (organisationId: number) => ({
    organisationId: String(organisationId),
    centreId: String(w.centreA.id),
    title: 'Stage court',
    kind: 'INTERNSHIP',
    domain: 'Informatique',
    postalCode: '63000',
    city: 'Clermont-Ferrand',
    country: 'FR',
    link: 'https://example.org/offre',
    targetAll: 'yes',
  });

  it('is a 404 for a company user asking for another organisation, page and POST, and nothing of it is shown', async () => {
    const foreign = w.foreign.organisation;
    for (const email of ['admin@volcans.example', 'publisher@volcans.example', 'nopublish@volcans.example']) {
      const s = await as(email);
      for (const path of ['/offers/manage/new', '/offers/manage/new-short']) {
        const page = await s.a.get(`${path}?organisation=${foreign.id}`);
        expect(page.status, `${email} GET ${path}`).toBe(404);
        expect(page.text).not.toContain('Autre Société');
        expect(page.text).not.toContain(foreignCard.lastName);
      }
      const full = await post(s, '/offers/manage/new', offerForm(w, { organisationId: String(foreign.id), applicationContactId: String(foreignCard.id) }));
      expect(full.status, `${email} POST full`).toBe(404);
      expect(full.text).not.toContain('Autre Société');
      const short = await post(s, '/offers/manage/new-short', shortForm(foreign.id));
      expect(short.status, `${email} POST short`).toBe(404);
    }
    expect(await t.db.offer.count()).toBe(0);
  });

  it('opens for the company user’s own organisation, and for any organisation to staff', async () => {
    const own = await (await as('admin@volcans.example')).a.get(`/offers/manage/new?organisation=${w.company.organisation.id}`);
    expect(own.status).toBe(200);
    expect(own.text).toContain('Volcans Numériques');
    for (const email of ['a.write@test.example', 'platform.admin@test.example']) {
      const page = await (await as(email)).a.get(`/offers/manage/new?organisation=${w.foreign.organisation.id}`);
      expect(page.status, email).toBe(200);
      expect(page.text).toContain('Autre Société');
      expect(page.text).toContain(foreignCard.lastName);
    }
    const staff = await as('a.write@test.example');
    const created = await post(staff, '/offers/manage/new-short', shortForm(w.foreign.organisation.id));
    expect(created.status).toBe(303);
    expect(await t.db.offer.findFirstOrThrow()).toMatchObject({ organisationId: w.foreign.organisation.id, fromCompany: false });
  });
});
