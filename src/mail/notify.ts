// Mail leaves right after the commit that queued it. queueEmails() raises a NOTIFY in the caller's
// transaction, which PostgreSQL delivers only when that transaction commits (never after a
// rollback); every app instance that sends mail LISTENs and runs its dispatcher at once. The
// minute job stays as the safety net: notifications missed while disconnected, retries, leases.
import pg from 'pg';
import { DEFAULT_TIMEOUTS, isStopping, type DbOrTx } from '../db/client.js';
import { log } from '../log.js';

export const OUTBOX_CHANNEL = 'stages_outbox';

/** Tells the listeners that mail is waiting (on commit, when `db` is a transaction). */
export async function notifyOutbox(db: DbOrTx): Promise<void> {
  await db.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
}

/**
 * Runs `task` when asked, never twice at once: a request made while it runs starts one more run
 * when it ends (the mail queued meanwhile is then sent too).
 */
export function coalesced(task: () => Promise<unknown>) {
  let running: Promise<void> | null = null;
  let again = false;
  const kick = () => {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await task();
        } catch (err) {
          log.error('outbox dispatch failed', { error: (err as Error).message });
        }
      } while (again);
      running = null;
    })();
  };
  return { kick, idle: () => running ?? Promise.resolve() };
}

/**
 * A dedicated connection LISTENing on the outbox channel; `onMail` runs for each notification and
 * once after every (re)connection (mail queued while it was away). A lost connection is opened
 * again after `retryMs`.
 */
export function listenForOutbox(url: string, onMail: () => void, opts: { retryMs?: number } = {}) {
  const retryMs = opts.retryMs ?? 5_000;
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let ready: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (ready = resolve));

  const retry = () => {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, retryMs);
  };
  const connect = async () => {
    // A frozen database must not hang the listener for ever: connect and LISTEN time out, then retry.
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: DEFAULT_TIMEOUTS.connectMs, query_timeout: DEFAULT_TIMEOUTS.statementMs, keepAlive: true });
    c.on('notification', (n) => {
      if (n.channel === OUTBOX_CHANNEL) onMail();
    });
    c.on('error', (err) => {
      if (!stopped && !isStopping()) log.warn('outbox listener connection lost', { error: err.message });
      if (client === c) client = null;
      c.end().catch(() => undefined);
      retry();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      if (!stopped) log.warn('outbox listener cannot connect', { error: (err as Error).message });
      c.end().catch(() => undefined);
      return retry();
    }
    if (stopped) return void c.end().catch(() => undefined);
    client = c;
    ready();
    onMail();
  };
  void connect();

  return {
    /** Resolves once listening (tests wait for it before queueing). */
    connected,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
