// Issue 8, items 12, 17, 18, 19: the real server, started as a user and an operator start it
// (`npm start`, `node --import tsx src/server.ts`) with its embedded PostgreSQL in a temporary
// folder. The steps share that folder and run in order: the first start initialises the cluster
// and loads the demo data, the later ones find it.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { alive, client, descendants, holdPort, identity, postmasterPid, ROOT, serverEnv, startServer, until, type Started } from './server.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'stages-process-'));
chmodSync(tmp, 0o755); // PostgreSQL runs as the 'postgres' system user when we are root
const dir = path.join(tmp, 'postgres');
let pgPort: number;
let httpPort: number;
let base: string;
const started: Started[] = [];
/** Every process of ours seen in a tree (pid and start time): killed after the tests if a failed step left one running. */
const seen = new Map<number, string>();

function settings(extra: Record<string, string> = {}) {
  // Short timeouts so that the frozen database's 503s come quickly here.
  return serverEnv({ EMBEDDED_PG_DIR: dir, EMBEDDED_PG_PORT: String(pgPort), PORT: String(httpPort), DB_CONNECT_TIMEOUT_MS: '1000', DB_STATEMENT_TIMEOUT_MS: '1500', ...extra });
}
function start(how: 'npm' | 'node', env = settings()) {
  const s = startServer(how, env);
  started.push(s);
  return s;
}
/** The app's processes: the one started, its children (node under npm) and PostgreSQL's. */
function tree(s: Started) {
  const pids = [s.pid, ...descendants(s.pid)];
  for (const pid of pids) seen.set(pid, identity(pid));
  return pids;
}

function expectOurUnavailablePage(res: { status: number; text: string; headers: Headers }) {
  expect(res.status).toBe(503);
  expect(res.text).toContain('Service momentanément indisponible');
  expect(res.text).toContain(res.headers.get('x-request-id'));
  expect(res.text).not.toMatch(/node_modules|\.(ts|js|ejs):\d+|<pre>|\n\s+at /);
}

beforeAll(async () => {
  pgPort = await freePort();
  httpPort = await freePort();
  base = `http://127.0.0.1:${httpPort}`;
});

