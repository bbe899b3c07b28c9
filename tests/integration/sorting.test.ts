import { beforeEach, describe, expect, it } from 'vitest';
import { makeApplicationWorld, makeOffer, type ApplicationWorld } from '../factories/applications.js';
import { makeCentre, makeInstitution, makeOrganisation, makeProgramme } from '../factories/index.js';
import { makeStudent } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

// The staff lists sorted by a column (?sort=<column>&dir=asc|desc): asc and desc, an unknown
// column or direction falls back to the default order, the pager and the filters keep the order,
// the sorted header carries aria-sort.

const names = (html: string, re: RegExp) => [...html.matchAll(re)].map((m) => m[1]);
const students = (html: string) => names(html, /<th scope="row"><a href="\/students\/\d+">([^<]+)<\/a><\/th>/g);
const offers = (html: string) => names(html, /<th scope="row"><a href="\/offers\/search\/\d+">([^<]+)<\/a><\/th>/g);
const organisations = (html: string) => names(html, /<th scope="row">([^<]+)<(?:span|\/th)/g).map((s) => s.trim());
const centres = (html: string) => names(html, /<th scope="row"><a href="\/centres\/\d+">([^<]+)<\/a><\/th>/g);
const institutions = (html: string) => names(html, /<th scope="row"><a href="\/admin\/institutions\/\d+">([^<]+)<\/a><\/th>/g);
const applicants = (html: string) => names(html, /<th scope="row"><a href="\/applications\/\d+">([^<]+)<\/a><\/th>/g);
/** The sorted header: its link's href and its aria-sort. */
const sortedHeader = (html: string) => /<th scope="col" class="sortable" aria-sort="(ascending|descending)"><a href="([^"]+)">([^<]+)</.exec(html)?.slice(1);
const unescape = (s: string) => s.replace(/&amp;/g, '&');

