import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { agreementNumber } from '../../src/modules/agreements/agreement.types.js';
import { EXPORT_COLUMNS } from '../../src/modules/agreements/export/export.columns.js';
import { BUILTIN_PRESETS, DEFAULT_PRESET } from '../../src/modules/agreements/export/export.presets.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { day } from '../factories/legal.js';
import { agent, useApp } from '../helpers/app.js';
import { asCsvText, BOM, download, parseCsv, readXlsx, unguarded } from '../helpers/spreadsheets.js';

// 23:30 UTC on 8 December is already 9 December in Paris: the file's date is the Paris day.
const clock = new FixedClock('2026-12-08T23:30:00Z');
const labels = (locale: 'fr' | 'en', keys: readonly string[]) => keys.map((k) => translate(locale, `exports.columns.${k}`));
const ALL = EXPORT_COLUMNS.map((c) => c.key);
const LONG = 'Lorem ipsum '.repeat(4000); // 48,000 characters: beyond Excel's 32,767

/** Léa's agreement at ACME (every party, figures, an interruption, texts that test the formats); Hugo's at Globex, validated, in centre B. */
async function world(t: ReturnType<typeof useApp>) {
  const w = await makeAgreementWorld(t.db);
  const x = await makeAgreement(
    t.db,
    w,
    { subject: '=HYPERLINK("http://evil.test")', interruptions: [{ from: day('2026-04-06'), to: day('2026-04-10') }] },
    { activities: LONG, benefitsOther: 'Tickets; "resto"\r\net mutuelle', presenceHours: 427, presenceDays: 61, stipendDue: true, hourlyMinimum: 4.35, submittedAt: new Date('2026-02-01T23:30:00Z') },
  );
  const y = await makeAgreement(
    t.db,
    w,
    { studentId: w.hugo.profile.id, organisationId: w.globex.id, serviceId: null, companyTutorId: null, signatoryId: null, academicTutorId: w.otherTeacher.id, type: 'RECOMMENDED', subject: 'Étude de marché', startDate: day('2026-04-06'), endDate: day('2026-06-26'), payAmount: null, payUnit: null, paymentMethod: null },
    { status: 'VALIDATED' },
  );
  return { w, x, y, nx: agreementNumber(x), ny: agreementNumber(y) };
}

async function chooseColumns(s: Awaited<ReturnType<typeof agent>>, columns: string[], extra: Record<string, string> = {}, query = '') {
  return s.a.post(`/agreements/export/columns${query}`).type('form').send({ columns, ...extra, _csrf: s.csrf });
}

async function csvOf(s: Awaited<ReturnType<typeof agent>>, query = '') {
  const res = await download(s.a, `/agreements/export.csv${query}`);
  expect(res.status).toBe(200);
  return parseCsv(res.body);
}

