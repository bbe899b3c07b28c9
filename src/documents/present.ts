// What the documents say of an agreement's copy, in words of the print language: names, addresses,
// reference values' labels, the duration in the law's units and the stipend month by month.
import type { EngineResult } from '../legal/types.js';
import { WEEKDAYS, type WeeklySchedule } from '../legal/types.js';
import type { PrintLanguage } from '../modules/agreements/agreement.types.js';
import type { AgreementSnapshot, Labelled } from '../modules/agreements/agreements.snapshot.js';
import { label } from '../nomenclatures/index.js';
import { CalendarDate } from '../time/calendar.js';
import type { Say } from './base.js';
import type { DocFormat } from './format.js';

type Internship = AgreementSnapshot['internship'];

// A document prints the same bytes every time: its date comes from the agreement, else this one.
const FALLBACK_DATE = new Date(Date.UTC(2000, 0, 1));

/** The file's date when none is given: the day the legal figures were computed (the submission's). */
export function defaultGeneratedAt(s: AgreementSnapshot): Date {
  const day = CalendarDate.parse(s.legal?.signedOn);
  return day ? day.toDb() : FALLBACK_DATE;
}

/** A reference value's label in the language (the copy keeps all five; French, then the value, when one is missing). */
export function lbl(x: Labelled | null | undefined, lang: PrintLanguage): string {
  if (!x?.value) return '';
  return x.labels[lang] || x.labels.fr || x.value;
}

interface Named {
  civility?: Labelled | null;
  firstName: string;
  lastName: string;
  function?: string | null;
}

/** "M. Bruno Martin" (no civility when it is not said), with ", function" when asked. */
export function personName(p: Named | null | undefined, lang: PrintLanguage, withFunction = false): string {
  if (!p) return '';
  const civility = p.civility?.value && p.civility.value !== 'NONE' ? lbl(p.civility, lang) : '';
  const name = [civility, p.firstName, p.lastName].filter(Boolean).join(' ');
  return withFunction && p.function ? `${name}, ${p.function}` : name;
}

interface Postal {
  addressLine1?: string | null;
  addressLine2?: string | null;
  postalCode?: string | null;
  city?: string | null;
  country?: string | null;
}

/** "12 rue X, 69003 Lyon, France" with the country's name in the language. */
export function addressText(o: Postal | null | undefined, lang: PrintLanguage): string {
  if (!o) return '';
  const country = o.country ? label('country', o.country, lang) : '';
  return [o.addressLine1, o.addressLine2, [o.postalCode, o.city].filter(Boolean).join(' '), country].filter(Boolean).join(', ');
}

/** "phone — e-mail" */
export function contactText(o: { phone?: string | null; email?: string | null } | null | undefined): string {
  return o ? [o.phone, o.email].filter(Boolean).join(' — ') : '';
}

/** "M. Bruno Martin, Chef de projet — 04 00 00 00 00 — tutor@acme.test" */
export function companyTutorText(s: Pick<AgreementSnapshot, 'companyTutor'>, lang: PrintLanguage): string {
  return [personName(s.companyTutor, lang, true), contactText(s.companyTutor)].filter(Boolean).join(' — ');
}

/** "Paul Durand — teacher@uda.test" (the teacher's copy keeps no civility). */
export function academicTutorText(s: Pick<AgreementSnapshot, 'academicTutor'>): string {
  const t = s.academicTutor;
  return t ? [`${t.firstName} ${t.lastName}`, contactText(t)].filter(Boolean).join(' — ') : '';
}

export function weeklyHours(schedule: WeeklySchedule): number {
  return WEEKDAYS.reduce((sum, d) => sum + (schedule[d] ?? 0), 0);
}

const WEEKDAY_KEYS = { mon: 'wdMon', tue: 'wdTue', wed: 'wdWed', thu: 'wdThu', fri: 'wdFri', sat: 'wdSat', sun: 'wdSun' } as const;

/** "lundi 7 h, mardi 7 h, …" (days without hours left out). */
export function scheduleText(schedule: WeeklySchedule, say: Say, fmt: DocFormat): string {
  return WEEKDAYS.filter((d) => schedule[d] > 0)
    .map((d) => `${say(WEEKDAY_KEYS[d])} ${fmt.number(schedule[d])} h`)
    .join(', ');
}

/** "3 mois et 5 jours (455 heures)", singular and plural by the language's rules. */
export function durationText(r: Pick<EngineResult, 'months' | 'remainingDays' | 'presenceHours'>, say: Say, fmt: DocFormat): string {
  const unit = (n: number, one: Parameters<Say>[0], other: Parameters<Say>[0]) => `${fmt.number(n)} ${say(fmt.plural(n) === 'one' ? one : other)}`;
  return say('durationValue', {
    months: unit(r.months, 'unitMonthOne', 'unitMonthOther'),
    days: unit(r.remainingDays, 'unitDayOne', 'unitDayOther'),
    hours: unit(cents(r.presenceHours), 'unitHourOne', 'unitHourOther'),
  });
}

