import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/auth/password.js';
import { PER_ACCOUNT, PER_ACCOUNT_CLIENT } from '../../src/auth/rate-limit.js';
import { makeUser, PASSWORD } from '../factories/index.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

// Abuse of sign-in, reset and the change form (issue 8, items 4 to 7 and 13).

/** How many answers had each status. */
function tally(statuses: number[]) {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

describe('parallel sign-in attempts', () => {
  const t = useApp();
  // A listening server: requests sent at once each get their own connection.
  let server: http.Server;
  beforeEach(async () => {
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function loginForm() {
    const a = request.agent(base());
    return { a, csrf: csrfFrom((await a.get('/login')).text) };
  }

  it('checks at most 5 of 30 wrong passwords sent at once from one client', async () => {
    await makeUser(t.db, { email: 'target@x.test' });
    const { a, csrf } = await loginForm();
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => a.post('/login').set('X-Forwarded-For', '198.51.100.1').type('form').send({ email: 'target@x.test', password: 'wrong-password', _csrf: csrf })),
    );
    // 401: the password was checked and refused; 429: refused before any check.
    expect(tally(answers.map((r) => r.status))).toEqual({ 401: PER_ACCOUNT_CLIENT.max, 429: 30 - PER_ACCOUNT_CLIENT.max });
    // The counters hold exactly the attempts checked: one event per counter (account × client, address, account).
    const keys = await t.db.throttleEvent.groupBy({ by: ['key'], _count: true });
    expect(keys.map((k) => k._count)).toEqual([5, 5, 5]);
  });

  it('checks at most 50 of 60 wrong passwords sent at once from 60 addresses, and still lets in a browser the account knows', async () => {
    await makeUser(t.db, { email: 'popular@x.test' });
    // The owner signed in from this browser last week: it holds the account's device cookie.
    const owner = await loginForm();
    expect((await owner.a.post('/login').set('X-Forwarded-For', '203.0.113.200').type('form').send({ email: 'popular@x.test', password: PASSWORD, _csrf: owner.csrf })).status).toBe(303);
    const home = await owner.a.get('/account');
    await owner.a.post('/logout').type('form').send({ _csrf: csrfFrom(home.text) });

    const forms = await Promise.all(Array.from({ length: 60 }, () => loginForm()));
    const answers = await Promise.all(
      forms.map(({ a, csrf }, i) => a.post('/login').set('X-Forwarded-For', `10.0.${i}.1`).type('form').send({ email: 'popular@x.test', password: 'wrong-password', _csrf: csrf })),
    );
    expect(tally(answers.map((r) => r.status))).toEqual({ 401: PER_ACCOUNT.max, 429: 60 - PER_ACCOUNT.max });

    // A browser the account does not know now waits, even with the right password…
    const stranger = await loginForm();
    expect((await stranger.a.post('/login').set('X-Forwarded-For', '203.0.113.201').type('form').send({ email: 'popular@x.test', password: PASSWORD, _csrf: stranger.csrf })).status).toBe(429);
    // …but the owner's browser, known to the account, signs in from anywhere.
    const again = csrfFrom((await owner.a.get('/login')).text);
    expect((await owner.a.post('/login').set('X-Forwarded-For', '203.0.113.202').type('form').send({ email: 'popular@x.test', password: PASSWORD, _csrf: again })).status).toBe(303);
  });
});

describe('password-reset requests', () => {
  const t = useApp();

  async function forgot(email: string, ip: string) {
    const a = request.agent(t.app);
    const csrf = csrfFrom((await a.get('/password/forgot')).text);
    return a.post('/password/forgot').set('X-Forwarded-For', ip).type('form').send({ email, _csrf: csrf });
  }

  it('mails at most 3 links an hour to one address, and answers 429 to a client past 10 requests', async () => {
    await makeUser(t.db, { email: 'real@x.test' });
    for (let i = 0; i < 6; i++) expect((await forgot('real@x.test', `192.0.2.${i}`)).status).toBe(200);
    await t.ctx.services.auth.settled();
    expect(await t.db.outboxEmail.count({ where: { to: 'real@x.test' } })).toBe(3);

    for (let i = 0; i < 10; i++) expect((await forgot(`ghost${i}@x.test`, '198.51.100.99')).status).toBe(200);
    const refused = await forgot('real@x.test', '198.51.100.99');
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Trop de tentatives');
    expect(refused.text).toContain('value="real@x.test"');
    await t.ctx.services.auth.settled();
    expect(await t.db.outboxEmail.count()).toBe(3);
  });

  it('answers before looking the address up: the answer does not wait for the accounts table', async () => {
    await makeUser(t.db, { email: 'known@x.test' });
    // Another transaction holds the accounts table: any look-up in it waits.
    const locker = new pg.Client({ connectionString: t.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE "User" IN ACCESS EXCLUSIVE MODE');
      const answer = await Promise.race([forgot('known@x.test', '192.0.2.77'), new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 5_000))]);
      expect(answer === 'waited' ? answer : answer.status).toBe(200);
      expect(await t.db.outboxEmail.count()).toBe(0);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    // The look-up and the mail follow the answer.
    await t.ctx.services.auth.settled();
    expect(await t.db.outboxEmail.count({ where: { to: 'known@x.test', template: 'password-reset' } })).toBe(1);
  });
});

describe('changing one’s password', () => {
  const t = useApp();
  const change = (a: Awaited<ReturnType<typeof agent>>, current: string, next = 'brand-new-pass') =>
    a.a.post('/account/password').type('form').send({ currentPassword: current, password: next, confirm: next, _csrf: a.csrf });

  it('ends the account’s other sessions, not the one that changed it', async () => {
    await makeUser(t.db, { email: 'me@x.test' });
    await makeUser(t.db, { email: 'someone.else@x.test' });
    const here = await agent(t.app, 'me@x.test');
    const elsewhere = await agent(t.app, 'me@x.test');
    const other = await agent(t.app, 'someone.else@x.test');
    expect((await change(here, PASSWORD)).status).toBe(303);
    expect((await here.a.get('/account')).status).toBe(200);
    expect((await elsewhere.a.get('/account')).headers.location).toMatch(/^\/login/);
    expect((await other.a.get('/account')).status).toBe(200);
  });

  it('throttles guesses of the current password like sign-in', async () => {
    const u = await makeUser(t.db, { email: 'guess@x.test' });
    const a = await agent(t.app, 'guess@x.test');
    for (let i = 0; i < 5; i++) expect((await change(a, `guess-${i}`)).status).toBe(422);
    const blocked = await change(a, PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Trop de tentatives avec un mot de passe actuel incorrect');
    expect(await verifyPassword((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash, PASSWORD)).toBe(true);
    // Sixteen minutes later the right password changes it.
    await t.db.$executeRaw`UPDATE "ThrottleEvent" SET "createdAt" = now() - interval '16 minutes'`;
    expect((await change(a, PASSWORD)).status).toBe(303);
  });
});

describe('opening a reset link', () => {
  const t = useApp();

  it('signs no one out; setting the password does', async () => {
    await makeUser(t.db, { email: 'inside@x.test', isPlatformAdmin: true });
    const { a } = await agent(t.app, 'inside@x.test');
    expect((await a.get('/password/reset/anything-at-all')).status).toBe(303);
    expect((await a.get('/account')).status).toBe(200);

    await t.ctx.services.auth.requestPasswordReset('inside@x.test');
    const link = /http:\/\/stages\.test(\/password\/reset\/[\w-]+)/.exec((await t.db.outboxEmail.findFirstOrThrow()).text)![1];
    expect((await a.get(link)).headers.location).toBe('/password/reset');
    const form = await a.get('/password/reset');
    expect(form.status).toBe(200);
    expect((await a.get('/account')).status).toBe(200);

    const done = await a.post('/password/reset').type('form').send({ password: 'a-new-password-1', confirm: 'a-new-password-1', _csrf: csrfFrom(form.text) });
    expect(done.headers.location).toBe('/login');
    expect((await a.get('/account')).headers.location).toMatch(/^\/login/);
    // The browser that followed the mailed link is one the account knows from now on.
    expect(([] as string[]).concat(done.headers['set-cookie'] ?? []).some((c) => c.startsWith('stages.device='))).toBe(true);
  });
});
