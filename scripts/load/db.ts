// The load run's database: LOAD_DATABASE_URL, or `stages_load` on an embedded PostgreSQL kept in
// .data/load-postgres (so that the bench volumes, minutes to write, are seeded once). Created when
// missing, migrated, seeded with the bench's volumes (bench/seed.ts) unless already there.
import path from 'node:path';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedDb } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { seed, seeded } from '../../bench/seed.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The database to load (its server started when embedded), and how to stop what was started. */
export async function openLoadDatabase(log: (m: string) => void): Promise<{ url: string; embedded?: EmbeddedDb }> {
  const given = process.env.LOAD_DATABASE_URL;
  if (given) {
    await ensureDatabase(given);
    return { url: given };
  }
  const embedded = await startEmbeddedPostgres({ dir: path.join(ROOT, '.data/load-postgres'), port: Number(process.env.LOAD_PG_PORT ?? 0) || (await freePort()), database: 'stages_load' });
  log(`embedded PostgreSQL (.data/load-postgres) on port ${embedded.port}`);
  return { url: embedded.url, embedded };
}

/** CREATE DATABASE from the server's `postgres` database when it is missing. */
async function ensureDatabase(url: string) {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  try {
    if (!(await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
}

/** Migrations, then the bench's volumes unless the database already holds them (bench/seed.ts `seeded`). */
export async function ensureBenchVolumes(url: string, log: (m: string) => void) {
  await migrate(url);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const offers = Number((await c.query('SELECT count(*) AS n FROM "Offer"')).rows[0].n);
  const bench = (await c.query(`SELECT 1 FROM "User" WHERE email = 'staff@bench.test'`)).rowCount;
  await c.end();
  if (offers >= 100_000 && bench) {
    const { counts } = await seeded(url);
    log(`re-using the bench volumes: ${counts.offers} offers, ${counts.requests} open requests, ${counts.students} students`);
    return;
  }
  if (offers > 0) throw new Error(`the database holds ${offers} offers but not the bench's volumes: give an empty database (or one seeded by a previous run)`);
  log('seeding the bench volumes (bench/seed.ts: 100,000 offers, 50,000 requests; once, a few minutes)');
  const t = performance.now();
  const { counts } = await seed(url);
  log(`seeded in ${Math.round((performance.now() - t) / 1000)} s: ${counts.offers} offers, ${counts.requests} open requests, ${counts.students} students`);
}
