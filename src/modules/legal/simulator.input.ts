// The public simulator's query string (issue 11), read once for the page and the JSON: the names
// are fixed by the issue (start, end, mon…sun, pause repeated, country, holidays, signedOn,
// previousHours); the page's form sends its interruptions as pairs (pauseFrom/pauseTo rows) so
// that it works without JavaScript. Anything a client may send is either read or refused beside
// its field (422): never an exception.
import type { Fields, FieldValue } from '../../http/input.js';
import { WEEKDAYS, type DayRange, type EngineInput, type Weekday, type WeeklySchedule } from '../../legal/types.js';
import { valuesOf } from '../../nomenclatures/index.js';
import { CalendarDate } from '../../time/calendar.js';

/** The most interruptions, the longest span and the most earlier hours a query may ask for: the page cannot be made to work for nothing. */
export const LIMITS = { pauses: 20, spanYears: 5, previousHours: 10_000, minYear: 2000, maxYear: 2099 } as const;

/** Seven hours Monday to Friday: the form's first values, and the week of a query that names no weekday. */
export const DEFAULT_SCHEDULE: WeeklySchedule = { mon: 7, tue: 7, wed: 7, thu: 7, fri: 7, sat: 0, sun: 0 };
export const DEFAULT_COUNTRY_CODE = 'FR';
/** Empty interruption rows the page offers without JavaScript (public/js/stipend.js adds and removes rows). */
export const EMPTY_PAUSE_ROWS = 3;

const COUNTRIES = new Set<string>(valuesOf('country'));
const PARAMS = ['start', 'end', ...WEEKDAYS, 'pause', 'pauseFrom', 'pauseTo', 'country', 'holidays', 'signedOn', 'previousHours'];

export interface PauseRow {
  from: string;
  to: string;
  /** Where the row came from: a `pause` parameter (its index) or a pair of the form (its index). */
  origin: { param: 'pause' | 'pair'; index: number };
}

/** What the form shows again: the values as typed. */
export interface SimulatorValues {
  start: string;
  end: string;
  hours: Record<Weekday, string>;
  pauses: { from: string; to: string }[];
  country: string;
  holidays: string;
  signedOn: string;
  previousHours: string;
}

/** What the engine is asked, but the parameters (read from the database by the caller). */
export type SimulatorQuery = Omit<EngineInput, 'parameters'>;

/** Each message is a catalogue key ("key|param"); `pauseKey` names the field of an interruption's error for the page or for JSON. */
export type SimulatorParse =
  | { kind: 'empty'; values: SimulatorValues }
  | { kind: 'invalid'; values: SimulatorValues; errors: Record<string, string>; jsonErrors: Record<string, string> }
  | { kind: 'ok'; values: SimulatorValues; query: SimulatorQuery };

