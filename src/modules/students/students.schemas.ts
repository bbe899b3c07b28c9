import { z } from 'zod';
import { f } from '../../http/validate.js';
import { checkNir } from './nir.js';

export const CIVILITIES = ['MR', 'MRS', 'NONE'] as const;
export const INSURANCES = ['GENERAL', 'AGRICULTURAL', 'SPECIAL', 'FOREIGN', 'OTHER'] as const;

/** A student number: letters, digits, ".", "_", "-"; stored upper-case. */
export const studentNumber = () =>
  f
    .text(30)
    .refine((s) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s), 'students.errors.numberFormat')
    .transform((s) => s.toUpperCase());

const civility = () =>
  z
    .union([z.literal(''), f.enumOf(CIVILITIES)])
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

const birthDate = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: 'errors.field.date' });
        return z.NEVER;
      }
      const d = new Date(`${v}T00:00:00.000Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v) {
        ctx.addIssue({ code: 'custom', message: 'errors.field.date' });
        return z.NEVER;
      }
      if (d.getUTCFullYear() < 1900 || d.getTime() > Date.now()) {
        ctx.addIssue({ code: 'custom', message: 'students.errors.birthDate' });
        return z.NEVER;
      }
      return d;
    });

const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.literal(''), f.enumOf(values)])
    .optional()
    .transform((v) => (v ? v : null));

/** What the student fills in on their profile page. */
export const profileSchema = z.object({
  phone: f.optionalPhone(),
  addressLine1: f.optionalText(200),
  addressLine2: f.optionalText(200),
  postalCode: f.optionalText(20),
  city: f.optionalText(100),
  country: f.country(),
  birthDate: birthDate(),
  ssn: ssn(),
  insurance: optionalEnum(INSURANCES),
  healthFund: f.optionalText(200),
  skills: f.optionalText(2000),
  languages: f.optionalText(1000),
  inCvBook: f.checkbox(),
});
export type ProfileInput = z.infer<typeof profileSchema>;

/** The list filters: name or number, study year. */
export function listFilters(query: Record<string, unknown>) {
  const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const q = one(query.q);
  const year = one(query.year);
  return {
    q: typeof q === 'string' ? q.replace(/\u0000/g, '').trim().slice(0, 100) : '',
    studyYearId: typeof year === 'string' && /^\d{1,9}$/.test(year) ? Number(year) : null,
  };
}
export type ListFilters = ReturnType<typeof listFilters>;
