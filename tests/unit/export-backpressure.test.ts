import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { columnsOf, type Cell } from '../../src/modules/agreements/export/export.columns.js';
import { EXPORT_SLICE, sliced, writeCsv, writeXlsx } from '../../src/modules/agreements/export/export.writers.js';

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

// A large export must not hold the instance's one thread: the writers format EXPORT_SLICE rows,
// then give the event loop a turn (other requests' callbacks run) before the next slice.
describe('agreement exports share the thread', () => {
  for (const [name, write] of [['CSV', writeCsv], ['XLSX', writeXlsx]] as const) {
    it(`${name}: another request's callback runs between two slices of one database batch`, async () => {
      const out = new Writable({ write: (_c, _e, cb) => cb() });
      const batch = Array.from({ length: 3 * EXPORT_SLICE }, (_, i): Cell[] => [`2026-${i}`, 'Sujet', new Date(Date.UTC(2026, 2, 2)), 4.35]);
      // One batch, already read (no database wait to yield at): the slices are the only turns.
      const turns: number[] = [];
      let slices = 0;
      let ticks = 0;
      const rows = sliced((async function* () { yield batch; })(), (cells) => cells);
      const counted = (async function* () {
        for await (const slice of rows) {
          turns.push(ticks);
          slices++;
          yield slice;
        }
      })();
      const tick = () => { ticks++; if (slices < 3) setImmediate(tick); };
      setImmediate(tick);
      await write(out, { columns, headers: columns.map((c) => c.key), sheetName: 'x', rows: counted });
      expect(slices).toBe(3);
      // Each slice after the first came after at least one more turn of the loop.
      expect(turns[1]).toBeGreaterThan(turns[0]);
      expect(turns[2]).toBeGreaterThan(turns[1]);
    });
  }
});
