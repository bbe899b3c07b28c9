// Scenario 4: SIGTERM under load. Signed-in users load pages (a new connection per request), slow
// requests are in flight (agreement PDFs, CSV and XLSX exports), and the outbox is being sent to a
// slow SMTP server, when the app receives SIGTERM. The slow requests are known to be in the app's
// hands: they wait in PostgreSQL for the "Agreement" table, held by another connection, and are seen
// waiting there (pg_locks) before the signal; the table is released a second after it, so they
// still have their work to do (the PDFs to render) while the app stops. Every request in flight
// must get its whole answer, new connections must be refused once the app stops listening, and
// the process must exit with code 0 within 10 s, leaving no mail leased.
import http from 'node:http';
import { freePort } from '../../src/db/embedded.js';
import { holdTable } from './blocked.js';
import { dbName, Report, Session, sleep, startApp, waitUntil } from './common.js';
import { startSmtp } from './smtp.js';
import type { ChaosPg } from './pg.js';

const S = 'sigterm';
const STOP_TARGET_MS = 10_000;
/** Below the pool's 10 connections: the page loads keep two. */
const SLOW = 8;
const MAILS = 200;
const RELEASE_AFTER_MS = 1_000;
/** A connection reset, no byte answered, this soon after the signal: still in the kernel's queue when the listener closed. */
const QUEUED_MS = 1_500;

interface Raw {
  path: string;
  start: number;
  end: number;
  status?: number;
  bytes: number;
  /** The body as long as Content-Length said (or, chunked, its end received). */
  complete: boolean;
  error?: string;
}

