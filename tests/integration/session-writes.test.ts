import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { makeUser, PASSWORD } from '../factories/index.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

// The session row is written when the session changes, or when its idle deadline was written more
// than a minute ago, not on every request. express-session and connect-pg-simple count that deadline
// in real time (not the app clock): a minute passing is simulated by moving the written deadline
// (the row's "expire" and the cookie's expiry in its JSON) two minutes back.
describe('session writes', () => {
  const t = useApp();
  const row = async () => (await t.db.$queryRaw<{ expire: Date; expires: string }[]>`SELECT expire, sess->'cookie'->>'expires' AS expires FROM "session"`)[0];

  it('does not write the session on each request, and pushes the idle deadline once it is a minute old', async () => {
    await makeUser(t.db, { email: 's@x.test', isPlatformAdmin: true });
    const { a } = await agent(t.app, 's@x.test');
    const first = await row();

    for (let i = 0; i < 2; i++) {
      const res = await a.get('/account');
      expect(res.status).toBe(200);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await row()).toEqual(first);

    const earlier = new Date(new Date(first.expires).getTime() - 120_000).toISOString();
    await t.db.$executeRaw`UPDATE "session" SET expire = expire - interval '2 minutes', sess = jsonb_set(sess::jsonb, '{cookie,expires}', to_jsonb(${earlier}::text))::json`;
    const moved = await row();
    expect(moved.expire.getTime()).toBe(first.expire.getTime() - 120_000);

    const res = await a.get('/account');
    expect(res.status).toBe(200);
    // The deadline is 30 minutes from now again, in the row and in the browser's cookie.
    const after = await row();
    expect(after.expire.getTime()).toBeGreaterThan(moved.expire.getTime() + 60_000);
    expect(Math.abs(new Date(after.expires).getTime() - Date.now() - 30 * 60_000)).toBeLessThan(5_000);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('stages.sid='));
    expect(cookie).toBeDefined();
    expect(Math.abs(new Date(/Expires=([^;]+)/.exec(cookie!)![1]).getTime() - Date.now() - 30 * 60_000)).toBeLessThan(5_000);

    // And the next request writes nothing again.
    await a.get('/account');
    expect(await row()).toEqual(after);
  });
});

// An anonymous visitor costs no session row: a session is stored once something must be kept
// (a sign-in, a flash message, a wizard step, the language chosen). Anonymous forms carry a signed
// double-submit token instead of a token kept in a session.
describe('anonymous visits', () => {
  const t = useApp();
  const sessionRows = () => t.db.session.count();
  const sidCookie = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('stages.sid='));

  it('write no session row, on form pages, redirects and refused sign-ins alike', async () => {
    await makeUser(t.db, { email: 'real@x.test', isPlatformAdmin: true });
    const pages = ['/login', '/password/forgot', '/register/student', '/register/company', '/', '/dashboard/admin', '/password/reset'];
    for (let i = 0; i < 5; i++) {
      for (const path of pages) {
        const res = await request(t.app).get(path);
        expect([200, 303, 410], path).toContain(res.status);
        expect(sidCookie(res), path).toBeUndefined();
      }
    }
    // A browser that keeps its cookies and posts the forms: a refused sign-in, a reset request.
    const a = request.agent(t.app);
    const login = await a.get('/login');
    expect((await a.post('/login').type('form').send({ email: 'real@x.test', password: 'wrong-password', _csrf: csrfFrom(login.text) })).status).toBe(401);
    const forgot = await a.get('/password/forgot');
    expect((await a.post('/password/forgot').type('form').send({ email: 'real@x.test', _csrf: csrfFrom(forgot.text) })).status).toBe(200);
    await t.ctx.services.auth.settled();
    expect(await sessionRows()).toBe(0);

    // Signing in stores one, with the token of the anonymous form.
    const signedIn = await a.post('/login').type('form').send({ email: 'real@x.test', password: PASSWORD, _csrf: csrfFrom(login.text) });
    expect(signedIn.status).toBe(303);
    expect(await sessionRows()).toBe(1);
  });

  it('refuses an anonymous post whose token is missing, forged, or another browser’s', async () => {
    await makeUser(t.db, { email: 'real@x.test' });
    const post = (a: ReturnType<typeof request.agent> | ReturnType<typeof request>, csrf?: string) =>
      a.post('/login').type('form').send({ email: 'real@x.test', password: 'wrong-password', ...(csrf === undefined ? {} : { _csrf: csrf }) });
    const mine = request.agent(t.app);
    const token = csrfFrom((await mine.get('/login')).text);
    const theirs = request.agent(t.app);
    const theirToken = csrfFrom((await theirs.get('/password/forgot')).text);
    expect(theirToken).not.toBe(token);

    expect((await post(mine)).status).toBe(403);
    expect((await post(mine, 'forged')).status).toBe(403);
    expect((await post(mine, theirToken)).status).toBe(403);
    // The token without the cookie it belongs to.
    expect((await post(request(t.app), token)).status).toBe(403);
    expect(await t.db.throttleEvent.count()).toBe(0);
    // The right pair passes the check (and reaches the password: 401).
    expect((await post(mine, token)).status).toBe(401);
    expect((await post(theirs, theirToken)).status).toBe(401);
  });

  it('uses the session’s own token once signed in: the anonymous one no longer passes', async () => {
    await makeUser(t.db, { email: 'signed@x.test', isPlatformAdmin: true });
    const a = request.agent(t.app);
    const anonymousToken = csrfFrom((await a.get('/login')).text);
    await a.post('/login').type('form').send({ email: 'signed@x.test', password: PASSWORD, _csrf: anonymousToken });
    const page = await a.get('/account');
    const sessionToken = csrfFrom(page.text);
    expect(sessionToken).not.toBe(anonymousToken);
    expect((await a.post('/lang').type('form').send({ lang: 'en', _csrf: anonymousToken })).status).toBe(403);
    expect((await a.post('/lang').type('form').send({ lang: 'en', _csrf: sessionToken })).status).toBe(303);
  });
});
