import pg from 'pg';
import request from 'supertest';
import { describe, expect, inject, it } from 'vitest';
import { loadActor } from '../../src/authz/actor.js';
import { migrate } from '../../src/db/migrate.js';
import { loadParameters } from '../../src/modules/legal/parameters.service.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeRoleAccounts, makeUser } from '../factories/index.js';
import { day, SEEDED_PARAMETERS } from '../factories/legal.js';
import { seedLegalParameters } from '../factories/legal-db.js';
import { agent, useApp } from '../helpers/app.js';

// The platform administrator's dated parameter table (issue 11): every figure of the legal rules
// is a row, a new rate is one more row, a correction keeps the wrong row (superseded) beside the
// right one, and the simulator (so every computation) reads what is in force at the signature date.
const clock = new FixedClock('2026-06-10T10:00:00Z');
const ADMIN = 'legal.admin@test.example';

describe('the legal parameter table', () => {
  const t = useApp({}, { clock });

  async function admin() {
    await seedLegalParameters(t.db);
    await makeUser(t.db, { email: ADMIN, isPlatformAdmin: true, firstName: 'Alix', lastName: 'Admin' });
    return agent(t.app, ADMIN);
  }
  /** The simulator's hourly minimum for a French internship signed on `signedOn`. */
  async function rateSignedOn(signedOn: string): Promise<number | null> {
    const res = await request(t.app).get(`/tools/stipend?start=2027-02-01&end=2027-07-30&signedOn=${signedOn}`).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    return res.body.stipend.hourlyMinimum;
  }
  const rowsOf = (key: string, country = 'FR') => t.db.legalParameter.findMany({ where: { country, key }, orderBy: { id: 'asc' } });

  it('is seeded by its migration with exactly the figures of the issue', async () => {
    // A database migrated from nothing (the tests' own tables are emptied before each test).
    const serverUrl = inject('serverUrl');
    const name = `stages_test_legal_seed_w${process.env.VITEST_POOL_ID ?? 0}_${process.pid}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    try {
      await migrate(u.toString());
      const c = new pg.Client({ connectionString: u.toString() });
      await c.connect();
      const { rows } = await c.query(`SELECT country, key, value::text AS value, currency, to_char("validFrom", 'YYYY-MM-DD') AS "validFrom", "createdById", "supersededAt" FROM "LegalParameter" ORDER BY id`);
      await c.end();
      expect(rows.map((r) => ({ country: r.country, key: r.key, value: Number(r.value), currency: r.currency, validFrom: r.validFrom }))).toEqual(
        SEEDED_PARAMETERS.map((r) => ({ country: r.country, key: r.key, value: r.value, currency: r.currency ?? null, validFrom: r.validFrom.toString() })),
      );
      expect(rows.every((r) => r.createdById === null && r.supersededAt === null)).toBe(true);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('is the platform administrator’s only: others are refused, anonymous visitors sent to sign in', async () => {
    await seedLegalParameters(t.db);
    const accounts = await makeRoleAccounts(t.db);
    const anonymous = await request(t.app).get('/admin/legal-parameters');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
    for (const role of ['student', 'companyAdmin', 'centreAdmin', 'yearManager'] as const) {
      const { a, csrf } = await agent(t.app, accounts.users[role].email);
      expect((await a.get('/admin/legal-parameters')).status, role).toBe(403);
      expect((await a.get('/admin/legal-parameters/new')).status, role).toBe(403);
      const post = await a.post('/admin/legal-parameters/new').type('form').send({ _csrf: csrf, country: 'FR', key: 'stipend.hourly_minimum', value: '9', currency: 'EUR', validFrom: '2026-01-01' });
      expect(post.status, role).toBe(403);
    }
    expect(await t.db.legalParameter.count()).toBe(SEEDED_PARAMETERS.length);
  });

  it('lists the figures by country with their state today and what each key means', async () => {
    const { a } = await admin();
    const res = await a.get('/admin/legal-parameters');
    expect(res.status).toBe(200);
    // The defaults first, then the countries by code.
    const order = [...res.text.matchAll(/<h2 id="country-([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['*', 'BE', 'FR', 'MA', 'TN']);
    expect(res.text).toContain('Valeurs par défaut (tous pays)');
    expect(res.text).toContain('France (FR)');
    // On 10 June 2026: 4.50 € is in force, 4.35 € and 4.05 € were replaced by later values.
    const rate = (value: string) => new RegExp(`<td>${value}\\s€</td>\\s*<td>[^<]+</td>\\s*<td>\\s*<span class="status status-(\\w+)"`).exec(res.text)?.[1];
    expect(rate('4,50')).toBe('success');
    expect(rate('4,35')).toBe('neutral');
    expect(rate('4,05')).toBe('neutral');
    // Each earlier value says until when it held: the day before the next one.
    expect(res.text).toMatch(/<td>4,05\s€<\/td>[\s\S]*?Valeur antérieure<\/span>\s*<br><span class="muted">jusqu&#39;au 31\/12\/2023<\/span>/);
    expect(res.text).toMatch(/<td>4,35\s€<\/td>[\s\S]*?Valeur antérieure<\/span>\s*<br><span class="muted">jusqu&#39;au 31\/12\/2025<\/span>/);
    expect(res.text).toContain('Gratification minimale par heure');
    expect(res.text).toContain('<td>308 h</td>');
    expect(res.text).toContain('href="/admin/legal-parameters/new?country=FR"');
  });

  it('applies a new rate to agreements signed from its date, not the day before', async () => {
    const { a, csrf } = await admin();
    expect(await rateSignedOn('2027-01-01')).toBe(4.5);
    const form = await a.get('/admin/legal-parameters/new?country=FR&key=stipend.hourly_minimum');
    expect(form.status).toBe(200);
    expect(form.text).toContain('<option value="FR" selected>');
    expect(form.text).toContain('<option value="stipend.hourly_minimum" selected>');
    const res = await a.post('/admin/legal-parameters/new').type('form').send({ _csrf: csrf, country: 'FR', key: 'stipend.hourly_minimum', value: '4,62', currency: 'eur', validFrom: '2027-01-01' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/legal-parameters#country-FR');

    expect(await rateSignedOn('2027-01-01')).toBe(4.62);
    expect(await rateSignedOn('2027-03-15')).toBe(4.62);
    expect(await rateSignedOn('2026-12-31')).toBe(4.5);
    // The earlier rows are untouched: one row more.
    const rows = await rowsOf('stipend.hourly_minimum');
    expect(rows.map((r) => [r.value.toNumber(), r.currency, r.validFrom.toISOString().slice(0, 10), r.supersededAt])).toEqual([
      [4.05, 'EUR', '2023-01-01', null],
      [4.35, 'EUR', '2024-01-01', null],
      [4.5, 'EUR', '2026-01-01', null],
      [4.62, 'EUR', '2027-01-01', null],
    ]);
    const created = rows[3];
    expect(created.createdById).not.toBeNull();
    // The list says it is to come, and who entered it.
    const list = await a.get('/admin/legal-parameters');
    expect(list.text).toMatch(/<td>4,62\s€<\/td>\s*<td>01\/01\/2027<\/td>\s*<td>\s*<span class="status status-info"[^>]*>À venir<\/span>/);
    expect(list.text).toContain('Alix Admin');
    // One audit row, in the change's transaction.
    const logs = await t.db.auditLog.findMany({ where: { entityType: 'LegalParameter' } });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ action: 'legalParameter.create', entityId: String(created.id), actorId: created.createdById });
    expect(logs[0].after).toEqual({ country: 'FR', key: 'stipend.hourly_minimum', value: 4.62, currency: 'EUR', validFrom: '2027-01-01' });
  });

  it('lets the administrator give Morocco a stipend: compulsory, a threshold and a rate in dirhams', async () => {
    const { a, csrf } = await admin();
    const post = (body: Record<string, string>) => a.post('/admin/legal-parameters/new').type('form').send({ _csrf: csrf, currency: '', ...body });
    const morocco = async () => (await request(t.app).get('/tools/stipend?start=2027-02-01&end=2027-07-30&country=MA&signedOn=2027-01-15').set('Accept', 'application/json')).body.stipend;
    expect(await morocco()).toMatchObject({ due: false, reason: 'not_compulsory', hourlyMinimum: null });
    // A correction of the seeded 0: compulsory from 2000 on. A new threshold and a rate from 2027.
    const seeded = (await rowsOf('stipend.compulsory', 'MA'))[0];
    expect((await a.post(`/admin/legal-parameters/${seeded.id}/correct`).type('form').send({ _csrf: csrf, value: '1', currency: '', validFrom: '2000-01-01' })).status).toBe(303);
    expect((await post({ country: 'MA', key: 'stipend.threshold_hours', value: '308', validFrom: '2027-01-01' })).status).toBe(303);
    expect((await post({ country: 'MA', key: 'stipend.hourly_minimum', value: '15.5', currency: 'MAD', validFrom: '2027-01-01' })).status).toBe(303);
    expect(await morocco()).toMatchObject({ due: true, reason: 'over_threshold', hourlyMinimum: 15.5, currency: 'MAD' });
  });

  it('corrects a row by keeping it, superseded, beside the right one, in one audited change', async () => {
    clock.set('2026-06-10T10:00:00Z');
    const { a, csrf } = await admin();
    const wrong = (await rowsOf('stipend.hourly_minimum'))[2];
    const form = await a.get(`/admin/legal-parameters/${wrong.id}/correct`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('name="value" value="4.5"');
    expect(form.text).toContain('name="validFrom" value="2026-01-01"');
    expect(form.text).not.toContain('name="country"');

    // Ten minutes later (the session stays open).
    clock.set('2026-06-10T10:10:00Z');
    const res = await a.post(`/admin/legal-parameters/${wrong.id}/correct`).type('form').send({ _csrf: csrf, value: '4.52', currency: 'EUR', validFrom: '2026-01-01' });
    expect(res.status).toBe(303);
    const rows = await rowsOf('stipend.hourly_minimum');
    expect(rows).toHaveLength(4);
    const [old, right] = [rows.find((r) => r.id === wrong.id)!, rows[3]];
    expect(old.value.toNumber()).toBe(4.5);
    expect(old.supersededAt?.toISOString()).toBe('2026-06-10T10:10:00.000Z');
    expect(right).toMatchObject({ correctionOfId: wrong.id, supersededAt: null, currency: 'EUR' });
    expect(right.value.toNumber()).toBe(4.52);
    // The engine reads the right one only.
    expect(await rateSignedOn('2026-06-01')).toBe(4.52);
    expect((await loadParameters(t.db)).filter((r) => r.key === 'stipend.hourly_minimum').map((r) => r.value)).toEqual([4.05, 4.35, 4.52]);
    // The history shows both, the old one marked corrected.
    const list = await a.get('/admin/legal-parameters');
    expect(list.text).toMatch(/<td>4,50\s€<\/td>\s*<td>01\/01\/2026<\/td>\s*<td>\s*<span class="status status-warning"[^>]*>Corrigée<\/span>\s*<br><span class="muted">Corrigée le 10\/06\/2026<\/span>/);
    expect(list.text).toMatch(/<td>4,52\s€<\/td>\s*<td>01\/01\/2026<\/td>\s*<td>\s*<span class="status status-success"/);
    expect(list.text).toContain('Correction d&#39;une ligne précédente');
    // A superseded row has no correction link any more, and a second correction of it is refused.
    expect(list.text).not.toContain(`href="/admin/legal-parameters/${wrong.id}/correct"`);
    const again = await a.post(`/admin/legal-parameters/${wrong.id}/correct`).type('form').send({ _csrf: csrf, value: '4.60', currency: 'EUR', validFrom: '2026-01-01' });
    expect(again.status).toBe(422);
    expect(again.text).toContain('Cette valeur a déjà été corrigée entre-temps');
    expect(await rowsOf('stipend.hourly_minimum')).toHaveLength(4);
    const log = await t.db.auditLog.findFirstOrThrow({ where: { action: 'legalParameter.correct' } });
    expect(log).toMatchObject({ entityType: 'LegalParameter', entityId: String(right.id) });
    expect(log.before).toMatchObject({ id: wrong.id, value: 4.5, validFrom: '2026-01-01' });
    expect(log.after).toMatchObject({ value: 4.52, validFrom: '2026-01-01' });
  });

  it('refuses a bad figure beside its field with 422, what was typed kept', async () => {
    const { a, csrf } = await admin();
    const post = (body: Record<string, string>) => a.post('/admin/legal-parameters/new').type('form').send({ _csrf: csrf, country: 'FR', key: 'stipend.hourly_minimum', value: '4.70', currency: 'EUR', validFrom: '2028-01-01', ...body });
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ value: '-1' }, 'value', /nombre positif ou nul/],
      [{ value: 'quatre' }, 'value', /nombre positif ou nul/],
      [{ value: '4.555' }, 'value', /deux décimales au plus/],
      [{ currency: '' }, 'currency', /Un montant a une devise/],
      [{ currency: 'EUO' }, 'currency', /code de devise ISO/],
      [{ key: 'stipend.compulsory', value: '2', currency: '' }, 'value', /1 \(oui\) ou 0 \(non\)/],
      [{ key: 'duration.min_weeks', value: '4.5', currency: '' }, 'value', /nombre entier/],
      [{ key: 'stipend.threshold_hours', value: '308', currency: 'EUR' }, 'currency', /pas un montant/],
      [{ key: 'stipend.unknown' }, 'key', /Choisissez une valeur/],
      [{ country: 'XX' }, 'country', /Choisissez un pays/],
      [{ validFrom: '2027-02-30' }, 'validFrom', /date valide/],
      [{ validFrom: '1999-12-31' }, 'validFrom', /entre 2000 et 2099/],
      // A figure already stated for that country, key and day: to be corrected, not doubled.
      [{ value: '4.60', validFrom: '2026-01-01' }, 'validFrom', /Une valeur existe déjà/],
    ];
    for (const [body, field, message] of cases) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      const beside = new RegExp(`id="f-${field}-error"><span class="visually-hidden">Erreur : </span>([^<]*)</p>`).exec(res.text);
      expect(beside?.[1].replace(/&#39;/g, "'"), JSON.stringify(body)).toMatch(message);
      expect(res.text).toContain('class="error-summary"');
    }
    const kept = await post({ value: '4,555', currency: 'eur' });
    expect(kept.text).toContain('name="value" value="4,555"');
    expect(kept.text).toContain('name="currency" value="eur"');
    expect(kept.text).toContain('name="validFrom" value="2028-01-01"');
    expect(kept.text).toContain('<option value="stipend.hourly_minimum" selected>');
    // Nothing was written, nothing audited; '*' is a country the form accepts.
    expect(await t.db.legalParameter.count()).toBe(SEEDED_PARAMETERS.length);
    expect(await t.db.auditLog.count({ where: { entityType: 'LegalParameter' } })).toBe(0);
    expect((await post({ country: '*', key: 'schedule.max_daily_hours', value: '12', currency: '' })).status).toBe(303);
  });

  it('takes one of identical additions made at once', async () => {
    const { a, csrf } = await admin();
    const body = { _csrf: csrf, country: 'FR', key: 'stipend.hourly_minimum', value: '4.70', currency: 'EUR', validFrom: '2028-01-01' };
    const answers = await Promise.all([1, 2, 3].map(() => a.post('/admin/legal-parameters/new').type('form').send(body)));
    expect(answers.map((r) => r.status).sort()).toEqual([303, 422, 422]);
    // The service itself, from several connections at once: the duplicate check and the write are one step.
    const actor = await loadActor(t.db, (await t.db.user.findUniqueOrThrow({ where: { email: ADMIN } })).id);
    const input = { country: 'FR', key: 'stipend.hourly_minimum' as const, value: 4.8, currency: 'EUR', validFrom: day('2029-01-01') };
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => t.ctx.services.legalParameters.add({ actor: actor!, requestId: null, now: clock.now() }, input)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rows = await rowsOf('stipend.hourly_minimum');
    expect(rows.filter((r) => r.validFrom.toISOString().startsWith('2028'))).toHaveLength(1);
    expect(rows.filter((r) => r.validFrom.toISOString().startsWith('2029'))).toHaveLength(1);
  });

  it('refuses a change without its security token', async () => {
    const { a, csrf } = await admin();
    const body = { country: 'FR', key: 'stipend.hourly_minimum', value: '4.70', currency: 'EUR', validFrom: '2028-01-01' };
    expect((await a.post('/admin/legal-parameters/new').type('form').send(body)).status).toBe(403);
    expect((await a.post('/admin/legal-parameters/new').type('form').send({ ...body, _csrf: 'forged' })).status).toBe(403);
    const row = (await rowsOf('stipend.hourly_minimum'))[0];
    expect((await a.post(`/admin/legal-parameters/${row.id}/correct`).type('form').send({ value: '1', currency: 'EUR', validFrom: '2023-01-01' })).status).toBe(403);
    expect(await t.db.legalParameter.count()).toBe(SEEDED_PARAMETERS.length);
    expect(await t.db.legalParameter.count({ where: { supersededAt: { not: null } } })).toBe(0);
    // With it, the same change passes.
    expect((await a.post('/admin/legal-parameters/new').type('form').send({ ...body, _csrf: csrf })).status).toBe(303);
    // A row that does not exist: 404.
    expect((await a.get('/admin/legal-parameters/999999/correct')).status).toBe(404);
  });

  it('is linked from the admin dashboard and the settings menu', async () => {
    const { a } = await admin();
    const dash = await a.get('/dashboard/admin');
    expect(dash.text).toContain('<a href="/admin/legal-parameters">Paramètres légaux</a>');
    const page = await a.get('/admin/legal-parameters');
    expect(page.text).toMatch(/<a href="\/admin\/legal-parameters" aria-current="page">Paramètres légaux<\/a>/);
  });
});
