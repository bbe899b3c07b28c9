// Helpers for the tests that run the real server as a process (npm start, node --import tsx):
// the process and its output, the process tree read from /proc, a client that keeps cookies.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Started {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves with the output once it matches `re`; rejects on timeout or when the process ends first. */
  waitFor(re: RegExp, ms: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Our own settings only: none of the test run's (NODE_ENV=test, its database, a .env file). */
export function serverEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const drop = /^(NODE_ENV|NODE_OPTIONS|DATABASE_URL|TEST_DATABASE_URL|SESSION_SECRET|PORT|BASE_URL|EMBEDDED_PG_.*|DB_.*|LOG_LEVEL|VIEWS_RELOAD|SMTP_URL|JOBS_ENABLED|SEED_DEMO|DOTENV_.*)$/;
  for (const [k, v] of Object.entries(process.env)) if (!drop.test(k)) env[k] = v;
  return { ...env, DOTENV_CONFIG_PATH: path.join(ROOT, 'no-such-env-file'), DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'info', ...settings };
}

/** `nodeArgs`: node's own flags before the script (`node` only), e.g. `--cpu-prof`. */
export function startServer(how: 'npm' | 'node', env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Started {
  const child = how === 'npm' ? spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const l of listeners) l();
  });
  return {
    child,
    pid: child.pid!,
    output: () => out,
    exited,
    waitFor(re, ms) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (re.test(out)) done(() => resolve(out));
          else if (ended) done(() => reject(new Error(`the process ended before ${re}:\n${out}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${re} within ${ms} ms:\n${out}`))), ms);
        const done = (then: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          then();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

function stat(pid: number): { ppid: number; state: string; startTime: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // Fields 3, 4 and 22 of proc(5): state, parent, start time (which tells a reused pid apart).
    return { state: rest[0], ppid: Number(rest[1]), startTime: rest[19] };
  } catch {
    return undefined;
  }
}

/** Running (a zombie waiting for its parent to read its status has ended). */
export const alive = (pid: number) => {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
};

/** The pid and its start time: the same process only while both match. */
export const identity = (pid: number) => `${pid}:${stat(pid)?.startTime}`;

/** Every process below `pid`, read from /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(Number(name));
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/** The postmaster's pid, from postmaster.pid in the cluster's folder (undefined when it is not running). */
export function postmasterPid(dir: string): number | undefined {
  const file = path.join(dir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return alive(pid) ? pid : undefined;
}

/** Polls `check` (every `everyMs`) until it holds; fails with `what` after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string, everyMs = 100) {
  const end = performance.now() + ms;
  for (;;) {
    if (await check()) return;
    if (performance.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Takes 127.0.0.1:port (retrying while it is still taken) until released. Connections are closed
 * at once: clients see a server that is gone, not one that hangs.
 */
export async function holdPort(port: number, ms = 5_000): Promise<{ release(): Promise<void> }> {
  let server: net.Server | undefined;
  await until(
    () =>
      new Promise<boolean>((resolve) => {
        const s = net.createServer((socket) => socket.destroy());
        s.once('error', () => resolve(false));
        s.listen(port, '127.0.0.1', () => {
          server = s;
          resolve(true);
        });
      }),
    ms,
    `port ${port} free to hold`,
    // Soon after a kill: before the app's first restart (1 s later) takes the port again.
    10,
  );
  return { release: () => new Promise((resolve) => server!.close(() => resolve())) };
}

/** A client that keeps its cookies (one jar per client). */
export function client(base: string) {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const c = {
    async get(p: string, accept = 'text/html') {
      const res = await fetch(base + p, { headers: { cookie: cookie(), accept }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
      keep(res);
      return { status: res.status, headers: res.headers, text: await res.text() };
    },
    async post(p: string, form: Record<string, string>) {
      const res = await fetch(base + p, {
        method: 'POST',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form),
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      });
      keep(res);
      return { status: res.status, headers: res.headers, text: await res.text() };
    },
    async signIn(email: string, password = 'stages-demo') {
      const page = await c.get('/login');
      const csrf = page.text.match(/name="_csrf" value="([^"]+)"/)?.[1];
      if (!csrf) throw new Error(`no CSRF token on /login (${page.status})`);
      const res = await c.post('/login', { email, password, _csrf: csrf });
      if (res.status !== 303) throw new Error(`sign-in as ${email} failed: ${res.status}`);
    },
  };
  return c;
}
