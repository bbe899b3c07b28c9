// npm run backup [-- FILE]: a consistent dump of the whole database (files included: they are
// bytea rows) to one gzip file, by default backups/stages-<date>-<time>.backup.gz. The database is
// DATABASE_URL, or the embedded one as npm start finds it. See src/db/backup.ts for the format and
// for why this is not pg_dump (the system's pg_dump 15 refuses the PostgreSQL 18 server).
import 'dotenv/config';
import { createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { describeUrl, toolDatabase, writeBackup } from '../src/db/backup.js';
import { describeError } from '../src/http/errors.js';
import { systemClock } from '../src/time/clock.js';

const say = (m: string) => console.log(`[backup] ${m}`);

async function main(): Promise<number> {
  const now = systemClock.now();
  const stamp = now.toISOString().slice(0, 19).replace(/:/g, '-').replace('T', '-');
  const file = path.resolve(process.argv[2] ?? path.join('backups', `stages-${stamp}.backup.gz`));
  const config = loadConfig(process.env, { sessionSecret: false });
  const db = await toolDatabase(config, say);
  // Written beside the target under another name and renamed at the end: a failed or interrupted
  // backup never leaves a file that looks complete.
  const partial = `${file}.partial`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    say(`dumping ${describeUrl(db.url)} to ${file}`);
    const t0 = performance.now();
    const raw = new PassThrough();
    const written = pipeline(raw, createGzip(), createWriteStream(partial, { mode: 0o600 }));
    let total = 0;
    const header = await writeBackup(db.url, raw, {
      now,
      onTable: (t) => {
        total += t.rows;
        console.log(`${t.name.padEnd(28)} ${String(t.rows).padStart(9)} rows`);
      },
    });
    await written;
    renameSync(partial, file);
    say(`${header.tables.length} tables, ${total} rows, ${header.migrations.length} migrations, ${statSync(file).size} bytes (gzip) in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${file}`);
    return 0;
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[backup] failed: ${err instanceof ConfigError ? err.message : describeError(err)}`);
    process.exit(1);
  },
);
