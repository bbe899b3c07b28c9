import { z } from 'zod';
import { f } from '../../http/validate.js';
import { WEEKDAYS, type Weekday } from '../../legal/types.js';
import { valuesOf } from '../../nomenclatures/index.js';
import { CalendarDate } from '../../time/calendar.js';
import { siretField } from '../organisations/organisations.schemas.js';

/**
 * The fields of an internship sheet ("fiche de stage"), declared once: the form draws its sections
 * from SECTIONS, the draft schema checks what is typed (any subset: a draft keeps whatever is
 * given, each value in its format), `missingToSend` says which fields must be filled before the
 * sheet is sent for validation, and the manager's "what changed" reads the same keys.
 * A sheet's `data` is the draft's output: strings as typed (trimmed, normalised), and `pauses`.
 */

/** The host's kind, as the seed asks it: the label needs a socio-economic host. */
export const ORG_TYPES = ['COMPANY', 'PUBLIC_LAB', 'OTHER'] as const;
/** The units the sheet offers for the pay (the nomenclature's payUnit has more). */
export const SHEET_PAY_UNITS = ['HOUR', 'MONTH'] as const;
/** Seven hours Monday to Friday: a new sheet's week. */
export const DEFAULT_HOURS: Record<Weekday, string> = { mon: '7', tue: '7', wed: '7', thu: '7', fri: '7', sat: '0', sun: '0' };
/** Interruption rows: the most a sheet keeps, and the empty rows the form adds (no JavaScript needed). */
export const PAUSES = { max: 20, emptyRows: 2 } as const;

type Kind = 'text' | 'textarea' | 'email' | 'tel' | 'date' | 'number' | 'select' | 'radio' | 'hidden';

export interface FieldDef {
  name: string;
  kind: Kind;
  /** A nomenclature (select options) or a list of values of the sheet's own. */
  choices?: { nomenclature: Parameters<typeof valuesOf>[0] } | { values: readonly string[] };
  max?: number;
}

const text = (name: string, max = 200): FieldDef => ({ name, kind: 'text', max });
const area = (name: string, max: number): FieldDef => ({ name, kind: 'textarea', max });
const person = (p: string): FieldDef[] => [
  { name: `${p}Civility`, kind: 'select', choices: { nomenclature: 'civility' } },
  text(`${p}FirstName`, 100),
  text(`${p}LastName`, 100),
  text(`${p}Function`, 200),
  { name: `${p}Email`, kind: 'email' },
  { name: `${p}Phone`, kind: 'tel' },
];

/** The sections of the form, in order; each field's label is `sheets.fields.<name>`. */
export const SECTIONS: { key: string; fields: FieldDef[] }[] = [
  {
    key: 'organisation',
    fields: [
      { name: 'orgType', kind: 'radio', choices: { values: ORG_TYPES } },
      text('orgLegalName'),
      text('orgSiret', 30),
      text('orgNafCode', 10),
      { name: 'orgHeadcount', kind: 'select', choices: { nomenclature: 'headcountBand' } },
      { name: 'orgStructureType', kind: 'select', choices: { nomenclature: 'structureType' } },
      { name: 'orgLegalStatus', kind: 'select', choices: { nomenclature: 'legalStatus' } },
      text('orgAddressLine1'),
      text('orgAddressLine2'),
      text('orgPostalCode', 20),
      text('orgCity', 120),
      { name: 'orgCountry', kind: 'select', choices: { nomenclature: 'country' } },
      { name: 'orgPhone', kind: 'tel' },
      { name: 'orgEmail', kind: 'email' },
    ],
  },
  {
    key: 'service',
    fields: [text('serviceName'), text('serviceAddressLine1'), text('servicePostalCode', 20), text('serviceCity', 120), { name: 'serviceCountry', kind: 'select', choices: { nomenclature: 'country' } }],
  },
  { key: 'tutor', fields: person('tutor') },
  { key: 'signatory', fields: person('signatory') },
  { key: 'subject', fields: [text('subject', 300), area('activities', 4000), area('skills', 2000)] },
  { key: 'dates', fields: [{ name: 'startDate', kind: 'date' }, { name: 'endDate', kind: 'date' }] },
  { key: 'schedule', fields: WEEKDAYS.map((d) => ({ name: d, kind: 'number' as const })) },
  {
    key: 'pay',
    fields: [{ name: 'payAmount', kind: 'number' }, { name: 'payUnit', kind: 'radio', choices: { values: SHEET_PAY_UNITS } }, text('payCurrency', 3)],
  },
  {
    key: 'student',
    fields: [
      { name: 'insurance', kind: 'select', choices: { nomenclature: 'insuranceAffiliation' } },
      text('healthFund', 200),
      text('addressLine1'),
      text('addressLine2'),
      text('postalCode', 20),
      text('city', 120),
      { name: 'country', kind: 'select', choices: { nomenclature: 'country' } },
      { name: 'phone', kind: 'tel' },
    ],
  },
];

