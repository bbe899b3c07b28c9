// The statistics pages ("indicateurs", issue 15): the figures of one academic year within the
// actor's reach under the pages' filters, in three pages so that each runs a few aggregate
// statements side by side (statistics.sql.ts): the agreements (with their stipend and the time to
// their validation); the steps late; the offers, the label and the comparison with another year.
// Nothing here reads one row per agreement.
import { Service } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import type { DbOrTx } from '../../db/client.js';
import { instantsOf } from '../../time/academic-year.js';
import { academicYearNamed } from '../institutions/academic-years.js';
import { agreementsSql, offersSql, resolveFilters, type Filters, type Reach, type StatisticsInput, type Choices } from './statistics.scope.js';
import { delays, DIMENSIONS, distributions, hourlyStipends, labelFigures, lateClosing, lateDuring, lateEnd, offerFigures, yearFigures, type Delays, type Dimension, type OfferFigures, type Quartiles, type YearFigures } from './statistics.sql.js';
import type { CalendarDate } from '../../time/calendar.js';

/** The three pages, each with its path under /statistics. */
export const PARTS = { agreements: '', followup: '/follow-up', comparison: '/comparison' } as const;
export type Part = keyof typeof PARTS;

/** The figures of a year (the chosen one's, and on the comparison the compared one's). */
export interface YearData {
  figures: YearFigures | null;
  offers: OfferFigures | null;
  label: { following: number; awarded: number; refused: number; withdrawn: number } | null;
}

export interface StatisticsData {
  part: Part;
  filters: Filters;
  choices: Choices;
  today: CalendarDate;
  years: Record<string, YearData>;
  distributions: Record<Dimension, { key: string | null; n: number }[]>;
  studyYearNames: Record<string, string>;
  hourly: { currency: string; n: number; q: Quartiles }[];
  delays: Delays | null;
  late: Record<string, number>;
}

const noDistributions = () => Object.fromEntries(DIMENSIONS.map((d) => [d, [] as { key: string | null; n: number }[]])) as StatisticsData['distributions'];

export class StatisticsService extends Service {
  /**
   * A statement without parallel workers: a page runs its statements side by side, each on its
   * own connection, and workers on top of them only queue for the same processors.
   */
  private alone<T>(run: (db: DbOrTx) => Promise<T>): Promise<T> {
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw`SET LOCAL max_parallel_workers_per_gather = 0`;
      return run(tx);
    });
  }

  /** The figures of one page for this actor and these filters (a centre or programme out of reach: 404). */
  async figures(actor: Actor, input: StatisticsInput, now: Date, part: Part): Promise<StatisticsData> {
    const { reach, filters, choices, today } = await resolveFilters(this.db, actor, input, now);
    const out: StatisticsData = { part, filters, choices, today, years: {}, distributions: noDistributions(), studyYearNames: {}, hourly: [], delays: null, late: {} };
    const where = agreementsSql(reach, filters);
    if (part === 'agreements') {
      const [dist, figures, hourly, delay] = await Promise.all([
        this.alone((db) => distributions(db, where, filters.year)),
        this.alone((db) => yearFigures(db, where, [filters.year])),
        this.alone((db) => hourlyStipends(db, where, filters.year)),
        this.alone((db) => delays(db, where, filters.year)),
      ]);
      for (const r of dist) out.distributions[r.dim].push({ key: r.key, n: r.n });
      out.studyYearNames = await this.studyYearNames(out.distributions.studyYears);
      out.hourly = hourly;
      out.delays = delay;
      out.years = this.perYear([filters.year], figures, [], []);
    } else if (part === 'followup') {
      const [during, end, closing] = await Promise.all([
        this.alone((db) => lateDuring(db, where, filters.year, today)),
        this.alone((db) => lateEnd(db, where, filters.year, today)),
        this.alone((db) => lateClosing(db, where, filters.year, today)),
      ]);
      out.late = { ...during, ...end, ...closing };
    } else {
      const years = filters.compare ? [filters.year, filters.compare] : [filters.year];
      const [figures, offers, label] = await Promise.all([
        filters.compare ? this.alone((db) => yearFigures(db, where, years)) : [],
        this.offers(reach, choices, filters, years),
        this.alone((db) => labelFigures(db, where, years)),
      ]);
      out.years = this.perYear(years, figures, offers, label);
    }
    return out;
  }

  /** The offers of these years (a year named by the administrator in another form than "2026-2027" has no period: none counted). */
  private async offers(reach: Reach, choices: Choices, filters: Filters, years: string[]) {
    const periods = (await Promise.all(years.map(async (label) => {
      const p = await academicYearNamed(this.db, label);
      return p ? { label, ...instantsOf(p) } : null;
    }))).filter((p) => p !== null);
    return periods.length ? this.alone((db) => offerFigures(db, offersSql(reach, choices.centres, filters), periods)) : [];
  }

  private perYear(years: string[], figures: YearFigures[], offers: OfferFigures[], label: (YearData['label'] & { year: string })[]) {
    return Object.fromEntries(years.map((y): [string, YearData] => [y, {
      figures: figures.find((f) => f.year === y) ?? null,
      offers: offers.find((o) => o.year === y) ?? null,
      label: label.find((l) => l.year === y) ?? null,
    }]));
  }

  /** The study years counted, named with their programme. */
  private async studyYearNames(rows: { key: string | null }[]) {
    const ids = rows.map((r) => Number(r.key)).filter((x) => Number.isInteger(x) && x > 0);
    const studyYears = await this.db.studyYear.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, programme: { select: { name: true } } } });
    return Object.fromEntries(studyYears.map((s) => [String(s.id), `${s.name} (${s.programme.name})`]));
  }
}