/** "du 2 mars 2026 au 29 mai 2026" */
export function datesText(from: string | null, to: string | null, say: Say, fmt: DocFormat): string {
  return from && to ? say('datesRange', { from: fmt.date(from), to: fmt.date(to) }) : '';
}

/** "du 16 mars 2026 au 17 mars 2026 ; …", or "none". */
export function interruptionsText(i: Pick<Internship, 'interruptions'>, say: Say, fmt: DocFormat): string {
  return i.interruptions.map((r) => datesText(r.from, r.to, say, fmt)).join(' ; ') || say('none');
}

/** "35 heures par semaine — lundi 7 h, mardi 7 h, …" */
export function weekText(schedule: WeeklySchedule, say: Say, fmt: DocFormat): string {
  return `${say('weeklyValue', { hours: fmt.number(weeklyHours(schedule)) })} — ${scheduleText(schedule, say, fmt)}`;
}

/** Hosts under public law get the public variant of article 5 (the agents' benefits). */
export function isPublicHost(s: AgreementSnapshot): boolean {
  const o = s.organisation;
  return o.legalStatus.value === 'PUBLIC_BODY' || o.structureType.value === 'PUBLIC_ADMINISTRATION' || o.structureType.value === 'PUBLIC_LAB';
}

/** Where the internship takes place is abroad (health and accident cover abroad, article 6). */
export function isAbroad(s: AgreementSnapshot): boolean {
  return !!s.place.country && s.place.country !== 'FR';
}

const cents = (n: number) => Math.round(n * 100) / 100;

export interface StipendMonth {
  /** "2026-03" */
  month: string;
  hours: number;
  /** The legal minimum owed for the month (0 when none is due). */
  minimum: number;
  /** What the agreement's pay gives for the month; null when its unit gives no monthly figure (per month, lump sum). */
  agreed: number | null;
}

export interface StipendPlan {
  currency: string;
  months: StipendMonth[];
  totalMinimum: number;
  totalAgreed: number | null;
  /** The pay as an amount per hour of presence; null: no pay agreed. */
  hourly: number | null;
  /** The legal hourly rate × the presence hours: what may be paid free of contributions; null when the rules have no rate. */
  exemptMinimum: number | null;
  /** The pay is above the exempt minimum (article 6's second case). */
  aboveExempt: boolean;
  /** The monthly figures differ from month to month (then the table is printed). */
  varies: boolean;
}

/**
 * The stipend as agreed and as the law asks, month by month. Per hour: the month's hours × the
 * rate; per day: the month's days of presence (hours ÷ the schedule's hours a day) × the rate; per
 * month and lump sum: stated as such, without a monthly breakdown of what is paid.
 */
export function stipendPlan(i: Internship, legal: EngineResult | null): StipendPlan {
  const weekly = weeklyHours(i.schedule);
  const workdays = WEEKDAYS.filter((d) => i.schedule[d] > 0).length;
  const perDay = workdays ? weekly / workdays : 0;
  const amount = i.payAmount && i.payAmount > 0 ? i.payAmount : null;
  const unit = i.payUnit.value;
  const presence = legal?.presenceHours ?? 0;
  const perMonth = (hours: number): number | null => {
    if (amount === null) return null;
    if (unit === 'HOUR') return cents(amount * hours);
    if (unit === 'DAY') return perDay ? cents((amount * hours) / perDay) : null;
    return null;
  };
  const months = (legal?.stipend.monthly ?? []).map((m) => ({ month: m.month, hours: m.hours, minimum: m.minimum, agreed: perMonth(m.hours) }));
  const hourly =
    amount === null ? null
    : unit === 'HOUR' ? amount
    : unit === 'DAY' ? (perDay ? amount / perDay : null)
    : unit === 'MONTH' ? (weekly ? (amount * 12) / (weekly * 52) : null)
    : presence ? amount / presence : null;
  const rate = legal?.stipend.hourlyMinimum ?? null;
  const exemptMinimum = rate === null ? null : cents(rate * presence);
  const totalAgreed = unit === 'LUMP_SUM' ? amount : months.length && months.every((m) => m.agreed !== null) ? cents(months.reduce((s, m) => s + (m.agreed ?? 0), 0)) : null;
  const figures = months.map((m) => `${m.hours}/${m.agreed ?? m.minimum}`);
  return {
    currency: i.currency || legal?.stipend.currency || 'EUR',
    months,
    totalMinimum: cents(legal?.stipend.total ?? 0),
    totalAgreed,
    hourly,
    exemptMinimum,
    aboveExempt: hourly !== null && hourly > 0 && (rate === null || hourly > rate + 1e-9),
    varies: new Set(figures).size > 1,
  };
}

/** "4,50 € par heure (virement bancaire)", or "no stipend agreed". */
export function payText(i: Internship, lang: PrintLanguage, say: Say, fmt: DocFormat, currency: string): string {
  if (!i.payAmount) return say('fNoPay');
  const method = lbl(i.paymentMethod, lang);
  return `${fmt.money(i.payAmount, currency)} ${lbl(i.payUnit, lang)}${method ? ` (${method})` : ''}`.trim();
}
