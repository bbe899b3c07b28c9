import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { closeApp, createApp } from '../../src/app.js';
import { verifyPassword } from '../../src/auth/password.js';
import { makeUser, PASSWORD } from '../factories/index.js';
import { agent, csrfFrom, testConfig, useApp } from '../helpers/app.js';

function sid(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const c = cookies.find((x) => x.startsWith('stages.sid='));
  return c ? decodeURIComponent(c.split(';')[0].slice('stages.sid='.length)).replace(/^s:/, '').split('.')[0] : undefined;
}

async function loginPage(a: ReturnType<typeof request.agent>) {
  return csrfFrom((await a.get('/login')).text);
}

describe('sign-in and sign-out', () => {
  const t = useApp();

  it('signs in with the right password, lands on the dashboard and sees only its menu', async () => {
    const u = await makeUser(t.db, { email: 'admin@x.test', isPlatformAdmin: true });
    const a = request.agent(t.app);
    const csrf = await loginPage(a);
    const res = await a.post('/login').type('form').send({ email: 'ADMIN@x.test ', password: PASSWORD, _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard/admin');
    const dash = await a.get('/dashboard/admin');
    expect(dash.status).toBe(200);
    expect(dash.text).toContain('<h1>Administration</h1>');
    expect(dash.text).toContain('href="/admin/institutions"');
    expect(dash.text).not.toContain('href="/dashboard/student"');
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).lastLoginAt).not.toBeNull();
    // "/" sends a signed-in user to their dashboard.
    expect((await a.get('/')).headers.location).toBe('/dashboard/admin');
  });

  it('refuses a wrong password or an unknown account with the same message, and no session', async () => {
    await makeUser(t.db, { email: 'someone@x.test' });
    for (const email of ['someone@x.test', 'nobody@x.test']) {
      const a = request.agent(t.app);
      const csrf = await loginPage(a);
      const res = await a.post('/login').type('form').send({ email, password: 'wrong-password', _csrf: csrf });
      expect(res.status).toBe(401);
      expect(res.text).toContain('Adresse électronique ou mot de passe incorrect.');
      expect(res.text).toContain(`value="${email}"`);
      expect((await a.get('/dashboard/admin')).headers.location).toMatch(/^\/login/);
    }
  });

  it('refuses a deactivated account', async () => {
    await makeUser(t.db, { email: 'gone@x.test', active: false });
    const a = request.agent(t.app);
    const csrf = await loginPage(a);
    const res = await a.post('/login').type('form').send({ email: 'gone@x.test', password: PASSWORD, _csrf: csrf });
    expect(res.status).toBe(401);
  });

  it('gives a new session id at sign-in and forgets the old one', async () => {
    await makeUser(t.db, { email: 'u@x.test', isPlatformAdmin: true });
    const a = request.agent(t.app);
    const page = await a.get('/login');
    // An anonymous session exists once something is kept in it (here, the language chosen).
    const lang = await a.post('/lang').type('form').send({ lang: 'fr', back: '/login', _csrf: csrfFrom(page.text) });
    const before = sid(lang);
    expect(before).toBeTruthy();
    const res = await a.post('/login').type('form').send({ email: 'u@x.test', password: PASSWORD, _csrf: csrfFrom(page.text) });
    const after = sid(res);
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    const rows = await t.db.session.findMany({ select: { sid: true } });
    expect(rows.map((r) => r.sid)).toContain(after);
    expect(rows.map((r) => r.sid)).not.toContain(before);
  });

  it('sets HttpOnly SameSite cookies with a 30-minute idle timeout, Secure behind HTTPS', async () => {
    await makeUser(t.db, { email: 'cookie@x.test', isPlatformAdmin: true });
    const cookieOf = (res: request.Response, name: string) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
    const a = request.agent(t.app);
    const page = await a.get('/login');
    // The form's anonymous CSRF cookie: for this browser session only.
    const csrfCookie = cookieOf(page, 'stages.csrf')!;
    expect(csrfCookie).toMatch(/HttpOnly/);
    expect(csrfCookie).toMatch(/SameSite=Lax/);
    expect(csrfCookie).not.toMatch(/Secure|Expires/);
    const signedIn = await a.post('/login').type('form').send({ email: 'cookie@x.test', password: PASSWORD, _csrf: csrfFrom(page.text) });
    const cookie = cookieOf(signedIn, 'stages.sid')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const expires = new Date(/Expires=([^;]+)/.exec(cookie)![1]).getTime();
    expect(Math.abs(expires - Date.now() - 30 * 60 * 1000)).toBeLessThan(60_000);
    expect(cookieOf(signedIn, 'stages.device')).toMatch(/HttpOnly/);

    const https = createApp({ config: testConfig({ BASE_URL: 'https://stages.example.edu' }), db: t.db, databaseUrl: t.url });
    const r2 = await request(https).get('/login').set('X-Forwarded-Proto', 'https');
    // Over HTTPS the CSRF cookie is a __Host- cookie: no sub-domain can set it.
    const hostCookie = cookieOf(r2, '__Host-stages.csrf')!;
    expect(hostCookie).toMatch(/Secure/);
    expect(hostCookie).toMatch(/Path=\//);
    expect(r2.headers['strict-transport-security']).toBeDefined();
    const r3 = await request(https)
      .post('/lang')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', hostCookie.split(';')[0])
      .type('form')
      .send({ lang: 'en', _csrf: csrfFrom(r2.text) });
    expect(r3.status).toBe(303);
    expect(cookieOf(r3, 'stages.sid')).toMatch(/Secure/);
    await closeApp(https);
  });

  it('ends a session older than 12 hours however active it is', async () => {
    await makeUser(t.db, { email: 'old@x.test', isPlatformAdmin: true });
    const { a } = await agent(t.app, 'old@x.test');
    expect((await a.get('/dashboard/admin')).status).toBe(200);
    await t.db.$executeRaw`UPDATE "session" SET sess = jsonb_set(sess::jsonb, '{createdAt}', to_jsonb(${Date.now() - 13 * 3600 * 1000}::bigint))::json`;
    const res = await a.get('/dashboard/admin');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it('ends a session idle for more than 30 minutes', async () => {
    await makeUser(t.db, { email: 'idle@x.test', isPlatformAdmin: true });
    const { a } = await agent(t.app, 'idle@x.test');
    await t.db.$executeRaw`UPDATE "session" SET expire = now() - interval '1 second'`;
    expect((await a.get('/dashboard/admin')).headers.location).toMatch(/^\/login/);
  });

  it('signs out: the session is destroyed on the server', async () => {
    await makeUser(t.db, { email: 'out@x.test', isPlatformAdmin: true });
    const { a, csrf } = await agent(t.app, 'out@x.test');
    expect(await t.db.session.count()).toBe(1);
    const res = await a.post('/logout').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(await t.db.session.count({ where: { sess: { path: ['passport', 'user'], not: 'null' } } })).toBe(0);
    expect((await a.get('/dashboard/admin')).headers.location).toMatch(/^\/login/);
  });

  it('only follows same-site paths after sign-in', async () => {
    await makeUser(t.db, { email: 'n@x.test', isPlatformAdmin: true });
    for (const [next, expected] of [
      ['/admin/institutions', '/admin/institutions'],
      ['//evil.example', '/dashboard/admin'],
      ['https://evil.example', '/dashboard/admin'],
    ]) {
      const a = request.agent(t.app);
      const csrf = await loginPage(a);
      const res = await a.post('/login').type('form').send({ email: 'n@x.test', password: PASSWORD, next, _csrf: csrf });
      expect(res.headers.location).toBe(expected);
    }
  });
});

describe('sign-in throttling', () => {
  const t = useApp();

  async function attempt(email: string, password: string, ip = '203.0.113.7') {
    const a = request.agent(t.app);
    const csrf = csrfFrom((await a.get('/login')).text);
    return a.post('/login').set('X-Forwarded-For', ip).type('form').send({ email, password, _csrf: csrf });
  }

  it('blocks the client that failed 5 times in 15 minutes, even with the right password, but not the account’s owner elsewhere', async () => {
    await makeUser(t.db, { email: 'victim@x.test' });
    for (let i = 0; i < 5; i++) expect((await attempt('victim@x.test', 'bad-password', '198.51.100.7')).status).toBe(401);
    const blocked = await attempt('victim@x.test', PASSWORD, '198.51.100.7');
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Trop de tentatives de connexion échouées');
    // The owner, from another client, signs in: five wrong passwords lock no one out.
    expect((await attempt('victim@x.test', PASSWORD, '203.0.113.50')).status).toBe(303);
    // …and the client that failed stays throttled.
    expect((await attempt('victim@x.test', PASSWORD, '198.51.100.7')).status).toBe(429);
    // The counters live in PostgreSQL: a second instance sees them too.
    const other = createApp({ config: testConfig(), db: t.db, databaseUrl: t.url });
    const a = request.agent(other);
    const csrf = csrfFrom((await a.get('/login')).text);
    expect((await a.post('/login').set('X-Forwarded-For', '198.51.100.7').type('form').send({ email: 'victim@x.test', password: PASSWORD, _csrf: csrf })).status).toBe(429);
    await closeApp(other);
    // Sixteen minutes later the window has passed.
    await t.db.$executeRaw`UPDATE "ThrottleEvent" SET "createdAt" = now() - interval '16 minutes'`;
    expect((await attempt('victim@x.test', PASSWORD, '198.51.100.7')).status).toBe(303);
  });

  it('blocks an address after 20 failures in 15 minutes, whatever the account', async () => {
    await makeUser(t.db, { email: 'fresh@x.test' });
    for (let i = 0; i < 20; i++) expect((await attempt(`guess${i}@x.test`, 'bad-password', '192.0.2.1')).status).toBe(401);
    expect((await attempt('fresh@x.test', PASSWORD, '192.0.2.1')).status).toBe(429);
    expect((await attempt('fresh@x.test', PASSWORD, '192.0.2.2')).status).toBe(303);
  });

  it('stores no e-mail or address in clear', async () => {
    await attempt('secret.person@x.test', 'bad-password', '192.0.2.55');
    const rows = await t.db.throttleEvent.findMany();
    // One event per counter: this account from this client, this address, this account.
    expect(rows).toHaveLength(3);
    expect(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toMatch(/secret\.person|192\.0\.2\.55/);
  });
});

describe('password reset', () => {
  const t = useApp();

  async function requestReset(email: string, ip = '192.0.2.10') {
    const a = request.agent(t.app);
    const csrf = csrfFrom((await a.get('/password/forgot')).text);
    const res = await a.post('/password/forgot').set('X-Forwarded-For', ip).type('form').send({ email, _csrf: csrf });
    // The account is looked up and the mail queued once the answer has left.
    await t.ctx.services.auth.settled();
    return res;
  }

  function linkOf(text: string) {
    const m = /http:\/\/stages\.test(\/password\/reset\/[\w-]+)/.exec(text);
    if (!m) throw new Error('no link in mail');
    return m[1];
  }

  it('gives the same answer whether the account exists or not, and mails a link only to a real account', async () => {
    await makeUser(t.db, { email: 'real@x.test' });
    const known = await requestReset('real@x.test');
    const unknown = await requestReset('ghost@x.test');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    const strip = (s: string) => s.replace(/name="_csrf" value="[^"]+"/g, '');
    expect(strip(known.text)).toBe(strip(unknown.text));
    const mails = await t.db.outboxEmail.findMany();
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toBe('real@x.test');
    expect(mails[0].subject).toBe('Réinitialisation de votre mot de passe');
    expect(mails[0].text).toContain('http://stages.test/password/reset/');
    expect(mails[0].html).toContain('href="http://stages.test/password/reset/');
    expect(await t.db.auditLog.count({ where: { action: 'user.passwordResetRequested' } })).toBe(1);
  });

  it('lets the link set a new password once; the link then stops working', async () => {
    const u = await makeUser(t.db, { email: 'reset@x.test', isPlatformAdmin: true });
    // An open session of the account ends with the reset.
    const { a: oldSession } = await agent(t.app, 'reset@x.test');
    await requestReset('reset@x.test');
    const link = linkOf((await t.db.outboxEmail.findFirstOrThrow()).text);

    const a = request.agent(t.app);
    const jump = await a.get(link);
    expect(jump.status).toBe(303);
    expect(jump.headers.location).toBe('/password/reset'); // the token leaves the address bar
    const form = await a.get('/password/reset');
    expect(form.status).toBe(200);
    const mismatch = await a.post('/password/reset').type('form').send({ password: 'new-password-123', confirm: 'other-password-123', _csrf: csrfFrom(form.text) });
    expect(mismatch.status).toBe(422);
    expect(mismatch.text).toContain('Les deux mots de passe ne sont pas identiques.');
    const done = await a.post('/password/reset').type('form').send({ password: 'new-password-123', confirm: 'new-password-123', _csrf: csrfFrom(form.text) });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/login');
    expect(await verifyPassword((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash, 'new-password-123')).toBe(true);
    expect((await oldSession.get('/dashboard/admin')).headers.location).toMatch(/^\/login/);

    // Single use.
    const again = request.agent(t.app);
    await again.get(link);
    expect((await again.get('/password/reset')).status).toBe(410);
    // The new password signs in.
    const b = request.agent(t.app);
    const bcsrf = await loginCsrf(b);
    const res = await b.post('/login').type('form').send({ email: 'reset@x.test', password: 'new-password-123', _csrf: bcsrf });
    expect(res.status).toBe(303);
  });

  it('refuses an expired link (older than one hour)', async () => {
    const u = await makeUser(t.db, { email: 'late@x.test' });
    await requestReset('late@x.test');
    const link = linkOf((await t.db.outboxEmail.findFirstOrThrow()).text);
    await t.db.passwordResetToken.updateMany({ data: { expiresAt: new Date(Date.now() - 1000) } });
    const a = request.agent(t.app);
    await a.get(link);
    const page = await a.get('/password/reset');
    expect(page.status).toBe(410);
    expect(page.text).toContain('plus valable');
    // Even a form posted with the stale session changes nothing.
    const before = (await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash;
    const post = await a.post('/password/reset').type('form').send({ password: 'another-password-1', confirm: 'another-password-1', _csrf: csrfFrom(page.text) });
    expect(post.status).toBe(410);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash).toBe(before);
  });

  it('refuses an unknown token', async () => {
    const a = request.agent(t.app);
    await a.get('/password/reset/made-up-token');
    expect((await a.get('/password/reset')).status).toBe(410);
  });
});

async function loginCsrf(a: ReturnType<typeof request.agent>) {
  return csrfFrom((await a.get('/login')).text);
}

describe('changing one’s password', () => {
  const t = useApp();

  it('changes it with the current password, refuses a wrong current one with a message beside the field', async () => {
    const u = await makeUser(t.db, { email: 'me@x.test' });
    const { a, csrf } = await agent(t.app, 'me@x.test');
    const wrong = await a.post('/account/password').type('form').send({ currentPassword: 'nope', password: 'brand-new-pass', confirm: 'brand-new-pass', _csrf: csrf });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toMatch(/id="f-currentPassword-error"[^>]*>.*Le mot de passe actuel est incorrect/s);
    const short = await a.post('/account/password').type('form').send({ currentPassword: PASSWORD, password: 'short', confirm: 'short', _csrf: csrf });
    expect(short.status).toBe(422);
    expect(short.text).toContain('au moins 10 caractères');
    const ok = await a.post('/account/password').type('form').send({ currentPassword: PASSWORD, password: 'brand-new-pass', confirm: 'brand-new-pass', _csrf: csrf });
    expect(ok.status).toBe(303);
    expect(await verifyPassword((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash, 'brand-new-pass')).toBe(true);
    expect(await t.db.auditLog.count({ where: { action: 'user.passwordChanged', actorId: u.id } })).toBe(1);
  });
});

describe('CSRF protection', () => {
  const t = useApp();

  it('refuses a state change without a token or with a wrong one, and changes nothing', async () => {
    const u = await makeUser(t.db, { email: 'c@x.test' });
    const { a } = await agent(t.app, 'c@x.test');
    const before = (await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash;
    const body = { currentPassword: PASSWORD, password: 'hijacked-password', confirm: 'hijacked-password' };
    expect((await a.post('/account/password').type('form').send(body)).status).toBe(403);
    expect((await a.post('/account/password').type('form').send({ ...body, _csrf: 'forged' })).status).toBe(403);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).passwordHash).toBe(before);
    expect(await t.db.auditLog.count()).toBe(0);
    // A sign-in form without a token is refused too (login CSRF).
    expect((await request(t.app).post('/login').type('form').send({ email: 'c@x.test', password: PASSWORD })).status).toBe(403);
  });
});

describe('validation', () => {
  const t = useApp();

  it('re-renders the form with 422, the values kept and the messages beside the fields and in a summary', async () => {
    const a = request.agent(t.app);
    const csrf = await loginCsrf(a);
    const res = await a.post('/login').type('form').send({ email: 'not-an-email', password: '', _csrf: csrf });
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="not-an-email"');
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toContain('href="#f-email"');
    expect(res.text).toMatch(/id="f-email-error"[^>]*>.*Saisissez une adresse électronique valide/s);
    expect(res.text).toMatch(/id="f-password-error"[^>]*>.*Ce champ est obligatoire/s);
    expect(res.text).toContain('aria-invalid="true"');
  });

  it('drops NUL bytes (src/http/input.ts) and refuses over-long values with a 422, never a 500', async () => {
    const a = request.agent(t.app);
    const csrf = await csrfFrom((await a.get('/password/forgot')).text);
    const nul = await a.post('/password/forgot').type('form').send({ email: 'a\u0000b@x.test', _csrf: csrf });
    expect(nul.status).toBeLessThan(400); // read as "ab@x.test"
    const long = await a.post('/password/forgot').type('form').send({ email: `${'a'.repeat(300)}@x.test`, _csrf: csrf });
    expect(long.status).toBe(422);
    expect(long.text).toContain('ne doit pas dépasser 254 caractères');
  });

  it('refuses a body over the size limit (1 MB, app.ts) with 413', async () => {
    const a = request.agent(t.app);
    const csrf = await loginCsrf(a);
    const res = await a.post('/login').type('form').send({ email: 'x@x.test', password: 'p'.repeat(1_100_000), _csrf: csrf });
    expect(res.status).toBe(413);
  });
});

describe('pages and headers', () => {
  const t = useApp();

  it('serves a strict CSP with no inline script, and French by default with an English switch', async () => {
    const a = request.agent(t.app);
    const page = await a.get('/login');
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain('<h1>Connexion</h1>');
    const sw = await a.post('/lang').type('form').send({ lang: 'en', back: '/login', _csrf: csrfFrom(page.text) });
    expect(sw.status).toBe(303);
    expect(sw.headers.location).toBe('/login');
    const en = await a.get('/login');
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('<h1>Sign in</h1>');
  });

  it('keeps the language chosen before sign-in and stores it on the account', async () => {
    const u = await makeUser(t.db, { email: 'lang@x.test', isPlatformAdmin: true });
    const a = request.agent(t.app);
    const page = await a.get('/login');
    await a.post('/lang').type('form').send({ lang: 'en', _csrf: csrfFrom(page.text) });
    const csrf = await loginCsrf(a);
    await a.post('/login').type('form').send({ email: 'lang@x.test', password: PASSWORD, _csrf: csrf });
    const dash = await a.get('/dashboard/admin');
    expect(dash.text).toContain('Welcome, Camille.');
    const acc = await a.get('/account');
    await a.post('/lang').type('form').send({ lang: 'en', _csrf: csrfFrom(acc.text) });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).locale).toBe('en');
  });

  it('shows the development mailbox in the admin menu only while no SMTP server is configured', async () => {
    await makeUser(t.db, { email: 'menu@x.test', isPlatformAdmin: true });
    const { a } = await agent(t.app, 'menu@x.test');
    expect((await a.get('/dashboard/admin')).text).toContain('href="/dev/mailbox"');
    const smtp = createApp({ config: testConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }), db: t.db, databaseUrl: t.url });
    const b = await agent(smtp, 'menu@x.test');
    const page = await b.a.get('/dashboard/admin');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('href="/dev/mailbox"');
    await closeApp(smtp);
  });

  it('renders a 404 page with a request id and no stack trace', async () => {
    const res = await request(t.app).get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Page introuvable');
    expect(res.text).toContain(res.headers['x-request-id']);
  });
});

describe('centre dashboard', () => {
  const t = useApp();

  it('counts the students and the organisations to verify of each of the actor’s centres', async () => {
    const { makeCentre, makeInstitution, makeProgramme, makeStudyYear, makeOrganisation, makeStaff } = await import('../factories/index.js');
    const inst = await makeInstitution(t.db);
    const mine = await makeCentre(t.db, inst.id, { name: 'Centre suivi' });
    const other = await makeCentre(t.db, inst.id, { name: 'Autre centre' });
    const prog = await makeProgramme(t.db, inst.id);
    const y1 = await makeStudyYear(t.db, prog.id, mine.id);
    const y2 = await makeStudyYear(t.db, prog.id, other.id);
    for (const [i, year] of [y1, y1, y2].entries()) {
      const u = await makeUser(t.db);
      await t.db.studentProfile.create({ data: { userId: u.id, studentNumber: `N${i}`, institutionId: inst.id, programmeId: prog.id, studyYearId: year.id } });
    }
    await makeOrganisation(t.db, { verified: false, centreId: mine.id });
    await makeOrganisation(t.db, { verified: false, centreId: other.id });
    await makeStaff(t.db, mine.id, 'WRITE', 'dash@x.test');
    const { a } = await agent(t.app, 'dash@x.test');
    const page = await a.get('/dashboard/centre');
    expect(page.status).toBe(200);
    const row = /<tr><td><a href="\/centres\/\d+">Centre suivi<\/a><\/td>(.*?)<\/tr>/s.exec(page.text)?.[1] ?? '';
    expect(row).toMatch(/<a href="\/students">2<\/a>/);
    expect(row).toMatch(/<a href="\/organisations\/queue">1<\/a>/);
    expect(page.text).not.toContain('Autre centre');
  });
});
