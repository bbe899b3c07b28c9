import { describe, expect, it } from 'vitest';
import { agreementNumber } from '../../src/modules/agreements/agreement.types.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld, type AgreementWorld } from '../factories/agreements.js';
import { day } from '../factories/legal.js';
import { agent, useApp } from '../helpers/app.js';

const decode = (s: string) => s.replace(/&amp;/g, '&');
/** The agreement numbers a table lists. */
const listed = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/agreements\/\d+">([^<]+)<\/a><\/th>/g)].map((m) => m[1]);
/** A dashboard counter's number and link. */
function counter(html: string, key: string) {
  const m = new RegExp(`data-counter="${key}"><a href="([^"]+)">[^<]*<span class="card-number">(\\d+)</span>`).exec(html);
  return m ? { href: decode(m[1]), count: Number(m[2]) } : null;
}
/** The total a search page says (0 when it finds nothing). */
const totalOf = (html: string) => Number(/Conventions trouvées : (\d+)/.exec(html)?.[1] ?? (html.includes('Aucune convention ne correspond') ? 0 : NaN));

// Today is 10 February 2026 in Paris (academic year 2025-2026); centre A's alert: 15 days (to the 25th).
const clock = new FixedClock('2026-02-10T10:00:00Z');

/** Léa's agreements in centre A at each state, on each side of the alert's boundary; Hugo's in centre B. */
async function dashboardWorld(t: ReturnType<typeof useApp>, w: AgreementWorld) {
  const on = (iso: string) => ({ startDate: day(iso), endDate: day('2026-05-29') });
  const now = clock.now();
  const a = {
    inN: await makeAgreement(t.db, w, { ...on('2026-02-25'), subject: 'A' }), // starts in exactly 15 days
    inN1: await makeAgreement(t.db, w, { ...on('2026-02-26'), type: 'RECOMMENDED' }), // in 16 days
    started: await makeAgreement(t.db, w, on('2026-02-09')), // started yesterday
    validated: await makeAgreement(t.db, w, on('2026-02-12'), { status: 'VALIDATED', submittedAt: now, pedagogicalAt: now, administrativeAt: now, validatedAt: now }),
    submitted: await makeAgreement(t.db, w, on('2026-03-02'), { status: 'SUBMITTED', submittedAt: now }), // awaits the teacher first
    pedagogical: await makeAgreement(t.db, w, on('2026-03-02'), { status: 'PEDAGOGICAL_DONE', submittedAt: now, pedagogicalAt: now }), // awaits WRITE staff
    hugo: await makeAgreement(t.db, w, { ...on('2026-02-20'), studentId: w.hugo.profile.id, organisationId: w.globex.id, serviceId: null, companyTutorId: null, signatoryId: null, academicTutorId: null }, { status: 'SUBMITTED', submittedAt: now }),
  };
  return a;
}

