// Development aid (not part of `npm run bench`): times the agreement pages' functions against the
// agreements bench database and prints each statement Prisma sends with its duration. Usage:
//   BENCH_DATABASE_URL=… npx tsx bench/explain-agreements.ts   (the `<name>_agreements` database)
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { loadActor, type Actor } from '../src/authz/actor.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { centreDashboard } from '../src/modules/agreements/agreements.dashboard.js';
import { agreementSearchSchema, SEARCH_SORT, searchAgreements } from '../src/modules/agreements/agreements.search.js';
import type { Db } from '../src/db/client.js';

const u = new URL(process.env.BENCH_DATABASE_URL!);
u.pathname = `${u.pathname}_agreements`;
const pool = new pg.Pool({ connectionString: u.toString(), max: 4 });
const db = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: 'event', level: 'query' }] });
let on = false;
db.$on('query', (e) => {
  if (on) console.log(`${String(e.duration).padStart(5)} ms  ${e.query.slice(0, 900)}  ${e.params.slice(0, 200)}`);
});
const staff = (await loadActor(db as unknown as Db, (await db.user.findUniqueOrThrow({ where: { email: 'staff@bench.test' } })).id)) as Actor;
const run = async (label: string, f: () => Promise<unknown>) => {
  await f();
  on = true;
  const t = performance.now();
  await f();
  console.log(`== ${label}: ${(performance.now() - t).toFixed(1)} ms\n`);
  on = false;
};
const order = [...SEARCH_SORT.columns.number('desc'), SEARCH_SORT.tieBreaker('desc')];
await run('dashboard', () => centreDashboard(db as unknown as Db, staff, {}, new Date()));
await run('search by name', () => searchAgreements(db as unknown as Db, staff, agreementSearchSchema.parse({ lastName: 'martin' }), 1, order));
await run('advanced search', () => searchAgreements(db as unknown as Db, staff, agreementSearchSchema.parse({ academicYear: '2025-2026', type: 'MANDATORY', city: 'lyon' }), 1, order));
await db.$disconnect();
await pool.end();
