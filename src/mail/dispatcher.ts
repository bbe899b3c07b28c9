import nodemailer from 'nodemailer';
import { isStopping, type Db } from '../db/client.js';
import { log } from '../log.js';
import { systemClock, type Clock } from '../time/clock.js';

/**
 * The outbox dispatcher: sends the PENDING rows of OutboxEmail through SMTP, with retries.
 *
 * Several app instances may run it at once. Each row is claimed, right before it is sent, in one
 * short statement (`SELECT … FOR UPDATE SKIP LOCKED` inside an UPDATE) that pushes its
 * nextAttemptAt forward by a lease and counts the attempt; the message is then sent outside any
 * transaction. Another instance skips the rows being claimed and, once claimed, no longer sees them
 * as due until the lease ends. If a process dies while sending, the row in flight becomes due again
 * when the lease ends (delivery is at-least-once; the Message-ID stays the same so the receiving
 * side can tell); the rows it had not reached yet were never claimed and go at once.
 */

/** Delay before the next try after the 1st, 2nd, 3rd, 4th… failed attempt. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 60 * 60_000] as const;
/** After this many failed attempts the row is FAILED and no longer tried. */
export const MAX_ATTEMPTS = 5;
/** How long a claimed row stays invisible to other dispatchers while it is being sent. */
export const LEASE_MS = 10 * 60_000;
export const DEFAULT_BATCH_SIZE = 50;
const LAST_ERROR_MAX = 300;

/** What the dispatcher needs from a nodemailer transporter (tests may pass their own). */
export interface MailTransport {
  sendMail(msg: {
    from: string;
    to: string;
    subject: string;
    html: string;
    text: string;
    messageId?: string;
  }): Promise<unknown>;
  close?(): void;
}

export interface DispatchOptions {
  /** The From header (config MAIL_FROM). */
  from: string;
  batchSize?: number;
  /** The dispatcher's clock (tests move it forward to reach retries). */
  now?: Date;
  /** Or the app's clock (the jobs'). */
  clock?: Clock;
  maxAttempts?: number;
  leaseMs?: number;
}

export interface DispatchResult {
  claimed: number;
  sent: number;
  /** Failed this time, to be tried again later. */
  retried: number;
  /** Failed for the last time: now FAILED. */
  failed: number;
}

interface ClaimedRow {
  id: number;
  to: string;
  subject: string;
  html: string;
  text: string;
  attempts: number;
  createdAt: Date;
}

/** The delay before the next try once `attempts` attempts have failed (1-based). */
export function retryDelayMs(attempts: number): number {
  const i = Math.max(1, Math.floor(attempts)) - 1;
  return RETRY_DELAYS_MS[Math.min(i, RETRY_DELAYS_MS.length - 1)];
}

/**
 * A short description of a sending failure for the lastError column and the logs: the error code,
 * the SMTP reply code and the first part of the message, with e-mail addresses masked (the SMTP
 * server's reply often repeats them).
 */
export function describeSendError(err: unknown): string {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; message?: unknown; response?: unknown };
  const parts: string[] = [];
  if (typeof e.code === 'string' && e.code) parts.push(e.code);
  const raw = typeof e.response === 'string' && e.response ? e.response : typeof e.message === 'string' ? e.message : String(err);
  if (typeof e.responseCode === 'number' && !raw.startsWith(String(e.responseCode))) parts.push(String(e.responseCode));
  const message = raw
    .replace(/<?[^\s<>()[\]",;:@]+@[^\s<>()[\]",;:@]+>?/g, '<address>')
    .replace(/\s+/g, ' ')
    .trim();
  if (message) parts.push(message);
  const out = parts.join(' ') || 'unknown error';
  return out.length > LAST_ERROR_MAX ? out.slice(0, LAST_ERROR_MAX - 1) + '…' : out;
}

/** The domain of an address such as `Stages <no-reply@stages.example>` (for Message-IDs). */
export function mailDomain(from: string): string {
  const m = from.match(/@([A-Za-z0-9.-]+)/);
  return m ? m[1] : 'stages.localhost';
}

/** Timestamps are stored as UTC in `timestamp(3)` columns: pass a Date as such, whatever the session time zone. */
const utc = (d: Date) => d.toISOString();

