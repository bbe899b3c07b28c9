// The forms of the agreement creation wizard's screens. What the draft keeps is each schema's
// output: plain JSON (strings, numbers, booleans), read back into the form when going back.
import { z } from 'zod';
import { f } from '../../../http/validate.js';
import { WEEKDAYS, type Weekday } from '../../../legal/types.js';
import { valuesOf } from '../../../nomenclatures/index.js';
import { CalendarDate } from '../../../time/calendar.js';
import { checkNir } from '../../students/nir.js';
import { PRINT_LANGUAGES } from '../agreement.types.js';

export const optionalChoice = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), f.enumOf(values)])
    .optional()
    .transform((v) => (v ? v : null));

/** Screen 1: the student chosen (staff; a student is themselves), their insurance, the offer followed. */
export const studentSchema = z.object({
  studentId: f.optionalId(),
  // Required on the agreement: asked when the profile has none, kept otherwise (empty).
  ssn: z
    .string()
    .max(40, 'errors.field.tooLong|40')
    .optional()
    .transform((v, ctx) => {
      const r = v?.trim() ? checkNir(v) : null;
      if (r && !r.ok) ctx.addIssue({ code: 'custom', message: `students.ssn.errors.${r.error}` });
      return r?.ok ? r.value : null;
    }),
  insurance: f.enumOf(valuesOf('insuranceAffiliation')),
  healthFund: f.text(200),
  offer: f.optionalText(200),
});
export type StudentForm = Omit<z.infer<typeof studentSchema>, 'studentId'> & { offerId: number | null };

/** Screen 2: the organisation picked from the search's results. */
export const hostSchema = z.object({ organisationId: f.id() });

/** Screen 3: a service of the organisation, a new one, or none. */
export const placeSchema = z
  .object({
    choice: z.string().trim().min(1, 'agreementWizard.errors.choose'),
    name: f.optionalText(200),
    sameAddress: f.checkbox(),
    addressLine1: f.optionalText(200),
    postalCode: f.optionalText(20),
    city: f.optionalText(120),
    country: z.union([z.literal(''), f.country()]).optional().transform((v) => v || null),
  })
  .superRefine((v, ctx) => {
    if (v.choice !== 'new') return;
    if (!v.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'errors.field.required' });
    if (!v.sameAddress) for (const k of ['addressLine1', 'postalCode', 'city', 'country'] as const) if (!v[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'errors.field.required' });
  });
export type PlaceForm = { name: string; sameAddress: boolean; addressLine1: string | null; postalCode: string | null; city: string | null; country: string | null };

/** A contact of the organisation: chosen ("contact id"), new ("new" and the person), or "none". */
const personSchema = z
  .object({
    choice: z.string().trim().min(1, 'agreementWizard.errors.choose'),
    civility: optionalChoice(valuesOf('civility')),
    firstName: f.optionalText(100),
    lastName: f.optionalText(100),
    function: f.optionalText(200),
    email: f.optionalEmail(),
    phone: f.optionalPhone(),
    // The signatory's service (it may be another than the internship's): '' none, 'place' the internship's, or a service id.
    service: z.string().trim().max(12).optional().transform((v) => v || null),
  })
  .superRefine((v, ctx) => {
    if (v.choice !== 'new') return;
    for (const k of ['firstName', 'lastName', 'function'] as const) if (!v[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'errors.field.required' });
  });
export type PersonForm = { civility: string | null; firstName: string; lastName: string; function: string; email: string | null; phone: string | null; service?: string | null };
export const companyTutorSchema = personSchema;
export const signatorySchema = personSchema;

/** Screen 6: a teacher, or "none". */
export const academicTutorSchema = z.object({ choice: z.string().trim().min(1, 'agreementWizard.errors.choose') });

const HOURS = /^\d{1,2}([.,]\d{1,2})?$/;
const AMOUNT = /^\d{1,7}([.,]\d{1,2})?$/;
export const hours = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v.replace(',', '.') : '0'))
  .pipe(z.string().regex(HOURS, 'agreementWizard.errors.hours').refine((v) => Number(v) <= 24, 'agreementWizard.errors.hours'));
/** An amount typed with a comma or a point, two decimals at most; empty: none. */
export const payAmountField = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v.replace(',', '.') : null))
  .pipe(z.string().regex(AMOUNT, 'agreementWizard.errors.amount').nullable());
