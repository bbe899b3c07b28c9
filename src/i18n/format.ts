import { dayOf } from '../time/calendar.js';
import type { LocaleCode } from './index.js';

const tag = (locale: LocaleCode) => (locale === 'en' ? 'en-GB' : 'fr-FR');

/**
 * Date formatters for views (res.locals.fmt). Calendar dates (@db.Date columns) are stored at UTC
 * midnight and shown in UTC; instants are shown in Paris time, the platform's reference zone.
 */
export function formatters(locale: LocaleCode): Formatters {
  let f = cache.get(locale);
  if (!f) {
    f = build(locale);
    cache.set(locale, f);
  }
  return f;
}

export interface Formatters {
  date: (d: Date | null | undefined) => string;
  dateTime: (d: Date | null | undefined) => string;
  /** The Paris day an instant falls on (a period's bounds stored as instants). */
  day: (d: Date | null | undefined) => string;
}

// Intl formatters are costly to build: once per language, not once per request.
const cache = new Map<LocaleCode, Formatters>();

function build(locale: LocaleCode): Formatters {
  const date = new Intl.DateTimeFormat(tag(locale), { dateStyle: 'long', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(tag(locale), { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' });
  return {
    date: (d: Date | null | undefined) => (d ? date.format(d) : ''),
    dateTime: (d: Date | null | undefined) => (d ? dateTime.format(d) : ''),
    day: (d: Date | null | undefined) => (d ? date.format(dayOf(d).toDb()) : ''),
  };
}
