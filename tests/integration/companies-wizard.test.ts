import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { DRAFT_DAYS, purgeWizardDrafts } from '../../src/http/wizard.js';
import { jobDefinitions, runJob } from '../../src/jobs/index.js';
import { DAY_MS, FixedClock } from '../../src/time/clock.js';
import { adminForm, contactForm, organisationForm, validSiret } from '../factories/companies.js';
import { makeCentre, makeInstitution, makeUser } from '../factories/index.js';
import { agent, csrfFrom, testContext, useApp } from '../helpers/app.js';

/** The registration wizard (src/http/wizard.ts): its draft lives in WizardDraft, the session keeps its token only. */
describe('the company registration wizard and its draft', () => {
  const clock = new FixedClock('2026-03-01T10:00:00Z');
  const t = useApp({}, { clock });
  let centreId: number;
  beforeEach(async () => {
    clock.set('2026-03-01T10:00:00Z');
    const inst = await makeInstitution(t.db);
    centreId = (await makeCentre(t.db, inst.id)).id;
  });

  async function visitor() {
    const a = request.agent(t.app);
    const csrf = csrfFrom((await a.get('/register/company')).text);
    return { a, post: (path: string, body: Record<string, string> = {}) => a.post(path).type('form').send({ ...body, _csrf: csrf }) };
  }

  it('stores the screens in one draft row (the session holds its token only), deleted by the last screen', async () => {
    const v = await visitor();
    const siret = validSiret();
    await v.post('/register/company', { siret });
    const [draft] = await t.db.wizardDraft.findMany();
    expect(draft).toMatchObject({ kind: 'company-registration', ownerId: null, expiresAt: new Date(clock.now().getTime() + DRAFT_DAYS * DAY_MS) });
    expect(draft.data).toMatchObject({ lookup: { siret, claimId: null } });
    const sessions = await t.db.session.findMany();
    const sess = JSON.stringify(sessions.map((s) => s.sess));
    expect(sess).toContain(draft.token!);
    expect(sess).not.toContain(siret);

    await v.post('/register/company/organisation', { ...organisationForm({ siret }), centreId: String(centreId) });
    await v.post('/register/company/admin', adminForm());
    await v.post('/register/company/contacts', { ...contactForm(), action: 'next' });
    expect(await t.db.wizardDraft.count()).toBe(1);
    expect(await t.db.organisation.count()).toBe(0);
    expect((await v.post('/register/company/terms', { acceptTerms: 'on' })).headers.location).toBe('/register/company/done');
    expect(await t.db.wizardDraft.count()).toBe(0);
    expect(await t.db.organisation.count()).toBe(1);
  });

  it('keeps the draft when the last screen is refused, and drops it when the visitor abandons', async () => {
    const v = await visitor();
    await v.post('/register/company', { siret: validSiret() });
    await v.post('/register/company/organisation', { ...organisationForm(), centreId: String(centreId) });
    await v.post('/register/company/admin', adminForm());
    await v.post('/register/company/contacts', { action: 'next' });
    // The reference centre removed meanwhile: the last screen is refused.
    await t.db.managementCentre.delete({ where: { id: centreId } });
    expect((await v.post('/register/company/terms', { acceptTerms: 'on' })).status).toBe(422);
    expect(await t.db.wizardDraft.count()).toBe(1);
    expect((await v.a.get('/register/company/terms')).status).toBe(200);
    await v.post('/register/company/cancel');
    expect(await t.db.wizardDraft.count()).toBe(0);
    expect((await v.a.get('/register/company/admin')).headers.location).toBe('/register/company');
  });

  it('lets a signed-in owner resume the draft from another device', async () => {
    await makeUser(t.db, { email: 'owner@example.org' });
    const first = await agent(t.app, 'owner@example.org');
    const siret = validSiret();
    await first.a.post('/register/company').type('form').send({ siret, _csrf: first.csrf });
    await first.a.post('/register/company/organisation').type('form').send({ ...organisationForm({ siret, legalName: 'Reprise SAS' }), centreId: String(centreId), _csrf: first.csrf });
    expect(await t.db.wizardDraft.findFirst()).toMatchObject({ token: null });

    const second = await agent(t.app, 'owner@example.org');
    const admin = await second.a.get('/register/company/admin');
    expect(admin.status).toBe(200);
    const back = await second.a.get('/register/company/organisation');
    expect(back.text).toContain('value="Reprise SAS"');
    // Another visitor does not see it.
    expect((await request.agent(t.app).get('/register/company/admin')).headers.location).toBe('/register/company');
  });

  it('forgets a draft once expired, and the daily job purges it', async () => {
    const v = await visitor();
    await v.post('/register/company', { siret: validSiret() });
    clock.advance(DRAFT_DAYS * DAY_MS - 1000);
    expect((await v.a.get('/register/company/organisation')).status).toBe(200);
    clock.advance(1000);
    expect((await v.a.get('/register/company/organisation')).headers.location).toBe('/register/company');
    expect(await purgeWizardDrafts(t.db, new Date(clock.now().getTime() - 1))).toBe(0);

    const job = jobDefinitions().find((j) => j.name === 'purge-wizard-drafts')!;
    expect(await runJob(testContext(t.db, {}, { clock }), job)).toBe(true);
    expect(await t.db.wizardDraft.count()).toBe(0);
  });
});
