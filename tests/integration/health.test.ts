import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { closeApp, createApp } from '../../src/app.js';
import { createDb } from '../../src/db/client.js';
import { testConfig, useApp } from '../helpers/app.js';

describe('GET /healthz', () => {
  const t = useApp();

  it('answers 200 {"status":"ok"} when the database answers', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers 503 when the database does not answer', async () => {
    // A client pointed at a port where nothing listens.
    const url = 'postgresql://nobody:nothing@127.0.0.1:1/none';
    const db = createDb(url);
    const app = createApp({ config: testConfig(), db, databaseUrl: url });
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body.status).not.toBe('ok');
    await closeApp(app);
    await db.$disconnect().catch(() => undefined);
  });
});
