import { beforeEach, describe, expect, it } from 'vitest';
import { makeCompany } from '../factories/companies.js';
import { makeOffer, makeRequest } from '../factories/requests.js';
import { makeStudent, makeStudentWorld, type StudentWorld } from '../factories/students.js';
import { loadActor } from '../../src/authz/actor.js';
import { MatchingService } from '../../src/modules/requests/matching.js';
import { agent, useApp } from '../helpers/app.js';

/** The text of the "why" cell of the row whose link is `href`. */
function reasonsOf(html: string, href: string): string[] {
  const row = html.split('<tr>').find((r) => r.includes(`href="${href}"`));
  if (!row) return [];
  return [...row.matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1].replace(/&#39;/g, "'"));
}

describe('matching offers and requests', () => {
  const t = useApp();
  let w: StudentWorld;
  let acme: Awaited<ReturnType<typeof makeCompany>>;
  let offer: { id: number };
  let r1: { id: number }, r3: { id: number }, rz: { id: number }, rm: { id: number };
  beforeEach(async () => {
    w = await makeStudentWorld(t.db);
    acme = await makeCompany(t.db, { legalName: 'Acme', adminEmail: 'rh@acme.test', contacts: [{ email: 'tuteur@acme.test' }] });
    await makeCompany(t.db, { legalName: 'Autre', adminEmail: 'rh@autre.test' });
    offer = await makeOffer(t.db, acme.organisation.id, { title: 'Développeur TypeScript', skills: 'TypeScript, PostgreSQL', domain: 'Informatique', educationLevel: 'BAC_3', durationMonths: 3, postalCode: '63000', city: 'Clermont-Ferrand' });
    const zoe = await makeStudent(t.db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l3.id, studentNumber: '21900789', email: 'zoe@etu.test', firstName: 'Zoé', lastName: 'Martin' });
    const max = await makeStudent(t.db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l3.id, studentNumber: '21900790', email: 'max@etu.test', firstName: 'Max', lastName: 'Petit' });
    await t.db.studentProfile.updateMany({ where: { id: { in: [w.lea.profile.id, w.hugo.profile.id, max.profile.id] } }, data: { inCvBook: true } });
    r1 = await makeRequest(t.db, w.lea.profile.id, { title: 'Stage développeur TypeScript', description: 'Applications web avec PostgreSQL.', domain: 'informatique', level: 'BAC_3', durationMonths: 4, place: '63100' });
    r3 = await makeRequest(t.db, w.hugo.profile.id, { title: 'Juriste', domain: 'Informatique', level: 'BAC_5', durationMonths: 6, place: '69' });
    rz = await makeRequest(t.db, zoe.profile.id, { title: 'Développeuse TypeScript', domain: 'Informatique', level: 'BAC_3', durationMonths: 3, place: '63000' });
    rm = await makeRequest(t.db, max.profile.id, { title: 'Assistant marketing', domain: 'Marketing', place: '75' });
  });

  it('shows a company the best CV-book profiles for its offer first, with the reasons', async () => {
    const c = await agent(t.app, 'tuteur@acme.test');
    const list = await c.a.get('/matching/offers');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`href="/matching/offers/${offer.id}"`);
    const res = await c.a.get(`/matching/offers/${offer.id}`);
    expect(res.status).toBe(200);
    const i1 = res.text.indexOf(`href="/cvbook/${r1.id}"`);
    const i3 = res.text.indexOf(`href="/cvbook/${r3.id}"`);
    expect(i1).toBeGreaterThan(0);
    expect(i3).toBeGreaterThan(i1);
    expect(res.text).not.toContain(`href="/cvbook/${rz.id}"`); // not in the CV book
    expect(res.text).not.toContain(`href="/cvbook/${rm.id}"`); // nothing in common
    const why = reasonsOf(res.text, `/cvbook/${r1.id}`);
    expect(why.slice(0, 4)).toEqual(['même domaine', 'niveau compatible', 'durée proche', 'même département']);
    expect(why[4]).toMatch(/^mots-clés : /);
    expect(why[4]).toContain('typescript');
    expect(why[4]).toContain('postgresql');
    expect(reasonsOf(res.text, `/cvbook/${r3.id}`)).toEqual(['même domaine']);
  });

  it('answers 404 for another company\'s offer', async () => {
    const other = await agent(t.app, 'rh@autre.test');
    expect((await other.a.get(`/matching/offers/${offer.id}`)).status).toBe(404);
    expect((await other.a.get('/matching/offers')).text).not.toContain(`/matching/offers/${offer.id}"`);
  });

  it('shows a student the visible offers that best match their open requests', async () => {
    const org = acme.organisation.id;
    const onlyDomain = await makeOffer(t.db, org, { title: 'Administrateur réseau', domain: 'Informatique', postalCode: '13001' });
    const draft = await makeOffer(t.db, org, { title: 'Développeur TypeScript', skills: 'TypeScript', domain: 'Informatique', status: 'DRAFT' });
    const elsewhere = await makeOffer(t.db, org, { title: 'Développeur TypeScript', domain: 'Informatique', targetAll: false, targetInstitutions: { create: { institutionId: w.udb.id } } });
    const expired = await makeOffer(t.db, org, { title: 'Développeur TypeScript', domain: 'Informatique', publishUntil: new Date(Date.now() - 86_400_000) });
    const unrelated = await makeOffer(t.db, org, { title: 'Comptable', domain: 'Comptabilité', postalCode: '75001' });
    const s = await agent(t.app, 'lea.dubois@etu.test');
    const res = await s.a.get('/matching/requests');
    expect(res.status).toBe(200);
    const i1 = res.text.indexOf(`href="/offers/${offer.id}"`);
    const i2 = res.text.indexOf(`href="/offers/${onlyDomain.id}"`);
    expect(i1).toBeGreaterThan(0);
    expect(i2).toBeGreaterThan(i1);
    for (const o of [draft, elsewhere, expired, unrelated]) expect(res.text).not.toContain(`href="/offers/${o.id}"`);
    expect(reasonsOf(res.text, `/offers/${offer.id}`).slice(0, 4)).toEqual(['même domaine', 'niveau compatible', 'durée proche', 'même département']);
    expect(reasonsOf(res.text, `/offers/${onlyDomain.id}`)).toEqual(['même domaine']);
    // Domains and cities compare without accents or case.
    const accents = await makeOffer(t.db, org, { title: 'Chargé de clientèle', domain: 'INFORMATIQUÉ', city: 'Clérmont-Ferrand' });
    await t.db.internshipRequest.update({ where: { id: r1.id }, data: { place: 'clermont-ferrand' } });
    const again = await s.a.get('/matching/requests');
    expect(reasonsOf(again.text, `/offers/${accents.id}`)).toEqual(['même domaine', 'même département']);

    // Closed requests are not matched.
    await t.db.internshipRequest.update({ where: { id: r1.id }, data: { status: 'CLOSED' } });
    const none = await s.a.get('/matching/requests');
    expect(none.text).toContain('Vous n&#39;avez aucune demande ouverte.');
  });

  // The student side reads the offers of the requests' domains first and the others only when they
  // could still make the list; both ways must give the list a full scan would.
  it('ranks an offer of another domain above same-domain ones when it scores more, and leaves it out when it cannot', async () => {
    const org = acme.organisation.id;
    await t.db.offer.delete({ where: { id: offer.id } });
    const lea = (await loadActor(t.db, w.lea.user.id))!;
    const svc = t.ctx.services.matching;
    // r1: informatique, BAC_3, 4 months, 63100, "Stage développeur TypeScript / Applications web avec PostgreSQL".
    const weakA = await makeOffer(t.db, org, { title: 'Administrateur réseau', domain: 'Informatique', postalCode: '13001' }); // 40
    const weakB = await makeOffer(t.db, org, { title: 'Technicien support', domain: 'Informatique', postalCode: '59000' }); // 40
    const strongOther = await makeOffer(t.db, org, { title: 'Développeur web TypeScript', skills: 'PostgreSQL', domain: 'Numérique', educationLevel: 'BAC_3', durationMonths: 4, postalCode: '63000' }); // ≥ 60
    const ids = async () => (await svc.offersForStudent(lea, 2)).map((o) => o.id);
    expect(await ids()).toEqual([strongOther.id, weakB.id]);

    // Two same-domain offers that beat anything without the domain (40 + 20 + 15 + 15 = 90 > 80).
    const best1 = await makeOffer(t.db, org, { title: 'Chef de projet', domain: 'Informatique', educationLevel: 'BAC_3', durationMonths: 4, postalCode: '63000' });
    const best2 = await makeOffer(t.db, org, { title: 'Chef de projet', domain: 'informatique', educationLevel: 'BAC_3', durationMonths: 5, postalCode: '63200' });
    expect(await ids()).toEqual([best2.id, best1.id]);
    expect((await svc.offersForStudent(lea, 3)).map((o) => o.id)).toEqual([best2.id, best1.id, strongOther.id]);
    expect((await svc.offersForStudent(lea, 5)).map((o) => o.id)).toEqual([best2.id, best1.id, strongOther.id, weakB.id, weakA.id]);

    // A same-domain offer below the best ones without its keywords (40 + 20 + 15 = 75 < 90, no
    // place) that passes them with its keywords: the second pass of the same-domain tier finds it.
    const keen = await makeOffer(t.db, org, { title: 'Développeur web TypeScript', skills: 'TypeScript, PostgreSQL, applications web', domain: 'Informatique', educationLevel: 'BAC_3', durationMonths: 4, postalCode: '13001' });
    const top = await svc.offersForStudent(lea, 1);
    expect(top.map((o) => o.id)).toEqual([keen.id]);
    expect(top[0].score).toBeGreaterThan(90);
    expect((await svc.offersForStudent(lea, 3)).map((o) => o.id)).toEqual([keen.id, best2.id, best1.id]);
  });
});
