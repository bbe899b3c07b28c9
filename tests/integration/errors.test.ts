import express from 'express';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { closeApp, createApp, ROOT } from '../../src/app.js';
import { AppError } from '../../src/errors.js';
import { errorHandler } from '../../src/http/errors.js';
import { useViews } from '../../src/http/views.js';
import { localeMiddleware, requestId } from '../../src/http/locals.js';
import { systemClock } from '../../src/time/clock.js';
import { testConfig } from '../helpers/app.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';

// The app's own error handler and views, around routes that fail on purpose.
function failingApp() {
  const app = express();
  useViews(app, { cache: false });
  app.use(requestId(systemClock), localeMiddleware, (req, res, next) => {
    Object.assign(res.locals, { t: req.t, msg: req.t, locale: 'fr', actor: null, nav: { sections: [], items: [] }, flash: [], currentPath: req.path, csrfToken: 'x', errors: {}, values: {} });
    next();
  });
  app.get('/boom', () => {
    throw new Error('secret internal detail at /srv/app.ts:42');
  });
  app.get('/forbidden', () => {
    throw new AppError('forbidden');
  });
  app.use(errorHandler);
  return app;
}

describe('error pages', () => {
  it('renders a 500 page with the request id and no stack trace or message', async () => {
    const res = await request(failingApp()).get('/boom');
    expect(res.status).toBe(500);
    expect(res.text).toContain('Erreur du serveur');
    expect(res.text).toContain(res.headers['x-request-id']);
    expect(res.text).not.toContain('secret internal detail');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('renders a 403 page', async () => {
    const res = await request(failingApp()).get('/forbidden');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Accès refusé');
  });

  it('answers JSON clients in JSON', async () => {
    const res = await request(failingApp()).get('/boom').set('Accept', 'application/json');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server', requestId: res.headers['x-request-id'] });
  });

  it('still renders a page for a request that failed before its view locals were set', async () => {
    const app = express();
    app.set('view engine', 'ejs');
    app.set('views', path.join(ROOT, 'views'));
    app.use(requestId(systemClock));
    app.get('/early', () => {
      throw new Error('session store unavailable');
    });
    app.use(errorHandler);
    const res = await request(app).get('/early');
    expect(res.status).toBe(500);
    expect(res.text).toContain('Erreur du serveur');
    expect(res.text).toContain(res.headers['x-request-id']);
  });
});

// Issue 8, items 12 and 17: whatever fails, and in any mode, the client never gets Express's own
// error page (a stack trace, a template's source, absolute paths).
describe('no stack trace in any mode', () => {
  it('answers with its own plain page when even the error page cannot be rendered, in development mode', async () => {
    const db = await testDb();
    const app = createApp({ config: testConfig({ NODE_ENV: 'development' }), db, databaseUrl: await testDatabaseUrl() });
    try {
      // Every view, the error page included, now fails to render.
      app.set('views', path.join(ROOT, 'no-such-views-folder'));
      const res = await request(app).get('/login').set('Accept', 'text/html');
      expect(res.status).toBe(500);
      expect(res.text).toContain('Erreur du serveur');
      expect(res.text).toContain(res.headers['x-request-id']);
      expect(res.text).not.toMatch(/no-such-views-folder|Failed to lookup|node_modules|<pre>|\n\s+at /);
      // Should anything still reach Express's last-resort handler, it prints no stack.
      expect(app.get('env')).toBe('production');
    } finally {
      await closeApp(app);
    }
  });
});