describe('the centre\'s agreement dashboard', () => {
  const t = useApp({}, { clock });

  it('counts the centre\'s agreements of the year by state, each count the total of the search it links to', async () => {
    const w = await makeAgreementWorld(t.db);
    await dashboardWorld(t, w);
    const s = await agent(t.app, 'a.write@test.example');
    const page = await s.a.get('/agreements/dashboard');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Conventions de l&#39;année 2025-2026 par état');
    const expected = { total: 6, DRAFT: 3, SUBMITTED: 1, PEDAGOGICAL_DONE: 1, ADMINISTRATIVE_DONE: 0, VALIDATED: 1 };
    for (const [key, n] of Object.entries(expected)) {
      const c = counter(page.text, key)!;
      expect(c.count, key).toBe(n);
      expect(c.href).toContain(`centre=${w.centreA.id}`);
      expect(totalOf((await s.a.get(c.href)).text), key).toBe(n);
    }
    // A filter narrows the counts and is carried to the search.
    const filtered = await s.a.get('/agreements/dashboard?type=RECOMMENDED');
    expect(counter(filtered.text, 'total')!.count).toBe(1);
    expect(counter(filtered.text, 'DRAFT')!.href).toContain('type=RECOMMENDED');
    expect(counter((await s.a.get('/agreements/dashboard?status=VALIDATED')).text, 'total')!.count).toBe(6); // the state filter keeps one card
    expect(counter((await s.a.get('/agreements/dashboard?status=VALIDATED')).text, 'DRAFT')).toBeNull();
    expect(counter((await s.a.get('/agreements/dashboard?country=BE')).text, 'total')!.count).toBe(0);
    expect(counter((await s.a.get('/agreements/dashboard?country=FR')).text, 'total')!.count).toBe(6);
    expect(counter((await s.a.get('/agreements/dashboard?language=en')).text, 'total')!.count).toBe(0);
    expect(counter((await s.a.get(`/agreements/dashboard?studyYear=${w.l3.id}`)).text, 'total')!.count).toBe(6);
    expect(counter((await s.a.get(`/agreements/dashboard?studyYear=${w.l2.id}`)).text, 'DRAFT')!.href).toContain(`studyYear=${w.l2.id}`);
    expect(counter((await s.a.get(`/agreements/dashboard?studyYear=${w.l2.id}`)).text, 'total')!.count).toBe(0);
    // Another year holds none of them.
    expect(counter((await s.a.get('/agreements/dashboard?academicYear=2026-2027')).text, 'total')!.count).toBe(0);
  });

  it('alerts on the agreements not validated that start within the centre\'s N days: the Nth day in, the N+1th out', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await dashboardWorld(t, w);
    const s = await agent(t.app, 'a.read@test.example');
    const alertOf = async (session = s) => {
      const html = (await session.a.get('/agreements/dashboard')).text;
      const m = /data-counter="alert">\s*<a href="([^"]+)">[^<]*: (\d+)</.exec(html);
      return m ? { href: decode(m[1]), count: Number(m[2]) } : { href: null, count: 0 };
    };
    const fifteen = await alertOf();
    expect(fifteen.count).toBe(1);
    expect(fifteen.href).toContain('validated=no&startFrom=2026-02-10&startTo=2026-02-25');
    expect(listed((await s.a.get(fifteen.href!)).text)).toEqual([agreementNumber(a.inN)]);
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { agreementAlertDays: 16 } });
    const sixteen = await alertOf();
    expect(sixteen.count).toBe(2);
    expect(listed((await s.a.get(sixteen.href!)).text).sort()).toEqual([agreementNumber(a.inN), agreementNumber(a.inN1)].sort());
    // Back to 15 days, at 00:30 in Paris on the 11th (23:30 UTC on the 10th): the 26th is now within them.
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { agreementAlertDays: 15 } });
    clock.set('2026-02-10T23:30:00Z');
    try {
      // A new session: the old one is idle for more than 30 minutes by now.
      const next = await alertOf(await agent(t.app, 'a.read@test.example'));
      expect(next.count).toBe(2);
      expect(next.href).toContain('startFrom=2026-02-11&startTo=2026-02-26');
    } finally {
      clock.set('2026-02-10T10:00:00Z');
    }
    // Validated, an agreement leaves the alert.
    await t.db.agreement.update({ where: { id: a.inN.id }, data: { status: 'VALIDATED' } });
    expect((await alertOf()).count).toBe(0);
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { agreementAlertDays: 1 } });
    expect((await s.a.get('/agreements/dashboard')).text).toContain('Aucune convention non validée ne commence dans les 1 jours.');
  });

  it('lists what awaits this person, by the workflow: WRITE staff the drafts and the administrative step, READ staff nothing', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await dashboardWorld(t, w);
    const awaiting = async (email: string, q = '') => {
      const html = (await (await agent(t.app, email)).a.get(`/agreements/dashboard${q}`)).text;
      return [...html.matchAll(/<tr data-agreement="(\d+)">/g)].map((m) => Number(m[1])).sort((x, y) => x - y);
    };
    const ids = (...xs: { id: number }[]) => xs.map((x) => x.id).sort((x, y) => x - y);
    // The submitted one awaits its pedagogical validation (the teacher), the validated one nobody.
    expect(await awaiting('a.write@test.example')).toEqual(ids(a.inN, a.inN1, a.started, a.pedagogical));
    expect(await awaiting('a.read@test.example')).toEqual([]);
    expect(await awaiting('platform.admin@test.example', `?centre=${w.centreA.id}`)).toEqual(ids(a.inN, a.inN1, a.started, a.pedagogical));
    // READ staff who also manage Léa's year: the submitted one awaits their pedagogical validation.
    await t.db.academicRole.create({ data: { userId: w.read.id, kind: 'YEAR_MANAGER', studyYearId: w.l3.id } });
    expect(await awaiting('a.read@test.example')).toEqual(ids(a.submitted));
    expect(await awaiting('a.read@test.example', '?status=DRAFT')).toEqual([]);
    // The centre's order: administrative verification first, then the submitted one awaits WRITE staff.
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { administrativeFirst: true } });
    expect(await awaiting('a.write@test.example', '?status=SUBMITTED')).toEqual(ids(a.submitted));
    // Centre B's: Hugo's submitted one awaits its pedagogical validation first, then (the order turned) its staff.
    expect(await awaiting('b.write@test.example')).toEqual([]);
    await t.db.managementCentre.update({ where: { id: w.centreB.id }, data: { administrativeFirst: true } });
    expect(await awaiting('b.write@test.example')).toEqual(ids(a.hugo));
  });

  it('answers 404 for a centre out of reach and 403 to those without a centre', async () => {
    const w = await makeAgreementWorld(t.db);
    expect((await (await agent(t.app, 'b.write@test.example')).a.get(`/agreements/dashboard?centre=${w.centreA.id}`)).status).toBe(404);
    expect((await (await agent(t.app, 'a.read@test.example')).a.get(`/agreements/dashboard?centre=${w.centreA.id}`)).status).toBe(200);
    for (const email of ['lea.dubois@etu.test', 'teacher@uda.test', 'year.l3@test.example', 'admin@acme.test']) expect((await (await agent(t.app, email)).a.get('/agreements/dashboard')).status, email).toBe(403);
  });
});

