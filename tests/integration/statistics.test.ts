import { describe, expect, it } from 'vitest';
import { loadActor } from '../../src/authz/actor.js';
import { FixedClock } from '../../src/time/clock.js';
import { agent, useApp } from '../helpers/app.js';
import { asCsvText, download, parseCsv, readXlsx } from '../helpers/spreadsheets.js';
import { countBy, daysBetween, HOSTS, hourly, NOW, OFFERS, P, percentile, round, ROWS, seedStatistics, share, Y, type Row } from './statistics.fixtures.js';

const clock = new FixedClock(NOW);
type Session = Awaited<ReturnType<typeof agent>>;

/** A table of a page: its rows by key, each with its cells' values as the page writes them in data-value. */
function tableOf(html: string, name: string): Map<string, string[]> {
  const section = html.split(`data-table="${name}"`)[1]?.split('</section>')[0];
  if (section === undefined) throw new Error(`no table ${name}`);
  const rows = new Map<string, string[]>();
  for (const m of section.matchAll(/<tr data-row="([^"]*)">([\s\S]*?)<\/tr>/g)) rows.set(m[1], [...m[2].matchAll(/data-value="([^"]*)"/g)].map((x) => x[1]));
  return rows;
}
/** The numbers of a row (null for an empty cell). */
const nums = (cells: string[] | undefined) => (cells ?? []).map((c) => (c === '' ? null : Number(c)));
const inYear = (y: string, scope: (r: Row) => boolean = () => true) => ROWS.filter((r) => r.y === y && scope(r));
const page = async (s: Session, path: string) => {
  const res = await s.a.get(path);
  expect(res.status, path).toBe(200);
  return res.text;
};

/** A distribution table against counts computed from the rows: each key's count and share. */
function expectCounts(html: string, name: string, expected: Map<string, number>) {
  const t = tableOf(html, name);
  const total = [...expected.values()].reduce((a, b) => a + b, 0);
  for (const [key, n] of expected) expect(nums(t.get(key)), `${name} ${key}`).toEqual([n, share(n, total)]);
  const shown = [...t.values()].reduce((a, cells) => a + Number(cells[0]), 0);
  expect(shown, `${name}: total`).toBe(total);
}

