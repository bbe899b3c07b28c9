import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { formatters } from '../../src/i18n/format.js';
import { translate } from '../../src/i18n/index.js';
import { label } from '../../src/nomenclatures/index.js';
import { minimalPdf } from '../factories/students.js';
import { describeBrowser, expectAccessible, field, screenshot, useBrowserApp } from '../helpers/browser.js';

const fr = (key: string, params?: Record<string, string | number>) => translate('fr', key, params);
const pathOf = (page: Page) => new URL(page.url()).pathname;
const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Clicks the button named `name` and waits for a page whose path matches `next`. */
async function clickButton(page: Page, name: string, next: RegExp) {
  await Promise.all([page.waitForURL((u) => next.test(u.pathname)), page.getByRole('button', { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

/** Follows the link named `name` and waits for a page whose path matches `next`. */
async function clickLink(scope: Page | Locator, page: Page, name: string, next: RegExp) {
  await Promise.all([page.waitForURL((u) => next.test(u.pathname)), scope.getByRole('link', { name, exact: true }).click()]);
  await page.waitForLoadState('load');
}

/** The value of the details list (<dl class="details">) entry whose term is `term`. */
const detail = (page: Page, term: string) => page.locator('dl.details dt', { hasText: new RegExp(`^\\s*${escapeRe(term)}\\s*$`) }).locator('xpath=following-sibling::dd[1]');

/** A long walk through many pages on a shared two-core machine: waits of a minute rather than 30 s. */
function patient(page: Page): Page {
  page.setDefaultTimeout(60_000);
  page.setDefaultNavigationTimeout(60_000);
  return page;
}

const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: minimalPdf() });

// The whole life of one offer and one application, each step by the user who takes it, through the
// pages (labels and buttons), every page checked with axe. The steps share the offer and the
// application: they run in order (vitest runs a file's tests one after the other).
describeBrowser('end-to-end: an offer from its creation to a satisfied application', () => {
  const t = useBrowserApp();
  // Unique titles: the demo data holds offers and an application of its own, with similar titles.
  const TAG = Date.now().toString(36);
  const TITLE = `Stage développement web ${TAG}`;
  const APPLICATION_TITLE = `Ma candidature au stage ${TAG}`;
  const CENTRE = 'UFR Sciences et Technologies (Université de Démonstration)';
  let orgId = 0;
  let offerId = 0;
  let applicationId = 0;

  it('the company administrator adds a contact, fills the full offer form and sends it for moderation', async () => {
    const org = await t.db.organisation.findFirstOrThrow({ where: { legalName: 'Auvergne Logiciels SAS' } });
    orgId = org.id;
    const page = patient(await t.newPage({ as: 'entreprise@demo.test' }));

    // The demo organisation has no directory contact yet: the offer needs one to receive applications.
    await page.goto(t.url(`/organisations/${orgId}/contacts/new`));
    await field(page, fr('organisations.contacts.civility')).selectOption('MR');
    await field(page, fr('organisations.contacts.firstName')).fill('Karim');
    await field(page, fr('organisations.contacts.lastName')).fill('Benali');
    await field(page, fr('organisations.contacts.function')).fill('Responsable technique');
    await field(page, fr('organisations.contacts.email')).fill('tuteur@demo.test');
    await clickButton(page, fr('common.save'), new RegExp(`^/organisations/${orgId}/services$`));

    // The management page, then the full form (the only company is chosen already).
    await page.goto(t.url('/offers/manage'));
    expect((await h1(page).textContent())?.trim()).toBe(fr('offers.manage.title'));
    await expectAccessible(page, '/offers/manage');
    await clickLink(page, page, fr('offers.manage.new'), /^\/offers\/manage\/new$/);
    expect((await h1(page).textContent())?.trim()).toBe(fr('offers.form.newTitle'));
    expect(await page.getByText('Auvergne Logiciels SAS', { exact: true }).isVisible()).toBe(true);
    await expectAccessible(page, '/offers/manage/new');

    // Sent empty: 422, the error summary, focused, and still accessible.
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      page.getByRole('button', { name: fr('offers.form.create'), exact: true }).click(),
    ]);
    expect(answer.status()).toBe(422);
    await page.locator('.error-summary').waitFor();
    await page.waitForLoadState('load');
    expect(await page.locator('.error-summary:focus').count()).toBe(1);
    expect(await field(page, fr('offers.fields.title')).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, '/offers/manage/new (422)');

    // The whole form.
    await field(page, fr('offers.fields.moderatingCentre')).selectOption({ label: CENTRE });
    await field(page, fr('offers.fields.title')).fill(TITLE);
    await field(page, fr('offers.fields.reference')).fill('AL-2026-WEB');
    await field(page, fr('offers.fields.kind')).selectOption({ label: label('offerKind', 'INTERNSHIP') });
    await field(page, fr('offers.fields.domain')).fill('Développement web');
    await field(page, fr('offers.fields.missions')).fill('Développer de nouveaux écrans de notre logiciel de gestion.\nÉcrire les tests.');
    await field(page, fr('offers.fields.postalCode')).fill('63000');
    await field(page, fr('offers.fields.city')).fill('Clermont-Ferrand');
    expect(await field(page, fr('offers.fields.country')).inputValue()).toBe('FR');
    await page.getByRole('group', { name: fr('offers.fields.paid') }).getByLabel(fr('common.yes'), { exact: true }).check();
    await field(page, fr('offers.fields.payDetails')).fill('Gratification légale');
    await field(page, fr('offers.fields.startMonth')).selectOption({ label: fr('offers.month.4') });
    await field(page, fr('offers.fields.startYear')).fill(String(new Date().getFullYear() + 1));
    await field(page, fr('offers.fields.startPrecision')).fill('Début possible dès le 1er avril');
    await field(page, fr('offers.fields.durationMonths')).fill('4');
    await field(page, fr('offers.fields.travel')).check();
    await field(page, fr('offers.fields.workingTime')).selectOption({ label: label('workingTime', 'FULL_TIME') });
    await field(page, fr('offers.fields.benefits')).fill('Tickets restaurant');
    await field(page, fr('offers.fields.educationLevel')).selectOption({ label: label('educationLevel', 'BAC_3') });
    await field(page, fr('offers.fields.skills')).fill('TypeScript, SQL');
    expect(await field(page, fr('offers.fields.applyByEmail')).isChecked()).toBe(true);
    await field(page, fr('offers.fields.applicationContact')).selectOption({ label: 'Karim Benali — Responsable technique' });
    await field(page, fr('offers.fields.comments')).fill('Équipe de six développeurs.');
    await screenshot(page, 'offer-form');
    await clickButton(page, fr('offers.form.create'), /^\/offers\/manage\/\d+$/);

    offerId = Number(pathOf(page).split('/').pop());
    expect((await h1(page).textContent())?.trim()).toBe(fr('offers.show.title', { number: formatters('fr').offerNumber(offerId), title: TITLE }));
    expect((await detail(page, fr('offers.fields.status')).textContent())?.trim()).toBe(fr('offers.status.DRAFT'));
    await expectAccessible(page, '/offers/manage/:id (draft)');

    await clickButton(page, fr('offers.action.submit'), new RegExp(`^/offers/manage/${offerId}$`));
    expect((await detail(page, fr('offers.fields.status')).textContent())?.trim()).toBe(fr('offers.status.PENDING_SCHOOL'));
    await expectAccessible(page, '/offers/manage/:id (pending)');

    // The management list shows it, awaiting moderation.
    await page.goto(t.url('/offers/manage'));
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: TITLE, exact: true }) });
    expect(await row.getByText(fr('offers.status.PENDING_SCHOOL'), { exact: true }).isVisible()).toBe(true);
    await expectAccessible(page, '/offers/manage (with the new offer)');
  }, 240_000);

  it('the centre staff finds it in the moderation queue and approves it for 3 months', async () => {
    expect(offerId).toBeGreaterThan(0);
    const page = patient(await t.newPage({ as: 'gestionnaire@demo.test' }));
    await page.goto(t.url('/offers/moderation'));
    expect((await h1(page).textContent())?.trim()).toBe(fr('offers.moderation.title'));
    await expectAccessible(page, '/offers/moderation');

    await clickLink(page.getByRole('table', { name: fr('offers.moderation.caption') }), page, TITLE, new RegExp(`^/offers/manage/${offerId}$`));
    await expectAccessible(page, '/offers/manage/:id (moderator)');
    const approve = page.getByRole('group', { name: fr('offers.action.approve') });
    await approve.getByLabel(new RegExp(`^\\s*${escapeRe(fr('offers.fields.diffusionMonths'))}`)).selectOption({ label: fr('offers.period.months', { n: 3 }) });
    await Promise.all([
      page.waitForURL((u) => u.pathname === `/offers/manage/${offerId}`),
      approve.getByRole('button', { name: fr('offers.action.approve'), exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    expect((await detail(page, fr('offers.fields.status')).textContent())?.trim()).toBe(fr('offers.status.PUBLISHED'));
    expect(await page.getByText(fr('offers.flash.approve')).isVisible()).toBe(true);
    await expectAccessible(page, '/offers/manage/:id (published)');

    const offer = await t.db.offer.findUniqueOrThrow({ where: { id: offerId } });
    expect(offer.status).toBe('PUBLISHED');
    const months = (offer.publishUntil!.getUTCFullYear() - offer.publishFrom!.getUTCFullYear()) * 12 + offer.publishUntil!.getUTCMonth() - offer.publishFrom!.getUTCMonth();
    expect(months).toBe(3);

    // The queue is empty again.
    await page.goto(t.url('/offers/moderation'));
    expect(await page.getByRole('link', { name: TITLE, exact: true }).count()).toBe(0);

    // The staff search finds it among the diffused offers (simple search, then an advanced criterion).
    await page.goto(t.url('/offers/search'));
    await expectAccessible(page, '/offers/search');
    expect(await page.getByRole('checkbox', { name: fr('offers.filters.diffused'), exact: true }).isChecked()).toBe(true);
    await field(page, fr('offers.filters.title')).fill(TITLE.slice(0, 12).toUpperCase());
    await page.getByText(fr('offers.search.advanced'), { exact: true }).first().click();
    await field(page, fr('offers.fields.educationLevel')).selectOption('BAC_3');
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/offers/search' && u.searchParams.get('educationLevel') === 'BAC_3'),
      page.getByRole('button', { name: fr('common.search'), exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    expect(await page.getByRole('link', { name: TITLE, exact: true }).count()).toBe(1);
    await expectAccessible(page, '/offers/search?… (advanced)');
  }, 180_000);

  it('the student finds the offer by its title, opens it and applies with a CV and a letter', async () => {
    expect(offerId).toBeGreaterThan(0);
    const page = patient(await t.newPage({ as: 'etudiant@demo.test' }));
    await page.goto(t.url('/offers'));
    expect((await h1(page).textContent())?.trim()).toBe(fr('offers.browse.title'));
    await expectAccessible(page, '/offers');

    await field(page, fr('offers.filters.q')).fill(TITLE);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/offers' && u.searchParams.get('q') === TITLE),
      page.getByRole('button', { name: fr('common.search'), exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    const results = page.getByRole('table', { name: fr('offers.browse.caption', { total: 1 }) });
    expect(await results.getByRole('row').count()).toBe(2); // the header and the offer
    await expectAccessible(page, '/offers?q=…');

    await clickLink(results, page, TITLE, new RegExp(`^/offers/${offerId}$`));
    expect((await h1(page).textContent())?.trim()).toBe(TITLE);
    expect((await detail(page, fr('offers.fields.organisation')).textContent())?.trim()).toBe('Auvergne Logiciels SAS');
    expect((await detail(page, fr('offers.fields.kind')).textContent())?.trim()).toBe(label('offerKind', 'INTERNSHIP'));
    expect((await detail(page, fr('offers.fields.durationMonths')).textContent())?.trim()).toBe('4');
    await expectAccessible(page, '/offers/:id');

    const apply = page.getByRole('link', { name: fr('offers.show.apply'), exact: true });
    expect(await apply.getAttribute('href')).toBe(`/applications/new?offer=${offerId}`);
    await Promise.all([page.waitForURL((u) => u.pathname === '/applications/new' && u.searchParams.get('offer') === String(offerId)), apply.click()]);
    await page.waitForLoadState('load');
    expect((await h1(page).textContent())?.trim()).toBe(fr('applications.apply.title'));
    expect(await page.getByText(fr('applications.apply.toOffer', { offer: TITLE, organisation: 'Auvergne Logiciels SAS' })).isVisible()).toBe(true);
    await expectAccessible(page, '/applications/new?offer=…');

    await field(page, fr('applications.fields.title')).fill(APPLICATION_TITLE);
    await field(page, fr('applications.fields.message')).fill('Madame, Monsieur,\n\nVotre offre correspond à ma formation.\n\nLéa Dubois');
    const useProfileCv = page.getByLabel(/^Utiliser le CV de mon profil/);
    if (await useProfileCv.count()) await useProfileCv.uncheck();
    await field(page, fr('applications.fields.cv')).setInputFiles(pdf('cv-lea-dubois.pdf'));
    await field(page, fr('applications.fields.letter')).setInputFiles(pdf('lettre-lea-dubois.pdf'));
    await clickButton(page, fr('applications.apply.submit'), /^\/applications\/\d+$/);

    applicationId = Number(pathOf(page).split('/').pop());
    expect((await h1(page).textContent())?.trim()).toBe(APPLICATION_TITLE);
    expect(await page.getByText(fr('applications.apply.sent')).isVisible()).toBe(true);
    expect((await detail(page, fr('applications.fields.status')).textContent())?.trim()).toBe(fr('applications.status.SENT'));
    expect(await page.getByRole('link', { name: fr('applications.show.download', { name: 'cv-lea-dubois.pdf' }) }).count()).toBe(1);
    expect(await page.getByRole('link', { name: fr('applications.show.download', { name: 'lettre-lea-dubois.pdf' }) }).count()).toBe(1);
    await expectAccessible(page, '/applications/:id (student, sent)');
  }, 180_000);

  it('the company opens the application, marks it "Lue", then "Satisfaite"', async () => {
    expect(applicationId).toBeGreaterThan(0);
    const page = patient(await t.newPage({ as: 'entreprise@demo.test' }));
    await page.goto(t.url('/applications/company'));
    expect((await h1(page).textContent())?.trim()).toBe(fr('applications.company.title'));
    const row = page.getByRole('row').filter({ hasText: TITLE });
    expect(await row.count()).toBe(1);
    expect(await row.getByText(fr('applications.status.SENT'), { exact: true }).isVisible()).toBe(true);
    await expectAccessible(page, '/applications/company');

    await clickLink(row, page, 'Dubois Léa', new RegExp(`^/applications/${applicationId}$`));
    expect((await h1(page).textContent())?.trim()).toBe(APPLICATION_TITLE);
    // Opening it changes nothing; "Marquer comme lue" does.
    expect((await detail(page, fr('applications.fields.status')).textContent())?.trim()).toBe(fr('applications.status.SENT'));
    expect((await detail(page, fr('applications.fields.student')).textContent())).toContain('etudiant@demo.test');
    await expectAccessible(page, '/applications/:id (company, sent)');
    await clickButton(page, fr('applications.action.read'), new RegExp(`^/applications/${applicationId}$`));
    expect((await detail(page, fr('applications.fields.status')).textContent())?.trim()).toBe(fr('applications.status.READ'));
    await expectAccessible(page, '/applications/:id (company, read)');

    await field(page, fr('applications.status-form.label')).selectOption({ label: fr('applications.status.ACCEPTED') });
    await field(page, fr('applications.fields.comment')).fill('Stage confirmé, convention à suivre.');
    await clickButton(page, fr('applications.status-form.submit'), new RegExp(`^/applications/${applicationId}$`));
    expect(await page.getByText(fr('applications.status-changed', { status: fr('applications.status.ACCEPTED') })).isVisible()).toBe(true);
    expect((await detail(page, fr('applications.fields.status')).textContent())?.trim()).toBe(fr('applications.status.ACCEPTED'));
    await expectAccessible(page, '/applications/:id (company, accepted)');
  }, 180_000);

  it('the student sees "Satisfaite" in their applications; the database holds the history and the mails', async () => {
    expect(applicationId).toBeGreaterThan(0);
    const page = patient(await t.newPage({ as: 'etudiant@demo.test' }));
    await page.goto(t.url('/applications'));
    expect((await h1(page).textContent())?.trim()).toBe(fr('applications.own.title'));
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: APPLICATION_TITLE, exact: true }) });
    expect(await row.getByRole('cell', { name: TITLE, exact: true }).count()).toBe(1);
    expect(await row.getByRole('cell', { name: fr('applications.status.ACCEPTED'), exact: true }).count()).toBe(1);
    await expectAccessible(page, '/applications');

    await clickLink(row, page, APPLICATION_TITLE, new RegExp(`^/applications/${applicationId}$`));
    expect((await detail(page, fr('applications.fields.status')).textContent())?.trim()).toBe(fr('applications.status.ACCEPTED'));
    await expectAccessible(page, '/applications/:id (student, accepted)');

    const student = await t.db.user.findUniqueOrThrow({ where: { email: 'etudiant@demo.test' }, include: { studentProfile: true } });
    const company = await t.db.user.findUniqueOrThrow({ where: { email: 'entreprise@demo.test' } });
    const application = await t.db.application.findUniqueOrThrow({
      where: { id: applicationId },
      include: { events: { orderBy: { id: 'asc' } }, cvFile: true, letterFile: true },
    });
    expect(application).toMatchObject({ offerId, organisationId: orgId, studentId: student.studentProfile!.id, title: APPLICATION_TITLE, status: 'ACCEPTED' });
    expect(application.readAt).not.toBeNull();
    expect(application.cvFile?.originalName).toBe('cv-lea-dubois.pdf');
    expect(application.letterFile?.originalName).toBe('lettre-lea-dubois.pdf');
    expect(application.events.map((e) => [e.fromStatus, e.toStatus, e.actorId])).toEqual([
      [null, 'SENT', student.id],
      ['SENT', 'READ', company.id],
      ['READ', 'ACCEPTED', company.id],
    ]);
    expect(application.events[2].comment).toBe('Stage confirmé, convention à suivre.');

    const statusMails = await t.db.outboxEmail.findMany({
      where: { to: 'etudiant@demo.test', template: 'application-status', text: { contains: APPLICATION_TITLE } },
      orderBy: { id: 'asc' },
    });
    expect(statusMails).toHaveLength(2);
    expect(statusMails[0].text).toContain(fr('applications.status.READ'));
    expect(statusMails[1].text).toContain(fr('applications.status.ACCEPTED'));
    expect(await t.db.outboxEmail.count({ where: { to: 'entreprise@demo.test', template: 'application-received', text: { contains: TITLE } } })).toBe(1);
    expect(await t.db.outboxEmail.count({ where: { to: 'entreprise@demo.test', template: 'offer-published', text: { contains: TITLE } } })).toBe(1);
  }, 180_000);
});
