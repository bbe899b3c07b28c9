// Issue 16, "Backups": `npm run backup` and `npm run restore FILE` run as an operator runs them
// (real processes, DATABASE_URL in their environment). The demo world (agreements at every stage,
// signatures, stored signed PDFs and scans, documents) is backed up, restored into a new database,
// and the app on the restored database must serve what the app on the original serves.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DEMO_ACCOUNTS, seedDemo } from '../../prisma/seed-data.js';
import { closeApp, createApp } from '../../src/app.js';
import { closeDb, createDb, type Db } from '../../src/db/client.js';
import { minimalPdf } from '../factories/students.js';
import { agent, testConfig } from '../helpers/app.js';
import { loadDemo, testDatabaseUrl, testDb } from '../helpers/db.js';
import { ROOT, serverEnv } from './server.js';

/** Runs `npm run <script> [-- args]` with DATABASE_URL set, as an operator would. */
function npmRun(script: string, args: string[], databaseUrl: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', script, '--', ...args], { cwd: ROOT, env: serverEnv({ DATABASE_URL: databaseUrl }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

/** Every table of the public schema and a digest of its rows (all columns, generated ones included). */
async function digests(url: string): Promise<Record<string, string>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = (await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.t);
    const out: Record<string, string> = {};
    for (const t of tables) {
      // The migration history's dates are the restore's concern only in that they are kept as dumped: compared too.
      const { rows } = await c.query<{ n: string; d: string }>(`SELECT count(*) AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS d FROM "${t}" x`);
      out[t] = `${rows[0].n}:${rows[0].d}`;
    }
    return out;
  } finally {
    await c.end();
  }
}

