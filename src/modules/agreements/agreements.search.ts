import { z } from 'zod';
import type { Actor } from '../../authz/actor.js';
import type { DbOrTx } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { AgreementStatus, HeadcountBand, InternshipType, StructureType, WorkingTime } from '../../generated/prisma/enums.js';
import type { SortSpec } from '../../http/pages.js';
import { PAGE_SIZE, pager } from '../../http/pagination.js';
import { CalendarDate } from '../../time/calendar.js';
import { foldText } from '../offers/offers.search.js';
import { normalizeName } from '../organisations/identifiers.js';
import { PRINT_LANGUAGES } from './agreement.types.js';
import { agreementReachWhere } from './agreements.reach.js';

// The agreement search ("Rechercher une convention", seed 003 §3.2.1): the simple search (number,
// academic year, student number, last and first name) and every criterion of the advanced one, as a
// Prisma `where` ANDed with the actor's reach (agreements.reach.ts: never anything out of it).

const text = (max = 120) => z.string().trim().max(max).optional().catch(undefined);
const oneOf = <T extends Record<string, string>>(e: T) => z.enum(e).optional().catch(undefined);
const day = () =>
  z
    .string()
    .trim()
    .refine((s) => CalendarDate.parse(s) !== null)
    .transform((s) => CalendarDate.parse(s)!)
    .optional()
    .catch(undefined);
/** A list of ids, as a multiple select sends it (joined with commas by listQuery). */
const ids = () =>
  z
    .string()
    .regex(/^\d{1,9}(,\d{1,9}){0,49}$/)
    .transform((s) => s.split(',').map(Number))
    .optional()
    .catch(undefined);

export const agreementSearchSchema = z.object({
  // The simple search.
  number: z.string().trim().regex(/^(\d{4}-)?\d{1,9}$/).optional().catch(undefined),
  academicYear: z.string().trim().regex(/^\d{4}-\d{4}$/).optional().catch(undefined),
  studentNumber: text(40),
  lastName: text(),
  firstName: text(),
  // The advanced search.
  subject: text(200),
  type: oneOf(InternshipType),
  theme: text(200),
  daysPerWeek: z.string().trim().regex(/^[1-7]([.,]5)?$/).transform((s) => Number(s.replace(',', '.'))).optional().catch(undefined),
  paid: z.enum(['yes', 'no']).optional().catch(undefined),
  workingTime: oneOf(WorkingTime),
  language: z.enum(PRINT_LANGUAGES).optional().catch(undefined),
  validated: z.enum(['yes', 'no']).optional().catch(undefined),
  status: oneOf(AgreementStatus),
  startFrom: day(),
  startTo: day(),
  centre: ids(),
  studyYear: ids(),
  teacherLastName: text(),
  teacherFirstName: text(),
  organisation: text(200),
  siret: z.string().transform((s) => s.replace(/[\s.-]/g, '')).pipe(z.string().regex(/^\d{1,14}$/)).optional().catch(undefined),
  city: text(),
  postalCode: z.string().trim().regex(/^[0-9A-Za-z -]{1,10}$/).optional().catch(undefined),
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/).optional().catch(undefined),
  structureType: oneOf(StructureType),
  headcount: oneOf(HeadcountBand),
  sector: text(),
});
export type AgreementSearchInput = z.infer<typeof agreementSearchSchema>;

export const SEARCH_KEYS = Object.keys(agreementSearchSchema.shape);
export const SIMPLE_KEYS = ['number', 'academicYear', 'studentNumber', 'lastName', 'firstName'] as const;
/** The criteria sent as several values (a multiple select): joined with commas before parsing. */
export const LIST_KEYS = ['centre', 'studyYear'] as const;

/** The query string with each list criterion's values joined ("centre=1&centre=2" → "1,2"), the others as they are. */
export function listQuery(q: Record<string, unknown>): Record<string, unknown> {
  const out = { ...q };
  for (const k of LIST_KEYS) if (Array.isArray(out[k])) out[k] = (out[k] as unknown[]).filter((v) => typeof v === 'string' && v !== '').join(',');
  return out;
}

// Names are matched from their start, whatever the case: "dup" finds "Dupont" and "DUPUIS".
const startsWith = (s: string) => ({ startsWith: s, mode: 'insensitive' as const });

