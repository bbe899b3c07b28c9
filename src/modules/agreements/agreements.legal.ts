// The law applied to an agreement: the legal engine (src/legal) on the agreement's internship, with
// what only the database knows — the hours the student already spent with the same host this
// academic year — and the checks computed from the other agreements (overlaps, tutors' loads).
import type { DbOrTx } from '../../db/client.js';
import { computeInternship } from '../../legal/engine.js';
import type { Check, DayRange, EngineResult, WeeklySchedule } from '../../legal/types.js';
import { WEEKDAYS } from '../../legal/types.js';
import { CalendarDate } from '../../time/calendar.js';
import { loadParameters } from '../legal/parameters.service.js';

/** The agreement's columns the computation reads. */
export interface LegalSubject {
  id: number;
  studentId: number;
  organisationId: number;
  academicYear: string;
  startDate: Date;
  endDate: Date;
  schedule: unknown;
  interruptions: unknown;
  rulesCountry: string;
  holidaysCountry: string;
  /** The leave and authorised absences the agreement states: said, the engine's "leave required" warning is met. */
  leaveTerms?: string | null;
}

/** The stored schedule as the engine's week (a missing or broken day counts 0 h). */
export function scheduleOf(json: unknown): WeeklySchedule {
  const o = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  return Object.fromEntries(WEEKDAYS.map((d) => [d, typeof o[d] === 'number' && Number.isFinite(o[d]) ? (o[d] as number) : 0])) as WeeklySchedule;
}

/** The stored interruptions as day ranges (unreadable entries left out). */
export function interruptionsOf(json: unknown): DayRange[] {
  if (!Array.isArray(json)) return [];
  const out: DayRange[] = [];
  for (const r of json as { from?: string; to?: string }[]) {
    const from = CalendarDate.parse(r?.from);
    const to = CalendarDate.parse(r?.to);
    if (from && to) out.push({ from, to });
  }
  return out;
}

/**
 * Presence hours the student already has with the same host in the same academic year: the
 * submitted agreements (their figures are stored at submission) that start before this one, with
 * the same organisation or one of the same SIRET (one establishment may have been entered twice).
 */
export async function previousHoursWithHost(db: DbOrTx, a: LegalSubject): Promise<number> {
  const rows = await db.$queryRaw<{ hours: string | null }[]>`
    SELECT SUM(o."presenceHours")::text AS hours
    FROM "Agreement" o
    JOIN "Organisation" host ON host.id = o."organisationId"
    JOIN "Organisation" mine ON mine.id = ${a.organisationId}
    WHERE o."studentId" = ${a.studentId} AND o.id <> ${a.id} AND o."academicYear" = ${a.academicYear}
      AND o.status <> 'DRAFT' AND o."presenceHours" IS NOT NULL AND o."startDate" < ${a.startDate}::date
      AND (o."organisationId" = mine.id OR (mine.siret IS NOT NULL AND host.siret = mine.siret))`;
  return rows[0]?.hours ? Number(rows[0].hours) : 0;
}

export interface LegalOutcome {
  result: EngineResult;
  previousHours: number;
  signedOn: CalendarDate;
}

/** The engine on the agreement, as if signed on `signedOn` (the submission's day until the signatures exist). */
export async function computeAgreement(db: DbOrTx, a: LegalSubject, signedOn: CalendarDate): Promise<LegalOutcome> {
  const previousHours = await previousHoursWithHost(db, a);
  const result = computeInternship({
    start: CalendarDate.fromDb(a.startDate),
    end: CalendarDate.fromDb(a.endDate),
    schedule: scheduleOf(a.schedule),
    interruptions: interruptionsOf(a.interruptions),
    rulesCountry: a.rulesCountry,
    holidaysCountry: a.holidaysCountry,
    signedOn,
    previousHours,
    parameters: await loadParameters(db),
  });
  // The engine cannot know the agreement states its leave terms; stated, its warning is answered.
  if (a.leaveTerms?.trim()) result.checks = result.checks.filter((c) => c.code !== 'leave_required');
  return { result, previousHours, signedOn };
}

export const isBlocking = (c: Check) => c.severity === 'blocking';
