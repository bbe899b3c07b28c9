import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleCan } from '../../src/authz/policy.js';
import { listRoutes, type ListedRoute } from '../helpers/routes.js';
import { build, caseArb, describeBuilt, send, type Built } from './fuzz-cases.js';
import { LONG, ONLY, REPLAY, ROUTE_LIMIT_MS, SECONDS, SEED, routeSeed, runsFor } from './fuzz-config.js';
import { Crawl, key } from './fuzz-forms.js';
import { FuzzWorld, roleOf, SESSION_TABLE, type Who, type Written } from './fuzz-world.js';

/**
 * Property-based fuzzing of every form and search route (issue 16, "Fuzzing"), as every role:
 *  1. no answer is a 5xx (the database is here: a 503 would be a fault too), and every request is answered;
 *  2. a refusal (any 4xx: 400, 403, 404, 413, 422…) wrote nothing — no row inserted, updated or
 *     deleted in any table — but the session store's rows and the few writes a refusal makes by
 *     design (ALLOWED_ON_REFUSAL).
 * The routes: every POST route, and the GET routes that read a query string (QUERY_ROUTES).
 */

/** GET routes whose handler reads the query string: searches, lists and their pages and sorts, exports, pickers, the simulator. */
const QUERY_ROUTES = [
  /^\/login$/, /^\/admin\/users\/$/, /^\/admin\/institutions(\/:id)?$/, /^\/admin\/academic-years$/, /^\/admin\/centres(\/new)?$/,
  /^\/admin\/legal-parameters\/new$/, /^\/admin\/sso\/$/, /^\/centres\/$/, /^\/tools\/stipend$/, /^\/label\/verify$/, /^\/dev\/mailbox$/,
  /^\/agreements\/(signatures|search|dashboard|history|export|export\.csv|export\.xlsx)$/, /^\/agreements\/:id\/agreement\.pdf$/,
  /^\/agreements\/new\/(student|host|academic-tutor)$/, /^\/agreements\/:id\/edit\/(host|academic-tutor)$/, /^\/agreements\/:id\/follow-up$/,
  /^\/statistics\/(|follow-up|comparison|export)$/, /^\/offers\/(|search|manage|manage\/new|manage\/new-short|moderation)$/,
  /^\/offers\/manage\/:id\/edit(-short)?$/, /^\/students$/, /^\/followup\/(|cohort|feedback)$/, /^\/cvbook$/, /^\/tickets\/(|new|queue)$/,
  /^\/organisations\/(|queue)$/, /^\/organisations\/:id\/(merge|contacts\/new)$/, /^\/sheets\/(review|new)$/, /^\/sheets\/:id\/edit$/,
  /^\/dashboard\/students$/, /^\/applications\/(|new|company|school)$/, /^\/sso\/:institutionId\/cas$/, /^\/documents\/(|manage)$/,
  /^\/documents\/centres\/:centreId$/, /^\/(agreements|offers|organisations|admin\/users)\/:id\/history$/,
];

/** The routes of each fuzz file (by path), so that the two vitest workers share the load. Every fuzzable route is in one. */
export const FILES = {
  // Signed-out journeys and the account: sign-in, password, registration, the stipend simulator,
  // the e-mailed links (signature, attestation, evaluation), label verification, single sign-on.
  public: /^\/(login|logout|password|lang|account|register|tools|sign|attest|evaluate|label|sso|calendar|privacy)(\/|$)/,
  // The agreement: searches, dashboards, exports, the creation wizard, edits, workflow actions,
  // signatures, amendments, attestation, the follow-up and label, the evaluations.
  agreements: /^\/(agreements|followup)(\/|$)/,
  // Running the platform: reference data and users, centres (staff, evaluation forms), the
  // directory and company area, useful documents, the help desk, statistics, the mailbox.
  directory: /^\/(admin|centres|organisations|company|documents|tickets|statistics|dev)(\/|$)/,
  // Finding an internship: offers, students and profiles, requests and the CV book, applications,
  // internship sheets, the dashboards.
  internships: /^\/(offers|students|profile|requests|cvbook|matching|applications|sheets|dashboard)(\/|$)/,
} as const;

export function fuzzable(routes: ListedRoute[]): ListedRoute[] {
  return routes.filter((r) => r.method === 'POST' || (r.method === 'GET' && QUERY_ROUTES.some((re) => re.test(r.path))));
}

/** Writes a refusal makes on purpose, by route: [route (METHOD /path), tables, why]. */
const ALLOWED_ON_REFUSAL: [RegExp, string[], string][] = [
  // A failed sign-in or password check is counted before the password is verified (src/auth/rate-limit.ts).
  [/^POST \/(login|account\/password|password\/forgot|password\/reset)$/, ['ThrottleEvent'], 'throttling counts failures'],
];

