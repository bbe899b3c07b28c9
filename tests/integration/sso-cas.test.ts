import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCentre, makeInstitution, makeStaff } from '../factories/index.js';
import { csrfFrom, useApp } from '../helpers/app.js';

type Person = { user: string; attributes: Record<string, string[]> };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * A small CAS server's validation side: tickets the test issues for a service, single-use, and the
 * answers of /p3/serviceValidate (CAS 3) under /cas, of /serviceValidate only (CAS 2) under /cas2.
 */
function casServer() {
  const tickets = new Map<string, { service: string; person: Person }>();
  const validations: string[] = [];
  const validate = (req: express.Request, res: express.Response) => {
    validations.push(req.path);
    const { ticket, service } = req.query as Record<string, string>;
    const issued = tickets.get(ticket);
    tickets.delete(ticket);
    res.type('application/xml');
    if (!issued || issued.service !== service) {
      const code = issued ? 'INVALID_SERVICE' : 'INVALID_TICKET';
      return res.send(`<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationFailure code="${code}">Ticket ${esc(String(ticket))} not recognized</cas:authenticationFailure></cas:serviceResponse>`);
    }
    const attrs = Object.entries(issued.person.attributes)
      .flatMap(([k, vs]) => vs.map((v) => `<cas:${k}>${esc(v)}</cas:${k}>`))
      .join('\n        ');
    res.send(`<?xml version="1.0" encoding="UTF-8"?>
<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
  <cas:authenticationSuccess>
    <cas:user>${esc(issued.person.user)}</cas:user>
    <cas:attributes>
        ${attrs}
    </cas:attributes>
  </cas:authenticationSuccess>
</cas:serviceResponse>`);
  };
  const app = express();
  app.get('/cas/p3/serviceValidate', validate);
  app.get('/cas2/serviceValidate', validate);
  return { app, tickets, validations };
}

