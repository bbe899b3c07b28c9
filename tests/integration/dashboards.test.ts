import type TestAgent from 'supertest/lib/agent.js';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import type { ApplicationStatus } from '../../src/generated/prisma/client.js';
import { CalendarDate, startOf } from '../../src/time/calendar.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeOffer, makeApplicationWorld, type ApplicationWorld } from '../factories/applications.js';
import { makeOrganisation, makeUser } from '../factories/index.js';
import { makeStudent } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

// Noon in Paris on 10 November 2026: the academic year is 2026-2027 (1 September – 31 August).
const clock = new FixedClock('2026-11-10T11:00:00Z');
const day = (iso: string) => CalendarDate.parse(iso)!;
const at = (iso: string) => new Date(iso);

type Agent = InstanceType<typeof TestAgent>;

/** One awaiting entry of a dashboard: its count, its list's link and the links of its records. */
function awaitingOf(html: string, key: string) {
  const start = html.indexOf(`data-awaiting="${key}"`);
  if (start < 0) return null;
  const end = [html.indexOf('data-awaiting=', start + 1), html.indexOf('</section>', start)].filter((i) => i > 0).sort((a, b) => a - b)[0];
  const block = html.slice(start, end);
  const head = /<h3><a href="([^"]+)">[^<]*<span class="badge dash-count">(\d+)<\/span><\/a><\/h3>/.exec(block)!;
  const items = [...block.matchAll(/<li><a href="([^"]+)">([^<]*)<\/a>/g)].map((m) => ({ href: m[1].replace(/&amp;/g, '&'), label: m[2] }));
  return { href: head[1].replace(/&amp;/g, '&'), count: Number(head[2]), items };
}

/** One counter: its number and the list it links to. */
function counterOf(html: string, key: string) {
  const m = new RegExp(`data-counter="${key.replace(/\./g, '\\.')}"><a href="([^"]+)">[^<]*<span class="card-number">(\\d+)</span></a>`).exec(html);
  return m ? { href: m[1].replace(/&amp;/g, '&'), count: Number(m[2]) } : null;
}

/** The total a list's caption says ("Offres (3)", "Candidatures (2)"…). */
async function listTotal(a: Agent, href: string, caption: string) {
  const res = await a.get(href);
  expect(res.status, href).toBe(200);
  const m = new RegExp(`<caption>${caption} \\((\\d+)\\)</caption>`).exec(res.text);
  return m ? Number(m[1]) : 0;
}

async function application(db: Db, studentId: number, organisationId: number, offerId: number | null, status: ApplicationStatus, createdAt: string, title = 'Ma candidature') {
  return db.application.create({ data: { studentId, organisationId, offerId, status, title, message: 'Bonjour', createdAt: at(createdAt) } });
}

/**
 * ACME's offers (centre A): three published ones ending on 20, 25 and 26 November (the first two
 * within 15 days), one submitted by its contact to the administrator, the contact's draft, the
 * administrator's draft, one awaiting the school. Globex: one awaiting centre B, one filled.
 * Students: Léa (L3, centre A), Hugo (Droit, centre B), Zoé (L2, centre A), Paul (L3, centre A).
 */
