// The exports scenario (issue 13, "Exports": 50,000 agreements in under 10 s, the process's memory
// growing by less than 100 MB). On the agreements scenario's 200,000 agreements (its database
// `<name>_agreements`, seeded by it when missing), a user with READ on 5 of the 20 centres reaches
// 50,000 of them; the agreements of those centres are first given a service, a company tutor, a
// signatory, the legal figures and a longer text, so that each row reads every relation. The app
// runs in a child process (bench/exports-app.ts); each export is downloaded over HTTP and timed to
// its last byte, while the child's peak resident memory is read from /proc (VmHWM, reset before
// each run through clear_refs): the growth is that peak minus the resident memory before the run.
// BENCH_ONLY=exports runs it; BENCH_SKIP_SEED=1 re-uses the 200,000 agreements already there.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { hashPassword } from '../src/auth/password.js';
import { freePort } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { EXPORT_COLUMNS } from '../src/modules/agreements/export/export.columns.js';
import { DEFAULT_PRESET } from '../src/modules/agreements/export/export.presets.js';
import { AGREEMENTS, agreementCount, databaseUrl, recreate, seed } from './agreements.js';
import { Client } from './client.js';
import { PASSWORD } from './seed.js';

const EXPECTED = 50_000;
const TARGET_MS = 10_000;
const TARGET_MB = 100;
const USER = 'export@bench.test';

/** Each agreement of centres 1-5 with every party and figure (once: skipped when already done). */
async function enrich(url: string, log: (m: string) => void) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const done = Number((await c.query(`SELECT count(*) AS n FROM "Agreement" WHERE "centreId" <= 5 AND "signatoryId" IS NULL`)).rows[0].n) === 0;
    const hash = (await hashPassword(PASSWORD)).replace(/'/g, "''");
    await c.query(`
      INSERT INTO "User" (email, "passwordHash", "firstName", "lastName", "updatedAt") VALUES ('${USER}', '${hash}', 'Eva', 'Export', now()) ON CONFLICT (email) DO NOTHING;
      INSERT INTO "CentreStaff" ("userId", "centreId", "right", "updatedAt") SELECT u.id, g, 'READ', now() FROM "User" u, generate_series(1, 5) g
        WHERE u.email = '${USER}' AND NOT EXISTS (SELECT 1 FROM "CentreStaff" s WHERE s."userId" = u.id AND s."centreId" = g);`);
    if (done) return;
    const t = performance.now();
    await c.query(`
      INSERT INTO "Service" ("organisationId", name, "normalizedName", "sameAddress", "updatedAt")
        SELECT id, 'Service technique ' || id, 'service technique ' || id, id % 2 = 0, now() FROM "Organisation";
      UPDATE "Service" SET "addressLine1" = id || ' rue du Service', "postalCode" = '69003', city = 'Lyon', country = 'FR' WHERE NOT "sameAddress";
      INSERT INTO "Contact" ("organisationId", "serviceId", civility, "firstName", "lastName", function, email, phone, "updatedAt")
        SELECT s."organisationId", s.id, 'MRS', 'Claire', 'Tutrice-' || s."organisationId", 'Ingénieure', 'tutrice' || s."organisationId" || '@bench.test', '0102030405', now() FROM "Service" s;
      INSERT INTO "Contact" ("organisationId", civility, "firstName", "lastName", function, email, phone, "updatedAt")
        SELECT id, 'MR', 'Marc', 'Signataire-' || id, 'Directeur', 'signataire' || id || '@bench.test', '0102030406', now() FROM "Organisation";
      UPDATE "Agreement" a SET "serviceId" = s.id, "companyTutorId" = t.id, "signatoryId" = g.id,
          activities = 'Analyse du besoin, conception, développement et tests de la mission ' || a.id || ', rédaction de la documentation technique et présentation des résultats à l''équipe.',
          interruptions = '[{"from": "2025-12-24", "to": "2025-12-31"}]',
          "presenceHours" = 420, "presenceDays" = 60, "presenceMonths" = 3, "previousHours" = 0, "stipendDue" = true, "hourlyMinimum" = 4.35, "stipendTotal" = 1827
        FROM "Service" s, "Contact" t, "Contact" g
        WHERE a."centreId" <= 5 AND s."organisationId" = a."organisationId" AND t."serviceId" = s.id AND g."organisationId" = a."organisationId" AND g."lastName" LIKE 'Signataire-%';`);
    await c.query('VACUUM ANALYZE'); // alone: not in the statements' implicit transaction
    log(`  gave the agreements of centres 1-5 their parties and figures in ${Math.round(performance.now() - t)} ms`);
  } finally {
    await c.end();
  }
}

