import { z } from 'zod';
import type { Prisma } from '../../generated/prisma/client.js';
import type { SortSpec } from '../../http/pages.js';
import { f } from '../../http/validate.js';
import { valuesOf } from '../../nomenclatures/index.js';

/** Codes (institution, programme, study year): letters, digits, "." "_" "-", stored upper-case. */
const code = () =>
  f
    .text(30)
    .refine((s) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s), 'admin.errors.code')
    .transform((s) => s.toUpperCase());

export const institutionSchema = z.object({
  code: code(),
  name: f.text(200),
  country: f.country(),
  addressLine1: f.optionalText(200),
  addressLine2: f.optionalText(200),
  postalCode: f.optionalText(20),
  city: f.optionalText(100),
  phone: f.optionalPhone(),
  email: f.optionalEmail(),
  website: f.optionalUrl(),
  // R124-13: 24 interns at once per academic tutor, unless the institution sets fewer (empty: 24).
  academicTutorLimit: z
    .union([z.literal(''), z.coerce.number({ error: 'admin.errors.tutorLimit' }).int('admin.errors.tutorLimit').min(1, 'admin.errors.tutorLimit').max(24, 'admin.errors.tutorLimit')])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v)),
  // Whom to write to about personal data, on the privacy page (issue 15).
  dataProtectionContact: f.optionalText(1000),
});
export type InstitutionInput = z.infer<typeof institutionSchema>;

export const programmeSchema = z.object({
  code: code(),
  name: f.text(200),
});
export type ProgrammeInput = z.infer<typeof programmeSchema>;

export const studyYearSchema = z.object({
  code: code(),
  name: f.text(200),
  level: z
    .string({ error: 'errors.field.required' })
    .trim()
    .min(1, 'errors.field.required')
    .regex(/^[1-8]$/, 'admin.errors.level')
    .transform(Number),
  centreId: f.id(),
});
export type StudyYearInput = z.infer<typeof studyYearSchema>;

export const academicYearSchema = z
  .object({
    label: f.text(9).refine((s) => {
      const m = /^(\d{4})-(\d{4})$/.exec(s);
      return !!m && Number(m[2]) === Number(m[1]) + 1;
    }, 'admin.errors.academicYearLabel'),
    startDate: f.date(),
    endDate: f.date(),
    isCurrent: f.checkbox(),
  })
  // zod runs this even when a date failed (then the field's own message is enough).
  .refine((v) => !(v.startDate instanceof Date && v.endDate instanceof Date) || v.endDate.getTime() > v.startDate.getTime(), {
    path: ['endDate'],
    message: 'errors.field.dateOrder',
  });
export type AcademicYearInput = z.infer<typeof academicYearSchema>;

/** A centre's coordinates and settings: what its ADMIN may change. */
export const centreFields = {
  name: f.text(200),
  addressLine1: f.text(200),
  addressLine2: f.optionalText(200),
  postalCode: f.text(20),
  city: f.text(100),
  country: f.country(),
  phone: f.phone(),
  fax: f.optionalPhone(),
  email: f.optionalEmail(),
  website: f.optionalUrl(),
  academicTutorRequired: f.checkbox(),
  companyTutorRequired: f.checkbox(),
  studentsMayEnterTutor: f.checkbox(),
  yearChoiceMonthBefore: f.checkbox(),
  yearChoiceMonthAfter: f.checkbox(),
  anonymousDeposit: f.checkbox(),
  studentsMayPrint: f.checkbox(),
  printCondition: f.enumOf(valuesOf('printCondition')),
  confidentiality: f.enumOf(valuesOf('confidentialityRule')),
};

/** Empty means "choose for me" (the first centre of an institution is INSTITUTION, later ones UFR). */
const optionalKind = () =>
  z
    .union([z.literal(''), f.enumOf(valuesOf('centreKind'))])
    .optional()
    .transform((v) => (v ? v : null));

export const centreUpdateSchema = z.object(centreFields);
/** The platform administrator also chooses the kind. */
export const centreAdminUpdateSchema = z.object({ ...centreFields, kind: f.enumOf(valuesOf('centreKind')) });
export const centreCreateSchema = z.object({ ...centreFields, institutionId: f.id(), kind: optionalKind() });

export type CentreUpdateInput = z.infer<typeof centreUpdateSchema> & { kind?: z.infer<typeof centreAdminUpdateSchema>['kind'] };
export type CentreCreateInput = z.infer<typeof centreCreateSchema>;

/** Defaults of a new centre's form: the most freedom for users, as the guide asks. */
export const CENTRE_DEFAULTS = {
  country: 'FR',
  academicTutorRequired: false,
  companyTutorRequired: false,
  studentsMayEnterTutor: true,
  yearChoiceMonthBefore: true,
  yearChoiceMonthAfter: true,
  anonymousDeposit: true,
  studentsMayPrint: true,
  printCondition: 'ALWAYS',
  confidentiality: 'FREE',
} as const;

const staffFields = {
  right: f.enumOf(valuesOf('centreRight')),
  department: f.optionalText(200),
  campus: f.optionalText(200),
  building: f.optionalText(200),
  office: f.optionalText(100),
  printedAsContact: f.checkbox(),
};

export const staffUpdateSchema = z.object(staffFields);
export type StaffUpdateInput = z.infer<typeof staffUpdateSchema>;

/** Attach by e-mail; names are needed only when no account has that address yet. */
export const staffAddSchema = z.object({
  email: f.email(),
  civility: z
    .union([z.literal(''), f.enumOf(valuesOf('civility'))])
    .optional()
    .transform((v) => (v ? v : 'NONE' as const)),
  firstName: f.optionalText(100),
  lastName: f.optionalText(100),
  ...staffFields,
});
export type StaffAddInput = z.infer<typeof staffAddSchema>;

/** No criteria but the order: the admin lists' query strings carry only ?sort=&dir= and ?page=. */
export const noCriteria = z.object({});

/** The institutions' sortable columns; by name by default. */
export const INSTITUTION_SORT: SortSpec<'code' | 'name' | 'city' | 'programmes' | 'centres', Prisma.InstitutionOrderByWithRelationInput> = {
  columns: {
    code: (dir) => [{ code: dir }],
    name: (dir) => [{ name: dir }],
    city: (dir) => [{ city: dir }, { country: dir }],
    programmes: (dir) => [{ programmes: { _count: dir } }],
    centres: (dir) => [{ centres: { _count: dir } }],
  },
  tieBreaker: (dir) => ({ id: dir }),
  default: { column: 'name', dir: 'asc' },
};

/** The centres' sortable columns; by name by default. */
export const CENTRE_SORT: SortSpec<'name' | 'institution' | 'kind', Prisma.ManagementCentreOrderByWithRelationInput> = {
  columns: {
    name: (dir) => [{ name: dir }],
    institution: (dir) => [{ institution: { name: dir } }, { name: dir }],
    kind: (dir) => [{ kind: dir }, { name: dir }],
  },
  tieBreaker: (dir) => ({ id: dir }),
  default: { column: 'name', dir: 'asc' },
};
