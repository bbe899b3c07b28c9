import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/client.js';
import { withJobLock } from '../../src/jobs/lock.js';
import { runScheduled, type JobDef } from '../../src/jobs/index.js';
import { testContext } from '../helpers/app.js';
import { testDatabaseUrl, testDb } from '../helpers/db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withJobLock (PostgreSQL advisory lock)', () => {
  // Two clients with their own connection pools stand for two app instances.
  let a: Db;
  let b: Db;
  beforeAll(async () => {
    a = await testDb();
    b = createDb(await testDatabaseUrl());
    // Open a connection on each side first, so that both calls below really start together.
    await Promise.all([a.$queryRaw`SELECT 1`, b.$queryRaw`SELECT 1`]);
  });
  afterAll(async () => {
    await b?.$disconnect();
  });

  it('runs the body once when two instances start the same job at the same time', async () => {
    let runs = 0;
    const body = async () => {
      runs++;
      await sleep(1000);
    };
    const results = await Promise.all([withJobLock(a, 'test-job', body), withJobLock(b, 'test-job', body)]);
    expect(runs).toBe(1);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a second run while the first holds the lock, and allows it once released', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const calls: string[] = [];
    const first = withJobLock(a, 'test-job-2', async () => {
      calls.push('first');
      entered();
      await gate;
    });
    await inside;
    expect(await withJobLock(b, 'test-job-2', async () => void calls.push('second'))).toBe(false);
    // Another job's lock is independent.
    expect(await withJobLock(b, 'other-job', async () => void calls.push('other'))).toBe(true);
    release();
    expect(await first).toBe(true);
    // The lock was transaction-scoped: released at the end of the run.
    expect(await withJobLock(b, 'test-job-2', async () => void calls.push('third'))).toBe(true);
    expect(calls).toEqual(['first', 'other', 'third']);
  });

  it('releases the lock when the body throws', async () => {
    await expect(withJobLock(a, 'test-job-3', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withJobLock(b, 'test-job-3', async () => undefined)).toBe(true);
  });
});

describe('runScheduled (one run per schedule across instances)', () => {
  let a: Db;
  let b: Db;
  beforeAll(async () => {
    a = await testDb();
    b = createDb(await testDatabaseUrl());
  });
  afterAll(async () => {
    await b?.$disconnect();
  });

  it('runs a schedule once when both instances fire for it, even one after the other, and again at the next slot', async () => {
    let runs = 0;
    // A job that ends at once: the advisory lock alone would let the late instance run it again.
    const def: JobDef = { name: 'test-slot-job', schedule: '* * * * *', run: async () => void runs++ };
    const ctxA = testContext(a);
    const ctxB = testContext(b);
    const nine = new Date('2026-12-03T09:00:00.000Z');
    expect(await Promise.all([runScheduled(ctxA, def, nine), runScheduled(ctxB, def, new Date(nine.getTime() + 4))])).toEqual(expect.arrayContaining([true, false]));
    expect(await runScheduled(ctxB, def, nine)).toBe(false);
    expect(runs).toBe(1);
    expect(await runScheduled(ctxB, def, new Date('2026-12-03T09:01:00.000Z'))).toBe(true);
    expect(runs).toBe(2);
    const rows = await a.jobRun.findMany({ where: { job: 'test-slot-job' }, orderBy: { slot: 'asc' } });
    expect(rows.map((r) => [r.slot.toISOString(), r.finishedAt !== null, r.error])).toEqual([
      ['2026-12-03T09:00:00.000Z', true, null],
      ['2026-12-03T09:01:00.000Z', true, null],
    ]);
  });

  it('keeps the outbox dispatch free to run on every instance at every tick', async () => {
    let runs = 0;
    const def: JobDef = { name: 'test-free-job', schedule: '* * * * *', oncePerSlot: false, run: async () => void runs++ };
    const nine = new Date('2026-12-03T09:00:00.000Z');
    expect(await runScheduled(testContext(a), def, nine)).toBe(true);
    expect(await runScheduled(testContext(b), def, nine)).toBe(true);
    expect(runs).toBe(2);
    expect(await a.jobRun.count({ where: { job: 'test-free-job' } })).toBe(0);
  });
});
