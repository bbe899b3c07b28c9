import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';
import { log } from '../log.js';

export type Db = PrismaClient;
/** The client handed to code running inside db.$transaction(async (tx) => …). */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
/** Either the root client or a transaction: helpers that write take this so callers choose. */
export type DbOrTx = Db | Tx;

const pools = new WeakMap<Db, pg.Pool>();
let stopping = false;

/**
 * Says the process is stopping: a connection the server then closes is expected, not a warning
 * (Ctrl-C reaches the embedded PostgreSQL, in the same process group, as soon as it reaches us).
 */
export function markStopping() {
  stopping = true;
}
export const isStopping = () => stopping;

/**
 * A pg pool of our own behind Prisma's adapter, so that shutdown can end it before the database
 * stops, and so that an idle connection dropped by the server (restart, failover) is logged
 * instead of crashing the process with an unhandled 'error' event.
 */
export function createDb(url: string, opts: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  pool.on('error', (err) => {
    if (isStopping()) log.info('database connection closed while stopping', { error: err.message });
    else log.warn('idle database connection lost', { error: err.message });
  });
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(db, pool);
  return db;
}

export async function closeDb(db: Db) {
  await db.$disconnect();
  await pools.get(db)?.end();
}
