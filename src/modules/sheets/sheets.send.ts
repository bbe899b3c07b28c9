import type { DbOrTx } from '../../db/client.js';
import { ValidationError } from '../../errors.js';
import { fieldErrors } from '../../http/validate.js';
import { computeInternship } from '../../legal/engine.js';
import type { Check, EngineInput, EngineResult } from '../../legal/types.js';
import { CalendarDate } from '../../time/calendar.js';
import { academicYearAt } from '../institutions/academic-years.js';
import { loadParameters } from '../legal/parameters.service.js';
import { organisationSchema } from '../organisations/organisations.schemas.js';
import { missingToSend, newOrganisationFields, scheduleOf, type SheetContent } from './sheets.fields.js';

/** The host as the engine needs it: chosen in the directory (its row) or typed as a new one. */
export interface Host {
  organisationId: number | null;
  country: string | null;
  siret: string | null;
}

/**
 * A sending refused by the legal engine: `checks` are the blocking findings, each beside a field of
 * the form (the route writes their messages with their parameters, in the reader's language).
 */
export class SheetChecksError extends ValidationError {
  constructor(
    fields: Record<string, string>,
    public checks: Record<string, Check>,
  ) {
    super(fields);
  }
}

/** Where a blocking finding of the engine is shown on the form. */
function fieldOf(c: Check): string {
  if (c.code === 'daily_hours_cap' && typeof c.params.day === 'string') return c.params.day;
  if (c.code === 'weekly_hours_cap' || c.code === 'no_presence') return 'mon';
  if (c.code === 'rate_not_in_force') return 'payAmount';
  return 'endDate';
}

/** The new organisation's errors, under the sheet's names ("legalName" → "orgLegalName"), "required" said as the seed says it. */
function newOrganisationErrors(content: SheetContent): Record<string, string> {
  const parsed = organisationSchema.safeParse(newOrganisationFields(content.data));
  if (parsed.success) return {};
  const out: Record<string, string> = {};
  for (const [field, key] of Object.entries(fieldErrors(parsed.error))) {
    out[`org${field.charAt(0).toUpperCase()}${field.slice(1)}`] = key === 'errors.field.required' || key.endsWith('Required') ? 'sheets.errors.requiredToSend' : key;
  }
  return out;
}

/**
 * Presence hours the student already has with this host in the academic year of `start`: their
 * other agreements with the same organisation or the same SIRET, as computed at their submission.
 */
export async function previousHoursWith(db: DbOrTx, studentId: number, host: Host, start: CalendarDate): Promise<number> {
  const same = [...(host.organisationId ? [{ organisationId: host.organisationId }] : []), ...(host.siret ? [{ organisation: { siret: host.siret } }] : [])];
  if (!same.length) return 0;
  const year = await academicYearAt(db, start);
  const r = await db.agreement.aggregate({ where: { studentId, academicYear: year.label, presenceHours: { not: null }, OR: same }, _sum: { presenceHours: true } });
  return Number(r._sum.presenceHours ?? 0);
}

/** The engine's input for a complete sheet (null while dates or the host's country are missing). */
export async function engineInputOf(db: DbOrTx, studentId: number, content: SheetContent, host: Host, today: CalendarDate): Promise<EngineInput | null> {
  const start = content.data.startDate ? CalendarDate.parse(content.data.startDate) : null;
  const end = content.data.endDate ? CalendarDate.parse(content.data.endDate) : null;
  if (!start || !end || end.isBefore(start) || !host.country) return null;
  const interruptions = content.pauses.flatMap((p) => {
    const from = CalendarDate.parse(p.from);
    const to = CalendarDate.parse(p.to);
    return from && to && !to.isBefore(from) ? [{ from, to }] : [];
  });
  return {
    start,
    end,
    schedule: scheduleOf(content),
    interruptions,
    // The host's legal seat says whose rules; the place of the internship whose public holidays.
    rulesCountry: host.country,
    holidaysCountry: content.data.serviceCountry || host.country,
    signedOn: today,
    previousHours: await previousHoursWith(db, studentId, host, start),
    parameters: await loadParameters(db),
  };
}

/** The legal engine's result for the sheet, when it can be computed. */
export async function legalResultOf(db: DbOrTx, studentId: number, content: SheetContent, host: Host, today: CalendarDate): Promise<EngineResult | null> {
  const input = await engineInputOf(db, studentId, content, host, today);
  return input ? computeInternship(input) : null;
}

/**
 * Everything a sending asks: each required field (the seed's message beside it), the new
 * organisation by the directory's rules, then the legal engine — a blocking finding refuses the
 * sending beside its field (422, nothing saved). Returns the engine's result (its warnings are shown).
 */
export async function checkSending(db: DbOrTx, studentId: number, content: SheetContent, host: Host, today: CalendarDate): Promise<EngineResult> {
  const errors = { ...missingToSend(content), ...(host.organisationId ? {} : newOrganisationErrors(content)) };
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const result = await legalResultOf(db, studentId, content, host, today);
  if (!result) throw new ValidationError({ startDate: 'sheets.errors.requiredToSend' });
  const blocking = result.checks.filter((c) => c.severity === 'blocking');
  if (blocking.length) {
    const checks: Record<string, Check> = {};
    for (const c of blocking) checks[fieldOf(c)] ??= c;
    throw new SheetChecksError(Object.fromEntries(Object.entries(checks).map(([f, c]) => [f, `legal.checks.${c.code}`])), checks);
  }
  return result;
}
