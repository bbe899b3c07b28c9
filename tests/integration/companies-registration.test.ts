import type { Express } from 'express';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { TERMS_VERSION } from '../../src/modules/companies/companies.schemas.js';
import { adminForm, contactForm, organisationForm, outboxFor, resetPathOf, validSiret } from '../factories/companies.js';
import { makeCentre, makeInstitution, makeOrganisation, makeUser } from '../factories/index.js';
import { auditRows } from '../factories/institutions.js';
import { csrfFrom, useApp } from '../helpers/app.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);
/** As EJS escapes text. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

function fieldError(page: string, field: string): string | null {
  const m = page.match(new RegExp(`<p class="error-message" id="f-${field}-error">(?:<span[^>]*>[^<]*</span>)?([^<]*)</p>`));
  return m ? m[1] : null;
}

/** A visitor's browser: cookies and the CSRF token of the session. */
async function visitor(app: Express) {
  const a = request.agent(app);
  const first = await a.get('/register/company');
  expect(first.status).toBe(200);
  const csrf = csrfFrom(first.text);
  const post = (path: string, body: Record<string, string> = {}) => a.post(path).type('form').send({ ...body, _csrf: csrf });
  return { a, csrf, post, first };
}

async function counts(t: { db: import('../../src/db/client.js').Db }) {
  const [organisations, users, memberships, contacts, outbox, audit] = await Promise.all([
    t.db.organisation.count(),
    t.db.user.count(),
    t.db.companyMembership.count(),
    t.db.contact.count(),
    t.db.outboxEmail.count(),
    t.db.auditLog.count(),
  ]);
  return { organisations, users, memberships, contacts, outbox, audit };
}

