// GET /agreements/export.xlsx and .csv: the agreements the search finds for the query's criteria,
// all of them, with the user's columns, in their language, streamed from the database to the response.
import type { Request, Response } from 'express';
import type { Ctx } from '../../../context.js';
import { log } from '../../../log.js';
import { todayIn } from '../../../time/calendar.js';
import type { AgreementSearchInput } from '../agreements.search.js';
import type { Prisma } from '../../../generated/prisma/client.js';
import { currentColumns } from './export.presets.js';
import { exportSource, rowReader } from './export.query.js';
import { CONTENT_TYPES, sliced, writeCsv, writeXlsx, type ExportFormat } from './export.writers.js';

const WRITERS = { csv: writeCsv, xlsx: writeXlsx } as const;

export async function streamExport(ctx: Ctx, req: Request, res: Response, format: ExportFormat, criteria: AgreementSearchInput, order: Prisma.AgreementOrderByWithRelationInput[]) {
  const columns = await currentColumns(ctx.db, req.actor!);
  // The ids are read before anything is sent: a failure there is still an error page.
  const source = await exportSource(ctx.db, req.actor!, criteria, order, columns);
  const read = rowReader(columns, { locale: req.locale, t: req.t }, req.t('exports.truncated'));
  // The day is the clock's (Paris); the name says nothing of the criteria (no personal data in it).
  const filename = `${req.t('exports.filename')}-${todayIn(req.now).toString()}.${format}`;
  res.setHeader('Content-Type', CONTENT_TYPES[format]);
  res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  const rows = sliced(source.batches(), read);
  try {
    await WRITERS[format](res, { columns, headers: columns.map((c) => req.t(c.labelKey)), sheetName: req.t('exports.sheetName'), rows });
  } catch (err) {
    if (!res.headersSent) throw err;
    // Half a file is already out: cut the connection so the download fails instead of looking complete.
    log.error('agreement export failed while streaming', { requestId: req.id, format, error: err instanceof Error ? err.message : String(err) });
    res.destroy(err instanceof Error ? err : undefined);
  }
}
