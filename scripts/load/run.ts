// `npm run load`: a realistic mix of signed-in journeys against the app running as a production
// process of its own (node --import tsx src/server.ts), on a database holding the bench's volumes
// (bench/seed.ts: 100,000 offers, 50,000 requests, 40,000 students) and the load world
// (scripts/load/world.ts). LOAD_USERS (200) virtual users for LOAD_SECONDS (60 s), each pausing
// LOAD_THINK_MS (1000-3000 ms, uniform) between two clicks, driven by autocannon (one connection
// per user, its requests and answers given by the user's journey: scripts/load/journeys.ts).
// Prints the requests, the failures, p50/p95/p99 per page kind and the app's memory (VmRSS from
// /proc) before, at peak and after; exits 1 when a target is missed. 127.0.0.1 only.
import autocannon from 'autocannon';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Client } from '../../bench/client.js';
import { freePort } from '../../src/db/embedded.js';
import { serverEnv, startServer, type Started } from '../../tests/process/server.js';
import { ensureBenchVolumes, openLoadDatabase } from './db.js';
import { KINDS, VirtualUser, type Assignment, type Kind, type Role } from './journeys.js';
import { report, type Sample } from './report.js';
import { email, ensureWorld, minimalPdf, readPools, resetWorld, type Pools } from './world.js';

const USERS = Math.max(5, Number(process.env.LOAD_USERS ?? 200));
/** App processes (LOAD_INSTANCES, 1): more than one is the README's way to use more cores. */
const INSTANCES = Math.max(1, Number(process.env.LOAD_INSTANCES ?? 1));
const SECONDS = Math.max(5, Number(process.env.LOAD_SECONDS ?? 60));
const [THINK_MIN, THINK_MAX] = (process.env.LOAD_THINK_MS ?? '1000-3000').split('-').map(Number);
/**
 * The users arrive over LOAD_RAMP_S (20 s, not measured), each at a random moment, so that in the
 * measured window they are at every step of their journeys as a day's users are. Started together,
 * they stayed in step: every ~20 s all the students searched and all the staff listed at once
 * (p95 of all pages ~0.8–1 s in those 10 s windows, 60–180 ms between them).
 */
const RAMP_MS = Math.max(0, Number(process.env.LOAD_RAMP_S ?? 20)) * 1000;
/** An answer that takes longer is a timeout (a failure). */
const TIMEOUT_S = 20;
/** The share of each role among the users (the rest are centre staff). */
const MIX: [Role, number][] = [['anonymous', 0.15], ['student', 0.4], ['company', 0.15], ['tutor', 0.1], ['staff', 0.2]];
const log = (m: string) => process.stdout.write(`${m}\n`);

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Each user's role and what it works on; a pool shared by several users is split between them. */
function assign(pools: Pools): Assignment[] {
  const counts = MIX.map(([role, share]) => [role, Math.round(USERS * share)] as const);
  const out: Assignment[] = [];
  for (const [role, n] of counts) for (let i = 0; i < n; i++) out.push({ role });
  while (out.length < USERS) out.push({ role: 'staff' });
  out.length = USERS;
  const of = (role: Role) => out.filter((a) => a.role === role);
  const students = of('student');
  const sheets = new Map(pools.sheets.map((s) => [s.email, s.id]));
  const day = (d: Date) => d.toISOString().slice(0, 10);
  students.forEach((a, i) => {
    a.email = email.student(i + 1);
    const internship = pools.ongoing.find((o) => o.student === a.email);
    a.sheetId = sheets.get(a.email);
    if (internship) a.internship = { id: internship.id, start: day(internship.start), end: day(internship.end) };
  });
  of('company').forEach((a, i) => {
    a.email = email.company(i + 1);
    a.queue = pools.applications.filter((x) => x.email === a.email).map((x) => x.id);
    a.evaluations = pools.ongoing.filter((o) => o.company === a.email).map((o) => o.id);
  });
  of('tutor').forEach((a, i) => {
    a.email = email.teacher(i + 1);
    a.queue = pools.ongoing.filter((o) => o.teacher === a.email).map((o) => o.id);
  });
  const staff = of('staff');
  staff.forEach((a, i) => {
    a.email = email.staff(i + 1);
    a.queue = pools.toValidate.filter((_, j) => j % staff.length === i);
  });
  return out;
}

