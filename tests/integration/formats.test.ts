import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/time/clock.js';
import { outboxFor } from '../factories/companies.js';
import { makeOffer, makeOfferWorld } from '../factories/offers.js';
import { agent, useApp } from '../helpers/app.js';

// Issue 10, "One format for each thing": a date is "1 mars 2027" in a sentence or a record's
// details and "01/03/2027" in a table cell (English: "1 March 2027", "01/03/2027"), in pages and
// e-mails alike; an offer's number is "n° 4" ("no. 4") in titles, lists and e-mails. The non-breaking
// space keeps "n°" with its number.
const NBSP = '\u00a0';

describe('one format for dates and offer numbers, in pages and e-mails', () => {
  const clock = new FixedClock('2026-03-01T10:00:00Z');
  const t = useApp({}, { clock });
  const lang = async (s: Awaited<ReturnType<typeof agent>>, l: 'fr' | 'en') => {
    expect((await s.a.post('/lang').type('form').send({ lang: l, _csrf: s.csrf })).status).toBe(303);
  };

  it("the staff offer page (sentence and details) and its history and the list (table cells), in French and English", async () => {
    const w = await makeOfferWorld(t.db);
    // A period stored as the instants its Paris days begin (2 July and 2 August 2026, UTC+2).
    const offer = await makeOffer(t.db, w, {
      publishFrom: new Date('2026-07-01T22:00:00Z'),
      publishUntil: new Date('2026-08-01T22:00:00Z'),
      createdAt: new Date('2026-02-27T16:05:00Z'),
    });
    await t.db.auditLog.create({ data: { action: 'offer.approve', entityType: 'Offer', entityId: String(offer.id), createdAt: new Date('2026-02-28T08:30:00Z') } });
    const s = await agent(t.app, 'a.write@test.example');

    const page = (await s.a.get(`/offers/manage/${offer.id}`)).text;
    expect(page).toContain(`<h1>Offre n°${NBSP}${offer.id} — Stage développement</h1>`);
    expect(page).toContain('du 2 juillet 2026 au 2 août 2026'); // sentence: the Paris days
    expect(page).toContain('le 27 février 2026 à 17:05 par'); // sentence: an instant, Paris time
    expect(page).toContain(`<dd>n°${NBSP}${offer.id}</dd>`);
    expect(page).toContain('<td>28/02/2026 09:30</td>'); // history table
    expect(page).not.toMatch(/\d{4}-\d{2}-\d{2}(?!T)|\d{2}:\d{2}:\d{2}/); // no ISO day, no seconds
    const list = (await s.a.get('/offers/manage')).text;
    expect(list).toContain(`<td>n°${NBSP}${offer.id}</td>`);
    expect(list).toContain('<td>02/08/2026</td>');
    expect(list).not.toContain('>00'); // never the zero-padded number

    await lang(s, 'en');
    const en = (await s.a.get(`/offers/manage/${offer.id}`)).text;
    expect(en).toContain(`<h1>Offer no.${NBSP}${offer.id} — Stage développement</h1>`);
    expect(en).toContain('from 2 July 2026 to 2 August 2026');
    expect(en).toContain('on 27 February 2026 at 17:05 by');
    expect(en).toContain('<td>28/02/2026, 09:30</td>');
    expect((await s.a.get('/offers/manage')).text).toContain('<td>02/08/2026</td>');
  });

  it("the student's offer page (sentence) and the offers list (table), and the company's applications with the offer's number", async () => {
    const w = await makeOfferWorld(t.db);
    const offer = await makeOffer(t.db, w, { publishFrom: new Date('2026-02-27T23:00:00Z'), publishUntil: new Date('2027-02-28T23:00:00Z') });
    const lea = await agent(t.app, 'lea@etu.test');
    expect((await lea.a.get(`/offers/${offer.id}`)).text).toContain('Offre diffusée jusqu&#39;au 1 mars 2027.');
    expect((await lea.a.get('/offers')).text).toContain('<td>01/03/2027</td>');
    await lang(lea, 'en');
    expect((await lea.a.get(`/offers/${offer.id}`)).text).toContain('Offer published until 1 March 2027.');
    expect((await lea.a.get('/offers')).text).toContain('<td>01/03/2027</td>');

    await t.db.application.create({ data: { studentId: w.lea.profile.id, offerId: offer.id, organisationId: w.company.organisation.id, title: 'Ma candidature', message: 'Bonjour', createdAt: new Date('2026-02-28T23:30:00Z') } });
    const company = await agent(t.app, 'admin@volcans.example');
    const apps = (await company.a.get('/applications/company')).text;
    expect(apps).toContain(`n°${NBSP}${offer.id} — Stage développement`);
    expect(apps).toContain('<td>01/03/2026</td>'); // 23:30 UTC on 28 February is 1 March in Paris
    // Never the zero-padded number (the CSRF tokens, random hex, left out: one may hold "00004").
    expect(apps.replace(/name="_csrf" value="[0-9a-f]*"/g, '')).not.toMatch(/0000\d/);
  });

  it('an e-mail: the number and the date in the subject and the text, in the recipient\'s language', async () => {
    const w = await makeOfferWorld(t.db);
    const offer = await makeOffer(t.db, w, { status: 'PENDING_SCHOOL', publishFrom: null, publishUntil: null, authorId: w.company.contacts[0].user.id });
    const staff = await agent(t.app, 'a.write@test.example');
    const approve = await staff.a.post(`/offers/manage/${offer.id}/approve`).type('form').send({ _csrf: staff.csrf, diffusionMonths: '3', publishFrom: '2026-04-01' });
    expect(approve.status).toBe(303);
    const [fr] = (await outboxFor(t.db, 'publisher@volcans.example')).filter((m) => m.template === 'offer-published');
    expect(fr.subject).toBe(`Votre offre n°${NBSP}${offer.id} est publiée`);
    expect(fr.text).toContain(`Votre offre n°${NBSP}${offer.id} « Stage développement » (Volcans Numériques) est validée et diffusée jusqu'au 1 juillet 2026.`);
    expect(fr.html).toContain(`n°${NBSP}${offer.id}`);

    // The same mail to an English-speaking author.
    await t.db.user.update({ where: { id: w.company.contacts[0].user.id }, data: { locale: 'en' } });
    const other = await makeOffer(t.db, w, { status: 'PENDING_SCHOOL', publishFrom: null, publishUntil: null, authorId: w.company.contacts[0].user.id });
    expect((await staff.a.post(`/offers/manage/${other.id}/approve`).type('form').send({ _csrf: staff.csrf, diffusionMonths: '1', publishFrom: '2026-03-15' })).status).toBe(303);
    const en = (await outboxFor(t.db, 'publisher@volcans.example')).filter((m) => m.template === 'offer-published')[1];
    expect(en.subject).toBe(`Your offer no.${NBSP}${other.id} is published`);
    expect(en.text).toContain(`is approved and published until 15 April 2026.`);
    expect(en.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });
});
