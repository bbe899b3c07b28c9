// npm run backup / npm run restore: the dump format, its writer, and how the tools find the database.
//
// Why not pg_dump: the machine's pg_dump is PostgreSQL 15's and the servers (the embedded one, the
// test server) are PostgreSQL 18; pg_dump refuses a server newer than itself. Everything the
// platform keeps is in the tables of the public schema (uploaded files and stored PDFs are bytea
// columns), so a dump of those tables' rows, read in one snapshot, is a complete backup; the schema
// itself is rebuilt by the app's migrations at restore time (src/db/restore.ts).
//
// The file is gzip of:
//   "STAGES-BACKUP 1\n"
//   one line of JSON: the header (BackupHeader)
//   for each table of the header, in its order: frames of `COPY … TO STDOUT` text-format data,
//   each a 4-byte big-endian length then that many bytes, ended by a frame of length 0.
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Config } from '../config/index.js';
import { systemClock } from '../time/clock.js';
import { openDatabase, type DatabaseHandle } from './database.js';

export const MAGIC = 'STAGES-BACKUP';
export const FORMAT_VERSION = 1;
/** Frames are gathered up to this size: COPY gives one message per row, mostly small. */
const FRAME_BYTES = 256 * 1024;

export interface TableEntry {
  name: string;
  /** The stored columns (generated ones are recomputed by PostgreSQL on load). */
  columns: string[];
  rows: number;
}

export interface BackupHeader {
  format: typeof MAGIC;
  version: number;
  createdAt: string;
  /** PostgreSQL's version string of the server dumped (for the curious). */
  server: string;
  /** Migrations applied to the database dumped, in order: the schema its rows belong to. */
  migrations: string[];
  /** Every table of the public schema, parents before the tables that reference them. */
  tables: TableEntry[];
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The public schema's tables, each after every table it references (self-references aside). */
export async function tablesInLoadOrder(c: pg.ClientBase): Promise<{ name: string; columns: string[] }[]> {
  const tables = (await c.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)).rows.map((r) => r.name);
  const cols = await c.query<{ table_name: string; cols: string[] }>(
    `SELECT table_name, array_agg(column_name::text ORDER BY ordinal_position) AS cols
       FROM information_schema.columns WHERE table_schema = 'public' AND is_generated = 'NEVER' GROUP BY table_name`,
  );
  const columnsOf = new Map(cols.rows.map((r) => [r.table_name, r.cols]));
  const fks = await c.query<{ child: string; parent: string }>(
    `SELECT cc.relname AS child, pc.relname AS parent FROM pg_constraint k
       JOIN pg_class cc ON cc.oid = k.conrelid JOIN pg_class pc ON pc.oid = k.confrelid
      WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace AND k.conrelid <> k.confrelid`,
  );
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const f of fks.rows) parents.get(f.child)?.add(f.parent);
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (t: string, trail: string[]) => {
    if (state.get(t) === 'done') return;
    // A cycle of foreign keys between tables cannot be loaded table by table without switching
    // the checks off, which a managed PostgreSQL may not allow: say so rather than half-load.
    if (state.get(t) === 'visiting') throw new Error(`foreign keys form a cycle: ${[...trail, t].join(' → ')}`);
    state.set(t, 'visiting');
    for (const p of [...(parents.get(t) ?? [])].sort()) visit(p, [...trail, t]);
    state.set(t, 'done');
    ordered.push(t);
  };
  for (const t of tables) visit(t, []);
  return ordered.map((name) => ({ name, columns: columnsOf.get(name) ?? [] }));
}