/** The process's CPU time so far, in ms (utime + stime of /proc/<pid>/stat, at 100 ticks a second). */
function cpuMs(pid: number): number {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}

/** The CPU time of every PostgreSQL process of this machine, in ms (the embedded one or a local server). */
function postgresCpuMs(): number {
  let sum = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim().startsWith('postgres')) sum += cpuMs(Number(d));
    } catch {
      // the process ended meanwhile
    }
  }
  return sum;
}

/** Where the machine's CPU went: the app, PostgreSQL, this load generator, and the machine's busy share. */
function cpuNow(appPids: number[]) {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = f[3] + f[4];
  const all = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { app: appPids.reduce((sum, pid) => sum + cpuMs(pid), 0), postgres: postgresCpuMs(), generator: cpuMs(process.pid), idle, all };
}

/** LOAD_NODE_ARGS (development aid): node flags for the app process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
function appNodeArgs(): string[] {
  return (process.env.LOAD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

async function signIn(base: string, users: VirtualUser[]) {
  const queue = users.filter((u) => u.a.email);
  await Promise.all(Array.from({ length: 6 }, async () => {
    for (let u = queue.shift(); u; u = queue.shift()) {
      const c = new Client(base);
      await c.signIn(u.a.email!);
      const page = await c.get(u.a.role === 'student' ? '/offers' : u.a.role === 'company' ? '/applications/company' : '/account');
      const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
      if (!token) throw new Error(`no CSRF token after signing in as ${u.a.email}`);
      u.signedIn(c.cookie(), token);
    }
  }));
}

async function main() {
  const started = performance.now();
  const { url, embedded } = await openLoadDatabase(log);
  const apps: Started[] = [];
  try {
    await ensureBenchVolumes(url, log);
    await ensureWorld(url, log);
    await resetWorld(url);
    const pools = await readPools(url);
    const t0 = performance.now();
    // INSTANCES app processes on one database, as behind a reverse proxy: the users are dealt out
    // between them (autocannon gives connection i the URL i modulo their number).
    // They share one public address, BASE_URL, as they would behind the proxy.
    const bases: string[] = [];
    for (let i = 0; i < INSTANCES; i++) bases.push(`http://127.0.0.1:${await freePort()}`);
    for (const base of bases) {
      const app = startServer('node', serverEnv({ NODE_ENV: 'production', DATABASE_URL: url, SESSION_SECRET: 'load-secret-load-secret-load', PORT: new URL(base).port, BASE_URL: bases[0], JOBS_ENABLED: 'false', SEED_DEMO: 'false', LOG_LEVEL: 'warn' }), appNodeArgs());
      apps.push(app);
    }
    await Promise.all(apps.map((a) => a.waitFor(/Stages is running at/, 60_000)));
    log(`${INSTANCES === 1 ? 'app' : `${INSTANCES} app instances`} started in ${Math.round(performance.now() - t0)} ms on Node ${process.versions.node} (pid ${apps.map((a) => a.pid).join(', ')}, ${bases.join(', ')})`);
    const base = bases[0];
    const pids = apps.map((a) => a.pid);

    const pdf = Buffer.from(minimalPdf());
    const users = assign(pools).map((a) => new VirtualUser(a, pdf));
    const t1 = performance.now();
    await signIn(base, users);
    const roles = MIX.map(([r]) => `${users.filter((u) => u.a.role === r).length} ${r}`).join(', ');
    log(`${users.length} users signed in in ${Math.round(performance.now() - t1)} ms: ${roles}`);

    const rss = () => pids.reduce((sum, pid) => sum + rssKb(pid), 0);
    const before = rss();
    let cpu0 = cpuNow(pids);
    // The CPU is counted over the measured window (after the ramp).
    setTimeout(() => (cpu0 = cpuNow(pids)), RAMP_MS);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rss())), 250);
    const samples: Sample[] = [];
    const think = () => THINK_MIN + Math.random() * (THINK_MAX - THINK_MIN);
    let next = 0;
    log(`load: ${users.length} users arriving over ${RAMP_MS / 1000} s, then measured for ${SECONDS} s, think time ${THINK_MIN}–${THINK_MAX} ms between two requests`);
    const began = performance.now();
    const result = await autocannon({
      url: bases,
      connections: users.length,
      duration: SECONDS + RAMP_MS / 1000,
      timeout: TIMEOUT_S,
      // One virtual user per connection: its journey gives each request and reads each answer.
      setupClient: (client: AutocannonClient) => {
        const vu = users[next++ % users.length];
        let ok = false;
        client.requestIterator.setRequests([
          {
            setupRequest: (req: Record<string, unknown>) => {
              const r = vu.next();
              const headers: Record<string, string> = { accept: 'text/html', cookie: vu.jar.header() };
              if (r.contentType) headers['content-type'] = r.contentType;
              return { ...req, method: r.method, path: r.path, headers, body: r.body ?? Buffer.alloc(0) };
            },
            onResponse: (status: number, body: string, _ctx: unknown, headers: Record<string, string | string[]>) => {
              ok = vu.answer(status, body, headers);
            },
          },
        ]);
        client.on('response', (status: number, _bytes: number, ms: number) => {
          samples.push({ kind: vu.kind, ms, ok, status, at: performance.now() - began - RAMP_MS });
        });
        // Think time: the next request leaves after a pause; the first at the user's arrival.
        const send = client._doRequest.bind(client);
        let arrived = false;
        client._doRequest = () => {
          const wait = arrived ? think() : Math.random() * RAMP_MS;
          arrived = true;
          // autocannon's timeout runs from the last request or answer: the pause is not the server's.
          client.timeoutTicker.reschedule(wait + TIMEOUT_S * 1000);
          setTimeout(() => {
            if (!client.destroyed) send();
          }, wait);
        };
      },
    } as unknown as autocannon.Options);
    clearInterval(sampler);
    peak = Math.max(peak, rss());
    // autocannon stops at its deadline without waiting for the answers in flight: let them end.
    await new Promise((r) => setTimeout(r, 2000));
    const after = rss();
    const c1 = cpuNow(pids);
    const cpu = { app: c1.app - cpu0.app, postgres: c1.postgres - cpu0.postgres, generator: c1.generator - cpu0.generator, busy: 1 - (c1.idle - cpu0.idle) / (c1.all - cpu0.all) };
    const failures = users.flatMap((u) => u.failures);
    const missed = report(log, { samples, result, seconds: SECONDS, users: users.length, think: [THINK_MIN, THINK_MAX], memory: { before, peak, after }, cpu, failures, kinds: KINDS as readonly Kind[] });
    const out = apps.map((a) => a.output()).join('\n');
    // LOAD_APP_LOG (development aid, with LOAD_NODE_ARGS=--trace-gc say): the app's whole output to a file.
    if (process.env.LOAD_APP_LOG) writeFileSync(process.env.LOAD_APP_LOG, out);
    if (/\b(error|500)\b/i.test(out) && missed.length) log(`app output (last 2,000 characters):\n${out.slice(-2000)}`);
    log(`total ${Math.round((performance.now() - started) / 1000)} s`);
    return missed;
  } finally {
    for (const app of apps.filter((a) => a.child.exitCode === null)) app.child.kill('SIGTERM');
    await Promise.all(apps.map((a) => a.exited));
    await embedded?.stop().catch(() => undefined);
  }
}

/** What setupClient receives (autocannon's Client; its types do not describe it). */
interface AutocannonClient {
  requestIterator: { setRequests(r: unknown[]): void };
  on(event: 'response', fn: (status: number, bytes: number, ms: number) => void): void;
  _doRequest(): void;
  destroyed: boolean;
  timeoutTicker: { reschedule(ms: number): void };
}

main().then(
  (missed) => {
    if (missed.length) {
      process.stderr.write(`load: target missed: ${missed.join('; ')}\n`);
      process.exit(1);
    }
    process.exit(0);
  },
  (err) => {
    process.stderr.write(`load failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
