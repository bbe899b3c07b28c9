import type { Express } from 'express';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password.js';
import { translate } from '../../src/i18n/index.js';
import { makeClaimable, makePendingClaim } from '../factories/claims.js';
import { adminForm, contactForm, outboxFor } from '../factories/companies.js';
import { PASSWORD } from '../factories/index.js';
import { auditRows } from '../factories/institutions.js';
import { fieldError, makeStudentWorld, type StudentWorld } from '../factories/students.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

const CLAIMANT = 'nadia.roux@volcans-numeriques.example';
const CONTACT = 'paul.girard@volcans-numeriques.example';

/** A visitor registers a company by the SIRET of `siret` (claim), with one secondary contact, reference centre `centreId`. */
async function claimBySiret(app: Express, siret: string, centreId: number) {
  const a = request.agent(app);
  const csrf = csrfFrom((await a.get('/register/company')).text);
  const post = (path: string, body: Record<string, string> = {}) => a.post(path).type('form').send({ ...body, _csrf: csrf });
  expect((await post('/register/company', { siret })).headers.location).toBe('/register/company/organisation');
  expect((await post('/register/company/organisation', { centreId: String(centreId) })).headers.location).toBe('/register/company/admin');
  await post('/register/company/admin', adminForm());
  await post('/register/company/contacts', { ...contactForm(), action: 'next' });
  const done = await post('/register/company/terms', { acceptTerms: 'on' });
  expect(done.status).toBe(303);
  return (await a.get(done.headers.location)).text;
}

