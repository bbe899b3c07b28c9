// `npm run bench`: first the throughput of the common pages, signed in, at demo scale
// (bench/throughput.ts, in a second database `<name>_demo`); then the searches at volume (100,000
// offers, 50,000 open requests of 40,000 students), timed over HTTP through the real app, side by
// side with GET /healthz (a bare `SELECT 1` through the same stack). Starts its own embedded
// PostgreSQL in a temporary folder unless BENCH_DATABASE_URL is given (that database is then
// emptied and seeded: use a scratch one; BENCH_SKIP_SEED=1 re-uses its data). Before all that, the
// legal engine's runs (bench/engine.ts), which need no database.
// Only 127.0.0.1; bounded in requests (BENCH_N, default 30, after 3 warm-ups) and in time.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { closeApp, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { closeDb, createDb } from '../src/db/client.js';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { Client } from './client.js';
import { agreementsBench } from './agreements.js';
import { remindersBench } from './reminders.js';
import { pdfBench } from './pdf.js';
import { exportsBench } from './exports.js';
import { statisticsBench } from './statistics.js';
import { engineBench } from './engine.js';
import { seed, seeded } from './seed.js';
import { throughput } from './throughput.js';

const N = Math.max(5, Math.min(500, Number(process.env.BENCH_N ?? 30)));
const WARMUP = 3;
const TIME_LIMIT_MS = 15 * 60 * 1000;
const SCENARIO_BUDGET_MS = 60 * 1000; // a slow scenario stops after 60 s (at least 5 samples)
// BENCH_ONLY=engine|searches|throughput|agreements|reminders|exports|pdf|statistics runs one part (exports, statistics: only when asked); BENCH_SKIP_SEED=1 re-uses BENCH_DATABASE_URL's data.
const ONLY = process.env.BENCH_ONLY;

const log = (m: string) => process.stdout.write(`${m}\n`);


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

  if (!ONLY || ONLY === 'engine') engineBench(log);
  if (ONLY === 'engine') return;

  let embedded: EmbeddedDb | undefined;
  let dir: string | undefined;
  let url = process.env.BENCH_DATABASE_URL;
  let server: Server | undefined;
  let app: ReturnType<typeof createApp> | undefined;
  const db = { current: undefined as ReturnType<typeof createDb> | undefined };
  try {
    if (!url) {
      dir = mkdtempSync(path.join(os.tmpdir(), 'stages-bench-pg-'));
      chmodSync(dir, 0o755); // PostgreSQL runs as the 'postgres' system user when we are root
      embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'data'), port: await freePort(), database: 'stages_bench' });
      url = embedded.url;
      log(`embedded PostgreSQL in ${dir}`);
    }
    if (ONLY === 'agreements') return await agreementsBench(url, log, N);
    if (ONLY === 'reminders') return await remindersBench(url, log);
    if (ONLY === 'pdf') return await pdfBench(url, log);
    if (ONLY === 'exports') return await exportsBench(url, log);
    if (ONLY === 'statistics') return await statisticsBench(url, log, N);
    if (ONLY !== 'searches') await throughput(url);
    if (ONLY === 'throughput') return;

    const reuse = process.env.BENCH_SKIP_SEED === '1' && !!process.env.BENCH_DATABASE_URL;
    if (process.env.BENCH_DATABASE_URL && !reuse) {
      log('using BENCH_DATABASE_URL (its public schema is dropped and re-created)');
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await c.end();
    }
    const m = await migrate(url);
    log(`migrations applied: ${m.applied.length}`);
    const t0 = performance.now();
    const { counts, matchOfferId } = reuse ? await seeded(url) : await seed(url);
    log(`${reuse ? 're-used' : `seeded in ${Math.round(performance.now() - t0)} ms`}: ${counts.offers} offers, ${counts.requests} open requests, ${counts.students} students (${counts.cvbook} in the CV book)`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    db.current = createDb(url);
    app = createApp({
      config: loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'bench-secret-bench-secret', BASE_URL: base, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent' }),
      db: db.current,
      databaseUrl: url,
    });
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
    if (!ONLY) await agreementsBench(url, log, N);
    if (!ONLY) await remindersBench(url, log);
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
