// Issue 8, item 12 at the app's level: a database that refuses, breaks or does not answer gives 503s
// with the app's own page, quickly; the classification is checked on errors raised for real by pg,
// Prisma and PostgreSQL. (tests/process/server-process.test.ts kills and freezes a real server.)
import { createHmac, randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeApp, createApp } from '../../src/app.js';
import { closeDb, createDb, createPool } from '../../src/db/client.js';
import { isDatabaseUnavailable } from '../../src/db/unavailable.js';
import { testConfig } from '../helpers/app.js';
import { testDatabaseUrl } from '../helpers/db.js';

const SECRET = 'test-secret-test-secret';

/** A session cookie express-session accepts (signed with the app's secret): the store is asked for it. */
function sessionCookie(sid = randomUUID()) {
  const signature = createHmac('sha256', SECRET).update(sid).digest('base64').replace(/=+$/, '');
  return `stages.sid=${encodeURIComponent(`s:${sid}.${signature}`)}`;
}

/** A TCP server that accepts connections and never answers: a frozen database. */
async function silentServer() {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `postgresql://u:p@127.0.0.1:${(server.address() as net.AddressInfo).port}/db`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const errorOf = (p: Promise<unknown>) => p.then(
  () => {
    throw new Error('expected a failure');
  },
  (err: unknown) => err,
);

function expectOurPage(text: string) {
  expect(text).toContain('Service momentanément indisponible');
  expect(text).not.toMatch(/node_modules|\.(ts|js|ejs):\d+|<pre>|\n\s+at /);
}

describe('database errors are 503s, found in one place', () => {
  it('classifies the errors of an unreachable, broken or slow database, and only those', async () => {
    const dead = 'postgresql://u:p@127.0.0.1:1/none';
    const db = createDb(dead);
    const pool = createPool(dead, { max: 1, name: 'test' });
    const unreachable = [
      await errorOf(db.user.count()),
      await errorOf(db.$queryRaw`SELECT 1`),
      await errorOf(db.$transaction(async (tx) => tx.user.count())),
      await errorOf(pool.query('SELECT 1')),
    ];
    await db.$disconnect();
    await pool.end();
    for (const err of unreachable) expect(isDatabaseUnavailable(err), String(err)).toBe(true);

    // A frozen server: the connection does not open within the connect timeout.
    const frozen = await silentServer();
    const slowPool = createPool(frozen.url, { max: 1, name: 'test', timeouts: { connectMs: 300, statementMs: 1_000 } });
    expect(isDatabaseUnavailable(await errorOf(slowPool.query('SELECT 1')))).toBe(true);
    await slowPool.end();
    await frozen.close();

    // A statement cut by statement_timeout (57014), through Prisma as the app runs it.
    const url = await testDatabaseUrl();
    const live = createDb(url, { timeouts: { connectMs: 2_000, statementMs: 200 } });
    const timedOut = await errorOf(live.$queryRaw`SELECT pg_sleep(2)`);
    expect(isDatabaseUnavailable(timedOut)).toBe(true);
    // Errors of the query itself stay what they are (a bug, a constraint): not a 503.
    expect(isDatabaseUnavailable(await errorOf(live.$queryRawUnsafe('SELEC 1')))).toBe(false);
    expect(isDatabaseUnavailable(await errorOf(live.$queryRawUnsafe('SELECT 1/0')))).toBe(false);
    await closeDb(live);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    expect(isDatabaseUnavailable(await errorOf(client.query('SELECT * FROM no_such_table')))).toBe(false);
    await client.end();
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});

describe('pages while the database is away', () => {
  const dead = 'postgresql://nobody:nothing@127.0.0.1:1/none';
  const db = createDb(dead);
  const app = createApp({ config: testConfig(), db, databaseUrl: dead });
  afterAll(async () => {
    await closeApp(app);
    await db.$disconnect().catch(() => undefined);
  });

  it('answers a request with a session cookie 503 with the app’s own page (the session store cannot be read)', async () => {
    const res = await request(app).get('/account').set('Cookie', sessionCookie()).set('Accept', 'text/html');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expectOurPage(res.text);
    expect(res.text).toContain(res.headers['x-request-id']);
    const json = await request(app).get('/account').set('Cookie', sessionCookie()).set('Accept', 'application/json');
    expect(json.status).toBe(503);
    expect(json.body).toEqual({ error: 'unavailable', requestId: json.headers['x-request-id'] });
  });

  it('answers /healthz 503', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'unavailable' });
  });
});

describe('pages while the database is frozen', () => {
  let frozen: Awaited<ReturnType<typeof silentServer>>;
  let app: ReturnType<typeof createApp>;
  let db: ReturnType<typeof createDb>;
  beforeAll(async () => {
    frozen = await silentServer();
    const config = testConfig({ DB_CONNECT_TIMEOUT_MS: '500', DB_STATEMENT_TIMEOUT_MS: '1000' });
    db = createDb(frozen.url, { timeouts: { connectMs: 500, statementMs: 1_000 } });
    app = createApp({ config, db, databaseUrl: frozen.url });
  });
  afterAll(async () => {
    await closeApp(app);
    await db.$disconnect().catch(() => undefined);
    await frozen.close();
  });

  it('answers 503 after the connection timeout instead of hanging', async () => {
    const started = performance.now();
    const res = await request(app).get('/account').set('Cookie', sessionCookie()).set('Accept', 'text/html');
    expect(res.status).toBe(503);
    expectOurPage(res.text);
    const health = await request(app).get('/healthz');
    expect(health.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