export const daysPerWeekField = z.string().trim().regex(/^[1-7]([.,]5)?$/, 'agreementWizard.errors.daysPerWeek').transform((v) => v.replace(',', '.'));
export const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** Screen 5: the internship. Dates are kept as ISO days, hours and the pay as decimal strings. */
export const internshipSchema = z.preprocess(
  (body) => {
    const b = { ...((body ?? {}) as Record<string, unknown>) };
    b.pauseFrom = list(b.pauseFrom);
    b.pauseTo = list(b.pauseTo);
    return b;
  },
  z
    .object({
      type: f.enumOf(valuesOf('internshipType')),
      subject: f.text(300),
      theme: f.optionalText(200),
      activities: f.text(4000),
      skills: f.optionalText(2000),
      startDate: f.day().transform((d) => d.toString()),
      endDate: f.day().transform((d) => d.toString()),
      pauseFrom: z.array(z.string()),
      pauseTo: z.array(z.string()),
      ...(Object.fromEntries(WEEKDAYS.map((d) => [d, hours])) as Record<Weekday, typeof hours>),
      daysPerWeek: daysPerWeekField,
      workingTime: f.enumOf(valuesOf('workingTime')),
      nightPresence: f.optionalText(500),
      sundayPresence: f.optionalText(500),
      holidayPresence: f.optionalText(500),
      payAmount: payAmountField,
      payUnit: optionalChoice(valuesOf('payUnit')),
      currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'agreementWizard.errors.currency'),
      paymentMethod: optionalChoice(valuesOf('paymentMethod')),
      benefitsMeals: f.optionalText(500),
      benefitsTransport: f.optionalText(500),
      benefitsOther: f.optionalText(1000),
      leaveTerms: f.optionalText(2000),
      supervisionTerms: f.optionalText(2000),
      confidential: f.checkbox(),
      printLanguage: f.enumOf(PRINT_LANGUAGES),
      academicYear: f.optionalText(9),
    })
    .superRefine((v, ctx) => {
      if (v.endDate < v.startDate) ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'agreements.errors.endBeforeStart' });
      if (v.payAmount && !v.payUnit) ctx.addIssue({ code: 'custom', path: ['payUnit'], message: 'errors.field.required' });
      pauseRows(v.pauseFrom, v.pauseTo).forEach((r, i) => {
        const from = CalendarDate.parse(r.from);
        const to = CalendarDate.parse(r.to);
        if (!from) ctx.addIssue({ code: 'custom', path: [`pauseFrom.${i}`], message: 'errors.field.date' });
        if (!to) ctx.addIssue({ code: 'custom', path: [`pauseTo.${i}`], message: 'errors.field.date' });
        if (from && to && to.isBefore(from)) ctx.addIssue({ code: 'custom', path: [`pauseTo.${i}`], message: 'agreementWizard.errors.pauseOrder' });
        else if (from && to && (r.from < v.startDate || r.to > v.endDate)) ctx.addIssue({ code: 'custom', path: [`pauseFrom.${i}`], message: 'agreementWizard.errors.pauseOutside' });
      });
    })
    .transform(({ pauseFrom, pauseTo, ...v }) => ({ ...v, pauses: pauseRows(pauseFrom, pauseTo) })),
);
export type InternshipForm = z.infer<typeof internshipSchema>;

/** The rows with at least one day typed (the form's empty rows are no interruption). */
export function pauseRows(froms: string[], tos: string[]) {
  const rows: { from: string; to: string }[] = [];
  for (let i = 0; i < Math.max(froms.length, tos.length); i++) {
    const from = (froms[i] ?? '').trim();
    const to = (tos[i] ?? '').trim();
    if (from || to) rows.push({ from, to });
  }
  return rows;
}

/** The form's values from the draft (going back): the pauses as rows, two empty ones added. */
export function internshipValues(i: InternshipForm | undefined): Record<string, unknown> {
  const week: Record<Weekday, string> = { mon: '7', tue: '7', wed: '7', thu: '7', fri: '7', sat: '0', sun: '0' };
  if (!i) return { ...week, daysPerWeek: '5', workingTime: 'FULL_TIME', currency: 'EUR', printLanguage: 'fr', pauseFrom: ['', ''], pauseTo: ['', ''] };
  return { ...i, pauseFrom: [...i.pauses.map((p) => p.from), '', ''], pauseTo: [...i.pauses.map((p) => p.to), '', ''] };
}
