import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { columnsOf, type Cell } from '../../src/modules/agreements/export/export.columns.js';
import { writeCsv, writeXlsx } from '../../src/modules/agreements/export/export.writers.js';

const columns = columnsOf(['agreement.number', 'agreement.subject', 'agreement.startDate', 'agreement.payAmount']);
const BATCHES = 40;

/** A client that reads nothing until `release()`: what the writers send waits in the response's buffer. */
function stalledClient() {
  const held: (() => void)[] = [];
  let open = false;
  let bytes = 0;
  const out = new Writable({
    highWaterMark: 16_384,
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (open) cb();
      else held.push(cb);
    },
  });
  return { out, bytes: () => bytes, release: () => ((open = true), held.splice(0).forEach((cb) => cb())) };
}

/** The rows, a batch of 1,000 at a time, counting the batches the writer has asked for. */
function source() {
  const pulled = { n: 0 };
  async function* rows(): AsyncGenerator<Cell[][]> {
    for (let b = 0; b < BATCHES; b++) {
      pulled.n++;
      await sleep(1); // a database round trip
      yield Array.from({ length: 1000 }, (_, i) => [`2026-${b}-${i}`, `Sujet du stage numéro ${b * 1000 + i}, `.repeat(4), new Date(Date.UTC(2026, 2, 2)), 4.35]);
    }
  }
  return { pulled, rows: rows() };
}

// Streamed end to end: while the client reads nothing, the writers stop asking for rows instead of
// piling the whole export up in memory; once it reads, the export goes to its end.
describe('agreement exports under backpressure', () => {
  for (const [name, write] of [['CSV', writeCsv], ['XLSX', writeXlsx]] as const) {
    it(`${name}: reads no further batch while the client does not read`, async () => {
      const client = stalledClient();
      const { pulled, rows } = source();
      const done = write(client.out, { columns, headers: columns.map((c) => c.key), sheetName: 'x', rows });
      await sleep(500);
      expect(pulled.n).toBeLessThanOrEqual(4);
      client.release();
      await done;
      expect(pulled.n).toBe(BATCHES);
      expect(client.bytes()).toBeGreaterThan(100_000);
    }, 60_000);
  }
});