describe('single sign-on with CAS (a validation endpoint in the test process)', () => {
  const t = useApp();
  const cas = casServer();
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = cas.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  /** An institution signing in with CAS at `path` of the test server, with the usual French (SUPANN) attribute names. */
  async function institutionWithCas(path = '/cas') {
    const inst = await makeInstitution(t.db);
    const centre = await makeCentre(t.db, inst.id);
    await t.db.identityProvider.create({
      data: {
        institutionId: inst.id,
        protocol: 'CAS',
        label: 'CAS Université',
        casUrl: `${base}${path}/`,
        emailAttribute: 'mail',
        studentNumberAttribute: 'supannEtuId',
        firstNameAttribute: 'givenName',
        lastNameAttribute: 'sn',
      },
    });
    return { inst, centre };
  }

  /** The button, then the CAS login page's redirect back with a ticket issued for the service it was given. */
  async function begin(institutionId: number) {
    const a = request.agent(t.app);
    const csrf = csrfFrom((await a.get('/login')).text);
    const start = await a.post(`/sso/${institutionId}/start`).type('form').send({ _csrf: csrf });
    expect(start.status).toBe(303);
    const login = new URL(start.headers.location);
    expect(login.pathname.endsWith('/cas/login') || login.pathname.endsWith('/cas2/login')).toBe(true);
    const service = login.searchParams.get('service')!;
    expect(service.startsWith(`http://stages.test/sso/${institutionId}/cas?state=`)).toBe(true);
    const back = (ticket: string) => {
      const u = new URL(service);
      u.searchParams.set('ticket', ticket);
      return a.get(u.pathname + u.search);
    };
    return { a, service, back };
  }

  const signedIn = async (a: ReturnType<typeof request.agent>) => (await a.get('/account')).status === 200;
  const JEANNE: Person = { user: 'jdupont', attributes: { mail: ['Jeanne.Dupont@etu.univ.test'], supannEtuId: ['22001234'], givenName: ['Jeanne'], sn: ["Dupont-d'Aubigné"], memberOf: ['etudiants', 'l3'] } };

  it('validates the ticket (CAS 3) and creates the student from the attributes', async () => {
    const { inst } = await institutionWithCas();
    const { a, service, back } = await begin(inst.id);
    cas.tickets.set('ST-1-good', { service, person: JEANNE });
    expect(service).toMatch(/^http:\/\/stages\.test\/sso\/\d+\/cas\?state=[\w-]{32}$/);
    const res = await back('ST-1-good');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard/student');
    expect(await signedIn(a)).toBe(true);
    expect(cas.validations.at(-1)).toBe('/cas/p3/serviceValidate');
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'jeanne.dupont@etu.univ.test' }, include: { studentProfile: true, externalIdentities: true } });
    expect(user).toMatchObject({ firstName: 'Jeanne', lastName: "Dupont-d'Aubigné", passwordHash: null });
    expect(user.studentProfile).toMatchObject({ studentNumber: '22001234', institutionId: inst.id });
    expect(user.externalIdentities.map((i) => i.subject)).toEqual(['jdupont']);
  });

  it('links a staff account by e-mail, and offers the CAS logout at sign-out', async () => {
    const { inst, centre } = await institutionWithCas();
    const staff = await makeStaff(t.db, centre.id, 'READ', 'marc.leroy@univ.test');
    const { a, service, back } = await begin(inst.id);
    cas.tickets.set('ST-2-good', { service, person: { user: 'mleroy', attributes: { mail: ['marc.leroy@univ.test'], givenName: ['Marc'], sn: ['Leroy'] } } });
    const res = await back('ST-2-good');
    expect(res.headers.location).toBe('/dashboard/centre');
    expect((await t.db.externalIdentity.findFirstOrThrow()).userId).toBe(staff.id);
    const out = await a.post('/logout').type('form').send({ _csrf: csrfFrom((await a.get('/account')).text) });
    expect(out.headers.location).toBe(`/sso/${inst.id}/signed-out`);
    expect((await a.get(out.headers.location)).text).toContain(`href="${base}/cas/logout"`);
  });

  it('refuses a failed validation, a ticket issued for another browser, and a forged state (no session)', async () => {
    const { inst } = await institutionWithCas();

    // Unknown ticket: the server answers cas:authenticationFailure.
    const first = await begin(inst.id);
    const unknown = await first.back('ST-3-unknown');
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain('Connexion refusée');
    expect(await signedIn(first.a)).toBe(false);

    // A ticket issued for another browser's sign-in (its service carries that browser's state).
    const victim = await begin(inst.id);
    const attacker = await begin(inst.id);
    cas.tickets.set('ST-4-other', { service: attacker.service, person: JEANNE });
    const planted = new URL(attacker.service);
    planted.searchParams.set('ticket', 'ST-4-other');
    const res = await victim.a.get(planted.pathname + planted.search);
    expect(res.status).toBe(400);
    expect(await signedIn(victim.a)).toBe(false);

    // The state is right but the ticket was issued for another service: the server refuses it.
    const fresh = await begin(inst.id);
    cas.tickets.set('ST-5-wrong-service', { service: attacker.service, person: JEANNE });
    expect((await fresh.back('ST-5-wrong-service')).status).toBe(401);
    expect(await signedIn(fresh.a)).toBe(false);
    expect(await t.db.user.count()).toBe(0);
    expect(await t.db.externalIdentity.count()).toBe(0);
  });

  it('falls back to CAS 2 validation when the server has no CAS 3 endpoint, and says so when it is unreachable', async () => {
    const { inst } = await institutionWithCas('/cas2');
    const { a, service, back } = await begin(inst.id);
    cas.tickets.set('ST-7-v2', { service, person: JEANNE });
    expect((await back('ST-7-v2')).headers.location).toBe('/dashboard/student');
    expect(await signedIn(a)).toBe(true);
    expect(cas.validations.slice(-1)).toEqual(['/cas2/serviceValidate']);

    const down = await makeInstitution(t.db);
    await t.db.identityProvider.create({ data: { institutionId: down.id, protocol: 'CAS', label: 'CAS éteint', casUrl: 'http://127.0.0.1:9/cas' } });
    const other = await begin(down.id);
    const res = await other.back('ST-8-any');
    expect(res.status).toBe(502);
    expect(res.text).toContain('Service d&#39;authentification injoignable');
    expect(await signedIn(other.a)).toBe(false);
  });
});
