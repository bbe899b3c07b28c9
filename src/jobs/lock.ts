import type { Db } from '../db/client.js';

/**
 * Runs `fn` only if no other instance holds the job's advisory lock; the lock is transaction-scoped,
 * so it is released even if the process dies. Returns false when another instance had it.
 */
export async function withJobLock(db: Db, name: string, fn: () => Promise<void>): Promise<boolean> {
  return db.$transaction(
    async (tx) => {
      const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(hashtext(${'job:' + name})) AS locked`;
      if (!locked) return false;
      await fn();
      return true;
    },
    { timeout: 10 * 60 * 1000, maxWait: 10_000 },
  );
}
