// What every chaos scenario shares: the app as a real process (tests/process/server.ts starts it as
// an operator does, `node --import tsx src/server.ts`), a signed-in HTTP client, and the checks,
// printed one line each and counted for the summary.
import { serverEnv, startServer, type Started } from '../../tests/process/server.js';
import { CookieJar } from '../../bench/client.js';

export const DEMO_PASSWORD = 'stages-demo';
const SESSION_SECRET = 'chaos-secret-chaos-secret-chaos';

export interface Check {
  scenario: string;
  name: string;
  ok: boolean;
  detail: string;
}

/** The checks of the whole run: one line each as they are made, the summary at the end. */
export class Report {
  readonly checks: Check[] = [];
  readonly figures: string[] = [];
  constructor(private readonly out: (m: string) => void) {}
  check(scenario: string, name: string, ok: boolean, detail = '') {
    this.checks.push({ scenario, name, ok, detail });
    this.out(`${ok ? 'PASS' : 'FAIL'}  [${scenario}] ${name}${detail ? ` — ${detail}` : ''}`);
    return ok;
  }
  figure(scenario: string, text: string) {
    this.figures.push(`[${scenario}] ${text}`);
    this.out(`      [${scenario}] ${text}`);
  }
  get failed() {
    return this.checks.filter((c) => !c.ok);
  }
}

export interface App {
  proc: Started;
  base: string;
  pid: number;
}

/** Starts the app on `databaseUrl`, production mode, and waits until it listens. */
export async function startApp(databaseUrl: string, port: number, extra: Record<string, string> = {}): Promise<App> {
  const base = `http://127.0.0.1:${port}`;
  const env = serverEnv({ DATABASE_URL: databaseUrl, SESSION_SECRET, PORT: String(port), BASE_URL: base, SEED_DEMO: 'false', LOG_LEVEL: 'warn', ...extra });
  const proc = startServer('node', env);
  try {
    await proc.waitFor(/Stages is running at/, 120_000);
  } catch (err) {
    if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    throw err;
  }
  return { proc, base, pid: proc.pid };
}

/** SIGKILL, and the exit seen. */
export async function killApp(app: App) {
  if (app.proc.child.exitCode === null && app.proc.child.signalCode === null) app.proc.child.kill('SIGKILL');
  await app.proc.exited;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  ms: number;
}

/** A client keeping its cookies (its session) and the session's CSRF token. */
export class Session {
  private jar = new CookieJar();
  csrf = '';
  constructor(readonly base: string) {}

  cookie() {
    return this.jar.header();
  }
  private keep(res: Response) {
    this.jar.keep(res.headers.getSetCookie());
  }
  async request(method: 'GET' | 'POST', path: string, body?: URLSearchParams | FormData, timeoutMs = 60_000): Promise<Answer> {
    const t0 = performance.now();
    const res = await fetch(this.base + path, { method, body, redirect: 'manual', headers: { cookie: this.cookie(), accept: 'text/html' }, signal: AbortSignal.timeout(timeoutMs) });
    this.keep(res);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, ms: performance.now() - t0 };
  }
  get(path: string, timeoutMs?: number) {
    return this.request('GET', path, undefined, timeoutMs);
  }
  /** A form post with the session's CSRF token. */
  post(path: string, form: Record<string, string | string[]>, timeoutMs?: number) {
    const body = new URLSearchParams({ _csrf: this.csrf });
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return this.request('POST', path, body, timeoutMs);
  }
  /** A multipart post (an upload route) with the session's CSRF token. */
  postMultipart(path: string, fields: Record<string, string>, file?: { field: string; name: string; type: string; bytes: Buffer }, timeoutMs?: number) {
    const body = new FormData();
    body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(fields)) body.append(k, v);
    if (file) body.append(file.field, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    return this.request('POST', path, body, timeoutMs);
  }
  async signIn(email: string) {
    const page = await this.get('/login');
    this.csrf = csrfOf(page.text);
    const res = await this.post('/login', { email, password: DEMO_PASSWORD });
    if (res.status !== 303) throw new Error(`sign-in as ${email} failed: ${res.status}`);
    // The session was regenerated at sign-in: its token is read again.
    this.csrf = csrfOf((await this.get('/account')).text);
    return this;
  }
}

export function csrfOf(html: string): string {
  const m = html.match(/name="_csrf" value="([^"]+)"/);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it holds; false after `ms`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, ms: number, everyMs = 100): Promise<boolean> {
  const end = performance.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > end) return false;
    await sleep(everyMs);
  }
}

/** The database name of a URL. */
export const dbName = (url: string) => new URL(url).pathname.slice(1);
