import { hostname } from 'node:os';
import cron from 'node-cron';
import { systemAct } from '../act.js';
import type { Ctx } from '../context.js';
import { log } from '../log.js';
import { purgeOrphanFiles } from '../files/purge.js';
import { runOutboxDispatch } from '../mail/dispatcher.js';
import { coalesced, listenForOutbox } from '../mail/notify.js';
import { purgeOutbox } from '../mail/outbox.js';
import { purgeWizardDrafts } from '../http/wizard.js';
import { withJobLock } from './lock.js';
import { DAY_MS } from '../time/clock.js';
import { remindDueSignatures } from '../modules/signatures/signatures.waiting.js';

export interface JobDef {
  name: string;
  schedule: string; // cron expression
  run: (ctx: Ctx) => Promise<unknown>;
  /** When given and false for this configuration, the job is not scheduled at all. */
  enabled?: (ctx: Ctx) => boolean;
  /**
   * False for a job that any instance may run at any time (the outbox: its rows are claimed one by
   * one); the others run once per schedule across all instances (a JobRun row per slot).
   */
  oncePerSlot?: false;
}

/** Every scheduled job of the platform; each calls module services only. */
export function jobDefinitions(): JobDef[] {
  return [
    {
      name: 'purge-login-failures',
      schedule: '*/15 * * * *',
      run: (ctx) => ctx.services.auth.throttle.purge(),
    },
    {
      // Sends the outbox through SMTP_URL. Without SMTP the mail stays in the outbox (dev mailbox).
      name: 'dispatch-outbox',
      schedule: '* * * * *',
      oncePerSlot: false,
      enabled: (ctx) => Boolean(ctx.config.SMTP_URL),
      run: (ctx) => runOutboxDispatch(ctx.db, ctx.config, { clock: ctx.clock }),
    },
    {
      // Settled messages past their retention (OUTBOX_RETENTION_DAYS) leave the outbox.
      name: 'purge-outbox',
      schedule: '30 3 * * *',
      run: (ctx) => purgeOutbox(ctx.db, ctx.clock.now()),
    },
    {
      // Replaced files (a former CV, logo, offer file) nothing points to any more, after ORPHAN_FILE_DAYS.
      name: 'purge-files',
      schedule: '45 3 * * *',
      run: (ctx) => purgeOrphanFiles(ctx.db, ctx.clock.now()),
    },
    {
      // Drafts of multi-screen forms (company registration…) left for DRAFT_DAYS.
      name: 'purge-wizard-drafts',
      schedule: '50 3 * * *',
      run: (ctx) => purgeWizardDrafts(ctx.db, ctx.clock.now()),
    },
    {
      // The record of which instance ran which schedule is kept a month, for the curious.
      name: 'purge-job-runs',
      schedule: '55 3 * * *',
      run: (ctx) => ctx.db.jobRun.deleteMany({ where: { slot: { lt: new Date(ctx.clock.now().getTime() - 30 * DAY_MS) } } }),
    },
    {
      // Signers who have not signed, 3 and 7 days after their invitation (signatures workflow's deadline).
      name: 'remind-signatures',
      schedule: '0 9 * * *',
      run: (ctx) => remindDueSignatures(ctx.db, systemAct(ctx.clock), ctx.config.baseUrl),
    },
    {
      // Internships ended whose company tutor has no account: a link to confirm the attestation's stipend.
      name: 'attestation-links',
      schedule: '15 9 * * *',
      run: (ctx) => ctx.services.attestationLinks.sendDue(systemAct(ctx.clock)),
    },
    {
      // Internships reaching half of their presence hours: the mid-term report opens, the student is mailed.
      name: 'midterm-open',
      schedule: '30 7 * * *',
      run: (ctx) => ctx.services.midterm.openDue(systemAct(ctx.clock)),
    },
    {
      // The company tutor's evaluation opens (the step table's day): the tutor is mailed once, a sign-in link or a single-use one.
      name: 'evaluation-open',
      schedule: '45 7 * * *',
      run: (ctx) => ctx.services.evaluationLinks.openDue(systemAct(ctx.clock)),
    },
    {
      // The label's steps due soon or late: a digest a day (or a mail per step) to each person, once (issue 14).
      name: 'label-reminders',
      schedule: '0 8 * * *',
      run: (ctx) => ctx.services.reminders.runDaily(systemAct(ctx.clock)),
    },
    {
      // Published offers whose diffusion period has ended become EXPIRED (offers workflow, `expire`).
      name: 'expire-offers',
      schedule: '5 0 * * *',
      run: (ctx) => ctx.services.offers.expireDue(systemAct(ctx.clock)),
    },
    {
      // Personal data past its retention period (issue 15): agreements, applications and student accounts anonymised, old audit rows deleted.
      name: 'retention',
      schedule: '15 4 * * *',
      run: (ctx) => ctx.services.privacy.runRetention(ctx.clock.now()),
    },
  ];
}

