// `npm run bench`: the searches at volume (100,000 offers, 50,000 open requests of 40,000
// students), timed over HTTP through the real app, side by side with GET /healthz (a bare
// `SELECT 1` through the same stack). Starts its own embedded PostgreSQL in a temporary folder
// unless BENCH_DATABASE_URL is given (that database is then emptied and seeded: use a scratch one).
// Only 127.0.0.1; bounded in requests (BENCH_N, default 30, after 3 warm-ups) and in time.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { closeApp, createApp } from '../src/app.js';
import { hashPassword } from '../src/auth/password.js';
import { loadConfig } from '../src/config/index.js';
import { closeDb, createDb } from '../src/db/client.js';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';

const N = Math.max(5, Math.min(500, Number(process.env.BENCH_N ?? 30)));
const WARMUP = 3;
const OFFERS = 100_000;
const STUDENTS = 40_000;
const REQUESTS = 50_000;
const ORGS = 2_000;
const TIME_LIMIT_MS = 15 * 60 * 1000;
const SCENARIO_BUDGET_MS = 60 * 1000; // a slow scenario stops after 60 s (at least 5 samples)
const PASSWORD = 'bench-password-1';

const log = (m: string) => process.stdout.write(`${m}\n`);


// ───────────── seeding ─────────────

const sqlArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;
const DOMAINS = ['Informatique', 'Marketing', 'Finance', 'Ressources humaines', 'Logistique', 'Santé', 'Énergie', 'Communication', 'Droit', 'Éducation', 'Chimie', 'Biologie', 'Génie civil', 'Commerce', 'Tourisme'];
const SECTORS = ['Industrie', 'Services', 'Public', 'Associatif', 'Numérique', 'Banque', 'Hôpital', 'Recherche'];
const JOBS = ['Développeur', 'Analyste', 'Chargé de mission', 'Assistant', 'Ingénieur', 'Technicien', 'Consultant', 'Chef de projet', 'Comptable', 'Juriste', 'Data scientist', 'Community manager'];
const TOPICS = ['web', 'données', 'réseau', 'qualité', 'sécurité', 'énergie renouvelable', 'marketing digital', 'logistique', 'paie', 'contrôle de gestion', 'biotechnologie', 'événementiel', 'supply chain', 'cloud', 'mobile'];
const SKILLS = ['Python', 'Java', 'TypeScript', 'SQL', 'Excel', 'anglais courant', 'SAP', 'gestion de projet', 'rédaction', 'statistiques', 'AutoCAD', 'négociation', 'Photoshop', 'comptabilité'];
const CITIES: [string, string][] = [
  ['75011', 'Paris'], ['69003', 'Lyon'], ['13001', 'Marseille'], ['31000', 'Toulouse'], ['33000', 'Bordeaux'], ['59000', 'Lille'], ['44000', 'Nantes'],
  ['67000', 'Strasbourg'], ['63000', 'Clermont-Ferrand'], ['35000', 'Rennes'], ['34000', 'Montpellier'], ['06000', 'Nice'], ['97400', 'Saint-Denis'], ['38000', 'Grenoble'],
];
const PC = sqlArray(CITIES.map((c) => c[0]));
const CITY = sqlArray(CITIES.map((c) => c[1]));
const pick = (arr: string, n: number, expr: string) => `(${arr})[1 + ((${expr}) % ${n})]`;