/**
 * Cases excluded from the properties for a known fault in a module this suite may not change
 * (FUZZ-KNOWN: the lead's modules). Each says the fix; remove it once fixed.
 */
const KNOWN: { route: RegExp; when: (b: Built, status: number) => boolean; note: string }[] = [];

export interface Failure {
  route: string;
  who: Who;
  status: number;
  message: string;
}

function problemOf(route: ListedRoute, b: Built, res: { status: number; text: string; clientError?: string }, writes: Written[]): string | null {
  const k = key(route);
  if (res.status === -1) return res.clientError!;
  if (res.status === 0) {
    // The client could not even build the request (a header it refuses): not the app's fault. A reset connection is.
    return /ECONNRESET|socket hang up|ECONNREFUSED/.test(res.clientError ?? '') ? `connection lost: ${res.clientError}` : null;
  }
  if (KNOWN.some((x) => x.route.test(k) && x.when(b, res.status))) return null;
  if (res.status >= 500) return `answered ${res.status}`;
  if (res.status >= 400) {
    const allowed = new Set([SESSION_TABLE, ...ALLOWED_ON_REFUSAL.filter(([re]) => re.test(k)).flatMap(([, t]) => t)]);
    const bad = writes.filter((w) => !allowed.has(w.table));
    if (bad.length) return `answered ${res.status} but wrote ${bad.map((w) => `${w.table} ${w.op} ×${w.rows}`).join(', ')}`;
  }
  return null;
}