/** A page's content without what differs per request or per session (tokens, nonces, request ids). */
function comparable(html: string) {
  return html
    .replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf"')
    .replace(/nonce="[^"]*"/g, '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('npm run backup, npm run restore FILE', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'stages-backup-'));
  const file = path.join(tmp, 'demo.backup.gz');
  let sourceUrl: string;
  let restoredUrl: string;
  let adminUrl: string;
  let restoredName: string;
  let source: { db: Db; app: Express };
  let restored: { db: Db; app: Express } | undefined;

  beforeAll(async () => {
    sourceUrl = await testDatabaseUrl();
    source = { db: await testDb(), app: undefined as unknown as Express };
    // The demo world, seeded once per worker and day (tests/helpers/db.ts), copied back in a moment.
    await loadDemo(source.db, seedDemo);
    source.app = createApp({ config: testConfig(), db: source.db, databaseUrl: sourceUrl });
    adminUrl = inject('serverUrl');
    restoredName = inject('templateDb').replace('template', `restored${process.env.VITEST_POOL_ID ?? '0'}`);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${restoredName}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${restoredName}`;
    restoredUrl = u.toString();
  }, 180_000);

  afterAll(async () => {
    await closeApp(source.app);
    if (restored) {
      await closeApp(restored.app);
      await closeDb(restored.db);
    }
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('backs up the seeded world and restores it, table for table, into an empty database', { timeout: 90_000 }, async () => {
    const before = await digests(sourceUrl);
    const backup = await npmRun('backup', [file], sourceUrl);
    expect(backup.code, backup.out).toBe(0);
    // One line per table, then the summary; the file is not world-readable (it holds every password hash).
    for (const t of Object.keys(before)) expect(backup.out).toMatch(new RegExp(`^${t} +\\d+ rows$`, 'm'));
    expect(backup.out).toMatch(/\[backup\] 58 tables, \d+ rows, \d+ migrations/);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const restore = await npmRun('restore', [file], restoredUrl);
    expect(restore.code, restore.out).toBe(0);
    expect(restore.out).toMatch(/\[restore\] 58 tables, \d+ rows \(as the backup's header says\)/);
    // Every row of every table (files, signatures, the session table, the migration history) as dumped.
    expect(await digests(restoredUrl)).toEqual(before);
    // The source was only read.
    expect(await digests(sourceUrl)).toEqual(before);
    restored = { db: createDb(restoredUrl), app: undefined as unknown as Express };
    restored.app = createApp({ config: testConfig(), db: restored.db, databaseUrl: restoredUrl });
  });

  it('serves the same agreements, signed PDFs, scans and signatures from the restored database', { timeout: 60_000 }, async () => {
    expect(restored).toBeDefined();
    const staff = 'gestionnaire@demo.test';
    expect(DEMO_ACCOUNTS.some((a) => a.email === staff)).toBe(true);
    const [a, b] = [await agent(source.app, staff), await agent(restored!.app, staff)];
    const get = async (path: string) => {
      const [x, y] = await Promise.all([a.a.get(path).buffer(true), b.a.get(path).buffer(true)]);
      expect(x.status, path).toBe(200);
      expect(y.status, path).toBe(200);
      return [x, y] as const;
    };
    // The centre's agreement list: the same agreements (by number) in the same order.
    const [listA, listB] = await get('/agreements/search?startFrom=2000-01-01&sort=number');
    const numbers = listA.text.match(/\b20\d\d-\d{5}\b/g) ?? [];
    expect(new Set(numbers).size).toBeGreaterThanOrEqual(5);
    expect(listB.text.match(/\b20\d\d-\d{5}\b/g)).toEqual(numbers);

    // An agreement signed by its parties, with its stored signed PDF and a paper signature's scan.
    const signed = await source.db.agreement.findFirstOrThrow({ where: { finalPdfFileId: { not: null }, signatures: { some: { paperFileId: { not: null } } } }, select: { id: true, finalPdfSha256: true, signatures: { select: { id: true, paperFileId: true } } } });
    const [pageA, pageB] = await get(`/agreements/${signed.id}`);
    expect(comparable(pageB.text)).toBe(comparable(pageA.text));
    const [pdfA, pdfB] = await get(`/agreements/${signed.id}/final.pdf`);
    expect(pdfB.body.equals(pdfA.body)).toBe(true);
    expect(sha(pdfB.body)).toBe(signed.finalPdfSha256);
    const scanned = signed.signatures.find((s) => s.paperFileId)!;
    const [scanA, scanB] = await get(`/agreements/${signed.id}/signatures/${scanned.id}/scan`);
    expect(scanA.body.length).toBeGreaterThan(1000);
    expect(scanB.body.equals(scanA.body)).toBe(true);

    // The signatures themselves (who, when, how, the signed document's hash), row for row.
    const sigs = (db: Db) => db.agreementSignature.findMany({ orderBy: { id: 'asc' } });
    const [sigA, sigB] = await Promise.all([sigs(source.db), sigs(restored!.db)]);
    expect(sigA.filter((s) => s.signedAt).length).toBeGreaterThan(5);
    expect(sigB).toEqual(sigA);
  });

  it('gives a record created after the restore a fresh id: every sequence was set past its column', { timeout: 30_000 }, async () => {
    const maxFile = (await restored!.db.storedFile.aggregate({ _max: { id: true } }))._max.id!;
    const student = await agent(restored!.app, 'etudiant@demo.test');
    const up = await student.a.post('/profile/cv').field('_csrf', student.csrf).attach('cv', minimalPdf(), 'mon-cv.pdf');
    expect(up.status).toBe(303);
    const cv = await student.a.get('/profile/cv').buffer(true);
    expect(cv.status).toBe(200);
    expect(cv.body.equals(minimalPdf())).toBe(true);
    const profile = await restored!.db.studentProfile.findFirstOrThrow({ where: { user: { email: 'etudiant@demo.test' } }, select: { cvFileId: true } });
    expect(profile.cvFileId).toBe(maxFile + 1);
    // And for every table with a sequence: its next value is past the largest id restored.
    const c = new pg.Client({ connectionString: restoredUrl });
    await c.connect();
    try {
      const { rows } = await c.query<{ seq: string; tbl: string; col: string }>(`SELECT s.relname AS seq, t.relname AS tbl, a.attname AS col FROM pg_class s
        JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') JOIN pg_class t ON t.oid = d.refobjid
        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid WHERE s.relkind = 'S' AND s.relnamespace = 'public'::regnamespace`);
      expect(rows.length).toBeGreaterThan(30);
      for (const r of rows) {
        const { rows: v } = await c.query<{ next: string; max: string | null }>(`SELECT nextval('public."${r.seq}"') AS next, (SELECT max("${r.col}") FROM "${r.tbl}") AS max`);
        expect(Number(v[0].next), r.seq).toBeGreaterThan(Number(v[0].max ?? 0));
      }
    } finally {
      await c.end();
    }
  });

  it('refuses a database that is not empty, with exit code 2, and writes nothing there', { timeout: 60_000 }, async () => {
    const before = await digests(restoredUrl);
    // Not a backup at all, beside: a failure (1), not a crash.
    const [again, bogus] = await Promise.all([npmRun('restore', [file], restoredUrl), npmRun('restore', [path.join(ROOT, 'package.json')], restoredUrl)]);
    expect(again.code, again.out).toBe(2);
    expect(again.out).toMatch(/\[restore\] refused: the database is not empty \(58 tables: .*\): a restore goes into a new, empty database only/);
    expect(await digests(restoredUrl)).toEqual(before);
    expect(bogus.code).toBe(1);
    expect(bogus.out).toMatch(/\[restore\] failed/);
  });
});
