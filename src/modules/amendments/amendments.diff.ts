// What an amendment changed, field by field: the agreement's copy before it against the copy with
// it applied, in words of the page's language (the amendment page, the agreement's history).
import type { Formatters } from '../../i18n/format.js';
import type { LocaleCode } from '../../i18n/index.js';
import { WEEKDAYS } from '../../legal/types.js';
import { CalendarDate } from '../../time/calendar.js';
import type { AgreementSnapshot, Labelled } from '../agreements/agreements.snapshot.js';

export interface DiffRow {
  /** amendments.fields.<field> */
  field: string;
  before: string;
  after: string;
}

export interface Words {
  t: (key: string, params?: Record<string, string | number>) => string;
  fmt: Formatters;
  locale: LocaleCode;
}

type Reader = (s: AgreementSnapshot, w: Words) => string;

const day = (v: string | null | undefined, w: Words) => (v ? w.fmt.date(CalendarDate.parse(v)) : '');
const lbl = (x: Labelled | null | undefined, w: Words) => (x?.value ? (x.labels[w.locale as keyof Labelled['labels']] ?? x.labels.fr ?? x.value) : '');
const person = (p: { firstName: string; lastName: string } | null | undefined) => (p ? `${p.firstName} ${p.lastName}` : '');
const address = (p: { addressLine1?: string | null; postalCode?: string | null; city?: string | null } | null | undefined) => (p ? [p.addressLine1, [p.postalCode, p.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') : '');

/** The fields an amendment can change, in the page's order, and how each is read from a copy. */
const FIELDS: [string, Reader][] = [
  ['subject', (s) => s.internship.subject],
  ['theme', (s) => s.internship.theme ?? ''],
  ['activities', (s) => s.internship.activities ?? ''],
  ['skills', (s) => s.internship.skills ?? ''],
  ['startDate', (s, w) => day(s.internship.startDate, w)],
  ['endDate', (s, w) => day(s.internship.endDate, w)],
  ['interruptions', (s, w) => s.internship.interruptions.map((r) => `${day(r.from, w)} – ${day(r.to, w)}`).join(' ; ')],
  ['schedule', (s, w) => WEEKDAYS.filter((d) => s.internship.schedule[d] > 0).map((d) => `${w.t(`legal.weekdays.${d}`)} ${w.fmt.number(s.internship.schedule[d])} h`).join(', ')],
  ['daysPerWeek', (s, w) => (s.internship.daysPerWeek === null ? '' : w.fmt.number(s.internship.daysPerWeek))],
  ['workingTime', (s, w) => lbl(s.internship.workingTime, w)],
  ['leaveTerms', (s) => s.internship.leaveTerms ?? ''],
  ['pay', (s, w) => (s.internship.payAmount === null ? '' : `${w.fmt.money(s.internship.payAmount, s.internship.currency)} ${lbl(s.internship.payUnit, w)}`.trim())],
  ['paymentMethod', (s, w) => lbl(s.internship.paymentMethod, w)],
  ['benefitsMeals', (s) => s.internship.benefitsMeals ?? ''],
  ['benefitsTransport', (s) => s.internship.benefitsTransport ?? ''],
  ['benefitsOther', (s) => s.internship.benefitsOther ?? ''],
  ['service', (s) => s.service?.name ?? ''],
  ['place', (s) => address(s.place)],
  ['companyTutor', (s) => person(s.companyTutor)],
  ['academicTutor', (s) => person(s.academicTutor)],
  ['presenceHours', (s, w) => (s.legal ? w.fmt.number(s.legal.result.presenceHours) : '')],
  ['stipendDue', (s, w) => (s.legal ? w.t(s.legal.result.stipend.due ? 'common.yes' : 'common.no') : '')],
  ['stipendTotal', (s, w) => (s.legal?.result.stipend.total != null ? w.fmt.money(s.legal.result.stipend.total, 'EUR') : '')],
];

/** The fields whose words differ between the two copies. */
export function snapshotDiff(before: AgreementSnapshot, after: AgreementSnapshot, w: Words): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const [field, read] of FIELDS) {
    const b = read(before, w);
    const a = read(after, w);
    if (a !== b) rows.push({ field, before: b, after: a });
  }
  return rows;
}
