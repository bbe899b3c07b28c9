import request from 'supertest';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCentre, makeInstitution, makeOrganisation, makeProgramme, makeStaff, makeUser, PASSWORD } from '../factories/index.js';
import { csrfFrom, useApp } from '../helpers/app.js';
import { CLIENT_ID, CLIENT_SECRET, startOidcProvider, type TestOidcProvider } from '../helpers/oidc-provider.js';

describe('single sign-on with OpenID Connect (a real provider in the test process)', () => {
  const t = useApp();
  let op: TestOidcProvider;
  beforeAll(async () => {
    op = await startOidcProvider();
  });
  afterAll(async () => {
    await op?.close();
  });

  /** An institution whose provider is the test one; the student number travels in the `student_number` claim. */
  async function institutionWithProvider(data: { passwordsDisabled?: boolean; label?: string } = {}) {
    const inst = await makeInstitution(t.db);
    const centre = await makeCentre(t.db, inst.id);
    await t.db.identityProvider.create({
      data: {
        institutionId: inst.id,
        protocol: 'OIDC',
        label: data.label ?? 'Université de Test',
        issuerUrl: op.issuer,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        studentNumberAttribute: 'student_number',
        passwordsDisabled: data.passwordsDisabled ?? false,
      },
    });
    return { inst, centre };
  }

  /** The sign-in page's button: the browser is sent to the provider. */
  async function begin(institutionId: number) {
    const a = request.agent(t.app);
    const csrf = csrfFrom((await a.get('/login')).text);
    const start = await a.post(`/sso/${institutionId}/start`).type('form').send({ _csrf: csrf });
    expect(start.status).toBe(303);
    expect(start.headers.location.startsWith(`${op.issuer}/auth?`)).toBe(true);
    return { a, authorizationUrl: start.headers.location as string };
  }

  /** A whole sign-in as `sub`: start, the provider's sign-in, the answer back to the app. */
  async function signIn(institutionId: number, sub: string) {
    op.signInAs(sub);
    const { a, authorizationUrl } = await begin(institutionId);
    const res = await a.get(await op.authorize(authorizationUrl));
    return { a, res };
  }

  const signedIn = async (a: ReturnType<typeof request.agent>) => (await a.get('/account')).status === 200;

  /** Changes what the session keeps of the sign-in under way (the only session in the database). */
  async function tamper(field: 'nonce' | 'verifier', value: string) {
    const n = await t.db.$executeRaw`UPDATE "session" SET sess = jsonb_set(sess::jsonb, ARRAY['ssoPending', ${field}], to_jsonb(${value}::text))::json WHERE sess::jsonb ? 'ssoPending'`;
    expect(n).toBe(1);
  }

  it('shows one button per enabled provider on the sign-in page, a form that posts with its token', async () => {
    const { inst } = await institutionWithProvider({ label: 'Université Alpha' });
    const other = await makeInstitution(t.db);
    await t.db.identityProvider.create({ data: { institutionId: other.id, protocol: 'CAS', label: 'Université Bêta', casUrl: 'https://cas.example/cas', enabled: false } });
    const page = await request(t.app).get('/login');
    expect(page.text).toContain(`action="/sso/${inst.id}/start"`);
    expect(page.text).toContain('Se connecter avec Université Alpha');
    expect(page.text).not.toContain('Université Bêta');
    expect(page.text).not.toContain(`/sso/${other.id}/start`);
    // Without the form's token, nothing starts.
    expect((await request(t.app).post(`/sso/${inst.id}/start`).type('form').send({})).status).toBe(403);
  });

  it('links an existing account by e-mail at the first sign-in, then by the identity alone', async () => {
    const { inst, centre } = await institutionWithProvider();
    const staff = await makeStaff(t.db, centre.id, 'WRITE', 'alice.martin@univ.test');
    op.accounts.set('alice-sub', { email: 'Alice.Martin@univ.test', email_verified: true, given_name: 'Alice', family_name: 'Martin' });

    const first = await signIn(inst.id, 'alice-sub');
    expect(first.res.status).toBe(303);
    expect(first.res.headers.location).toBe('/dashboard/centre');
    expect(await signedIn(first.a)).toBe(true);
    const provider = await t.db.identityProvider.findUniqueOrThrow({ where: { institutionId: inst.id } });
    expect(await t.db.externalIdentity.findMany({ select: { providerId: true, subject: true, userId: true } })).toEqual([{ providerId: provider.id, subject: 'alice-sub', userId: staff.id }]);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: staff.id } })).lastLoginAt).not.toBeNull();
    expect(await t.db.auditLog.count({ where: { action: 'user.ssoLink', actorId: staff.id } })).toBe(1);

    // The provider now gives another address: the identity found at the first sign-in decides.
    op.accounts.set('alice-sub', { email: 'a.martin@elsewhere.test', given_name: 'Alice', family_name: 'Martin' });
    const second = await signIn(inst.id, 'alice-sub');
    expect(second.res.headers.location).toBe('/dashboard/centre');
    expect(await t.db.externalIdentity.count()).toBe(1);
    expect(await t.db.user.count()).toBe(1);
    expect(await t.db.auditLog.count({ where: { action: 'user.ssoSignIn', actorId: staff.id } })).toBe(2);
  });

  it("never links an account that is not the institution's: the platform administrator's, another institution's staff (403, no identity, no session)", async () => {
    const { inst } = await institutionWithProvider();
    await makeUser(t.db, { email: 'root@platform.test', isPlatformAdmin: true });
    const other = await makeCentre(t.db, (await makeInstitution(t.db)).id);
    await makeStaff(t.db, other.id, 'ADMIN', 'bob@other-univ.test');
    for (const [sub, email] of [['root', 'root@platform.test'], ['bob', 'bob@other-univ.test']]) {
      op.accounts.set(sub, { email, email_verified: true, given_name: 'X', family_name: 'Y', student_number: 'E99' });
      const { a, res } = await signIn(inst.id, sub);
      expect(res.status, email).toBe(403);
      expect(await signedIn(a)).toBe(false);
    }
    expect(await t.db.externalIdentity.count()).toBe(0);
    // Nor is a student created with their address.
    expect(await t.db.studentProfile.count()).toBe(0);
  });

  it('links a student of the institution by student number when the address differs', async () => {
    const { inst } = await institutionWithProvider();
    const student = await makeUser(t.db, { email: 'leo.personal@mail.test' });
    await t.db.studentProfile.create({ data: { userId: student.id, studentNumber: 'E2024001', institutionId: inst.id } });
    // The same number in another institution is another person.
    const elsewhere = await makeInstitution(t.db);
    const homonym = await makeUser(t.db, { email: 'homonym@mail.test' });
    await t.db.studentProfile.create({ data: { userId: homonym.id, studentNumber: 'E2024002', institutionId: elsewhere.id } });
    op.accounts.set('leo', { email: 'leo.durand@etu.univ.test', given_name: 'Léo', family_name: 'Durand', student_number: 'e2024001' });

    const { a, res } = await signIn(inst.id, 'leo');
    expect(res.headers.location).toBe('/dashboard/student');
    expect(await signedIn(a)).toBe(true);
    expect((await t.db.externalIdentity.findFirstOrThrow()).userId).toBe(student.id);
    expect(await t.db.user.count()).toBe(2);
  });

  it("creates the student's account in the institution from the mapped attributes, without a password", async () => {
    const { inst } = await institutionWithProvider();
    op.accounts.set('nina', { email: 'nina.petit@etu.univ.test', email_verified: true, given_name: 'Nina', family_name: 'Petit', student_number: '21900042' });

    const { a, res } = await signIn(inst.id, 'nina');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dashboard/student');
    expect(await signedIn(a)).toBe(true);
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'nina.petit@etu.univ.test' }, include: { studentProfile: true, externalIdentities: true } });
    expect(user).toMatchObject({ firstName: 'Nina', lastName: 'Petit', passwordHash: null, active: true });
    expect(user.lastLoginAt).not.toBeNull();
    expect(user.studentProfile).toMatchObject({ studentNumber: '21900042', institutionId: inst.id, programmeId: null });
    expect(user.externalIdentities.map((i) => i.subject)).toEqual(['nina']);
    expect(await t.db.auditLog.count({ where: { action: 'student.ssoCreate', entityType: 'StudentProfile', entityId: String(user.studentProfile!.id) } })).toBe(1);
    // No invitation to choose a password: the student signs in through the institution.
    expect(await t.db.outboxEmail.count()).toBe(0);
  });

  it('never creates a staff account: without a student number the page says to ask the centre, and no session', async () => {
    const { inst } = await institutionWithProvider();
    op.accounts.set('prof', { email: 'prof.nouveau@univ.test', given_name: 'Paul', family_name: 'Nouveau' });

    const { a, res } = await signIn(inst.id, 'prof');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Aucun compte sur la plateforme');
    expect(res.text).toContain('centre de gestion des stages');
    expect(await t.db.user.count()).toBe(0);
    expect(await t.db.externalIdentity.count()).toBe(0);
    expect(await signedIn(a)).toBe(false);
  });

  it('refuses a tampered state, an answer without a sign-in under way, and a provider error (400/401, no session)', async () => {
    const { inst } = await institutionWithProvider();
    await makeUser(t.db, { email: 'zoe@univ.test' });
    op.accounts.set('zoe', { email: 'zoe@univ.test', given_name: 'Zoé', family_name: 'Roux' });

    op.signInAs('zoe');
    const { a, authorizationUrl } = await begin(inst.id);
    const back = new URL(await op.authorize(authorizationUrl), 'http://stages.test');
    const state = back.searchParams.get('state')!;
    back.searchParams.set('state', 'forged-state');
    const forged = await a.get(back.pathname + back.search);
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('Connexion interrompue');
    expect(await signedIn(a)).toBe(false);

    // The right answer, opened in another browser (nothing under way there): refused too.
    back.searchParams.set('state', state);
    const elsewhere = await request.agent(t.app).get(back.pathname + back.search);
    expect(elsewhere.status).toBe(400);

    // The provider says no (the person declined): a clear refusal.
    const again = await begin(inst.id);
    const sent = new URL(again.authorizationUrl).searchParams.get('state')!;
    const denied = await again.a.get(`/sso/${inst.id}/callback?error=access_denied&state=${encodeURIComponent(sent)}&iss=${encodeURIComponent(op.issuer)}`);
    expect(denied.status).toBe(401);
    expect(denied.text).toContain('Connexion refusée');
    expect(await signedIn(again.a)).toBe(false);
    expect(await t.db.externalIdentity.count()).toBe(0);
  });

  it('refuses an ID token whose nonce is not the one the session keeps (401, no session)', async () => {
    const { inst } = await institutionWithProvider();
    await makeUser(t.db, { email: 'zoe@univ.test' });
    op.accounts.set('zoe', { email: 'zoe@univ.test', given_name: 'Zoé', family_name: 'Roux' });
    op.signInAs('zoe');
    const { a, authorizationUrl } = await begin(inst.id);
    await tamper('nonce', oidc.randomNonce());
    const res = await a.get(await op.authorize(authorizationUrl));
    expect(res.status).toBe(401);
    expect(res.text).toContain('Connexion refusée');
    expect(await signedIn(a)).toBe(false);
    expect(await t.db.externalIdentity.count()).toBe(0);
  });

  it('refuses a code exchanged with another PKCE verifier (the provider refuses it; 401, no session)', async () => {
    const { inst } = await institutionWithProvider();
    await makeUser(t.db, { email: 'zoe@univ.test' });
    op.accounts.set('zoe', { email: 'zoe@univ.test', given_name: 'Zoé', family_name: 'Roux' });
    op.signInAs('zoe');
    const { a, authorizationUrl } = await begin(inst.id);
    await tamper('verifier', oidc.randomPKCECodeVerifier());
    const res = await a.get(await op.authorize(authorizationUrl));
    expect(res.status).toBe(401);
    expect(res.text).toContain('Connexion refusée');
    expect(await signedIn(a)).toBe(false);
    expect(await t.db.user.findUniqueOrThrow({ where: { email: 'zoe@univ.test' }, select: { lastLoginAt: true } })).toEqual({ lastLoginAt: null });
  });

  it("ends the local session at sign-out and offers the provider's own logout", async () => {
    const { inst } = await institutionWithProvider();
    op.accounts.set('nina', { email: 'nina@etu.univ.test', given_name: 'Nina', family_name: 'Petit', student_number: '21900042' });
    const { a } = await signIn(inst.id, 'nina');
    const csrf = csrfFrom((await a.get('/account')).text);
    const out = await a.post('/logout').type('form').send({ _csrf: csrf });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe(`/sso/${inst.id}/signed-out`);
    expect(await signedIn(a)).toBe(false);
    const page = await a.get(out.headers.location);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="${op.issuer}/session/end?client_id=${CLIENT_ID}"`);
    expect(page.text).toContain('Se déconnecter aussi de Université de Test');
  });

  it('turns passwords off for the institution members only: students, centre staff, academic roles; companies keep theirs', async () => {
    const { inst, centre } = await institutionWithProvider({ passwordsDisabled: true });
    const staff = await makeStaff(t.db, centre.id, 'ADMIN', 'staff@univ.test');
    const student = await makeUser(t.db, { email: 'student@univ.test' });
    await t.db.studentProfile.create({ data: { userId: student.id, studentNumber: 'S1', institutionId: inst.id } });
    const tutor = await makeUser(t.db, { email: 'tutor@univ.test' });
    await t.db.academicRole.create({ data: { userId: tutor.id, kind: 'ACADEMIC_TUTOR', programmeId: (await makeProgramme(t.db, inst.id)).id } });
    const company = await makeUser(t.db, { email: 'hr@company.test' });
    await t.db.companyMembership.create({ data: { userId: company.id, organisationId: (await makeOrganisation(t.db)).id, role: 'ADMIN' } });

    const attempt = async (email: string, password = PASSWORD) => {
      const a = request.agent(t.app);
      const csrf = csrfFrom((await a.get('/login')).text);
      return { a, res: await a.post('/login').type('form').send({ email, password, _csrf: csrf }) };
    };
    for (const email of ['staff@univ.test', 'student@univ.test', 'tutor@univ.test']) {
      const { a, res } = await attempt(email);
      expect(res.status, email).toBe(403);
      expect(res.text).toContain('utilisez le bouton « Se connecter avec Université de Test »');
      expect(await signedIn(a)).toBe(false);
    }
    // A wrong password says nothing of the account.
    expect((await attempt('staff@univ.test', 'wrong-password')).res.status).toBe(401);
    const ok = await attempt('hr@company.test');
    expect(ok.res.status).toBe(303);
    expect(await signedIn(ok.a)).toBe(true);
    // The platform administrator keeps a password even as a member: a provider down must not lock the platform.
    await t.db.user.update({ where: { id: staff.id }, data: { isPlatformAdmin: true } });
    expect((await attempt('staff@univ.test')).res.status).toBe(303);
    await t.db.user.update({ where: { id: staff.id }, data: { isPlatformAdmin: false } });

    // No reset link for a member (the same answer on the page), one for the company user.
    for (const email of ['staff@univ.test', 'hr@company.test']) {
      const a = request.agent(t.app);
      const csrf = csrfFrom((await a.get('/password/forgot')).text);
      expect((await a.post('/password/forgot').type('form').send({ email, _csrf: csrf })).status).toBe(200);
    }
    await t.ctx.services.auth.settled();
    expect((await t.db.outboxEmail.findMany({ select: { to: true } })).map((m) => m.to)).toEqual(['hr@company.test']);
  });
});