const textOf = (html: string) => html.replace(/<(script|style)[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);

/** Counts per route: cases, and answers by status. */
class Stats {
  readonly routes = new Map<string, { cases: number; statuses: Map<number, number>; ms: number }>();
  /** Time in requests, and in reading (and undoing) their writes. */
  readonly phases = [0, 0];
  add(route: string, status: number, ms: number, checkMs: number) {
    this.phases[0] += ms;
    this.phases[1] += checkMs;
    const s = this.routes.get(route) ?? { cases: 0, statuses: new Map(), ms: 0 };
    this.routes.set(route, s);
    s.cases++;
    s.ms += ms;
    s.statuses.set(status, (s.statuses.get(status) ?? 0) + 1);
  }
  print(title: string, elapsedMs: number, formsOf: (route: string) => number) {
    const lines = [...this.routes].map(([r, s]) => `  ${r.padEnd(64)} ${String(formsOf(r)).padStart(2)} forms ${String(s.cases).padStart(6)} cases ${String(Math.round(s.ms / Math.max(1, s.cases))).padStart(4)} ms/case  ${[...s.statuses].sort((a, b) => a[0] - b[0]).map(([st, n]) => `${st}:${n}`).join(' ')}`);
    const total = [...this.routes.values()].reduce((n, s) => n + s.cases, 0);
    const [send, check] = this.phases.map((p) => (p / 1000).toFixed(1));
    console.log(`fuzz ${title}: ${total} cases over ${this.routes.size} routes in ${(elapsedMs / 1000).toFixed(1)} s (seed ${SEED}; requests ${send} s, write checks and undoing ${check} s)\n${lines.join('\n')}`);
  }
}

/**
 * Declares a fuzz file's tests: one per selected route. The world (demo data, app, signed-in
 * clients) opens when the file is collected, the crawl before the first test.
 */
export async function fuzzFile(name: keyof typeof FILES, title: string) {
  const file = `tests/fuzz/fuzz-${name}.test.ts`;
  const select = (r: ListedRoute) => FILES[name].test(r.path);
  const t0 = Date.now();
  const world = await FuzzWorld.open();
  const openedMs = Date.now() - t0;
  let crawlMs = 0;
  const all = fuzzable(listRoutes(world.app));
  const selected = all.filter(select);
  const mine = selected.filter((r) => !ONLY || ONLY.test(key(r)));
  // The pages to crawl: the lists of the file's modules (their links give ids in reach), and the
  // pages next to a fuzzed route (its record's page, its siblings), where its form is drawn.
  const parent = (path: string) => path.replace(/\/[^/]+\/?$/, '');
  const pages = listRoutes(world.app).filter(
    (p) => p.method === 'GET' && selected.some((r) => firstSegment(r.path) === firstSegment(p.path) && (!p.path.includes(':') || r.path.startsWith(`${parent(p.path)}/`) || r.path === p.path)),
  );
  // The crawl is the same whichever routes FUZZ_ROUTE keeps: a replay meets the same forms.
  const crawl = new Crawl(world, [...new Map([...selected, ...pages].map((r) => [key(r), r])).values()]);
  const stats = new Stats();
  const started = Date.now();
  // The long run's share of FUZZ_SECONDS: two workers, each file its share of the routes.
  const budgetMs = SECONDS * 1000 * 2 * (selected.length / Math.max(1, all.length)) * 0.9;

  describe(`fuzz: ${title}`, () => {
    beforeAll(async () => {
      const c0 = Date.now();
      await crawl.run(pages, (who, p) => roleCan(roleOf(who), p.permission!), LONG ? 3 : 1);
      crawlMs = Date.now() - c0;
      // What the pages wrote (an offer's visits…) is undone before the first case.
      await world.takeWrites();
    }, 300_000);

    afterAll(async () => {
      if (LONG || process.env.FUZZ_VERBOSE) stats.print(`${title} (demo data and sign-in ${(openedMs / 1000).toFixed(1)} s, crawl ${crawl.pages} pages in ${(crawlMs / 1000).toFixed(1)} s)`, Date.now() - started, (r) => crawl.knowledge.get(r)?.forms.length ?? 0);
      await world.close();
    });

    it('fuzzes at least one route, every one with a permission; every fuzzable route of the app is in a file', () => {
      expect(mine.length > 0 || ONLY !== null).toBe(true);
      expect(all.filter((r) => !Object.values(FILES).some((re) => re.test(r.path))).map(key)).toEqual([]);
      expect(mine.filter((r) => !r.permission)).toEqual([]);
    });

    mine.forEach((route, index) => {
      const k = key(route);
      it(k, async () => {
        const knowledge = crawl.knowledge.get(k)!;
        const left = mine.length - index;
        const timeLimit = LONG ? Math.max(1_000, (budgetMs - (Date.now() - started)) / left) : ROUTE_LIMIT_MS;
        // Past the deadline, cases are skipped (they pass at once) rather than cut off: fast-check's
        // own interruption abandons the case in flight, whose request then writes during the next
        // case. Once a case failed, shrinking runs whatever the time (a minute at most). The long
        // run goes on in rounds of 50 cases, each from its own seed, until the route's time is out.
        const deadline = performance.now() + timeLimit;
        let failed = false;
        let inflight: Promise<unknown> = Promise.resolve();
        const property = fc.asyncProperty(caseArb(route), async (c) => {
          if (!failed && performance.now() > deadline) return;
          const run = (async () => {
            const b = build(c, route, knowledge, crawl, world);
            const t0 = performance.now();
            const res = await send(b, route.method, world);
            const t1 = performance.now();
            const writes = await world.takeWrites();
            stats.add(k, res.status, t1 - t0, performance.now() - t1);
            const problem = problemOf(route, b, res, writes);
            if (problem) {
              failed = true;
              throw new Error(`${k} as ${b.who} (${roleOf(b.who)}) → ${res.status}: ${problem}\n${describeBuilt(b, route.method)}\nanswer: ${textOf(res.text)}`);
            }
          })();
          inflight = run.catch(() => undefined);
          await run;
        });
        const replay = REPLAY && ONLY ? REPLAY : null;
        for (let round = 0; ; round++) {
          const seed = replay?.seed ?? routeSeed(k, round);
          const details = await fc.check(property, {
            seed,
            path: replay?.path,
            numRuns: LONG ? 50 : runsFor(route),
            interruptAfterTimeLimit: Math.max(0, deadline - performance.now()) + 60_000,
            markInterruptAsFailure: false,
            endOnFailure: false,
          });
          // An interrupted shrinking leaves its request running: its writes must not count against the next route.
          await inflight;
          await world.takeWrites();
          if (details.failed) {
            const err = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
            const re = `^${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
            throw new Error(
              `${err}\n\nafter ${details.numRuns} case(s), shrunk ${details.numShrinks} time(s); run seed ${SEED}, round ${round}\n` +
                `replay this case: FUZZ_ROUTE='${re}' FUZZ_REPLAY='${details.seed}:${details.counterexamplePath}' npx vitest run ${file}\n` +
                (LONG ? '' : `replay the route: FUZZ_SEED=${SEED} FUZZ_ROUTE='${re}' npx vitest run ${file}\n`) +
                `counterexample: ${JSON.stringify(details.counterexample, (_k, v) => (typeof v === 'string' && v.length > 200 ? `${v.slice(0, 100)}… (${v.length} chars)` : v instanceof Uint8Array ? `<${v.length} bytes>` : v))}`,
            );
          }
          if (!LONG || replay || performance.now() >= deadline) break;
        }
      }, LONG ? SECONDS * 1000 * 2 : 120_000);
    });
  });
}

const firstSegment = (p: string) => p.split('/')[1] ?? '';
