// The legal engine's cost (issue 11): 10,000 runs of computeInternship on a 6-month French
// internship (2 Feb – 31 Jul 2026, 7 h Monday to Friday, a week's interruption), after 1,000 runs
// of warm-up (holiday calendars cached, code compiled). Target: under 1 ms a run on average.
// No database: `BENCH_ONLY=engine npm run bench`, or `npx tsx bench/engine.ts`.
import { pathToFileURL } from 'node:url';
import { computeInternship } from '../src/legal/engine.js';
import { internship, pause } from '../tests/factories/legal.js';

const RUNS = 10_000;
const WARMUP = 1_000;
const TARGET_MS = 1;

/** Times the runs and prints ms/run against the target; returns ms/run. */
export function engineBench(log: (line: string) => void): number {
  const input = internship('2026-02-02', '2026-07-31', { signedOn: '2026-01-15', interruptions: [pause('2026-04-13', '2026-04-19')] });
  let sink = 0; // what the runs compute is used, so that no run can be skipped
  for (let i = 0; i < WARMUP; i++) sink += computeInternship(input).presenceHours;
  const t = performance.now();
  for (let i = 0; i < RUNS; i++) sink += computeInternship(input).stipend.total;
  const perRun = (performance.now() - t) / RUNS;
  if (!Number.isFinite(sink)) throw new Error('engine bench: the runs gave no number');
  log(`engine: ${RUNS} runs of computeInternship (6-month French internship): ${perRun.toFixed(4)} ms/run (target < ${TARGET_MS} ms) ${perRun < TARGET_MS ? 'ok' : 'OVER TARGET'}`);
  return perRun;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) engineBench((line) => process.stdout.write(`${line}\n`));
