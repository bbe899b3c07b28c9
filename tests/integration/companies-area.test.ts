import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { TERMS_VERSION } from '../../src/modules/companies/companies.schemas.js';
import { contactForm, makeCompany, organisationForm, outboxFor, resetPathOf } from '../factories/companies.js';
import { makeCentre, makeInstitution, makeUser } from '../factories/index.js';
import { auditRows } from '../factories/institutions.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

function fieldError(page: string, field: string): string | null {
  const m = page.match(new RegExp(`<p class="error-message" id="f-${field}-error">(?:<span[^>]*>[^<]*</span>)?([^<]*)</p>`));
  return m ? m[1] : null;
}

describe('company area: administrator, secondary contact, other company', () => {
  const t = useApp();
  let centre: Awaited<ReturnType<typeof makeCentre>>;
  let acme: Awaited<ReturnType<typeof makeCompany>>;
  let other: Awaited<ReturnType<typeof makeCompany>>;
  beforeEach(async () => {
    centre = await makeCentre(t.db, (await makeInstitution(t.db)).id, { name: 'Pôle Entreprises' });
    acme = await makeCompany(t.db, {
      legalName: 'Acme Auvergne',
      adminEmail: 'admin@acme.example',
      centreId: centre.id,
      contacts: [
        { email: 'tuteur@acme.example', canPublishOffers: false },
        { email: 'second@acme.example', canPublishOffers: true },
      ],
    });
    other = await makeCompany(t.db, { legalName: 'Concurrent SA', adminEmail: 'admin@concurrent.example', contacts: [{ email: 'tuteur@concurrent.example' }] });
  });

  const orgUrl = () => `/company/${acme.organisation.id}`;
  const tutor = () => acme.contacts[0];

  it('the administrator sees the company, its people and the actions; /company leads there', async () => {
    const { a } = await agent(t.app, 'admin@acme.example');
    const home = await a.get('/company');
    expect(home.status).toBe(303);
    expect(home.headers.location).toBe(orgUrl());
    const page = await a.get(orgUrl());
    expect(page.status).toBe(200);
    expect(page.text).toContain('Acme Auvergne');
    expect(page.text).toContain(`href="${orgUrl()}/edit"`);
    expect(page.text).toContain(`href="${orgUrl()}/contacts/new"`);
    expect(page.text).toContain('tuteur@acme.example');
    expect(page.text).toContain('second@acme.example');
    expect(page.text).toContain(`action="${orgUrl()}/contacts/${tutor().membership.id}/remove"`);
    expect(page.text).toContain('<caption>');
    expect(page.text).not.toContain('Concurrent SA');
    expect(page.text).not.toContain('tuteur@concurrent.example');
    // No terms accepted yet: the administrator is asked to.
    expect(page.text).toContain(`href="${orgUrl()}/terms"`);
  });

  it('a secondary contact sees the company data and only their own card; admin pages are 403', async () => {
    const { a, csrf } = await agent(t.app, 'tuteur@acme.example');
    const page = await a.get(orgUrl());
    expect(page.status).toBe(200);
    expect(page.text).toContain('Acme Auvergne');
    expect(page.text).toContain(html(fr('companies.area.myCard')));
    expect(page.text).toContain('tuteur@acme.example');
    expect(page.text).not.toContain('second@acme.example');
    expect(page.text).not.toContain('admin@acme.example');
    expect(page.text).not.toContain(`${orgUrl()}/edit`);
    expect(page.text).not.toContain('/remove"');

    for (const path of ['/edit', '/contacts/new', '/terms']) expect((await a.get(orgUrl() + path)).status, path).toBe(403);
    const member = acme.contacts[1].membership.id;
    expect((await a.post(`${orgUrl()}/contacts/${member}/publish`).type('form').send({ _csrf: csrf, canPublishOffers: 'no' })).status).toBe(403);
    expect((await a.post(`${orgUrl()}/contacts/${member}/remove`).type('form').send({ _csrf: csrf })).status).toBe(403);
    expect((await a.post(`${orgUrl()}/edit`).type('form').send({ _csrf: csrf, ...organisationForm(), centreId: String(centre.id) })).status).toBe(403);
    expect((await t.db.companyMembership.findUniqueOrThrow({ where: { id: member } })).canPublishOffers).toBe(true);
  });

  it("another company's organisation and member ids are 404, for its administrator and its contact", async () => {
    const { a, csrf } = await agent(t.app, 'admin@concurrent.example');
    const foreignMember = tutor().membership.id;
    expect((await a.get(orgUrl())).status).toBe(404);
    expect((await a.get(`${orgUrl()}/edit`)).status).toBe(404);
    expect((await a.get(`${orgUrl()}/contacts/new`)).status).toBe(404);
    expect((await a.get(`${orgUrl()}/terms`)).status).toBe(404);
    expect((await a.post(`${orgUrl()}/contacts/${foreignMember}/remove`).type('form').send({ _csrf: csrf })).status).toBe(404);
    expect((await a.post(`${orgUrl()}/contacts/${foreignMember}/publish`).type('form').send({ _csrf: csrf, canPublishOffers: 'yes' })).status).toBe(404);
    expect((await a.post(`${orgUrl()}/edit`).type('form').send({ _csrf: csrf, ...organisationForm(), centreId: String(centre.id) })).status).toBe(404);
    // Through its own organisation's URL, another company's member is still out of reach.
    const own = `/company/${other.organisation.id}`;
    expect((await a.post(`${own}/contacts/${foreignMember}/remove`).type('form').send({ _csrf: csrf })).status).toBe(404);
    expect((await a.post(`${own}/contacts/${foreignMember}/publish`).type('form').send({ _csrf: csrf, canPublishOffers: 'yes' })).status).toBe(404);
    expect(await t.db.companyMembership.findUnique({ where: { id: foreignMember } })).not.toBeNull();

    const contact = await agent(t.app, 'tuteur@concurrent.example');
    expect((await contact.a.get(orgUrl())).status).toBe(404);
    expect((await contact.a.get(`/company/${other.organisation.id}`)).status).toBe(200);
    // Not a company user at all: 403 by permission.
    await makeUser(t.db, { email: 'nobody@example.org' });
    expect((await (await agent(t.app, 'nobody@example.org')).a.get(orgUrl())).status).toBe(403);
  });

  it('the administrator edits the data; changing the identity re-queues the verification', async () => {
    const { a, csrf } = await agent(t.app, 'admin@acme.example');
    const form = await a.get(`${orgUrl()}/edit`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="Acme Auvergne"');
    expect(form.text).toContain(html(fr('companies.edit.requeueNotice')));
    const org = acme.organisation;
    const same = {
      legalName: org.legalName,
      siret: org.siret!,
      nafCode: org.nafCode,
      headcount: org.headcount,
      structureType: org.structureType,
      legalStatus: org.legalStatus,
      addressLine1: org.addressLine1,
      postalCode: org.postalCode,
      city: org.city,
      country: org.country,
      phone: '04 73 99 88 77',
      centreId: String(centre.id),
      description: 'Nouvelle description',
    };
    const invalid = await a.post(`${orgUrl()}/edit`).type('form').send({ ...same, _csrf: csrf, nafCode: 'ZZ', city: '' });
    expect(invalid.status).toBe(422);
    expect(fieldError(invalid.text, 'nafCode')).toBe(html(fr('organisations.errors.nafFormat')));
    expect(invalid.text).toContain('value="04 73 99 88 77"');

    const saved = await a.post(`${orgUrl()}/edit`).type('form').send({ ...same, _csrf: csrf });
    expect(saved.status).toBe(303);
    let row = await t.db.organisation.findUniqueOrThrow({ where: { id: org.id } });
    expect(row).toMatchObject({ phone: '04 73 99 88 77', phoneDigits: '0473998877', description: 'Nouvelle description', verified: true });
    expect(await auditRows(t.db, 'organisation.update')).toHaveLength(1);
    expect(await auditRows(t.db, 'organisation.requeue')).toHaveLength(0);

    const renamed = await a.post(`${orgUrl()}/edit`).type('form').send({ ...same, _csrf: csrf, legalName: 'Acme Auvergne-Rhône-Alpes' });
    expect(renamed.status).toBe(303);
    row = await t.db.organisation.findUniqueOrThrow({ where: { id: org.id } });
    expect(row).toMatchObject({ legalName: 'Acme Auvergne-Rhône-Alpes', normalizedName: 'acme auvergne rhone alpes', verified: false, verifiedAt: null, centreId: centre.id });
    const requeue = await auditRows(t.db, 'organisation.requeue');
    expect(requeue).toHaveLength(1);
    expect(requeue[0].after).toMatchObject({ verified: false, reason: ['legalName'] });
    const shown = await a.get(orgUrl());
    expect(shown.text).toContain(html(fr('companies.edit.savedRequeued')));
    expect(shown.text).toContain(html(fr('companies.area.unverified')));
  });

  it('the administrator adds a contact: account without password, membership, card, audit and invitation in one go', async () => {
    const { a, csrf } = await agent(t.app, 'admin@acme.example');
    expect((await a.get(`${orgUrl()}/contacts/new`)).status).toBe(200);
    const invalid = await a.post(`${orgUrl()}/contacts/new`).type('form').send({ ...contactForm({ email: 'tuteur@acme.example' }), _csrf: csrf });
    expect(invalid.status).toBe(422);
    expect(fieldError(invalid.text, 'email')).toBe(html(fr('companies.errors.emailTaken')));
    expect(invalid.text).toContain('value="Paul"');

    const res = await a.post(`${orgUrl()}/contacts/new`).type('form').send({ ...contactForm({ email: 'Nouveau@Acme.example', canPublishOffers: 'no', phone: '06 00 00 00 01' }), _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(orgUrl());
    const user = await t.db.user.findUniqueOrThrow({ where: { email: 'nouveau@acme.example' } });
    expect(user).toMatchObject({ passwordHash: null, firstName: 'Paul', lastName: 'Girard', civility: 'MR', active: true });
    expect(await t.db.companyMembership.findFirst({ where: { userId: user.id } })).toMatchObject({ organisationId: acme.organisation.id, role: 'CONTACT', canPublishOffers: false });
    expect(await t.db.contact.findFirst({ where: { userId: user.id } })).toMatchObject({ organisationId: acme.organisation.id, function: 'Chef de projet', phone: '06 00 00 00 01' });
    for (const action of ['user.create', 'companyMembership.create', 'contact.create']) {
      const rows = await auditRows(t.db, action);
      expect(rows, action).toHaveLength(1);
      expect(rows[0].actorId).toBe(acme.admin.id);
    }
    const mails = await outboxFor(t.db, 'nouveau@acme.example');
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain('/password/reset/');
    expect(mails[0].text).toContain(`${acme.admin.firstName} ${acme.admin.lastName} vous a déclaré(e) comme contact secondaire de « Acme Auvergne »`);
    expect((await a.get(orgUrl())).text).toContain('nouveau@acme.example');

    // The new contact chooses a password and lands on the contact dashboard.
    const b = request.agent(t.app);
    await b.get(resetPathOf(mails[0].text));
    const reset = await b.get('/password/reset');
    expect((await b.post('/password/reset').type('form').send({ password: 'nouveau-contact-1', confirm: 'nouveau-contact-1', _csrf: csrfFrom(reset.text) })).status).toBe(303);
    const login = await b.get('/login');
    const signedIn = await b.post('/login').type('form').send({ email: 'nouveau@acme.example', password: 'nouveau-contact-1', _csrf: csrfFrom(login.text) });
    expect(signedIn.headers.location).toBe('/dashboard/contact');
  });

  it('the administrator grants and withdraws the right to publish; the contact is told', async () => {
    const { a, csrf } = await agent(t.app, 'admin@acme.example');
    const url = `${orgUrl()}/contacts/${tutor().membership.id}/publish`;
    const granted = await a.post(url).type('form').send({ _csrf: csrf, canPublishOffers: 'yes' });
    expect(granted.status).toBe(303);
    expect((await t.db.companyMembership.findUniqueOrThrow({ where: { id: tutor().membership.id } })).canPublishOffers).toBe(true);
    const rows = await auditRows(t.db, 'companyMembership.update');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorId: acme.admin.id, entityId: String(tutor().membership.id) });
    expect(rows[0].before).toMatchObject({ canPublishOffers: false });
    expect(rows[0].after).toMatchObject({ canPublishOffers: true });
    let mails = await outboxFor(t.db, 'tuteur@acme.example');
    expect(mails).toHaveLength(1);
    expect(mails[0].template).toBe('company-publish-right');
    expect(mails[0].text).toContain('vous autorise désormais à publier des offres de stage pour « Acme Auvergne »');

    // Unchanged: no row, no mail.
    await a.post(url).type('form').send({ _csrf: csrf, canPublishOffers: 'yes' });
    expect(await auditRows(t.db, 'companyMembership.update')).toHaveLength(1);

    await a.post(url).type('form').send({ _csrf: csrf, canPublishOffers: 'no' });
    expect((await t.db.companyMembership.findUniqueOrThrow({ where: { id: tutor().membership.id } })).canPublishOffers).toBe(false);
    mails = await outboxFor(t.db, 'tuteur@acme.example');
    expect(mails).toHaveLength(2);
    expect(mails[1].text).toContain('ne vous autorise plus');

    const bad = await a.post(url).type('form').send({ _csrf: csrf, canPublishOffers: 'peut-être' });
    expect(bad.status).toBe(422);
    // The administrator's own row cannot be changed here.
    const adminRow = await a.post(`${orgUrl()}/contacts/${acme.adminMembership.id}/publish`).type('form').send({ _csrf: csrf, canPublishOffers: 'no' });
    expect(adminRow.status).toBe(422);
    expect(adminRow.text).toContain(html(fr('companies.errors.adminRow')));
    expect((await a.post(`${orgUrl()}/contacts/${acme.adminMembership.id}/remove`).type('form').send({ _csrf: csrf })).status).toBe(422);
    expect(await t.db.companyMembership.findUnique({ where: { id: acme.adminMembership.id } })).not.toBeNull();
  });

  it('the administrator removes a contact: membership gone, card kept but unlinked, account deactivated, audited, told', async () => {
    const { a, csrf } = await agent(t.app, 'admin@acme.example');
    const tutorSession = await agent(t.app, 'tuteur@acme.example');
    const res = await a.post(`${orgUrl()}/contacts/${tutor().membership.id}/remove`).type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(await t.db.companyMembership.findUnique({ where: { id: tutor().membership.id } })).toBeNull();
    expect(await t.db.contact.findUniqueOrThrow({ where: { id: tutor().card.id } })).toMatchObject({ userId: null, email: 'tuteur@acme.example' });
    expect((await t.db.user.findUniqueOrThrow({ where: { id: tutor().user.id } })).active).toBe(false);
    for (const action of ['companyMembership.delete', 'contact.unlink', 'user.deactivate']) {
      const rows = await auditRows(t.db, action);
      expect(rows, action).toHaveLength(1);
      expect(rows[0].actorId).toBe(acme.admin.id);
    }
    const mails = await outboxFor(t.db, 'tuteur@acme.example');
    expect(mails.map((m) => m.template)).toEqual(['company-contact-removed']);
    expect(mails[0].text).toContain(fr('companies.mail.removedDeactivated'));
    expect((await a.get(orgUrl())).text).not.toContain('tuteur@acme.example');

    // Their open session ends, and they can no longer sign in.
    const after = await tutorSession.a.get(orgUrl());
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);
    await expect(agent(t.app, 'tuteur@acme.example')).rejects.toThrow(/sign-in/);

    // Added again later: the account comes back, with a new invitation.
    const again = await a.post(`${orgUrl()}/contacts/new`).type('form').send({ ...contactForm({ email: 'tuteur@acme.example' }), _csrf: csrf });
    expect(again.status).toBe(303);
    const back = await t.db.user.findUniqueOrThrow({ where: { id: tutor().user.id } });
    expect(back).toMatchObject({ active: true, passwordHash: null, firstName: 'Paul' });
    expect(await auditRows(t.db, 'user.reactivate')).toHaveLength(1);
    expect((await outboxFor(t.db, 'tuteur@acme.example')).map((m) => m.template)).toEqual(['company-contact-removed', 'account-invitation']);
  });

  it('a removed contact who holds another role keeps an active account', async () => {
    const second = acme.contacts[1];
    await t.db.companyMembership.create({ data: { userId: second.user.id, organisationId: other.organisation.id, role: 'CONTACT' } });
    const { a, csrf } = await agent(t.app, 'admin@acme.example');
    expect((await a.post(`${orgUrl()}/contacts/${second.membership.id}/remove`).type('form').send({ _csrf: csrf })).status).toBe(303);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: second.user.id } })).active).toBe(true);
    expect(await auditRows(t.db, 'user.deactivate')).toHaveLength(0);
    expect((await outboxFor(t.db, 'second@acme.example'))[0].text).toContain(fr('companies.mail.removedKept'));
    // Their one remaining company is where /company leads; the former one is out of reach.
    const s = await agent(t.app, 'second@acme.example');
    const home = await s.a.get('/company');
    expect(home.status).toBe(303);
    expect(home.headers.location).toBe(`/company/${other.organisation.id}`);
    expect((await s.a.get(orgUrl())).status).toBe(404);
  });

  it('a user of several companies picks one on /company', async () => {
    await t.db.companyMembership.create({ data: { userId: tutor().user.id, organisationId: other.organisation.id, role: 'CONTACT' } });
    const { a } = await agent(t.app, 'tuteur@acme.example');
    const list = await a.get('/company');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`href="/company/${acme.organisation.id}"`);
    expect(list.text).toContain(`href="/company/${other.organisation.id}"`);
    expect(list.text).toContain('<th scope="col">');
  });

  it('the administrator accepts the current terms of use', async () => {
    const { a, csrf } = await agent(t.app, 'admin@acme.example');
    const page = await a.get(`${orgUrl()}/terms`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(html(fr('companies.terms.articles.4.title')));
    const refused = await a.post(`${orgUrl()}/terms`).type('form').send({ _csrf: csrf });
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'acceptTerms')).toBe(html(fr('companies.errors.termsRequired')));
    const ok = await a.post(`${orgUrl()}/terms`).type('form').send({ _csrf: csrf, acceptTerms: 'on' });
    expect(ok.status).toBe(303);
    const row = await t.db.organisation.findUniqueOrThrow({ where: { id: acme.organisation.id } });
    expect(row).toMatchObject({ termsVersion: TERMS_VERSION, termsAcceptedById: acme.admin.id });
    expect(await auditRows(t.db, 'organisation.termsAccepted')).toHaveLength(1);
    expect((await a.get(orgUrl())).text).not.toContain(`href="${orgUrl()}/terms"`);
  });
});
