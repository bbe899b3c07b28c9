import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/time/clock.js';
import { seedLegalParameters } from '../factories/legal-db.js';
import { makeOfferWorld } from '../factories/offers.js';
import { agent, useApp } from '../helpers/app.js';

// The public stipend simulator (issue 11): GET /tools/stipend, HTML for a browser, JSON for a
// client that asks for it, on the parameters of the database (seeded as the migration seeds them).
const clock = new FixedClock('2026-01-15T10:00:00Z');

/** The example: Monday 2 February to Friday 31 July 2026, 7 h Monday to Friday, France, signed on 15 January 2026. */
const EXAMPLE = 'start=2026-02-02&end=2026-07-31&mon=7&tue=7&wed=7&thu=7&fri=7&sat=0&sun=0&country=FR&signedOn=2026-01-15';

describe('the public stipend simulator', () => {
  const t = useApp({}, { clock });
  const json = (query: string) => request(t.app).get(`/tools/stipend?${query}`).set('Accept', 'application/json');
  const html = (query: string) => request(t.app).get(`/tools/stipend?${query}`);

  it("answers the issue's example in JSON, field for field, without sign-in", async () => {
    await seedLegalParameters(t.db);
    const res = await json(EXAMPLE);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.vary).toMatch(/\bAccept\b/);
    // Hand count: 124 weekdays from 2 Feb to 31 Jul 2026, less 6 French public holidays on weekdays
    // (Easter Monday 6 Apr, 1 May, 8 May, Ascension 14 May, Whit Monday 25 May, 14 Jul) = 124 days
    // of 7 h = 868 h; 868 / 7 = 124 days = 5 × 22 + 14. Over 308 h: due, at €4.50 (in force 2026).
    expect(res.body).toEqual({
      presenceHours: 868,
      days: 124,
      months: 5,
      remainingDays: 14,
      stipend: {
        due: true,
        reason: 'over_threshold',
        hoursWithHost: 868,
        thresholdHours: 308,
        hourlyMinimum: 4.5,
        currency: 'EUR',
        monthly: [
          { month: '2026-02', hours: 140, minimum: 630 },
          { month: '2026-03', hours: 154, minimum: 693 },
          { month: '2026-04', hours: 147, minimum: 661.5 },
          { month: '2026-05', hours: 119, minimum: 535.5 },
          { month: '2026-06', hours: 154, minimum: 693 },
          { month: '2026-07', hours: 154, minimum: 693 },
        ],
        total: 3906,
      },
      checks: [{ code: 'leave_required', severity: 'warning', hours: 868, threshold: 308, message: expect.stringContaining('868 heures de présence') }],
    });
    // Numbers as JSON numbers, amounts with two decimals at most.
    expect(res.text).toContain('"total":3906');
    for (const m of res.body.stipend.monthly) expect(Number.isInteger(Math.round(m.minimum * 100 * 1e6) / 1e6)).toBe(true);
  });

  it('shows the same result as a page: the duration, why the stipend is due, the months and their total, the checks', async () => {
    await seedLegalParameters(t.db);
    const res = await html(EXAMPLE);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers.vary).toMatch(/\bAccept\b/);
    expect(res.text).toContain('<dd data-result="duration">5 mois et 14 jours (868 heures)</dd>');
    expect(res.text).toContain('Une gratification est due.');
    expect(res.text).toMatch(/868 heures de présence chez cet organisme cette année d&#39;enseignement, soit plus de 308 heures : la gratification est due dès le premier jour, au minimum 4,50\s€ par heure de présence \(taux en vigueur le 15 janvier 2026\)/);
    expect(res.text).toMatch(/<tr data-month="2026-02">\s*<th scope="row">février 2026<\/th>\s*<td class="number">140<\/td>\s*<td class="number">630,00\s€<\/td>/);
    expect(res.text).toMatch(/<td class="number" data-result="table-total">3\s906,00\s€<\/td>/);
    expect(res.text).toMatch(/data-check="leave_required">\s*<span class="status status-warning">À signaler<\/span>\s*868 heures de présence, plus de 308 heures : la convention doit prévoir les congés/);
    // The form keeps what was asked, for a second try.
    expect(res.text).toContain('name="start" value="2026-02-02"');
    expect(res.text).toContain('name="signedOn" value="2026-01-15"');
    // Nobody is signed in and no session is opened for it.
    expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).some((c) => c.startsWith('stages.sid='))).toBe(false);
  });

  it('speaks English when asked: durations, months and amounts in its words and formats', async () => {
    await seedLegalParameters(t.db);
    const a = request.agent(t.app);
    const page = await a.get('/tools/stipend');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await a.post('/lang').type('form').send({ lang: 'en', back: '/tools/stipend', _csrf: csrf });
    const res = await a.get(`/tools/stipend?${EXAMPLE}`);
    expect(res.text).toContain('<dd data-result="duration">5 months and 14 days (868 hours)</dd>');
    expect(res.text).toContain('A stipend is due.');
    expect(res.text).toMatch(/<th scope="row">February 2026<\/th>\s*<td class="number">140<\/td>\s*<td class="number">€630.00<\/td>/);
    expect(res.text).toContain('€3,906.00');
    expect(res.text).not.toMatch(/>\s*legal\.[a-z]/);
    const body = (await a.get(`/tools/stipend?${EXAMPLE}`).set('Accept', 'application/json')).body;
    expect(body.checks[0].message).toBe('868 hours of presence, over 308 hours: the agreement must state leave and authorised absences.');
  });

  it('offers the empty form first: 7 h Monday to Friday, France, signed today (Paris), no earlier hours, a few interruption rows', async () => {
    await seedLegalParameters(t.db);
    // 23:30 UTC on 31 December is already 1 January in Paris.
    clock.set('2025-12-31T23:30:00Z');
    try {
      const res = await html('');
      expect(res.status).toBe(200);
      for (const d of ['mon', 'tue', 'wed', 'thu', 'fri']) expect(res.text).toContain(`name="${d}" value="7"`);
      for (const d of ['sat', 'sun']) expect(res.text).toContain(`name="${d}" value="0"`);
      expect(res.text).toContain('name="signedOn" value="2026-01-01"');
      expect(res.text).toContain('name="previousHours" value="0"');
      expect(res.text).toMatch(/<select id="f-country" name="country"[^>]*>\s*<option value="FR" selected>France<\/option>/);
      expect(res.text).toMatch(/<select id="f-holidays" name="holidays"[^>]*>\s*<option value="FR" selected>France<\/option>/);
      expect(res.text.match(/name="pauseFrom"/g)).toHaveLength(3);
      expect(res.text).not.toContain('data-result=');
      expect(res.text).not.toContain('error-summary');
      // A GET form: it works without JavaScript (the script only adds and removes rows).
      expect(res.text).toContain('<form method="get" action="/tools/stipend"');
      expect(res.text).toContain('<a class="skip-link" href="#main">');
      expect((await request(t.app).get('/static/js/stipend.js')).status).toBe(200);
      // Without the week, country, signature date and earlier hours: the same defaults.
      const res2 = await json('start=2026-02-02&end=2026-07-31');
      expect(res2.body.stipend.hourlyMinimum).toBe(4.5);
      expect(res2.body.presenceHours).toBe(868);
      // One minute before midnight in Paris it is still 2025: the 2024–2025 rate.
      clock.set('2025-12-31T22:59:00Z');
      expect((await json('start=2026-02-02&end=2026-07-31')).body.stipend.hourlyMinimum).toBe(4.35);
    } finally {
      clock.set('2026-01-15T10:00:00Z');
    }
  });

  it("counts the public holidays of the internship's country under the host's rules", async () => {
    await seedLegalParameters(t.db);
    // A French company, the internship in Germany: French rules, German national holidays. Germany
    // has Good Friday (3 Apr) but not 8 May nor 14 July: 5 weekday holidays instead of 6, so one
    // day more than in France: 875 h. April 22 weekdays − 2 = 20 (140 h); May 21 − 3 = 18 (126 h);
    // July 23 − 0 = 23 (161 h); February, March and June as in France.
    const res = await json(`${EXAMPLE}&holidays=DE`);
    expect(res.status).toBe(200);
    expect(res.body.presenceHours).toBe(875);
    expect(res.body.stipend.monthly.map((m: { hours: number }) => m.hours)).toEqual([140, 154, 140, 126, 154, 161]);
    expect(res.body.stipend.monthly.map((m: { minimum: number }) => m.minimum)).toEqual([630, 693, 630, 567, 693, 724.5]);
    expect(res.body.stipend.total).toBe(3937.5);
    expect(res.body.stipend.hourlyMinimum).toBe(4.5);
    // A German company: its country has no rules in the table, so no statutory stipend is given.
    const german = await json(EXAMPLE.replace('country=FR', 'country=DE'));
    expect(german.body.presenceHours).toBe(875);
    expect(german.body.stipend).toMatchObject({ due: false, reason: 'no_rules', hourlyMinimum: null, currency: null, total: 0 });
    expect(german.body.checks).toEqual([expect.objectContaining({ code: 'no_rules', severity: 'warning', country: 'DE' })]);
    const page = await html(EXAMPLE.replace('country=FR', 'country=DE'));
    expect(page.text).toContain('Aucune règle n&#39;est enregistrée pour ce pays (Allemagne)');
  });

  it('gives Belgium no statutory stipend: hourlyMinimum null, due false, and says why', async () => {
    await seedLegalParameters(t.db);
    const res = await json(EXAMPLE.replace('country=FR', 'country=BE'));
    expect(res.status).toBe(200);
    expect(res.body.stipend).toMatchObject({ due: false, reason: 'not_compulsory', hourlyMinimum: null, currency: null, thresholdHours: null, total: 0 });
    expect(res.body.stipend.monthly.every((m: { minimum: number }) => m.minimum === 0)).toBe(true);
    // Belgian holidays (holidays defaults to the host's country): Easter Monday, 1 May, Ascension,
    // Whit Monday, 21 July: 5 weekdays (France has 6), 125 days of 7 h.
    expect(res.body.presenceHours).toBe(875);
    expect(res.body.checks).toEqual([]);
    const page = await html(EXAMPLE.replace('country=FR', 'country=BE'));
    expect(page.text).toContain('Aucune gratification n&#39;est obligatoire.');
    expect(page.text).toContain('Les règles de ce pays (Belgique) ne rendent pas la gratification obligatoire');
    // No amount column without a statutory minimum.
    expect(page.text).not.toContain('data-result="table-total"');
  });

  it('takes the earlier hours with the host and the interruptions into account', async () => {
    await seedLegalParameters(t.db);
    // Two weeks in March 2026 (2–13, no holiday): 70 h, under 308 h: not due…
    const short = await json('start=2026-03-02&end=2026-03-13');
    expect(short.body).toMatchObject({ presenceHours: 70, stipend: { due: false, reason: 'under_threshold', hoursWithHost: 70 } });
    // …unless 239 h were already spent with the host this year: 309 h, from the first hour.
    const over = await json('start=2026-03-02&end=2026-03-13&previousHours=239');
    expect(over.body.stipend).toMatchObject({ due: true, hoursWithHost: 309, total: 315 });
    // A week's interruption (given as `pause`) takes 35 h off.
    const paused = await json('start=2026-03-02&end=2026-03-13&pause=2026-03-09/2026-03-13');
    expect(paused.body.presenceHours).toBe(35);
    // The page's own rows say the same.
    const rows = await json('start=2026-03-02&end=2026-03-13&pauseFrom=2026-03-09&pauseTo=2026-03-13&pauseFrom=&pauseTo=');
    expect(rows.body.presenceHours).toBe(35);
    // And the 924 h cap with the host counts them too.
    const capped = await json(`${EXAMPLE}&previousHours=100`);
    expect(capped.body.checks).toContainEqual(expect.objectContaining({ code: 'host_year_cap', severity: 'blocking', hours: 968, max: 924 }));
    // A 4-day week of 10 h, then 11 h on Monday: over the daily maximum, named by its day.
    const long = await json('start=2026-03-02&end=2026-03-13&mon=11&tue=10&wed=10&thu=10&fri=0');
    expect(long.body.checks).toContainEqual(expect.objectContaining({ code: 'daily_hours_cap', day: 'mon', hours: 11, max: 10 }));
    expect(long.body.checks).toContainEqual(expect.objectContaining({ code: 'weekly_hours_warning', hours: 41, threshold: 35 }));
    const page = await html('start=2026-03-02&end=2026-03-13&mon=11&tue=10&wed=10&thu=10&fri=0');
    expect(page.text).toContain('Lundi : 11 heures de présence, au-delà du maximum de 10 heures par jour.');
  });

  /** Each bad input, its field and a word of its message. */
  const BAD: [string, string, RegExp][] = [
    ['start=2026-02-30&end=2026-07-31', 'start', /date valide/],
    ['start=2026-02-02&end=2026-13-01', 'end', /date valide/],
    ['start=2026-07-31&end=2026-02-02', 'end', /premier jour ou une date postérieure/],
    ['start=1999-12-31&end=2000-01-31', 'start', /entre 2000 et 2099/],
    ['start=2026-01-01&end=2031-01-02', 'end', /5 ans au plus/],
    ['start=2026-02-02&end=2026-07-31&mon=-1', 'mon', /entre 0 et 24/],
    ['start=2026-02-02&end=2026-07-31&tue=24.5', 'tue', /entre 0 et 24/],
    ['start=2026-02-02&end=2026-07-31&wed=sept', 'wed', /entre 0 et 24/],
    ['start=2026-02-02&end=2026-07-31&country=XX', 'country', /Choisissez un pays/],
    ['start=2026-02-02&end=2026-07-31&holidays=ZZ', 'holidays', /Choisissez un pays/],
    ['start=2026-02-02&end=2026-07-31&signedOn=2026-02-29', 'signedOn', /date valide/],
    ['start=2026-02-02&end=2026-07-31&previousHours=-5', 'previousHours', /entre 0 et 10/],
    ['start=2026-02-02&end=2026-07-31&previousHours=10001', 'previousHours', /entre 0 et 10/],
    ['start=2026-02-02&end=2026-07-31&pause=foo', 'pause', /AAAA-MM-JJ\/AAAA-MM-JJ/],
    ['start=2026-02-02&end=2026-07-31&pause=2026-03-10/2026-03-01', 'pause', /dernier jour de l'interruption/],
    ['start=2026-02-02&end=2026-07-31&pause=2026-01-10/2026-02-10', 'pause', /comprise entre le premier et le dernier jour/],
    [`start=2026-02-02&end=2026-07-31&${Array.from({ length: 21 }, (_, i) => `pause=2026-03-${String(i + 1).padStart(2, '0')}/2026-03-${String(i + 1).padStart(2, '0')}`).join('&')}`, 'pause', /20 interruptions au plus/],
    ['start=2026-02-02&start=2026-02-03&end=2026-07-31', 'start', /qu'une fois/],
    ['end=2026-07-31', 'start', /obligatoire/],
  ];

  it('refuses each bad input in JSON with 422 and the field errors', async () => {
    await seedLegalParameters(t.db);
    for (const [query, field, message] of BAD) {
      const res = await json(query);
      expect(res.status, query).toBe(422);
      expect(res.headers.vary).toMatch(/\bAccept\b/);
      expect(Object.keys(res.body), query).toEqual(['errors']);
      expect(res.body.errors[field], query).toMatch(message);
    }
    // A client that asks for JSON without any parameter is told what is missing.
    expect((await json('')).status).toBe(422);
    expect((await json('')).body.errors).toMatchObject({ start: expect.any(String), end: expect.any(String) });
  });

  it('shows the form again with 422: the message beside the field, the input kept, an error summary', async () => {
    await seedLegalParameters(t.db);
    for (const [query, field, message] of BAD) {
      const res = await html(query);
      expect(res.status, query).toBe(422);
      expect(res.text, query).toContain('class="error-summary"');
      // The page's field of a `pause` parameter is its row's (its first or last day).
      const id = field === 'pause' ? 'pause(?:From|To)\\.0' : field;
      const beside = new RegExp(`<p class="error-message" id="f-${id}-error"><span class="visually-hidden">Erreur : </span>([^<]*)</p>`).exec(res.text);
      expect(beside, `${query}: no message beside f-${id}`).not.toBeNull();
      expect(beside![1].replace(/&#39;/g, "'"), query).toMatch(message);
      expect(res.text, query).toMatch(new RegExp(`id="f-${id}" [^>]*aria-invalid="true"`));
      expect(res.text, query).not.toContain('data-result=');
    }
    // What was typed stays in the form, the wrong value included.
    const res = await html('start=2026-02-02&end=2026-07-31&wed=sept&pause=2026-03-10/2026-03-01&country=BE&previousHours=12');
    expect(res.text).toContain('name="wed" value="sept"');
    expect(res.text).toContain('name="pauseFrom" value="2026-03-10"');
    expect(res.text).toContain('name="pauseTo" value="2026-03-01"');
    expect(res.text).toContain('<option value="BE" selected>Belgique</option>');
    expect(res.text).toContain('name="previousHours" value="12"');
    expect(res.text).toMatch(/<a href="#f-wed">Mercredi : Saisissez un nombre d&#39;heures/);
  });

  it('never answers 500, whatever the query string holds', async () => {
    await seedLegalParameters(t.db);
    const garbage = [
      'start=2026-02-30',
      'pause=foo',
      'pause=&pause=/&pause=2026-03-01/2026-03-02/2026-03-03',
      'start[]=2026-02-02&end[a]=b',
      'start=2026-02-02&start=2026-02-02&end=2026-07-31&end=x',
      'mon=1e3&tue=NaN&wed=Infinity&thu=0x10&fri=7,5&start=2026-02-02&end=2026-07-31',
      'country=__proto__&holidays=constructor&start=2026-02-02&end=2026-07-31',
      'country=fr&holidays=de&start=2026-02-02&end=2026-07-31',
      'signedOn=2100-01-01&start=2026-02-02&end=2026-07-31',
      `start=${'9'.repeat(5000)}&end=%00%01`,
      'pauseFrom=2026-03-01&pauseTo=&pauseFrom=&pauseTo=2026-03-02',
      'previousHours=1%2C5&start=2026-02-02&end=2026-07-31',
      'start=2099-12-01&end=2099-12-31&signedOn=2099-12-31',
      'start=2026-02-02&end=2026-07-31&holidays=AQ',
    ];
    for (const q of garbage) {
      for (const accept of ['text/html', 'application/json']) {
        const res = await request(t.app).get(`/tools/stipend?${q}`).set('Accept', accept);
        expect([200, 422], `${accept} ${q} → ${res.status}`).toContain(res.status);
      }
    }
    // Lower-case countries are read, and a decimal comma in hours too.
    expect((await json('country=fr&holidays=de&start=2026-02-02&end=2026-07-31')).body.presenceHours).toBe(875);
    expect((await json('start=2026-03-02&end=2026-03-06&mon=7,5&tue=0&wed=0&thu=0&fri=0')).body.presenceHours).toBe(7.5);
  });

  it('is offered beside the pay of the offer form, in a new tab that keeps the form', async () => {
    await makeOfferWorld(t.db);
    const { a } = await agent(t.app, 'publisher@volcans.example');
    const form = await a.get('/offers/manage/new');
    expect(form.status).toBe(200);
    expect(form.text).toMatch(/id="f-payDetails"[\s\S]*?<p class="hint">Quelle gratification minimale pour ce stage \? <a href="\/tools\/stipend" target="_blank" rel="noopener">Calculez-la avec le simulateur de gratification \(s&#39;ouvre dans un nouvel onglet\)<\/a><\/p>/);
  });

  it('reads the rates from the database: without the table, no country has rules', async () => {
    // Nothing seeded: France falls back on nothing, and the page still answers.
    const res = await json(EXAMPLE);
    expect(res.status).toBe(200);
    expect(res.body.stipend).toMatchObject({ due: false, reason: 'no_rules', hourlyMinimum: null });
    expect((await html(EXAMPLE)).status).toBe(200);
  });
});
