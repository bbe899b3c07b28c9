// The amendment's form (issue 13): a reason, an early end or not, and the changes chosen among the
// kinds, each with its new values in the agreement's own fields. What is stored (`changes`) is the
// form's values of the chosen kinds, so that a draft reopens as it was typed; `changesOf` turns them
// into the agreement edit's terms.
import { z } from 'zod';
import type { WorkingTime } from '../../generated/prisma/enums.js';
import { f, parse } from '../../http/validate.js';
import { WEEKDAYS, type WeeklySchedule } from '../../legal/types.js';
import { valuesOf } from '../../nomenclatures/index.js';
import { CalendarDate } from '../../time/calendar.js';
import { AMENDMENT_KINDS, type AmendmentKind } from '../../documents/types.js';
import type { AgreementChanges } from '../agreements/agreements.service.js';
import type { AgreementDetail } from '../agreements/agreements.snapshot.js';
import { interruptionsOf, scheduleOf } from '../agreements/agreements.legal.js';
import { daysPerWeekField, hours, list, optionalChoice, pauseRows, payAmountField } from '../agreements/wizard/wizard.schemas.js';

export { AMENDMENT_KINDS, type AmendmentKind };


/** Each kind's fields, as the form names them (the period's interruptions are pauseFrom/pauseTo rows). */
const KIND_FIELDS = {
  subject: { subject: f.text(300), theme: f.optionalText(200), activities: f.text(4000), skills: f.optionalText(2000) },
  period: {
    startDate: f.day().transform((d) => d.toString()),
    endDate: f.day().transform((d) => d.toString()),
    pauseFrom: z.array(z.string()),
    pauseTo: z.array(z.string()),
    ...(Object.fromEntries(WEEKDAYS.map((d) => [d, hours])) as Record<(typeof WEEKDAYS)[number], typeof hours>),
    daysPerWeek: daysPerWeekField,
    workingTime: f.enumOf(valuesOf('workingTime')),
    leaveTerms: f.optionalText(2000),
  },
  pay: {
    payAmount: payAmountField,
    payUnit: optionalChoice(valuesOf('payUnit')),
    currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'agreementWizard.errors.currency'),
    paymentMethod: optionalChoice(valuesOf('paymentMethod')),
    benefitsMeals: f.optionalText(500),
    benefitsTransport: f.optionalText(500),
    benefitsOther: f.optionalText(1000),
  },
  // A new place asks for a new company tutor too (the companyTutor fieldset's select).
  place: { serviceId: f.id(), companyTutorId: f.id() },
  companyTutor: { companyTutorId: f.id() },
  academicTutor: { academicTutorId: f.id() },
  other: { otherText: f.text(4000) },
} satisfies Record<AmendmentKind, z.ZodRawShape>;

const base = z.object({
  reason: f.text(2000),
  kinds: z.array(z.enum(AMENDMENT_KINDS, { error: 'errors.field.choice' })),
  termination: f.checkbox(),
  terminationOn: f.optionalDay(),
  terminationComment: f.optionalText(1000),
});

export interface AmendmentInput {
  reason: string;
  kinds: AmendmentKind[];
  /** The chosen kinds' values, as typed (stored, and read back into the form). */
  values: Record<string, unknown>;
  otherText: string | null;
  termination: { on: CalendarDate; comment: string | null } | null;
}

/**
 * Parses the form: the reason; at least one change or an early end; each chosen kind's fields;
 * an early end inside the internship (the agreement's dates, or the new ones when the period changes).
 */
export function parseAmendment(body: Record<string, unknown>, current: { startDate: CalendarDate; endDate: CalendarDate }): AmendmentInput {
  const b = { ...body, kinds: list(body.kinds), pauseFrom: list(body.pauseFrom), pauseTo: list(body.pauseTo) };
  const kinds = AMENDMENT_KINDS.filter((k) => b.kinds.includes(k));
  const shape = Object.assign({}, ...kinds.map((k) => KIND_FIELDS[k])) as z.ZodRawShape;
  const schema = base.extend(shape).superRefine((raw, ctx) => {
    const v = raw as z.infer<typeof base> & Record<string, unknown>;
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!v.kinds.length && !v.termination) issue('kinds', 'amendments.errors.nothing');
    const start = kinds.includes('period') ? CalendarDate.parse(v.startDate as string)! : current.startDate;
    const end = kinds.includes('period') ? CalendarDate.parse(v.endDate as string)! : current.endDate;
    if (kinds.includes('period')) {
      if (end.isBefore(start)) issue('endDate', 'agreements.errors.endBeforeStart');
      pauseRows(v.pauseFrom as string[], v.pauseTo as string[]).forEach((r, i) => {
        const from = CalendarDate.parse(r.from);
        const to = CalendarDate.parse(r.to);
        if (!from) issue(`pauseFrom.${i}`, 'errors.field.date');
        if (!to) issue(`pauseTo.${i}`, 'errors.field.date');
        if (from && to && (to.isBefore(from) || from.isBefore(start) || end.isBefore(to))) issue(`pauseFrom.${i}`, 'agreementWizard.errors.pauseOutside');
      });
    }
    if (kinds.includes('pay') && v.payAmount && !v.payUnit) issue('payUnit', 'errors.field.required');
    if (v.termination && !v.terminationOn) issue('terminationOn', 'errors.field.required');
    if (v.termination && v.terminationOn && (v.terminationOn.isBefore(start) || end.isBefore(v.terminationOn) || v.terminationOn.equals(end))) issue('terminationOn', 'amendments.errors.terminationOutside');
  });
  const v = parse(schema, b) as z.infer<typeof base> & Record<string, unknown>;
  const values = Object.fromEntries(kinds.flatMap((k) => Object.keys(KIND_FIELDS[k])).filter((k) => k !== 'otherText').map((k) => [k, v[k]]));
  if (kinds.includes('period')) Object.assign(values, { pauses: pauseRows(v.pauseFrom as string[], v.pauseTo as string[]) });
  delete values.pauseFrom;
  delete values.pauseTo;
  return {
    reason: v.reason,
    kinds,
    values,
    otherText: kinds.includes('other') ? (v.otherText as string) : null,
    termination: v.termination && v.terminationOn ? { on: v.terminationOn, comment: v.terminationComment } : null,
  };
}