describe('statistics ("indicateurs")', () => {
  const t = useApp({}, { clock });

  it('counts the agreements of the year by state, type, country, sector, headcount, study year and duration, with the stipend', async () => {
    const { w } = await seedStatistics(t.db);
    const admin = await agent(t.app, 'platform.admin@test.example');
    // Without filters: the current academic year by the clock.
    const html = await page(admin, '/statistics');
    expect(html).toContain(`<option value="${Y}" selected>`);
    const rows = inYear(Y);
    expectCounts(html, 'states', countBy(rows, (r) => r.st));
    expect(nums(tableOf(html, 'states').get('SIGNING'))).toEqual([0, 0]);
    expectCounts(html, 'types', countBy(rows, (r) => r.ty));
    expectCounts(html, 'countries', countBy(rows, (r) => r.ctry));
    expectCounts(html, 'sectors', countBy(rows, (r) => HOSTS[r.org].section));
    expectCounts(html, 'headcounts', countBy(rows, (r) => HOSTS[r.org].headcount));
    expectCounts(html, 'studyYears', countBy(rows, (r) => String(r.c === 'B' ? w.droitL3.id : r.l2 ? w.l2.id : w.l3.id)));
    expectCounts(html, 'durations', countBy(rows, (r) => (r.m === null ? '' : String(r.m))));

    const stipend = tableOf(html, 'stipend');
    const paid = rows.filter((r) => r.pay).length;
    const computed = rows.filter((r) => r.due !== null);
    expect(nums(stipend.get('paid'))).toEqual([paid, rows.length, share(paid, rows.length)]);
    expect(nums(stipend.get('due'))).toEqual([computed.filter((r) => r.due).length, computed.length, share(computed.filter((r) => r.due).length, computed.length)]);
    // The hourly amounts' quartiles, per currency (a Swiss draft's francs apart from the euros).
    const hourlyTable = tableOf(html, 'hourly');
    for (const currency of ['EUR', 'CHF']) {
      const amounts = rows.filter((r) => r.pay?.[2] === currency).map(hourly).filter((x): x is number => x !== null);
      expect(nums(hourlyTable.get(currency)), currency).toEqual([amounts.length, ...[0.25, 0.5, 0.75].map((p) => round(percentile(amounts, p), 2))]);
    }
  });

  it('counts the time to validation and the steps late as the follow-up does, and the offers, the label and the comparison', async () => {
    const { pmInfo } = await seedStatistics(t.db);
    const pm = await agent(t.app, 'pm.info@test.example');
    const mine = inYear(Y, (r) => r.c === 'A');
    const validated = mine.filter((r) => r.validated);
    const delays = tableOf(await page(pm, '/statistics'), 'delays');
    const created = validated.map((r) => daysBetween(r.created, r.validated!));
    const fromSheet = validated.filter((r) => r.sheet).map((r) => daysBetween(r.sheet!, r.validated!));
    expect(nums(delays.get('created'))).toEqual([created.length, ...[0.25, 0.5, 0.75].map((p) => round(percentile(created, p), 1))]);
    expect(nums(delays.get('sheet'))).toEqual([fromSheet.length, ...[0.25, 0.5, 0.75].map((p) => round(percentile(fromSheet, p), 1))]);

    // The steps late: those the follow-up's own step table finds (the cohort), step by step.
    const cohort = await t.ctx.services.followupLists.cohort((await loadActor(t.db, pmInfo.id))!, { academicYear: Y }, clock.now());
    const late = tableOf(await page(pm, '/statistics/follow-up'), 'late');
    const counted = [...late.keys()].filter((k) => k !== 'agreementValidated');
    expect(counted).toEqual(['midtermSent', 'midtermCompanyAck', 'midtermAcademicAck', 'companyEvaluation', 'evaluationConsulted', 'feedback', 'defence', 'studentEvaluation']);
    for (const step of counted) expect(nums(late.get(step)), step).toEqual([cohort.late.find((l) => l.code === step)!.count]);
    expect(cohort.late.filter((l) => counted.includes(l.code)).every((l) => l.count > 0)).toBe(true);
    // Not validated and begun: the agreement's validation is late.
    expect(nums(late.get('agreementValidated'))).toEqual([mine.filter((r) => !r.validated && r.start <= NOW.slice(0, 10)).length]);

    const third = await page(pm, '/statistics/comparison');
    const label = tableOf(third, 'label');
    expect(nums(label.get('following'))).toEqual([cohort.label.following]);
    expect(nums(label.get('awarded'))).toEqual([cohort.label.awarded]);
    expect(nums(label.get('rate'))).toEqual([share(cohort.label.awarded, cohort.label.following)]);
    expect(cohort.label).toMatchObject({ following: 2, awarded: 1 });
    // The offers of centre A (the programme's) diffused in the year: published ones only.
    const offers = OFFERS.filter(([c, status, from]) => c === 'A' && status !== 'DRAFT' && from && from >= '2025-09' && from < '2026-09');
    const applications = offers.reduce((a, o) => a + o[3], 0);
    const filled = offers.filter(([, status, , , accepted]) => status === 'FILLED' || accepted).length;
    expect(nums(tableOf(third, 'offers').get('published'))).toEqual([offers.length]);
    expect(nums(tableOf(third, 'offers').get('perOffer'))).toEqual([round(applications / offers.length, 1)]);
    expect(nums(tableOf(third, 'offers').get('filledRate'))).toEqual([share(filled, offers.length)]);
    expect(nums(tableOf(third, 'applications').get('b2'))).toEqual([offers.filter((o) => o[3] >= 2 && o[3] <= 5).length, share(offers.filter((o) => o[3] >= 2 && o[3] <= 5).length, offers.length)]);
    // The year before, beside.
    const before = inYear(P, (r) => r.c === 'A');
    const comparison = tableOf(third, 'comparison');
    expect(nums(comparison.get('total'))).toEqual([mine.length, before.length, mine.length - before.length]);
    const months = (rows: Row[]) => percentile(rows.filter((r) => r.m !== null).map((r) => r.m!), 0.5);
    expect(nums(comparison.get('monthsMedian'))).toEqual([round(months(mine), 1), round(months(before), 1), round(months(mine)! - months(before)!, 2)]);
    expect(nums(comparison.get('offers'))).toEqual([offers.length, 1, offers.length - 1]);
  });

  it("keeps each one to their reach: a centre's staff their centre, a programme manager their programme; another's is a 404", async () => {
    const { w } = await seedStatistics(t.db);
    const total = async (s: Session, query = '') => [...tableOf(await page(s, `/statistics${query}`), 'states').values()].reduce((a, c) => a + Number(c[0]), 0);
    const readA = await agent(t.app, 'a.read@test.example');
    expect(await total(readA)).toBe(inYear(Y, (r) => r.c === 'A').length);
    expect((await readA.a.get(`/statistics?centre=${w.centreB.id}`)).status).toBe(404);
    expect((await readA.a.get(`/statistics/follow-up?programme=${w.droit.id}`)).status).toBe(404);
    expect((await readA.a.get(`/statistics/export?table=states&format=csv&centre=${w.centreB.id}`)).status).toBe(404);
    const writeB = await agent(t.app, 'b.write@test.example');
    expect(await total(writeB)).toBe(inYear(Y, (r) => r.c === 'B').length);
    // Member of both centres: both.
    expect(await total(await agent(t.app, 'mixed@test.example'))).toBe(inYear(Y).length);
    expect(await total(await agent(t.app, 'mixed@test.example'), `?centre=${w.centreB.id}`)).toBe(inYear(Y, (r) => r.c === 'B').length);
    const pmDroit = await agent(t.app, 'pm.droit@test.example');
    expect(await total(pmDroit)).toBe(inYear(Y, (r) => r.c === 'B').length);
    expect((await pmDroit.a.get(`/statistics?programme=${w.info.id}`)).status).toBe(404);
    expect((await pmDroit.a.get(`/statistics?centre=${w.centreA.id}`)).status).toBe(404);
    // The programme's default answer makes Hugo's internship follow the label (his manager said nothing).
    expect(nums(tableOf(await page(pmDroit, '/statistics/comparison'), 'label').get('following'))).toEqual([1]);
    // A student has no statistics.
    expect((await (await agent(t.app, 'lea.dubois@etu.test')).a.get('/statistics')).status).toBe(403);
  });

  it('keeps the filters in the links and exports every table as CSV and XLSX, as on the page', async () => {
    const { w } = await seedStatistics(t.db);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const query = `academicYear=${P}&compare=none&centre=${w.centreA.id}`;
    const html = await page(admin, `/statistics?${query}`);
    expect(html).toContain(`href="/statistics/follow-up?${query.replace(/&/g, '&amp;')}"`);
    const esc = (x: string) => x.replace(/&/g, '&amp;');
    expect(html).toContain(`href="/statistics/export?${esc(`${query}&table=states&format=csv`)}"`);
    expect(html).toMatch(new RegExp(`<option value="${w.centreA.id}" selected>`));
    expectCounts(html, 'states', countBy(inYear(P, (r) => r.c === 'A'), (r) => r.st));
    // Without a year to compare with, the third page says so and has no comparison.
    const third = await page(admin, `/statistics/comparison?${query}`);
    expect(third).not.toContain('data-table="comparison"');
    expect((await admin.a.get(`/statistics/export?${query}&table=comparison&format=csv`)).status).toBe(404);

    for (const [path, table] of [['/statistics', 'types'], ['/statistics', 'hourly'], ['/statistics/follow-up', 'late'], ['/statistics/comparison', 'offers']] as const) {
      const shown = tableOf(await page(admin, `${path}?academicYear=${Y}`), table);
      const csv = await download(admin.a, `/statistics/export?academicYear=${Y}&table=${table}&format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toMatch(new RegExp(`attachment; filename="indicateurs-${table}-2026-06-20\\.csv"`));
      const lines = parseCsv(csv.body);
      expect(lines.length - 1, table).toBe(shown.size);
      const values = [...shown.values()].map((cells) => cells.map((c) => c.replace('.', ',')));
      expect(lines.slice(1).map((l) => l.slice(1)), table).toEqual(values);
      const xlsx = await download(admin.a, `/statistics/export?academicYear=${Y}&table=${table}&format=xlsx`);
      expect(xlsx.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect((await readXlsx(xlsx.body)).map((r) => r.map(asCsvText)), table).toEqual(lines);
    }
    expect((await admin.a.get('/statistics/export?table=nothing&format=csv')).status).toBe(404);
    expect((await admin.a.get('/statistics/export?table=states&format=pdf')).status).toBe(404);
  });
});
