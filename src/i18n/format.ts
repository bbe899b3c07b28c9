import { CalendarDate, dayOf } from '../time/calendar.js';
import type { LocaleCode } from './index.js';

// English follows the British convention (day before month: "1 March 2027", "01/03/2027"), which
// reads like the French one and is the usage of the English-speaking partners in Europe.
const tag = (locale: LocaleCode) => (locale === 'en' ? 'en-GB' : 'fr-FR');

/**
 * The one way each thing is shown (res.locals.fmt in pages, `fmt` in e-mails). Dates have two
 * styles: in a sentence or a record's details, the month in words ("1 mars 2027", "1 mars 2027 à
 * 14:05"); in a table cell, digits that line up ("01/03/2027", "01/03/2027 14:05"). Calendar dates
 * (@db.Date columns, CalendarDate) are shown as stored; instants in Paris time, the platform's
 * reference zone (`day`: the Paris day an instant falls on).
 */
export function formatters(locale: LocaleCode): Formatters {
  let f = cache.get(locale);
  if (!f) {
    f = build(locale);
    cache.set(locale, f);
  }
  return f;
}

type Day = Date | CalendarDate | null | undefined;
type Instant = Date | null | undefined;

export interface Formatters {
  /** A calendar date in a sentence: "1 mars 2027". */
  date: (d: Day) => string;
  /** The Paris day of an instant in a sentence (a period's bounds, "sent on"): "1 mars 2027". */
  day: (d: Instant) => string;
  /** An instant in a sentence: "1 mars 2027 à 14:05". */
  dateTime: (d: Instant) => string;
  /** A calendar date in a table cell: "01/03/2027". */
  shortDate: (d: Day) => string;
  /** The Paris day of an instant in a table cell: "01/03/2027". */
  shortDay: (d: Instant) => string;
  /** An instant in a table cell: "01/03/2027 14:05". */
  shortDateTime: (d: Instant) => string;
  /** An offer's number, the same in titles, lists and e-mails: "n° 4" (en "no. 4"). */
  offerNumber: (id: number) => string;
  /** A count or a quantity: "5 000" (en "5,000"). */
  number: (n: number) => string;
  /** An amount with its currency, always two decimals: "630,00 €" (en "€630.00"). */
  money: (amount: number, currency: string) => string;
  /** A calendar month given as "2026-02": "février 2026" (en "February 2026"). */
  month: (month: string) => string;
}

// Intl formatters are costly to build: once per language, not once per request.
const cache = new Map<LocaleCode, Formatters>();

// A non-breaking space: "n°" never ends a line without its number.
const NUMBER_PREFIX: Record<LocaleCode, string> = { fr: 'n°\u00a0', en: 'no.\u00a0' };

function build(locale: LocaleCode): Formatters {
  const make = (opts: Intl.DateTimeFormatOptions, timeZone: string) => new Intl.DateTimeFormat(tag(locale), { ...opts, timeZone });
  const long = make({ dateStyle: 'long' }, 'UTC');
  const short = make({ dateStyle: 'short' }, 'UTC');
  const longTime = make({ dateStyle: 'long', timeStyle: 'short' }, 'Europe/Paris');
  const shortTime = make({ dateStyle: 'short', timeStyle: 'short' }, 'Europe/Paris');
  const count = new Intl.NumberFormat(tag(locale));
  const utc = (d: Date | CalendarDate) => (d instanceof CalendarDate ? d.toDb() : d);
  const parisDay = (d: Date) => dayOf(d).toDb();
  const monthYear = make({ month: 'long', year: 'numeric' }, 'UTC');
  // One currency formatter per currency met (EUR, MAD, TND…), kept with the language's others.
  const currencies = new Map<string, Intl.NumberFormat>();
  const money = (amount: number, currency: string) => {
    let m = currencies.get(currency);
    if (!m) {
      m = new Intl.NumberFormat(tag(locale), { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
      currencies.set(currency, m);
    }
    return m.format(amount);
  };
  return {
    date: (d) => (d ? long.format(utc(d)) : ''),
    day: (d) => (d ? long.format(parisDay(d)) : ''),
    dateTime: (d) => (d ? longTime.format(d) : ''),
    shortDate: (d) => (d ? short.format(utc(d)) : ''),
    shortDay: (d) => (d ? short.format(parisDay(d)) : ''),
    shortDateTime: (d) => (d ? shortTime.format(d) : ''),
    offerNumber: (id) => `${NUMBER_PREFIX[locale]}${id}`,
    number: (n) => count.format(n),
    money,
    month: (m) => {
      const [y, mo] = m.split('-').map(Number);
      const d = CalendarDate.of(y, mo, 1);
      return d ? monthYear.format(d.toDb()) : m;
    },
  };
}
