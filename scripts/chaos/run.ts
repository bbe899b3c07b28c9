// npm run chaos: faults made for real against real processes (issue 16). Each scenario starts the
// app as a process on its own PostgreSQL (a throw-away cluster, never the developer's or the
// shared one), breaks something, checks the outcome, and prints one line per check. The run exits
// non-zero when a check fails. CHAOS_ONLY=postgres,mail,atomic,sigterm runs some of them.
import { Report } from './common.js';
import { startChaosPg } from './pg.js';
import { postgresRestart } from './s1-postgres.js';
import { mailBatchKill } from './s2-mail.js';
import { atomicKill } from './s3-atomic.js';
import { sigtermUnderLoad } from './s4-sigterm.js';

const log = (m: string) => process.stdout.write(`${m}\n`);
const SCENARIOS = [
  ['postgres', 'PostgreSQL stopped and restarted under load', postgresRestart],
  ['mail', 'the app killed (SIGKILL) in the middle of a mail batch', mailBatchKill],
  ['atomic', 'the app killed (SIGKILL) inside a signature and an amendment validation', atomicKill],
  ['sigterm', 'SIGTERM under load', sigtermUnderLoad],
] as const;

async function main() {
  const only = process.env.CHAOS_ONLY?.split(',').map((s) => s.trim());
  const t0 = performance.now();
  const report = new Report(log);
  const pg = await startChaosPg(log);
  try {
    for (const [key, title, scenario] of SCENARIOS) {
      if (only && !only.includes(key)) continue;
      log(`\n== ${title} (${key})`);
      const started = performance.now();
      try {
        await scenario(pg, report, (m) => log(`      ${m}`));
      } catch (err) {
        report.check(key, 'the scenario ran to its end', false, (err as Error).stack ?? String(err));
      }
      log(`   (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    pg.dispose();
  }
  const failed = report.failed;
  log(`\n== summary: ${report.checks.length - failed.length}/${report.checks.length} checks passed in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  for (const f of report.figures) log(`   ${f}`);
  for (const f of failed) log(`   FAILED [${f.scenario}] ${f.name}${f.detail ? ` — ${f.detail}` : ''}`);
  process.exit(failed.length ? 1 : 0);
}

main().catch((err) => {
  log(`chaos: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
