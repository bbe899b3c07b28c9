import { describe, expect, it } from 'vitest';
import { systemAct } from '../../src/act.js';
import { jobDefinitions, runJob } from '../../src/jobs/index.js';
import { CalendarDate, startOf } from '../../src/time/calendar.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeOffer, makeOfferWorld } from '../factories/offers.js';
import { agent, useApp } from '../helpers/app.js';

/**
 * The diffusion period in Paris days, on its boundaries. publishUntil is the exclusive end of the
 * period (publishFrom + N months): the offer is shown until that day begins in Paris, and the
 * daily job expires it once that day is today. The clock stands at 22:30 UTC on 1 July 2026,
 * which is already 2 July (00:30) in Paris.
 */
describe('offers: the diffusion period on its Paris-day boundaries', () => {
  const clock = new FixedClock('2026-07-01T22:30:00Z');
  const t = useApp({}, { clock });
  const day = (s: string) => CalendarDate.parse(s)!;
  const status = async (id: number) => (await t.db.offer.findUniqueOrThrow({ where: { id } })).status;

  it('expires an offer whose period ends today (Paris), not one ending tomorrow', async () => {
    clock.set('2026-07-01T22:30:00Z');
    const w = await makeOfferWorld(t.db);
    const endsToday = await makeOffer(t.db, w, { publishFrom: startOf(day('2026-06-02')), publishUntil: startOf(day('2026-07-02')) });
    const endsTomorrow = await makeOffer(t.db, w, { publishFrom: startOf(day('2026-06-03')), publishUntil: startOf(day('2026-07-03')) });
    // Stored at UTC midnight as the platform used to: still 2 July in Paris, so it ends today too.
    const utcMidnight = await makeOffer(t.db, w, { publishFrom: new Date('2026-06-02T00:00:00Z'), publishUntil: new Date('2026-07-02T00:00:00Z') });

    expect(await t.ctx.services.offers.expireDue(systemAct(clock))).toBe(2);
    expect(await status(endsToday.id)).toBe('EXPIRED');
    expect(await status(utcMidnight.id)).toBe('EXPIRED');
    expect(await status(endsTomorrow.id)).toBe('PUBLISHED');

    // The next day's run (00:05 Paris, 22:05 UTC) expires the other one, through the job.
    clock.set('2026-07-02T22:05:00Z');
    expect(await runJob(t.ctx, jobDefinitions().find((j) => j.name === 'expire-offers')!)).toBe(true);
    expect(await status(endsTomorrow.id)).toBe('EXPIRED');
  });

  it('shows students what the job has not expired yet, and nothing it would expire', async () => {
    clock.set('2026-07-01T22:30:00Z');
    const w = await makeOfferWorld(t.db);
    const endsToday = await makeOffer(t.db, w, { title: 'Finit aujourd’hui', publishFrom: startOf(day('2026-06-02')), publishUntil: startOf(day('2026-07-02')) });
    const startsToday = await makeOffer(t.db, w, { title: 'Commence aujourd’hui', publishFrom: startOf(day('2026-07-02')), publishUntil: startOf(day('2026-08-02')) });
    const startsTomorrow = await makeOffer(t.db, w, { title: 'Commence demain', publishFrom: startOf(day('2026-07-03')), publishUntil: startOf(day('2026-08-03')) });
    const lea = await agent(t.app, 'lea@etu.test');
    const list = (await lea.a.get('/offers')).text;
    expect(list).toContain(`/offers/${startsToday.id}"`);
    expect(list).not.toContain(`/offers/${endsToday.id}"`);
    expect(list).not.toContain(`/offers/${startsTomorrow.id}"`);
  });

  it('starts a period approved after midnight Paris time on the Paris day, for N calendar months', async () => {
    clock.set('2026-07-01T22:30:00Z');
    const w = await makeOfferWorld(t.db);
    const offer = await makeOffer(t.db, w, { status: 'PENDING_SCHOOL', publishFrom: null, publishUntil: null, diffusionMonths: null });
    const staff = await agent(t.app, 'a.write@test.example');
    const res = await staff.a.post(`/offers/manage/${offer.id}/approve`).type('form').send({ _csrf: staff.csrf, diffusionMonths: '1' });
    expect(res.status).toBe(303);
    const after = await t.db.offer.findUniqueOrThrow({ where: { id: offer.id } });
    // 2 July → 2 August (exclusive), each as the instant the Paris day begins (UTC+2 in summer).
    expect(after.publishFrom?.toISOString()).toBe('2026-07-01T22:00:00.000Z');
    expect(after.publishUntil?.toISOString()).toBe('2026-08-01T22:00:00.000Z');
    // The page shows the Paris days.
    expect((await staff.a.get(`/offers/manage/${offer.id}`)).text).toContain('du 2 juillet 2026 au 2 août 2026');
    // A first day chosen in the past is refused with a message (the 1st of July is yesterday in Paris); one in the future is kept.
    await t.db.offer.update({ where: { id: offer.id }, data: { status: 'EXPIRED' } });
    const admin = await agent(t.app, 'admin@volcans.example');
    const past = await admin.a.post(`/offers/manage/${offer.id}/renew`).type('form').send({ _csrf: admin.csrf, diffusionMonths: '2', publishFrom: '2026-07-01' });
    expect(past.status).toBe(422);
    expect(past.text).toContain('La date de début de diffusion ne peut pas être dans le passé');
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe('EXPIRED');
    expect((await admin.a.post(`/offers/manage/${offer.id}/renew`).type('form').send({ _csrf: admin.csrf, diffusionMonths: '2', publishFrom: '2026-09-15' })).status).toBe(303);
    const renewed = await t.db.offer.findUniqueOrThrow({ where: { id: offer.id } });
    expect(renewed.publishFrom?.toISOString()).toBe('2026-09-14T22:00:00.000Z');
    expect(renewed.publishUntil?.toISOString()).toBe('2026-11-14T23:00:00.000Z');
  });
});
