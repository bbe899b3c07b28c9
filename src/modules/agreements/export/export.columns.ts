// The columns an agreement export may hold (issue 13, "Exports"; seed 003 §3.2.2): every useful
// field of the agreement, its student, host, service, tutors and signatory, and the legal engine's
// figures. Each column names the values it reads by their path from the agreement ('student.user.
// lastName'): the export's query selects exactly the paths of the chosen columns (export.query.ts),
// and the column turns what it read into one cell. Amendments write their values onto the
// agreement's own columns, so what is read here is always the effective value.
import type { Translate } from '../../../i18n/index.js';
import type { LocaleCode } from '../../../i18n/index.js';
import { label, type NomenclatureName } from '../../../nomenclatures/index.js';
import { dayOf } from '../../../time/calendar.js';
import { interruptionsOf, scheduleOf } from '../agreements.legal.js';
import { agreementNumber } from '../agreement.types.js';
import { AGREEMENT_WORKFLOW } from '../agreements.workflow.js';

/** A cell: text, a number, or a day (a Date at UTC midnight, as `@db.Date` columns hold days). */
export type Cell = string | number | Date | null;
export type ColumnKind = 'text' | 'number' | 'date';
export interface ReadContext {
  locale: LocaleCode;
  t: Translate;
}

/** The fieldsets of the column chooser, in its order; a column's key starts with its group. */
export const COLUMN_GROUPS = ['agreement', 'student', 'host', 'service', 'companyTutor', 'academicTutor', 'signatory', 'figures'] as const;
export type ColumnGroup = (typeof COLUMN_GROUPS)[number];

export interface ExportColumn {
  key: string;
  group: ColumnGroup;
  /** The header's catalogue key. */
  labelKey: string;
  kind: ColumnKind;
  /** What it reads, as paths from the agreement (a relation's field: 'service.name'). */
  paths: string[];
  /** The cell, from the values read at `paths` (null where a relation is missing). */
  cell: (values: unknown[], c: ReadContext) => Cell;
}

// ───────────── how values become cells ─────────────

