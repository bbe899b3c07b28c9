import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, sessionSecretFile } from '../../src/config/index.js';

// A data folder of its own: the embedded database's session secret is written there.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'stages-config-'));
const EMBEDDED_PG_DIR = path.join(tmp, 'data', 'postgres');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({ EMBEDDED_PG_DIR });
    expect(c.PORT).toBe(3000);
    expect(c.baseUrl).toBe('http://localhost:3000');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.DB_CONNECT_TIMEOUT_MS).toBe(5_000);
    expect(c.DB_STATEMENT_TIMEOUT_MS).toBe(15_000);
    expect(c.embeddedPortChosen).toBe(false);
    expect(loadConfig({ EMBEDDED_PG_DIR, EMBEDDED_PG_PORT: '54329' }).embeddedPortChosen).toBe(true);
  });

  it('stops with a message naming the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ SMTP_URL: 'not a url' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ EMBEDDED_PG_DIR, DB_STATEMENT_TIMEOUT_MS: 'soon' })).toThrow(/DB_STATEMENT_TIMEOUT_MS/);
  });

  // Issue 8, item 17: npm start is the production path.
  it('is in production mode unless NODE_ENV says otherwise', () => {
    expect(loadConfig({ EMBEDDED_PG_DIR }).NODE_ENV).toBe('production');
    expect(loadConfig({ EMBEDDED_PG_DIR, NODE_ENV: 'development' }).NODE_ENV).toBe('development');
  });

  it('keeps a generated session secret in the data folder of the embedded database (mode 0600), the same at every start', () => {
    const first = loadConfig({ EMBEDDED_PG_DIR }).SESSION_SECRET;
    const file = sessionSecretFile(EMBEDDED_PG_DIR);
    expect(file).toBe(path.join(tmp, 'data', 'session-secret'));
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ EMBEDDED_PG_DIR }).SESSION_SECRET).toBe(first);
    // Another data folder, another secret: no secret is shared by every copy of the app.
    expect(loadConfig({ EMBEDDED_PG_DIR: path.join(tmp, 'other', 'postgres') }).SESSION_SECRET).not.toBe(first);
  });

  it('requires the session secret with DATABASE_URL, and uses the one given', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://u:p@db.example/stages' })).toThrow(/SESSION_SECRET/);
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db.example/stages', SESSION_SECRET: 'x'.repeat(32) }).SESSION_SECRET).toBe('x'.repeat(32));
    // Tools that serve no page (migrations, seed) need none.
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@db.example/stages' }, { sessionSecret: false }).SESSION_SECRET).toBe('');
  });
});