/** The migrations recorded as applied, in order (empty without a history table). */
export async function appliedMigrations(c: pg.ClientBase): Promise<string[]> {
  const exists = await c.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = '_prisma_migrations'`);
  if (!exists.rowCount) return [];
  const { rows } = await c.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.map((r) => r.migration_name);
}

/** Writes `chunk` to `out`, waiting when its buffer is full (a slow disk holds the reading back). */
async function put(out: Writable, chunk: Buffer) {
  if (!out.write(chunk)) await once(out, 'drain');
}

function frameLength(n: number) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/**
 * Dumps every table of the public schema of `url` to `out` (which should gzip it) from ONE
 * snapshot: a REPEATABLE READ READ ONLY transaction sees the database as it was when its first
 * statement ran, so the rows of all tables belong together even while the app keeps writing.
 * `onTable` is told each table once written. Ends `out` and resolves with the header.
 */
export async function writeBackup(url: string, out: Writable, opts: { now?: Date; onTable?: (t: TableEntry) => void } = {}): Promise<BackupHeader> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // No statement timeout for this session's long COPYs (the server's default applies otherwise).
    await c.query('SET LOCAL statement_timeout = 0');
    const tables = await tablesInLoadOrder(c);
    const entries: TableEntry[] = [];
    for (const t of tables) {
      const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${quoteIdent(t.name)}`);
      entries.push({ ...t, rows: Number(rows[0].n) });
    }
    const header: BackupHeader = {
      format: MAGIC,
      version: FORMAT_VERSION,
      createdAt: (opts.now ?? systemClock.now()).toISOString(),
      server: (await c.query<{ v: string }>('SELECT version() AS v')).rows[0].v,
      migrations: await appliedMigrations(c),
      tables: entries,
    };
    await put(out, Buffer.from(`${MAGIC} ${FORMAT_VERSION}\n${JSON.stringify(header)}\n`));
    for (const t of entries) {
      const copy = c.query(copyTo(`COPY ${quoteIdent(t.name)} (${t.columns.map(quoteIdent).join(', ')}) TO STDOUT`));
      let pending: Buffer[] = [];
      let size = 0;
      const flush = async () => {
        if (!size) return;
        await put(out, frameLength(size));
        await put(out, Buffer.concat(pending, size));
        pending = [];
        size = 0;
      };
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        pending.push(chunk);
        size += chunk.length;
        if (size >= FRAME_BYTES) await flush();
      }
      await flush();
      await put(out, frameLength(0));
      if (copy.rowCount !== t.rows) throw new Error(`${t.name}: ${copy.rowCount} rows copied, ${t.rows} counted in the same snapshot`);
      opts.onTable?.(t);
    }
    await c.query('COMMIT');
    out.end();
    await once(out, 'finish');
    return header;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Reads exact byte counts and lines from a stream (the gunzipped backup). */
export class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private it: AsyncIterator<Buffer>;
  constructor(stream: Readable) {
    this.it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }
  private async fill(n: number) {
    while (this.buf.length < n) {
      const next = await this.it.next();
      if (next.done) throw new Error('the backup file ends too early (truncated or not a backup)');
      this.buf = this.buf.length ? Buffer.concat([this.buf, next.value]) : next.value;
    }
  }
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  async line(max = 64 * 1024 * 1024): Promise<string> {
    for (;;) {
      const i = this.buf.indexOf(0x0a);
      if (i >= 0) {
        const out = this.buf.subarray(0, i).toString('utf8');
        this.buf = this.buf.subarray(i + 1);
        return out;
      }
      if (this.buf.length > max) throw new Error('not a Stages backup (no header line)');
      await this.fill(this.buf.length + 1);
    }
  }
  /** One table's data, frame by frame, up to its end frame. */
  async *frames(): AsyncGenerator<Buffer> {
    for (;;) {
      const n = (await this.read(4)).readUInt32BE(0);
      if (n === 0) return;
      yield Buffer.from(await this.read(n));
    }
  }
  /** True when nothing follows. */
  async atEnd(): Promise<boolean> {
    if (this.buf.length) return false;
    const next = await this.it.next();
    if (next.done) return true;
    this.buf = next.value;
    return this.buf.length === 0 ? this.atEnd() : false;
  }
}

/** Reads and checks the magic line and the header. */
export async function readHeader(r: ByteReader): Promise<BackupHeader> {
  const magic = await r.line(64);
  const m = /^STAGES-BACKUP (\d+)$/.exec(magic);
  if (!m) throw new Error('not a Stages backup (its first line is not "STAGES-BACKUP <version>")');
  if (Number(m[1]) !== FORMAT_VERSION) throw new Error(`backup format ${m[1]} is not known to this version of Stages (it reads format ${FORMAT_VERSION})`);
  const header = JSON.parse(await r.line()) as BackupHeader;
  if (header.format !== MAGIC || !Array.isArray(header.tables) || !Array.isArray(header.migrations)) throw new Error('the backup header is damaged');
  return header;
}

/**
 * The database the tools work on, found as the app finds it (src/db/database.ts): DATABASE_URL, or
 * the embedded cluster of EMBEDDED_PG_DIR. An embedded cluster the app is running is used where it
 * runs (its port read from postmaster.pid) — starting it a second time would fail on its lock —,
 * otherwise it is started for the tool and stopped after.
 */
export async function toolDatabase(config: Config, log: (m: string) => void): Promise<DatabaseHandle> {
  if (config.DATABASE_URL) return openDatabase(config, log);
  const running = runningEmbeddedPort(config.EMBEDDED_PG_DIR);
  if (running) {
    log(`using the embedded PostgreSQL running in ${config.EMBEDDED_PG_DIR} (port ${running})`);
    return { url: `postgresql://stages:stages@127.0.0.1:${running}/stages`, embedded: true, stop: async () => undefined };
  }
  return openDatabase(config, log);
}

function runningEmbeddedPort(dir: string): number | undefined {
  const file = path.join(path.resolve(dir), 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  // postmaster.pid: pid, data folder, start time, port, … (one per line).
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it runs, as another user (the 'postgres' system user when we are root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return port;
}

/** The URL without its password, for messages. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || 5432}${u.pathname}`;
}
