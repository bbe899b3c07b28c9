// The agreements scenario (issue 12, "Speed"): 200,000 agreements over 20 centres and 5 academic
// years, in a database of their own on the bench's server (`<name>_agreements`), written with
// set-based SQL; then, over HTTP through the real app, the centre's agreement dashboard, an advanced
// search with three criteria and the simple search by a student's name; and, in the process (the
// creation wizard's summary step calls the same functions), the creation of an agreement with its
// number followed by its submission (the legal engine and the database's checks, the snapshot).
// BENCH_ONLY=agreements runs it alone; BENCH_SKIP_SEED=1 re-uses the data already there.
import { seedingClient, siblingDatabase } from './sql.js';
import type { Server } from 'node:http';
import pg from 'pg';
import { hashPassword } from '../src/auth/password.js';
import { loadActor } from '../src/authz/actor.js';
import { closeApp, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import type { Ctx } from '../src/context.js';
import { closeDb, createDb } from '../src/db/client.js';
import { freePort } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { createAgreement } from '../src/modules/agreements/agreements.create.js';
import { CalendarDate } from '../src/time/calendar.js';
import { Client } from './client.js';
import { PASSWORD } from './seed.js';

export const AGREEMENTS = 200_000;
const CENTRES = 20;
const STUDENTS = 100_000;
const ORGS = 10_000;
const TEACHERS = 1_000;
// The five academic years up to the current one (the dashboard's default year holds its fifth).
const YEARS = ['2022-2023', '2023-2024', '2024-2025', '2025-2026', '2026-2027'];
const SURNAMES = ['Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Lefebvre', 'Leroy', 'Roux', 'David', 'Bertrand', 'Morel', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller', 'Lefèvre', 'Faure', 'André', 'Mercier', 'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier', 'François', 'Legrand', 'Gauthier', 'Garcia', 'Perrin', 'Robin', 'Clément', 'Morin', 'Nicolas', 'Henry', 'Roussel', 'Mathieu', 'Gautier', 'Masson'];
const FIRST = ['Léa', 'Hugo', 'Emma', 'Louis', 'Chloé', 'Gabriel', 'Manon', 'Arthur', 'Inès', 'Jules', 'Camille', 'Adam', 'Sarah', 'Lucas', 'Zoé', 'Nathan'];
const CITIES: [string, string, string][] = [['75011', 'Paris', 'FR'], ['69003', 'Lyon', 'FR'], ['13001', 'Marseille', 'FR'], ['31000', 'Toulouse', 'FR'], ['33000', 'Bordeaux', 'FR'], ['59000', 'Lille', 'FR'], ['44000', 'Nantes', 'FR'], ['63000', 'Clermont-Ferrand', 'FR'], ['1000', 'Bruxelles', 'BE'], ['10115', 'Berlin', 'DE']];
const TOPICS = ['Développement web', 'Analyse de données', 'Réseau et sécurité', 'Contrôle de gestion', 'Marketing digital', 'Logistique', 'Qualité', 'Communication', 'Ressources humaines', 'Biotechnologie'];
const SECTORS = ['Industrie', 'Services', 'Numérique', 'Banque', 'Santé', 'Recherche', 'Public', 'Associatif'];
const HEADCOUNTS = ['NONE', 'FROM_1_TO_9', 'FROM_10_TO_49', 'FROM_50_TO_249', 'FROM_250_TO_4999', 'FROM_5000'];
const STRUCTURES = ['COMPANY', 'ASSOCIATION', 'PUBLIC_ADMINISTRATION', 'COMPANY', 'COMPANY'];

const sqlArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;
const pick = (xs: string[], expr: string) => `(${sqlArray(xs)})[1 + ((${expr}) % ${xs.length})]`;

/** The database `<name>_agreements` on the bench's server. */
export const databaseUrl = (url: string) => siblingDatabase(url, 'agreements');

/** How many agreements the database holds (0 when it does not exist yet). */
export async function agreementCount(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  try {
    await c.connect();
    return Number((await c.query('SELECT count(*) AS n FROM "Agreement"')).rows[0].n);
  } catch {
    return 0;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export async function recreate(serverUrl: string, name: string) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

export async function seed(url: string, log: (m: string) => void) {
  const { c, q } = await seedingClient(url, log);
  const hash = (await hashPassword(PASSWORD)).replace(/'/g, "''");
  await c.query('SET synchronous_commit = off');
  await c.query('SELECT setseed(0.42)'); // the same data at every run
  await q('institutions, centres, programmes, study years', `
    INSERT INTO "Institution" (code, name, city, "updatedAt") SELECT 'U' || g, 'Université ' || g, 'Ville ' || g, now() FROM generate_series(1, 2) g;
    INSERT INTO "ManagementCentre" ("institutionId", name, kind, "addressLine1", "postalCode", city, phone, "updatedAt")
      SELECT 1 + (g - 1) / 10, 'UFR ' || g, 'UFR', '1 rue des Écoles', '63000', 'Clermont-Ferrand', '0473000000', now() FROM generate_series(1, ${CENTRES}) g;
    INSERT INTO "Programme" ("institutionId", code, name, "updatedAt") SELECT 1 + (g - 1) / 20, 'P' || g, 'Programme ' || g, now() FROM generate_series(1, 40) g;
    INSERT INTO "StudyYear" ("programmeId", code, name, level, "centreId", "updatedAt")
      SELECT 1 + (g - 1) / 2, 'Y' || g, 'Année ' || g, 1 + g % 5, 1 + ((g - 1) / 4), now() FROM generate_series(1, ${CENTRES * 4}) g;`);
  await q('users (students, teachers)', `
    INSERT INTO "User" (email, "firstName", "lastName", "updatedAt")
      SELECT 'student' || g || '@bench.test', ${pick(FIRST, 'g / 7')}, ${pick(SURNAMES, 'g')} || CASE WHEN g % 3 = 0 THEN '' ELSE '-' || ${pick(SURNAMES, 'g / 50')} END, now()
      FROM generate_series(1, ${STUDENTS}) g;
    INSERT INTO "User" (email, "firstName", "lastName", "updatedAt")
      SELECT 'teacher' || g || '@bench.test', ${pick(FIRST, 'g')}, ${pick(SURNAMES, 'g / 3')}, now() FROM generate_series(1, ${TEACHERS}) g;`);
  // Student g is in study year 1 + g % 80 (its centre 1 + (g % 80) / 4, its institution with it).
  await q('students', `INSERT INTO "StudentProfile" ("userId", "studentNumber", "institutionId", "programmeId", "studyYearId", "updatedAt")
    SELECT g, 'E' || lpad(g::text, 8, '0'), 1 + (g % 80) / 40, 1 + (g % 80) / 2, 1 + g % 80, now() FROM generate_series(1, ${STUDENTS}) g`);
  await q('organisations', `INSERT INTO "Organisation" ("legalName", "normalizedName", siret, "nafCode", headcount, "structureType", "legalStatus", sector, "addressLine1", "postalCode", city, country, phone, "phoneDigits", verified, "updatedAt")
    SELECT 'Société ' || ${pick(SURNAMES, 'g')} || ' ' || g, 'societe ' || lower(${pick(SURNAMES.map((s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '')), 'g')}) || ' ' || g,
           lpad((10000000000000 + g * 7)::text, 14, '0'), '62.01Z', ${pick(HEADCOUNTS, 'g / 3')}::"HeadcountBand", ${pick(STRUCTURES, 'g / 5')}::"StructureType", 'SAS',
           ${pick(SECTORS, 'g / 2')}, g || ' avenue du Test', ${pick(CITIES.map((x) => x[0]), 'g')}, ${pick(CITIES.map((x) => x[1]), 'g')}, ${pick(CITIES.map((x) => x[2]), 'g')},
           '0102030405', '0102030405', true, now()
    FROM generate_series(1, ${ORGS}) g`);
  // Agreement g: student 1 + g % STUDENTS (two each), so its centre follows the student's year; its
  // year, host, teacher, type and state come from a seeded random number (modular arithmetic on g
  // would tie them to the student's centre); a state spread like a year's work (most validated in the past years).
  await q('agreements', `INSERT INTO "Agreement" ("institutionId", "academicYear", seq, "centreId", "studentId", "studyYearId", "programmeId", "organisationId", "academicTutorId",
      type, subject, theme, "startDate", "endDate", schedule, "daysPerWeek", "workingTime", "payAmount", "payUnit", "printLanguage", status, "submittedAt", "validatedAt", "updatedAt")
    SELECT s."institutionId", y.label, row_number() OVER (PARTITION BY s."institutionId", y.label ORDER BY g), sy."centreId", s.id, s."studyYearId", s."programmeId", 1 + (r.h / 11) % ${ORGS}, ${STUDENTS} + 1 + (r.h / 13) % ${TEACHERS},
           (ARRAY['MANDATORY','MANDATORY','MANDATORY','RECOMMENDED','REORIENTATION','GAP_YEAR'])[1 + r.h % 6]::"InternshipType",
           ${pick(TOPICS, 'r.h / 7')} || ' — mission ' || g, ${pick(TOPICS, 'r.h / 10')},
           y.start + (r.h % 240), y.start + (r.h % 240) + 56 + (r.h / 19 % 5) * 28, '{"mon":7,"tue":7,"wed":7,"thu":7,"fri":7,"sat":0,"sun":0}',
           CASE WHEN r.h / 23 % 10 = 0 THEN 4 ELSE 5 END, (CASE WHEN r.h / 23 % 10 = 0 THEN 'PART_TIME' ELSE 'FULL_TIME' END)::"WorkingTime",
           CASE WHEN r.h / 29 % 3 = 0 THEN NULL ELSE 4.35 END, CASE WHEN r.h / 29 % 3 = 0 THEN NULL ELSE 'HOUR' END,
           (ARRAY['fr','fr','fr','fr','en','en','de','es','it'])[1 + r.h / 31 % 9],
           (CASE WHEN y.label <> '${YEARS[4]}' AND r.h / 37 % 20 <> 0 THEN 'VALIDATED'
                 ELSE (ARRAY['DRAFT','SUBMITTED','PEDAGOGICAL_DONE','ADMINISTRATIVE_DONE','VALIDATED','VALIDATED'])[1 + (r.h / 41) % 6] END)::"AgreementStatus",
           CASE WHEN r.h / 43 % 7 = 0 THEN NULL ELSE y.start::timestamp END, NULL, now()
    FROM generate_series(1, ${AGREEMENTS}) g
    JOIN "StudentProfile" s ON s.id = 1 + g % ${STUDENTS}
    JOIN "StudyYear" sy ON sy.id = s."studyYearId"
    CROSS JOIN LATERAL (SELECT (random() * 1e9)::int + g * 0 AS h) r
    CROSS JOIN LATERAL (SELECT (${sqlArray(YEARS)})[1 + r.h / 3 % 5] AS label) l
    CROSS JOIN LATERAL (SELECT l.label, make_date(left(l.label, 4)::int, 9, 1) AS start) y`);
  await q('step dates and counters', `
    UPDATE "Agreement" a SET "pedagogicalAt" = CASE WHEN a.status IN ('PEDAGOGICAL_DONE','ADMINISTRATIVE_DONE','VALIDATED') THEN a."submittedAt" END,
      "administrativeAt" = CASE WHEN a.status IN ('ADMINISTRATIVE_DONE','VALIDATED') THEN a."submittedAt" END,
      "validatedAt" = CASE WHEN a.status = 'VALIDATED' THEN a."submittedAt" END
    WHERE a.status <> 'DRAFT';
    INSERT INTO "AgreementCounter" ("institutionId", "academicYear", last) SELECT "institutionId", "academicYear", max(seq) FROM "Agreement" GROUP BY 1, 2;`);
  await q('bench staff', `
    WITH u AS (INSERT INTO "User" (email, "passwordHash", "firstName", "lastName", "updatedAt") VALUES ('staff@bench.test', '${hash}', 'Samuel', 'Scolarité', now()) RETURNING id)
    INSERT INTO "CentreStaff" ("userId", "centreId", "right", "updatedAt") SELECT id, 1, 'WRITE', now() FROM u`);
  await q('vacuum analyze', 'VACUUM ANALYZE');
  await c.end();
}

function quantile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function timed(n: number, warmup: number, run: (i: number) => Promise<unknown>) {
  for (let i = 0; i < warmup; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(warmup + i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { n, median: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

export async function agreementsBench(serverUrl: string, log: (m: string) => void, n: number) {
  const { url, name } = databaseUrl(serverUrl);
  const have = process.env.BENCH_SKIP_SEED === '1' ? await agreementCount(url) : 0;
  if (have < AGREEMENTS) {
    log(`\nagreements: seeding ${AGREEMENTS} agreements over ${CENTRES} centres and ${YEARS.length} academic years in ${name}`);
    await recreate(serverUrl, name);
    await migrate(url);
    const t0 = performance.now();
    await seed(url, log);
    log(`  seeded in ${Math.round(performance.now() - t0)} ms`);
  } else {
    await migrate(url);
    log(`\nagreements: re-using the ${have} agreements of ${name}`);
  }

  const db = createDb(url);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = createApp({ config: loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-bench-secret', BASE_URL: base, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent' }), db, databaseUrl: url });
  let server: Server | undefined;
  try {
    await new Promise<void>((resolve) => {
      server = app.listen(port, '127.0.0.1', () => resolve());
    });
    const staff = new Client(base);
    await staff.signIn('staff@bench.test');
    const get = (path: string) => () => staff.get(path);
    const rows: { name: string; target: number; r: Awaited<ReturnType<typeof timed>> }[] = [];
    rows.push({ name: 'healthz (SELECT 1)', target: Infinity, r: await timed(n, 3, get('/healthz')) });
    rows.push({ name: 'centre dashboard (counts + first page)', target: 50, r: await timed(n, 3, get('/agreements/dashboard')) });
    rows.push({ name: 'advanced search, three criteria', target: 80, r: await timed(n, 3, get(`/agreements/search?academicYear=${YEARS[3]}&type=MANDATORY&city=lyon`)) });
    rows.push({ name: 'simple search, student name', target: 30, r: await timed(n, 3, get('/agreements/search?lastName=martin')) });
    rows.push({ name: 'creation + submission (number, legal checks)', target: 100, r: await creation(app.locals.ctx as Ctx, db, n) });
    const w = Math.max(...rows.map((x) => x.name.length));
    log(`\n${n} sequential runs per scenario after 3 warm-ups, ${AGREEMENTS} agreements`);
    // × healthz: on a busy machine every figure grows; the ratio to a bare SELECT 1 page says what is the page's own.
    const h = rows[0].r.median;
    log(`${'scenario'.padEnd(w)}  ${'median ms'.padStart(9)}  ${'p95 ms'.padStart(8)}  ${'× healthz'.padStart(9)}  target (p95)`);
    for (const x of rows) log(`${x.name.padEnd(w)}  ${x.r.median.toFixed(1).padStart(9)}  ${x.r.p95.toFixed(1).padStart(8)}  ${(x.r.median / h).toFixed(1).padStart(9)}  ${Number.isFinite(x.target) ? `< ${x.target} ${x.r.p95 < x.target ? 'ok' : 'MISSED'}` : ''}`);
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await closeApp(app).catch(() => undefined);
    await closeDb(db).catch(() => undefined);
  }
}

/**
 * The creation at the summary step, as the wizard does it: createAgreement (the number) in its
 * transaction, then the submission by WRITE staff of the centre (the legal engine, the checks read
 * from the other agreements, the snapshot, the audit row and the mails). A different student of
 * centre 1 each time, an eight-week internship in a year without agreements (no overlap).
 */
async function creation(ctx: Ctx, db: ReturnType<typeof createDb>, n: number) {
  const staffId = (await db.user.findUniqueOrThrow({ where: { email: 'staff@bench.test' }, select: { id: true } })).id;
  const actor = (await loadActor(db, staffId))!;
  // Students without an agreement in that year yet (an earlier run with BENCH_SKIP_SEED=1 used some).
  const students = await db.studentProfile.findMany({ where: { studyYear: { centreId: 1 }, agreements: { none: { endDate: { gte: new Date('2031-09-01') } } } }, select: { id: true }, orderBy: { id: 'desc' }, take: n + 3 });
  return timed(n, 3, async (i) => {
    const act = { actor, requestId: null, now: new Date() };
    const a = await db.$transaction((tx) =>
      createAgreement(tx, act, {
        studentId: students[i].id,
        organisationId: 1 + (i % 100),
        type: 'MANDATORY',
        subject: 'Bench',
        startDate: CalendarDate.parse('2031-09-08')!,
        endDate: CalendarDate.parse('2031-10-31')!,
        schedule: { mon: 7, tue: 7, wed: 7, thu: 7, fri: 7, sat: 0, sun: 0 },
      }),
    );
    try {
      await ctx.services.agreements.perform(act, a.id, 'submit');
    } catch (e) {
      // A refusal would time the wrong path: say which check refused.
      const checks = (e as { legal?: { result: { checks: { code: string; severity: string }[] } } }).legal?.result.checks ?? [];
      throw new Error(`submission refused: ${JSON.stringify(checks)} ${JSON.stringify((e as { fields?: unknown }).fields)}`);
    }
  });
}
