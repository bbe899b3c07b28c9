import type { Actor } from './authz/actor.js';
import type { Clock } from './time/clock.js';
import type { Db } from './db/client.js';

/**
 * What a service needs to know of one action: who acts (null for the platform itself: a job),
 * which request it belongs to (audit rows), and "now" (read once from the clock, so that every
 * date of the action agrees). Routes build it with `act(req)`, jobs with `systemAct(clock)`.
 */
export interface Act<A extends Actor | null = Actor> {
  actor: A;
  requestId: string | null;
  now: Date;
}

export type SystemAct = Act<null>;

export function systemAct(clock: Clock): SystemAct {
  return { actor: null, requestId: null, now: clock.now() };
}

/** What every service is built with, once, in the app context (src/context.ts). */
export interface ServiceDeps {
  db: Db;
  baseUrl: string;
  clock: Clock;
}

/** The base of the domain services: the database, the public address for links, the clock. */
export abstract class Service {
  protected readonly db: Db;
  protected readonly baseUrl: string;
  protected readonly clock: Clock;
  constructor(deps: ServiceDeps) {
    this.db = deps.db;
    this.baseUrl = deps.baseUrl;
    this.clock = deps.clock;
  }
}
