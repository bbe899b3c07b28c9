// The throughput scenario: 50 concurrent keep-alive clients for BENCH_SECONDS (10) on each page,
// signed in, at demo scale (a separate database holding prisma/seed-data.ts's demo data, so that
// the pages measure the request path rather than the bulk searches). autocannon runs in its own
// process: the app's event loop is not shared with the load generator. Only 127.0.0.1.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import pg from 'pg';
import type { Result } from 'autocannon';
import { closeApp, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { closeDb, createDb } from '../src/db/client.js';
import { freePort } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { DEMO_PASSWORD, seedDemo } from '../prisma/seed-data.js';
import { Client } from './client.js';

const CONNECTIONS = 50;
const SECONDS = Math.max(2, Math.min(30, Number(process.env.BENCH_SECONDS ?? 10)));
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const log = (m: string) => process.stdout.write(`${m}\n`);

/** A fresh database `<name>_demo` on the same server as `url`, migrated and holding the demo data. */
async function demoDatabase(url: string): Promise<string> {
  const u = new URL(url);
  const name = `${u.pathname.slice(1)}_demo`.replace(/[^\w]/g, '');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  u.pathname = `/${name}`;
  const demoUrl = u.toString();
  await migrate(demoUrl);
  const db = createDb(demoUrl);
  try {
    await seedDemo(db);
  } finally {
    await closeDb(db);
  }
  return demoUrl;
}

function autocannon(url: string, cookie: string): Promise<Result> {
  const args = [AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(SECONDS), '-j', '-H', `cookie=${cookie}`, url];
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 16 << 20, timeout: (SECONDS + 30) * 1000 }, (err, stdout) => (err ? reject(err) : resolve(JSON.parse(stdout) as Result))),
  );
}

export async function throughput(url: string) {
  log(`\nthroughput: demo data in a separate database, ${CONNECTIONS} connections × ${SECONDS} s per page`);
  const demoUrl = await demoDatabase(url);
  const db = createDb(demoUrl);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = createApp({
    config: loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-bench-secret', BASE_URL: base, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent' }),
    db,
    databaseUrl: demoUrl,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  try {
    // The demo accounts: a student, a company contact (tutor), centre staff (WRITE).
    const [student, contact, staff] = [new Client(base), new Client(base), new Client(base)];
    await student.signIn('etudiant@demo.test', DEMO_PASSWORD);
    await contact.signIn('tuteur@demo.test', DEMO_PASSWORD);
    await staff.signIn('gestionnaire@demo.test', DEMO_PASSWORD);
    const pages: { name: string; client: Client; path: string }[] = [
      { name: '/healthz', client: new Client(base), path: '/healthz' },
      { name: '/account (student)', client: student, path: '/account' },
      { name: '/offers (student)', client: student, path: '/offers' },
      { name: '/cvbook (company contact)', client: contact, path: '/cvbook' },
      { name: '/dashboard/centre (staff)', client: staff, path: '/dashboard/centre' },
    ];
    // BENCH_PAGES=/offers,/cvbook: only those pages (and /healthz, the reference).
    const only = process.env.BENCH_PAGES?.split(',').filter(Boolean);
    if (only) pages.splice(0, pages.length, ...pages.filter((p, i) => i === 0 || only.some((o) => p.path.startsWith(o))));
    if (process.env.BENCH_QUERIES === '1') await showQueries(pages);
    const rows: { name: string; rps: number; p50: number; p99: number; bad: number; cpu: number }[] = [];
    for (const p of pages) {
      await p.client.get(p.path); // signed in and answering 200 before the load starts
      // The app's CPU time per request (this process: the app, Prisma, pg; not PostgreSQL): less
      // sensitive than req/s to other work on the machine.
      const cpu0 = process.cpuUsage();
      const r = await autocannon(base + p.path, p.client.cookie());
      const cpu = process.cpuUsage(cpu0);
      const cpuPerReq = (cpu.user + cpu.system) / 1000 / Math.max(1, r.requests.total);
      rows.push({ name: p.name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, bad: r.non2xx + r.errors + r.timeouts, cpu: cpuPerReq });
    }
    const w = Math.max(...rows.map((r) => r.name.length));
    log(`${'page'.padEnd(w)}  ${'req/s'.padStart(8)}  ${'% healthz'.padStart(9)}  ${'p50 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  ${'errors'.padStart(6)}  ${'app CPU ms/req'.padStart(14)}`);
    for (const r of rows) {
      const pct = (100 * r.rps) / rows[0].rps;
      log(`${r.name.padEnd(w)}  ${r.rps.toFixed(0).padStart(8)}  ${pct.toFixed(0).padStart(8)}%  ${String(r.p50).padStart(7)}  ${String(r.p99).padStart(7)}  ${String(r.bad).padStart(6)}  ${r.cpu.toFixed(2).padStart(14)}`);
    }
    if (rows.some((r) => r.bad)) throw new Error('some requests failed (non-2xx, errors or timeouts): the figures are not those of the pages');
  } finally {
    // autocannon stops at its deadline without waiting for the answers: let the last requests end.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await closeApp(app).catch(() => undefined);
    await closeDb(db).catch(() => undefined);
  }
}

/**
 * BENCH_QUERIES=1: the SQL statements (round trips) of one request to each page, before the load:
 * every query of the app (Prisma's adapter and the session store) goes through pg.Client#query.
 */
async function showQueries(pages: { name: string; client: Client; path: string }[]) {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  let seen: string[] | null = null;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text?: string };
    seen?.push((typeof q === 'string' ? q : (q?.text ?? '?')).replace(/\s+/g, ' ').slice(0, 160));
    return original.apply(this, args);
  };
  try {
    for (const p of pages) {
      await p.client.get(p.path);
      seen = [];
      await p.client.get(p.path);
      const list: string[] = seen;
      seen = null;
      log(`${p.name}: ${list.length} statements`);
      for (const q of list) log(`  ${q}`);
    }
  } finally {
    proto.query = original;
  }
}
