import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { HOME_COUNTS_TTL_MS } from '../../src/modules/core/home.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeOrganisation } from '../factories/index.js';
import { makeOffer, makeOfferWorld } from '../factories/offers.js';
import { agent, useApp } from '../helpers/app.js';

const DAY = 24 * 3600 * 1000;
// The app's clock: each test moves it past the counts' cache (the offers' periods are real dates).
const clock = new FixedClock(new Date(Date.now()));

/** The number shown on the home page's card `name` (digits only: "1 234" → 1234). */
function countOf(html: string, name: string): number {
  const m = new RegExp(`data-count="${name}"><span class="card-number">([^<]+)</span>`).exec(html);
  if (!m) throw new Error(`no count ${name}`);
  return Number(m[1].replace(/\D/g, ''));
}

describe('the public home page', () => {
  const t = useApp({}, { clock });

  /** A world where 2 offers are visible to the public among 7, and 3 verified organisations in 2 countries. */
  async function seedWorld() {
    clock.advance(HOME_COUNTS_TTL_MS + 1);
    const w = await makeOfferWorld(t.db); // two verified companies (FR)
    await makeOffer(t.db, w, { title: 'Visible 1' });
    await makeOffer(t.db, w, { title: 'Visible 2', organisationId: w.foreign.organisation.id });
    // Not for the public: targeted at one institution, not started, over, not published.
    const targeted = await makeOffer(t.db, w, { title: 'Ciblée', targetAll: false });
    await t.db.offerTargetInstitution.create({ data: { offerId: targeted.id, institutionId: w.uda.id } });
    await makeOffer(t.db, w, { title: 'Future', publishFrom: new Date(clock.now().getTime() + 2 * DAY) });
    await makeOffer(t.db, w, { title: 'Finie', publishFrom: new Date(clock.now().getTime() - 60 * DAY), publishUntil: new Date(clock.now().getTime() - DAY) });
    await makeOffer(t.db, w, { title: 'Brouillon', status: 'DRAFT' });
    await makeOffer(t.db, w, { title: 'En modération', status: 'PENDING_SCHOOL' });
    await makeOrganisation(t.db, { legalName: 'Bruxelles SA', country: 'BE', postalCode: '1000', city: 'Bruxelles', verified: true });
    await makeOrganisation(t.db, { legalName: 'Non vérifiée', country: 'DE', postalCode: '10115', city: 'Berlin', verified: false });
    return w;
  }

  it('answers an anonymous visitor with the live counts, the links and no session', async () => {
    await seedWorld();
    const res = await request(t.app).get('/');
    expect(res.status).toBe(200);
    expect(countOf(res.text, 'offers')).toBe(2);
    expect(countOf(res.text, 'organisations')).toBe(3);
    expect(countOf(res.text, 'countries')).toBe(2);
    expect(res.text).toContain('<h1 id="home-title">Trouver, proposer et suivre un stage</h1>');
    for (const href of ['/login', '/register/student', '/register/company']) expect(res.text).toContain(`href="${href}"`);
    expect(res.text).toContain('Créer un compte étudiant');
    expect(res.text).toContain('Créer un compte entreprise');
    // The public tools: the stipend simulator, named and described.
    expect(res.text).toMatch(/<h2 id="home-tools">Outils en accès libre<\/h2>[\s\S]*<a href="\/tools\/stipend">Simulateur de gratification<\/a><p>Durée d&#39;un stage en heures/);
    expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('stages.sid='))).toBe(false);
    // The links lead to pages that answer.
    for (const href of ['/login', '/register/student', '/register/company', '/tools/stipend']) expect((await request(t.app).get(href)).status, href).toBe(200);
  });

  it('keeps its counts for a minute of the clock, then reads them again', async () => {
    const w = await seedWorld();
    expect(countOf((await request(t.app).get('/')).text, 'offers')).toBe(2);
    await makeOffer(t.db, w, { title: 'Visible 3' });
    clock.advance(HOME_COUNTS_TTL_MS - 1000);
    expect(countOf((await request(t.app).get('/')).text, 'offers')).toBe(2);
    clock.advance(1000);
    expect(countOf((await request(t.app).get('/')).text, 'offers')).toBe(3);
  });

  it('speaks English when asked', async () => {
    await seedWorld();
    const a = request.agent(t.app);
    const page = await a.get('/');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await a.post('/lang').type('form').send({ lang: 'en', back: '/', _csrf: csrf });
    const res = await a.get('/');
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Create a company account');
    expect(res.text).toContain('Create a student account');
    expect(res.text).not.toMatch(/>\s*home\.[a-z]/);
  });

  it('sends a signed-in user to their dashboard', async () => {
    await seedWorld();
    const { a } = await agent(t.app, 'admin@volcans.example');
    const res = await a.get('/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard/company');
  });
});
