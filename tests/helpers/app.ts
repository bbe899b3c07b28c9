import type { Express } from 'express';
import request from 'supertest';
import { afterAll, beforeEach } from 'vitest';
import { closeApp, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createContext, type Ctx } from '../../src/context.js';
import type { Clock } from '../../src/time/clock.js';
import type { Db } from '../../src/db/client.js';
import { resetDb, testDatabaseUrl, testDb } from './db.js';

export interface TestContext {
  app: Express;
  db: Db;
  url: string;
  /** The app's context (services built once, the clock). */
  ctx: Ctx;
}

/** A context for code that runs outside a request (jobs, services): the app's services on `db`. */
export function testContext(db: Db, overrides: Record<string, string> = {}, extra: { databaseUrl?: string; clock?: Clock } = {}): Ctx {
  return createContext({ db, config: testConfig(overrides), databaseUrl: extra.databaseUrl ?? '', clock: extra.clock });
}

export function testConfig(overrides: Record<string, string> = {}) {
  return loadConfig({ NODE_ENV: 'test', SESSION_SECRET: 'test-secret-test-secret', BASE_URL: 'http://stages.test', JOBS_ENABLED: 'false', ...overrides });
}

/**
 * Use in a test file: `const t = useApp();` then `t.app`, `t.db` inside tests. The database is
 * emptied before each test; the app (and its session pool) is closed after the file.
 */
export function useApp(overrides: Record<string, string> = {}, opts: { clock?: Clock } = {}): TestContext {
  const ctx = {} as TestContext;
  beforeEach(async () => {
    if (!ctx.app) {
      ctx.url = await testDatabaseUrl();
      ctx.db = await testDb();
      ctx.app = createApp({ config: testConfig(overrides), db: ctx.db, databaseUrl: ctx.url, clock: opts.clock });
      ctx.ctx = ctx.app.locals.ctx as Ctx;
    }
    await resetDb(ctx.db);
  });
  afterAll(async () => {
    if (ctx.app) await closeApp(ctx.app);
  });
  return ctx;
}

/** Extracts the CSRF token of a rendered page. */
export function csrfFrom(html: string): string {
  const m = html.match(/name="_csrf" value="([^"]+)"/);
  if (!m) throw new Error('no CSRF token in page');
  return m[1];
}

/** A cookie-keeping client with a CSRF token, signed in as `email` when given. */
export async function agent(app: Express, email?: string, password = 'stages-demo') {
  const a = request.agent(app);
  const page = await a.get('/login');
  let csrf = csrfFrom(page.text);
  if (email) {
    const res = await a.post('/login').type('form').send({ email, password, _csrf: csrf });
    if (res.status !== 303) throw new Error(`sign-in as ${email} failed: ${res.status}`);
    // The session was regenerated at sign-in: fetch the new token.
    csrf = csrfFrom((await a.get('/account')).text);
  }
  return { a, csrf };
}
