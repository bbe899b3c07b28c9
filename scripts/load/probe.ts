// Development aid: the latency of one page of each kind with no other load (sequential, median and
// max of N), in an app started in this process on LOAD_DATABASE_URL's load world, to tell a page
// slow by itself from a page slow under load, with the CPU each page costs the app. Usage: LOAD_DATABASE_URL=… npx tsx scripts/load/probe.ts [N]
import type { Server } from 'node:http';
import { Client } from '../../bench/client.js';
import { closeApp, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { closeDb, createDb } from '../../src/db/client.js';
import { freePort } from '../../src/db/embedded.js';
import { email, readPools } from './world.js';
import pg from 'pg';

// Counts the statements each page sends (every pool: sessions, Prisma, the raw reads).
let statements = 0;
const origQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
  statements++;
  return (origQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof origQuery;


const url = process.env.LOAD_DATABASE_URL!;
const n = Number(process.argv[2] ?? 5);
const pools = await readPools(url);
const db = createDb(url);
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const app = createApp({ config: loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'load-secret-load-secret-load', BASE_URL: base, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent' }), db, databaseUrl: url });
const server: Server = await new Promise((resolve) => { const s = app.listen(port, '127.0.0.1', () => resolve(s)); });
const as = async (e: string | null) => { const c = new Client(base); if (e) await c.signIn(e); return c; };
const [anon, student, company, tutor, staff] = [await as(null), await as(email.student(1)), await as(email.company(1)), await as(email.teacher(1)), await as(email.staff(1))];
const o = pools.ongoing.find((x) => x.student === email.student(1))!;
const sheet = pools.sheets.find((x) => x.email === email.student(1))!;
const offer = /href="\/offers\/(\d+)"/.exec(await student.get('/offers?q=developpeur'))![1];
const pages: [string, Client, string][] = [
  ['home', anon, '/'], ['simulator', anon, '/tools/stipend?start=2027-03-01&end=2027-06-30&country=FR&holidays=FR&signedOn=2027-02-01&previousHours=0'],
  ['offer search', student, '/offers?q=developpeur&place=69'], ['offer search (no words)', student, '/offers'], ['offer page', student, `/offers/${offer}`],
  ['apply form', student, `/applications/new?offer=${offer}`], ['sheet', student, `/sheets/${sheet.id}/edit`], ['journal', student, `/agreements/${o.id}/follow-up`], ['own applications', student, '/applications'],
  ['applications list', company, '/applications/company'], ['application', company, `/applications/${pools.applications[0].id}`], ['evaluation', company, `/agreements/${o.id}/evaluations/company`],
  ['follow-up list', tutor, '/followup'], ['follow-up page (tutor)', tutor, `/agreements/${o.id}/follow-up`],
  ['agreement search (name)', staff, '/agreements/search?lastName=charge12'], ['agreement search (status)', staff, '/agreements/search?status=SUBMITTED'], ['agreement page', staff, `/agreements/${pools.toValidate[0]}`],
  ['PDF', staff, `/agreements/${pools.toValidate[0]}/agreement.pdf`], ['export csv', staff, '/agreements/export.csv?status=VALIDATED'],
];
for (const [name, c, p] of pages) {
  await c.get(p);
  const t: number[] = [];
  statements = 0;
  // The process's CPU: the app's, plus the client's share (a fetch, small beside a page).
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) { const s = performance.now(); await c.get(p); t.push(performance.now() - s); }
  const used = process.cpuUsage(cpu);
  t.sort((a, b) => a - b);
  const ms = (x: number) => x.toFixed(0).padStart(5);
  console.log(`${name.padEnd(28)} median ${ms(t[Math.floor(n / 2)])} ms  max ${ms(t[n - 1])} ms  CPU ${((used.user + used.system) / 1000 / n).toFixed(1).padStart(5)} ms  ${(statements / n).toFixed(0).padStart(3)} statements  ${p}`);
}
server.close();
await closeApp(app);
await closeDb(db);
process.exit(0);
