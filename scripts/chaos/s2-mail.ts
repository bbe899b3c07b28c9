// Scenario 2: the app killed with SIGKILL in the middle of a mail batch. A real SMTP server
// (smtp-server on 127.0.0.1) answers each message after 200 ms and counts what it accepted by
// Message-ID (the dispatcher's `<outbox-<id>-…>`, stable across attempts). 50 mails wait in the
// outbox; the app starts with SMTP_URL and sends them. When the 20th arrives, the app is frozen
// (SIGSTOP), the server accepts the message, and the app is killed (SIGKILL): that message is
// delivered but its row was never marked sent — the worst moment. After a restart, every other
// mail must be delivered exactly once; the one in flight stays leased (attempts 1) until its lease
// ends, then goes once more (the lease's end is brought forward here: a run cannot wait 10 minutes).
import { freePort } from '../../src/db/embedded.js';
import { dbName, Report, sleep, startApp, waitUntil, type App } from './common.js';
import type { ChaosPg } from './pg.js';
import { startSmtp } from './smtp.js';

const S = 'mail-kill';
const MAILS = 50;
const KILL_AT = 20;
const SMTP_DELAY_MS = 200;

interface Outbox {
  id: number;
  status: string;
  attempts: number;
  leased: boolean;
}

export async function mailBatchKill(pg: ChaosPg, report: Report, log: (m: string) => void) {
  const url = await pg.demoDatabase('s2');
  const db = dbName(url);
  // The demo's own outbox (if any) leaves the way: only this scenario's mails are pending.
  await pg.query(db, `UPDATE "OutboxEmail" SET status = 'SENT', "sentAt" = now() WHERE status = 'PENDING'`);
  const ids = (
    await pg.query<{ id: number }>(
      db,
      `INSERT INTO "OutboxEmail" ("to", subject, html, text, template)
       SELECT 'chaos-' || i || '@example.test', 'Chaos ' || i, '<p>Chaos ' || i || '</p>', 'Chaos ' || i, 'chaos' FROM generate_series(1, ${MAILS}) AS i
       RETURNING id`,
    )
  ).map((r) => r.id);

  let app: App | undefined;
  const accepted = new Map<number, number>();
  let received = 0;
  let inFlight: number | undefined;
  let killed: () => void = () => undefined;
  const killDone = new Promise<void>((resolve) => (killed = resolve));
  const smtp = await startSmtp((raw, done) => {
    const id = Number(raw.toString('utf8').match(/^Message-ID:\s*<outbox-(\d+)-/im)?.[1]);
    const accept = () => {
      accepted.set(id, (accepted.get(id) ?? 0) + 1);
      done();
    };
    received++;
    if (received === KILL_AT && app) {
      // The app frozen, the message accepted (its 250 waits in the app's socket), then the kill.
      inFlight = id;
      const pid = app.pid;
      process.kill(pid, 'SIGSTOP');
      accept();
      setTimeout(() => {
        process.kill(pid, 'SIGKILL');
        killed();
      }, SMTP_DELAY_MS);
      return;
    }
    setTimeout(accept, SMTP_DELAY_MS);
  });
  const port = await freePort();
  const env = { SMTP_URL: smtp.url, JOBS_ENABLED: 'true' };
  const outbox = async () =>
    pg.query<Outbox>(db, `SELECT id, status::text, attempts, "nextAttemptAt" > (now() AT TIME ZONE 'UTC') AS leased FROM "OutboxEmail" WHERE id = ANY($1) ORDER BY id`, [ids]);

  try {
    const t0 = performance.now();
    app = await startApp(url, port, env);
    const wasKilled = await Promise.race([killDone.then(() => true), sleep(90_000).then(() => false)]);
    await app.proc.exited;
    report.check(S, `the app was killed (SIGKILL) while sending, at the ${KILL_AT}th of ${MAILS} mails`, wasKilled, `${received} messages received, ${Math.round(performance.now() - t0)} ms after the start`);
    if (!wasKilled) return;
    const atKill = await outbox();
    const leasedAtKill = atKill.filter((r) => r.status === 'PENDING' && r.leased);
    log(`at the kill: ${atKill.filter((r) => r.status === 'SENT').length} sent, ${leasedAtKill.length} leased (${leasedAtKill.map((r) => r.id).join(', ')}), ${atKill.filter((r) => r.status === 'PENDING' && !r.leased).length} due`);
    report.check(S, 'the outbox marks the message in flight, and only it: PENDING, attempts 1, leased', leasedAtKill.length === 1 && leasedAtKill[0].id === inFlight && leasedAtKill[0].attempts === 1, `in flight: outbox id ${inFlight}; leased rows: ${leasedAtKill.map((r) => `${r.id} (attempts ${r.attempts})`).join(', ') || 'none'}`);

    const restarted = performance.now();
    app = await startApp(url, port, env);
    const others = ids.filter((id) => id !== inFlight);
    const allOthers = await waitUntil(() => others.every((id) => accepted.has(id)), 60_000);
    const drained = performance.now() - restarted;
    // A few seconds more: nothing else (the leased one above all) may go before its lease ends.
    await sleep(3_000);
    const twice = others.filter((id) => (accepted.get(id) ?? 0) > 1);
    report.check(S, 'after the restart, every other mail was delivered exactly once', allOthers && twice.length === 0, `${others.filter((id) => accepted.get(id) === 1).length}/${others.length} once${twice.length ? `; more than once: ${twice.join(', ')}` : ''}; the rest of the batch delivered ${Math.round(drained)} ms after the restart began`);
    report.check(S, 'the mail in flight is not sent again while its lease runs', accepted.get(inFlight!) === 1, `outbox id ${inFlight} delivered ${accepted.get(inFlight!) ?? 0} time(s) so far`);

    // Its lease ends (brought forward), and a notification wakes the dispatcher as a new mail would.
    await pg.query(db, `UPDATE "OutboxEmail" SET "nextAttemptAt" = (now() AT TIME ZONE 'UTC') - interval '1 second' WHERE id = $1`, [inFlight]);
    await pg.query(db, `SELECT pg_notify('stages_outbox', '')`);
    await waitUntil(async () => (await outbox()).every((r) => r.status === 'SENT'), 30_000);
    const end = await outbox();
    const counts = ids.map((id) => accepted.get(id) ?? 0);
    const duplicates = ids.filter((id) => (accepted.get(id) ?? 0) > 1);
    report.check(
      S,
      'once its lease ended, the mail in flight went once more, and every row is SENT',
      end.every((r) => r.status === 'SENT') && accepted.get(inFlight!) === 2 && duplicates.length === 1 && duplicates[0] === inFlight,
      `${end.filter((r) => r.status === 'SENT').length}/${MAILS} SENT; outbox id ${inFlight} delivered ${accepted.get(inFlight!)} times (attempts ${end.find((r) => r.id === inFlight)?.attempts})`,
    );
    report.figure(S, `${MAILS} mails queued, killed at the ${KILL_AT}th: ${counts.filter((c) => c > 0).length} delivered, ${counts.reduce((a, b) => a + b, 0)} messages received, ${duplicates.length} duplicate (outbox id ${duplicates.join(', ') || '—'}, the one in flight); the batch's rest ${Math.round(drained)} ms after the restart began`);
  } finally {
    if (app && app.proc.child.exitCode === null && app.proc.child.signalCode === null) {
      app.proc.child.kill('SIGTERM');
      await app.proc.exited;
    }
    await smtp.close();
  }
}
