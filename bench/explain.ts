// Development aid (not part of `npm run bench`): prints EXPLAIN ANALYZE of every raw statement a
// search issues, against BENCH_DATABASE_URL (seeded by `npm run bench`). Usage:
//   BENCH_DATABASE_URL=… npx tsx bench/explain.ts cvbook|cvbook-place|match-offer|match-student
import pg from 'pg';
import { createDb } from '../src/db/client.js';
import { systemClock } from '../src/time/clock.js';
import { CvBookService, parseFilters } from '../src/modules/requests/cvbook.service.js';
import { MatchingService } from '../src/modules/requests/matching.js';
import { loadActor, type Actor } from '../src/authz/actor.js';
import { OfferStudents } from '../src/modules/offers/offers.student.js';
import { browseSchema } from '../src/modules/offers/offers.schemas.js';

const url = process.env.BENCH_DATABASE_URL!;
const client = new pg.Client({ connectionString: url });
await client.connect();
const real = createDb(url);
const db = new Proxy(real, {
  get(target, prop, recv) {
    if (prop === '$queryRaw') {
      return async (strings: TemplateStringsArray | { text: string; values: unknown[] }, ...values: unknown[]) => {
        const { Prisma } = await import('../src/generated/prisma/client.js');
        const s = 'text' in strings ? strings : Prisma.sql(strings, ...values);
        const t = performance.now();
        const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${s.text}`, s.values as unknown[]);
        console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
        console.log(`-- ${Math.round(performance.now() - t)} ms`);
        return target.$queryRawUnsafe(s.text, ...(s.values as unknown[]));
      };
    }
    return Reflect.get(target, prop, recv);
  },
});
const deps = { db: db as typeof real, baseUrl: 'http://x', clock: systemClock };
const act = (actor: Actor | null) => ({ actor: actor as Actor, requestId: null, now: new Date() });
const which = process.argv[2];
if (which === 'cvbook') await new CvBookService(deps).search(act(null), parseFilters({ domain: 'Informatique', level: 'BAC_5', availability: '3m' }), 1);
if (which === 'cvbook-place') await new CvBookService(deps).search(act(null), parseFilters({ place: '69', sector: 'Numérique' }), 1);
const actorOf = async (email: string) => loadActor(real, (await real.user.findUniqueOrThrow({ where: { email } })).id) as Promise<Actor>;
if (which === 'offers-student') await new OfferStudents(deps).browse(act(await actorOf('student@bench.test')), browseSchema.parse({ q: 'developpeur web', kind: 'INTERNSHIP', place: '69' }), 1);
if (which === 'offers-list') await new OfferStudents(deps).browse(act(await actorOf('student@bench.test')), browseSchema.parse({ domain: 'Informatique', paid: 'yes' }), 1);
if (which === 'match-student') await new MatchingService(deps).offersForStudent(await actorOf('student@bench.test'));
console.log('done');
await client.end();
process.exit(0);
