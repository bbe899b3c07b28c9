// The statistics as tables, in the reader's language: the page draws each one as a chart and a
// table, and the export writes the same rows (GET /statistics/export?table=<name>), so that the
// file and the page never disagree.
import { AgreementStatus } from '../../generated/prisma/enums.js';
import type { Formatters } from '../../i18n/format.js';
import { hasKey, type LocaleCode, type Translate } from '../../i18n/index.js';
import { label, valuesOf, type NomenclatureName } from '../../nomenclatures/index.js';
import { LABEL_STEPS } from '../followup/label.steps.js';
import { NAF_SECTIONS, nafSectionOf } from '../organisations/identifiers.js';
import type { Part, StatisticsData, YearData } from './statistics.service.js';
import { APPLICATION_BUCKETS, MONTHS_CAP, type Quartiles } from './statistics.sql.js';

export type StatCell = string | number | null;
export interface Bar {
  label: string;
  value: number | null;
  max: number;
  text: string;
}
export interface StatTable {
  name: string;
  title: string;
  caption: string;
  /** What the section says of its figures (how they are counted). */
  note: string | null;
  columns: { label: string; kind: 'text' | 'number' }[];
  /** The first cell names the row; `key` is the value it stands for (data-row in the page). */
  rows: { key: string; cells: StatCell[] }[];
  bars: Bar[];
}

export interface Words {
  t: Translate;
  locale: LocaleCode;
  fmt: Formatters;
}

/** Each page's tables, in its order. */
export const TABLES_OF: Record<Part, readonly string[]> = {
  agreements: ['states', 'types', 'countries', 'sectors', 'headcounts', 'studyYears', 'durations', 'stipend', 'hourly', 'delays'],
  followup: ['late'],
  comparison: ['offers', 'applications', 'label', 'comparison'],
};
/** The page a table is on (undefined: no such table). */
export const partOf = (table: unknown): Part | undefined => (Object.keys(TABLES_OF) as Part[]).find((p) => TABLES_OF[p].includes(String(table)));

const round = (x: number | null | undefined, digits: number) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits);
/** A share in per cent with one decimal (null when the base is zero). */
export const percent = (n: number, base: number) => (base > 0 ? round((100 * n) / base, 1) : null);
const q = (x: Quartiles, i: number, digits: number) => (x ? round(x[i], digits) : null);

function build(w: Words, name: string, p: Record<string, string | number | null> = {}) {
  const L = (k: string, params?: Record<string, string | number | null>) => w.t(`statistics.tables.${name}.${k}`, params);
  return { L, base: { name, title: L('title'), caption: L('caption', p), note: hasKey(`statistics.tables.${name}.note`) ? L('note', p) : null } };
}

/** A count per value: the value, the agreements, their share of the year's; the bars the counts. */
function distribution(w: Words, name: string, year: string, rows: { key: string; label: string; n: number }[]): StatTable {
  const { L, base } = build(w, name, { year });
  const total = rows.reduce((s, r) => s + r.n, 0);
  const max = Math.max(0, ...rows.map((r) => r.n));
  return {
    ...base,
    columns: [{ label: L('value'), kind: 'text' }, { label: w.t('statistics.agreements'), kind: 'number' }, { label: w.t('statistics.share'), kind: 'number' }],
    rows: rows.map((r) => ({ key: r.key, cells: [r.label, r.n, percent(r.n, total)] })),
    bars: rows.map((r) => ({ label: r.label, value: r.n, max, text: w.t('statistics.countShare', { count: w.fmt.number(r.n), share: w.fmt.number(percent(r.n, total) ?? 0) }) })),
  };
}