/** The user's current columns (the row with the empty name), as the chooser would save them. */
async function chooseColumns(url: string, columns: readonly string[]) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(
    `INSERT INTO "ExportPreset" ("userId", name, columns, "updatedAt") SELECT id, '', $1, now() FROM "User" WHERE email = $2
     ON CONFLICT ("userId", name) DO UPDATE SET columns = EXCLUDED.columns`,
    [columns, USER],
  );
  await c.end();
}

/** The child's resident memory now and at its peak, in MB (/proc/<pid>/status: VmRSS, VmHWM). */
function memory(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Downloads `p` to its last byte, keeping nothing but counts: the rows (CSV) and the zip's last bytes (XLSX). */
async function download(base: string, client: Client, p: string) {
  const res = await fetch(base + p, { headers: { cookie: client.cookie() } });
  if (res.status !== 200 || !res.body) throw new Error(`GET ${p}: ${res.status}`);
  let bytes = 0;
  let lines = 0;
  let tail = Buffer.alloc(0);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 0x0a) lines++;
    tail = Buffer.concat([tail, Buffer.from(chunk)]).subarray(-64);
  }
  return { bytes, lines, tail };
}

function start(url: string, port: number): Promise<ChildProcess> {
  const child = fork(path.join(import.meta.dirname, 'exports-app.ts'), { execArgv: ['--import', 'tsx'], env: { ...process.env, EXPORT_DATABASE_URL: url, EXPORT_PORT: String(port), NODE_ENV: 'production' } });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the app's process exited (${code})`)));
  });
}

export async function exportsBench(serverUrl: string, log: (m: string) => void) {
  const { url, name } = databaseUrl(serverUrl);
  const have = process.env.BENCH_SKIP_SEED === '1' ? await agreementCount(url) : 0;
  if (have < AGREEMENTS) {
    log(`\nexports: seeding ${AGREEMENTS} agreements in ${name}`);
    await recreate(serverUrl, name);
    await migrate(url);
    await seed(url, log);
  } else {
    await migrate(url);
    log(`\nexports: re-using the ${have} agreements of ${name}`);
  }
  await enrich(url, log);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = await start(url, port);
  try {
    const client = new Client(base);
    await client.signIn(USER);
    const rows: string[] = [];
    for (const [label, columns] of [['default preset', DEFAULT_PRESET.columns], ['every column', EXPORT_COLUMNS.map((c) => c.key)]] as const) {
      await chooseColumns(url, columns);
      for (const format of ['csv', 'xlsx'] as const) {
        // A warm-up on one agreement: the code paths loaded and compiled before the measure.
        await download(base, client, `/agreements/export.${format}?number=1`);
        writeFileSync(`/proc/${child.pid}/clear_refs`, '5'); // the peak (VmHWM) starts again from now
        const before = memory(child.pid!);
        const t = performance.now();
        const got = await download(base, client, `/agreements/export.${format}`);
        const ms = performance.now() - t;
        const after = memory(child.pid!);
        if (format === 'csv' && got.lines !== EXPECTED + 1) throw new Error(`CSV: ${got.lines - 1} rows, expected ${EXPECTED}`);
        // The zip's "end of central directory" record: the XLSX was written to its end.
        if (format === 'xlsx' && !got.tail.includes(Buffer.from([0x50, 0x4b, 0x05, 0x06]))) throw new Error('XLSX: no end of central directory');
        const growth = after.peak - before.rss;
        const ok = ms < TARGET_MS && growth < TARGET_MB ? 'ok' : 'MISSED';
        rows.push(`${format.padEnd(5)} ${label.padEnd(15)} ${String(columns.length).padStart(7)} ${String(EXPECTED).padStart(7)} ${(got.bytes / 1e6).toFixed(1).padStart(8)} ${(ms / 1000).toFixed(2).padStart(7)} ${before.rss.toFixed(0).padStart(9)} ${after.peak.toFixed(0).padStart(8)} ${growth.toFixed(0).padStart(9)}  ${ok}`);
      }
    }
    // The machine's load says how far the times are the export's own (a busy machine stretches them all).
    log(`\nexports of ${EXPECTED} agreements (of ${AGREEMENTS}) over HTTP, the app in its own process; targets: < ${TARGET_MS / 1000} s, memory growth < ${TARGET_MB} MB`);
    log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
    log(`${'fmt'.padEnd(5)} ${'columns'.padEnd(15)} ${'n cols'.padStart(7)} ${'rows'.padStart(7)} ${'MB sent'.padStart(8)} ${'time s'.padStart(7)} ${'RSS0 MB'.padStart(9)} ${'peak MB'.padStart(8)} ${'growth MB'.padStart(9)}`);
    for (const r of rows) log(r);
  } finally {
    child.kill();
  }
}
