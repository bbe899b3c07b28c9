import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.js';
import { createDb, type Db } from '../../src/db/client.js';
import { enabledJobs, jobDefinitions, runJob, startOutboxListener } from '../../src/jobs/index.js';
import { claimDue, createMailTransport, dispatchPending, LEASE_MS, MAX_ATTEMPTS, RETRY_DELAYS_MS, runOutboxDispatch } from '../../src/mail/dispatcher.js';
import { OUTBOX_RETENTION_DAYS, purgeOutbox, queueEmail } from '../../src/mail/outbox.js';
import { testConfig, testContext } from '../helpers/app.js';
import { resetDb, testDatabaseUrl, testDb } from '../helpers/db.js';

const FROM = 'Stages <no-reply@stages.test>';

// ---------------------------------------------------------------------------------------------
// A real SMTP server on 127.0.0.1 (random port) and a small MIME reader for what it receives.

interface Received {
  from: string;
  to: string[];
  raw: string;
}

interface TestSmtp {
  port: number;
  url: string;
  received: Received[];
  /** When set, RCPT TO is refused with this SMTP reply code. */
  rejectRcpt: number | null;
  /** Delay before accepting a message's data (to make concurrent dispatchers overlap). */
  dataDelayMs: number;
  close(): Promise<void>;
}

async function startSmtp(): Promise<TestSmtp> {
  const state = { received: [] as Received[], rejectRcpt: null as number | null, dataDelayMs: 0 };
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      if (state.rejectRcpt) {
        const err = new Error(`Mailbox <${address.address}> unavailable`) as Error & { responseCode: number };
        err.responseCode = state.rejectRcpt;
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        setTimeout(() => {
          state.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        }, state.dataDelayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(state, {
    port,
    url: `smtp://127.0.0.1:${port}/?ignoreTLS=true`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as TestSmtp;
}

function splitHeaders(raw: string): { headers: Map<string, string>; body: string } {
  const m = raw.match(/\r?\n\r?\n/);
  const head = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index! + m[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

function qpBytes(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i], 'utf8'));
  }
  return Buffer.from(bytes);
}

function decodeWords(s: string): string {
  return s
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, txt: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(txt, 'base64').toString('utf8') : qpBytes(txt.replace(/_/g, ' ')).toString('utf8'),
    );
}

function decodeBody(body: string, encoding = '7bit'): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return qpBytes(body.replace(/=\r?\n/g, '')).toString('utf8');
    default:
      return body;
  }
}

/** The leaf parts of a MIME message: content type → decoded body. */
function mimeParts(raw: string): { type: string; body: string }[] {
  const { headers, body } = splitHeaders(raw);
  const ct = headers.get('content-type') ?? 'text/plain';
  const type = ct.split(';')[0].trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = ct.match(/boundary="?([^";]+)"?/i)![1];
    const sections = body.split(`--${boundary}`).slice(1);
    return sections.filter((s) => !s.startsWith('--')).flatMap((s) => mimeParts(s.replace(/^\r?\n/, '')));
  }
  return [{ type, body: decodeBody(body, headers.get('content-transfer-encoding')) }];
}

function readMessage(raw: string) {
  const { headers } = splitHeaders(raw);
  const parts = mimeParts(raw);
  return {
    subject: decodeWords(headers.get('subject') ?? ''),
    from: decodeWords(headers.get('from') ?? ''),
    to: headers.get('to') ?? '',
    messageId: headers.get('message-id') ?? '',
    contentType: headers.get('content-type') ?? '',
    text: parts.find((p) => p.type === 'text/plain')?.body,
    html: parts.find((p) => p.type === 'text/html')?.body,
  };
}

// ---------------------------------------------------------------------------------------------

const resetMail = (n = 1, to = `camille${n}@test.example`) => ({
  to,
  template: 'password-reset',
  locale: 'fr' as const,
  data: { firstName: `Camille${n}`, link: `http://stages.test/password/reset/token-${n}`, minutes: 60 },
});

/** A clock a little ahead of the database's, so that rows queued just now are due. */
const soon = () => new Date(Date.now() + 1000);