async function seed(db: Db) {
  const w = await makeApplicationWorld(db);
  const inWindow = { publishFrom: at('2026-11-01T00:00:00+01:00') };
  const acmeOffer = (data: Parameters<typeof makeOffer>[2]) => makeOffer(db, w.acme.id, { centreId: w.centreA.id, ...inWindow, ...data });
  await db.offer.update({ where: { id: w.offer.id }, data: { centreId: w.centreA.id, ...inWindow, publishUntil: startOf(day('2026-11-20')) } });
  const o2 = await acmeOffer({ title: 'Stage data', authorId: w.acmeAdmin.id, publishUntil: startOf(day('2026-11-25')) });
  const o3 = await acmeOffer({ title: 'Stage réseau', authorId: w.acmeAdmin.id, publishUntil: startOf(day('2026-11-26')) });
  const o4 = await acmeOffer({ title: 'Stage soumis', status: 'PENDING_COMPANY', authorId: w.acmeContact.id, publishFrom: null, publishUntil: null });
  const o5 = await acmeOffer({ title: 'Brouillon du contact', status: 'DRAFT', authorId: w.acmeContact.id, publishFrom: null, publishUntil: null });
  await acmeOffer({ title: 'Brouillon de l’administratrice', status: 'DRAFT', authorId: w.acmeAdmin.id, publishFrom: null, publishUntil: null });
  const o7 = await acmeOffer({ title: 'Stage à modérer', status: 'PENDING_SCHOOL', authorId: w.acmeAdmin.id, publishFrom: null, publishUntil: null });
  await makeOffer(db, w.globex.id, { title: 'Globex à modérer', status: 'PENDING_SCHOOL', centreId: w.centreB.id, publishFrom: null, publishUntil: null });
  const gFilled = await makeOffer(db, w.globex.id, { title: 'Globex pourvue', status: 'FILLED', centreId: w.centreB.id });
  const gFilled2 = await makeOffer(db, w.globex.id, { title: 'Globex pourvue 2', status: 'FILLED', centreId: w.centreB.id });

  const zoe = await makeStudent(db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l2.id, studentNumber: '21900777', email: 'zoe@etu.test', firstName: 'Zoé', lastName: 'Martin' });
  const paul = await makeStudent(db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l3.id, studentNumber: '21900888', email: 'paul@etu.test', firstName: 'Paul', lastName: 'Petit' });
  const lea = w.lea.profile.id;
  const hugo = w.hugo.profile.id;
  const a1 = await application(db, lea, w.acme.id, w.offer.id, 'SENT', '2026-10-01T10:00:00Z', 'Léa pour le stage du contact');
  const a2 = await application(db, hugo, w.acme.id, w.offer.id, 'READ', '2026-10-02T10:00:00Z');
  const a3 = await application(db, lea, w.acme.id, o2.id, 'INTERVIEW', '2026-10-03T10:00:00Z');
  await application(db, hugo, w.acme.id, o3.id, 'ACCEPTED', '2026-10-05T10:00:00Z');
  const a5 = await application(db, zoe.profile.id, w.acme.id, null, 'SENT', '2026-10-06T10:00:00Z');
  await application(db, lea, w.acme.id, o3.id, 'CANCELLED', '2026-10-07T10:00:00Z');
  // Léa was accepted at Globex last academic year (June 2026) and again this year; Zoé this year.
  await application(db, lea, w.globex.id, gFilled.id, 'ACCEPTED', '2026-06-01T10:00:00Z');
  await application(db, lea, w.globex.id, gFilled2.id, 'ACCEPTED', '2026-09-15T10:00:00Z');
  await application(db, zoe.profile.id, w.globex.id, gFilled.id, 'ACCEPTED', '2026-09-20T10:00:00Z');
  await application(db, hugo, w.globex.id, null, 'SENT', '2026-10-08T10:00:00Z');

  // The verification queues: organisations and a claim of centre A, one organisation of centre B.
  const unverified = await makeOrganisation(db, { legalName: 'Non vérifiée A', verified: false, centreId: w.centreA.id });
  await makeOrganisation(db, { legalName: 'Non vérifiée B', verified: false, centreId: w.centreB.id });
  const claimed = await makeOrganisation(db, { legalName: 'Revendiquée A', centreId: w.centreA.id });
  const claimant = await makeUser(db, { email: 'claimant@test.example' });
  await db.companyMembership.create({ data: { userId: claimant.id, organisationId: claimed.id, role: 'ADMIN', status: 'PENDING' } });

  // Léa's requests: two open (matching ACME's published offers), one closed.
  for (const [title, status] of [['Stage en informatique', 'OPEN'], ['Stage développement', 'OPEN'], ['Ancienne demande', 'CLOSED']] as const) {
    await db.internshipRequest.create({ data: { studentId: lea, title, domain: 'Informatique', status } });
  }
  // Managers: of the INFO programme, and an academic tutor.
  const progManager = await makeUser(db, { email: 'prog.info@test.example' });
  await db.academicRole.create({ data: { userId: progManager.id, kind: 'PROGRAMME_MANAGER', programmeId: w.info.id } });
  const tutor = await makeUser(db, { email: 'tuteur.univ@test.example' });
  await db.academicRole.create({ data: { userId: tutor.id, kind: 'ACADEMIC_TUTOR', programmeId: w.info.id } });
  return { ...w, o2, o3, o4, o5, o7, a1, a2, a3, a5, zoe, paul, unverified };
}
type World = ApplicationWorld & Awaited<ReturnType<typeof seed>>;