async function seed(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const q = async (label: string, sql: string) => {
    const t = performance.now();
    await c.query(sql);
    log(`  seed ${label}: ${Math.round(performance.now() - t)} ms`);
  };
  const hash = (await hashPassword(PASSWORD)).replace(/'/g, "''");
  const D = sqlArray(DOMAINS), S = sqlArray(SECTORS), J = sqlArray(JOBS), T = sqlArray(TOPICS), K = sqlArray(SKILLS);
  const LV = `ARRAY['BAC','BAC_2','BAC_3','BAC_5','BAC_8','ANY']`;
  await c.query('SET synchronous_commit = off');
  await q('institutions', `INSERT INTO "Institution" (code, name, city, "updatedAt") SELECT 'U' || g, 'Université ' || g, 'Ville ' || g, now() FROM generate_series(1, 5) g`);
  await q('centres', `INSERT INTO "ManagementCentre" ("institutionId", name, kind, "addressLine1", "postalCode", city, phone, "updatedAt")
    SELECT 1 + (g - 1) / 2, 'Centre ' || g, 'UFR', '1 rue des Écoles', '63000', 'Clermont-Ferrand', '0473000000', now() FROM generate_series(1, 10) g`);
  await q('programmes', `INSERT INTO "Programme" ("institutionId", code, name, "updatedAt")
    SELECT 1 + (g - 1) / 10, 'P' || g, 'Programme ' || ${pick(D, DOMAINS.length, 'g')} || ' ' || g, now() FROM generate_series(1, 50) g`);
  await q('study years', `INSERT INTO "StudyYear" ("programmeId", code, name, level, "centreId", "updatedAt")
    SELECT 1 + (g - 1) / 2, 'Y' || g, 'Année ' || g, 1 + g % 5, 1 + ((1 + (g - 1) / 2 - 1) / 10) * 2 + g % 2, now() FROM generate_series(1, 100) g`);
  await q('users', `INSERT INTO "User" (email, "passwordHash", "firstName", "lastName", "updatedAt")
    SELECT 'student' || g || '@bench.test', NULL, 'Prénom' || g, 'Nom' || g, now() FROM generate_series(1, ${STUDENTS}) g`);
  await q('students', `INSERT INTO "StudentProfile" ("userId", "studentNumber", "institutionId", "programmeId", "studyYearId", "inCvBook", skills, "updatedAt")
    SELECT u.id, 'N' || u.id, 1 + (((u.id - 1) % 100) / 2) / 10, 1 + ((u.id - 1) % 100) / 2, 1 + (u.id - 1) % 100, u.id % 2 = 0,
           ${pick(K, SKILLS.length, 'u.id')} || ', ' || ${pick(K, SKILLS.length, 'u.id / 3')}, now()
    FROM "User" u WHERE u.email LIKE 'student%@bench.test'`);
  await q('organisations', `INSERT INTO "Organisation" ("legalName", "normalizedName", "nafCode", headcount, "structureType", "legalStatus", "addressLine1", "postalCode", city, department, phone, "phoneDigits", verified, "centreId", "updatedAt")
    SELECT 'Société Bench ' || g, 'societe bench ' || g, '62.01Z', 'FROM_10_TO_49', 'COMPANY', 'SAS', g || ' avenue du Test', ${pick(PC, CITIES.length, 'g')}, ${pick(CITY, CITIES.length, 'g')},
           left(${pick(PC, CITIES.length, 'g')}, 2), '0102030405', '0102030405', true, 1 + g % 10, now()
    FROM generate_series(1, ${ORGS}) g`);
  // Offers: mostly PUBLISHED inside their period; the rest spread over the other statuses.
  await q('offers', `INSERT INTO "Offer" (kind, status, title, domain, missions, skills, "postalCode", city, country, paid, "durationMonths", "educationLevel", "organisationId", "centreId", "fromCompany",
                     "publishFrom", "publishUntil", "diffusionMonths", "targetAll", "createdAt", "updatedAt")
    SELECT (ARRAY['INTERNSHIP','INTERNSHIP','INTERNSHIP','JOB','WORK_STUDY','VIE_VIA'])[1 + g % 6]::"OfferKind",
           (CASE WHEN g % 20 < 16 THEN 'PUBLISHED' ELSE (ARRAY['DRAFT','PENDING_SCHOOL','EXPIRED','FILLED'])[1 + g % 4] END)::"OfferStatus",
           ${pick(J, JOBS.length, 'g')} || ' ' || ${pick(T, TOPICS.length, 'g / 7')},
           ${pick(D, DOMAINS.length, 'g / 3')},
           'Au sein de l''équipe, vous participerez à des projets de ' || ${pick(T, TOPICS.length, 'g / 11')} || ' et de ' || ${pick(T, TOPICS.length, 'g / 13')} || '. Offre n° ' || g || '.',
           ${pick(K, SKILLS.length, 'g')} || ', ' || ${pick(K, SKILLS.length, 'g / 5')},
           ${pick(PC, CITIES.length, 'g / 2')}, ${pick(CITY, CITIES.length, 'g / 2')}, 'FR', g % 3 > 0, 1 + g % 6,
           (${LV})[1 + g % 6]::"EducationLevel", 1 + g % ${ORGS}, 1 + g % 10, g % 2 = 0,
           now() - ((g % 60) || ' days')::interval, now() + ((1 + g % 90) || ' days')::interval, 3, g % 10 <> 0,
           now() - ((g % 700) || ' days')::interval, now()
    FROM generate_series(1, ${OFFERS}) g`);
  await q('offer targets', `INSERT INTO "OfferTargetInstitution" ("offerId", "institutionId") SELECT id, 1 + id % 5 FROM "Offer" WHERE NOT "targetAll"`);
  await q('offer diffusion', `INSERT INTO "OfferDiffusionCentre" ("offerId", "centreId") SELECT id, 1 + (id + 3) % 10 FROM "Offer" WHERE id % 4 = 0`);
  // Requests: one OPEN request per student, and a second one for the first 10,000.
  await q('requests', `INSERT INTO "InternshipRequest" ("studentId", status, title, level, "durationMonths", "positionType", domain, sector, description, "availableFrom", place, "createdAt", "updatedAt")
    SELECT s.id, 'OPEN', ${pick(J, JOBS.length, 'g')} || ' ' || ${pick(T, TOPICS.length, 'g / 7')},
           (${LV})[1 + g % 6]::"EducationLevel", 1 + g % 6, 'Stage', ${pick(D, DOMAINS.length, 'g / 3')}, ${pick(S, SECTORS.length, 'g')},
           'Étudiant motivé cherchant un stage en ' || ${pick(T, TOPICS.length, 'g / 11')} || ', compétences : ' || ${pick(K, SKILLS.length, 'g / 5')} || '.',
           (now() + ((g % 200) || ' days')::interval)::date,
           ${pick(PC, CITIES.length, 'g / 2')} || '; ' || ${pick(CITY, CITIES.length, 'g / 5')},
           now() - ((g % 300) || ' days')::interval, now() - ((g % 300) || ' days')::interval
    FROM generate_series(1, ${REQUESTS}) g JOIN "StudentProfile" s ON s.id = 1 + (g - 1) % ${STUDENTS}`);
  // The signed-in users: a student (with 3 open requests), a company administrator, centre staff.
  await q('bench users', `
    WITH u AS (INSERT INTO "User" (email, "passwordHash", "firstName", "lastName", "updatedAt") VALUES
      ('student@bench.test', '${hash}', 'Élise', 'Étudiante', now()),
      ('company@bench.test', '${hash}', 'Claire', 'Entreprise', now()),
      ('staff@bench.test', '${hash}', 'Samuel', 'Scolarité', now()) RETURNING id, email),
    sp AS (INSERT INTO "StudentProfile" ("userId", "studentNumber", "institutionId", "programmeId", "studyYearId", "inCvBook", "updatedAt")
      SELECT id, 'BENCH1', 1, 1, 1, true, now() FROM u WHERE email = 'student@bench.test' RETURNING id),
    rq AS (INSERT INTO "InternshipRequest" ("studentId", status, title, level, "durationMonths", domain, description, place, "updatedAt")
      SELECT sp.id, 'OPEN', v.title, v.level::"EducationLevel", v.dur, v.domain, v.description, v.place, now() FROM sp,
        (VALUES ('Développeur web', 'BAC_5', 6, 'Informatique', 'Stage de développement web, TypeScript et SQL', '69; 75011'),
                ('Analyste données', 'BAC_5', 4, 'Informatique', 'Analyse de données, statistiques, Python', 'Lyon'),
                ('Chargé de mission énergie', 'BAC_3', 3, 'Énergie', 'Énergie renouvelable et qualité', '63')) v(title, level, dur, domain, description, place)
      RETURNING id),
    cm AS (INSERT INTO "CompanyMembership" ("userId", "organisationId", role, "canPublishOffers") SELECT id, 1, 'ADMIN', true FROM u WHERE email = 'company@bench.test' RETURNING id)
    INSERT INTO "CentreStaff" ("userId", "centreId", "right", "updatedAt") SELECT id, 1, 'READ', now() FROM u WHERE email = 'staff@bench.test'`);
  await q('analyze', 'ANALYZE');
  const { rows } = await c.query<{ offers: number; requests: number; students: number; cvbook: number }>(`SELECT
    (SELECT count(*)::int FROM "Offer") AS offers, (SELECT count(*)::int FROM "InternshipRequest" WHERE status = 'OPEN') AS requests,
    (SELECT count(*)::int FROM "StudentProfile") AS students, (SELECT count(*)::int FROM "StudentProfile" WHERE "inCvBook") AS cvbook`);
  const matchOffer = await c.query<{ id: number }>(`SELECT id FROM "Offer" WHERE "organisationId" = 1 AND status = 'PUBLISHED' ORDER BY id LIMIT 1`);
  await c.end();
  return { counts: rows[0], matchOfferId: matchOffer.rows[0].id };
}

// ───────────── HTTP client with a cookie jar ─────────────

class Client {
  private jar = new Map<string, string>();
  constructor(private base: string) {}
  async get(p: string, expect = 200) {
    const res = await fetch(this.base + p, { redirect: 'manual', headers: { cookie: this.cookie() } });
    this.keep(res);
    const body = await res.text();
    if (res.status !== expect) throw new Error(`GET ${p}: ${res.status} (expected ${expect})`);
    return body;
  }
  async signIn(email: string) {
    const page = await this.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
    if (!csrf) throw new Error('no CSRF token on /login');
    const res = await fetch(this.base + '/login', {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }).toString(),
    });
    this.keep(res);
    await res.text();
    if (res.status !== 303) throw new Error(`sign-in as ${email} failed: ${res.status}`);
  }
  private cookie() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  private keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      this.jar.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
  }
}