export const FIELDS: FieldDef[] = SECTIONS.flatMap((s) => s.fields);
/** The organisation typed as a new one: asked only when none is chosen from the directory. */
export const NEW_ORG_FIELDS = FIELDS.filter((x) => x.name.startsWith('org') && x.name !== 'orgType').map((x) => x.name);

/** The new organisation's fields the directory requires (the SIRET in France only): marked on the form, checked at sending. */
export const NEW_ORG_REQUIRED = ['orgLegalName', 'orgSiret', 'orgNafCode', 'orgHeadcount', 'orgStructureType', 'orgLegalStatus', 'orgAddressLine1', 'orgPostalCode', 'orgCity', 'orgCountry', 'orgPhone'];

/** Fields that must be filled to send the sheet (the new organisation's are checked with the directory's own rules). */
export const REQUIRED_TO_SEND = [
  'orgType',
  'serviceName',
  'tutorFirstName',
  'tutorLastName',
  'tutorFunction',
  'tutorEmail',
  'signatoryFirstName',
  'signatoryLastName',
  'signatoryFunction',
  'subject',
  'activities',
  'startDate',
  'endDate',
  'payAmount',
  'payUnit',
  'payCurrency',
  'insurance',
  'healthFund',
  'addressLine1',
  'postalCode',
  'city',
  'country',
  'phone',
] as const;

export interface Pause {
  from: string;
  to: string;
}

/** A sheet's stored fields: every value a string as typed (cleaned), and the interruptions. */
export interface SheetContent {
  data: Record<string, string>;
  pauses: Pause[];
}

// ───────────── the draft: any subset, each value in its format ─────────────

const optional = (s: z.ZodType<string, string>) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim())
    .pipe(z.union([z.literal(''), s]));

const HOURS = /^\d{1,2}([.,]\d{1,2})?$/;
const AMOUNT = /^\d{1,7}([.,]\d{1,2})?$/;

function fieldSchema(def: FieldDef): z.ZodType<string> {
  const max = def.max ?? 200;
  const plain = z.string().max(max, `errors.field.tooLong|${max}`);
  if (def.name === 'orgSiret') return siretField({ required: false }).transform((v) => v ?? '') as unknown as z.ZodType<string>;
  if (def.name === 'orgNafCode') return optional(z.string().toUpperCase().regex(/^\d{2}\.\d{2}[A-Z]$/, 'organisations.errors.nafFormat'));
  if (def.name === 'payCurrency') return optional(z.string().toUpperCase().regex(/^[A-Z]{3}$/, 'sheets.errors.currency'));
  if (def.choices) {
    const values = 'nomenclature' in def.choices ? valuesOf(def.choices.nomenclature) : def.choices.values;
    return optional(z.string().refine((v) => (values as readonly string[]).includes(v), 'errors.field.choice'));
  }
  switch (def.kind) {
    case 'email':
      return optional(z.string().toLowerCase().max(254, 'errors.field.tooLong|254').pipe(z.email('errors.field.email')));
    case 'tel':
      return optional(z.string().max(30, 'errors.field.tooLong|30').regex(/^\+?[0-9 .()-]{6,30}$/, 'errors.field.phone'));
    case 'date':
      return optional(z.string().refine((v) => !!CalendarDate.parse(v), 'errors.field.date'));
    case 'number':
      if (def.name === 'payAmount') return optional(z.string().regex(AMOUNT, 'sheets.errors.amount').transform((v) => v.replace(',', '.')));
      return optional(
        z
          .string()
          .regex(HOURS, 'sheets.errors.hours')
          .transform((v) => v.replace(',', '.'))
          .refine((v) => Number(v) <= 24, 'sheets.errors.hours'),
      );
    case 'textarea':
      return optional(plain.overwrite((s) => s.replace(/\r\n?/g, '\n')));
    default:
      return optional(plain);
  }
}

