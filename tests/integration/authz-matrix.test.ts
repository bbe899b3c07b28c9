import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/authz/actor.js';
import { POLICY, roleCan } from '../../src/authz/policy.js';
import { makeRoleAccounts } from '../factories/index.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';
import { listRoutes } from '../helpers/routes.js';

// Routes that end the session: visited last so the rest of the role's routes run signed in.
const SESSION_ENDING = [/^POST \/logout$/, /^GET \/password\/reset\/:token$/];

describe('authorization matrix', () => {
  const t = useApp();

  it('every route of the app declares a permission that exists in the policy', () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.filter((r) => !r.permission || !(r.permission in POLICY)).map((r) => `${r.method} ${r.path}`);
    expect(missing, `routes without allow(permission): ${missing.join(', ')}`).toEqual([]);
  });

  it('answers every route for anonymous and every role as the policy says', async () => {
    const accounts = await makeRoleAccounts(t.db);
    const routes = listRoutes(t.app).sort((a, b) => {
      const ea = SESSION_ENDING.some((re) => re.test(`${a.method} ${a.path}`)) ? 1 : 0;
      const eb = SESSION_ENDING.some((re) => re.test(`${b.method} ${b.path}`)) ? 1 : 0;
      return ea - eb;
    });
    const failures: string[] = [];
    let checked = 0;
    for (const role of ['anonymous', ...ROLES] as (Role | 'anonymous')[]) {
      const session =
        role === 'anonymous'
          ? await (async () => {
              const a = request.agent(t.app);
              return { a, csrf: csrfFrom((await a.get('/login')).text) };
            })()
          : await agent(t.app, accounts.users[role as Role].email);
      for (const route of routes) {
        // Record ids that do not exist: an allowed actor then gets a 404, never a 403.
        const url = route.path.replace(/:(\w+)/g, (_m, name: string) => (name === 'token' ? 'not-a-token' : '999999'));
        const req = route.method === 'GET' ? session.a.get(url) : session.a[route.method.toLowerCase() as 'post'](url).type('form').send({ _csrf: session.csrf });
        const res = await req;
        const allowed = roleCan(role, route.permission!);
        const toLogin = [302, 303].includes(res.status) && /^\/login(\?|$)/.test(res.headers.location ?? '');
        const label = `${role} ${route.method} ${route.path} → ${res.status}${res.headers.location ? ' ' + res.headers.location : ''}`;
        if (allowed) {
          if (res.status === 403 || res.status >= 500 || (toLogin && POLICY[route.permission!] !== 'anyone')) failures.push(`allowed but refused: ${label}`);
        } else if (role === 'anonymous') {
          if (!toLogin) failures.push(`anonymous not sent to sign-in: ${label}`);
        } else if (res.status !== 403) {
          failures.push(`denied but not 403: ${label}`);
        }
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(routes.length * (ROLES.length + 1));
  }, 120_000);
});