describe('claiming an organisation of the directory', () => {
  const t = useApp();
  let w: StudentWorld;
  let c: Awaited<ReturnType<typeof makeClaimable>>;
  beforeEach(async () => {
    w = await makeStudentWorld(t.db);
    c = await makeClaimable(t.db, w);
  });

  /** The claimant chose their password (the invitation's link: the auth module's, tested there). */
  const signInClaimant = async (email = CLAIMANT) => {
    await t.db.user.update({ where: { email }, data: { passwordHash: await hashPassword(PASSWORD) } });
    return agent(t.app, email);
  };

  /** What the organisation's data is to a member: each page, and what it should show once allowed. */
  const reaches = async (s: Awaited<ReturnType<typeof agent>>) => ({
    application: await s.a.get(`/applications/${c.application.id}`),
    cv: await s.a.get(`/applications/${c.application.id}/files/${c.cv.id}`),
    letter: await s.a.get(`/applications/${c.application.id}/files/${c.letter.id}`),
    contacts: await s.a.get(`/organisations/${c.organisation.id}/services`),
    company: await s.a.get(`/company/${c.organisation.id}`),
    offer: await s.a.get(`/offers/manage/${c.offer.id}`),
    offerForm: await s.a.get(`/offers/manage/new?organisation=${c.organisation.id}`),
    applications: await s.a.get('/applications/company'),
  });

  it('grants nothing until WRITE staff of the reference centre accept it; then the organisation is the claimant’s', async () => {
    const done = await claimBySiret(t.app, c.organisation.siret!, w.centreA.id);
    expect(done).toContain(html(fr('companies.register.done.claimPending', { name: 'Laiterie des Dômes', centre: 'UFR Sciences' })));
    const claimant = await t.db.user.findUniqueOrThrow({ where: { email: CLAIMANT } });
    const memberships = await t.db.companyMembership.findMany({ where: { organisationId: c.organisation.id }, orderBy: { id: 'asc' } });
    expect(memberships.map((m) => [m.role, m.status])).toEqual([['ADMIN', 'PENDING'], ['CONTACT', 'PENDING']]);
    // The invitation says the claim waits for the centre.
    const [invitation] = await outboxFor(t.db, CLAIMANT);
    expect(invitation.text).toContain(fr('companies.mail.claimAdminReason', { organisation: 'Laiterie des Dômes', centre: 'UFR Sciences', email: CLAIMANT }));

    // Signed in, the claimant reaches nothing of the organisation.
    const s = await signInClaimant();
    const before = await reaches(s);
    // Records reached by any signed-in user and decided by their reach: 404, nothing said of them.
    for (const r of [before.application, before.cv, before.letter]) expect(r.status).toBe(404);
    // Pages of company roles: the claimant holds none.
    for (const r of [before.contacts, before.company, before.offer, before.offerForm, before.applications]) expect(r.status).toBe(403);
    for (const r of Object.values(before)) {
      expect(r.text ?? '').not.toContain('Dubois');
      expect(r.text ?? '').not.toContain('Fromager');
    }
    // Nor can they change anything: marking the application read would mail the student.
    const status = await s.a.post(`/applications/${c.application.id}/status`).type('form').send({ _csrf: s.csrf, status: 'INTERVIEW' });
    expect(status.status).toBe(404);
    expect((await t.db.application.findUniqueOrThrow({ where: { id: c.application.id } })).status).toBe('SENT');
    // They land on the page that says the claim awaits its centre.
    expect((await s.a.get('/')).headers.location).toBe('/company/claim');
    const page = await s.a.get('/company/claim');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Laiterie des Dômes');
    expect(page.text).toContain(html(fr('companies.claim.meanwhile')));

    // The staff queue: who claims what.
    const staff = await agent(t.app, 'a.write@test.example');
    const queue = await staff.a.get('/organisations/queue');
    for (const shown of ['Laiterie des Dômes', c.organisation.siret!, 'Nadia', 'Roux', CLAIMANT, 'Paul', CONTACT]) expect(queue.text).toContain(html(shown));
    // Another centre's WRITE staff do not see it, and cannot decide it; READ staff are refused.
    const otherCentre = await agent(t.app, 'b.write@test.example');
    expect((await otherCentre.a.get('/organisations/queue')).text).not.toContain(CLAIMANT);
    expect((await otherCentre.a.post(`/organisations/${c.organisation.id}/claim/accept`).type('form').send({ _csrf: otherCentre.csrf })).status).toBe(404);
    const read = await agent(t.app, 'a.read@test.example');
    expect((await read.a.post(`/organisations/${c.organisation.id}/claim/accept`).type('form').send({ _csrf: read.csrf })).status).toBe(403);
    // A POST without its CSRF token changes nothing.
    expect((await staff.a.post(`/organisations/${c.organisation.id}/claim/accept`).type('form').send({})).status).toBe(403);
    expect(await t.db.companyMembership.count({ where: { organisationId: c.organisation.id, status: 'CONFIRMED' } })).toBe(0);

    const accepted = await staff.a.post(`/organisations/${c.organisation.id}/claim/accept`).type('form').send({ _csrf: staff.csrf });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe('/organisations/queue');
    expect(await t.db.companyMembership.count({ where: { organisationId: c.organisation.id, status: 'CONFIRMED' } })).toBe(2);
    expect(await auditRows(t.db, 'companyMembership.confirm')).toHaveLength(2);
    expect((await auditRows(t.db, 'organisation.claimAccepted'))[0]).toMatchObject({ actorId: w.write.id, entityId: String(c.organisation.id) });
    for (const to of [CLAIMANT, CONTACT]) expect((await outboxFor(t.db, to)).map((m) => m.template)).toContain('company-claim-accepted');
    expect((await staff.a.get('/organisations/queue')).text).not.toContain(CLAIMANT);

    // The same session now reaches the organisation: the application, the CV, the contacts.
    const after = await reaches(s);
    for (const r of Object.values(after)) expect(r.status).toBe(200);
    expect(after.application.text).toContain('Dubois');
    expect(after.cv.headers['content-type']).toBe('application/pdf');
    expect(after.contacts.text).toContain('Fromager');
    expect((await s.a.get('/')).headers.location).toBe('/dashboard/company');
  });

  it('is decided by the organisation\'s own reference centre, whatever centre the claimant chose, and changes nothing of it meanwhile', async () => {
    await t.db.organisation.update({ where: { id: c.organisation.id }, data: { centreId: w.centreB.id } });
    await claimBySiret(t.app, c.organisation.siret!, w.centreA.id);
    expect(await t.db.organisation.findUniqueOrThrow({ where: { id: c.organisation.id } })).toMatchObject({ centreId: w.centreB.id, verified: true });
    // Centre A, chosen by the claimant, neither sees nor decides it; centre B does.
    const chosen = await agent(t.app, 'a.write@test.example');
    expect((await chosen.a.get('/organisations/queue')).text).not.toContain(CLAIMANT);
    expect((await chosen.a.post(`/organisations/${c.organisation.id}/claim/accept`).type('form').send({ _csrf: chosen.csrf })).status).toBe(404);
    const reference = await agent(t.app, 'b.write@test.example');
    expect((await reference.a.get('/organisations/queue')).text).toContain(CLAIMANT);
    expect((await reference.a.post(`/organisations/${c.organisation.id}/claim/accept`).type('form').send({ _csrf: reference.csrf })).status).toBe(303);
    expect(await t.db.companyMembership.count({ where: { organisationId: c.organisation.id, status: 'CONFIRMED' } })).toBe(2);
  });

  it('is refused with a reason, mailed: the memberships go, the accounts are deactivated, the terms withdrawn', async () => {
    await claimBySiret(t.app, c.organisation.siret!, w.centreA.id);
    const s = await signInClaimant();
    const staff = await agent(t.app, 'a.write@test.example');
    const refuse = (reason: string) => staff.a.post(`/organisations/${c.organisation.id}/claim/refuse`).type('form').send({ _csrf: staff.csrf, reason });

    // No reason: the queue again, the refusal form open with its message.
    const empty = await refuse('  ');
    expect(empty.status).toBe(422);
    expect(fieldError(empty.text, `reason-${c.organisation.id}`)).toBe(fr('errors.field.required'));
    expect(empty.text).toContain('<details class="confirm" open>');
    expect(await t.db.companyMembership.count({ where: { organisationId: c.organisation.id } })).toBe(2);

    const refused = await refuse('Cette personne ne travaille pas pour la laiterie.');
    expect(refused.status).toBe(303);
    expect(await t.db.companyMembership.count({ where: { organisationId: c.organisation.id } })).toBe(0);
    for (const to of [CLAIMANT, CONTACT]) {
      expect((await t.db.user.findUniqueOrThrow({ where: { email: to } })).active).toBe(false);
      const mail = (await outboxFor(t.db, to)).find((m) => m.template === 'company-claim-refused');
      expect(mail?.text).toContain('Cette personne ne travaille pas pour la laiterie.');
    }
    expect((await auditRows(t.db, 'companyMembership.refuse')).map((r) => (r.after as { reason: string }).reason)).toEqual([
      'Cette personne ne travaille pas pour la laiterie.',
      'Cette personne ne travaille pas pour la laiterie.',
    ]);
    expect(await auditRows(t.db, 'organisation.claimRefused')).toHaveLength(1);
    expect(await auditRows(t.db, 'organisation.termsWithdrawn')).toHaveLength(1);
    expect(await t.db.organisation.findUniqueOrThrow({ where: { id: c.organisation.id } })).toMatchObject({ termsVersion: null, termsAcceptedById: null });
    // The claimant's session ended with the account.
    expect((await s.a.get('/company/claim')).headers.location).toMatch(/^\/login/);
    // Decided already: a second decision is refused (422), changing nothing.
    expect((await refuse('encore')).status).toBe(422);
    expect(await auditRows(t.db, 'organisation.claimRefused')).toHaveLength(1);
  });

  it('allows one claim at a time: a second visitor is told the organisation is claimed', async () => {
    await makePendingClaim(t.db, c.organisation.id, w.centreA.id);
    const a = request.agent(t.app);
    const csrf = csrfFrom((await a.get('/register/company')).text);
    const res = await a.post('/register/company').type('form').send({ siret: c.organisation.siret, _csrf: csrf });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'siret')).toBe(fr('companies.errors.claimPending'));
    expect(res.text).not.toContain('Squatteur');
  });

  it('takes spontaneous applications only once the organisation has a confirmed administrator', async () => {
    const { user } = await makePendingClaim(t.db, c.organisation.id, w.centreA.id);
    const student = await agent(t.app, 'lea.dubois@etu.test');
    // No confirmed administrator: the organisation takes no spontaneous application.
    expect((await student.a.get(`/applications/spontaneous/${c.organisation.id}`)).status).toBe(404);
    await t.db.companyMembership.updateMany({ where: { userId: user.id }, data: { status: 'CONFIRMED' } });
    expect((await student.a.get(`/applications/spontaneous/${c.organisation.id}`)).status).toBe(200);
  });
});
