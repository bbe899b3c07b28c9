import 'dotenv/config';
import type { Express } from 'express';
import type { Server } from 'node:http';
import pg from 'pg';
import { closeApp, createApp } from './app.js';
import { startDocumentWorkers } from './documents/index.js';
import type { Ctx } from './context.js';
import { ConfigError, loadConfig } from './config/index.js';
import { closeDb, createDb, markStopping, timeoutsOf, type Db } from './db/client.js';
import { openDatabase, StartupError, type DatabaseHandle } from './db/database.js';
import { migrate } from './db/migrate.js';
import { describeError } from './http/errors.js';
import { startJobs } from './jobs/index.js';
import { log } from './log.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from '../prisma/seed-data.js';

/** A stop (signal, crash, failed start) ends the process within this delay, whatever hangs. */
const STOP_DEADLINE_MS = 9_000;

const say = (m: string) => console.log(`[stages] ${m}`);

// What is running, for the stop: each part is closed in the reverse order of the start.
const running: { database?: DatabaseHandle; db?: Db; app?: Express; server?: Server; jobs?: { stop(): Promise<void> } } = {};
let stopping = false;

/**
 * Stops everything in order (jobs and HTTP, pools, then the database) and exits with `code`. Each step
 * runs even if one before failed, and a deadline ends the process should one hang; the embedded
 * PostgreSQL is stopped on exit in any case (src/db/embedded.ts).
 */
async function stop(why: string, code: number) {
  if (stopping) return;
  stopping = true;
  markStopping();
  if (code === 0) say(`${why}, stopping…`);
  setTimeout(() => {
    console.error(`[stages] stopping took more than ${STOP_DEADLINE_MS / 1000} s: exiting now`);
    process.exit(code || 1);
  }, STOP_DEADLINE_MS).unref();
  const step = async (name: string, fn: () => Promise<unknown> | undefined) => {
    try {
      await fn();
    } catch (err) {
      log.warn(`stop: ${name} failed`, { error: describeError(err) });
    }
  };
  // The listener closes at once (new connections refused) while the jobs end their current step;
  // requests in flight are answered meanwhile.
  await Promise.all([step('jobs', () => running.jobs?.stop()), step('http', () => closeServer(running.server))]);
  await step('session pool', () => (running.app ? closeApp(running.app) : undefined));
  await step('database pool', () => (running.db ? closeDb(running.db) : undefined));
  await step('database', () => running.database?.stop());
  if (code === 0) say('stopped.');
  process.exit(code);
}

/**
 * Requests in flight at a stop have this long to be answered (a PDF or an export under load takes
 * seconds); the rest of the deadline is left to the pools and the database.
 */
const ANSWER_GRACE_MS = STOP_DEADLINE_MS - 2_000;

/** Stops accepting connections, closes idle keep-alive ones at once and the busy ones after ANSWER_GRACE_MS. */
function closeServer(server: Server | undefined) {
  if (!server?.listening) return undefined;
  return new Promise<void>((resolve) => {
    const late = setTimeout(() => server.closeAllConnections(), ANSWER_GRACE_MS).unref();
    server.close(() => {
      clearTimeout(late);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Listens on PORT; a taken port is said in one line with the variable that changes it. */
function listen(app: Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port);
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new StartupError(`port ${port} is already in use (another copy of Stages, or another server): set PORT to a free port`));
      else if (err.code === 'EACCES') reject(new StartupError(`port ${port} needs privileges this process does not have: set PORT to a port above 1023`));
      else reject(err);
    });
  });
}

/**
 * Loads the demo data into an empty database, once: instances starting together on one empty
 * database take turns on an advisory lock (held by a connection of its own), and the later ones
 * find the users there.
 */
async function seedOnce(url: string, db: Db): Promise<boolean> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query(`SELECT pg_advisory_lock(hashtext('stages:seed-demo'))`);
    if ((await db.user.count()) > 0) return false;
    await seedDemo(db);
    return true;
  } finally {
    await lock.end();
  }
}

// Start-up order: config → database → migrations → (demo data) → listen → jobs.
async function main() {
  const config = loadConfig();
  // Libraries that read NODE_ENV themselves (Express's defaults) see the mode the config chose.
  process.env.NODE_ENV ??= config.NODE_ENV;
  say(`${config.NODE_ENV} mode${config.VIEWS_RELOAD ? ', views read again at each render' : ''}`);
  running.database = await openDatabase(config, say);
  const url = running.database.url;
  running.db = createDb(url, { timeouts: timeoutsOf(config) });

  const result = await migrate(url, { log: say }).catch((err) => {
    const u = new URL(url);
    throw new StartupError(`the database ${u.hostname}:${u.port || 5432}${u.pathname} cannot be migrated: ${describeError(err)}`);
  });
  say(`database ready (${result.applied.length} migration(s) applied now, ${result.alreadyApplied.length} already in place)`);

  const seeded = config.SEED_DEMO && (await seedOnce(url, running.db));
  if (seeded) say('demo data loaded');

  running.app = createApp({ config, db: running.db, databaseUrl: url });
  // The document workers start now rather than at the first PDF (a second of loading and fonts).
  startDocumentWorkers();
  running.server = await listen(running.app, config.PORT);
  if (config.JOBS_ENABLED) running.jobs = startJobs(running.app.locals.ctx as Ctx);

  say(`Stages is running at ${config.baseUrl}/`);
  if (running.database.embedded || seeded) {
    say(`demo accounts (password "${DEMO_PASSWORD}"):`);
    for (const a of DEMO_ACCOUNTS) say(`  ${a.email.padEnd(26)} ${a.role}`);
  }
  if (!config.SMTP_URL) say(`no SMTP_URL: e-mails are kept in the outbox, see ${config.baseUrl}/dev/mailbox (platform admin)`);
}

// SIGTERM (a process manager, a container runtime, `kill`), SIGINT (Ctrl-C), SIGHUP (the terminal
// closed) stop the app cleanly. npm forwards them to this process, which it starts directly
// (`node --import tsx`, no loader process in between), so none of ours outlives it.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(signal, () => void stop(`${signal} received`, 0));
}
// Under npm (npm start, npm run dev) the app lives as long as the process that started it: an npm
// killed outright (SIGKILL, which it cannot forward) does not leave the app running, orphaned.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(`the parent process (${parent}) is gone`, 0);
  }, 1_000).unref();
}
// A crash still stops the database and the pools before the process ends.
process.on('uncaughtException', (err) => {
  log.error('uncaught exception: stopping', { error: err.stack ?? describeError(err) });
  void stop('crash', 1);
});
process.on('unhandledRejection', (reason) => {
  log.error('unhandled promise rejection: stopping', { error: (reason as Error)?.stack ?? describeError(reason) });
  void stop('crash', 1);
});

main().catch((err) => {
  // The first line names the cause; an unexpected error also gets its stack for the developer.
  if (err instanceof ConfigError || err instanceof StartupError) console.error(`[stages] cannot start: ${err.message}`);
  else {
    console.error(`[stages] cannot start: ${describeError(err)}`);
    log.error('start-up failed', { error: (err as Error)?.stack ?? describeError(err) });
  }
  void stop('start-up failed', 1);
});
