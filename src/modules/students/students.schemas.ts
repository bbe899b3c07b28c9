import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { SortSpec } from '../../http/pages.js';
import { f } from '../../http/validate.js';
import { valuesOf } from '../../nomenclatures/index.js';
import { CalendarDate } from '../../time/calendar.js';
import { checkNir } from './nir.js';

/** A student number: letters, digits, ".", "_", "-"; stored upper-case. */
export const studentNumber = () =>
  f
    .text(30)
    .refine((s) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s), 'students.errors.numberFormat')
    .transform((s) => s.toUpperCase());

const civility = () =>
  z
    .union([z.literal(''), f.enumOf(valuesOf('civility'))])
    .optional()
    .transform((v) => (v ? v : ('NONE' as const)));

const identity = {
  studentNumber: studentNumber(),
  civility: civility(),
  lastName: f.text(100),
  firstName: f.text(100),
  email: f.email(),
};

/** Self-registration: the institution, programme and year are checked against each other by the service. */
export const registrationSchema = z.object({
  institutionId: f.id(),
  programmeId: f.id(),
  studyYearId: f.id(),
  ...identity,
});
export type RegistrationInput = z.infer<typeof registrationSchema>;

/** Staff create or edit a student: the study year carries the programme and the institution. */
export const staffStudentSchema = z.object({
  studyYearId: f.id(),
  ...identity,
});
export type StaffStudentInput = z.infer<typeof staffStudentSchema>;

const ssn = () =>
  z
    .string()
    .max(40, 'errors.field.tooLong|40')
    .optional()
    .transform((v, ctx) => {
      const s = (v ?? '').trim();
      if (!s) return null;
      const r = checkNir(s);
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: `students.ssn.errors.${r.error}` });
        return z.NEVER;
      }
      return r.value;
    });

/** A past day (Paris "today" at the latest), from 1900 on. */
const birthDate = (today: CalendarDate) =>
  f.optionalDay().transform((day, ctx) => {
    if (!day) return null;
    if (day.year < 1900 || day.toString() > today.toString()) {
      ctx.addIssue({ code: 'custom', message: 'students.errors.birthDate' });
      return z.NEVER;
    }
    return day.toDb();
  });

const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), f.enumOf(values)])
    .optional()
    .transform((v) => (v ? v : null));

/** What the student fills in on their profile page; `today` (a Paris day) bounds the birth date. */
export const profileSchema = (today: CalendarDate) =>
  z.object({
    phone: f.optionalPhone(),
    addressLine1: f.optionalText(200),
    addressLine2: f.optionalText(200),
    postalCode: f.optionalText(20),
    city: f.optionalText(100),
    country: f.country(),
    birthDate: birthDate(today),
    ssn: ssn(),
    insurance: optionalEnum(valuesOf('insuranceAffiliation')),
    healthFund: f.optionalText(200),
    skills: f.optionalText(2000),
    languages: f.optionalText(1000),
    inCvBook: f.checkbox(),
  });
export type ProfileInput = z.infer<ReturnType<typeof profileSchema>>;

/**
 * The list's criteria (query string `q` and `year`): name or number, study year. Lenient, as
 * before: a malformed year is ignored rather than refused.
 */
export const listSchema = z
  .object({
    q: z.string().optional(),
    year: z.string().optional(),
  })
  .transform(({ q, year }) => ({
    q: (q ?? '').replace(/\u0000/g, '').trim().slice(0, 100),
    studyYearId: year && /^\d{1,9}$/.test(year) ? Number(year) : null,
  }));
export const LIST_KEYS = ['q', 'year'] as const;
export type ListFilters = z.infer<typeof listSchema>;

/** The list's sortable columns (?sort=&dir=); by default by name, A to Z. */
export const LIST_SORT: SortSpec<'name' | 'number' | 'email' | 'year' | 'centre', Prisma.StudentProfileOrderByWithRelationInput> = {
  columns: {
    name: (dir) => [{ user: { lastName: dir } }, { user: { firstName: dir } }],
    number: (dir) => [{ studentNumber: dir }],
    email: (dir) => [{ user: { email: dir } }],
    year: (dir) => [{ studyYear: { name: dir } }],
    centre: (dir) => [{ studyYear: { centre: { name: dir } } }],
  },
  tieBreaker: (dir) => ({ id: dir }),
  default: { column: 'name', dir: 'asc' },
};