afterAll(async () => {
  // Whatever a failed step left running (only our own processes: those started here and PostgreSQL of our folder).
  for (const s of started) tree(s);
  for (const [pid, id] of [...seen].reverse()) if (alive(pid) && identity(pid) === id) process.kill(pid, 'SIGKILL');
  const pm = postmasterPid(dir);
  if (pm) process.kill(pm, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

// The process tree is read from /proc (Linux, as in CI).
describe.skipIf(!existsSync('/proc/self/stat')).sequential('the server as a process', () => {
  let app: Started;
  const student = () => client(base);
  let signedIn: ReturnType<typeof client>;

  it('npm start runs in production mode by default, with a generated session secret kept in the data folder (item 17)', { timeout: 180_000 }, async () => {
    app = start('npm');
    await app.waitFor(/Stages is running at/, 150_000);
    expect(app.output()).toContain('[stages] production mode');
    expect(app.output()).not.toMatch(/views read again/);
    // Production: static files are cached by browsers.
    const css = await fetch(`${base}/static/css/app.css`);
    expect(css.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(statSync(path.join(tmp, 'session-secret')).mode & 0o777).toBe(0o600);
    signedIn = student();
    await signedIn.signIn('etudiant@demo.test');
    expect((await signedIn.get('/account')).status).toBe(200);
  });

  it('answers 503 with its own page within seconds while PostgreSQL is frozen, and recovers (item 12)', { timeout: 60_000 }, async () => {
    const pm = postmasterPid(dir)!;
    const frozen = [pm, ...descendants(pm)];
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      const t0 = performance.now();
      expectOurUnavailablePage(await signedIn.get('/account'));
      expect((await student().get('/healthz', 'application/json')).status).toBe(503);
      // Connection timeout 1 s, statement timeout 1.5 s (+1 s when the server does not answer at all).
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
    await until(async () => (await signedIn.get('/account')).status === 200, 30_000, 'the session page again once PostgreSQL runs');
  });

  it('answers 503 with its own page while PostgreSQL is dead, restarts it, and serves the same session again (item 12)', { timeout: 90_000 }, async () => {
    const pm = postmasterPid(dir)!;
    process.kill(pm, 'SIGKILL');
    // Holding its port keeps PostgreSQL down (the app's restarts fail) while we look.
    const port = await holdPort(pgPort);
    try {
      await app.waitFor(/embedded PostgreSQL stopped unexpectedly: restarting it/, 10_000);
      expectOurUnavailablePage(await signedIn.get('/account'));
      const health = await student().get('/healthz', 'application/json');
      expect(health.status).toBe(503);
      expect(JSON.parse(health.text)).toEqual({ status: 'unavailable' });
    } finally {
      await port.release();
    }
    await app.waitFor(/embedded PostgreSQL restarted/, 60_000);
    expect(postmasterPid(dir)).not.toBe(pm);
    await until(async () => (await signedIn.get('/account')).status === 200, 30_000, 'the session page again after the restart');
    expect((await student().get('/healthz', 'application/json')).status).toBe(200);
  });

  it('stops everything within 10 s when the npm process gets SIGTERM, leaving no process behind (item 19)', { timeout: 30_000 }, async () => {
    const pids = tree(app);
    // npm, node (no loader or shell in between), the postmaster and its workers.
    expect(pids.length).toBeGreaterThan(3);
    expect(pids).toContain(postmasterPid(dir));
    process.kill(app.pid, 'SIGTERM');
    await until(() => pids.every((pid) => !alive(pid)), 10_000, `processes ${pids.filter(alive).join(', ')} still running`);
    expect((await app.exited).code).toBe(0);
    expect(app.output()).toContain('[stages] stopped.');
    expect(postmasterPid(dir)).toBeUndefined();
  });

  it('keeps the sessions across restarts; a killed npm does not leave the app orphaned (items 17, 19)', { timeout: 90_000 }, async () => {
    app = start('npm');
    await app.waitFor(/Stages is running at/, 60_000);
    expect((await signedIn.get('/account')).status).toBe(200);
    const pids = tree(app);
    // npm killed outright cannot forward anything: the server sees its parent gone and stops.
    process.kill(app.pid, 'SIGKILL');
    await until(() => pids.every((pid) => !alive(pid)), 15_000, `processes ${pids.filter(alive).join(', ')} still running`);
    expect(postmasterPid(dir)).toBeUndefined();
  });

  it('names a taken PostgreSQL port in one line, with the variable to change, and exits with an error (item 18)', { timeout: 60_000 }, async () => {
    const port = await holdPort(pgPort);
    try {
      const failed = start('node');
      expect((await failed.exited).code).not.toBe(0);
      const lines = failed.output().split('\n').filter((l) => l.includes('cannot start'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`port ${pgPort}`);
      expect(lines[0]).toContain('EMBEDDED_PG_PORT');
      expect(failed.output()).not.toContain('undefined');
    } finally {
      await port.release();
    }
  });

  it('names a taken HTTP port the same way, and stops its PostgreSQL before exiting (item 18)', { timeout: 60_000 }, async () => {
    const port = await holdPort(httpPort);
    try {
      const failed = start('node');
      expect((await failed.exited).code).not.toBe(0);
      const lines = failed.output().split('\n').filter((l) => l.includes('cannot start'));
      expect(lines).toEqual([`[stages] cannot start: port ${httpPort} is already in use (another copy of Stages, or another server): set PORT to a free port`]);
      await until(() => postmasterPid(dir) === undefined, 10_000, 'PostgreSQL stopped after the failed start');
    } finally {
      await port.release();
    }
  });

  it('does not leave its PostgreSQL running when the process dies of an uncaught exception (item 19)', { timeout: 60_000 }, async () => {
    // Not the server (its crash handler stops PostgreSQL itself): a bare process that starts the
    // embedded PostgreSQL and dies, which leaves only src/db/embedded.ts's exit hook to stop it.
    const fixture = spawn(process.execPath, ['--import', 'tsx', 'tests/process/crash-fixture.ts', dir, String(pgPort)], { cwd: ROOT, env: serverEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
    seen.set(fixture.pid!, identity(fixture.pid!));
    let out = '';
    fixture.stdout!.on('data', (d) => (out += d));
    fixture.stderr!.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => fixture.once('exit', resolve));
    const pid = Number(out.match(/postgres running as (\d+)/)?.[1]);
    expect(pid, out).toBeGreaterThan(0);
    expect(code).not.toBe(0);
    expect(out).toContain('crash on purpose');
    await until(() => !alive(pid), 10_000, `PostgreSQL (pid ${pid}) still running after the crash`);
  });

  it('takes the next free port when the port was not chosen explicitly (item 18)', { timeout: 60_000 }, async () => {
    const port = await holdPort(pgPort);
    try {
      const db = await startEmbeddedPostgres({ dir, port: pgPort, database: 'stages', explicitPort: false });
      try {
        expect(db.port).toBeGreaterThan(pgPort);
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
        await c.end();
      } finally {
        await db.stop();
      }
    } finally {
      await port.release();
    }
  });
});