const NONE = '';
/** The counts of a dimension by key (the rows without a value under NONE). */
const counts = (rows: { key: string | null; n: number }[]) => new Map(rows.map((r) => [r.key ?? NONE, r.n]));
/** Every value of a nomenclature in its order (zeros too), then the rows without a value. */
function everyValue(d: Map<string, number>, values: readonly string[], labelOf: (v: string) => string, none: string) {
  const rows = values.map((v) => ({ key: v, label: labelOf(v), n: d.get(v) ?? 0 }));
  return d.has(NONE) ? [...rows, { key: NONE, label: none, n: d.get(NONE)! }] : rows;
}
/** The values met, the most frequent first. */
function byCount(d: Map<string, number>, labelOf: (v: string) => string, none: string) {
  return [...d].map(([key, n]) => ({ key, label: key === NONE ? none : labelOf(key), n })).sort((x, y) => y.n - x.n || x.label.localeCompare(y.label));
}

function distributionTables(d: StatisticsData, w: Words): StatTable[] {
  const y = d.filters.year;
  const ref = (n: NomenclatureName) => (v: string) => label(n, v, w.locale);
  const none = w.t('statistics.none');
  const D = d.distributions;
  const sections = new Map(NAF_SECTIONS.map((s) => [s.code, `${s.code} — ${s.label}`]));
  // The counts by NAF division summed into the divisions' sections (a code that names none: no value).
  const bySection = new Map<string, number>();
  for (const r of D.sectors) {
    const key = (r.key !== null && nafSectionOf(r.key)?.code) || NONE;
    bySection.set(key, (bySection.get(key) ?? 0) + r.n);
  }
  const months = (k: string) => (k === '0' ? w.t('statistics.months.less') : Number(k) >= MONTHS_CAP ? w.t('statistics.months.more', { n: MONTHS_CAP }) : w.t('statistics.months.n', { n: k }));
  return [
    distribution(w, 'states', y, everyValue(counts(D.states), Object.values(AgreementStatus), (v) => w.t(`agreements.status.${v}`), none)),
    distribution(w, 'types', y, everyValue(counts(D.types), valuesOf('internshipType'), ref('internshipType'), none)),
    distribution(w, 'countries', y, byCount(counts(D.countries), ref('country'), none)),
    distribution(w, 'sectors', y, byCount(bySection, (v) => sections.get(v) ?? v, none)),
    distribution(w, 'headcounts', y, everyValue(counts(D.headcounts), valuesOf('headcountBand'), ref('headcountBand'), none)),
    distribution(w, 'studyYears', y, byCount(counts(D.studyYears), (v) => d.studyYearNames[v] ?? v, none)),
    distribution(w, 'durations', y, everyValue(counts(D.durations), Array.from({ length: MONTHS_CAP + 1 }, (_, i) => String(i)), months, w.t('statistics.months.none'))),
  ];
}

function stipendTables(d: StatisticsData, w: Words): StatTable[] {
  const f = d.years[d.filters.year]?.figures;
  const s = build(w, 'stipend', { year: d.filters.year });
  const shares = [
    { key: 'paid', n: f?.paid ?? 0, base: f?.total ?? 0 },
    { key: 'due', n: f?.due ?? 0, base: f?.computed ?? 0 },
  ];
  const stipend: StatTable = {
    ...s.base,
    columns: [{ label: w.t('statistics.indicator'), kind: 'text' }, { label: w.t('statistics.agreements'), kind: 'number' }, { label: s.L('base'), kind: 'number' }, { label: w.t('statistics.share'), kind: 'number' }],
    rows: shares.map((r) => ({ key: r.key, cells: [s.L(r.key), r.n, r.base, percent(r.n, r.base)] })),
    bars: shares.map((r) => ({ label: s.L(r.key), value: percent(r.n, r.base), max: 100, text: w.t('statistics.percent', { value: w.fmt.number(percent(r.n, r.base) ?? 0) }) })),
  };
  const h = build(w, 'hourly', { year: d.filters.year });
  // The chart shows the currency most agreements state (the table gives every one).
  const main = d.hourly[0];
  const money = (x: number | null, c: string) => (x === null ? '—' : w.fmt.money(x, c));
  const hourly: StatTable = {
    ...h.base,
    columns: [{ label: h.L('currency'), kind: 'text' }, { label: w.t('statistics.agreements'), kind: 'number' }, ...quartileColumns(w)],
    rows: d.hourly.map((x) => ({ key: x.currency, cells: [x.currency, x.n, q(x.q, 0, 2), q(x.q, 1, 2), q(x.q, 2, 2)] })),
    bars: main ? [0, 1, 2].map((i) => ({ label: `${quartileColumns(w)[i].label} (${main.currency})`, value: q(main.q, i, 2), max: q(main.q, 2, 2) ?? 0, text: money(q(main.q, i, 2), main.currency) })) : [],
  };
  return [stipend, hourly];
}

