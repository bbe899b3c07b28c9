// Scenario 1: PostgreSQL stopped for real (pg_ctl stop -m immediate) under a steady load of
// signed-in reads and writes, then started again. While it is away every request answers 503
// (never a 500, never later than the statement timeout and a margin); within 5 s of its return
// every kind of request succeeds again; every write that answered success is in the database
// (each help-desk ticket carries a unique marker and the id its answer named).
import { randomBytes } from 'node:crypto';
import { freePort } from '../../src/db/embedded.js';
import { dbName, Report, Session, sleep, startApp } from './common.js';
import type { ChaosPg } from './pg.js';

const S = 'postgres-restart';
const CONNECT_TIMEOUT_MS = 2_000;
const STATEMENT_TIMEOUT_MS = 5_000;
/** A request may take the statement timeout, the client's second beyond it (query_timeout), and a second of margin. */
const MAX_MS = STATEMENT_TIMEOUT_MS + 2_000;
const WARM_MS = 4_000;
const OUTAGE_MS = 6_000;
const RECOVERY_TARGET_MS = 5_000;
const ACCOUNTS = ['etudiant@demo.test', 'gestionnaire@demo.test', 'entreprise@demo.test', 'enseignant@demo.test', 'tuteur@demo.test', 'resp.annee@demo.test'];
const KINDS = ['GET /account', 'GET /tickets', 'POST /tickets'] as const;
type Kind = (typeof KINDS)[number];

interface Done {
  kind: Kind;
  start: number;
  end: number;
  status: number | 'error';
  error?: string;
  /** A write's marker, and the ticket its answer named. */
  marker?: string;
  ticketId?: number;
}

const success = (d: Done) => (d.kind === 'POST /tickets' ? d.status === 303 : d.status === 200);

