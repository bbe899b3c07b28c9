// How printed documents write dates, numbers and amounts in their language (five languages, where
// the site's own formatters know two). Built once per language: Intl formatters are costly.
import type { PrintLanguage } from '../modules/agreements/agreement.types.js';
import { CalendarDate } from '../time/calendar.js';

// English as in the site (British order: "2 March 2026"); each other language as spoken in its
// main European country.
const TAGS: Record<PrintLanguage, string> = { fr: 'fr-FR', en: 'en-GB', de: 'de-DE', es: 'es-ES', it: 'it-IT' };

export interface DocFormat {
  language: PrintLanguage;
  /** A calendar day ("2026-03-02" or a CalendarDate): "2 mars 2026". */
  date: (d: string | CalendarDate | null | undefined) => string;
  /** An instant, in Paris time (a signature): "2 mars 2026 à 14:05". */
  dateTime: (d: Date) => string;
  /** "1 234,5" */
  number: (n: number) => string;
  /** "1 234,50 €", always two decimals. */
  money: (amount: number, currency: string) => string;
  /** "2026-03" → "mars 2026". */
  month: (m: string) => string;
  /** 'one' or 'other' by the language's rules. */
  plural: (n: number) => 'one' | 'other';
}

const cache = new Map<PrintLanguage, DocFormat>();

export function docFormat(language: PrintLanguage): DocFormat {
  let f = cache.get(language);
  if (!f) {
    f = build(language);
    cache.set(language, f);
  }
  return f;
}

function build(language: PrintLanguage): DocFormat {
  const tag = TAGS[language];
  const long = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeZone: 'UTC' });
  const instant = new Intl.DateTimeFormat(tag, { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });
  const monthYear = new Intl.DateTimeFormat(tag, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const count = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 });
  const rules = new Intl.PluralRules(tag);
  const currencies = new Map<string, Intl.NumberFormat>();
  const money = (amount: number, currency: string) => {
    let m = currencies.get(currency);
    if (!m) {
      m = new Intl.NumberFormat(tag, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
      currencies.set(currency, m);
    }
    return m.format(amount);
  };
  const day = (d: string | CalendarDate | null | undefined) => (typeof d === 'string' ? CalendarDate.parse(d) : (d ?? null));
  return {
    language,
    date: (d) => {
      const c = day(d);
      return c ? long.format(c.toDb()) : '';
    },
    dateTime: (d) => instant.format(d),
    number: (n) => count.format(n),
    money,
    month: (m) => {
      const c = CalendarDate.parse(`${m}-01`);
      return c ? monthYear.format(c.toDb()) : m;
    },
    plural: (n) => (rules.select(n) === 'one' ? 'one' : 'other'),
  };
}
