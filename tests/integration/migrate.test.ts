import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js';

const serverUrl = inject('serverUrl');
const created: string[] = [];

async function freshDatabase(): Promise<string> {
  const name = `stages_test_mig${created.length}_w${process.env.VITEST_POOL_ID ?? 0}_${process.pid}`;
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name}`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  created.push(name);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function rows(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('SELECT migration_name, checksum, finished_at, applied_steps_count, rolled_back_at FROM "_prisma_migrations" ORDER BY migration_name')).rows;
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
});

const onDisk = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('migration runner', () => {
  it('applies every migration once, records Prisma-compatible rows, and changes nothing the second time', async () => {
    const url = await freshDatabase();
    const first = await migrate(url);
    expect(first.applied).toEqual(onDisk);
    const recorded = await rows(url);
    expect(recorded.map((r) => r.migration_name)).toEqual(onDisk);
    for (const r of recorded) {
      const sql = readFileSync(path.join(MIGRATIONS_DIR, r.migration_name, 'migration.sql'));
      expect(r.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(r.finished_at).not.toBeNull();
      expect(r.applied_steps_count).toBe(1);
      expect(r.rolled_back_at).toBeNull();
    }
    const second = await migrate(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(onDisk);
    expect(await rows(url)).toEqual(recorded);
  });

  it('lets two runners start at once and still applies each migration once', async () => {
    const url = await freshDatabase();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(onDisk);
    expect((await rows(url)).map((r) => r.migration_name)).toEqual(onDisk);
  });

  it('rolls back a failing migration whole and records nothing for it', async () => {
    const url = await freshDatabase();
    const { mkdtempSync, mkdirSync, writeFileSync, chmodSync } = await import('node:fs');
    const os = await import('node:os');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'migs-'));
    chmodSync(dir, 0o755);
    mkdirSync(path.join(dir, '001_ok'));
    writeFileSync(path.join(dir, '001_ok', 'migration.sql'), 'CREATE TABLE ok_table (id int);');
    mkdirSync(path.join(dir, '002_bad'));
    writeFileSync(path.join(dir, '002_bad', 'migration.sql'), 'CREATE TABLE half_table (id int); SELECT * FROM no_such_table;');
    await expect(migrate(url, { dir })).rejects.toThrow(/002_bad/);
    expect((await rows(url)).map((r) => r.migration_name)).toEqual(['001_ok']);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rowCount } = await c.query("SELECT 1 FROM pg_tables WHERE tablename = 'half_table'");
    await c.end();
    expect(rowCount).toBe(0);
  });
});
