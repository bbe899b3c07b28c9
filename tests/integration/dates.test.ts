import { describe, expect, it } from 'vitest';
import { makeOffer, makeOfferWorld } from '../factories/offers.js';
import { fieldError, makeStudentWorld } from '../factories/students.js';
import { makeRoleAccounts } from '../factories/index.js';
import { FixedClock } from '../../src/time/clock.js';
import { agent, useApp } from '../helpers/app.js';

// Issue 8, item 11: "2027-02-30" was read as 2 March 2027. Every date field goes through the same
// field builders (src/http/validate.ts: f.day/f.date and their optional forms), which refuse it.
const IMPOSSIBLE = ['2027-02-30', '2027-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-06-00'];
const MESSAGE = 'Saisissez une date valide.';

describe('impossible dates are refused beside their field (422), in every form', () => {
  const clock = new FixedClock('2026-03-01T10:00:00Z');
  const t = useApp({}, { clock });

  it('the academic year (start and end)', async () => {
    const acc = await makeRoleAccounts(t.db);
    const s = await agent(t.app, acc.users.platformAdmin.email);
    const post = (startDate: string, endDate: string) =>
      s.a.post('/admin/academic-years/new').type('form').send({ _csrf: s.csrf, label: '2027-2028', startDate, endDate });
    for (const bad of IMPOSSIBLE) {
      const start = await post(bad, '2028-08-31');
      expect(start.status, bad).toBe(422);
      expect(fieldError(start.text, 'startDate'), bad).toBe(MESSAGE);
      const end = await post('2027-09-01', bad);
      expect(end.status, bad).toBe(422);
      expect(fieldError(end.text, 'endDate'), bad).toBe(MESSAGE);
    }
    expect(await t.db.academicYear.count()).toBe(0);
    expect((await post('2027-09-01', '2028-02-29')).status).toBe(303); // 2028 is a leap year
  });

  it("the request's availability", async () => {
    await makeStudentWorld(t.db);
    const s = await agent(t.app, 'lea.dubois@etu.test');
    const post = (availableFrom: string) => s.a.post('/requests/new').type('form').send({ _csrf: s.csrf, title: 'Stage développeur', availableFrom });
    for (const bad of IMPOSSIBLE) {
      const res = await post(bad);
      expect(res.status, bad).toBe(422);
      expect(fieldError(res.text, 'availableFrom'), bad).toBe(MESSAGE);
      expect(res.text).toContain(`value="${bad}"`); // kept as typed
    }
    expect(await t.db.internshipRequest.count()).toBe(0);
    expect((await post('')).status).toBe(303); // optional
    expect((await post('2027-02-28')).status).toBe(303);
  });

  it("the student's birth date", async () => {
    await makeStudentWorld(t.db);
    const s = await agent(t.app, 'lea.dubois@etu.test');
    const res = await s.a.post('/profile').type('form').send({ _csrf: s.csrf, country: 'FR', birthDate: '1994-02-30' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'birthDate')).toBe(MESSAGE);
  });

  it("the offer's diffusion period", async () => {
    const w = await makeOfferWorld(t.db);
    const offer = await makeOffer(t.db, w, { status: 'PENDING_SCHOOL', publishFrom: null, publishUntil: null });
    const s = await agent(t.app, 'a.write@test.example');
    const res = await s.a.post(`/offers/manage/${offer.id}/approve`).type('form').send({ _csrf: s.csrf, diffusionMonths: '3', publishFrom: '2027-02-30' });
    expect(res.status).toBe(422);
    expect(res.text).toContain(MESSAGE);
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe('PENDING_SCHOOL');
  });
});
