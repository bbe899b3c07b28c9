// The figures of a load run and its targets: no 5xx, no failed request (an answer other than the
// one the route gives on success, a timeout, a connection error); p95 < 300 ms for every page kind
// but the PDFs (p95 < 500 ms) and the exports (no latency target: a file of the whole centre).
import type { Result } from 'autocannon';
import type { Failure, Kind } from './journeys.js';

export interface Sample {
  kind: Kind;
  ms: number;
  ok: boolean;
  status: number;
  /** When the answer came, in ms since the measured window began (negative: during the ramp). */
  at: number;
}

const PAGE_P95_MS = 300;
const PDF_P95_MS = 500;
const targetOf = (kind: Kind) => (kind === 'export' ? null : kind === 'PDF' ? PDF_P95_MS : PAGE_P95_MS);

function quantile(sorted: number[], p: number) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] : NaN;
}

/** Prints the run's figures; returns the targets missed (empty: all met). */
export function report(
  log: (m: string) => void,
  r: { samples: Sample[]; result: Result; seconds: number; users: number; think: [number, number]; memory: { before: number; peak: number; after: number }; cpu: { app: number; postgres: number; generator: number; busy: number }; failures: Failure[]; kinds: readonly Kind[] },
): string[] {
  const missed: string[] = [];
  // Latencies and rates over the measured window; failures over the whole run, ramp included.
  const all = r.samples;
  const measured = all.filter((s) => s.at >= 0);
  const total = measured.length;
  const failed = all.filter((s) => !s.ok).length;
  const fivexx = all.filter((s) => s.status >= 500).length;
  // autocannon counts a timeout among its errors too: the connection errors are the rest.
  const timeouts = r.result.timeouts;
  const errors = r.result.errors - timeouts;
  log('');
  log(`${r.users} users, ${r.seconds} s measured, think time ${r.think[0]}–${r.think[1]} ms: ${total} requests, ${(total / r.seconds).toFixed(1)} requests/s (and ${all.length - total} during the ramp)`);
  log(`errors (ramp included): ${failed} failed answers (not the route's success), ${fivexx} 5xx, ${timeouts} timeouts, ${errors} connection errors`);
  const byStatus = new Map<number, number>();
  for (const x of all) if (!x.ok) byStatus.set(x.status, (byStatus.get(x.status) ?? 0) + 1);
  if (byStatus.size) log(`failed answers by status: ${[...byStatus].map(([st, n]) => `${st}: ${n}`).join(', ')}`);
  const w = Math.max(...r.kinds.map((k) => k.length));
  log(`${'page kind'.padEnd(w)}  ${'requests'.padStart(8)}  ${'failed'.padStart(6)}  ${'p50 ms'.padStart(7)}  ${'p95 ms'.padStart(7)}  ${'p99 ms'.padStart(7)}  target p95`);
  for (const kind of r.kinds) {
    const mine = measured.filter((s) => s.kind === kind);
    const ms = mine.map((s) => s.ms).sort((a, b) => a - b);
    const p95 = quantile(ms, 0.95);
    const target = targetOf(kind);
    const verdict = target === null ? '(none)' : !ms.length ? `< ${target} (no request)` : `< ${target} ${p95 < target ? 'ok' : 'MISSED'}`;
    if (target !== null && ms.length && p95 >= target) missed.push(`${kind} p95 ${p95.toFixed(0)} ms ≥ ${target} ms`);
    const f = (x: number) => (Number.isNaN(x) ? '—' : x.toFixed(0)).padStart(7);
    log(`${kind.padEnd(w)}  ${String(mine.length).padStart(8)}  ${String(mine.filter((s) => !s.ok).length).padStart(6)}  ${f(quantile(ms, 0.5))}  ${f(p95)}  ${f(quantile(ms, 0.99))}  ${verdict}`);
  }
  // Over time: a slow stretch (a burst, something else on the machine) shows as one window.
  const windows: string[] = [];
  for (let from = 0; from < r.seconds * 1000; from += 10_000) {
    const ms = measured.filter((s) => s.at >= from && s.at < from + 10_000).map((s) => s.ms).sort((a, b) => a - b);
    if (ms.length) windows.push(`${from / 1000}–${from / 1000 + 10} s ${quantile(ms, 0.95).toFixed(0)}`);
  }
  log(`p95 of all pages by 10 s of the run (ms): ${windows.join(', ')}`);
  const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
  // CPU per request: less sensitive than latencies to other work on the machine; and who used the cores.
  const { app, postgres, generator, busy } = r.cpu;
  if (total) log(`app CPU: ${(app / 1000).toFixed(1)} s over the run, ${(app / total).toFixed(1)} ms per request; PostgreSQL ${(postgres / 1000).toFixed(1)} s (${(postgres / total).toFixed(1)} ms per request); load generator ${(generator / 1000).toFixed(1)} s; machine busy ${(busy * 100).toFixed(0)} %`);
  log(`app memory (VmRSS): before ${mb(r.memory.before)}, peak ${mb(r.memory.peak)}, after ${mb(r.memory.after)}`);
  if (r.failures.length) {
    // One example per page kind and status (the users keep their first 5 failures each).
    const seen = new Map<string, Failure>();
    for (const x of r.failures) if (!seen.has(`${x.kind}|${x.status}`)) seen.set(`${x.kind}|${x.status}`, x);
    log('failures, one example per page kind and status:');
    for (const x of [...seen.values()].slice(0, 20)) log(`  ${x.kind}: ${x.method} ${x.path} → ${x.status} ${x.excerpt}`);
  }
  if (fivexx) missed.push(`${fivexx} answers 5xx`);
  if (failed) missed.push(`${failed} failed requests`);
  if (timeouts || errors) missed.push(`${timeouts} timeouts, ${errors} connection errors`);
  if (!total) missed.push('no request answered');
  return missed;
}