describe('company registration in 4 screens', () => {
  const t = useApp();
  let centre: Awaited<ReturnType<typeof makeCentre>>;
  beforeEach(async () => {
    const inst = await makeInstitution(t.db, { name: 'Université Clermont Auvergne' });
    centre = await makeCentre(t.db, inst.id, { name: 'Pôle Stages Auvergne' });
    await makeCentre(t.db, inst.id, { name: 'Autre centre' });
  });

  it('writes the organisation, accounts, memberships, contacts, terms, audit and e-mails only when screen 4 is confirmed', async () => {
    const v = await visitor(t.app);
    expect(v.first.text).toContain(fr('companies.register.stepOf', { step: 1, total: 4 }));
    expect(v.first.text).toContain('aria-current="step"');
    const before = await counts(t);
    const org = organisationForm();

    // Screen 1: not in the directory → the creation form, SIRET kept.
    const looked = await v.post('/register/company', { siret: org.siret.replace(/(\d{3})/g, '$1 ') });
    expect(looked.status).toBe(303);
    expect(looked.headers.location).toBe('/register/company/organisation');
    const form = await v.a.get('/register/company/organisation');
    expect(form.status).toBe(200);
    expect(form.text).toContain(`value="${org.siret}"`);
    expect(form.text).toContain('Pôle Stages Auvergne');
    expect(form.text).toContain(html(fr('companies.register.organisation.unverifiedNotice')));
    const s1 = await v.post('/register/company/organisation', { ...org, centreId: String(centre.id) });
    expect(s1.status).toBe(303);
    expect(s1.headers.location).toBe('/register/company/admin');

    // Screen 2.
    const adminPage = await v.a.get('/register/company/admin');
    expect(adminPage.text).toContain(fr('companies.register.stepOf', { step: 2, total: 4 }));
    const s2 = await v.post('/register/company/admin', adminForm());
    expect(s2.status).toBe(303);
    expect(s2.headers.location).toBe('/register/company/contacts');

    // Screen 3: one contact added with the button, a second one typed and carried by "Continuer".
    const added = await v.post('/register/company/contacts', { ...contactForm(), action: 'add' });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe('/register/company/contacts');
    const list = await v.a.get('/register/company/contacts');
    expect(list.text).toContain(html(fr('companies.register.contacts.rowLegend', { n: 1, name: 'Paul Girard' })));
    const s3 = await v.post('/register/company/contacts', {
      ...contactForm({ firstName: 'Léa', lastName: 'Martin', email: 'lea.martin@volcans-numeriques.example', canPublishOffers: 'no', phone: '06 11 22 33 44' }),
      action: 'next',
    });
    expect(s3.status).toBe(303);
    expect(s3.headers.location).toBe('/register/company/terms');

    // Screen 4: the terms, the summary with its "Modifier" links; nothing written so far.
    const terms = await v.a.get('/register/company/terms');
    expect(terms.status).toBe(200);
    expect(terms.text).toContain(fr('companies.register.stepOf', { step: 4, total: 4 }));
    expect(terms.text).toContain(html(fr('companies.terms.articles.1.title')));
    expect(terms.text).toContain(html(fr('companies.register.terms.accept')));
    for (const href of ['/register/company/organisation', '/register/company/admin', '/register/company/contacts']) expect(terms.text).toContain(`href="${href}"`);
    expect(terms.text).toContain('Volcans Numériques SARL');
    expect(terms.text).toContain('lea.martin@volcans-numeriques.example');
    expect(await counts(t)).toEqual(before);

    const refused = await v.post('/register/company/terms', {});
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'acceptTerms')).toBe(html(fr('companies.errors.termsRequired')));
    expect(await counts(t)).toEqual(before);

    const confirmed = await v.post('/register/company/terms', { acceptTerms: 'on' });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe('/register/company/done');
    const done = await v.a.get('/register/company/done');
    expect(done.status).toBe(200);
    expect(done.text).toContain('nadia.roux@volcans-numeriques.example');
    expect(done.text).toContain('Pôle Stages Auvergne');

    // Rows.
    const created = await t.db.organisation.findFirstOrThrow({ where: { siret: org.siret } });
    expect(created).toMatchObject({ legalName: 'Volcans Numériques SARL', verified: false, verifiedAt: null, centreId: centre.id, termsVersion: TERMS_VERSION, department: '63' });
    expect(Date.now() - created.termsAcceptedAt!.getTime()).toBeLessThan(60_000);
    const admin = await t.db.user.findUniqueOrThrow({ where: { email: 'nadia.roux@volcans-numeriques.example' } });
    expect(created.termsAcceptedById).toBe(admin.id);
    expect(created.createdById).toBe(admin.id);
    expect(admin).toMatchObject({ passwordHash: null, civility: 'MRS', firstName: 'Nadia', lastName: 'Roux', phone: '04 73 55 66 78', active: true });
    const members = await t.db.companyMembership.findMany({ where: { organisationId: created.id }, include: { user: true }, orderBy: { id: 'asc' } });
    // A new organisation is the registrant's own: its memberships are confirmed at once.
    expect(members.map((m) => [m.user.email, m.role, m.canPublishOffers, m.status, m.user.passwordHash])).toEqual([
      ['nadia.roux@volcans-numeriques.example', 'ADMIN', true, 'CONFIRMED', null],
      ['paul.girard@volcans-numeriques.example', 'CONTACT', true, 'CONFIRMED', null],
      ['lea.martin@volcans-numeriques.example', 'CONTACT', false, 'CONFIRMED', null],
    ]);
    const cards = await t.db.contact.findMany({ where: { organisationId: created.id }, orderBy: { id: 'asc' } });
    expect(cards.map((c) => [c.email, c.function, c.userId])).toEqual([
      ['nadia.roux@volcans-numeriques.example', 'Directrice des ressources humaines', admin.id],
      ['paul.girard@volcans-numeriques.example', 'Chef de projet', members[1].userId],
      ['lea.martin@volcans-numeriques.example', 'Chef de projet', members[2].userId],
    ]);

    // Audit rows, all naming the new administrator.
    for (const [action, n] of [
      ['user.create', 3],
      ['organisation.create', 1],
      ['companyMembership.create', 3],
      ['contact.create', 3],
      ['organisation.termsAccepted', 1],
      ['company.register', 1],
    ] as const) {
      const rows = await auditRows(t.db, action);
      expect(rows, action).toHaveLength(n);
      expect(rows.every((r) => r.actorId === admin.id), action).toBe(true);
    }

    // One invitation per account: a single-use link, never a password.
    const mails = await t.db.outboxEmail.findMany({ orderBy: { id: 'asc' } });
    expect(mails.map((m) => m.to)).toEqual(['nadia.roux@volcans-numeriques.example', 'paul.girard@volcans-numeriques.example', 'lea.martin@volcans-numeriques.example']);
    for (const m of mails) {
      expect(m.template).toBe('account-invitation');
      expect(m.text).toMatch(/http:\/\/stages\.test\/password\/reset\/[A-Za-z0-9_-]{20,}/);
      expect(m.text).not.toMatch(/mot de passe\s*:/i);
      expect(m.text).toContain('Volcans Numériques SARL');
    }
    expect(mails[0].text).toContain("vous êtes l'administrateur de son compte");
    expect(mails[1].text).toContain('Nadia Roux vous a déclaré(e) comme contact secondaire');
    expect(mails[1].text).toContain(fr('companies.mail.mayPublish'));
    expect(mails[2].text).toContain(fr('companies.mail.mayNotPublish'));

    // The session's registration is gone: screen 4 sends back to screen 1.
    const after = await v.a.get('/register/company/terms');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/register/company');

    // The administrator follows the link, chooses a password and signs in on the company dashboard.
    const b = request.agent(t.app);
    const link = await b.get(resetPathOf(mails[0].text));
    expect(link.status).toBe(303);
    const reset = await b.get('/password/reset');
    expect(reset.status).toBe(200);
    const chosen = await b.post('/password/reset').type('form').send({ password: 'volcans-2026!', confirm: 'volcans-2026!', _csrf: csrfFrom(reset.text) });
    expect(chosen.status).toBe(303);
    const login = await b.get('/login');
    const signedIn = await b.post('/login').type('form').send({ email: 'nadia.roux@volcans-numeriques.example', password: 'volcans-2026!', _csrf: csrfFrom(login.text) });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/dashboard/company');
    const dashboard = await b.get('/dashboard/company');
    expect(dashboard.status).toBe(200);
    expect(dashboard.text).toContain('Volcans Numériques SARL');
    expect(dashboard.text).toContain(`href="/company/${created.id}"`);
    const company = await b.get(`/company/${created.id}`);
    expect(company.status).toBe(200);
    expect(company.text).toContain('paul.girard@volcans-numeriques.example');
  });

  it('writes nothing when the visitor stops before screen 4 or abandons', async () => {
    const before = await counts(t);
    const v = await visitor(t.app);
    await v.post('/register/company', { siret: validSiret() });
    await v.post('/register/company/organisation', { ...organisationForm(), centreId: String(centre.id) });
    await v.post('/register/company/admin', adminForm());
    await v.post('/register/company/contacts', { ...contactForm(), action: 'next' });
    expect((await v.a.get('/register/company/terms')).status).toBe(200);
    expect(await counts(t)).toEqual(before);

    const cancelled = await v.post('/register/company/cancel');
    expect(cancelled.status).toBe(303);
    expect((await v.a.get('/register/company/terms')).headers.location).toBe('/register/company');
    expect((await v.a.get('/register/company/admin')).headers.location).toBe('/register/company');
    expect(await counts(t)).toEqual(before);
  });

  it('sends a visitor who skips a screen back to the first one missing', async () => {
    const v = await visitor(t.app);
    for (const path of ['/register/company/organisation', '/register/company/admin', '/register/company/contacts', '/register/company/terms']) {
      const res = await v.a.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.location, path).toBe('/register/company');
    }
    expect((await v.post('/register/company/terms', { acceptTerms: 'on' })).headers.location).toBe('/register/company');
    await v.post('/register/company', { siret: validSiret() });
    await v.post('/register/company/organisation', { ...organisationForm(), centreId: String(centre.id) });
    expect((await v.a.get('/register/company/terms')).headers.location).toBe('/register/company/admin');
    await v.post('/register/company/admin', adminForm());
    expect((await v.a.get('/register/company/terms')).headers.location).toBe('/register/company/contacts');
    // After the summary, "Modifier" then "Continuer" comes back to the summary.
    await v.post('/register/company/contacts', { action: 'next' });
    const again = await v.post('/register/company/admin', adminForm({ firstName: 'Nadège' }));
    expect(again.headers.location).toBe('/register/company/terms');
    expect((await v.a.get('/register/company/terms')).text).toContain('Nadège');
  });

  it('answers 422 with the values kept on each screen', async () => {
    const v = await visitor(t.app);
    const s1a = await v.post('/register/company', { siret: '123 456' });
    expect(s1a.status).toBe(422);
    expect(fieldError(s1a.text, 'siret')).toBe(html(fr('organisations.errors.siretFormat')));
    expect(s1a.text).toContain('value="123 456"');
    const checksum = await v.post('/register/company', { siret: '73282932000075' });
    expect(checksum.status).toBe(422);
    expect(fieldError(checksum.text, 'siret')).toBe(html(fr('organisations.errors.siretChecksum')));

    await v.post('/register/company/no-siret');
    const s1b = await v.post('/register/company/organisation', organisationForm({ legalName: '', nafCode: '62.02', country: 'BE', siret: '', postalCode: '1000', city: 'Bruxelles' }));
    expect(s1b.status).toBe(422);
    expect(fieldError(s1b.text, 'legalName')).toBe(html(fr('errors.field.required')));
    expect(fieldError(s1b.text, 'nafCode')).toBe(html(fr('organisations.errors.nafFormat')));
    expect(fieldError(s1b.text, 'centreId')).toBe(html(fr('errors.field.required')));
    expect(s1b.text).toContain('value="Bruxelles"');
    expect(s1b.text).toContain('class="error-summary"');
    const unknownCentre = await v.post('/register/company/organisation', { ...organisationForm({ country: 'BE', siret: '', postalCode: '1000' }), centreId: '999999' });
    expect(unknownCentre.status).toBe(422);
    expect(fieldError(unknownCentre.text, 'centreId')).toBe(html(fr('companies.errors.centreUnknown')));
    const ok = await v.post('/register/company/organisation', { ...organisationForm({ country: 'BE', siret: '', postalCode: '1000', city: 'Bruxelles' }), centreId: String(centre.id) });
    expect(ok.status).toBe(303);

    const s2 = await v.post('/register/company/admin', adminForm({ email: 'pas-une-adresse', phone: '' }));
    expect(s2.status).toBe(422);
    expect(fieldError(s2.text, 'email')).toBe(html(fr('errors.field.email')));
    expect(fieldError(s2.text, 'phone')).toBe(html(fr('errors.field.required')));
    expect(s2.text).toContain('value="Nadia"');
    expect(s2.text).toContain('value="pas-une-adresse"');
    expect((await v.post('/register/company/admin', adminForm())).status).toBe(303);

    const s3 = await v.post('/register/company/contacts', { ...contactForm({ lastName: '', canPublishOffers: '' }), action: 'add' });
    expect(s3.status).toBe(422);
    expect(fieldError(s3.text, 'lastName')).toBe(html(fr('errors.field.required')));
    expect(fieldError(s3.text, 'canPublishOffers')).toBe(html(fr('errors.field.choice')));
    expect(s3.text).toContain('value="paul.girard@volcans-numeriques.example"');
    // "Continuer" with a half-typed contact does not lose it: the errors are shown.
    const s3next = await v.post('/register/company/contacts', { ...contactForm({ email: '' }), action: 'next' });
    expect(s3next.status).toBe(422);
    expect(fieldError(s3next.text, 'email')).toBe(html(fr('errors.field.required')));
    expect((await v.post('/register/company/contacts', { action: 'next' })).status).toBe(303);

    const s4 = await v.post('/register/company/terms', { acceptTerms: '' });
    expect(s4.status).toBe(422);
    expect(s4.text).toContain('href="#f-acceptTerms"');
  });

  it('refuses an e-mail used twice in the registration, but never says that an address has an account', async () => {
    await makeUser(t.db, { email: 'deja.inscrit@example.org' });
    const v = await visitor(t.app);
    await v.post('/register/company', { siret: validSiret() });
    await v.post('/register/company/organisation', { ...organisationForm(), centreId: String(centre.id) });
    // An address that has an account goes through screen 2 like any other.
    const taken = await v.post('/register/company/admin', adminForm({ email: 'Deja.Inscrit@example.org' }));
    expect(taken.status).toBe(303);
    await v.post('/register/company/admin', adminForm());

    const twice = await v.post('/register/company/contacts', { ...contactForm({ email: 'nadia.roux@volcans-numeriques.example' }), action: 'add' });
    expect(twice.status).toBe(422);
    expect(fieldError(twice.text, 'email')).toBe(html(fr('companies.errors.emailTwice')));
    // …and screen 3 as well.
    const takenContact = await v.post('/register/company/contacts', { ...contactForm({ email: 'deja.inscrit@example.org' }), action: 'add' });
    expect(takenContact.status).toBe(303);
    await v.post('/register/company/contacts', { ...contactForm(), action: 'add' });
    const again = await v.post('/register/company/contacts', { ...contactForm({ firstName: 'Autre' }), action: 'add' });
    expect(fieldError(again.text, 'email')).toBe(html(fr('companies.errors.emailTwice')));

    // Removing a contact from the list.
    const removed = await v.post('/register/company/contacts/remove', { index: '1' });
    expect(removed.status).toBe(303);
    const list = await v.a.get('/register/company/contacts');
    expect(list.text).toContain('deja.inscrit@example.org');
    expect(list.text).not.toContain('paul.girard@volcans-numeriques.example');

    // Confirmed: the contact whose address has an account is left out and warned; the rest is registered.
    await v.post('/register/company/contacts', { action: 'next' });
    expect((await v.post('/register/company/terms', { acceptTerms: 'on' })).headers.location).toBe('/register/company/done');
    const done = await v.a.get('/register/company/done');
    expect(done.text).toContain('deja.inscrit@example.org');
    const org = await t.db.organisation.findFirstOrThrow({ where: { legalName: 'Volcans Numériques SARL' }, include: { members: { include: { user: true } } } });
    expect(org.members.map((m) => m.user.email)).toEqual(['nadia.roux@volcans-numeriques.example']);
    expect(await t.db.contact.count({ where: { organisationId: org.id, email: 'deja.inscrit@example.org' } })).toBe(0);
    expect((await outboxFor(t.db, 'deja.inscrit@example.org')).map((m) => m.template)).toEqual(['address-taken']);
    expect((await outboxFor(t.db, 'nadia.roux@volcans-numeriques.example')).map((m) => m.template)).toEqual(['account-invitation']);
  });

  it('answers an administrator’s address that already has an account with the normal confirmation, creates nothing and warns the owner', async () => {
    const register = async (adminEmail: string, siret: string) => {
      const v = await visitor(t.app);
      await v.post('/register/company', { siret });
      await v.post('/register/company/organisation', { ...organisationForm({ siret }), centreId: String(centre.id), confirmDuplicates: 'on' });
      expect((await v.post('/register/company/admin', adminForm({ email: adminEmail }))).status).toBe(303);
      await v.post('/register/company/contacts', { action: 'next' });
      const confirmed = await v.post('/register/company/terms', { acceptTerms: 'on' });
      return { confirmed, done: await v.a.get('/register/company/done'), terms: await v.a.get('/register/company/terms') };
    };
    const normal = await register('nouvelle@volcans-numeriques.example', validSiret(1));
    await makeUser(t.db, { email: 'nadia.roux@volcans-numeriques.example' });
    const before = await counts(t);
    const taken = await register('nadia.roux@volcans-numeriques.example', validSiret(2));

    expect(taken.confirmed.status).toBe(normal.confirmed.status);
    expect(taken.confirmed.headers.location).toBe(normal.confirmed.headers.location);
    const page = (r: request.Response) => r.text.replace(/nouvelle@volcans-numeriques\.example|nadia\.roux@volcans-numeriques\.example|name="_csrf" value="[^"]+"/g, '');
    expect(page(taken.done)).toBe(page(normal.done));
    // The draft is gone as after a registration.
    expect(taken.terms.headers.location).toBe('/register/company');
    // Nothing created; the warning mail and its audit row only.
    expect(await counts(t)).toEqual({ ...before, outbox: before.outbox + 1, audit: before.audit + 1 });
    expect(await t.db.organisation.count({ where: { siret: validSiret(2) } })).toBe(0);
    expect((await outboxFor(t.db, 'nadia.roux@volcans-numeriques.example')).map((m) => m.template)).toEqual(['address-taken']);
  });

  it('claims an organisation of the directory that has no administrator, changing nothing of it but its missing reference centre', async () => {
    const siret = validSiret();
    const existing = await makeOrganisation(t.db, { legalName: 'Laiterie des Dômes', siret, verified: true, verifiedAt: new Date() });
    // A contact card of the directory with the administrator's address: linked rather than duplicated.
    const card = await t.db.contact.create({ data: { organisationId: existing.id, firstName: 'N.', lastName: 'Roux', email: 'NADIA.ROUX@volcans-numeriques.example' } });
    const before = await counts(t);

    const v = await visitor(t.app);
    const looked = await v.post('/register/company', { siret });
    expect(looked.headers.location).toBe('/register/company/organisation');
    const claim = await v.a.get('/register/company/organisation');
    expect(claim.status).toBe(200);
    expect(claim.text).toContain('Laiterie des Dômes');
    expect(claim.text).toContain(html(fr('companies.register.claim.notice')));
    expect(claim.text).not.toContain('name="legalName"');
    const noCentre = await v.post('/register/company/organisation', {});
    expect(noCentre.status).toBe(422);
    expect((await v.post('/register/company/organisation', { centreId: String(centre.id) })).headers.location).toBe('/register/company/admin');
    await v.post('/register/company/admin', adminForm());
    await v.post('/register/company/contacts', { action: 'next' });
    const terms = await v.a.get('/register/company/terms');
    expect(terms.text).toContain(html(fr('companies.register.terms.modeClaim')));
    expect((await v.post('/register/company/terms', { acceptTerms: 'on' })).status).toBe(303);

    const after = await counts(t);
    expect(after.organisations).toBe(before.organisations);
    expect(after.contacts).toBe(before.contacts);
    const claimed = await t.db.organisation.findUniqueOrThrow({ where: { id: existing.id } });
    // Its verification stays: a claim grants and changes nothing until the centre confirms it.
    expect(claimed).toMatchObject({ verified: true, centreId: centre.id, termsVersion: TERMS_VERSION });
    const admin = await t.db.user.findUniqueOrThrow({ where: { email: 'nadia.roux@volcans-numeriques.example' } });
    // A claim grants nothing until the centre confirms it (tests/integration/claims.test.ts).
    expect(await t.db.companyMembership.findFirst({ where: { organisationId: existing.id, userId: admin.id } })).toMatchObject({ role: 'ADMIN', canPublishOffers: true, status: 'PENDING' });
    expect(await t.db.contact.findUniqueOrThrow({ where: { id: card.id } })).toMatchObject({ userId: admin.id, firstName: 'Nadia', function: 'Directrice des ressources humaines' });
    const claimRows = await auditRows(t.db, 'organisation.claim');
    expect(claimRows).toHaveLength(1);
    expect(claimRows[0]).toMatchObject({ actorId: admin.id, entityId: String(existing.id) });
    expect((claimRows[0].before as { verified: boolean }).verified).toBe(true);
    expect(await auditRows(t.db, 'contact.link')).toHaveLength(1);
    expect(await outboxFor(t.db, 'nadia.roux@volcans-numeriques.example')).toHaveLength(1);
  });

  it('refuses an organisation that already has an administrator, without telling who', async () => {
    const siret = validSiret();
    const org = await makeOrganisation(t.db, { siret });
    const boss = await makeUser(t.db, { email: 'patronne@laiterie.example', firstName: 'Hortense', lastName: 'Secrète' });
    await t.db.companyMembership.create({ data: { userId: boss.id, organisationId: org.id, role: 'ADMIN', canPublishOffers: true } });
    const v = await visitor(t.app);
    const res = await v.post('/register/company', { siret });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'siret')).toBe(html(fr('companies.errors.alreadyAdministered')));
    expect(res.text).not.toContain('patronne@laiterie.example');
    expect(res.text).not.toContain('Secrète');
    expect((await v.a.get('/register/company/organisation')).headers.location).toBe('/register/company');
  });

  it('refuses a claim when an administrator appeared meanwhile, and writes nothing', async () => {
    const siret = validSiret();
    const org = await makeOrganisation(t.db, { siret });
    const v = await visitor(t.app);
    await v.post('/register/company', { siret });
    await v.post('/register/company/organisation', { centreId: String(centre.id) });
    await v.post('/register/company/admin', adminForm());
    await v.post('/register/company/contacts', { ...contactForm(), action: 'next' });
    const boss = await makeUser(t.db);
    await t.db.companyMembership.create({ data: { userId: boss.id, organisationId: org.id, role: 'ADMIN' } });
    const before = await counts(t);
    const res = await v.post('/register/company/terms', { acceptTerms: 'on' });
    // The summary cannot be shown any more: back to screen 1 with the reason.
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/register/company');
    expect(await counts(t)).toEqual(before);
    expect((await t.db.organisation.findUniqueOrThrow({ where: { id: org.id } })).verified).toBe(true);
  });

  it('sends a SIRET already in the directory back to the search, and warns about possible duplicates', async () => {
    const siret = validSiret();
    await makeOrganisation(t.db, { siret, legalName: 'Autre Nom' });
    await makeOrganisation(t.db, { legalName: 'Volcans  numériques sarl', postalCode: '63000', siret: validSiret() });
    const v = await visitor(t.app);
    await v.post('/register/company', { siret: validSiret() });
    const sameSiret = await v.post('/register/company/organisation', { ...organisationForm({ siret }), centreId: String(centre.id), confirmDuplicates: 'on' });
    expect(sameSiret.status).toBe(422);
    expect(fieldError(sameSiret.text, 'siret')).toBe(html(fr('companies.errors.siretExists')));

    const dup = await v.post('/register/company/organisation', { ...organisationForm(), centreId: String(centre.id) });
    expect(dup.status).toBe(422);
    expect(dup.text).toContain(html(fr('companies.register.organisation.duplicatesTitle')));
    expect(dup.text).toContain('Volcans  numériques sarl');
    expect(dup.text).toContain('<caption>');
    expect(fieldError(dup.text, 'confirmDuplicates')).toBe(html(fr('companies.errors.confirmDuplicates')));
    const confirmed = await v.post('/register/company/organisation', { ...organisationForm(), centreId: String(centre.id), confirmDuplicates: 'on' });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe('/register/company/admin');
  });

  it('needs the CSRF token on every screen', async () => {
    const v = await visitor(t.app);
    const res = await v.a.post('/register/company').type('form').send({ siret: validSiret() });
    expect(res.status).toBe(403);
    const res2 = await v.a.post('/register/company/terms').type('form').send({ acceptTerms: 'on' });
    expect(res2.status).toBe(403);
  });
});
