// npm run restore FILE: a backup of src/db/backup.ts into an empty database.
import { cpSync, createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ByteReader, quoteIdent, readHeader, tablesInLoadOrder, type BackupHeader } from './backup.js';
import { migrate, MIGRATIONS_DIR } from './migrate.js';

/** A restore refused before anything was written; `exitCode` says why (2: the database is not empty). */
export class RestoreRefused extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface RestoreResult {
  header: BackupHeader;
  /** Migrations applied by the restore (the dump's own list). */
  migrated: string[];
  tables: { name: string; rows: number }[];
}

/**
 * The tables of the public schema. A restore goes into a database that has none: the migrations
 * themselves write rows (the legal parameters, the nomenclatures…), so a database already migrated
 * cannot be told apart from one holding someone's data by its rows alone, and a restore must never
 * mix the dump's rows with others.
 */
async function existingTables(c: pg.ClientBase): Promise<string[]> {
  const { rows } = await c.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  return rows.map((r) => r.tablename);
}

/**
 * Restores the backup `file` into the (empty) database of `url`:
 *  1. refuses a database that has tables (RestoreRefused, exit code 2) and a dump made with
 *     migrations this code does not have (exit code 3) — before writing anything;
 *  2. builds the schema with the app's migrations, up to the dump's list exactly (later ones are
 *     applied by the app's next start, over the restored rows, as after any upgrade);
 *  3. in ONE transaction: the rows the migrations wrote emptied, then each table loaded with
 *     `COPY … FROM STDIN` in the dump's order (parents first, so every foreign key holds as rows
 *     arrive, with no superuser switch such as session_replication_role, which a managed
 *     PostgreSQL may not grant), every sequence set past its column's largest value, and each
 *     table's row count compared with the header — a difference rolls everything back.
 * `onTable` is told each table once loaded.
 */
export async function restoreBackup(url: string, file: string, opts: { onTable?: (t: { name: string; rows: number }) => void; log?: (m: string) => void } = {}): Promise<RestoreResult> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.pipe(gunzip);
  input.on('error', (err) => gunzip.destroy(err));
  const reader = new ByteReader(gunzip);
  const c = new pg.Client({ connectionString: url });
  let tmp: string | undefined;
  try {
    const header = await readHeader(reader);
    await c.connect();
    const known = new Set(readdirSync(MIGRATIONS_DIR));
    const unknown = header.migrations.filter((m) => !known.has(m));
    if (unknown.length) throw new RestoreRefused(`the backup was made by a newer version of Stages: migration(s) ${unknown.join(', ')} are not in this code; restore with that version (or a later one)`, 3);
    const busy = await existingTables(c);
    if (busy.length) throw new RestoreRefused(`the database is not empty (${busy.length} tables: ${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', …' : ''}): a restore goes into a new, empty database only — create one (CREATE DATABASE) and restore there`, 2);

    // The schema of the dump: its migrations only, copied aside so that the runner sees no other.
    tmp = mkdtempSync(path.join(os.tmpdir(), 'stages-restore-'));
    for (const m of header.migrations) cpSync(path.join(MIGRATIONS_DIR, m), path.join(tmp, m), { recursive: true });
    const migrated = await migrate(url, { dir: tmp, log: opts.log });

    const target = new Map((await tablesInLoadOrder(c)).map((t) => [t.name, t.columns]));
    const missing = header.tables.filter((t) => !target.has(t.name)).map((t) => t.name);
    if (missing.length) throw new Error(`tables of the backup missing after the migrations: ${missing.join(', ')}`);
    const extra = [...target.keys()].filter((t) => !header.tables.some((h) => h.name === t));
    if (extra.length) throw new Error(`tables the backup does not have, after its migrations: ${extra.join(', ')}`);

    const loaded: { name: string; rows: number }[] = [];
    await c.query('BEGIN');
    try {
      await c.query('SET LOCAL statement_timeout = 0');
      // The rows the migrations just wrote (reference data, and the history with today's dates) make
      // way for the dump's, which hold their state as it was dumped.
      await c.query(`TRUNCATE ${[...target.keys()].map(quoteIdent).join(', ')}`);
      for (const t of header.tables) {
        const columns = target.get(t.name)!;
        const absent = t.columns.filter((col) => !columns.includes(col));
        if (absent.length) throw new Error(`${t.name}: column(s) ${absent.join(', ')} of the backup missing after the migrations`);
        const copy = c.query(copyFrom(`COPY ${quoteIdent(t.name)} (${t.columns.map(quoteIdent).join(', ')}) FROM STDIN`));
        await pipeline(Readable.from(reader.frames()), copy);
        const n = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(t.name)}`)).rows[0].n);
        if (n !== t.rows) throw new Error(`${t.name}: ${n} rows loaded, the backup's header says ${t.rows}`);
        loaded.push({ name: t.name, rows: n });
        opts.onTable?.({ name: t.name, rows: n });
      }
      if (!(await reader.atEnd())) throw new Error('the backup file has data after its last table (damaged?)');
      await resetSequences(c);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return { header, migrated: migrated.applied, tables: loaded };
  } finally {
    input.destroy();
    await c.end().catch(() => undefined);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every sequence owned by a column of the public schema: next value past the column's largest. */
async function resetSequences(c: pg.ClientBase) {
  const { rows } = await c.query<{ seq: string; tbl: string; col: string }>(
    `SELECT s.relname AS seq, t.relname AS tbl, a.attname AS col FROM pg_class s
       JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       JOIN pg_class t ON t.oid = d.refobjid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
       JOIN pg_namespace n ON n.oid = s.relnamespace
      WHERE s.relkind = 'S' AND n.nspname = 'public'`,
  );
  for (const r of rows) {
    await c.query(`SELECT setval($1, COALESCE((SELECT max(${quoteIdent(r.col)}) FROM ${quoteIdent(r.tbl)}), 0) + 1, false)`, [`public.${quoteIdent(r.seq)}`]);
  }
}