const list = (v: FieldValue | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The first value of a field given once; a field given several times is refused (which one would be meant?). */
function single(q: Fields, name: string, errors: Record<string, string>): string {
  const v = q[name];
  if (Array.isArray(v)) {
    if (v.length > 1) errors[name] = 'legal.simulator.errors.single';
    return (v[0] ?? '').trim();
  }
  return (v ?? '').trim();
}

/** A day of the range the engine serves (2000–2099), or an error key. */
function dayOf(s: string): CalendarDate | string {
  const d = CalendarDate.parse(s);
  if (!d) return 'legal.simulator.errors.date';
  if (d.year < LIMITS.minYear || d.year > LIMITS.maxYear) return 'legal.simulator.errors.year';
  return d;
}

/** Hours as typed: "7", "7.5" or "7,5"; null when not a number. */
function hoursOf(s: string): number | null {
  const normal = s.replace(',', '.');
  return /^\d{1,5}(\.\d{1,2})?$/.test(normal) ? Number(normal) : null;
}

function countryOf(s: string): string | null {
  const c = s.toUpperCase();
  return COUNTRIES.has(c) ? c : null;
}

/** The interruptions: `pause=FROM/TO` parameters first, then the form's pairs with at least one day typed. */
function pauseRows(q: Fields): PauseRow[] {
  const rows: PauseRow[] = list(q.pause).map((p, index) => {
    const [from = '', to = '', ...rest] = p.trim().split('/');
    // "a/b/c" is no range: kept whole in `from` so that its error says so.
    return rest.length ? { from: p.trim(), to: '', origin: { param: 'pause', index } } : { from: from.trim(), to: to.trim(), origin: { param: 'pause', index } };
  });
  const froms = list(q.pauseFrom);
  const tos = list(q.pauseTo);
  for (let i = 0; i < Math.max(froms.length, tos.length); i++) {
    const from = (froms[i] ?? '').trim();
    const to = (tos[i] ?? '').trim();
    if (from || to) rows.push({ from, to, origin: { param: 'pair', index: i } });
  }
  return rows;
}

/**
 * Reads the query. `today` is the signature date by default (the Paris day of the request's
 * clock). A query that names none of the parameters is the empty form, not a refusal.
 */
export function parseSimulatorQuery(q: Fields, today: CalendarDate): SimulatorParse {
  const errors: Record<string, string> = {};
  const rows = pauseRows(q);
  const namesHours = WEEKDAYS.some((d) => q[d] !== undefined);
  const values: SimulatorValues = {
    start: single(q, 'start', errors),
    end: single(q, 'end', errors),
    // A query that names no weekday asks for the usual week; one that names some gives 0 to the others.
    hours: Object.fromEntries(WEEKDAYS.map((d) => [d, namesHours ? single(q, d, errors) : String(DEFAULT_SCHEDULE[d])])) as Record<Weekday, string>,
    pauses: rows.map(({ from, to }) => ({ from, to })),
    country: single(q, 'country', errors).toUpperCase() || DEFAULT_COUNTRY_CODE,
    holidays: single(q, 'holidays', errors).toUpperCase(),
    signedOn: single(q, 'signedOn', errors) || today.toString(),
    previousHours: single(q, 'previousHours', errors) || '0',
  };
  if (!PARAMS.some((p) => q[p] !== undefined)) return { kind: 'empty', values: { ...values, holidays: values.country } };

  const day = (field: 'start' | 'end' | 'signedOn'): CalendarDate | null => {
    if (!values[field]) return (errors[field] ??= 'errors.field.required'), null;
    const d = dayOf(values[field]);
    if (typeof d === 'string') return (errors[field] ??= d), null;
    return d;
  };
  const start = day('start');
  const end = day('end');
  const signedOn = day('signedOn');
  if (start && end && end.isBefore(start)) errors.end ??= 'legal.simulator.errors.endBeforeStart';
  else if (start && end && end.isAfter(start.addMonths(12 * LIMITS.spanYears))) errors.end ??= `legal.simulator.errors.span|${LIMITS.spanYears}`;

  const schedule = {} as WeeklySchedule;
  for (const d of WEEKDAYS) {
    const h = values.hours[d] === '' ? 0 : hoursOf(values.hours[d]);
    if (h === null || h > 24) errors[d] ??= 'legal.simulator.errors.hours';
    else schedule[d] = h;
  }

  const rulesCountry = countryOf(values.country);
  if (!rulesCountry) errors.country ??= 'legal.simulator.errors.country';
  // An empty value (the form's "same country") or none: the host's country.
  const holidaysCountry = values.holidays ? countryOf(values.holidays) : rulesCountry;
  if (values.holidays && !holidaysCountry) errors.holidays ??= 'legal.simulator.errors.country';

  const previous = hoursOf(values.previousHours);
  if (previous === null || previous > LIMITS.previousHours) errors.previousHours ??= `legal.simulator.errors.previousHours|${LIMITS.previousHours}`;

  const { interruptions, pauseErrors } = readPauses(rows, start, end);
  const jsonErrors = { ...errors };
  pauseErrors.forEach((e) => {
    // The page names the row's own field; JSON the query's parameter (`pause`, or the pair's).
    errors[`${e.part === 'from' ? 'pauseFrom' : 'pauseTo'}.${e.row}`] ??= e.message;
    const r = rows[e.row];
    jsonErrors[r.origin.param === 'pause' ? 'pause' : `${e.part === 'from' ? 'pauseFrom' : 'pauseTo'}.${r.origin.index}`] ??= e.message;
  });
  if (rows.length > LIMITS.pauses) {
    errors['pauseFrom.0'] ??= `legal.simulator.errors.tooManyPauses|${LIMITS.pauses}`;
    jsonErrors[rows[0].origin.param === 'pause' ? 'pause' : 'pauseFrom.0'] ??= `legal.simulator.errors.tooManyPauses|${LIMITS.pauses}`;
  }

  if (Object.keys(errors).length || !start || !end || !signedOn || !rulesCountry || !holidaysCountry || previous === null) {
    return { kind: 'invalid', values, errors, jsonErrors };
  }
  return { kind: 'ok', values, query: { start, end, schedule, interruptions, rulesCountry, holidaysCountry, signedOn, previousHours: previous } };
}

interface PauseError {
  row: number;
  part: 'from' | 'to';
  message: string;
}

/** Each interruption: two real days, in order, inside the internship. */
function readPauses(rows: PauseRow[], start: CalendarDate | null, end: CalendarDate | null) {
  const interruptions: DayRange[] = [];
  const pauseErrors: PauseError[] = [];
  rows.slice(0, LIMITS.pauses).forEach((r, row) => {
    const fail = (part: 'from' | 'to', message: string) => pauseErrors.push({ row, part, message });
    if (!r.from) return fail('from', r.origin.param === 'pause' ? 'legal.simulator.errors.pauseFormat' : 'legal.simulator.errors.pauseFrom');
    if (!r.to) return fail(r.origin.param === 'pause' ? 'from' : 'to', r.origin.param === 'pause' ? 'legal.simulator.errors.pauseFormat' : 'legal.simulator.errors.pauseTo');
    const from = dayOf(r.from);
    const to = dayOf(r.to);
    if (typeof from === 'string') return fail('from', r.origin.param === 'pause' ? 'legal.simulator.errors.pauseFormat' : from);
    if (typeof to === 'string') return fail('to', r.origin.param === 'pause' ? 'legal.simulator.errors.pauseFormat' : to);
    if (to.isBefore(from)) return fail('to', 'legal.simulator.errors.pauseOrder');
    if ((start && from.isBefore(start)) || (end && to.isAfter(end))) return fail('from', 'legal.simulator.errors.pauseOutside');
    interruptions.push({ from, to });
  });
  return { interruptions, pauseErrors };
}
