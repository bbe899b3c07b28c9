import { describe, expect, it } from 'vitest';
import { makeUser } from '../factories/index.js';
import { agent, useApp } from '../helpers/app.js';

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