/** Claims up to `batchSize` due rows for this dispatcher: pushes their nextAttemptAt by the lease and counts the attempt. */
export async function claimDue(db: Db, now: Date, batchSize: number, leaseMs = LEASE_MS): Promise<ClaimedRow[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  return db.$queryRaw<ClaimedRow[]>`
    UPDATE "OutboxEmail" AS o
       SET "nextAttemptAt" = (${utc(leaseUntil)}::timestamptz AT TIME ZONE 'UTC'),
           "attempts" = o."attempts" + 1
      FROM (SELECT "id" FROM "OutboxEmail"
             WHERE "status" = 'PENDING' AND "nextAttemptAt" <= (${utc(now)}::timestamptz AT TIME ZONE 'UTC')
             ORDER BY "nextAttemptAt", "id"
             LIMIT ${batchSize}
             FOR UPDATE SKIP LOCKED) AS due
     WHERE o."id" = due."id"
 RETURNING o."id", o."to", o."subject", o."html", o."text", o."attempts", o."createdAt"`;
}

/**
 * Sends one batch of due messages. Each claimed row ends SENT (with sentAt), PENDING with a later
 * nextAttemptAt (exponential back-off) or, after `maxAttempts` failures, FAILED.
 */
export async function dispatchPending(db: Db, transport: MailTransport, opts: DispatchOptions): Promise<DispatchResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxAttempts = opts.maxAttempts ?? MAX_ATTEMPTS;
  const clock = () => opts.now ?? (opts.clock ?? systemClock).now();
  const result: DispatchResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
  const domain = mailDomain(opts.from);

  // One row claimed at a time, right before it is sent: a process killed mid-batch leaves one
  // message leased (the one in flight), not the rest of its batch for the lease's 10 minutes.
  // A stopping process sends no further message: the next instance or the next start will.
  while (result.claimed < batchSize && !isStopping()) {
    const [row] = await claimDue(db, clock(), 1, opts.leaseMs ?? LEASE_MS);
    if (!row) break;
    result.claimed++;
    // Only this claim may settle the row: if the lease ran out and another dispatcher took it, its attempt count differs.
    const mine = { id: row.id, status: 'PENDING' as const, attempts: row.attempts };
    try {
      await transport.sendMail({
        from: opts.from,
        to: row.to,
        subject: row.subject,
        html: row.html,
        text: row.text,
        messageId: `<outbox-${row.id}-${new Date(row.createdAt).getTime()}@${domain}>`,
      });
      await db.outboxEmail.updateMany({ where: mine, data: { status: 'SENT', sentAt: clock(), lastError: null } });
      result.sent++;
    } catch (err) {
      const lastError = describeSendError(err);
      if (row.attempts >= maxAttempts) {
        await db.outboxEmail.updateMany({ where: mine, data: { status: 'FAILED', lastError } });
        result.failed++;
        log.warn('e-mail failed for good', { outboxId: row.id, attempts: row.attempts, error: lastError });
      } else {
        const nextAttemptAt = new Date(clock().getTime() + retryDelayMs(row.attempts));
        await db.outboxEmail.updateMany({ where: mine, data: { nextAttemptAt, lastError } });
        result.retried++;
        log.info('e-mail will be retried', { outboxId: row.id, attempts: row.attempts, error: lastError });
      }
    }
  }
  return result;
}

/** A nodemailer SMTP transport for SMTP_URL (options in the URL's query string win over these defaults). */
export function createMailTransport(smtpUrl: string): MailTransport {
  return nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
}

/**
 * The scheduled job: sends due messages batch after batch until none is left or the time budget is
 * spent. Does nothing without SMTP_URL (mail then stays in the outbox, shown by the dev mailbox).
 */
export async function runOutboxDispatch(
  db: Db,
  config: { SMTP_URL?: string; MAIL_FROM: string },
  opts: { transport?: MailTransport; batchSize?: number; budgetMs?: number; clock?: Clock } = {},
): Promise<DispatchResult> {
  const total: DispatchResult = { claimed: 0, sent: 0, retried: 0, failed: 0 };
  if (!config.SMTP_URL && !opts.transport) return total;
  const transport = opts.transport ?? createMailTransport(config.SMTP_URL!);
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  // The time budget is real elapsed time, whatever the clock says.
  const deadline = systemClock.now().getTime() + (opts.budgetMs ?? 50_000);
  try {
    for (;;) {
      const r = await dispatchPending(db, transport, { from: config.MAIL_FROM, batchSize, clock: opts.clock });
      total.claimed += r.claimed;
      total.sent += r.sent;
      total.retried += r.retried;
      total.failed += r.failed;
      if (r.claimed < batchSize || systemClock.now().getTime() >= deadline || isStopping()) break;
    }
  } finally {
    if (!opts.transport) transport.close?.();
  }
  if (total.claimed) log.info('outbox dispatched', { ...total });
  return total;
}
