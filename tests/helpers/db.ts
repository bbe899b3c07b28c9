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

/**
 * The demo data for an end-to-end file: seeded once per worker (and per Paris day: its dates are
 * relative to today), kept in a schema of its own, then copied back in a fraction of a second for
 * each later file — seeding takes ~10 s, and two dozen files would pay it each. The copy is the
 * tables' rows (generated columns recomputed), with triggers and foreign-key checks off while the
 * consistent rows go back, and each sequence set past its table's ids.
 */
export async function loadDemo(db: Db, seed: (db: Db) => Promise<void>, now = new Date()) {
  const day = now.toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  const tables = (await db.$queryRaw<{ tablename: string }[]>`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`).map((r) => r.tablename);
  const [{ kept }] = await db.$queryRaw<{ kept: string | null }[]>`SELECT (SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'demo_copy') AS kept`;
  await resetDb(db);
  if (kept !== day) {
    await seed(db);
    await db.$executeRawUnsafe('DROP SCHEMA IF EXISTS demo_copy CASCADE');
    await db.$executeRawUnsafe('CREATE SCHEMA demo_copy');
    for (const t of tables) await db.$executeRawUnsafe(`CREATE TABLE demo_copy."${t}" AS TABLE public."${t}"`);
    await db.$executeRawUnsafe(`COMMENT ON SCHEMA demo_copy IS '${day}'`);
    return;
  }
  const columns = await db.$queryRaw<{ table_name: string; cols: string }[]>`
    SELECT table_name, string_agg(format('%I', column_name), ', ' ORDER BY ordinal_position) AS cols
    FROM information_schema.columns WHERE table_schema = 'public' AND is_generated = 'NEVER' GROUP BY table_name`;
  const colsOf = new Map(columns.map((c) => [c.table_name, c.cols]));
  await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('SET LOCAL session_replication_role = replica');
    for (const t of tables) await tx.$executeRawUnsafe(`INSERT INTO public."${t}" (${colsOf.get(t)}) SELECT ${colsOf.get(t)} FROM demo_copy."${t}"`);
  });
  await db.$executeRawUnsafe(`DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT s.relname AS seq, t.relname AS tbl, a.attname AS col FROM pg_class s
      JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a' JOIN pg_class t ON t.oid = d.refobjid
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
      JOIN pg_namespace n ON n.oid = t.relnamespace WHERE s.relkind = 'S' AND n.nspname = 'public'
    LOOP EXECUTE format('SELECT setval(%L, COALESCE((SELECT max(%I) FROM public.%I), 0) + 1, false)', 'public.' || quote_ident(r.seq), r.col, r.tbl); END LOOP; END $$`);
}
