// Issue 16, "Several instances": two real app processes (node --import tsx src/server.ts, as
// `npm start` runs it) on ONE PostgreSQL database, the way the platform grows beyond one machine.
// Both run the scheduled jobs (every 2 s here, JOBS_SCHEDULE_OVERRIDE) and send mail to a real
// SMTP server that counts what it receives. A browser's cookie jar goes from one to the other.
import { existsSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../prisma/seed-data.js';
import { closeApp, createApp } from '../../src/app.js';
import { freePort } from '../../src/db/embedded.js';
import type { Db } from '../../src/db/client.js';
import { minimalPdf } from '../factories/students.js';
import { testConfig } from '../helpers/app.js';
import { loadDemo, testDatabaseUrl, testDb } from '../helpers/db.js';
import { alive, serverEnv, startServer, until, type Started } from './server.js';

/** What the SMTP server received: the raw message of each delivery, in order. */
const received: string[] = [];
const messageIdOf = (raw: string) => /^message-id:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '(none)';

function startSmtp(): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      const parts: Buffer[] = [];
      stream.on('data', (d: Buffer) => parts.push(d));
      stream.on('end', () => {
        received.push(Buffer.concat(parts).toString('utf8'));
        done();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.server.address() as { port: number }).port;
      resolve({ port, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** One browser: one cookie jar, whichever instance answers (as behind a reverse proxy without stickiness). */
function browser() {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const send = async (base: string, p: string, init: RequestInit = {}) => {
    const res = await fetch(base + p, { ...init, headers: { cookie: cookie(), accept: 'text/html', ...(init.headers as Record<string, string>) }, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  const b = {
    jar,
    get: (base: string, p: string) => send(base, p),
    async page(base: string, p: string) {
      const r = await send(base, p);
      return { ...r, text: r.body.toString('utf8') };
    },
    post: (base: string, p: string, form: Record<string, string>) =>
      send(base, p, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    upload: (base: string, p: string, csrf: string, field: string, file: Buffer, name: string) => {
      const fd = new FormData();
      fd.append(field, new Blob([new Uint8Array(file)], { type: 'application/pdf' }), name);
      return send(base, p, { method: 'POST', body: fd, headers: { 'x-csrf-token': csrf } });
    },
    async signIn(base: string, email: string) {
      const page = await b.page(base, '/login');
      const res = await b.post(base, '/login', { email, password: 'stages-demo', _csrf: csrfOf(page.text) });
      if (res.status !== 303) throw new Error(`sign-in as ${email} on ${base}: ${res.status}`);
    },
  };
  return b;
}

function csrfOf(html: string) {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

const unescape = (s: string) => s.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The fields of the form posting to `action`, as a browser would send them unchanged. */
function formFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b([^>]*)>/g)) {
    const name = /\bname="([^"]+)"/.exec(m[1])?.[1];
    const type = /\btype="([^"]+)"/.exec(m[1])?.[1] ?? 'text';
    if (!name || type === 'file' || type === 'submit') continue;
    if (type === 'checkbox') {
      if (/\bchecked\b/.test(m[1])) out[name] = 'on';
      continue;
    }
    out[name] = unescape(/\bvalue="([^"]*)"/.exec(m[1])?.[1] ?? '');
  }
  for (const m of form.matchAll(/<textarea\b[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) out[m[1]] = unescape(m[2]);
  for (const m of form.matchAll(/<select\b[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    out[m[1]] = unescape(/<option value="([^"]*)"[^>]*\bselected\b/.exec(m[2])?.[1] ?? '');
  }
  return out;
}

// Real processes, read from /proc by the shared helpers (Linux, as in CI).
describe.skipIf(!existsSync('/proc/self/stat')).sequential('two app instances on one database', () => {
  let db: Db;
  let smtp: { port: number; close(): Promise<void> };
  const apps: Started[] = [];
  let A: string;
  let B: string;
  const pids: number[] = [];

  beforeAll(async () => {
    db = await testDb();
    // The demo world (seeded once per worker and day, copied back in a moment): tests/helpers/db.ts.
    await loadDemo(db, seedDemo);
    smtp = await startSmtp();
    const url = await testDatabaseUrl();
    const ports = [await freePort(), await freePort()];
    [A, B] = ports.map((p) => `http://127.0.0.1:${p}`);
    for (const port of ports) {
      const env = serverEnv({
        DATABASE_URL: url,
        // The same secret everywhere: a cookie signed by one instance is read by the other.
        SESSION_SECRET: 'two-instances-one-secret-0123456789',
        PORT: String(port),
        // One public address for both, as behind a reverse proxy.
        BASE_URL: A,
        SEED_DEMO: 'false',
        JOBS_ENABLED: 'true',
        JOBS_SCHEDULE_OVERRIDE: '*/2 * * * * *',
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        LOG_LEVEL: 'warn',
      });
      apps.push(startServer('node', env));
    }
    await Promise.all(apps.map((a) => a.waitFor(/Stages is running at/, 120_000)));
    pids.push(...apps.map((a) => a.pid));
  }, 240_000);

  afterAll(async () => {
    for (const a of apps) if (alive(a.pid)) a.child.kill('SIGTERM');
    await Promise.all(apps.map((a) => Promise.race([a.exited, new Promise((r) => setTimeout(r, 12_000))])));
    for (const a of apps) if (alive(a.pid)) a.child.kill('SIGKILL');
    await smtp?.close();
  }, 30_000);

  it('keeps a session opened on one instance valid on the other (same secret, sessions in PostgreSQL)', async () => {
    const student = browser();
    await student.signIn(A, 'etudiant@demo.test');
    const onB = await student.page(B, '/account');
    expect(onB.status).toBe(200);
    expect(onB.text).toContain('etudiant@demo.test');
    // Anonymous on B without the cookie: the account page sends to the sign-in page.
    expect((await browser().get(B, '/account')).status).toBe(303);
  });

  it('shows a change made through one instance on the other at once, both ways; an upload on one is served by the other', async () => {
    const student = browser();
    await student.signIn(B, 'etudiant@demo.test');
    const form = formFields((await student.page(A, '/profile')).text, '/profile');
    expect(form._csrf).toBeTruthy();
    const phone = `06 ${String(process.pid % 100).padStart(2, '0')} 98 76 54`;
    // The CSRF token of a page served by A, posted to B: the token lives in the shared session.
    const saved = await student.post(B, '/profile', { ...form, phone, skills: 'PostgreSQL partagé' });
    expect(saved.status, saved.body.toString()).toBe(303);
    const seen = await student.page(A, '/profile');
    expect(seen.text).toContain(`value="${phone}"`);
    expect(seen.text).toContain('PostgreSQL partagé');

    // A CV uploaded through A, downloaded from B: the same bytes (files live in the database).
    const cv = Buffer.concat([minimalPdf(), Buffer.from(`%% instance test ${process.pid}\n`)]);
    const up = await student.upload(A, '/profile/cv', csrfOf((await student.page(A, '/profile')).text), 'cv', cv, 'cv-a.pdf');
    expect(up.status).toBe(303);
    const down = await student.get(B, '/profile/cv');
    expect(down.status).toBe(200);
    expect(down.headers.get('content-type')).toBe('application/pdf');
    expect(down.body.equals(cv)).toBe(true);
  });

  it('numbers agreements without gap or duplicate when their creations are split across both instances', { timeout: 90_000 }, async () => {
    // Thomas's sent sheet, eight times over (as eight students' sheets waiting for the centre).
    const sent = await db.internshipSheet.findFirstOrThrow({ where: { status: 'SUBMITTED', student: { user: { email: 'thomas.girard@etu.univ-demo.test' } } } });
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) {
      const copy = await db.internshipSheet.create({ data: { studentId: sent.studentId, organisationId: sent.organisationId, status: 'SUBMITTED', data: sent.data as object, sentAt: sent.sentAt } });
      ids.push(copy.id);
    }
    const staff = browser();
    await staff.signIn(A, 'gestionnaire@demo.test');
    const csrf = csrfOf((await staff.page(B, `/sheets/${ids[0]}`)).text);
    // All at once, half through each instance: validating a sheet creates its agreement and its number.
    const answers = await Promise.all(ids.map((id, i) => staff.post(i % 2 ? B : A, `/sheets/${id}/validate`, { _csrf: csrf })));
    expect(answers.map((r) => r.status)).toEqual(ids.map(() => 303));
    const made = await db.agreement.findMany({ where: { sheetId: { in: ids } }, select: { institutionId: true, academicYear: true } });
    expect(made).toHaveLength(8);
    const { institutionId, academicYear } = made[0];
    const all = await db.agreement.findMany({ where: { institutionId, academicYear }, select: { seq: true }, orderBy: { seq: 'asc' } });
    // Every number of that institution and year, the demo's and these eight: 1..n, none twice, none missing.
    expect(all.map((a) => a.seq)).toEqual(all.map((_, i) => i + 1));
    const counter = await db.agreementCounter.findUniqueOrThrow({ where: { institutionId_academicYear: { institutionId, academicYear } } });
    expect(counter.last).toBe(all.length);
  });

  it('sends each e-mail once although both instances dispatch the outbox', { timeout: 60_000 }, async () => {
    // More mail, queued through both: password-reset requests (the answer comes before the mail is queued).
    const people = ['enseignant@demo.test', 'resp.annee@demo.test', 'resp.filiere@demo.test', 'tuteur@demo.test'];
    await Promise.all(
      people.map(async (email, i) => {
        const base = i % 2 ? B : A;
        const visitor = browser();
        const res = await visitor.post(base, '/password/forgot', { email, _csrf: csrfOf((await visitor.page(base, '/password/forgot')).text) });
        expect(res.status).toBe(200);
      }),
    );
    await until(async () => (await db.outboxEmail.count({ where: { to: { in: people }, template: 'password-reset' } })) === people.length, 20_000, 'the reset mails queued');
    await until(async () => (await db.outboxEmail.count({ where: { status: 'PENDING' } })) === 0, 30_000, 'the outbox sent');
    // Two more schedules of both dispatchers: nothing goes out again.
    await new Promise((r) => setTimeout(r, 4_500));
    const sentRows = await db.outboxEmail.findMany({ where: { status: 'SENT' }, select: { id: true, to: true } });
    // The sheets' validations (8) and the resets (4) at least.
    expect(sentRows.length).toBeGreaterThanOrEqual(12);
    expect(await db.outboxEmail.count({ where: { status: { not: 'SENT' } } })).toBe(0);
    const ids = received.map(messageIdOf);
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(twice, 'messages received twice').toEqual([]);
    expect(received).toHaveLength(sentRows.length);
    for (const row of sentRows) expect(ids.some((id) => id.startsWith(`<outbox-${row.id}-`)), `outbox row ${row.id}`).toBe(true);
    // The daily jobs' own mails (a signature reminder, the tutor's evaluation opening), queued once
    // although both instances ran those jobs every 2 s since the start.
    const jobMails = await db.outboxEmail.groupBy({ by: ['template', 'to'], where: { template: { in: ['signature-reminder', 'evaluation-open'] } }, _count: true });
    expect(jobMails.length).toBeGreaterThan(0);
    for (const g of jobMails) expect(g._count, `${g.template} to ${g.to}`).toBe(1);
  });

  it('runs every scheduled job once per schedule across both, each instance taking its share', { timeout: 60_000 }, async () => {
    // An offer whose diffusion ended yesterday: the expiry job must expire it once (one audit row).
    const offer = await db.offer.findFirstOrThrow({ where: { status: 'PUBLISHED' }, orderBy: { id: 'asc' } });
    const t0 = new Date();
    await db.offer.update({ where: { id: offer.id }, data: { publishUntil: new Date(t0.getTime() - 2 * 86_400_000) } });
    await until(async () => (await db.offer.findUniqueOrThrow({ where: { id: offer.id } })).status === 'EXPIRED', 20_000, 'the offer expired by the job');
    // Several more schedules of both instances.
    await new Promise((r) => setTimeout(r, 6_500));
    const expiries = await db.auditLog.findMany({ where: { entityType: 'Offer', entityId: String(offer.id), action: 'offer.expire' } });
    expect(expiries).toHaveLength(1);

    const runs = await db.jobRun.findMany({ orderBy: [{ job: 'asc' }, { slot: 'asc' }] });
    const jobs = [...new Set(runs.map((r) => r.job))].sort();
    // Every job of the platform but the outbox dispatch (any instance may send at any time, rows claimed one by one).
    expect(jobs).toEqual(['attestation-links', 'evaluation-open', 'expire-offers', 'label-reminders', 'midterm-open', 'purge-files', 'purge-job-runs', 'purge-login-failures', 'purge-outbox', 'purge-wizard-drafts', 'remind-signatures', 'retention']);
    const instances = new Set(runs.map((r) => r.instance));
    // Both processes won slots (the row's instance is host:pid).
    expect([...instances].map((i) => Number(i.split(':').pop())).sort()).toEqual([...pids].sort());
    for (const job of jobs) {
      const slots = runs.filter((r) => r.job === job).map((r) => r.slot.getTime());
      // One row per (job, slot), slots on the 2-second schedule, and many of them since the start.
      expect(new Set(slots).size, job).toBe(slots.length);
      expect(slots.every((s) => s % 2_000 === 0), job).toBe(true);
      expect(slots.length, job).toBeGreaterThanOrEqual(5);
    }
    const failed = runs.filter((r) => r.error);
    expect(failed.map((r) => `${r.job}: ${r.error}`)).toEqual([]);
    // Neither instance logged a failed job or an error.
    for (const a of apps) expect(a.output()).not.toMatch(/job failed|"level":"error"/);
  });
});

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  it('reads a number of hops as hops: the client address comes from X-Forwarded-For', async () => {
    const db = await testDb();
    const url = await testDatabaseUrl();
    for (const [value, fromProxy] of [['1', true], ['loopback', false], ['false', false]] as const) {
      const app = createApp({ config: testConfig({ TRUST_PROXY: value }), db, databaseUrl: url });
      try {
        const trust = app.get('trust proxy fn') as (addr: string, i: number) => boolean;
        // The proxy (any address) at hop 0 is trusted with "1"; the hop behind it is not.
        expect(trust('10.0.0.5', 0), value).toBe(fromProxy);
        expect(trust('203.0.113.9', 1), value).toBe(false);
      } finally {
        await closeApp(app);
      }
    }
  });
});
