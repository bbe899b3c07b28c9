import { beforeEach, describe, expect, it } from 'vitest';
import { makeApplicationWorld, makeOffer, type ApplicationWorld } from '../factories/applications.js';
import { mailsTo, minimalPdf } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

/**
 * An offer published with "don't show the company" names neither the company nor its contacts
 * anywhere a student sees it — offer page, application form, their applications, their e-mails —
 * until the company answers that student's application (an interview, an acceptance).
 */
describe('an offer that does not show its company', () => {
  const t = useApp();
  let w: ApplicationWorld;
  let hidden: { id: number };
  // Everything that would name the company to a student.
  const NAMES = ['ACME Lyon', 'Claire', 'Contactée', 'claire.contactee@acme-lyon.example', '04 11 22 33 44', 'Info-Dupont', 'info@acme-lyon.example'];
  beforeEach(async () => {
    w = await makeApplicationWorld(t.db);
    const applicationContact = await t.db.contact.create({
      data: { organisationId: w.acme.id, firstName: 'Claire', lastName: 'Contactée', email: 'claire.contactee@acme-lyon.example', phone: '04 11 22 33 44' },
    });
    const infoContact = await t.db.contact.create({ data: { organisationId: w.acme.id, firstName: 'Ivan', lastName: 'Info-Dupont', email: 'info@acme-lyon.example' } });
    hidden = await makeOffer(t.db, w.acme.id, {
      title: 'Stage discret',
      showCompany: false,
      missions: 'Des missions.',
      authorId: w.acmeContact.id,
      applicationContactId: applicationContact.id,
      infoContactId: infoContact.id,
    });
  });

  const student = (email: string) => agent(t.app, email);
  const apply = async (s: Awaited<ReturnType<typeof student>>) => {
    const res = await s.a
      .post(`/applications/new?offer=${hidden.id}`)
      .field('_csrf', s.csrf)
      .field('title', 'Ma candidature discrète')
      .field('message', 'Bonjour,')
      .attach('cv', minimalPdf(), 'cv.pdf')
      .attach('letter', minimalPdf(), 'lettre.pdf');
    expect(res.status).toBe(303);
    return Number(res.headers.location.split('/').pop());
  };
  const expectNoName = (what: string, text: string) => {
    for (const name of NAMES) expect(text, `${what} names "${name}"`).not.toContain(name);
  };
  const company = async (applicationId: number, status: string) => {
    const s = await agent(t.app, 'admin@acme.test');
    const res = await s.a.post(`/applications/${applicationId}/status`).type('form').send({ _csrf: s.csrf, status });
    expect(res.status).toBe(303);
  };

  it('is not named to the student until the company answers; a refusal does not name it either', async () => {
    // ACME's other offer, which shows the company, out of the lists.
    await t.db.offer.update({ where: { id: w.offer.id }, data: { status: 'DRAFT' } });
    const lea = await student('lea.dubois@etu.test');
    const list = await lea.a.get('/offers');
    expect(list.text).toContain('Stage discret');
    expectNoName('the list', list.text);
    const page = await lea.a.get(`/offers/${hidden.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Stage discret');
    expectNoName('the offer page', page.text);
    expect(page.text).toContain('Entreprise non communiquée');
    const form = await lea.a.get(`/applications/new?offer=${hidden.id}`);
    expect(form.status).toBe(200);
    expectNoName('the application form', form.text);

    const leaApp = await apply(lea);
    expectNoName('the receipt', (await mailsTo(t.db, w.lea.user.email)).map((m) => m.subject + m.text + m.html).join());
    expectNoName('the list of applications', (await lea.a.get('/applications')).text);
    expectNoName('the application', (await lea.a.get(`/applications/${leaApp}`)).text);

    // Hugo's application is refused: still not named, neither in the mail nor on the pages.
    const hugo = await student('hugo.bernard@etu.test');
    const hugoApp = await apply(hugo);
    await company(hugoApp, 'CANCELLED');
    const hugoMails = await mailsTo(t.db, w.hugo.user.email);
    expect(hugoMails.map((m) => m.template)).toEqual(['application-sent', 'application-status']);
    expectNoName('the refusal mail', hugoMails.map((m) => m.subject + m.text + m.html).join());
    expectNoName('the refused application', (await hugo.a.get(`/applications/${hugoApp}`)).text);
    expectNoName('the offer page after a refusal', (await hugo.a.get(`/offers/${hidden.id}`)).text);

    // The company answers Léa (an interview): from then on she sees who she deals with.
    await company(leaApp, 'INTERVIEW');
    const answer = (await mailsTo(t.db, w.lea.user.email)).at(-1)!;
    expect(answer.template).toBe('application-status');
    expect(answer.text).toContain('ACME Lyon');
    expect((await lea.a.get(`/applications/${leaApp}`)).text).toContain('ACME Lyon');
    expect((await lea.a.get('/applications')).text).toContain('ACME Lyon');
    const after = await lea.a.get(`/offers/${hidden.id}`);
    for (const name of ['ACME Lyon', 'claire.contactee@acme-lyon.example', '04 11 22 33 44']) expect(after.text).toContain(name);
    // Hugo still does not.
    expectNoName('the offer page to another student', (await hugo.a.get(`/offers/${hidden.id}`)).text);
  });

  it('names the company of an offer that shows it, and that of a spontaneous application', async () => {
    const lea = await student('lea.dubois@etu.test');
    const page = await lea.a.get(`/offers/${w.offer.id}`);
    expect(page.text).toContain('ACME Lyon');
    expect((await lea.a.get(`/applications/spontaneous/${w.acme.id}`)).text).toContain('ACME Lyon');
  });
});
