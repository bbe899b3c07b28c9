import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { createHash } from 'node:crypto';
import { PrismaClient, type Prisma } from '../generated/prisma/client.js';
import { log } from '../log.js';

export type Db = PrismaClient;
/** The client handed to code running inside db.$transaction(async (tx) => …). */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
/** Either the root client or a transaction: helpers that write take this so callers choose. */
export type DbOrTx = Db | Tx;

const pools = new WeakMap<Db, pg.Pool>();
const genericPools = new WeakMap<Db, pg.Pool>();
let stopping = false;

/**
 * Says the process is stopping: a connection the server then closes is expected, not a warning
 * (Ctrl-C reaches the embedded PostgreSQL, in the same process group, as soon as it reaches us).
 */
export function markStopping() {
  stopping = true;
}
export const isStopping = () => stopping;

/** How long a connection may take to open, and a statement to run (DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS). */
export interface DbTimeouts {
  connectMs: number;
  statementMs: number;
}
export const DEFAULT_TIMEOUTS: DbTimeouts = { connectMs: 5_000, statementMs: 15_000 };

/**
 * A pg pool for the app (Prisma's adapter, the session store). A database that is away or frozen
 * gives errors after the timeouts rather than requests that hang: a connection that does not open
 * in `connectMs` (or a pooled one not free by then) fails; a statement is cancelled by the server
 * after `statementMs` (statement_timeout), and given up by the client a second later when the
 * server does not even answer (query_timeout; the pool then drops that connection). Broken
 * connections leave the pool, so it recovers by itself once the database is back; an idle one
 * dropped by the server is logged instead of crashing the process with an unhandled 'error' event.
 */
export function createPool(url: string, opts: { max: number; timeouts?: DbTimeouts; name: string; options?: string }): pg.Pool {
  const t = opts.timeouts ?? DEFAULT_TIMEOUTS;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max,
    connectionTimeoutMillis: t.connectMs,
    statement_timeout: t.statementMs,
    query_timeout: t.statementMs + 1_000,
    keepAlive: true,
    ...(opts.options ? { options: opts.options } : {}),
  });
  pool.on('error', (err) => {
    if (isStopping()) log.info(`${opts.name}: connection closed while stopping`, { error: err.message });
    else log.warn(`${opts.name}: idle connection lost`, { error: err.message });
  });
  return pool;
}

/** Connections of the pool whose statements keep one generic plan (preparedRows' `plan: 'generic'`), beside the app's 10. */
export const GENERIC_POOL_MAX = 4;

/**
 * The Prisma client on a pool of our own, so that shutdown can end it before the database stops,
 * and a small pool whose connections keep one generic plan per named statement (plan_cache_mode):
 * left to choose, PostgreSQL re-planned the centre dashboard's statement at every run (a custom
 * plan looked cheaper than its generic one), 2.7 ms a run against 1 ms with the generic plan. The
 * choice stays PostgreSQL's everywhere else: forcing it made the CV book's statement 4× slower.
 */
export function createDb(url: string, opts: { max?: number; timeouts?: DbTimeouts } = {}): Db {
  const pool = createPool(url, { max: opts.max ?? 10, timeouts: opts.timeouts, name: 'database' });
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(db, pool);
  genericPools.set(db, createPool(url, { max: GENERIC_POOL_MAX, timeouts: opts.timeouts, name: 'generic plans', options: '-c plan_cache_mode=force_generic_plan' }));
  return db;
}

/**
 * How preparedRows reads timestamps and dates: as Prisma does, whatever the process's time zone
 * (the columns hold UTC wall times): a timestamp is that instant in UTC, a date is its UTC midnight.
 */
const PREPARED_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.TIMESTAMP) return (s: string) => new Date(`${s.replace(' ', 'T')}Z`);
    if (oid === pg.types.builtins.DATE) return (s: string) => new Date(`${s}T00:00:00Z`);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

/**
 * A hot read (one a busy page runs on every request) as a named prepared statement on the pool
 * behind `db`: PostgreSQL parses it once per connection instead of once per request, and plans it
 * once too when it keeps a generic plan, which for a statement of many sub-selects is most of its
 * cost. `plan: 'generic'` runs it where the generic plan is always kept (createDb); `plan: 'each'`
 * sends it unnamed, planned for its values at each run; by default PostgreSQL chooses. Rows come as pg gives them
 * (bigint and numeric as strings, json parsed), timestamps and dates as Prisma gives them; a Date
 * parameter is sent as its UTC time, as Prisma sends it. Falls back to $queryRaw for a client
 * without our pool (a transaction).
 */
export async function preparedRows<T>(db: DbOrTx, sql: Prisma.Sql, opts: { plan?: 'each' | 'generic' } = {}): Promise<T[]> {
  const pool = (opts.plan === 'generic' ? genericPools : pools).get(db as Db);
  if (!pool) return db.$queryRawUnsafe<T[]>(sql.text, ...sql.values);
  // A search whose best plan depends on its values (how many offers a filter keeps) is planned at
  // each run: after five runs PostgreSQL would keep one generic plan for a named statement, twice
  // as slow on 100,000 offers. It still skips Prisma's layer.
  const name = opts.plan === 'each' ? undefined : `p_${createHash('sha1').update(sql.text).digest('base64url').slice(0, 20)}`;
  const values = sql.values.map((v) => (v instanceof Date ? v.toISOString() : v));
  return (await pool.query({ name, text: sql.text, values, types: PREPARED_TYPES })).rows as T[];
}

export async function closeDb(db: Db) {
  await db.$disconnect();
  await Promise.all([pools.get(db)?.end(), genericPools.get(db)?.end()]);
}

/** The configured timeouts (see src/config). */
export function timeoutsOf(config: { DB_CONNECT_TIMEOUT_MS: number; DB_STATEMENT_TIMEOUT_MS: number }): DbTimeouts {
  return { connectMs: config.DB_CONNECT_TIMEOUT_MS, statementMs: config.DB_STATEMENT_TIMEOUT_MS };
}
