// The two formats of an agreement export, written to the response as the rows are read: the same
// header and the same cells (export.query.ts rowReader) in both. Each batch waits for the
// response to drain before the next one is read, so a slow download holds about one batch in memory.
import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type ExcelJS from 'exceljs';
import { dmy, type Cell, type ExportColumn } from './export.columns.js';

export interface ExportOutput {
  columns: readonly ExportColumn[];
  headers: string[];
  sheetName: string;
  rows: AsyncIterable<Cell[][]>;
}

export const CONTENT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
export type ExportFormat = keyof typeof CONTENT_TYPES;

/** Waits until a stream's buffer is below its mark (at once when it is), or until it closes or fails. */
export function drained(s: Writable): Promise<void> {
  // exceljs's own streams come from readable-stream 2, which has no writableNeedDrain: its state says it.
  const needDrain = s.writableNeedDrain ?? (s as unknown as { _writableState?: { needDrain?: boolean } })._writableState?.needDrain;
  if (!needDrain || s.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    // Every listener removed once one fires: a long export waits thousands of times on one response.
    const done = () => {
      for (const e of EVENTS) s.off(e, done);
      resolve();
    };
    for (const e of EVENTS) s.on(e, done);
  });
}
const EVENTS = ['drain', 'close', 'error'] as const;

/**
 * The rows a writer formats before it gives the thread back (a turn of the event loop). Writing a
 * batch of 1,000 rows at once held it for up to half a second (an XLSX's rows and their
 * compression): every other request of the instance waited, and under load the exports made the
 * p95 of every page. The writers take their rows in slices of this size (`sliced`), one per turn.
 */
export const EXPORT_SLICE = 100;

/** The rows a batch at a time, each batch cut into EXPORT_SLICE rows, each slice read by `read`. */
export async function* sliced<R>(batches: AsyncIterable<R[]>, read: (row: R) => Cell[]): AsyncGenerator<Cell[][]> {
  for await (const batch of batches) {
    for (let i = 0; i < batch.length; i += EXPORT_SLICE) yield batch.slice(i, i + EXPORT_SLICE).map(read);
  }
}

/** Has the client gone (the download cancelled)? Then reading stops. */
const gone = (out: Writable) => out.destroyed || out.writableEnded;

// ───────────── CSV, as French Excel reads it ─────────────

// A text that starts like a formula would be run by the spreadsheet (OWASP "CSV injection"): a
// leading apostrophe keeps it text. The XLSX needs none: its cells are typed.
const FORMULA = /^[=+\-@\t\r]/;

/** One CSV field: RFC 4180 quoting; numbers with a decimal comma, days as dd/mm/yyyy. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell).replace('.', ',');
  if (cell instanceof Date) return dmy(cell);
  const s = FORMULA.test(cell) ? `'${cell}` : cell;
  return /[";\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(cells: Cell[]): string {
  let line = cells.length ? csvField(cells[0]) : '';
  for (let i = 1; i < cells.length; i++) line += ';' + csvField(cells[i]);
  return line + '\r\n';
}

/** UTF-8 with a BOM (Excel then reads the accents), ';' between fields, CRLF after each row. */
export async function writeCsv(out: Writable, o: ExportOutput): Promise<void> {
  out.write('\ufeff' + csvLine(o.headers));
  for await (const batch of o.rows) {
    if (gone(out)) return;
    let chunk = '';
    for (const cells of batch) chunk += csvLine(cells);
    out.write(chunk);
    await drained(out);
    await nextTurn();
  }
  out.end();
}

// ───────────── XLSX (exceljs's streaming writer) ─────────────

const WIDTH = { text: 24, number: 12, date: 12 } as const;

/** The stream a streamed sheet's XML is piped into (exceljs's StreamBuf → archiver's deflate stream), once the zip has opened it. */
function zipInput(ws: ExcelJS.Worksheet): Writable | undefined {
  return (ws as unknown as { stream?: { pipes?: Writable[] } }).stream?.pipes?.[0];
}

/**
 * One sheet: the header row (bold, frozen), then each row committed as soon as it is written, so
 * that exceljs keeps none; no shared strings (their table would hold every text until the end);
 * days as dates (dd/mm/yyyy), numbers as numbers.
 */
export async function writeXlsx(out: Writable, o: ExportOutput): Promise<void> {
  // Loaded when an XLSX is asked for: exceljs takes ~0.4 s to load, which every process would pay at start.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(o.sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = o.columns.map((c) => ({ width: WIDTH[c.kind], style: c.kind === 'date' ? { numFmt: 'dd/mm/yyyy' } : {} }));
  const header = ws.addRow(o.headers);
  header.font = { bold: true };
  header.commit();
  for await (const batch of o.rows) {
    if (gone(out)) return;
    for (const cells of batch) ws.addRow(cells).commit();
    // exceljs pushes the sheet's XML into the zip's compressor without waiting for it: wait here
    // until it has taken what is written (it waits in turn for the response), or the XML piles up.
    const compressor = zipInput(ws);
    if (compressor) await drained(compressor);
    await drained(out);
    await nextTurn();
  }
  ws.commit();
  await wb.commit();
}
