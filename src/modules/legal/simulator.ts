// The public stipend simulator (issue 11): the engine run on the parameters of the database, and
// what the page and the JSON answer show of its result.
import type { DbOrTx } from '../../db/client.js';
import { computeInternship } from '../../legal/engine.js';
import type { Check, EngineResult } from '../../legal/types.js';
import type { Formatters } from '../../i18n/format.js';
import type { LocaleCode, Translate } from '../../i18n/index.js';
import { label } from '../../nomenclatures/index.js';
import { CalendarDate } from '../../time/calendar.js';
import { loadParameters } from './parameters.service.js';
import type { SimulatorQuery } from './simulator.input.js';

/** The engine on the parameters in force in the database (every country, every date: the engine picks). */
export async function simulate(db: DbOrTx, query: SimulatorQuery): Promise<EngineResult> {
  return computeInternship({ ...query, parameters: await loadParameters(db) });
}

// Hours in hundredths and amounts in cents come out of the engine exact; rounding again here only
// keeps a binary fraction (0.1 + 0.2) from ever reaching a client as 0.30000000000000004.
const cents = (n: number) => Math.round(n * 100) / 100;

/**
 * The JSON answer: the engine's result field for field (numbers as numbers, amounts with two
 * decimals at most), each check flattened to `{ code, severity, …params }` with its message in the
 * request's language.
 */
export function simulatorJson(r: EngineResult, say: CheckWords) {
  return {
    presenceHours: cents(r.presenceHours),
    days: r.days,
    months: r.months,
    remainingDays: r.remainingDays,
    stipend: {
      due: r.stipend.due,
      reason: r.stipend.reason,
      hoursWithHost: cents(r.stipend.hoursWithHost),
      thresholdHours: r.stipend.thresholdHours,
      hourlyMinimum: r.stipend.hourlyMinimum,
      currency: r.stipend.currency,
      monthly: r.stipend.monthly.map((m) => ({ month: m.month, hours: cents(m.hours), minimum: cents(m.minimum) })),
      total: cents(r.stipend.total),
    },
    checks: r.checks.map((c) => ({ code: c.code, severity: c.severity, ...c.params, message: checkMessage(c, say) })),
  };
}

/** What turns an engine's figures into words: the request's translator, formatters and language. */
export interface CheckWords {
  t: Translate;
  fmt: Formatters;
  locale: LocaleCode;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A check's message (legal.checks.<code>) with its parameters in words: dates, weekdays, countries, hours. */
export function checkMessage(c: Check, { t, fmt, locale }: CheckWords): string {
  const params: Record<string, string> = {};
  for (const [name, v] of Object.entries(c.params)) {
    if (typeof v === 'number') params[name] = fmt.number(v);
    else if (ISO_DAY.test(v)) params[name] = fmt.date(CalendarDate.parse(v));
    else if (name === 'day') params[name] = t(`legal.weekdays.${v}`);
    else if (name === 'country') params[name] = label('country', v, locale);
    else if (name === 'key') params[name] = t(`legal.keys.${v}`);
    else params[name] = v;
  }
  // A rate that has never been set has no first date to tell.
  const key = c.code === 'rate_not_in_force' && !c.params.validFrom ? 'legal.checks.rate_not_in_force_none' : `legal.checks.${c.code}`;
  return t(key, params);
}

/** "4 mois et 12 jours (868 heures)", singular and plural by the language's rules. */
export function durationText(r: Pick<EngineResult, 'months' | 'remainingDays' | 'presenceHours'>, { t, fmt, locale }: CheckWords): string {
  const rules = new Intl.PluralRules(locale);
  const unit = (n: number, name: string) => `${fmt.number(n)} ${t(`legal.units.${name}.${rules.select(n) === 'one' ? 'one' : 'other'}`)}`;
  return t('legal.simulator.duration', { months: unit(r.months, 'month'), days: unit(r.remainingDays, 'day'), hours: unit(cents(r.presenceHours), 'hour') });
}

/** Why the stipend is (not) due, in words: the threshold and the hours with the host, or the country without a statutory stipend. */
export function reasonText(r: EngineResult, country: string, signedOn: CalendarDate, words: CheckWords): string {
  const { t, fmt, locale } = words;
  const s = r.stipend;
  const params = {
    hours: fmt.number(cents(s.hoursWithHost)),
    threshold: s.thresholdHours === null ? '' : fmt.number(s.thresholdHours),
    country: label('country', country, locale),
    rate: s.hourlyMinimum !== null && s.currency ? fmt.money(s.hourlyMinimum, s.currency) : '',
    signedOn: fmt.date(signedOn),
  };
  if (s.reason === 'over_threshold') return t(s.hourlyMinimum === null ? 'legal.simulator.reason.over_threshold_no_rate' : 'legal.simulator.reason.over_threshold', params);
  return t(`legal.simulator.reason.${s.reason}`, params);
}
