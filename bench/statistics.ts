// The statistics scenario (issue 15, "Statistics"): the agreements scenario's 200,000 agreements
// (bench/agreements.ts seed) in a database of their own on the bench's server (`<name>_statistics`),
// given what the statistics count — hosts of many NAF sections, the legal figures and varied stipends,
// internship sheets, 30,000 offers and their applications, the label's answers and decisions, the
// follow-up's reports, evaluations, feedback and grades —, written with set-based SQL; then the three
// statistics pages (/statistics, /statistics/follow-up, /statistics/comparison) over HTTP through the
// real app for a centre's staff member, a programme manager and the platform administrator, each
// p95 against the 200 ms target. The pages read the agreements from the index Agreement_statistics_idx
// (the statistics' columns, by academic year): the run says whether the database has it.
// BENCH_ONLY=statistics runs it; BENCH_SKIP_SEED=1 re-uses the data already there.
import type { Server } from 'node:http';
import os from 'node:os';
import pg from 'pg';
import { hashPassword } from '../src/auth/password.js';
import { closeApp, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { closeDb, createDb } from '../src/db/client.js';
import { freePort } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { AGREEMENTS, agreementCount, recreate, seed } from './agreements.js';
import { Client } from './client.js';
import { PASSWORD } from './seed.js';
import { seedingClient, siblingDatabase } from './sql.js';

const TARGET_MS = 200;
const OFFERS = 30_000;
const ADMIN = 'admin@bench.test';
const MANAGER = 'manager@bench.test';
const STAFF = 'staff@bench.test';
const PAGES = ['', '/follow-up', '/comparison'];
const PAST = '2025-2026';
// Codes of many sections (A, C, D, F, G, H, I, J, K, M, O, P, Q, R, S): the sector table's rows.
const NAF = ['01.11Z', '10.11Z', '35.11Z', '41.10A', '46.51Z', '49.10Z', '55.10Z', '62.01Z', '62.02A', '64.19Z', '70.22Z', '71.12B', '72.19Z', '84.11Z', '85.42Z', '86.10Z', '90.01Z', '94.99Z'];

const databaseUrl = (url: string) => siblingDatabase(url, 'statistics');

/** Has the database been given the statistics' data (its sheets are the last thing written)? */
async function enriched(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query('SELECT count(*) AS n FROM "InternshipSheet"')).rows[0].n) > 0;
  } finally {
    await c.end();
  }
}

