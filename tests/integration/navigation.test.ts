import { describe, expect, it } from 'vitest';
import { makeOffer, makeOfferWorld } from '../factories/offers.js';
import { agent, useApp } from '../helpers/app.js';

/** The menu's markup (views/partials/head.ejs) as the server sends it, before any script runs. */
const menuOf = (html: string) => /<nav class="main-nav"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
const currentHref = (html: string) => [...menuOf(html).matchAll(/<a href="([^"]+)" aria-current="page">/g)].map((m) => m[1]);
const h1 = (html: string) => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];

describe('the menu as served', () => {
  const t = useApp();

  it('renders every group open under its label, each entry reachable without a script', async () => {
    await makeOfferWorld(t.db);
    const s = await agent(t.app, 'a.write@test.example');
    const menu = menuOf((await s.a.get('/organisations/queue')).text);
    // The phone's "Menu" button waits for the script: hidden until then.
    expect(menu).toMatch(/<button type="button" class="nav-toggle" aria-expanded="false" aria-controls="main-nav-list" hidden>Menu<\/button>/);
    // A group: its label, and the list of its entries named by it.
    expect(menu).toContain('<span class="nav-group-label" id="nav-group-organisations">Établissements d&#39;accueil</span>');
    expect(menu).toContain('<ul class="nav-group-list" id="nav-group-organisations-list" aria-labelledby="nav-group-organisations">');
    expect(menu).toContain('<a href="/organisations/queue" aria-current="page">Établissements d&#39;accueil à vérifier</a>');
    // The group holding the current page is marked; the others are not.
    expect(menu).toMatch(/<li class="nav-group nav-group-current">\s*<span class="nav-group-label" id="nav-group-organisations">/);
    expect(menu.match(/nav-group-current/g)).toHaveLength(1);
    expect(currentHref(menu)).toEqual(['/organisations/queue']);
  });

  it('highlights the moderation on an offer awaiting this moderator, "Mes offres" elsewhere', async () => {
    const w = await makeOfferWorld(t.db);
    const pending = await makeOffer(t.db, w, { status: 'PENDING_SCHOOL', publishUntil: null });
    const published = await makeOffer(t.db, w);
    const staff = await agent(t.app, 'a.write@test.example');
    expect(currentHref((await staff.a.get('/offers/moderation')).text)).toEqual(['/offers/moderation']);
    const pendingPage = (await staff.a.get(`/offers/manage/${pending.id}`)).text;
    expect(currentHref(pendingPage)).toEqual(['/offers/moderation']);
    expect(menuOf(pendingPage)).toMatch(/<li class="nav-group nav-group-current">\s*<span class="nav-group-label" id="nav-group-offers">/);
    expect(currentHref((await staff.a.get(`/offers/manage/${published.id}`)).text)).toEqual(['/offers/manage']);
    // The company's administrator has no moderation: their pending offer is under "Mes offres".
    const company = await agent(t.app, 'admin@volcans.example');
    const companyPage = (await company.a.get(`/offers/manage/${pending.id}`)).text;
    expect(currentHref(companyPage)).toEqual(['/offers/manage']);
    expect(companyPage).toContain('<a href="/offers/manage" aria-current="page">Mes offres</a>');
    // The READ staff member cannot moderate: the search's read-only page stays under the search.
    const reader = await agent(t.app, 'a.read@test.example');
    expect(currentHref((await reader.a.get(`/offers/search/${pending.id}`)).text)).toEqual(['/offers/search']);
  });

  it('names the lists for what they show: all offers and all centres for the administrator, the centre\'s for its staff', async () => {
    const w = await makeOfferWorld(t.db);
    const offer = await makeOffer(t.db, w);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const list = (await admin.a.get('/offers/manage')).text;
    expect(h1(list)).toBe('Toutes les offres');
    expect(list).toContain('<a href="/offers/manage" aria-current="page">Toutes les offres</a>');
    expect(list).not.toContain('Mes offres');
    // The offer's page leads back to the list by the same name.
    const back = /<p><a href="\/offers\/manage">([^]*?)<\/a><\/p>/.exec((await admin.a.get(`/offers/manage/${offer.id}`)).text);
    expect(back?.[1].replace(/<[^>]+>/g, '').trim()).toBe('Toutes les offres'); // after its icon
    const centres = (await admin.a.get('/admin/centres')).text;
    expect(h1(centres)).toBe('Tous les centres de gestion');
    expect(menuOf(centres)).not.toContain('href="/centres"');
    expect(menuOf(centres)).not.toContain('Mes centres de gestion');
    // /centres shows the administrator every centre with its staff: not "Mes centres".
    expect(h1((await admin.a.get('/centres')).text)).toBe('Personnels des centres de gestion');
    // A centre's page, for the administrator, belongs to all centres.
    expect(currentHref((await admin.a.get(`/centres/${w.centreA.id}`)).text)).toEqual(['/admin/centres']);

    const staff = await agent(t.app, 'a.write@test.example');
    expect(h1((await staff.a.get('/offers/manage')).text)).toBe('Offres de mes centres');
    const mine = (await staff.a.get('/centres')).text;
    expect(h1(mine)).toBe('Mes centres de gestion');
    expect(mine).toContain('<a href="/centres" aria-current="page">Mes centres de gestion</a>');
  });

  it('says CVthèque in French and CV book in English, in the menu and on the page', async () => {
    await makeOfferWorld(t.db);
    const s = await agent(t.app, 'admin@volcans.example');
    const fr = (await s.a.get('/cvbook')).text;
    expect(fr).toContain('<a href="/cvbook" aria-current="page">CVthèque</a>');
    expect(h1(fr)).toContain('CVthèque');
    expect(fr).not.toMatch(/CV book/i);
    await s.a.post('/lang').type('form').send({ _csrf: s.csrf, lang: 'en', back: '/cvbook' });
    const en = (await s.a.get('/cvbook')).text;
    expect(en).toContain('<a href="/cvbook" aria-current="page">CV book</a>');
    expect(h1(en)).toContain('CV book');
    expect(en).not.toMatch(/CVthèque/i);
  });
});
