import { createHash } from 'node:crypto';
import type { ListedRoute } from '../helpers/routes.js';

/**
 * How much a fuzz run does (README: "Fuzzing").
 *
 * - Bounded (npm test): FUZZ_RUNS cases per route (default below, fewer for the costly routes:
 *   PDFs, exports), a fixed seed (FUZZ_SEED, default 16), so CI fails the same way every time.
 * - Long (npm run fuzz, FUZZ_LONG=1): a random seed, as many cases as FUZZ_SECONDS (default 600)
 *   allow, shared out between the routes, with each route's counts printed at the end.
 * - FUZZ_ROUTE (a regular expression on "METHOD /path") keeps only the matching routes: with the
 *   run's seed, it replays that route's cases exactly; with FUZZ_REPLAY ("<seed>:<path>", printed
 *   with a failure, the long run's too) it replays the failing case alone.
 */
const env = process.env;
export const LONG = env.FUZZ_LONG === '1';
export const SEED = env.FUZZ_SEED !== undefined && env.FUZZ_SEED !== '' ? Number(env.FUZZ_SEED) : LONG ? Math.floor(Math.random() * 2 ** 31) : 16;
export const ONLY = env.FUZZ_ROUTE ? new RegExp(env.FUZZ_ROUTE) : null;
/** Cases per route in the bounded run (a costly route runs a fifth of them). */
export const RUNS = Number(env.FUZZ_RUNS ?? (LONG ? 1_000_000 : 20));
/** The long run's whole budget, in seconds of wall time (both vitest workers at once). */
export const SECONDS = Number(env.FUZZ_SECONDS ?? 600);
/** In the bounded run, a route stops early after this long (a slow machine then runs fewer cases, never more). */
export const ROUTE_LIMIT_MS = Number(env.FUZZ_ROUTE_MS ?? 4_000);

if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, not ${env.FUZZ_SEED}`);
if (!(RUNS > 0)) throw new Error(`FUZZ_RUNS must be a positive number, not ${env.FUZZ_RUNS}`);

/** One failing case again: "<seed>:<path>" as a failure prints them (with FUZZ_ROUTE naming its route). */
export const REPLAY = env.FUZZ_REPLAY ? { seed: Number(env.FUZZ_REPLAY.split(':')[0]), path: env.FUZZ_REPLAY.split(':').slice(1).join(':') } : null;

/** Each route's own seed (per round of the long run), from the run's: a route's cases do not depend on which other routes run. */
export function routeSeed(route: string, round = 0): number {
  return createHash('sha256').update(`${SEED}\u0000${route}\u0000${round}`).digest().readUInt32BE(0) & 0x7fffffff;
}

/** PDFs, spreadsheets and archives take tens of milliseconds each: they get a fifth of the cases. */
export const COSTLY = /\.(pdf|xlsx|csv)$|\/export(\/|$)|\/account\/data\/export$|\/statistics\/export$/;

export function runsFor(r: ListedRoute): number {
  return COSTLY.test(r.path) ? Math.max(3, Math.ceil(RUNS / 5)) : RUNS;
}