async function enrich(url: string, log: (m: string) => void) {
  const { c, q } = await seedingClient(url, log);
  const hash = (await hashPassword(PASSWORD)).replace(/'/g, "''");
  await c.query('SET synchronous_commit = off');
  await c.query('SELECT setseed(0.15)');
  await q('accounts', `
    INSERT INTO "User" (email, "passwordHash", "firstName", "lastName", "isPlatformAdmin", "updatedAt") VALUES ('${ADMIN}', '${hash}', 'Ada', 'Admin', true, now()), ('${MANAGER}', '${hash}', 'Marie', 'Responsable', false, now());
    INSERT INTO "AcademicRole" ("userId", kind, "programmeId") SELECT id, 'PROGRAMME_MANAGER', 1 FROM "User" WHERE email = '${MANAGER}';
    UPDATE "Programme" SET "labelDefault" = id % 2 = 0;`);
  await q('hosts: NAF codes', `UPDATE "Organisation" SET "nafCode" = (ARRAY[${NAF.map((n) => `'${n}'`).join(',')}])[1 + id % ${NAF.length}]`);
  // The legal figures of the submitted ones, stipends per hour, day or month, the place's country,
  // and dates in order: created, submitted, validated some days later.
  await q('agreements: figures and dates', `
    UPDATE "Agreement" a SET "holidaysCountry" = o.country,
      "createdAt" = COALESCE(a."submittedAt", make_date(left(a."academicYear", 4)::int, 9, 1)::timestamp) - make_interval(days => a.id % 30),
      "validatedAt" = CASE WHEN a.status = 'VALIDATED' THEN COALESCE(a."submittedAt", make_date(left(a."academicYear", 4)::int, 9, 1)::timestamp) + make_interval(days => a.id % 40) END,
      "presenceDays" = CASE WHEN a.status <> 'DRAFT' THEN (a."endDate" - a."startDate") * 5 / 7 END,
      "presenceHours" = CASE WHEN a.status <> 'DRAFT' THEN (a."endDate" - a."startDate") * 5 / 7 * 7 END,
      "presenceMonths" = CASE WHEN a.status <> 'DRAFT' THEN (a."endDate" - a."startDate") * 5 / 7 / 22 END,
      "stipendDue" = CASE WHEN a.status <> 'DRAFT' THEN (a."endDate" - a."startDate") * 5 / 7 > 44 END,
      "payUnit" = CASE WHEN a."payAmount" IS NULL THEN NULL WHEN a.id % 10 = 0 THEN 'MONTH' WHEN a.id % 10 = 1 THEN 'DAY' ELSE 'HOUR' END,
      "payAmount" = CASE WHEN a."payAmount" IS NULL THEN NULL WHEN a.id % 10 = 0 THEN 650 WHEN a.id % 10 = 1 THEN 31 ELSE 4.35 + (a.id % 7) * 0.25 END
    FROM "Organisation" o WHERE o.id = a."organisationId"`);
  await q('offers and applications', `
    INSERT INTO "Offer" (kind, status, title, domain, "organisationId", "centreId", "publishFrom", "publishUntil", "createdAt", "updatedAt")
      SELECT 'INTERNSHIP', (ARRAY['PUBLISHED','EXPIRED','FILLED','EXPIRED','ARCHIVED','DRAFT'])[1 + g % 6]::"OfferStatus", 'Offre ' || g, 'Informatique', 1 + g % 10000, 1 + g % 20,
             d, d + interval '60 days', d - interval '5 days', now()
      FROM generate_series(1, ${OFFERS}) g CROSS JOIN LATERAL (SELECT make_date(2022 + g % 5, 9, 1)::timestamp + make_interval(days => g % 300) AS d) p;
    INSERT INTO "Application" ("studentId", "offerId", "organisationId", title, message, status, "updatedAt")
      SELECT s, o, 1 + (o - 1) % 10000, 'Candidature', 'Bonjour', (CASE WHEN g % 9 = 0 THEN 'ACCEPTED' WHEN g % 3 = 0 THEN 'READ' ELSE 'SENT' END)::"ApplicationStatus", now()
      FROM generate_series(1, 120000) g CROSS JOIN LATERAL (SELECT 1 + (random() * 99999)::int + g * 0 AS s, 1 + floor(${OFFERS} * power(random(), 2))::int + g * 0 AS o) r
      ON CONFLICT DO NOTHING;`);
  await q('label answers and decisions', `
    INSERT INTO "LabelEnrolment" ("agreementId", "studentAnswer", "studentAt", "companyAnswer", "companyAt", "managerAnswer", "updatedAt")
      SELECT id, 'YES', "validatedAt", 'YES', "validatedAt", CASE WHEN id % 3 = 0 THEN 'YES'::"LabelAnswer" END, now() FROM "Agreement" WHERE status = 'VALIDATED' AND id % 10 < 3;
    INSERT INTO "LabelAward" ("agreementId", decision, code, reason, "decidedAt")
      SELECT a.id, CASE WHEN a.id % 7 = 0 THEN 'REFUSED' ELSE 'AWARDED' END::"LabelDecision", CASE WHEN a.id % 7 <> 0 THEN 'B' || a.id END, CASE WHEN a.id % 7 = 0 THEN 'Incomplet' END, a."endDate" + 70
      FROM "Agreement" a JOIN "LabelEnrolment" e ON e."agreementId" = a.id WHERE a."endDate" + 70 < current_date AND a.id % 2 = 0`);
  // The follow-up of the validated internships: each step done on a day after it could be, when that day has come.
  await q('follow-up', `
    CREATE TEMP TABLE plan AS
      SELECT a.id, a."startDate" + (a."endDate" - a."startDate") / 2 AS half, a."endDate" AS e, (random() * 1e9)::int AS h FROM "Agreement" a WHERE a.status = 'VALIDATED';
    INSERT INTO "MidtermReport" ("agreementId", status, "opensOn", "openedAt", "submittedAt", "companyAckAt", "academicAckAt", "updatedAt")
      SELECT id, 'SUBMITTED', half, half, CASE WHEN h % 10 > 0 AND half + h % 21 <= current_date THEN half + h % 21 + time '10:00' END,
             CASE WHEN h % 10 > 1 AND half + h % 21 + 5 <= current_date THEN half + h % 21 + 5 + time '11:00' END,
             CASE WHEN h % 10 > 2 AND half + h % 21 + 6 <= current_date THEN half + h % 21 + 6 + time '12:00' END, now()
      FROM plan WHERE half <= current_date;
    INSERT INTO "EvaluationForm" (kind, version, definition) SELECT k::"EvaluationKind", 1, '{}' FROM unnest(ARRAY['COMPANY', 'ACADEMIC', 'STUDENT']) k
      WHERE NOT EXISTS (SELECT 1 FROM "EvaluationForm" f WHERE f.kind = k::"EvaluationKind" AND f.version = 1 AND f."centreId" IS NULL);
    INSERT INTO "Evaluation" ("agreementId", kind, "formId", answers, "submittedAt", "consultedAt")
      SELECT id, 'COMPANY', (SELECT id FROM "EvaluationForm" WHERE kind = 'COMPANY' AND version = 1 AND "centreId" IS NULL), '{}', e - 3 + time '14:00', CASE WHEN h % 7 > 0 AND e + 4 <= current_date THEN e + 4 + time '15:00' END FROM plan WHERE e - 3 <= current_date AND h % 10 > 0;
    INSERT INTO "Evaluation" ("agreementId", kind, "formId", answers, "submittedAt")
      SELECT id, 'ACADEMIC', (SELECT id FROM "EvaluationForm" WHERE kind = 'ACADEMIC' AND version = 1 AND "centreId" IS NULL), '{}', e + 10 + time '14:00' FROM plan WHERE e + 10 <= current_date AND h % 2 = 0;
    INSERT INTO "ExperienceFeedback" ("agreementId", "workConditions", environment, supervision, advice, recommend, "submittedAt", "updatedAt")
      SELECT id, 'Bien', 'Bien', 'Bien', 'Rien', true, e - 2 + time '16:00', now() FROM plan WHERE e - 2 <= current_date AND h % 8 > 0;
    INSERT INTO "InternshipGrade" ("agreementId", "defenceOn", grade, "recordedAt")
      SELECT id, e + 30, 14.5, e + 30 + time '17:00' FROM plan WHERE e + 30 <= current_date AND h % 10 > 1 AND h % 7 > 0 AND h % 8 > 0;
    INSERT INTO "Evaluation" ("agreementId", kind, "formId", answers, "submittedAt")
      SELECT p.id, 'STUDENT', (SELECT id FROM "EvaluationForm" WHERE kind = 'STUDENT' AND version = 1 AND "centreId" IS NULL), '{}', p.e + 40 + time '18:00' FROM plan p JOIN "InternshipGrade" g ON g."agreementId" = p.id WHERE p.e + 40 <= current_date AND p.h % 5 > 0;`);
  // Six in ten submitted agreements were made from an internship sheet, sent some days before.
  await q('internship sheets', `
    INSERT INTO "InternshipSheet" ("studentId", "organisationId", status, data, "sentAt", "validatedAt", "createdAt", "updatedAt")
      SELECT a."studentId", a."organisationId", 'VALIDATED', jsonb_build_object('agreement', a.id), a."createdAt" - make_interval(days => a.id % 20), a."createdAt",
             a."createdAt" - make_interval(days => a.id % 20 + 5), now()
      FROM "Agreement" a WHERE a.status <> 'DRAFT' AND a.id % 5 < 3;
    UPDATE "Agreement" a SET "sheetId" = s.id FROM "InternshipSheet" s WHERE (s.data ->> 'agreement')::int = a.id;`);
  await q('vacuum analyze', 'VACUUM ANALYZE');
  await c.end();
}

function quantile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export async function statisticsBench(serverUrl: string, log: (m: string) => void, n: number) {
  const { url, name } = databaseUrl(serverUrl);
  const reuse = process.env.BENCH_SKIP_SEED === '1' && (await agreementCount(url)) >= AGREEMENTS && (await enriched(url));
  if (!reuse) {
    log(`\nstatistics: seeding ${AGREEMENTS} agreements and what the statistics count in ${name}`);
    await recreate(serverUrl, name);
    await migrate(url);
    const t0 = performance.now();
    await seed(url, log);
    await enrich(url, log);
    log(`  seeded in ${Math.round(performance.now() - t0)} ms`);
  } else {
    await migrate(url);
    log(`\nstatistics: re-using the data of ${name}`);
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
    // Each page for each person, in the current year (the pages' default) and, for the administrator, a past year (every internship ended).
    const scenarios: { name: string; email: string; path: string; target: number }[] = [{ name: 'healthz (SELECT 1)', email: STAFF, path: '/healthz', target: Infinity }];
    for (const [who, email] of [['centre staff (1 centre of 20)', STAFF], ['programme manager (1 of 40)', MANAGER], ['administrator (every agreement)', ADMIN]] as const) {
      for (const page of PAGES) scenarios.push({ name: `${page || '/'} — ${who}`, email, path: `/statistics${page}`, target: TARGET_MS });
    }
    for (const page of PAGES) scenarios.push({ name: `${page || '/'} — administrator, ${PAST}`, email: ADMIN, path: `/statistics${page}?academicYear=${PAST}`, target: TARGET_MS });
    const rows: { name: string; n: number; median: number; p95: number; target: number }[] = [];
    for (const s of scenarios) {
      const client = new Client(base);
      await client.signIn(s.email);
      for (let i = 0; i < 3; i++) await client.get(s.path);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await client.get(s.path);
        times.push(performance.now() - t);
      }
      times.sort((x, y) => x - y);
      rows.push({ name: s.name, n, median: quantile(times, 0.5), p95: quantile(times, 0.95), target: s.target });
    }
    const indexed = (await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'Agreement_statistics_idx'`)[0].n > 0;
    const w = Math.max(...rows.map((x) => x.name.length));
    const h = rows[0].median;
    log(`\n${n} sequential GETs of each statistics page per scenario after 3 warm-ups, ${AGREEMENTS} agreements (about 40,000 a year), ${OFFERS} offers`);
    // × healthz: on a busy machine every figure grows; the ratio to a bare SELECT 1 page says what is the page's own.
    log(`the statistics index (Agreement_statistics_idx): ${indexed ? 'present' : 'MISSING (every page reads the whole table)'}`);
    log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
    log(`${'scenario'.padEnd(w)}  ${'median ms'.padStart(9)}  ${'p95 ms'.padStart(8)}  ${'× healthz'.padStart(9)}  target (p95)`);
    for (const x of rows) log(`${x.name.padEnd(w)}  ${x.median.toFixed(1).padStart(9)}  ${x.p95.toFixed(1).padStart(8)}  ${(x.median / h).toFixed(1).padStart(9)}  ${Number.isFinite(x.target) ? `< ${x.target} ${x.p95 < x.target ? 'ok' : 'MISSED'}` : ''}`);
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await closeApp(app).catch(() => undefined);
    await closeDb(db).catch(() => undefined);
  }
}