/** The criteria as a Prisma `where` (without the reach). */
export function criteriaWhere(c: AgreementSearchInput): Prisma.AgreementWhereInput {
  const and: Prisma.AgreementWhereInput[] = [];
  if (c.number) {
    const m = /^(?:(\d{4})-)?(\d+)$/.exec(c.number)!;
    and.push({ seq: Number(m[2]) });
    if (m[1]) and.push({ academicYear: { startsWith: `${m[1]}-` } });
  }
  if (c.academicYear) and.push({ academicYear: c.academicYear });
  const student: Prisma.StudentProfileWhereInput = {};
  if (c.studentNumber) student.studentNumber = c.studentNumber;
  if (Object.keys(student).length) and.push({ student });
  // The student's names as the agreement keeps them folded (agreement_student_names migration): an index range.
  if (c.lastName) and.push({ studentLastNameKey: { startsWith: foldText(c.lastName) } });
  if (c.firstName) and.push({ studentFirstNameKey: { startsWith: foldText(c.firstName) } });
  if (c.subject) and.push({ subject: { contains: c.subject, mode: 'insensitive' } });
  if (c.type) and.push({ type: c.type });
  if (c.theme) and.push({ theme: { contains: c.theme, mode: 'insensitive' } });
  if (c.daysPerWeek !== undefined) and.push({ daysPerWeek: c.daysPerWeek });
  if (c.paid) and.push(c.paid === 'yes' ? { payAmount: { gt: 0 } } : { OR: [{ payAmount: null }, { payAmount: { lte: 0 } }] });
  if (c.workingTime) and.push({ workingTime: c.workingTime });
  if (c.language) and.push({ printLanguage: c.language });
  if (c.validated) and.push(c.validated === 'yes' ? { status: 'VALIDATED' } : { status: { not: 'VALIDATED' } });
  if (c.status) and.push({ status: c.status });
  if (c.startFrom) and.push({ startDate: { gte: c.startFrom.toDb() } });
  if (c.startTo) and.push({ startDate: { lte: c.startTo.toDb() } });
  if (c.centre) and.push({ centreId: { in: c.centre } });
  if (c.studyYear) and.push({ studyYearId: { in: c.studyYear } });
  if (c.teacherLastName || c.teacherFirstName)
    and.push({ academicTutor: { ...(c.teacherLastName ? { lastName: startsWith(c.teacherLastName) } : {}), ...(c.teacherFirstName ? { firstName: startsWith(c.teacherFirstName) } : {}) } });
  const org: Prisma.OrganisationWhereInput = {};
  // The directory keeps every name folded (normalizedName): "societe" finds "Société".
  if (c.organisation && normalizeName(c.organisation)) org.normalizedName = { contains: normalizeName(c.organisation) };
  if (c.siret) org.siret = { startsWith: c.siret };
  if (c.city) org.city = startsWith(c.city);
  if (c.postalCode) org.postalCode = { startsWith: c.postalCode.toUpperCase() };
  if (c.country) org.country = c.country;
  if (c.structureType) org.structureType = c.structureType;
  if (c.headcount) org.headcount = c.headcount;
  if (c.sector) org.sector = { contains: c.sector, mode: 'insensitive' };
  if (Object.keys(org).length) and.push({ organisation: org });
  return { AND: and };
}

type SortColumn = 'number' | 'student' | 'organisation' | 'startDate' | 'status' | 'centre';
type Order = Prisma.AgreementOrderByWithRelationInput;

/** The columns the results may be sorted by (whitelisted; the id breaks ties); latest number first by default. */
export const SEARCH_SORT: SortSpec<SortColumn, Order> = {
  columns: {
    number: (dir) => [{ academicYear: dir }, { seq: dir }],
    student: (dir) => [{ studentLastNameKey: dir }, { studentFirstNameKey: dir }],
    organisation: (dir) => [{ organisation: { normalizedName: dir } }],
    startDate: (dir) => [{ startDate: dir }],
    status: (dir) => [{ status: dir }],
    centre: (dir) => [{ centre: { name: dir } }],
  },
  tieBreaker: (dir) => ({ id: dir }),
  default: { column: 'number', dir: 'desc' },
};

/** What a result row shows. */
export const listSelect = {
  id: true,
  academicYear: true,
  seq: true,
  status: true,
  startDate: true,
  endDate: true,
  subject: true,
  // Since when it waits (a dashboard's "depuis le …"): its sending, or its creation for a draft.
  submittedAt: true,
  createdAt: true,
  student: { select: { studentNumber: true, user: { select: { firstName: true, lastName: true } } } },
  organisation: { select: { legalName: true, city: true, country: true } },
  centre: { select: { name: true } },
} satisfies Prisma.AgreementSelect;

/** One page of the agreements matching `c` within the actor's reach, in `order`, and their total. */
export async function searchAgreements(db: DbOrTx, actor: Actor, c: AgreementSearchInput, page: number, order: Order[]) {
  const where: Prisma.AgreementWhereInput = { AND: [agreementReachWhere(actor), criteriaWhere(c)] };
  const read = (skip: number) => db.agreement.findMany({ where, select: listSelect, orderBy: order, skip, take: PAGE_SIZE });
  // The page asked for is read beside the count (two round trips at once); only a page past the
  // end is read again, as the last one.
  const asked = pager(page, Number.MAX_SAFE_INTEGER);
  const [total, items] = await Promise.all([db.agreement.count({ where }), read(asked.skip)]);
  const p = pager(page, total);
  return { items: p.skip === asked.skip ? items : await read(p.skip), pager: p };
}
