// One statistics table as a CSV or XLSX file, through the agreement export's writers (the same
// CSV as French Excel reads it, the same XLSX): a header row, then the table's rows as on the page.
import type { Request, Response } from 'express';
import type { ExportColumn } from '../agreements/export/export.columns.js';
import { CONTENT_TYPES, writeCsv, writeXlsx, type ExportFormat } from '../agreements/export/export.writers.js';
import { todayIn } from '../../time/calendar.js';
import { NO_COMPARISON, type Filters } from './statistics.scope.js';
import type { StatTable } from './statistics.tables.js';

const WRITERS = { csv: writeCsv, xlsx: writeXlsx } as const;

export const isFormat = (v: unknown): v is ExportFormat => typeof v === 'string' && Object.hasOwn(CONTENT_TYPES, v);

/** The filters as the page's query string: what the page showed is what the export counts. */
export function filtersQuery(f: Filters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ academicYear: f.year, compare: f.compare ?? NO_COMPARISON });
  if (f.centre !== null) q.set('centre', String(f.centre));
  if (f.programme !== null) q.set('programme', String(f.programme));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

export async function sendTable(req: Request, res: Response, table: StatTable, format: ExportFormat) {
  // The writers read each column's kind only (its width and format in the XLSX).
  const columns: ExportColumn[] = table.columns.map((c, i) => ({ key: `${table.name}.${i}`, group: 'figures', labelKey: '', kind: c.kind, paths: [], cell: () => null }));
  // The name says the table and the day, nothing of the filters.
  res.setHeader('Content-Type', CONTENT_TYPES[format]);
  res.setHeader('Content-Disposition', `attachment; filename="${req.t('statistics.export.filename')}-${table.name}-${todayIn(req.now).toString()}.${format}"`);
  const rows = (async function* () {
    yield table.rows.map((r) => r.cells);
  })();
  // A sheet's name may not hold : \ / ? * [ ] (Excel refuses the file).
  const sheetName = table.title.replace(/[:\\/?*[\]]/g, ' ');
  await WRITERS[format](res, { columns, headers: table.columns.map((c) => c.label), sheetName, rows });
}