/** The jobs that apply to this configuration. */
export function enabledJobs(ctx: Ctx, defs = jobDefinitions()): JobDef[] {
  return defs.filter((d) => !d.enabled || d.enabled(ctx));
}

/** Runs one job now, under its advisory lock (once across instances). False when another instance had the lock. */
export async function runJob(ctx: Ctx, def: JobDef): Promise<boolean> {
  return withJobLock(ctx.db, def.name, async () => {
    await def.run(ctx);
  });
}

/** This process, as it signs the JobRun rows it claims. */
const INSTANCE = `${hostname()}:${process.pid}`;

/**
 * Runs the job for the schedule that fired at `firedFor`, unless another instance already claimed
 * that slot (the primary key of JobRun decides, so two processes firing at the same second run it
 * once). Returns false when the slot was someone else's or another run still held the lock.
 */
export async function runScheduled(ctx: Ctx, def: JobDef, firedFor: Date): Promise<boolean> {
  if (def.oncePerSlot === false) return runJob(ctx, def);
  const slot = new Date(Math.floor(firedFor.getTime() / 1000) * 1000);
  const claimed = await ctx.db.jobRun.createMany({ data: [{ job: def.name, slot, instance: INSTANCE, startedAt: ctx.clock.now() }], skipDuplicates: true });
  if (claimed.count === 0) return false;
  let error: string | null = null;
  try {
    return await runJob(ctx, def);
  } catch (err) {
    error = (err as Error).message;
    throw err;
  } finally {
    await ctx.db.jobRun.update({ where: { job_slot: { job: def.name, slot } }, data: { finishedAt: ctx.clock.now(), error } }).catch(() => undefined);
  }
}

/**
 * Sends the outbox as soon as a transaction that queued mail commits (see mail/notify.ts), when the
 * dispatch job applies to this configuration; null otherwise.
 */
export function startOutboxListener(ctx: Ctx, defs = jobDefinitions(), opts: { retryMs?: number } = {}) {
  const def = enabledJobs(ctx, defs).find((d) => d.name === 'dispatch-outbox');
  if (!def) return null;
  const dispatch = coalesced(() => runJob(ctx, def));
  const listener = listenForOutbox(ctx.databaseUrl, dispatch.kick, opts);
  return {
    connected: listener.connected,
    async stop() {
      await listener.stop();
      await dispatch.idle();
    },
  };
}

/**
 * At most this many scheduled jobs run at once in one instance. A job holds a pooled connection for
 * its lock's transaction while its work needs others from the same pool: jobs firing together (the
 * test schedules of JOBS_SCHEDULE_OVERRIDE, daily ones that meet, a slow run overtaken by the next
 * ones) could otherwise take every connection and wait for each other until the connect timeout,
 * failing the jobs and the pages with them. The others wait their turn.
 */
export const JOBS_AT_ONCE = 2;

/** Runs at most `max` of the functions given at once; the others wait in order. */
export function limiter(max: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => queue.push(resolve));
    else active++;
    try {
      return await fn();
    } finally {
      // The slot passes to the next waiting run, or is freed.
      const next = queue.shift();
      if (next) next();
      else active--;
    }
  };
}

/** Started from server.ts only: tests and scripts never schedule anything. */
export function startJobs(ctx: Ctx, defs = jobDefinitions()) {
  const listener = startOutboxListener(ctx, defs);
  const atOnce = limiter(JOBS_AT_ONCE);
  // A job still running (or waiting its turn) here is not started again by its next schedule: the
  // queue cannot grow without end, and the other instance may take that slot.
  const busy = new Set<string>();
  const tasks = enabledJobs(ctx, defs).map((def) =>
    cron.schedule(ctx.config.JOBS_SCHEDULE_OVERRIDE ?? def.schedule, async ({ date }) => {
      if (busy.has(def.name)) return;
      busy.add(def.name);
      try {
        await atOnce(() => runScheduled(ctx, def, date));
      } catch (err) {
        log.error('job failed', { job: def.name, error: (err as Error).message });
      } finally {
        busy.delete(def.name);
      }
    }),
  );
  return {
    async stop() {
      await Promise.all([...tasks.map((t) => t.stop()), listener?.stop()]);
    },
  };
}
