import type { Request } from 'express';
import type { Ctx } from '../../context.js';
import { allow } from '../../authz/guard.js';
import { notFound } from '../../errors.js';
import { searchCriteria } from '../../http/pages.js';
import { newRouter } from '../../http/router.js';
import { formatters } from '../../i18n/format.js';
import { isFormat, filtersQuery, sendTable } from './statistics.export.js';
import { NO_COMPARISON, STATISTICS_KEYS, statisticsSchema } from './statistics.scope.js';
import { PARTS, type Part } from './statistics.service.js';
import { partOf, statisticsTables, type Words } from './statistics.tables.js';

const words = (req: Request): Words => ({ t: req.t, locale: req.locale, fmt: formatters(req.locale) });
const criteria = (req: Request) => searchCriteria(statisticsSchema, req.query, { keys: STATISTICS_KEYS });

/**
 * Statistics, "indicateurs" (issue 15), for centre staff (their centres), programme managers (their
 * programmes) and the platform administrator (every agreement), on three pages that share their
 * filters in the query string (academicYear, compare, centre, programme):
 *   GET /statistics ('statistics.view'): the agreements — by state, type, country, sector, headcount,
 *     study year, duration; the stipend; the time to validation;
 *   GET /statistics/follow-up ('statistics.view'): the steps late;
 *   GET /statistics/comparison ('statistics.view'): the offers and their applications, the quality
 *     label, and the headline figures beside another year's;
 *   GET /statistics/export?table=<name>&format=csv|xlsx ('statistics.view'): one table as a file.
 * Each table is an SVG chart and its table. A centre or programme out of reach, an unknown table or format: 404.
 */
export function statisticsRoutes(ctx: Ctx) {
  const r = newRouter();
  const svc = ctx.services.statistics;

  for (const part of Object.keys(PARTS) as Part[]) {
    r.get(PARTS[part] || '/', allow('statistics.view'), async (req, res) => {
      const d = await svc.figures(req.actor!, criteria(req).input ?? {}, req.now, part);
      const f = d.filters;
      res.render('statistics/index', {
        title: req.t(`statistics.parts.${part}`),
        ...d,
        tables: statisticsTables(d, words(req)),
        values: { academicYear: f.year, compare: f.compare ?? NO_COMPARISON, centre: f.centre ?? '', programme: f.programme ?? '' },
        errors: {},
        noComparison: NO_COMPARISON,
        parts: (Object.keys(PARTS) as Part[]).map((p) => ({ part: p, href: `/statistics${PARTS[p]}?${filtersQuery(f)}`, current: p === part })),
        action: `/statistics${PARTS[part]}`,
        exportLink: (table: string, format: string) => `/statistics/export?${filtersQuery(f, { table, format })}`,
      });
    });
  }

  r.get('/export', allow('statistics.view'), async (req, res) => {
    const { table: name, format } = req.query;
    const part = partOf(name);
    if (!part || !isFormat(format)) throw notFound();
    const d = await svc.figures(req.actor!, criteria(req).input ?? {}, req.now, part);
    // The comparison exists only with another year to compare with.
    const table = statisticsTables(d, words(req)).find((t) => t.name === name);
    if (!table) throw notFound();
    await sendTable(req, res, table, format);
  });

  return r;
}
