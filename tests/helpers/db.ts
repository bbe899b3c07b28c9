import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';

let cached: { url: string; db: Db } | undefined;

/** This worker's own database, cloned from the migrated template on first use. */
export async function testDatabaseUrl(): Promise<string> {
  if (cached) return cached.url;
  const serverUrl = inject('serverUrl');
  const template = inject('templateDb');
  const name = template.replace('template', `w${process.env.VITEST_POOL_ID ?? '0'}`);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function testDb(): Promise<Db> {
  if (cached) return cached.db;
  const url = await testDatabaseUrl();
  cached = { url, db: createDb(url) };
  return cached.db;
}

/** Empties every table but the migration history, so each test starts from a known state. */
export async function resetDb(db: Db) {
  const rows = await db.$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (rows.length) await db.$executeRawUnsafe(`TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}