describe('agreement exports', () => {
  const t = useApp({}, { clock });

  it('writes the same cells in CSV and XLSX, typed in the XLSX, in the user\'s language; the default preset until a choice', async () => {
    const { x, nx } = await world(t);
    const admin = await agent(t.app, 'platform.admin@test.example');
    // Before any choice: the default built-in preset, with French headers.
    const first = await download(admin.a, '/agreements/export.csv?lastName=dubois');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(first.headers['content-disposition']).toBe('attachment; filename="conventions-2026-12-09.csv"');
    expect(first.body.subarray(0, 3).equals(BOM)).toBe(true);
    expect(first.body.toString('utf8')).toContain(`\r\n${nx};21900123;Dubois;Léa;`);
    expect(parseCsv(first.body)).toEqual([labels('fr', DEFAULT_PRESET.columns), expect.arrayContaining([nx, '06/04/2026 – 10/04/2026'])]);

    expect((await chooseColumns(admin, ALL)).status).toBe(303);
    const csvRes = await download(admin.a, '/agreements/export.csv?lastName=dubois');
    const xlsxRes = await download(admin.a, '/agreements/export.xlsx?lastName=dubois');
    expect(xlsxRes.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsxRes.headers['content-disposition']).toBe('attachment; filename="conventions-2026-12-09.xlsx"');
    const csv = parseCsv(csvRes.body);
    const xlsx = await readXlsx(xlsxRes.body);
    expect(csv[0]).toEqual(labels('fr', ALL));
    expect(csv).toHaveLength(2);
    // Identical contents, cell for cell (the CSV's guard apostrophe aside).
    expect(csv.map((r) => r.map(unguarded))).toEqual(xlsx.map((r) => r.map(asCsvText)));

    const cell = (key: string) => xlsx[1][ALL.indexOf(key)];
    const csvCell = (key: string) => csv[1][ALL.indexOf(key)];
    expect(cell('agreement.startDate')).toEqual(new Date(Date.UTC(2026, 2, 2)));
    expect(csvCell('agreement.startDate')).toBe('02/03/2026');
    expect(cell('agreement.submittedAt')).toEqual(new Date(Date.UTC(2026, 1, 2))); // the Paris day of 23:30 UTC
    expect(cell('agreement.payAmount')).toBe(4.5);
    expect(csvCell('agreement.payAmount')).toBe('4,5');
    expect(cell('figures.presenceHours')).toBe(427);
    expect(cell('figures.hourlyMinimum')).toBe(4.35);
    expect(cell('agreement.weeklyHours')).toBe(35);
    expect(cell('agreement.interruptionCount')).toBe(1);
    expect(cell('figures.stipendDue')).toBe('Oui');
    expect(cell('agreement.state')).toBe('Brouillon');
    expect(cell('agreement.payUnit')).toBe('par heure');
    expect(cell('host.country')).toBe('France');
    expect(cell('service.city')).toBe((await t.db.organisation.findUniqueOrThrow({ where: { id: x.organisationId } })).city); // the host's address: the service has none of its own
    expect(cell('companyTutor.lastName')).toBe('Martin');
    expect(cell('signatory.function')).toBe('Directrice');
    expect(cell('figures.stipendTotal')).toBeNull();
    // A text is a text in the XLSX (no formula), and starts with an apostrophe in the CSV.
    expect(cell('agreement.subject')).toBe('=HYPERLINK("http://evil.test")');
    expect(csvCell('agreement.subject')).toBe(`'=HYPERLINK("http://evil.test")`);
    expect(csvRes.body.toString('utf8')).toContain(`;"'=HYPERLINK(""http://evil.test"")";`);
    expect(csvCell('agreement.benefitsOther')).toBe('Tickets; "resto"\net mutuelle');
    // Excel's limit: 32,767 characters, the cut marked.
    const activities = cell('agreement.activities') as string;
    expect(activities).toHaveLength(32_767);
    expect(activities.endsWith('…[tronqué]')).toBe(true);
    expect(csvCell('agreement.activities')).toBe(activities);

    // In English: the headers, the labels and the mark; the same values otherwise.
    await admin.a.post('/lang').type('form').send({ lang: 'en', _csrf: admin.csrf });
    const en = await download(admin.a, '/agreements/export.xlsx?lastName=dubois');
    expect(en.headers['content-disposition']).toBe('attachment; filename="agreements-2026-12-09.xlsx"');
    const rows = await readXlsx(en.body);
    expect(rows[0]).toEqual(labels('en', ALL));
    const enCell = (key: string) => rows[1][ALL.indexOf(key)];
    expect([enCell('agreement.state'), enCell('figures.stipendDue'), enCell('agreement.payUnit'), enCell('agreement.type')]).toEqual(['Draft', 'Yes', 'per hour', 'Compulsory internship']);
    expect((enCell('agreement.activities') as string).endsWith('…[truncated]')).toBe(true);
    expect(enCell('agreement.startDate')).toEqual(new Date(Date.UTC(2026, 2, 2)));
    const enCsv = parseCsv((await download(admin.a, '/agreements/export.csv?lastName=dubois')).body);
    expect(enCsv.map((r) => r.map(unguarded))).toEqual(rows.map((r) => r.map(asCsvText)));
  });

  it('exports what the search finds — all of it, in its order, within the user\'s reach only', async () => {
    const { w, x, nx, ny } = await world(t);
    const numbers = async (s: Awaited<ReturnType<typeof agent>>, q: string) => (await csvOf(s, q)).slice(1).map((r) => r[0]);
    const admin = await agent(t.app, 'platform.admin@test.example');
    expect(await numbers(admin, '')).toEqual([ny, nx]); // the search's default: the latest number first
    expect(await numbers(admin, '?sort=student&dir=asc')).toEqual([ny, nx]); // Bernard, Dubois
    expect(await numbers(admin, '?sort=student&dir=desc')).toEqual([nx, ny]);
    expect(await numbers(admin, '?type=RECOMMENDED')).toEqual([ny]);
    expect(await numbers(admin, `?centre=${w.centreA.id}`)).toEqual([nx]);
    expect(await numbers(admin, '?lastName=nobody')).toEqual([]);
    // Centre A's READ staff reach Léa's agreement only, whatever they ask.
    const staffA = await agent(t.app, 'a.read@test.example');
    expect(await numbers(staffA, '')).toEqual([nx]);
    expect(await numbers(staffA, '?type=RECOMMENDED')).toEqual([]);
    expect(await numbers(staffA, `?centre=${w.centreB.id}`)).toEqual([]);
    const rows = await readXlsx((await download(staffA.a, `/agreements/export.xlsx?number=${ny}`)).body);
    expect(rows).toEqual([labels('fr', DEFAULT_PRESET.columns)]);
    // More agreements than a batch holds come out whole, in order (batches of 1,000: here 1,005).
    await t.db.$executeRawUnsafe(`INSERT INTO "Agreement" ("institutionId", "academicYear", seq, "centreId", "studentId", "organisationId", type, subject, "startDate", "endDate", schedule, "updatedAt")
      SELECT "institutionId", '2030-2031', g, "centreId", "studentId", "organisationId", type, 'Lot ' || g, "startDate", "endDate", schedule, now() FROM "Agreement", generate_series(1, 1005) g WHERE id = ${x.id}`);
    const lot = await numbers(staffA, '?academicYear=2030-2031');
    expect(lot).toHaveLength(1005);
    expect(lot[0]).toBe('2030-01005');
    expect(lot.at(-1)).toBe('2030-00001');
    // Only for those who may search: a student and a company are refused, the anonymous sent to sign in.
    expect((await (await agent(t.app, 'lea.dubois@etu.test')).a.get('/agreements/export.csv')).status).toBe(403);
    expect((await (await agent(t.app, 'admin@acme.test')).a.get('/agreements/export.xlsx')).status).toBe(403);
    expect((await (await agent(t.app)).a.get('/agreements/export')).status).toBe(303);
  });

  it('keeps the chosen columns in the chosen order; refuses no column, an unknown one or a bad position beside the field', async () => {
    await world(t);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const page = await admin.a.get('/agreements/export?lastName=dub&sort=student&dir=asc');
    expect(page.status).toBe(200);
    expect(page.text).toContain("Nom de l&#39;étudiant");
    expect(page.text).toContain('href="/agreements/export.xlsx?lastName=dub&amp;sort=student&amp;dir=asc"');
    expect(page.text).toContain('action="/agreements/export/columns?lastName=dub&amp;sort=student&amp;dir=asc"');
    // The default preset is ticked and numbered.
    expect(page.text).toMatch(/id="f-col-agreement-number" name="columns" value="agreement.number" checked>/);
    expect(page.text).toContain('name="pos.agreement.number" value="1"');

    const saved = await chooseColumns(admin, ['student.lastName', 'host.name', 'agreement.number', 'agreement.startDate'], { 'pos.host.name': '2', 'pos.agreement.number': '1', 'pos.student.lastName': '' }, '?lastName=dub&sort=student&dir=asc');
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/agreements/export?lastName=dub&sort=student&dir=asc');
    // Numbered first (1, 2), then the others in the page's order.
    const after = await admin.a.get(saved.headers.location);
    expect(after.text).toContain('Le choix des colonnes est enregistré.');
    expect(after.text).toContain('name="pos.student.lastName" value="4"');
    expect((await csvOf(admin))[0]).toEqual(labels('fr', ['agreement.number', 'host.name', 'agreement.startDate', 'student.lastName']));

    const none = await chooseColumns(admin, [], { presetName: 'garde' });
    expect(none.status).toBe(422);
    expect(none.text).toContain('Cochez au moins une colonne.');
    expect(none.text).toContain('href="#f-columns"');
    expect(none.text).not.toMatch(/value="agreement.number" checked/);
    const unknown = await chooseColumns(admin, ['host.name', 'student.ssn']);
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('Colonne inconnue : student.ssn.');
    expect(unknown.text).toMatch(/value="host.name" checked>/);
    const position = await chooseColumns(admin, ['host.name', 'agreement.number'], { 'pos.host.name': 'abc' });
    expect(position.status).toBe(422);
    expect(position.text).toContain('name="pos.host.name" value="abc"');
    expect(position.text).toContain('aria-invalid="true" aria-describedby="f-pos.host.name-error"');
    // Nothing refused was kept.
    expect((await csvOf(admin))[0]).toEqual(labels('fr', ['agreement.number', 'host.name', 'agreement.startDate', 'student.lastName']));
  });

  it('saves, applies and deletes named presets, each user their own', async () => {
    await world(t);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const cols = ['host.name', 'host.siret'];
    expect((await chooseColumns(admin, cols, { action: 'preset', presetName: '  Mes   établissements ' })).status).toBe(303);
    const preset = await t.db.exportPreset.findFirstOrThrow({ where: { name: 'Mes établissements' } });
    expect(preset.columns).toEqual(cols);
    expect((await csvOf(admin))[0]).toEqual(labels('fr', cols));
    expect((await admin.a.get('/agreements/export')).text).toContain('Mes établissements');

    // The same name (whatever the case) is refused beside the field, what was typed kept; nothing saved.
    const dup = await chooseColumns(admin, ['agreement.number'], { action: 'preset', presetName: 'mes établissements' });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain('Vous avez déjà un préréglage de ce nom');
    expect(dup.text).toContain('value="mes établissements"');
    expect((await csvOf(admin))[0]).toEqual(labels('fr', cols));
    const empty = await chooseColumns(admin, ['agreement.number'], { action: 'preset', presetName: '  ' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Ce champ est obligatoire.');
    expect(await t.db.exportPreset.count({ where: { name: { not: '' } } })).toBe(1);

    const post = (a: typeof admin, p: string) => a.a.post(p).type('form').send({ _csrf: a.csrf });
    expect((await post(admin, '/agreements/export/presets/host/apply?type=MANDATORY')).headers.location).toBe('/agreements/export?type=MANDATORY');
    expect((await csvOf(admin))[0]).toEqual(labels('fr', BUILTIN_PRESETS[1].columns));
    expect((await post(admin, `/agreements/export/presets/${preset.id}/apply`)).status).toBe(303);
    expect((await csvOf(admin))[0]).toEqual(labels('fr', cols));

    // Another user's preset, an unknown one and the current choice's own row are not theirs to use: 404.
    const other = await agent(t.app, 'a.read@test.example');
    expect((await post(other, `/agreements/export/presets/${preset.id}/apply`)).status).toBe(404);
    expect((await post(other, `/agreements/export/presets/${preset.id}/delete`)).status).toBe(404);
    expect((await post(other, '/agreements/export/presets/nope/apply')).status).toBe(404);
    const current = await t.db.exportPreset.findFirstOrThrow({ where: { name: '', user: { email: 'platform.admin@test.example' } } });
    expect((await post(admin, `/agreements/export/presets/${current.id}/delete`)).status).toBe(404);
    expect((await csvOf(other))[0]).toEqual(labels('fr', DEFAULT_PRESET.columns));

    expect((await post(admin, `/agreements/export/presets/${preset.id}/delete`)).status).toBe(303);
    expect(await t.db.exportPreset.count({ where: { id: preset.id } })).toBe(0);
    // The choice made from it stays.
    expect((await csvOf(admin))[0]).toEqual(labels('fr', cols));
  });

  it('puts the download links and the chooser beside the search results, with the criteria', async () => {
    await world(t);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const found = await admin.a.get('/agreements/search?lastName=dub&sort=student&dir=desc');
    for (const p of ['/agreements/export.xlsx', '/agreements/export.csv', '/agreements/export']) expect(found.text).toContain(`href="${p}?lastName=dub&amp;sort=student&amp;dir=desc"`);
    expect((await admin.a.get('/agreements/search?lastName=nobody')).text).not.toContain('/agreements/export');
  });

  const office = ['libreoffice', 'soffice'].find((bin) => {
    try {
      execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!office) console.warn('agreements-export: neither libreoffice nor soffice is on PATH; the LibreOffice conversion test is skipped');
  it.skipIf(!office)('gives an XLSX that LibreOffice opens', async () => {
    const { nx } = await world(t);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'stages-export-'));
    try {
      writeFileSync(path.join(dir, 'export.xlsx'), (await download(admin.a, '/agreements/export.xlsx')).body);
      execFileSync(office!, ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'csv', '--outdir', dir, path.join(dir, 'export.xlsx')], { timeout: 120_000, stdio: 'ignore' });
      expect(readFileSync(path.join(dir, 'export.csv'), 'utf8')).toContain(nx);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
