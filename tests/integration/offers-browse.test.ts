import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.js';
import { foldText } from '../../src/modules/offers/offers.search.js';
import { visibleOfferSql, visibleOfferWhere } from '../../src/modules/offers/offers.visibility.js';
import { makeOffer, makeOfferWorld } from '../factories/offers.js';
import { agent, useApp } from '../helpers/app.js';

/** The offer links of a list page, in order. */
const listed = (html: string, prefix = '/offers/') => [...html.matchAll(new RegExp(`href="${prefix}(\\d+)"`, 'g'))].map((m) => Number(m[1]));

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

  it('keeps the line breaks typed in long texts (missions, benefits, comments) on display', async () => {
    const w = await makeOfferWorld(t.db);
    const offer = await makeOffer(t.db, w, { missions: 'Analyser le besoin.\nDévelopper les écrans.\n\nDocumenter.', comments: 'Ligne 1\nLigne 2' });
    const lea = await agent(t.app, 'lea@etu.test');
    const page = await lea.a.get(`/offers/${offer.id}`);
    expect(page.text).toContain('<dd class="text-block">Analyser le besoin.\nDévelopper les écrans.\n\nDocumenter.</dd>');
    expect(page.text).toContain('<dd class="text-block">Ligne 1\nLigne 2</dd>');
    const css = await lea.a.get('/static/css/app.css');
    expect(css.text).toMatch(/\.text-block\s*\{\s*white-space:\s*pre-line;/);
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
    await t.db.application.create({ data: { studentId: w.lea.profile.id, offerId: offer.id, organisationId: offer.organisationId, title: 'Candidature', message: 'Bonjour' } });
    const admin = await agent(t.app, 'admin@volcans.example');
    const list = await admin.a.get('/offers/manage');
    expect(list.status).toBe(200);
    // Views, then applications.
    expect(list.text).toMatch(new RegExp(`/offers/manage/${offer.id}"[\\s\\S]*?<td>2</td>\\s*<td>1</td>`));
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

  it('searches French full text: accents and endings ignored, word starts, best matches first', async () => {
    const w = await makeOfferWorld(t.db);
    const inMissions = await makeOffer(t.db, w, { title: 'Stage assistant', missions: 'Aider les développeurs de l’équipe mobile.' });
    const inTitle = await makeOffer(t.db, w, { title: 'Développeuse / développeur web', missions: 'Sites web' });
    const inSkills = await makeOffer(t.db, w, { title: 'Stage support', skills: 'Développeur junior accepté' });
    const unrelated = await makeOffer(t.db, w, { title: 'Stage comptabilité', missions: 'Bilans' });
    const lea = await agent(t.app, 'lea@etu.test');

    // Title (weight A) before skills (B) before missions (C), whatever the dates.
    const ranked = listed((await lea.a.get('/offers?q=DEVELOPPEURS')).text);
    expect(ranked).toEqual([inTitle.id, inSkills.id, inMissions.id]);
    // A word start is enough; every word must be found.
    expect(listed((await lea.a.get('/offers?q=dévelop')).text)).toEqual(expect.arrayContaining([inTitle.id, inSkills.id, inMissions.id]));
    expect(listed((await lea.a.get('/offers?q=developpeur%20mobile')).text)).toEqual([inMissions.id]);
    // The title filter looks in titles only.
    expect(listed((await lea.a.get('/offers?title=developpeur')).text)).toEqual([inTitle.id]);
    // A word start longer than the word's French stem ("assist") still finds it.
    expect(listed((await lea.a.get('/offers?q=assistan')).text)).toEqual([inMissions.id]);
    // Stop words alone filter nothing; punctuation cannot break the query.
    expect(listed((await lea.a.get('/offers?q=le%20de')).text)).toContain(unrelated.id);
    const odd = await lea.a.get(`/offers?q=${encodeURIComponent("dév' & | ! :* (web")}`);
    expect(odd.status).toBe(200);
    expect(listed(odd.text)).toEqual([inTitle.id]);
    // The column follows edits.
    await t.db.offer.update({ where: { id: unrelated.id }, data: { title: 'Comptable développeur' } });
    expect(listed((await lea.a.get('/offers?q=developpeur')).text)).toContain(unrelated.id);
  });

  it('staff search: title, organisation type, sector, and the diffused / ended / archived boxes', async () => {
    const w = await makeOfferWorld(t.db);
    const published = await makeOffer(t.db, w, { title: 'Chargé de communication' });
    const expired = await makeOffer(t.db, w, { title: 'Chargée d’études', status: 'EXPIRED' });
    const pending = await makeOffer(t.db, w, { title: 'Analyste', status: 'PENDING_SCHOOL' });
    const archived = await makeOffer(t.db, w, { title: 'Ancienne offre', status: 'ARCHIVED' });
    const staff = await agent(t.app, 'a.read@test.example');

    // First display: the guide's defaults (diffused offers, France), no result yet.
    const first = await staff.a.get('/offers/search');
    expect(first.status).toBe(200);
    expect(first.text).toMatch(/id="f-diffused" name="diffused" value="on" checked/);
    expect(first.text).toMatch(/id="f-country" name="country" value="FR"/);
    expect(listed(first.text, '/offers/search/')).toEqual([]);

    const all = [published.id, expired.id, pending.id, archived.id];
    const search = async (qs: string) => listed((await staff.a.get(`/offers/search?${qs}`)).text, '/offers/search/').sort((a, b) => a - b);
    expect(await search('diffused=on')).toEqual([published.id]);
    expect(await search('ended=on')).toEqual([expired.id, pending.id]);
    expect(await search('archived=on&diffused=on')).toEqual([published.id, archived.id]);
    expect(await search('country=FR')).toEqual(all);
    // Title words as word starts, accents and endings ignored; other fields do not count.
    expect(await search('title=CHARGEE')).toEqual([published.id, expired.id]);
    expect(await search('title=charg%C3%A9e%20%C3%A9tude')).toEqual([expired.id]);
    expect(await search('title=communic')).toEqual([published.id]);
    expect(await search('title=etudes%20charg')).toEqual([expired.id]);
    expect(await search('title=Missions')).toEqual([]);
    // The company is a private company ("COMPANY"), in "Conseil en informatique".
    await t.db.organisation.update({ where: { id: w.company.organisation.id }, data: { sector: 'Conseil en informatique' } });
    expect(await search('structureType=COMPANY')).toEqual(all);
    expect(await search('structureType=ASSOCIATION')).toEqual([]);
    expect(await search('sector=informatique')).toEqual(all);
    expect(await search('sector=sante')).toEqual([]);
    // An advanced criterion opens the advanced section.
    expect((await staff.a.get('/offers/search?sector=x')).text).toContain('<details open>');
    expect((await staff.a.get('/offers/search?title=x')).text).not.toContain('<details open>');
  });

  it('keeps the same offers in the SQL form of the visibility rule as in the Prisma form', async () => {
    const w = await makeOfferWorld(t.db);
    const day = 86_400_000;
    const offers = [
      await makeOffer(t.db, w),
      await makeOffer(t.db, w, { status: 'DRAFT' }),
      await makeOffer(t.db, w, { status: 'EXPIRED' }),
      await makeOffer(t.db, w, { publishFrom: new Date(Date.now() + day) }),
      await makeOffer(t.db, w, { publishFrom: null, publishUntil: null }),
      await makeOffer(t.db, w, { publishUntil: new Date(Date.now() - day) }),
      await makeOffer(t.db, w, { targetAll: false }),
      await makeOffer(t.db, w, { targetAll: false, targetProgrammes: { create: { programmeId: w.info.id } } }),
      await makeOffer(t.db, w, { targetAll: false, targetProgrammes: { create: { programmeId: w.droit.id } } }),
      await makeOffer(t.db, w, { targetAll: false, targetInstitutions: { create: { institutionId: w.uda.id } } }),
      await makeOffer(t.db, w, { targetAll: false, targetCountries: { create: { country: 'FR' } } }),
      await makeOffer(t.db, w, { targetAll: false, targetCountries: { create: { country: 'BE' } } }),
    ];
    const ids = offers.map((o) => o.id);
    const asViewer = (p: typeof w.lea.profile) => ({ profileId: p.id, institutionId: p.institutionId, programmeId: p.programmeId, studyYearId: p.studyYearId });
    const viewers = [
      { ...asViewer(w.lea.profile), country: 'FR' },
      { ...asViewer(w.hugo.profile), country: 'BE' },
      { ...asViewer(w.lea.profile), programmeId: null, country: null },
      { ...asViewer(w.lea.profile), institutionId: -1, country: 'FR' },
    ];
    const now = t.ctx.clock.now();
    for (const v of viewers) {
      const viaPrisma = (await t.db.offer.findMany({ where: { AND: [visibleOfferWhere(v, now), { id: { in: ids } }] }, select: { id: true }, orderBy: { id: 'asc' } })).map((o) => o.id);
      const viaSql = (await t.db.$queryRaw<{ id: number }[]>`SELECT o.id FROM "Offer" o WHERE ${visibleOfferSql(v, now)} AND o.id IN (${Prisma.join(ids)}) ORDER BY o.id`).map((o) => o.id);
      expect(viaSql).toEqual(viaPrisma);
      expect(viaPrisma.length).toBeGreaterThan(1);
    }
  });

  it('folds accents and case the same way in SQL (stages_fold) and in JavaScript (foldText)', async () => {
    // Every letter from À (U+00C0) to ž (U+017F), and words.
    const latin = Array.from({ length: 0x180 - 0xc0 }, (_, i) => String.fromCharCode(0xc0 + i)).join('');
    const samples = [latin, 'Électronique EMBARQUÉE', 'Łódź, Øresund, Đakovo', 'Ça coûte — ŠKODA Ğ'];
    for (const text of samples) {
      const [{ folded }] = await t.db.$queryRaw<{ folded: string }[]>`SELECT stages_fold(${text}) AS folded`;
      expect(folded, text).toBe(foldText(text));
    }
    expect(foldText('Électronique EMBARQUÉE')).toBe('electronique embarquee');
  });
});
