// npm run restore FILE: a backup of `npm run backup` into an EMPTY database (DATABASE_URL, or the
// embedded one as npm start finds it). Exit codes: 0 restored, 1 failed (nothing kept: the load is
// one transaction), 2 the database is not empty (nothing written), 3 the backup is newer than this
// code (nothing written). See src/db/restore.ts.
import 'dotenv/config';
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../src/config/index.js';
import { describeUrl, toolDatabase } from '../src/db/backup.js';
import { RestoreRefused, restoreBackup } from '../src/db/restore.js';
import { describeError } from '../src/http/errors.js';

const say = (m: string) => console.log(`[restore] ${m}`);

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    console.error('[restore] usage: npm run restore FILE (a file written by npm run backup)');
    return 1;
  }
  if (!existsSync(file)) {
    console.error(`[restore] no such file: ${file}`);
    return 1;
  }
  const config = loadConfig(process.env, { sessionSecret: false });
  const db = await toolDatabase(config, say);
  try {
    say(`restoring ${file} into ${describeUrl(db.url)}`);
    const t0 = performance.now();
    let total = 0;
    const r = await restoreBackup(db.url, file, {
      log: say,
      onTable: (t) => {
        total += t.rows;
        console.log(`${t.name.padEnd(28)} ${String(t.rows).padStart(9)} rows`);
      },
    });
    say(`${r.tables.length} tables, ${total} rows (as the backup's header says), ${r.header.migrations.length} migrations, backup of ${r.header.createdAt}, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return 0;
  } catch (err) {
    if (err instanceof RestoreRefused) {
      console.error(`[restore] refused: ${err.message}`);
      return err.exitCode;
    }
    console.error(`[restore] failed (nothing kept): ${err instanceof ConfigError ? err.message : describeError(err)}`);
    return 1;
  } finally {
    await db.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[restore] failed: ${describeError(err)}`);
    process.exit(1);
  },
);
