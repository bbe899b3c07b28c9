// Development aid: CPU profile of the app (in-process, node:inspector) while one page is requested
// N times by C concurrent clients, signed in, against BENCH_DATABASE_URL's demo or bench data.
// Prints the functions with the most self time. Usage:
//   BENCH_DATABASE_URL=… npx tsx bench/profile.ts /offers [email] [N] [C]
// PROFILE_AUTOCANNON=1 sends the load from autocannon in its own process (the profile is then the app's alone).
import { Session } from 'node:inspector/promises';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { closeApp, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import { closeDb, createDb } from '../src/db/client.js';
import { freePort } from '../src/db/embedded.js';
import { Client } from './client.js';
import pg from 'pg';

// Counts the statements sent (all pools: sessions, Prisma) while PROFILE_SQL=1 prints them.
const sent: string[] = [];
const origQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  const q = args[0] as string | { text: string };
  sent.push(typeof q === 'string' ? q : q?.text);
  return (origQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof origQuery;

const [path = '/offers', email = 'etudiant@demo.test', n = '400', c = '8'] = process.argv.slice(2);
const url = process.env.BENCH_DATABASE_URL!;
const db = createDb(url);
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const app = createApp({
  config: loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-bench-secret', BASE_URL: base, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent' }),
  db,
  databaseUrl: url,
});
const server: Server = await new Promise((resolve) => { const s = app.listen(port, '127.0.0.1', () => resolve(s)); });
const client = new Client(base);
await client.signIn(email, process.env.BENCH_PASSWORD ?? 'stages-demo');
for (let i = 0; i < 30; i++) await client.get(path);
sent.length = 0;
await client.get(path);
console.log(`${sent.length} statements for one GET ${path}`);
if (process.env.PROFILE_SQL) for (const q of sent) console.log('  ' + q.replace(/\s+/g, ' ').slice(0, 160));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const t0 = performance.now();
let left = Number(n);
if (process.env.PROFILE_AUTOCANNON) {
  // The load from autocannon in its own process: the profile then holds the app alone.
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const args = [bin, '-c', c, '-a', n, '-j', '-H', `cookie=${client.cookie()}`, base + path];
  const out = await new Promise<string>((resolve, reject) => execFile(process.execPath, args, { maxBuffer: 16 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
  const r = JSON.parse(out) as { non2xx: number; errors: number };
  if (r.non2xx || r.errors) console.log(`autocannon: ${r.non2xx} non-2xx, ${r.errors} errors`);
} else {
  await Promise.all(Array.from({ length: Number(c) }, async () => { while (left-- > 0) await client.get(path); }));
}
const ms = performance.now() - t0;
const { profile } = await session.post('Profiler.stop');
const self = new Map<string, number>();
const dt = profile.timeDeltas ?? [];
const byId = new Map(profile.nodes.map((nd) => [nd.id, nd]));
(profile.samples ?? []).forEach((id, i) => {
  const nd = byId.get(id)!;
  const f = nd.callFrame;
  const key = `${f.functionName || '(anon)'} ${f.url.replace(/^.*node_modules\//, 'nm/').replace(/^file:\/\/\/work\/main\//, '')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
// PROFILE_CALLERS=name: the call stacks that spend self time in the function `name` (e.g. writev).
if (process.env.PROFILE_CALLERS) {
  const parent = new Map<number, number>();
  for (const nd of profile.nodes) for (const c of nd.children ?? []) parent.set(c, nd.id);
  const stacks = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    if (byId.get(id)!.callFrame.functionName !== process.env.PROFILE_CALLERS) return;
    const names: string[] = [];
    for (let p = parent.get(id); p !== undefined && names.length < 8; p = parent.get(p)) {
      const f = byId.get(p)!.callFrame;
      names.push(`${f.functionName || '(anon)'}@${f.url.replace(/^.*node_modules\//, '').slice(-40)}`);
    }
    const key = names.join(' < ');
    stacks.set(key, (stacks.get(key) ?? 0) + (dt[i] ?? 0));
  });
  for (const [k, v] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${((v * 100) / total).toFixed(1).padStart(5)} %  ${k}`);
}
console.log(`${n} requests in ${Math.round(ms)} ms (${((Number(n) * 1000) / ms).toFixed(0)} req/s)`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${((v * 100) / total).toFixed(1).padStart(5)} %  ${k}`);
// by package/file
const byFile = new Map<string, number>();
for (const [k, v] of self) { const f = k.split(' ')[1]?.replace(/:\d+$/, '').replace(/^nm\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, 'nm/$1') ?? '?'; byFile.set(f, (byFile.get(f) ?? 0) + v); }
console.log('--- by file/package');
for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${((v * 100) / total).toFixed(1).padStart(5)} %  ${k}`);
server.close();
await closeApp(app);
await closeDb(db);
process.exit(0);