const quartileColumns = (w: Words) => [{ label: w.t('statistics.q1'), kind: 'number' as const }, { label: w.t('statistics.median'), kind: 'number' as const }, { label: w.t('statistics.q3'), kind: 'number' as const }];

function delayTable(d: StatisticsData, w: Words): StatTable {
  const f = d.delays;
  const { L, base } = build(w, 'delays', { year: d.filters.year });
  const rows = [
    { key: 'sheet', n: f?.sheetN ?? 0, q: f?.sheetQ ?? null },
    { key: 'created', n: f?.createdN ?? 0, q: f?.createdQ ?? null },
  ];
  const max = Math.max(0, ...rows.map((r) => q(r.q, 1, 1) ?? 0));
  return {
    ...base,
    columns: [{ label: w.t('statistics.indicator'), kind: 'text' }, { label: w.t('statistics.agreements'), kind: 'number' }, ...quartileColumns(w)],
    rows: rows.map((r) => ({ key: r.key, cells: [L(r.key), r.n, q(r.q, 0, 1), q(r.q, 1, 1), q(r.q, 2, 1)] })),
    bars: rows.map((r) => ({ label: L(r.key), value: q(r.q, 1, 1), max, text: q(r.q, 1, 1) === null ? '—' : w.t('statistics.days', { n: w.fmt.number(q(r.q, 1, 1)!) }) })),
  };
}

/** Applications per offer (the average), with one decimal. */
const perOffer = (o: YearData['offers']) => (o && o.offers ? round(o.applications / o.offers, 1) : null);

function offerTables(d: StatisticsData, w: Words): StatTable[] {
  const o = d.years[d.filters.year]?.offers ?? null;
  const offers = o?.offers ?? 0;
  const s = build(w, 'offers', { year: d.filters.year });
  const figures: [string, number | null][] = [['published', offers], ['applications', o?.applications ?? 0], ['perOffer', perOffer(o)], ['filled', o?.filled ?? 0], ['filledRate', percent(o?.filled ?? 0, offers)]];
  const summary: StatTable = {
    ...s.base,
    columns: [{ label: w.t('statistics.indicator'), kind: 'text' }, { label: w.t('statistics.value'), kind: 'number' }],
    rows: figures.map(([key, v]) => ({ key, cells: [s.L(key), v] })),
    bars: [
      { label: s.L('filled'), value: o?.filled ?? 0, max: offers, text: w.t('statistics.countOf', { count: w.fmt.number(o?.filled ?? 0), total: w.fmt.number(offers) }) },
      { label: s.L('answered'), value: offers - (o?.b0 ?? 0), max: offers, text: w.t('statistics.countOf', { count: w.fmt.number(offers - (o?.b0 ?? 0)), total: w.fmt.number(offers) }) },
    ],
  };
  const a = build(w, 'applications', { year: d.filters.year });
  const rows = APPLICATION_BUCKETS.map((b) => ({ key: b, label: a.L(b), n: o?.[b] ?? 0 }));
  const spread: StatTable = { ...distribution(w, 'applications', d.filters.year, rows) };
  spread.columns = [{ label: a.L('value'), kind: 'text' }, { label: a.L('offers'), kind: 'number' }, { label: w.t('statistics.share'), kind: 'number' }];
  return [summary, spread];
}