/** A GET on a connection of its own (no keep-alive: a refused connection is seen as such). */
function rawGet(base: string, path: string, cookie: string): Promise<Raw> {
  const u = new URL(base);
  const r: Raw = { path, start: performance.now(), end: 0, bytes: 0, complete: false };
  return new Promise((resolve) => {
    const done = () => {
      if (!r.end) r.end = performance.now();
      resolve(r);
    };
    const req = http.get({ host: u.hostname, port: u.port, path, agent: false, headers: { cookie, connection: 'close' }, timeout: 30_000 }, (res) => {
      r.status = res.statusCode;
      const length = Number(res.headers['content-length'] ?? NaN);
      res.on('data', (c: Buffer) => (r.bytes += c.length));
      res.on('end', () => {
        r.complete = res.complete && (Number.isNaN(length) || r.bytes === length);
        done();
      });
      res.on('error', (err: NodeJS.ErrnoException) => {
        r.error = err.code ?? err.message;
        done();
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      r.error ??= err.code ?? err.message;
      done();
    });
  });
}

export async function sigtermUnderLoad(pg: ChaosPg, report: Report, log: (m: string) => void) {
  const url = await pg.demoDatabase('s4');
  const db = dbName(url);
  await pg.query(db, `UPDATE "OutboxEmail" SET status = 'SENT', "sentAt" = now() WHERE status = 'PENDING'`);
  await pg.query(db, `INSERT INTO "OutboxEmail" ("to", subject, html, text, template) SELECT 'chaos-' || i || '@example.test', 'Chaos ' || i, '<p>Chaos</p>', 'Chaos', 'chaos' FROM generate_series(1, ${MAILS}) AS i`);
  let smtpReceived = 0;
  const smtp = await startSmtp((_raw, accept) => setTimeout(() => (smtpReceived++, accept()), 200));
  const app = await startApp(url, await freePort(), { SMTP_URL: smtp.url });
  try {
    const staff = await new Session(app.base).signIn('gestionnaire@demo.test');
    const users = await Promise.all(['etudiant@demo.test', 'entreprise@demo.test', 'enseignant@demo.test', 'resp.centre@demo.test'].map((e) => new Session(app.base).signIn(e)));
    const printable = await pg.query<{ id: number }>(db, `SELECT a.id FROM "Agreement" a JOIN "ManagementCentre" c ON c.id = a."centreId" WHERE a.snapshot IS NOT NULL AND c.name = 'UFR Sciences et Technologies' ORDER BY a.id`);
    if (!printable.length) throw new Error('no printable agreement of the UFR');
    await waitUntil(() => smtpReceived > 0, 30_000);

    const background: Raw[] = [];
    let loading = true;
    const loops = users.map(async (s) => {
      while (loading) {
        background.push(await rawGet(app.base, '/account', s.cookie()));
        await sleep(50);
      }
    });
    await sleep(1_000);
    const paths = Array.from({ length: SLOW }, (_, i) => (i === SLOW - 2 ? '/agreements/export.csv' : i === SLOW - 1 ? '/agreements/export.xlsx' : `/agreements/${printable[i % printable.length].id}/agreement.pdf`));
    const held = await holdTable(url, 'Agreement');
    const slow = Promise.all(paths.map((p) => rawGet(app.base, p, staff.cookie())));
    const taken = await waitUntil(async () => (await held.waiting()) >= SLOW, 20_000, 50);
    const waitingAtSignal = await held.waiting();
    const term = performance.now();
    app.proc.child.kill('SIGTERM');
    await sleep(RELEASE_AFTER_MS);
    await held.release();
    const exit = await Promise.race([app.proc.exited, sleep(30_000).then(() => undefined)]);
    const stopMs = performance.now() - term;
    await sleep(500);
    loading = false;
    await Promise.all(loops);
    const slowDone = await slow;

    const describe = (rs: Raw[]) => rs.map((r) => `${r.path} ${r.status ?? ''} ${r.error ?? ''} ${r.bytes} B ${Math.round(r.end - term)} ms after`).join(', ');
    const slowInFlight = slowDone.filter((r) => r.end > term);
    const slowBroken = slowInFlight.filter((r) => r.status !== 200 || !r.complete || r.error);
    report.check(S, 'the slow requests were in the app\'s hands at the signal (waiting in PostgreSQL)', taken, `${waitingAtSignal}/${SLOW} waiting for "Agreement"`);
    report.check(S, 'every slow request in flight at the SIGTERM got its whole answer', slowInFlight.length > 0 && slowBroken.length === 0, `${slowInFlight.length - slowBroken.length}/${slowInFlight.length} complete (${slowInFlight.filter((r) => r.path.endsWith('.pdf')).length} PDFs, ${slowInFlight.filter((r) => r.path.includes('/export.')).length} exports; ${SLOW - slowInFlight.length} answered before the signal)${slowBroken.length ? `; broken: ${describe(slowBroken)}` : ''}`);
    // The page loads around the signal: each is answered whole, refused, or (sent while the app's loop
    // was busy) reset from the kernel's queue when the listener closed; never an answer cut short.
    const around = background.filter((r) => r.end > term);
    const queued = around.filter((r) => r.error === 'ECONNRESET' && r.bytes === 0 && r.status === undefined && r.end - term < QUEUED_MS);
    const cut = around.filter((r) => !queued.includes(r) && r.error !== 'ECONNREFUSED' && (r.status !== 200 || !r.complete || r.error));
    report.check(S, 'no page load around the signal had its answer cut short', cut.length === 0, `${around.filter((r) => r.status === 200 && r.complete).length} answered whole, ${around.filter((r) => r.error === 'ECONNREFUSED').length} refused, ${queued.length} reset from the queue at the close${cut.length ? `; cut: ${describe(cut)}` : ''}`);
    const inFlight = [...slowInFlight, ...background.filter((r) => r.start < term && r.end > term && r.status !== undefined)];
    const later = background.filter((r) => r.start >= term);
    const firstRefused = later.find((r) => r.error === 'ECONNREFUSED');
    const afterClose = firstRefused ? later.filter((r) => r.start >= firstRefused.start) : [];
    const answeredMeanwhile = later.filter((r) => !firstRefused || r.start < firstRefused.start);
    report.check(
      S,
      'new connections are refused once the app stops listening; those sent before are answered (or reset from the queue)',
      !!firstRefused && afterClose.every((r) => r.error === 'ECONNREFUSED') && answeredMeanwhile.every((r) => (r.status === 200 && r.complete) || queued.includes(r)),
      firstRefused ? `refused from ${Math.round(firstRefused.start - term)} ms after the SIGTERM (${afterClose.length} attempts, ${afterClose.filter((r) => r.error === 'ECONNREFUSED').length} refused); ${answeredMeanwhile.length} sent before, ${answeredMeanwhile.filter((r) => r.status === 200 && r.complete).length} answered whole, ${answeredMeanwhile.filter((r) => queued.includes(r)).length} reset from the queue` : 'never refused',
    );
    report.check(S, `the app exited with code 0 within ${STOP_TARGET_MS / 1000} s`, !!exit && exit.code === 0 && stopMs < STOP_TARGET_MS, exit ? `code ${exit.code}${exit.signal ? `, signal ${exit.signal}` : ''} after ${Math.round(stopMs)} ms` : 'still running after 30 s');
    const leased = await pg.query<{ id: number }>(db, `SELECT id FROM "OutboxEmail" WHERE status = 'PENDING' AND attempts > 0 AND "nextAttemptAt" > (now() AT TIME ZONE 'UTC')`);
    report.check(S, 'the mail dispatcher stopped between two messages: no mail left leased', leased.length === 0, `${smtpReceived} mails sent before the stop; leased: ${leased.map((r) => r.id).join(', ') || 'none'}`);
    if (slowBroken.length || cut.length || !exit || exit.code !== 0) log(`app output: ${app.proc.output().split('\n').slice(-8).join(' | ')}`);
    report.figure(S, `SIGTERM with ${inFlight.length} requests in flight (${SLOW} slow ones sent): stopped in ${Math.round(stopMs)} ms, exit code ${exit?.code}; new connections refused ${firstRefused ? `${Math.round(firstRefused.start - term)} ms` : '—'} after the signal`);
  } finally {
    if (app.proc.child.exitCode === null && app.proc.child.signalCode === null) {
      app.proc.child.kill('SIGKILL');
      await app.proc.exited;
    }
    await smtp.close();
  }
}