describe('the student\'s and the company\'s lists', () => {
  const t = useApp({}, { clock });

  it('shows a student their agreements with what comes next, nobody else\'s', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await dashboardWorld(t, w);
    const lea = await (await agent(t.app, 'lea.dubois@etu.test')).a.get('/agreements/mine');
    expect(lea.status).toBe(200);
    expect(listed(lea.text).sort()).toEqual([a.inN, a.inN1, a.started, a.validated, a.submitted, a.pedagogical].map(agreementNumber).sort());
    const next = (id: number) => new RegExp(`<tr data-agreement="${id}">[\\s\\S]*?<td data-next>([^<]*)</td>`).exec(lea.text)?.[1];
    expect(next(a.inN.id)).toBe('Envoi pour validation');
    expect(next(a.submitted.id)).toBe('Validation pédagogique');
    expect(next(a.pedagogical.id)).toBe('Vérification administrative');
    expect(next(a.validated.id)).toBe('Aucune : la convention est validée');
    expect(listed((await (await agent(t.app, 'hugo.bernard@etu.test')).a.get('/agreements/mine')).text)).toEqual([agreementNumber(a.hugo)]);
    expect((await (await agent(t.app, 'admin@acme.test')).a.get('/agreements/mine')).status).toBe(403);

    // "Créer une convention" appears for a student only when their centre lets students create them.
    expect(lea.text).not.toContain('href="/agreements/new"');
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { studentsMayCreateAgreements: true } });
    expect((await (await agent(t.app, 'lea.dubois@etu.test')).a.get('/agreements/mine')).text).toContain('href="/agreements/new"');
  });

  it('shows a company administrator their organisation\'s interns and a tutor those they tutor', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await dashboardWorld(t, w);
    const untutored = await makeAgreement(t.db, w, { companyTutorId: null });
    const acme = [a.inN, a.inN1, a.started, a.validated, a.submitted, a.pedagogical];
    const list = async (email: string) => listed((await (await agent(t.app, email)).a.get('/agreements/interns')).text).sort();
    expect(await list('admin@acme.test')).toEqual([...acme, untutored].map(agreementNumber).sort());
    expect(await list('tutor@acme.test')).toEqual(acme.map(agreementNumber).sort());
    expect(await list('admin@globex.test')).toEqual([agreementNumber(a.hugo)]);
    const page = await (await agent(t.app, 'tutor@acme.test')).a.get('/agreements/interns');
    expect(page.text).toContain('Bruno Martin');
    expect((await (await agent(t.app, 'a.write@test.example')).a.get('/agreements/interns')).status).toBe(403);
  });
});
