// How long each kind of personal data is kept (issue 15): the platform administrator's periods
// (RetentionPolicy rows, months), their defaults and their bounds, and the day a record's period ends.
import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import type { RetentionKind } from '../../generated/prisma/client.js';
import { CalendarDate, startOf, todayIn } from '../../time/calendar.js';

export const RETENTION_KINDS = ['STUDENT_ACCOUNT', 'AGREEMENT', 'APPLICATION', 'AUDIT'] as const satisfies readonly RetentionKind[];
export type Periods = Record<RetentionKind, number>;

/** The migration's rows: used as well when a row is missing (a database emptied by hand, the tests). */
export const DEFAULT_MONTHS: Periods = { STUDENT_ACCOUNT: 24, AGREEMENT: 60, APPLICATION: 12, AUDIT: 12 };

/**
 * An agreement is the evidence of the internship's terms (pay, hours, insurance) for as long as a
 * party may go to court over them: the civil limitation period of five years (article 2224 of the
 * Code civil) after the internship. Shorter would destroy evidence a party may still need.
 */
export const AGREEMENT_LEGAL_MINIMUM_MONTHS = 60;
/** Fifty years: a longer period is a typing mistake, not a policy. */
export const MAX_MONTHS = 600;

/** The form's field of each kind. */
export const FIELD_OF: Record<RetentionKind, string> = { STUDENT_ACCOUNT: 'studentAccount', AGREEMENT: 'agreement', APPLICATION: 'application', AUDIT: 'audit' };

const months = (min: number, message: string) =>
  z
    .string({ error: 'errors.field.required' })
    .trim()
    .min(1, 'errors.field.required')
    .regex(/^\d{1,4}$/, 'privacy.retention.errors.integer')
    .transform(Number)
    .refine((n) => n >= min, message)
    .refine((n) => n <= MAX_MONTHS, 'privacy.retention.errors.max');

export const retentionSchema = z.object({
  studentAccount: months(1, 'privacy.retention.errors.min'),
  agreement: months(AGREEMENT_LEGAL_MINIMUM_MONTHS, 'privacy.retention.errors.agreementMin'),
  application: months(1, 'privacy.retention.errors.min'),
  audit: months(1, 'privacy.retention.errors.min'),
});
export type RetentionInput = z.infer<typeof retentionSchema>;

export function periodsOf(input: RetentionInput): Periods {
  return { STUDENT_ACCOUNT: input.studentAccount, AGREEMENT: input.agreement, APPLICATION: input.application, AUDIT: input.audit };
}

/** The periods in force: the rows, the defaults for any kind without one. */
export async function readPeriods(db: DbOrTx): Promise<Periods> {
  const rows = await db.retentionPolicy.findMany({ select: { kind: true, months: true } });
  const out = { ...DEFAULT_MONTHS };
  for (const r of rows) out[r.kind] = r.months;
  return out;
}

/**
 * The first day still within a period of `months` on `now`'s day (Paris): a record whose day (its
 * end, its last sign-in) is before it is past the period. On the anniversary itself it is kept, so
 * "24 months after" ends the day after the 24th month.
 */
export function cutoffDay(now: Date, months: number): CalendarDate {
  return todayIn(now).addMonths(-months);
}

/** The same for instants (a sign-in, an audit row): anything before the cutoff day's first instant. */
export function cutoffInstant(now: Date, months: number): Date {
  return startOf(cutoffDay(now, months));
}

/** The day a record whose period runs from `day` is anonymised: the day after the period's last day. */
export function anonymisedOn(day: CalendarDate, months: number): CalendarDate {
  return day.addMonths(months).addDays(1);
}
