// A kill that lands inside a transaction, deterministically: another connection holds a table
// the transaction needs after its first writes (LOCK TABLE … ACCESS EXCLUSIVE), the request is
// sent, and the transaction's backend is seen waiting on that lock (pg_locks) while it
// holds the row-exclusive locks of the tables it already wrote (pg_locks). Then the app is killed,
// the lock released, and the backend seen gone: its transaction rolled back.
import pg from 'pg';
import { waitUntil } from './common.js';

export interface Blocked {
  /** The backend of the request's transaction. */
  pid: number;
  /** The tables it had written when it blocked (row-exclusive locks granted). */
  wrote: string[];
  /** Ends the lock, then waits for that backend to be gone (true when it is). */
  release(): Promise<boolean>;
}

/** The blocked request, or what the database's other backends were doing when it was never seen waiting. */
export async function blockInside(url: string, table: string, send: () => void): Promise<Blocked | string> {
  const locker = new pg.Client({ connectionString: url });
  locker.on('error', () => undefined);
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
  const lockerPid = (await locker.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const release = async () => {
    await locker.query('ROLLBACK').catch(() => undefined);
    await locker.end().catch(() => undefined);
  };
  send();
  let pid: number | undefined;
  const seen = await waitUntil(async () => {
    const rows = (
      // pg_locks is read live; pg_stat_activity would be the snapshot of the locker's transaction.
      await locker.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE pid <> $1 AND NOT granted AND relation = $2::regclass`,
        [lockerPid, `"${table}"`],
      )
    ).rows;
    pid = rows[0]?.pid;
    return pid !== undefined;
  }, 20_000, 50);
  if (!seen || pid === undefined) {
    const activity = (
      await locker.query<{ line: string }>(
        `SELECT concat_ws(' ', pid, state, wait_event_type, wait_event, 'xid=' || backend_xid, left(regexp_replace(query, '\\s+', ' ', 'g'), 100)) AS line FROM pg_stat_activity WHERE datname = current_database() AND pid <> $1`,
        [lockerPid],
      )
    ).rows.map((r) => r.line);
    await release();
    return `never seen waiting on "${table}"; backends: ${activity.join(' | ') || 'none'}`;
  }
  const wrote = (
    await locker.query<{ relname: string }>(
      `SELECT DISTINCT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE l.pid = $1 AND l.granted AND l.mode = 'RowExclusiveLock' AND c.relkind IN ('r', 'p') ORDER BY 1`,
      [pid],
    )
  ).rows.map((r) => r.relname);
  const backend = pid;
  return {
    pid: backend,
    wrote,
    async release() {
      await release();
      const probe = new pg.Client({ connectionString: url });
      await probe.connect();
      try {
        return await waitUntil(async () => (await probe.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [backend])).rowCount === 0, 15_000, 50);
      } finally {
        await probe.end();
      }
    },
  };
}

/** Holds `table` (ACCESS EXCLUSIVE) from a connection of its own: requests that read it wait in the database. */
export async function holdTable(url: string, table: string) {
  const locker = new pg.Client({ connectionString: url });
  locker.on('error', () => undefined);
  await locker.connect();
  await locker.query('BEGIN');
  await locker.query(`LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
  return {
    /** How many backends wait for it now. */
    async waiting() {
      return (await locker.query<{ n: number }>(`SELECT count(DISTINCT pid)::int AS n FROM pg_locks WHERE NOT granted AND relation = $1::regclass`, [`"${table}"`])).rows[0].n;
    },
    async release() {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end().catch(() => undefined);
    },
  };
}
