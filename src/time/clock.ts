/**
 * The one source of "now". Services and jobs read it from the context (ctx.clock, or the `now` of
 * an Act); tests set it (`new FixedClock(...)`) to put a rule on its boundary. Nothing else in
 * src/ may call `new Date()` without an argument or `Date.now()`.
 */
export interface Clock {
  now(): Date;
}

/** The machine's time. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stays where it is put: tests set it, move it, and read it. */
export class FixedClock implements Clock {
  private t: number;
  constructor(at: Date | string) {
    this.t = new Date(at).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  set(at: Date | string) {
    this.t = new Date(at).getTime();
  }
  advance(ms: number) {
    this.t += ms;
  }
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** `ms` milliseconds after `at` (an instant). */
export function later(at: Date, ms: number): Date {
  return new Date(at.getTime() + ms);
}
