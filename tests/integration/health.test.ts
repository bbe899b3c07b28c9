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

describe('the favicon', () => {
  const t = useApp();

  it('is linked from every page and answers at /favicon.ico (no 404 in the browser console)', async () => {
    const page = await request(t.app).get('/login');
    expect(page.text).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">');
    const ico = await request(t.app).get('/favicon.ico');
    expect(ico.status).toBe(301);
    expect(ico.headers.location).toBe('/static/favicon.svg');
    const svg = await request(t.app).get('/static/favicon.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
  });
});