describe('outbox dispatcher (real PostgreSQL, real SMTP server)', () => {
  let db: Db;
  let smtp: TestSmtp;

  beforeEach(async () => {
    db = await testDb();
    await resetDb(db);
    smtp = await startSmtp();
  });
  afterEach(async () => {
    await smtp.close();
  });

  it('never writes nor sends a message queued in a transaction that rolls back', async () => {
    await expect(
      db.$transaction(async (tx) => {
        expect(await queueEmail(tx, resetMail(1))).toBe(true);
        expect(await tx.outboxEmail.count()).toBe(1); // visible inside the transaction…
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await db.outboxEmail.count()).toBe(0); // …gone with it

    const transport = createMailTransport(smtp.url);
    const r = await dispatchPending(db, transport, { from: FROM, now: soon() });
    transport.close?.();
    expect(r).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(0);
  });

  it('delivers a queued message with its HTML and text parts and marks it SENT', async () => {
    await db.$transaction(async (tx) => {
      await queueEmail(tx, resetMail(7, 'dominique@test.example'));
    });
    const row = await db.outboxEmail.findFirstOrThrow();
    expect(row.status).toBe('PENDING');

    const transport = createMailTransport(smtp.url);
    const r = await dispatchPending(db, transport, { from: FROM, now: soon() });
    transport.close?.();
    expect(r).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0 });

    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0];
    expect(got.from).toBe('no-reply@stages.test');
    expect(got.to).toEqual(['dominique@test.example']);
    const mail = readMessage(got.raw);
    expect(mail.contentType).toMatch(/^multipart\/alternative/i);
    expect(mail.subject).toBe('Réinitialisation de votre mot de passe');
    expect(mail.subject).toBe(row.subject);
    expect(mail.from).toContain('no-reply@stages.test');
    expect(mail.to).toBe('dominique@test.example');
    expect(mail.messageId).toMatch(new RegExp(`^<outbox-${row.id}-\\d+@stages\\.test>$`));
    expect(mail.text).toBeDefined();
    expect(mail.html).toBeDefined();
    expect(mail.text).toContain('Bonjour Camille7,');
    expect(mail.text).toContain('http://stages.test/password/reset/token-7');
    expect(mail.text).not.toContain('<p>');
    expect(mail.html).toContain('<p>Bonjour Camille7,</p>');
    expect(mail.html).toContain('href="http://stages.test/password/reset/token-7"');

    const after = await db.outboxEmail.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe('SENT');
    expect(after.sentAt).toBeInstanceOf(Date);
    expect(after.attempts).toBe(1);
    expect(after.lastError).toBeNull();

    // Sent once: nothing left to send.
    const again = createMailTransport(smtp.url);
    expect((await dispatchPending(db, again, { from: FROM, now: new Date(Date.now() + 86_400_000) })).claimed).toBe(0);
    again.close?.();
    expect(smtp.received).toHaveLength(1);
  });

  it('retries a refused message with back-off, then marks it FAILED after the last attempt', async () => {
    smtp.rejectRcpt = 550;
    await queueEmail(db, resetMail(3, 'refused@test.example'));
    const { id } = await db.outboxEmail.findFirstOrThrow();
    const transport = createMailTransport(smtp.url);
    let now = soon();

    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const r = await dispatchPending(db, transport, { from: FROM, now });
      expect(r).toEqual({ claimed: 1, sent: 0, retried: 1, failed: 0 });
      const row = await db.outboxEmail.findUniqueOrThrow({ where: { id } });
      expect(row.status).toBe('PENDING');
      expect(row.attempts).toBe(attempt);
      expect(row.nextAttemptAt.getTime()).toBe(now.getTime() + RETRY_DELAYS_MS[Math.min(attempt - 1, RETRY_DELAYS_MS.length - 1)]);
      expect(row.lastError).toMatch(/550/);
      expect(row.lastError).not.toContain('refused@test.example'); // the server's reply repeats the address: masked
      expect(row.lastError!.length).toBeLessThanOrEqual(300);
      // Not due before its next attempt.
      expect((await dispatchPending(db, transport, { from: FROM, now: new Date(row.nextAttemptAt.getTime() - 1) })).claimed).toBe(0);
      now = row.nextAttemptAt;
    }
    const last = await dispatchPending(db, transport, { from: FROM, now });
    expect(last).toEqual({ claimed: 1, sent: 0, retried: 0, failed: 1 });
    const failed = await db.outboxEmail.findUniqueOrThrow({ where: { id } });
    expect(failed.status).toBe('FAILED');
    expect(failed.attempts).toBe(MAX_ATTEMPTS);
    expect(failed.sentAt).toBeNull();

    // A FAILED row is never tried again, even once the server accepts mail.
    smtp.rejectRcpt = null;
    expect((await dispatchPending(db, transport, { from: FROM, now: new Date(now.getTime() + 7 * 86_400_000) })).claimed).toBe(0);
    transport.close?.();
    expect(smtp.received).toHaveLength(0);
  });

  it('claims due rows with a lease so that no other dispatcher sees them meanwhile', async () => {
    await queueEmail(db, resetMail(9));
    await queueEmail(db, resetMail(10));
    const now = soon();
    const claimed = await claimDue(db, now, 1);
    expect(claimed).toHaveLength(1);
    expect(claimed[0].attempts).toBe(1);
    const row = await db.outboxEmail.findUniqueOrThrow({ where: { id: claimed[0].id } });
    expect(row.nextAttemptAt.getTime()).toBe(now.getTime() + LEASE_MS);
    expect(row.status).toBe('PENDING');
    // The other row is still due; the leased one is not, until the lease ends.
    const next = await claimDue(db, now, 10);
    expect(next.map((r) => r.id)).not.toContain(claimed[0].id);
    expect(next).toHaveLength(1);
    expect(await claimDue(db, new Date(now.getTime() + LEASE_MS - 1), 10)).toHaveLength(0);
    expect((await claimDue(db, new Date(now.getTime() + LEASE_MS), 10)).map((r) => r.id)).toContain(claimed[0].id);
  });

  it('retries when the SMTP server cannot be reached, and delivers once it is back', async () => {
    await queueEmail(db, resetMail(4));
    const { id } = await db.outboxEmail.findFirstOrThrow();
    const port = smtp.port;
    await smtp.close();
    const down = createMailTransport(`smtp://127.0.0.1:${port}/?ignoreTLS=true`);
    const now = soon();
    expect(await dispatchPending(db, down, { from: FROM, now })).toEqual({ claimed: 1, sent: 0, retried: 1, failed: 0 });
    down.close?.();
    const row = await db.outboxEmail.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(row.nextAttemptAt.getTime()).toBe(now.getTime() + RETRY_DELAYS_MS[0]);
    expect(row.lastError).toMatch(/ECONNECTION|ECONNREFUSED/);

    smtp = await startSmtp();
    const up = createMailTransport(smtp.url);
    expect((await dispatchPending(db, up, { from: FROM, now: row.nextAttemptAt })).sent).toBe(1);
    up.close?.();
    expect(smtp.received).toHaveLength(1);
    expect(await db.outboxEmail.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'SENT', attempts: 2, lastError: null });
  });

  it('does not queue the same message twice under one dedupe key', async () => {
    const msg = { ...resetMail(5), dedupeKey: 'reminder:midterm:42' };
    expect(await queueEmail(db, msg)).toBe(true);
    expect(await queueEmail(db, msg)).toBe(false);
    expect(await db.$transaction((tx) => queueEmail(tx, msg))).toBe(false);
    // Messages without a key are never merged.
    expect(await queueEmail(db, resetMail(6))).toBe(true);
    expect(await queueEmail(db, resetMail(6))).toBe(true);
    expect(await db.outboxEmail.count({ where: { dedupeKey: 'reminder:midterm:42' } })).toBe(1);
    expect(await db.outboxEmail.count()).toBe(3);

    const transport = createMailTransport(smtp.url);
    await dispatchPending(db, transport, { from: FROM, now: soon() });
    // Still refused after it was sent.
    expect(await queueEmail(db, msg)).toBe(false);
    transport.close?.();
    expect(smtp.received.filter((m) => m.to[0] === 'camille5@test.example')).toHaveLength(1);
  });

  describe('with two app instances', () => {
    let other: Db;
    beforeEach(async () => {
      other ??= createDb(await testDatabaseUrl());
      await other.$queryRaw`SELECT 1`; // connected before the race starts
    });
    afterAll(async () => {
      await other?.$disconnect();
    });

    it('two dispatchers running at once send each message exactly once', async () => {
      const N = 24;
      for (let i = 1; i <= N; i++) await queueEmail(db, resetMail(100 + i));
      smtp.dataDelayMs = 15; // long enough for the two dispatchers to overlap
      const now = soon();
      const instance = async (client: Db) => {
        const transport = createMailTransport(smtp.url);
        let sent = 0;
        for (;;) {
          const r = await dispatchPending(client, transport, { from: FROM, now, batchSize: 4 });
          sent += r.sent;
          if (r.claimed === 0) break;
        }
        transport.close?.();
        return sent;
      };
      const [a, b] = await Promise.all([instance(db), instance(other)]);
      expect(a + b).toBe(N);
      expect(a).toBeGreaterThan(0);
      expect(b).toBeGreaterThan(0);
      expect(smtp.received).toHaveLength(N);
      const recipients = new Set(smtp.received.map((m) => m.to[0]));
      expect(recipients.size).toBe(N);
      const ids = new Set(smtp.received.map((m) => readMessage(m.raw).messageId));
      expect(ids.size).toBe(N);
      const rows = await db.outboxEmail.findMany();
      expect(rows.every((r) => r.status === 'SENT' && r.attempts === 1)).toBe(true);
    });
  });

  describe('the scheduled job', () => {
    const ctxFor = (overrides: Record<string, string> = {}) => testContext(db, overrides);

    it('is scheduled only when SMTP_URL is configured', () => {
      const names = (ctx: Ctx) => enabledJobs(ctx).map((j) => j.name);
      expect(jobDefinitions().map((j) => j.name)).toContain('dispatch-outbox');
      expect(names(ctxFor())).not.toContain('dispatch-outbox');
      expect(names(ctxFor({ SMTP_URL: smtp.url }))).toContain('dispatch-outbox');
    });

    it('sends mail right after the commit that queued it, never before, and nothing for a rollback', async () => {
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const ctx = testContext(db, { SMTP_URL: smtp.url, MAIL_FROM: FROM }, { databaseUrl: await testDatabaseUrl() });
      expect(startOutboxListener({ ...ctx, config: testConfig() })).toBeNull(); // no SMTP, no listener
      const listener = startOutboxListener(ctx)!;
      try {
        await listener.connected;
        await db.$transaction(async (tx) => {
          await queueEmail(tx, resetMail(401));
          await sleep(300);
          expect(smtp.received).toHaveLength(0); // not before the commit
        });
        for (let i = 0; i < 100 && smtp.received.length < 1; i++) await sleep(50); // no dispatcher call here
        expect(smtp.received).toHaveLength(1);
        expect(readMessage(smtp.received[0].raw).to).toContain('camille401@test.example');
        await expect(
          db.$transaction(async (tx) => {
            await queueEmail(tx, resetMail(402));
            throw new Error('the change failed');
          }),
        ).rejects.toThrow('the change failed');
        await sleep(500);
        expect(smtp.received).toHaveLength(1);
        expect(await db.outboxEmail.findMany({ select: { status: true } })).toEqual([{ status: 'SENT' }]);
      } finally {
        await listener.stop();
      }
    });

    it('listens again after losing its connection, and sends what was queued meanwhile', async () => {
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const ctx = testContext(db, { SMTP_URL: smtp.url, MAIL_FROM: FROM }, { databaseUrl: await testDatabaseUrl() });
      const listener = startOutboxListener(ctx, jobDefinitions(), { retryMs: 200 })!;
      try {
        await listener.connected;
        const [{ n }] = await db.$queryRaw<{ n: number }[]>`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN stages_outbox'`;
        expect(n).toBe(1);
        await queueEmail(db, resetMail(501)); // its notification finds nobody listening
        for (let i = 0; i < 100 && smtp.received.length < 1; i++) await sleep(50);
        expect(smtp.received).toHaveLength(1);
      } finally {
        await listener.stop();
      }
    });

    it('purges settled messages past their retention; a dedupe key outlives its message', async () => {
      const day = 86_400_000;
      const ago = (days: number) => new Date(Date.now() - days * day);
      const row = (n: number, data: Record<string, unknown>) =>
        db.outboxEmail.create({ data: { to: `p${n}@test.example`, subject: `S${n}`, html: '<p>x</p>', text: 'x', template: 'password-reset', ...data } });
      const oldSent = await row(1, { status: 'SENT', sentAt: ago(OUTBOX_RETENTION_DAYS.SENT + 1) });
      const recentSent = await row(2, { status: 'SENT', sentAt: ago(OUTBOX_RETENTION_DAYS.SENT - 1) });
      const oldKeyed = await row(3, { status: 'SENT', sentAt: ago(OUTBOX_RETENTION_DAYS.SENT + 1), dedupeKey: 'reminder:42' });
      const oldFailed = await row(4, { status: 'FAILED', createdAt: ago(OUTBOX_RETENTION_DAYS.FAILED + 1) });
      const recentFailed = await row(5, { status: 'FAILED', createdAt: ago(30) });
      const oldPending = await row(6, { status: 'PENDING', createdAt: ago(500) });

      const job = jobDefinitions().find((j) => j.name === 'purge-outbox')!;
      expect(await runJob(testContext(db), job)).toBe(true);
      const left = await db.outboxEmail.findMany({ orderBy: { id: 'asc' } });
      expect(left.map((r) => r.id)).toEqual([recentSent.id, oldKeyed.id, recentFailed.id, oldPending.id]);
      expect(left.find((r) => r.id === oldKeyed.id)).toMatchObject({ to: '', subject: '', html: '', text: '', dedupeKey: 'reminder:42' });
      expect(left.find((r) => r.id === recentSent.id)!.to).toBe('p2@test.example');
      expect([oldSent.id, oldFailed.id].some((id) => left.some((r) => r.id === id))).toBe(false);
      // The key still refuses the same reminder; a second purge finds nothing more.
      expect(await queueEmail(db, { ...resetMail(9), dedupeKey: 'reminder:42' })).toBe(false);
      expect(await purgeOutbox(db, new Date())).toBe(0);
    });

    it('sends nothing without SMTP_URL: mail stays in the outbox', async () => {
      await queueEmail(db, resetMail(8));
      expect(await runOutboxDispatch(db, testConfig())).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0 });
      expect(await db.outboxEmail.findFirstOrThrow()).toMatchObject({ status: 'PENDING', attempts: 0 });
      expect(smtp.received).toHaveLength(0);
    });

    it('runs under its advisory lock and drains the outbox batch after batch', async () => {
      for (let i = 1; i <= 7; i++) await queueEmail(db, resetMail(200 + i));
      await new Promise((r) => setTimeout(r, 50)); // the job uses the real clock
      const ctx = ctxFor({ SMTP_URL: smtp.url, MAIL_FROM: FROM });
      const job = jobDefinitions().find((j) => j.name === 'dispatch-outbox')!;
      expect(await runJob(ctx, job)).toBe(true);
      expect(smtp.received).toHaveLength(7);
      expect(await db.outboxEmail.count({ where: { status: 'SENT' } })).toBe(7);

      for (let i = 1; i <= 7; i++) await queueEmail(db, resetMail(300 + i));
      await new Promise((r) => setTimeout(r, 50));
      expect(await runOutboxDispatch(db, { SMTP_URL: smtp.url, MAIL_FROM: FROM }, { batchSize: 3 })).toEqual({ claimed: 7, sent: 7, retried: 0, failed: 0 });
      expect(smtp.received).toHaveLength(14);
    });
  });
});