export async function postgresRestart(pg: ChaosPg, report: Report, log: (m: string) => void) {
  const url = await pg.demoDatabase('s1');
  const app = await startApp(url, await freePort(), { DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS), DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) });
  try {
    const sessions = await Promise.all(ACCOUNTS.map((email) => new Session(app.base).signIn(email)));
    const done: Done[] = [];
    let running = true;
    const run = randomBytes(4).toString('hex');

    const one = async (s: Session, kind: Kind, marker: string) => {
      const d: Done = { kind, start: performance.now(), end: 0, status: 'error' };
      try {
        const res =
          kind === 'POST /tickets'
            ? await s.postMultipart('/tickets', { category: 'OTHER', page: '/account', message: marker }, undefined, MAX_MS + 5_000)
            : await s.get(kind.slice(4), MAX_MS + 5_000);
        d.status = res.status;
        if (kind === 'POST /tickets') {
          d.marker = marker;
          const id = res.headers.get('location')?.match(/^\/tickets\/(\d+)$/)?.[1];
          if (id) d.ticketId = Number(id);
        }
      } catch (err) {
        d.error = (err as Error).name === 'TimeoutError' ? `no answer within ${MAX_MS + 5_000} ms` : String((err as Error).cause ?? (err as Error).message);
      }
      d.end = performance.now();
      done.push(d);
    };
    const loops = sessions.map(async (s, i) => {
      for (let n = 0; running; n++) {
        for (const kind of KINDS) await one(s, kind, `chaos-${run}-${i}-${n}`);
        await sleep(100);
      }
    });

    await sleep(WARM_MS);
    const stopAsked = performance.now();
    await pg.stopImmediate();
    const stopped = performance.now();
    log(`PostgreSQL stopped (immediate) in ${Math.round(stopped - stopAsked)} ms; away for ${OUTAGE_MS / 1000} s`);
    await sleep(OUTAGE_MS);
    const startAsked = performance.now();
    await pg.start();
    const back = performance.now();
    log(`PostgreSQL accepts connections again (${Math.round(back - startAsked)} ms to start, crash recovery included)`);
    // Until every kind has succeeded after the return (at most 30 s), then 2 s more of load.
    const firstSuccess = (k: Kind) => done.find((d) => d.kind === k && d.start >= back && success(d));
    const until = performance.now() + 30_000;
    while (KINDS.some((k) => !firstSuccess(k)) && performance.now() < until) await sleep(100);
    await sleep(2_000);
    running = false;
    await Promise.all(loops);

    const before = done.filter((d) => d.end < stopAsked);
    report.check(S, 'before the stop, every request succeeded', before.length > 0 && before.every(success), `${before.filter(success).length}/${before.length}`);

    const away = done.filter((d) => d.start >= stopped && d.end <= startAsked);
    const unavailable = done.filter((d) => d.status === 503);
    report.check(S, 'while PostgreSQL was away, every request answered 503', away.length > 0 && away.every((d) => d.status === 503), `${away.filter((d) => d.status === 503).length}/${away.length} requests sent and answered during the outage`);

    const wrong = done.filter((d) => !success(d) && d.status !== 503);
    const byStatus = new Map<string, number>();
    for (const d of wrong) byStatus.set(String(d.status === 'error' ? d.error : d.status), (byStatus.get(String(d.status === 'error' ? d.error : d.status)) ?? 0) + 1);
    report.check(S, 'never a 500, another error or a broken connection: success or 503 only', wrong.length === 0, wrong.length ? [...byStatus].map(([k, v]) => `${k} ×${v}`).join(', ') : `${done.length} requests`);

    if (wrong.length) {
      // What the app said of them: its error lines, once each.
      const lines = [...new Set(app.proc.output().split('\n').filter((l) => /error/i.test(l)).map((l) => l.replace(/"(requestId|at|time)":"[^"]*"/g, '').slice(0, 600)))];
      for (const l of lines.slice(0, 8)) log(`app: ${l}`);
    }
    const slowest = Math.max(...done.map((d) => d.end - d.start));
    report.check(S, `no request took longer than the statement timeout + 2 s (${MAX_MS} ms)`, slowest <= MAX_MS, `slowest ${Math.round(slowest)} ms`);

    const firsts = KINDS.map((k) => [k, firstSuccess(k)] as const);
    const recovery = Math.max(...firsts.map(([, d]) => (d ? d.end - back : Infinity)));
    const lateFailures = done.filter((d) => d.start >= back + RECOVERY_TARGET_MS && !success(d));
    report.check(
      S,
      `full service within ${RECOVERY_TARGET_MS / 1000} s of PostgreSQL's return`,
      recovery <= RECOVERY_TARGET_MS && lateFailures.length === 0,
      `${firsts.map(([k, d]) => `${k} ${d ? `${Math.round(d.end - back)} ms` : 'never'}`).join(', ')}; ${lateFailures.length} failure(s) after ${RECOVERY_TARGET_MS / 1000} s`,
    );

    const acknowledged = done.filter((d) => d.kind === 'POST /tickets' && d.status === 303);
    const rows = await pg.query<{ id: number; body: string }>(dbName(url), `SELECT t.id, m.body FROM "Ticket" t JOIN "TicketMessage" m ON m."ticketId" = t.id WHERE m.body LIKE $1`, [`chaos-${run}-%`]);
    const stored = new Map(rows.map((r) => [r.body, r.id]));
    const lost = acknowledged.filter((d) => !d.ticketId || stored.get(d.marker!) !== d.ticketId);
    report.check(S, 'no write that answered success was lost', acknowledged.length > 0 && lost.length === 0, `${acknowledged.length} tickets acknowledged, ${acknowledged.length - lost.length} found with their marker and id${lost.length ? `; lost: ${lost.map((d) => d.marker).join(', ')}` : ''}`);
    report.check(S, 'the app kept running through the outage', app.proc.child.exitCode === null && app.proc.child.signalCode === null);

    const span = unavailable.length ? `${Math.round(Math.min(...unavailable.map((d) => d.end)) - stopAsked)} ms → ${Math.round(Math.max(...unavailable.map((d) => d.end)) - stopAsked)} ms after the stop` : 'none';
    report.figure(S, `${done.length} requests; outage ${Math.round(back - stopAsked)} ms (stop → accepting again); ${unavailable.length} answered 503, from ${span}; slowest answer ${Math.round(slowest)} ms; full service ${Number.isFinite(recovery) ? Math.round(recovery) : '—'} ms after the return; ${acknowledged.length} writes acknowledged, ${lost.length} lost`);
  } finally {
    app.proc.child.kill('SIGTERM');
    await app.proc.exited;
  }
}
