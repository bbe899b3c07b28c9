import cron from 'node-cron';
import type { Ctx } from '../app.js';
import { log } from '../log.js';
import { withJobLock } from './lock.js';

export interface JobDef {
  name: string;
  schedule: string; // cron expression
  run: (ctx: Ctx) => Promise<unknown>;
}

/** Every scheduled job of the platform; each calls module services only. */
export function jobDefinitions(): JobDef[] {
  return [
    {
      name: 'purge-login-failures',
      schedule: '*/15 * * * *',
      run: (ctx) => ctx.services.auth.throttle.purge(),
    },
  ];
}

/** Started from server.ts only: tests and scripts never schedule anything. */
export function startJobs(ctx: Ctx, defs = jobDefinitions()) {
  const tasks = defs.map((def) =>
    cron.schedule(def.schedule, async () => {
      try {
        await withJobLock(ctx.db, def.name, async () => {
          await def.run(ctx);
        });
      } catch (err) {
        log.error('job failed', { job: def.name, error: (err as Error).message });
      }
    }),
  );
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
    },
  };
}