describe('dashboards', () => {
  const t = useApp({}, { clock });

  it('company administrator: the applications to answer and the offers to approve first, then counters that match their lists', async () => {
    const w = (await seed(t.db)) as World;
    const { a } = await agent(t.app, 'admin@acme.test');
    const html = (await a.get('/dashboard/company')).text;

    // What waits comes before the counters.
    expect(html.indexOf('data-awaiting=')).toBeLessThan(html.indexOf('data-counter='));
    const apps = awaitingOf(html, 'applications')!;
    expect(apps.count).toBe(4);
    expect(apps.items.map((i) => i.href)).toEqual([w.a1, w.a2, w.a3, w.a5].map((x) => `/applications/${x.id}`));
    expect(apps.href).toBe('/applications/company?tab=all&status=awaiting');
    expect(await listTotal(a, apps.href, 'Candidatures')).toBe(4);
    const approve = awaitingOf(html, 'offersToApprove')!;
    expect(approve.count).toBe(1);
    expect(approve.items).toEqual([{ href: `/offers/manage/${w.o4.id}`, label: 'Stage soumis' }]);
    // The administrator's own draft awaits nobody; the contact's draft awaits the contact.
    expect(awaitingOf(html, 'offersToSubmit')).toBeNull();
    // The record's page holds the action the entry is about.
    expect((await a.get(approve.items[0].href)).text).toContain(`action="/offers/manage/${w.o4.id}/companyApprove"`);

    const expected: [string, number, string][] = [
      ['unread', 2, 'Candidatures'],
      ['inProgress', 2, 'Candidatures'],
      ['accepted', 1, 'Candidatures'],
      ['expiring', 2, 'Offres'],
      ['offers.status.PUBLISHED', 3, 'Offres'],
      ['offers.status.DRAFT', 2, 'Offres'],
      ['offers.status.PENDING_COMPANY', 1, 'Offres'],
      ['offers.status.PENDING_SCHOOL', 1, 'Offres'],
    ];
    for (const [key, count, caption] of expected) {
      const c = counterOf(html, key);
      expect(c, key).not.toBeNull();
      expect(c!.count, key).toBe(count);
      expect(await listTotal(a, c!.href, caption), `${key} → ${c!.href}`).toBe(count);
    }
    expect(counterOf(html, 'expiring')!.href).toBe('/offers/manage?expiring=15');
    expect(counterOf(html, 'offers.status.EXPIRED')).toBeNull();
    // The organisations of the account stay listed.
    expect(html).toContain(`href="/company/${w.acme.id}"`);
  });

  it('company contact: the applications to their own offers and their draft to submit', async () => {
    const w = (await seed(t.db)) as World;
    const { a } = await agent(t.app, 'contact@acme.test');
    const html = (await a.get('/dashboard/contact')).text;
    const apps = awaitingOf(html, 'applications')!;
    expect(apps.items.map((i) => i.href)).toEqual([`/applications/${w.a1.id}`, `/applications/${w.a2.id}`]);
    expect(await listTotal(a, apps.href, 'Candidatures')).toBe(2);
    expect(awaitingOf(html, 'offersToSubmit')!.items).toEqual([{ href: `/offers/manage/${w.o5.id}`, label: 'Brouillon du contact' }]);
    expect(awaitingOf(html, 'offersToApprove')).toBeNull();
    expect(counterOf(html, 'unread')!.count).toBe(1);
    expect(counterOf(html, 'inProgress')!.count).toBe(1);
    expect(counterOf(html, 'accepted')!.count).toBe(0);
  });

  it('centre WRITE staff: moderation, verification and claims first; the accepted applications of this academic year', async () => {
    const w = (await seed(t.db)) as World;
    const { a } = await agent(t.app, 'a.write@test.example');
    const html = (await a.get('/dashboard/centre')).text;
    const moderate = awaitingOf(html, 'offersToModerate')!;
    expect(moderate).toMatchObject({ count: 1, href: '/offers/moderation' });
    expect(moderate.items).toEqual([{ href: `/offers/manage/${w.o7.id}`, label: 'Stage à modérer' }]);
    expect((await a.get(moderate.items[0].href)).text).toContain(`action="/offers/manage/${w.o7.id}/approve"`);
    const verify = awaitingOf(html, 'organisationsToVerify')!;
    expect(verify).toMatchObject({ count: 1, href: '/organisations/queue', items: [{ href: `/organisations/${w.unverified.id}`, label: 'Non vérifiée A' }] });
    expect(awaitingOf(html, 'claims')).toMatchObject({ count: 1, href: '/organisations/queue' });
    expect(html).toContain('Année universitaire 2026-2027');
    const accepted = counterOf(html, 'acceptedThisYear')!;
    // Léa (September) and Zoé; not Léa's June acceptance (last year), not Hugo (centre B).
    expect(accepted).toEqual({ count: 2, href: '/applications/school?status=ACCEPTED&year=2026-2027' });
    expect(await listTotal(a, accepted.href, 'Candidatures')).toBe(2);
    expect(await listTotal(a, '/applications/school?status=ACCEPTED&year=2025-2026', 'Candidatures')).toBe(1);

    const b = await agent(t.app, 'b.write@test.example');
    const other = (await b.a.get('/dashboard/centre')).text;
    expect(awaitingOf(other, 'offersToModerate')!.items.map((i) => i.label)).toEqual(['Globex à modérer']);
    expect(counterOf(other, 'acceptedThisYear')!.count).toBe(1);
  });

  it('platform administrator: every centre’s moderation and verification wait for them too, as their lists show', async () => {
    await seed(t.db);
    const { a } = await agent(t.app, 'platform.admin@test.example');
    const html = (await a.get('/dashboard/admin')).text;
    expect(html.indexOf('data-awaiting=')).toBeLessThan(html.indexOf('La plateforme</h2>'));
    const moderate = awaitingOf(html, 'offersToModerate')!;
    expect(moderate.items.map((i) => i.label)).toEqual(['Stage à modérer', 'Globex à modérer']);
    expect((await a.get(moderate.href)).text.match(/href="\/offers\/manage\/\d+"/g)).toHaveLength(2);
    expect(awaitingOf(html, 'organisationsToVerify')!.count).toBe(2);
    expect(awaitingOf(html, 'claims')!.count).toBe(1);
  });

  it('an academic year the administrator defined takes precedence over the September–August default', async () => {
    await seed(t.db);
    await t.db.academicYear.create({ data: { label: '2026-2027', startDate: at('2026-09-16'), endDate: at('2027-07-31'), isCurrent: true } });
    const { a } = await agent(t.app, 'a.read@test.example');
    const accepted = counterOf((await a.get('/dashboard/centre')).text, 'acceptedThisYear')!;
    // Léa's acceptance of 15 September is before this year's first day; Zoé's of the 20th is in it.
    expect(accepted.count).toBe(1);
    expect(await listTotal(a, accepted.href, 'Candidatures')).toBe(1);

    // The year begins at midnight in Paris (UTC+2 in September): the last millisecond of the 15th
    // stays out, the first one of the 16th is in, on the dashboard as on the list.
    const w = (await t.db.user.findUniqueOrThrow({ where: { email: 'paul@etu.test' }, select: { studentProfile: { select: { id: true } } } })).studentProfile!;
    const globex = await t.db.organisation.findFirstOrThrow({ where: { legalName: { contains: 'Globex' } } });
    await application(t.db, w.id, globex.id, null, 'ACCEPTED', '2026-09-15T21:59:59.999Z');
    await application(t.db, w.id, globex.id, null, 'ACCEPTED', '2026-09-15T22:00:00.000Z');
    const after = counterOf((await a.get('/dashboard/centre')).text, 'acceptedThisYear')!;
    expect(after.count).toBe(2);
    expect(await listTotal(a, after.href, 'Candidatures')).toBe(2);
  });

  it('centre READ staff: nothing awaits them, the counters and the centre table remain', async () => {
    await seed(t.db);
    const { a } = await agent(t.app, 'a.read@test.example');
    const html = (await a.get('/dashboard/centre')).text;
    expect(html).not.toContain('data-awaiting=');
    expect(html).toContain('Rien ne vous attend : avec un droit de lecture');
    expect(counterOf(html, 'acceptedThisYear')!.count).toBe(2);
    expect(html).toMatch(/<tr><td><a href="\/centres\/\d+">UFR Sciences<\/a><\/td>/);
    // Each centre's row counts its study years, staff, students and organisations to verify,
    // as the database holds them (the row is computed in SQL, not by loading the records).
    const centre = await t.db.managementCentre.findFirstOrThrow({ where: { name: 'UFR Sciences' } });
    await makeOrganisation(t.db, { legalName: 'À vérifier SARL', verified: false, centreId: centre.id });
    const expected = [
      await t.db.studyYear.count({ where: { centreId: centre.id } }),
      await t.db.centreStaff.count({ where: { centreId: centre.id } }),
      await t.db.studentProfile.count({ where: { studyYear: { centreId: centre.id } } }),
      await t.db.organisation.count({ where: { centreId: centre.id, verified: false } }),
    ];
    expect(expected.every((n) => n > 0)).toBe(true);
    const row = new RegExp(`<tr><td><a href="/centres/${centre.id}">UFR Sciences</a></td><td>[^<]*</td><td>(\\d+)</td><td>(\\d+)</td><td><a href="/students">(\\d+)</a></td><td>(\\d+)</td></tr>`).exec((await a.get('/dashboard/centre')).text);
    expect(row?.slice(1).map(Number)).toEqual(expected);
  });

  it('student: nothing awaits (the workflow expects nothing of them), requests, matches and applications by status', async () => {
    await seed(t.db);
    const { a } = await agent(t.app, 'lea.dubois@etu.test');
    const html = (await a.get('/dashboard/student')).text;
    expect(html).not.toContain('data-awaiting=');
    expect(html).toContain('Rien ne vous attend pour le moment.');
    expect(counterOf(html, 'openRequests')).toEqual({ count: 2, href: '/requests' });
    expect((await a.get('/requests')).text).toContain('(2 ouvertes sur');
    const matches = counterOf(html, 'matchingOffers')!;
    expect(matches).toEqual({ count: 3, href: '/matching/requests' });
    expect((await a.get(matches.href)).text).toContain('Offres correspondant à mes demandes (3)');
    for (const [status, count] of [['SENT', 1], ['INTERVIEW', 1], ['ACCEPTED', 2], ['CANCELLED', 1]] as const) {
      const c = counterOf(html, `applications.status.${status}`)!;
      expect(c, status).toEqual({ count, href: `/applications?status=${status}` });
      expect(await listTotal(a, c.href, 'Mes candidatures'), status).toBe(count);
    }
    expect(counterOf(html, 'applications.status.READ')).toBeNull();
  });

  it('year and programme managers: their students with and without an accepted application this year', async () => {
    await seed(t.db);
    const year = await agent(t.app, 'year.l3@test.example');
    const html = (await year.a.get('/dashboard/year-manager')).text;
    expect(html).toContain('Rien ne vous attend pour le moment.');
    // L3: Léa (accepted in September) and Paul.
    const placed = counterOf(html, 'placed')!;
    expect(placed).toEqual({ count: 1, href: '/dashboard/students?scope=year&placed=yes' });
    expect(counterOf(html, 'notPlaced')).toEqual({ count: 1, href: '/dashboard/students?scope=year&placed=no' });
    expect(counterOf(html, 'allStudents')!.count).toBe(2);
    const list = await year.a.get(placed.href);
    expect(list.text).toContain('Étudiants (1)');
    expect(list.text).toContain('Dubois Léa');
    expect(list.text).toContain('Candidature satisfaite — Globex');
    expect((await year.a.get('/dashboard/students?scope=year&placed=no')).text).toContain('Petit Paul');

    const prog = await agent(t.app, 'prog.info@test.example');
    const p = (await prog.a.get('/dashboard/programme-manager')).text;
    // INFO: Léa and Zoé placed this year, Paul not; Hugo is in law.
    expect(counterOf(p, 'placed')!.count).toBe(2);
    expect(counterOf(p, 'notPlaced')!.count).toBe(1);
    expect(await listTotal(prog.a, counterOf(p, 'placed')!.href, 'Étudiants')).toBe(2);
    expect(await listTotal(prog.a, counterOf(p, 'allStudents')!.href, 'Étudiants')).toBe(3);

    // The list is theirs only.
    for (const email of ['lea.dubois@etu.test', 'a.write@test.example', 'admin@acme.test', 'tuteur.univ@test.example']) {
      expect((await (await agent(t.app, email)).a.get('/dashboard/students')).status, email).toBe(403);
    }
  });

  it('academic tutor: a friendly empty state, no placeholder counter', async () => {
    await seed(t.db);
    const { a } = await agent(t.app, 'tuteur.univ@test.example');
    const html = (await a.get('/dashboard/academic-tutor')).text;
    expect(html).toContain('Rien ne vous attend pour le moment. Les stages que vous suivez');
    expect(html).not.toContain('data-counter=');
    expect(html).toContain('Licence Informatique');
  });

  it('every dashboard renders in English without an untranslated key', async () => {
    await seed(t.db);
    for (const [email, path] of [
      ['admin@acme.test', '/dashboard/company'],
      ['a.write@test.example', '/dashboard/centre'],
      ['lea.dubois@etu.test', '/dashboard/student'],
      ['year.l3@test.example', '/dashboard/year-manager'],
      ['year.l3@test.example', '/dashboard/students'],
    ]) {
      const { a, csrf } = await agent(t.app, email);
      await a.post('/lang').type('form').send({ lang: 'en', _csrf: csrf });
      const res = await a.get(path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).toContain('<html lang="en">');
      // Counters name themselves by key in an attribute: only the text matters.
      const text = res.text.replace(/data-counter="[^"]*"/g, '');
      expect(text.match(/(?<![\w/.-])(?:dashboard|applications|offers)\.[a-zA-Z]+(?:\.[a-zA-Z0-9]+)*(?![\w/])/g) ?? [], path).toEqual([]);
    }
  });
});