describe('sortable staff lists', () => {
  const t = useApp();
  let w: ApplicationWorld;
  beforeEach(async () => {
    w = await makeApplicationWorld(t.db);
  });

  it('students: by number, email or name, asc and desc; an unknown column is the default (name); the pager and the filter form keep the order', async () => {
    // Léa Dubois 21900123 (L3); more students in L2 of the same centre.
    for (const [n, last, first] of [['30000003', 'Zola', 'Émile'], ['30000001', 'Ampère', 'André'], ['30000002', 'Martin', 'Zoé']]) {
      await makeStudent(t.db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l2.id, studentNumber: n, email: `${n}@etu.test`, firstName: first, lastName: last });
    }
    const s = await agent(t.app, 'a.write@test.example');
    const byName = ['Ampère André', 'Dubois Léa', 'Martin Zoé', 'Zola Émile'];
    expect(students((await s.a.get('/students')).text)).toEqual(byName);
    expect(sortedHeader((await s.a.get('/students')).text)?.[0]).toBe('ascending');
    expect(students((await s.a.get('/students?sort=number&dir=asc')).text)).toEqual(['Dubois Léa', 'Ampère André', 'Martin Zoé', 'Zola Émile']);
    expect(students((await s.a.get('/students?sort=number&dir=desc')).text)).toEqual(['Zola Émile', 'Martin Zoé', 'Ampère André', 'Dubois Léa']);
    expect(students((await s.a.get('/students?sort=name&dir=desc')).text)).toEqual([...byName].reverse());
    // E-mails: 30000001@…, 30000002@…, 30000003@…, lea.dubois@…
    expect(students((await s.a.get('/students?sort=email&dir=asc')).text)).toEqual(['Ampère André', 'Martin Zoé', 'Zola Émile', 'Dubois Léa']);
    // Unknown column, bad direction, SQL in the column: the default order (or asc for a known column).
    expect(students((await s.a.get('/students?sort=password&dir=desc')).text)).toEqual(byName);
    expect(students((await s.a.get('/students?sort=%22id%22%3BDROP&dir=desc')).text)).toEqual(byName);
    expect(students((await s.a.get('/students?sort=number&dir=sideways')).text)).toEqual(['Dubois Léa', 'Ampère André', 'Martin Zoé', 'Zola Émile']);
    // The sorted header and its link (turns the order over), the filters kept.
    const page = (await s.a.get(`/students?year=${w.l2.id}&sort=number&dir=desc`)).text;
    expect(students(page)).toEqual(['Zola Émile', 'Martin Zoé', 'Ampère André']);
    const [ariaSort, href, label] = sortedHeader(page)!;
    expect([ariaSort, label]).toEqual(['descending', 'Numéro d&#39;étudiant']);
    expect(unescape(href)).toBe(`/students?year=${w.l2.id}&sort=number&dir=asc`);
    expect(page).toContain('<input type="hidden" name="sort" value="number"><input type="hidden" name="dir" value="desc">');
    // The pager keeps the filters and the order.
    for (let i = 0; i < 24; i++) {
      await makeStudent(t.db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l2.id, studentNumber: `4000${String(i).padStart(2, '0')}`, email: `p${i}@etu.test`, firstName: 'Jean', lastName: `Pager${String(i).padStart(2, '0')}` });
    }
    const first = (await s.a.get(`/students?year=${w.l2.id}&sort=number&dir=desc`)).text;
    expect(first).toContain(`href="/students?year=${w.l2.id}&amp;sort=number&amp;dir=desc&amp;page=2"`);
    expect(students(first)[0]).toBe('Pager23 Jean');
    expect(students((await s.a.get(`/students?year=${w.l2.id}&sort=number&dir=desc&page=2`)).text)).toEqual(['Martin Zoé', 'Ampère André']);
  });

  it('staff offer search: by title (accents and case folded), organisation and status, asc and desc; unknown sort is the default (highest number); the pager keeps criteria and order', async () => {
    await t.db.offer.update({ where: { id: w.offer.id }, data: { title: 'Développeur web', centreId: w.centreA.id } });
    await makeOffer(t.db, w.globex.id, { title: 'économiste', centreId: w.centreA.id });
    await makeOffer(t.db, w.acme.id, { title: 'Zoologiste', centreId: w.centreA.id, status: 'DRAFT' });
    await makeOffer(t.db, w.globex.id, { title: 'Analyste', centreId: w.centreA.id });
    const s = await agent(t.app, 'a.write@test.example');
    const q = '/offers/search?domain=informatique';
    expect(offers((await s.a.get(q)).text)).toEqual(['Analyste', 'Zoologiste', 'économiste', 'Développeur web']); // default: highest number
    expect(sortedHeader((await s.a.get(q)).text)?.slice(0, 1)).toEqual(['descending']);
    expect(offers((await s.a.get(`${q}&sort=title&dir=asc`)).text)).toEqual(['Analyste', 'Développeur web', 'économiste', 'Zoologiste']);
    expect(offers((await s.a.get(`${q}&sort=title&dir=desc`)).text)).toEqual(['Zoologiste', 'économiste', 'Développeur web', 'Analyste']);
    // Organisation (ACME Lyon before Globex), then the number as the tie-breaker in the same direction.
    expect(offers((await s.a.get(`${q}&sort=organisation&dir=asc`)).text)).toEqual(['Développeur web', 'Zoologiste', 'économiste', 'Analyste']);
    expect(offers((await s.a.get(`${q}&sort=organisation&dir=desc`)).text)).toEqual(['Analyste', 'économiste', 'Zoologiste', 'Développeur web']);
    expect(offers((await s.a.get(`${q}&sort=status&dir=asc`)).text)[0]).toBe('Zoologiste'); // DRAFT first
    expect(offers((await s.a.get(`${q}&sort=number&dir=asc`)).text)).toEqual(['Développeur web', 'économiste', 'Zoologiste', 'Analyste']);
    expect(offers((await s.a.get(`${q}&sort=legalName;--&dir=asc`)).text)).toEqual(['Analyste', 'Zoologiste', 'économiste', 'Développeur web']);
    // A chosen column replaces the keywords' rank; without one the rank orders and no header is marked.
    const ranked = (await s.a.get('/offers/search?q=analyste')).text;
    expect(offers(ranked)).toEqual(['Analyste']);
    expect(sortedHeader(ranked)).toBeUndefined();
    // The filter form keeps the order; the pager keeps criteria and order.
    expect((await s.a.get(`${q}&sort=title&dir=desc`)).text).toContain('<input type="hidden" name="sort" value="title">');
    for (let i = 0; i < 24; i++) await makeOffer(t.db, w.acme.id, { title: `Offre ${String(i).padStart(2, '0')}`, centreId: w.centreA.id });
    const first = (await s.a.get(`${q}&sort=title&dir=desc`)).text;
    expect(offers(first).slice(0, 2)).toEqual(['Zoologiste', 'Offre 23']);
    expect(first).toContain('href="/offers/search?domain=informatique&amp;sort=title&amp;dir=desc&amp;page=2"');
    expect(offers((await s.a.get(`${q}&sort=title&dir=desc&page=2`)).text)).toEqual(['économiste', 'Développeur web', 'Analyste']);
  });

  it('organisations: by city or postal code, asc and desc, in the Prisma modes and the address mode (SQL); unknown sort is by name', async () => {
    await makeOrganisation(t.db, { legalName: 'Sortable Beta', city: 'Annecy', postalCode: '74000' });
    await makeOrganisation(t.db, { legalName: 'Sortable Alpha', city: 'Valence', postalCode: '26000' });
    await makeOrganisation(t.db, { legalName: 'Sortable Gamma', city: 'Lyon', postalCode: '69001' });
    const s = await agent(t.app, 'a.write@test.example');
    const byName = ['Sortable Alpha', 'Sortable Beta', 'Sortable Gamma'];
    expect(organisations((await s.a.get('/organisations?by=name&name=sortable')).text)).toEqual(byName);
    expect(organisations((await s.a.get('/organisations?by=name&name=sortable&sort=nope')).text)).toEqual(byName);
    expect(organisations((await s.a.get('/organisations?by=name&name=sortable&sort=city&dir=asc')).text)).toEqual(['Sortable Beta', 'Sortable Gamma', 'Sortable Alpha']);
    expect(organisations((await s.a.get('/organisations?by=name&name=sortable&sort=city&dir=desc')).text)).toEqual(['Sortable Alpha', 'Sortable Gamma', 'Sortable Beta']);
    expect(organisations((await s.a.get('/organisations?by=name&name=sortable&sort=postalCode&dir=desc')).text)).toEqual(['Sortable Beta', 'Sortable Gamma', 'Sortable Alpha']);
    // The address mode's SQL takes the same order.
    const addr = '/organisations?by=address&street=rue%20de%20la%20republique&country=FR';
    const inAddr = (html: string) => organisations(html).filter((n) => n.startsWith('Sortable'));
    expect(inAddr((await s.a.get(addr)).text)).toEqual(byName);
    expect(inAddr((await s.a.get(`${addr}&sort=postalCode&dir=asc`)).text)).toEqual(['Sortable Alpha', 'Sortable Gamma', 'Sortable Beta']);
    expect(inAddr((await s.a.get(`${addr}&sort=postalCode&dir=desc`)).text)).toEqual(['Sortable Beta', 'Sortable Gamma', 'Sortable Alpha']);
    const page = (await s.a.get('/organisations?by=name&name=sortable&sort=city&dir=asc')).text;
    const [ariaSort, href] = sortedHeader(page)!;
    expect(ariaSort).toBe('ascending');
    expect(unescape(href)).toBe('/organisations?by=name&name=sortable&sort=city&dir=desc');
  });

  it('the admin’s centres and institutions: by institution, kind, code or number of programmes, asc and desc', async () => {
    const zeta = await makeInstitution(t.db, { code: 'AAA', name: 'Zeta Université' });
    await makeCentre(t.db, zeta.id, { name: 'Centre Zeta' });
    await makeProgramme(t.db, zeta.id);
    await makeProgramme(t.db, zeta.id);
    await makeProgramme(t.db, zeta.id);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const all = centres((await admin.a.get('/admin/centres')).text);
    expect(all).toEqual([...all].sort());
    const byInst = centres((await admin.a.get('/admin/centres?sort=institution&dir=desc')).text);
    expect(byInst[0]).toBe('Centre Zeta');
    expect(centres((await admin.a.get('/admin/centres?sort=institution&dir=asc')).text).at(-1)).toBe('Centre Zeta');
    expect(centres((await admin.a.get('/admin/centres?sort=bogus')).text)).toEqual(all);
    // UDA (2 programmes), UDB (1), AAA "Zeta" (3).
    expect(institutions((await admin.a.get('/admin/institutions')).text)).toEqual(['Université A', 'Université B', 'Zeta Université']);
    expect(institutions((await admin.a.get('/admin/institutions?sort=code&dir=asc')).text)).toEqual(['Zeta Université', 'Université A', 'Université B']);
    expect(institutions((await admin.a.get('/admin/institutions?sort=programmes&dir=desc')).text)).toEqual(['Zeta Université', 'Université A', 'Université B']);
    expect(institutions((await admin.a.get('/admin/institutions?sort=programmes&dir=asc')).text)).toEqual(['Université B', 'Université A', 'Zeta Université']);
  });

  it('the school’s applications: by student or status, asc and desc; default newest first; the status filter and the pager keep the order', async () => {
    const zoe = await makeStudent(t.db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l3.id, studentNumber: '30000009', email: 'zoe@etu.test', firstName: 'Zoé', lastName: 'Abel' });
    const base = { offerId: w.offer.id, organisationId: w.acme.id, title: 'Candidature', message: 'Bonjour' };
    await t.db.application.create({ data: { ...base, studentId: w.lea.profile.id, status: 'READ', createdAt: new Date('2026-01-02') } });
    await t.db.application.create({ data: { ...base, studentId: zoe.profile.id, status: 'SENT', createdAt: new Date('2026-01-01') } });
    const s = await agent(t.app, 'a.write@test.example');
    expect(applicants((await s.a.get('/applications/school')).text)).toEqual(['Dubois Léa', 'Abel Zoé']);
    expect(applicants((await s.a.get('/applications/school?sort=student&dir=asc')).text)).toEqual(['Abel Zoé', 'Dubois Léa']);
    expect(applicants((await s.a.get('/applications/school?sort=student&dir=desc')).text)).toEqual(['Dubois Léa', 'Abel Zoé']);
    expect(applicants((await s.a.get('/applications/school?sort=date&dir=asc')).text)).toEqual(['Abel Zoé', 'Dubois Léa']);
    expect(applicants((await s.a.get('/applications/school?sort=status&dir=asc')).text)).toEqual(['Abel Zoé', 'Dubois Léa']); // SENT before READ
    expect(applicants((await s.a.get('/applications/school?sort=x&dir=asc')).text)).toEqual(['Dubois Léa', 'Abel Zoé']);
    const filtered = (await s.a.get('/applications/school?status=READ&sort=student&dir=desc')).text;
    expect(applicants(filtered)).toEqual(['Dubois Léa']);
    expect(filtered).toContain('<input type="hidden" name="sort" value="student">');
    const [, href] = sortedHeader(filtered)!;
    expect(unescape(href)).toBe('/applications/school?status=READ&sort=student&dir=asc');
    // The pager: 26 applications (spontaneous ones to 25 organisations), the order kept on page 2.
    for (let i = 0; i < 24; i++) {
      const org = await makeOrganisation(t.db, { legalName: `Org ${i}` });
      await t.db.application.create({ data: { studentId: zoe.profile.id, organisationId: org.id, title: 'Spontanée', message: 'Bonjour', createdAt: new Date('2025-06-01') } });
    }
    const first = (await s.a.get('/applications/school?sort=student&dir=desc')).text;
    expect(first).toContain('href="/applications/school?sort=student&amp;dir=desc&amp;page=2"');
    expect(applicants(first)[0]).toBe('Dubois Léa');
    expect(applicants((await s.a.get('/applications/school?sort=student&dir=desc&page=2')).text)).toEqual(['Abel Zoé']);
  });
});
