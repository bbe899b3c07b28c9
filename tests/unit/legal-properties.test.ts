// Properties of the legal engine that hold for any internship (issue 11), checked with fast-check on
// random spans from 2023 to 2027, schedules of 0 to 12 h a day in hundredths, overlapping
// interruptions that may stick out of the span, and several countries' rules and holidays.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeInternship } from '../../src/legal/engine.js';
import { WEEKDAYS, type EngineInput } from '../../src/legal/types.js';
import { isPublicHoliday } from '../../src/time/calendar.js';
import { day, SEEDED_PARAMETERS } from '../factories/legal.js';

const NUM_RUNS = 150;
const BASE = day('2023-01-01');
const cents = (x: number) => Math.round(x * 100); // hours and amounts come back with 2 decimals at most

const dayArb = (from: number, to: number) => fc.integer({ min: from, max: to }).map((n) => BASE.addDays(n));
const hoursArb = fc.oneof(fc.constantFrom(0, 7, 7.5, 5.6, 8.75, 3.5), fc.integer({ min: 0, max: 1200 }).map((n) => n / 100));
const scheduleArb = fc.record(Object.fromEntries(WEEKDAYS.map((w) => [w, hoursArb])) as Record<(typeof WEEKDAYS)[number], typeof hoursArb>);
const rangeArb = fc.record({ from: dayArb(0, 1700), length: fc.integer({ min: 0, max: 40 }) }).map(({ from, length }) => ({ from, to: from.addDays(length) }));

// The parameters are added when computing, so that a counterexample prints only the internship.
type Case = Omit<EngineInput, 'parameters'>;
const run = (input: Case) => computeInternship({ ...input, parameters: SEEDED_PARAMETERS });

const inputArb: fc.Arbitrary<Case> = fc
  .record({
    start: dayArb(0, 1500),
    length: fc.integer({ min: 0, max: 200 }),
    schedule: scheduleArb,
    interruptions: fc.array(rangeArb, { maxLength: 4 }),
    rulesCountry: fc.constantFrom('FR', 'FR', 'BE', 'TN', 'MA', 'XX'),
    holidaysCountry: fc.constantFrom('FR', 'DE', 'BE', 'TN'),
    signedOn: dayArb(0, 1800),
    previousHours: fc.integer({ min: 0, max: 100_000 }).map((n) => n / 100),
  })
  .map(({ start, length, ...rest }) => ({ start, end: start.addDays(length), ...rest }));

/** Interruptions placed over the internship itself (random ones mostly miss it). */
const withPausesInside = fc.tuple(inputArb, fc.array(fc.record({ at: fc.nat(200), length: fc.nat(30) }), { minLength: 1, maxLength: 4 })).map(([input, pauses]) => ({
  ...input,
  interruptions: [...input.interruptions, ...pauses.map(({ at, length }) => ({ from: input.start.addDays(at - 5), to: input.start.addDays(at - 5 + length) }))],
}));

const check = <T>(arb: fc.Arbitrary<T>, predicate: (value: T) => void) => fc.assert(fc.property(arb, predicate), { numRuns: NUM_RUNS });

describe('legal engine properties', () => {
  it('never gives negative hours, days, months or amounts', () => {
    check(inputArb, (input) => {
      const r = run(input);
      expect(r.presenceHours).toBeGreaterThanOrEqual(0);
      expect(Math.min(r.days, r.months, r.remainingDays, r.stipend.total)).toBeGreaterThanOrEqual(0);
      for (const m of r.stipend.monthly) expect(Math.min(m.hours, m.minimum)).toBeGreaterThanOrEqual(0);
    });
  });

  it('an interruption never adds hours, in all or in any month', () => {
    check(fc.tuple(withPausesInside, rangeArb), ([input, extra]) => {
      const before = run(input);
      const after = run({ ...input, interruptions: [...input.interruptions, extra] });
      expect(after.presenceHours).toBeLessThanOrEqual(before.presenceHours);
      after.stipend.monthly.forEach((m, i) => expect(m.hours).toBeLessThanOrEqual(before.stipend.monthly[i].hours));
    });
  });

  it('the monthly hours sum to the presence hours, the monthly minimums to the total', () => {
    check(withPausesInside, (input) => {
      const r = run(input);
      expect(r.stipend.monthly.reduce((s, m) => s + cents(m.hours), 0)).toBe(cents(r.presenceHours));
      expect(r.stipend.monthly.reduce((s, m) => s + cents(m.minimum), 0)).toBe(cents(r.stipend.total));
      if (!r.stipend.due) expect(r.stipend.total).toBe(0);
    });
  });

  it('lists every calendar month of the span, in order', () => {
    check(inputArb, (input) => {
      const months = run(input).stipend.monthly.map((m) => m.month);
      const expected: string[] = [];
      for (let d = input.start; !d.isAfter(input.end); d = d.addMonths(1).addDays(1 - d.addMonths(1).day)) expected.push(d.toString().slice(0, 7));
      expect(months).toEqual(expected);
    });
  });

  it('splitting an internship in two at any day gives the same total hours', () => {
    check(fc.tuple(withPausesInside, fc.nat(200)), ([input, at]) => {
      const length = input.start.daysUntil(input.end);
      fc.pre(length >= 1);
      const lastOfFirst = input.start.addDays(at % length);
      const first = run({ ...input, end: lastOfFirst });
      const second = run({ ...input, start: lastOfFirst.addDays(1) });
      expect(cents(first.presenceHours) + cents(second.presenceHours)).toBe(cents(run(input).presenceHours));
    });
  });

  it('days and months follow from the hours (7 h a day, 22 days a month)', () => {
    check(inputArb, (input) => {
      const r = run(input);
      const hours = cents(r.presenceHours);
      expect(r.days * 700).toBeLessThanOrEqual(hours);
      expect((r.days + 1) * 700).toBeGreaterThan(hours);
      expect(r.months * 22 + r.remainingDays).toBe(r.days);
      expect(r.remainingDays).toBeLessThan(22);
    });
  });

  it('one more day adds exactly its scheduled hours when it is worked, nothing otherwise — never fewer', () => {
    check(withPausesInside, (input) => {
      const next = input.end.addDays(1);
      const longer = run({ ...input, end: next });
      const added = cents(longer.presenceHours) - cents(run(input).presenceHours);
      const paused = input.interruptions.some((p) => !next.isBefore(p.from) && !next.isAfter(p.to));
      const scheduled = Math.round(input.schedule[WEEKDAYS[next.weekday() - 1]] * 100);
      expect(added).toBe(paused || isPublicHoliday(next, input.holidaysCountry) ? 0 : scheduled);
      expect(added).toBeGreaterThanOrEqual(0);
    });
  });

  it('does not depend on the order of the interruptions', () => {
    const shuffled = withPausesInside.chain((input) =>
      fc.shuffledSubarray(input.interruptions, { minLength: input.interruptions.length }).map((order) => [input, order] as const),
    );
    check(shuffled, ([input, order]) => {
      expect(run({ ...input, interruptions: order })).toEqual(run(input));
    });
  });

  it('more earlier hours with the host never make a due stipend not due', () => {
    check(fc.tuple(inputArb, fc.integer({ min: 1, max: 50_000 })), ([input, more]) => {
      const r = run(input);
      const moreHours = run({ ...input, previousHours: input.previousHours + more / 100 });
      if (r.stipend.due) expect(moreHours.stipend.due).toBe(true);
    });
  });
});