/** The stored values in the agreement edit's terms; an early end is the new last day (interruptions after it cut). */
export function changesOf(kinds: readonly string[], values: Record<string, unknown>, terminationOn: CalendarDate | null): AgreementChanges {
  const v = values as Record<string, string | null>;
  const out: AgreementChanges = {};
  if (kinds.includes('subject')) Object.assign(out, { subject: v.subject, theme: v.theme, activities: v.activities, skills: v.skills });
  if (kinds.includes('period')) {
    const pauses = (values.pauses as { from: string; to: string }[]) ?? [];
    Object.assign(out, {
      startDate: CalendarDate.parse(v.startDate)!,
      endDate: CalendarDate.parse(v.endDate)!,
      interruptions: pauses.map((p) => ({ from: CalendarDate.parse(p.from)!, to: CalendarDate.parse(p.to)! })),
      schedule: Object.fromEntries(WEEKDAYS.map((d) => [d, Number(v[d]) || 0])) as WeeklySchedule,
      daysPerWeek: Number(v.daysPerWeek),
      workingTime: v.workingTime as WorkingTime,
      leaveTerms: v.leaveTerms,
    });
  }
  if (kinds.includes('pay')) {
    Object.assign(out, { payAmount: v.payAmount === null ? null : Number(v.payAmount), payUnit: v.payUnit, currency: v.currency, paymentMethod: v.paymentMethod, benefitsMeals: v.benefitsMeals, benefitsTransport: v.benefitsTransport, benefitsOther: v.benefitsOther });
  }
  if (kinds.includes('place')) Object.assign(out, { serviceId: Number(v.serviceId), companyTutorId: Number(v.companyTutorId) });
  if (kinds.includes('companyTutor')) out.companyTutorId = Number(v.companyTutorId);
  if (kinds.includes('academicTutor')) out.academicTutorId = Number(v.academicTutorId);
  return terminationOn ? terminate(out, terminationOn) : out;
}

/** An early end: the last day moves to it; interruptions after it go, one across it is cut. */
function terminate(c: AgreementChanges, on: CalendarDate): AgreementChanges {
  return { ...c, endDate: on, interruptions: c.interruptions?.filter((r) => !on.isBefore(r.from)).map((r) => (on.isBefore(r.to) ? { from: r.from, to: on } : r)) };
}

/** The interruptions of an agreement cut at an early end (when the period is not itself changed). */
export function terminationChanges(a: AgreementDetail, kinds: readonly string[], on: CalendarDate): AgreementChanges {
  return kinds.includes('period') ? {} : terminate({ interruptions: interruptionsOf(a.interruptions) }, on);
}

/** The form's values for a new amendment: the agreement's current values in every kind's fields. */
export function formValues(a: AgreementDetail): Record<string, unknown> {
  const pauses = interruptionsOf(a.interruptions);
  const schedule = scheduleOf(a.schedule);
  return {
    subject: a.subject, theme: a.theme ?? '', activities: a.activities ?? '', skills: a.skills ?? '',
    startDate: CalendarDate.fromDb(a.startDate).toString(), endDate: CalendarDate.fromDb(a.endDate).toString(),
    pauseFrom: [...pauses.map((p) => p.from.toString()), '', ''], pauseTo: [...pauses.map((p) => p.to.toString()), '', ''],
    ...Object.fromEntries(WEEKDAYS.map((d) => [d, String(schedule[d] ?? 0)])),
    daysPerWeek: a.daysPerWeek.toString(), workingTime: a.workingTime, leaveTerms: a.leaveTerms ?? '',
    payAmount: a.payAmount?.toString() ?? '', payUnit: a.payUnit ?? '', currency: a.currency, paymentMethod: a.paymentMethod ?? '',
    benefitsMeals: a.benefitsMeals ?? '', benefitsTransport: a.benefitsTransport ?? '', benefitsOther: a.benefitsOther ?? '',
    serviceId: a.serviceId ?? '', companyTutorId: a.companyTutorId ?? '', academicTutorId: a.academicTutorId ?? '',
    kinds: [],
  };
}

/** A stored draft's values back into the form, over the agreement's. */
export function draftValues(a: AgreementDetail, d: { reason: string; kinds: string[]; changes: unknown; otherText: string | null; terminationOn: Date | null; terminationComment: string | null }): Record<string, unknown> {
  const stored = (d.changes ?? {}) as Record<string, unknown>;
  const pauses = (stored.pauses as { from: string; to: string }[] | undefined) ?? null;
  return {
    ...formValues(a),
    ...stored,
    ...(pauses ? { pauseFrom: [...pauses.map((p) => p.from), '', ''], pauseTo: [...pauses.map((p) => p.to), '', ''] } : {}),
    reason: d.reason,
    kinds: d.kinds,
    otherText: d.otherText ?? '',
    termination: d.terminationOn !== null,
    terminationOn: d.terminationOn ? CalendarDate.fromDb(d.terminationOn).toString() : '',
    terminationComment: d.terminationComment ?? '',
  };
}