const single = (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v);
const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** The draft's schema: every field optional, checked when given; the interruptions as rows. */
export const draftSchema = z.preprocess(
  (body) => {
    const b = (body ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const def of FIELDS) out[def.name] = single(b[def.name]);
    out.organisationId = single(b.organisationId);
    out.pauseFrom = list(b.pauseFrom);
    out.pauseTo = list(b.pauseTo);
    return out;
  },
  z
    .object({
      ...Object.fromEntries(FIELDS.map((d) => [d.name, fieldSchema(d)])),
      organisationId: f.optionalId(),
      pauseFrom: z.array(z.string()),
      pauseTo: z.array(z.string()),
    })
    .superRefine((v, ctx) => {
      const rows = pauseRowsOf(v.pauseFrom, v.pauseTo);
      if (rows.length > PAUSES.max) ctx.addIssue({ code: 'custom', path: ['pauseFrom.0'], message: `sheets.errors.tooManyPauses|${PAUSES.max}` });
      rows.forEach((r, i) => {
        if (!CalendarDate.parse(r.from)) ctx.addIssue({ code: 'custom', path: [`pauseFrom.${i}`], message: r.from ? 'errors.field.date' : 'sheets.errors.pauseFrom' });
        if (!CalendarDate.parse(r.to)) ctx.addIssue({ code: 'custom', path: [`pauseTo.${i}`], message: r.to ? 'errors.field.date' : 'sheets.errors.pauseTo' });
      });
    })
    .transform((v) => {
      const data: Record<string, string> = {};
      for (const def of FIELDS) {
        const value = (v as Record<string, unknown>)[def.name];
        if (typeof value === 'string' && value !== '') data[def.name] = value;
      }
      return { content: { data, pauses: pauseRowsOf(v.pauseFrom, v.pauseTo) } as SheetContent, organisationId: v.organisationId as number | null };
    }),
);
export type DraftInput = z.infer<typeof draftSchema>;

/** The rows with at least one day typed (empty rows of the form are no interruption). */
function pauseRowsOf(froms: string[], tos: string[]): Pause[] {
  const rows: Pause[] = [];
  for (let i = 0; i < Math.max(froms.length, tos.length); i++) {
    const from = (froms[i] ?? '').trim();
    const to = (tos[i] ?? '').trim();
    if (from || to) rows.push({ from, to });
  }
  return rows;
}

// ───────────── sending: every required field ─────────────

/** The fields missing to send the sheet, each with the seed's message; the new organisation's are checked by the caller. */
export function missingToSend(content: SheetContent): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const name of REQUIRED_TO_SEND) if (!content.data[name]) errors[name] = 'sheets.errors.requiredToSend';
  const { startDate, endDate } = content.data;
  const start = startDate ? CalendarDate.parse(startDate) : null;
  const end = endDate ? CalendarDate.parse(endDate) : null;
  if (start && end && end.isBefore(start)) errors.endDate = 'sheets.errors.endBeforeStart';
  content.pauses.forEach((p, i) => {
    const from = CalendarDate.parse(p.from);
    const to = CalendarDate.parse(p.to);
    if (from && to && to.isBefore(from)) errors[`pauseTo.${i}`] = 'sheets.errors.pauseOrder';
    else if (from && to && start && end && (from.isBefore(start) || to.isAfter(end))) errors[`pauseFrom.${i}`] = 'sheets.errors.pauseOutside';
  });
  // A service at its own address says where: every part of it.
  const own = ['serviceAddressLine1', 'servicePostalCode', 'serviceCity', 'serviceCountry'];
  if (own.some((k) => content.data[k])) for (const k of own) if (!content.data[k]) errors[k] = 'sheets.errors.serviceAddress';
  return errors;
}

/** The weekly schedule of the sheet (its typed hours; the default week for a day never typed). */
export function scheduleOf(content: SheetContent): Record<Weekday, number> {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, Number(content.data[d] ?? DEFAULT_HOURS[d]) || 0])) as Record<Weekday, number>;
}

/** The new organisation's fields under the directory's names (orgLegalName → legalName…), for its own schema. */
export function newOrganisationFields(data: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of NEW_ORG_FIELDS) {
    const key = name.slice(3, 4).toLowerCase() + name.slice(4);
    if (data[name] !== undefined) out[key] = data[name];
  }
  return out;
}