const asText = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
// Prisma's Decimal prints itself exactly; Number() of that string is the cell's number.
const asNumber = (v: unknown): number | null => (v === null || v === undefined ? null : Number(String(v)));
/** An instant (createdAt…) as its Paris day: the spreadsheet shows the day, as the pages do. */
const asDay = (v: unknown): Date | null => (v instanceof Date ? dayOf(v).toDb() : null);
const ref = (name: NomenclatureName) => (v: unknown[], c: ReadContext) => asText(label(name, asText(v[0]), c.locale));
const yesNo = (v: unknown, c: ReadContext) => (v === null || v === undefined ? null : c.t(v ? 'common.yes' : 'common.no'));
/** dd/mm/yyyy whatever the language: the French and British spreadsheets read it alike. */
export const dmy = (d: Date) => `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;

const DEFAULT_CELL: Record<ColumnKind, (v: unknown[]) => Cell> = {
  text: (v) => asText(v[0]),
  number: (v) => asNumber(v[0]),
  // A `@db.Date` column: the Date Prisma gives is the day at UTC midnight.
  date: (v) => (v[0] instanceof Date ? v[0] : null),
};

type Def = [key: string, kind: ColumnKind, paths: string | string[], cell?: (v: unknown[], c: ReadContext) => Cell];

// ───────────── the columns, by group ─────────────

const AGREEMENT: Def[] = [
  ['agreement.number', 'text', ['academicYear', 'seq'], ([y, s]) => agreementNumber({ academicYear: String(y), seq: Number(s) })],
  ['agreement.academicYear', 'text', 'academicYear'],
  ['agreement.state', 'text', 'status', ([s], c) => c.t(AGREEMENT_WORKFLOW.stateLabel(s as never))],
  ['agreement.centre', 'text', 'centre.name'],
  ['agreement.type', 'text', 'type', ref('internshipType')],
  ['agreement.subject', 'text', 'subject'],
  ['agreement.theme', 'text', 'theme'],
  ['agreement.activities', 'text', 'activities'],
  ['agreement.skills', 'text', 'skills'],
  ['agreement.startDate', 'date', 'startDate'],
  ['agreement.endDate', 'date', 'endDate'],
  ['agreement.interruptionCount', 'number', 'interruptions', ([j]) => interruptionsOf(j).length],
  ['agreement.interruptions', 'text', 'interruptions', ([j]) => asText(interruptionsOf(j).map((r) => `${dmy(r.from.toDb())} – ${dmy(r.to.toDb())}`).join(' ; '))],
  ['agreement.daysPerWeek', 'number', 'daysPerWeek'],
  ['agreement.workingTime', 'text', 'workingTime', ref('workingTime')],
  ['agreement.weeklyHours', 'number', 'schedule', ([j]) => Object.values(scheduleOf(j)).reduce((s, h) => s + h, 0)],
  ['agreement.nightPresence', 'text', 'nightPresence'],
  ['agreement.sundayPresence', 'text', 'sundayPresence'],
  ['agreement.holidayPresence', 'text', 'holidayPresence'],
  ['agreement.payAmount', 'number', 'payAmount'],
  ['agreement.payUnit', 'text', 'payUnit', ref('payUnit')],
  ['agreement.currency', 'text', 'currency'],
  ['agreement.paymentMethod', 'text', 'paymentMethod', ref('paymentMethod')],
  ['agreement.benefitsMeals', 'text', 'benefitsMeals'],
  ['agreement.benefitsTransport', 'text', 'benefitsTransport'],
  ['agreement.benefitsOther', 'text', 'benefitsOther'],
  ['agreement.leaveTerms', 'text', 'leaveTerms'],
  ['agreement.supervisionTerms', 'text', 'supervisionTerms'],
  ['agreement.confidential', 'text', 'confidential', ([v], c) => yesNo(v, c)],
  ['agreement.printLanguage', 'text', 'printLanguage', ([l], c) => c.t(`agreements.languages.${String(l)}`)],
  ['agreement.createdAt', 'date', 'createdAt', ([d]) => asDay(d)],
  ['agreement.submittedAt', 'date', 'submittedAt', ([d]) => asDay(d)],
  ['agreement.validatedAt', 'date', 'validatedAt', ([d]) => asDay(d)],
];

// The programme and the study year are the agreement's copies (the student's when it was made).
const STUDENT: Def[] = [
  ['student.number', 'text', 'student.studentNumber'],
  ['student.civility', 'text', 'student.user.civility', ref('civility')],
  ['student.lastName', 'text', 'student.user.lastName'],
  ['student.firstName', 'text', 'student.user.firstName'],
  ['student.email', 'text', 'student.user.email'],
  ['student.phone', 'text', 'student.user.phone'],
  ['student.addressLine1', 'text', 'student.addressLine1'],
  ['student.addressLine2', 'text', 'student.addressLine2'],
  ['student.postalCode', 'text', 'student.postalCode'],
  ['student.city', 'text', 'student.city'],
  ['student.country', 'text', 'student.country', ref('country')],
  ['student.insurance', 'text', 'student.insurance', ref('insuranceAffiliation')],
  ['student.healthFund', 'text', 'student.healthFund'],
  ['student.programmeCode', 'text', 'programme.code'],
  ['student.programme', 'text', 'programme.name'],
  ['student.studyYearCode', 'text', 'studyYear.code'],
  ['student.studyYear', 'text', 'studyYear.name'],
];

const HOST: Def[] = [
  ['host.name', 'text', 'organisation.legalName'],
  ['host.siret', 'text', 'organisation.siret'],
  ['host.nafCode', 'text', 'organisation.nafCode'],
  ['host.legalStatus', 'text', 'organisation.legalStatus', ref('legalStatus')],
  ['host.structureType', 'text', 'organisation.structureType', ref('structureType')],
  ['host.headcount', 'text', 'organisation.headcount', ref('headcountBand')],
  ['host.sector', 'text', 'organisation.sector'],
  ['host.addressLine1', 'text', 'organisation.addressLine1'],
  ['host.addressLine2', 'text', 'organisation.addressLine2'],
  ['host.postalCode', 'text', 'organisation.postalCode'],
  ['host.city', 'text', 'organisation.city'],
  ['host.country', 'text', 'organisation.country', ref('country')],
  ['host.phone', 'text', 'organisation.phone'],
  ['host.email', 'text', 'organisation.email'],
];

/** A service's address line: its own, or its organisation's when it has none of its own ("same address"). */
type CellFn = (v: unknown[], c: ReadContext) => Cell;
const place = (field: string, cell: CellFn = (v) => asText(v[0])): [string[], CellFn] => [
  ['service.id', 'service.sameAddress', `service.${field}`, `organisation.${field}`],
  ([id, same, own, org], c) => (id === null || id === undefined ? null : cell([same ? org : own], c)),
];
const SERVICE: Def[] = [
  ['service.name', 'text', 'service.name'],
  ['service.addressLine1', 'text', ...place('addressLine1')],
  ['service.addressLine2', 'text', ...place('addressLine2')],
  ['service.postalCode', 'text', ...place('postalCode')],
  ['service.city', 'text', ...place('city')],
  ['service.country', 'text', ...place('country', ref('country'))],
  ['service.phone', 'text', 'service.phone'],
];

const contact = (group: 'companyTutor' | 'signatory'): Def[] =>
  ['lastName', 'firstName', 'function', 'email', 'phone'].map((f) => [`${group}.${f}`, 'text', `${group}.${f}`] as Def);
const ACADEMIC_TUTOR: Def[] = ['lastName', 'firstName', 'email', 'phone'].map((f) => [`academicTutor.${f}`, 'text', `academicTutor.${f}`] as Def);

// The legal engine's figures, stored at submission (empty on a draft).
const FIGURES: Def[] = [
  ['figures.presenceHours', 'number', 'presenceHours'],
  ['figures.presenceDays', 'number', 'presenceDays'],
  ['figures.presenceMonths', 'number', 'presenceMonths'],
  ['figures.previousHours', 'number', 'previousHours'],
  ['figures.stipendDue', 'text', 'stipendDue', ([v], c) => yesNo(v, c)],
  ['figures.hourlyMinimum', 'number', 'hourlyMinimum'],
  ['figures.stipendTotal', 'number', 'stipendTotal'],
];

function build(defs: Def[]): ExportColumn[] {
  return defs.map(([key, kind, paths, cell]) => ({
    key,
    group: key.split('.')[0] as ColumnGroup,
    labelKey: `exports.columns.${key}`,
    kind,
    paths: Array.isArray(paths) ? paths : [paths],
    cell: cell ?? DEFAULT_CELL[kind],
  }));
}

/** Every column, in the chooser's order. */
export const EXPORT_COLUMNS: readonly ExportColumn[] = build([...AGREEMENT, ...STUDENT, ...HOST, ...SERVICE, ...contact('companyTutor'), ...ACADEMIC_TUTOR, ...contact('signatory'), ...FIGURES]);
const BY_KEY = new Map(EXPORT_COLUMNS.map((c) => [c.key, c]));

export function columnOf(key: string): ExportColumn | undefined {
  return BY_KEY.get(key);
}

export function isColumnKey(key: string): boolean {
  return BY_KEY.has(key);
}

/** The columns of `keys`, in that order (unknown keys left out: a preset saved before a column was removed). */
export function columnsOf(keys: readonly string[]): ExportColumn[] {
  return keys.map((k) => BY_KEY.get(k)).filter((c): c is ExportColumn => !!c);
}