function quantile(sorted: number[], p: number) {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}

async function main() {
  const started = Date.now();
  const timer = setTimeout(() => {
    process.stderr.write(`bench: time limit of ${TIME_LIMIT_MS / 60000} min reached, stopping\n`);
    process.exit(2);
  }, TIME_LIMIT_MS);
  timer.unref();

  let embedded: EmbeddedDb | undefined;
  let dir: string | undefined;
  let url = process.env.BENCH_DATABASE_URL;
  let server: Server | undefined;
  let app: ReturnType<typeof createApp> | undefined;
  const db = { current: undefined as ReturnType<typeof createDb> | undefined };
  try {
    if (url) {
      log('using BENCH_DATABASE_URL (its public schema is dropped and re-created)');
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await c.end();
    } else {
      dir = mkdtempSync(path.join(os.tmpdir(), 'stages-bench-pg-'));
      chmodSync(dir, 0o755); // PostgreSQL runs as the 'postgres' system user when we are root
      embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: await freePort(), database: 'stages_bench' });
      url = embedded.url;
      log(`embedded PostgreSQL in ${dir}`);
    }
    const m = await migrate(url);
    log(`migrations applied: ${m.applied.length}`);
    const t0 = performance.now();
    const { counts, matchOfferId } = await seed(url);
    log(`seeded in ${Math.round(performance.now() - t0)} ms: ${counts.offers} offers, ${counts.requests} open requests, ${counts.students} students (${counts.cvbook} in the CV book)`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    db.current = createDb(url);
    app = createApp({
      config: loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'bench-secret-bench-secret', BASE_URL: base, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent' }),
      db: db.current,
      databaseUrl: url,
    });
    app.enable('view cache'); // as in production
    await new Promise<void>((resolve) => {
      server = app!.listen(port, '127.0.0.1', () => resolve());
    });

    const anon = new Client(base);
    const student = new Client(base);
    const company = new Client(base);
    const staff = new Client(base);
    await student.signIn('student@bench.test');
    await company.signIn('company@bench.test');
    await staff.signIn('staff@bench.test');

    const scenarios: { name: string; client: Client; path: string }[] = [
      { name: 'healthz (SELECT 1)', client: anon, path: '/healthz' },
      { name: 'student offer search', client: student, path: '/offers?q=developpeur%20web&kind=INTERNSHIP&place=69' },
      { name: 'student offer list (no keywords)', client: student, path: '/offers?domain=Informatique&paid=yes' },
      { name: 'staff offer search', client: staff, path: '/offers/search?q=donn%C3%A9es&diffused=on&city=lyon' },
      { name: 'staff offer search (advanced)', client: staff, path: '/offers/search?title=ing%C3%A9nieur&structureType=COMPANY&sector=num&ended=on&country=FR' },
      { name: 'CV book + facets', client: company, path: '/cvbook?domain=Informatique&level=BAC_5&availability=3m' },
      { name: 'CV book + facets (place)', client: company, path: '/cvbook?place=69&sector=Num%C3%A9rique' },
      { name: 'matching: profiles for an offer', client: company, path: `/matching/offers/${matchOfferId}` },
      { name: "matching: offers for a student", client: student, path: '/matching/requests' },
    ];
    const results: { name: string; n: number; median: number; p95: number }[] = [];
    for (const s of scenarios) {
      for (let i = 0; i < WARMUP; i++) await s.client.get(s.path);
      const times: number[] = [];
      const until = Date.now() + SCENARIO_BUDGET_MS;
      for (let i = 0; i < N && (i < 5 || Date.now() < until); i++) {
        const t = performance.now();
        await s.client.get(s.path);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      results.push({ name: s.name, n: times.length, median: quantile(times, 0.5), p95: quantile(times, 0.95) });
    }
    const base0 = results[0].median;
    const w = Math.max(...results.map((r) => r.name.length));
    log('');
    log(`${N} sequential requests per scenario after ${WARMUP} warm-ups, 127.0.0.1, ${counts.offers} offers / ${counts.requests} open requests`);
    log(`${'scenario'.padEnd(w)}  ${'n'.padStart(3)}  ${'median ms'.padStart(9)}  ${'p95 ms'.padStart(8)}  ${'× healthz'.padStart(9)}`);
    for (const r of results) log(`${r.name.padEnd(w)}  ${String(r.n).padStart(3)}  ${r.median.toFixed(1).padStart(9)}  ${r.p95.toFixed(1).padStart(8)}  ${(r.median / base0).toFixed(1).padStart(9)}`);
    log(`\ntotal ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    if (app) await closeApp(app).catch(() => undefined);
    if (db.current) await closeDb(db.current).catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
    clearTimeout(timer);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