function labelTable(d: StatisticsData, w: Words): StatTable {
  const l = d.years[d.filters.year]?.label;
  const { L, base } = build(w, 'label', { year: d.filters.year });
  const following = l?.following ?? 0;
  const rows: [string, number | null][] = [['following', following], ['awarded', l?.awarded ?? 0], ['refused', l?.refused ?? 0], ['withdrawn', l?.withdrawn ?? 0], ['rate', percent(l?.awarded ?? 0, following)]];
  return {
    ...base,
    columns: [{ label: w.t('statistics.indicator'), kind: 'text' }, { label: w.t('statistics.value'), kind: 'number' }],
    rows: rows.map(([key, v]) => ({ key, cells: [L(key), v] })),
    bars: (['awarded', 'refused', 'withdrawn'] as const).map((k) => ({ label: L(k), value: l?.[k] ?? 0, max: following, text: w.t('statistics.countOf', { count: w.fmt.number(l?.[k] ?? 0), total: w.fmt.number(following) }) })),
  };
}

function lateTable(d: StatisticsData, w: Words): StatTable {
  const { L, base } = build(w, 'late', { year: d.filters.year, date: w.fmt.date(d.today) });
  // The steps counted (statistics.sql.ts lateDuring, lateAfter), in the step table's order.
  const rows = LABEL_STEPS.filter((s) => d.late[s.code] !== undefined).map((s) => ({ key: s.code, label: w.t(`followup.steps.code.${s.code}`), n: d.late[s.code] }));
  const max = Math.max(0, ...rows.map((r) => r.n));
  return {
    ...base,
    columns: [{ label: L('step'), kind: 'text' }, { label: L('count'), kind: 'number' }],
    rows: rows.map((r) => ({ key: r.key, cells: [r.label, r.n] })),
    bars: rows.filter((r) => r.n > 0).map((r) => ({ label: r.label, value: r.n, max, text: w.fmt.number(r.n) })),
  };
}

/** The headline figures of a year, by key (null where there is nothing to measure). */
function headline(y: YearData | undefined): [string, number | null][] {
  const f = y?.figures;
  return [
    ['total', f?.total ?? 0],
    ['validated', f?.validated ?? 0],
    ['paidShare', percent(f?.paid ?? 0, f?.total ?? 0)],
    ['dueShare', percent(f?.due ?? 0, f?.computed ?? 0)],
    ['monthsMedian', round(f?.monthsMedian, 1)],
    ['offers', y?.offers?.offers ?? 0],
    ['perOffer', perOffer(y?.offers ?? null)],
    ['filledRate', percent(y?.offers?.filled ?? 0, y?.offers?.offers ?? 0)],
    ['labelRate', percent(y?.label?.awarded ?? 0, y?.label?.following ?? 0)],
  ];
}

function comparisonTable(d: StatisticsData, w: Words): StatTable | null {
  const { year, compare } = d.filters;
  if (!compare) return null;
  const { L, base } = build(w, 'comparison', { year, compare });
  const now = headline(d.years[year]);
  const then = new Map(headline(d.years[compare]));
  const name = (k: string) => L(k);
  return {
    ...base,
    columns: [{ label: w.t('statistics.indicator'), kind: 'text' }, { label: year, kind: 'number' }, { label: compare, kind: 'number' }, { label: L('change'), kind: 'number' }],
    rows: now.map(([k, v]) => {
      const before = then.get(k) ?? null;
      return { key: k, cells: [name(k), v, before, v === null || before === null ? null : round(v - before, 2)] };
    }),
    bars: now.flatMap(([k, v]) => {
      const before = then.get(k) ?? null;
      const max = Math.max(v ?? 0, before ?? 0);
      const text = (x: number | null) => (x === null ? '—' : w.fmt.number(x));
      return [{ label: `${name(k)} — ${year}`, value: v, max, text: text(v) }, { label: `${name(k)} — ${compare}`, value: before, max, text: text(before) }];
    }),
  };
}

/** The tables of the page the figures are for, in its order (the comparison only with a year to compare with). */
export function statisticsTables(d: StatisticsData, w: Words): StatTable[] {
  if (d.part === 'agreements') return [...distributionTables(d, w), ...stipendTables(d, w), delayTable(d, w)];
  if (d.part === 'followup') return [lateTable(d, w)];
  const comparison = comparisonTable(d, w);
  return [...offerTables(d, w), labelTable(d, w), ...(comparison ? [comparison] : [])];
}
