// What an agreement is made of, shared by its creators: the sheets module (a validated sheet), the
// staff's and the student's wizard (next session), the demo data and the bench.
import type { InternshipType, WorkingTime } from '../../generated/prisma/enums.js';
import type { DayRange, WeeklySchedule } from '../../legal/types.js';
import type { CalendarDate } from '../../time/calendar.js';

/** The languages an agreement can be printed in (the printed nomenclatures' languages). */
export const PRINT_LANGUAGES = ['fr', 'en', 'de', 'es', 'it'] as const;
export type PrintLanguage = (typeof PRINT_LANGUAGES)[number];

/** The internship itself, as the agreement states it. Optional fields default to nothing said. */
export interface InternshipDetails {
  type: InternshipType;
  subject: string;
  theme?: string | null;
  activities?: string | null;
  skills?: string | null;
  /** First and last day, both included. */
  startDate: CalendarDate;
  endDate: CalendarDate;
  interruptions?: DayRange[];
  /** Hours of presence per weekday (decimals allowed). */
  schedule: WeeklySchedule;
  /** Default: the weekdays the schedule gives hours to. */
  daysPerWeek?: number;
  workingTime?: WorkingTime;
  nightPresence?: string | null;
  sundayPresence?: string | null;
  holidayPresence?: string | null;
  payAmount?: number | null;
  /** nomenclature payUnit: HOUR, MONTH… */
  payUnit?: string | null;
  /** ISO 4217, default EUR. */
  currency?: string;
  /** nomenclature paymentMethod. */
  paymentMethod?: string | null;
  benefitsMeals?: string | null;
  benefitsTransport?: string | null;
  benefitsOther?: string | null;
  /** Leave and authorised absences (required above the legal threshold: checked at submission). */
  leaveTerms?: string | null;
  supervisionTerms?: string | null;
  confidential?: boolean;
  printLanguage?: PrintLanguage;
  /** ISO 3166-1 alpha-2 of the host's legal seat (whose law); default: the organisation's country. */
  rulesCountry?: string;
  /** Where the internship takes place (whose public holidays); default: the service's or organisation's country. */
  holidaysCountry?: string;
}

/** Who the agreement binds: ids of existing rows (the creator has created what was new). */
export interface AgreementParties {
  /** StudentProfile id. */
  studentId: number;
  /** The academic year it counts for, when the centre lets the creator choose near a year's start; default: the year of the first day. */
  academicYear?: string | null;
  /** The managing centre; default: the centre of the student's study year. */
  centreId?: number;
  offerId?: number | null;
  /** The internship sheet it comes from (one agreement per sheet). */
  sheetId?: number | null;
  organisationId: number;
  serviceId?: number | null;
  /** Contacts of the organisation. */
  companyTutorId?: number | null;
  signatoryId?: number | null;
  /** A user (a teacher of the institution). */
  academicTutorId?: number | null;
}

/** What createAgreement(tx, act, input) makes a DRAFT agreement from. */
export type AgreementCreateInput = AgreementParties & InternshipDetails;

/** "2026-00042": the academic year's first calendar year, then the sequence on 5 digits. */
export function agreementNumber(a: { academicYear: string; seq: number }): string {
  return `${a.academicYear.slice(0, 4)}-${String(a.seq).padStart(5, '0')}`;
}
