import { z } from 'zod';
import type { Actor } from '../../authz/actor.js';
import { hasCentreRight } from '../../authz/centres.js';
import type { DbOrTx } from '../../db/client.js';
import { FRENCH_HEADERS, IMPORT_COLUMNS, ImportFileError, type ImportColumn, type ParsedImport } from './students.import-file.js';

// CSV import of students, second step: what each row of the parsed file would do, checked
// against the database (shown as the preview, and computed again when the import is confirmed).

export type Outcome = 'CREATE' | 'UPDATE' | 'UNCHANGED' | 'REFUSED';
export interface Reason {
  key: string;
  params?: Record<string, string | number>;
}
export interface Change {
  field: 'lastName' | 'firstName' | 'email' | 'studyYear';
  from: string;
  to: string;
}
export interface PlannedRow {
  line: number;
  values: Record<ImportColumn, string>;
  outcome: Outcome;
  reasons: Reason[];
  changes: Change[];
  studyYear?: { id: number; name: string; programmeId: number };
  existing?: { profileId: number; userId: number };
}
export interface ImportPlan {
  institution: { id: number; name: string };
  rows: PlannedRow[];
  counts: Record<Outcome, number>;
  canConfirm: boolean;
}

const emailSchema = z.email();
const NUMBER_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_LENGTH: Record<ImportColumn, number> = { studentNumber: 30, lastName: 100, firstName: 100, email: 254, programmeCode: 30, studyYearCode: 30 };

/**
 * One outcome per row, computed from the file and the database: CREATE (unknown number in the
 * institution), UPDATE (known number: the changes), UNCHANGED, or REFUSED with every reason.
 * `db` is the transaction at confirmation, so the plan written is the plan checked.
 */
export async function planImport(db: DbOrTx, actor: Actor, institutionId: number, parsed: ParsedImport): Promise<ImportPlan> {
  const institution = await db.institution.findUnique({ where: { id: institutionId }, select: { id: true, name: true } });
  if (!institution) throw new ImportFileError('students.import.errors.institution');
  const programmes = await db.programme.findMany({
    where: { institutionId },
    select: { id: true, code: true, name: true, studyYears: { select: { id: true, code: true, name: true, centreId: true } } },
  });
  const byCode = new Map(programmes.map((p) => [p.code.toUpperCase(), p]));

  const numbers = [...new Set(parsed.rows.map((r) => r.values.studentNumber).filter(Boolean))];
  const emails = [...new Set(parsed.rows.map((r) => r.values.email).filter(Boolean))];
  const existing = await db.studentProfile.findMany({
    where: { institutionId, studentNumber: { in: numbers } },
    select: {
      id: true,
      studentNumber: true,
      userId: true,
      studyYearId: true,
      user: { select: { email: true, firstName: true, lastName: true } },
      studyYear: { select: { name: true, centreId: true } },
    },
  });
  const existingByNumber = new Map(existing.map((e) => [e.studentNumber, e]));
  const users = await db.user.findMany({ where: { email: { in: emails } }, select: { id: true, email: true } });
  const userByEmail = new Map(users.map((u) => [u.email, u]));

  // Duplicates inside the file.
  const linesOf = (key: (r: ParsedImport['rows'][number]) => string) => {
    const m = new Map<string, number[]>();
    for (const r of parsed.rows) {
      const k = key(r);
      if (k) m.set(k, [...(m.get(k) ?? []), r.line]);
    }
    return m;
  };
  const numberLines = linesOf((r) => r.values.studentNumber);
  const emailLines = linesOf((r) => r.values.email);

  const rows: PlannedRow[] = parsed.rows.map(({ line, values }) => {
    const reasons: Reason[] = [];
    const missing = IMPORT_COLUMNS.filter((c) => !values[c]);
    if (missing.length) reasons.push({ key: 'students.import.reasons.missing', params: { columns: missing.map((c) => FRENCH_HEADERS[c]).join(', ') } });
    for (const col of IMPORT_COLUMNS) {
      if (values[col].length > MAX_LENGTH[col]) reasons.push({ key: 'students.import.reasons.tooLong', params: { column: FRENCH_HEADERS[col], max: MAX_LENGTH[col] } });
    }
    if (values.studentNumber && !NUMBER_RE.test(values.studentNumber)) reasons.push({ key: 'students.import.reasons.numberFormat' });
    if (values.email && !emailSchema.safeParse(values.email).success) reasons.push({ key: 'students.import.reasons.invalidEmail' });

    const dupNumber = numberLines.get(values.studentNumber);
    if (dupNumber && dupNumber.length > 1) reasons.push({ key: 'students.import.reasons.duplicateNumber', params: { lines: dupNumber.join(', ') } });
    const dupEmail = emailLines.get(values.email);
    if (dupEmail && dupEmail.length > 1) reasons.push({ key: 'students.import.reasons.duplicateEmail', params: { lines: dupEmail.join(', ') } });

    let studyYear: PlannedRow['studyYear'];
    if (values.programmeCode) {
      const programme = byCode.get(values.programmeCode.toUpperCase());
      if (!programme) reasons.push({ key: 'students.import.reasons.unknownProgramme', params: { code: values.programmeCode } });
      else if (values.studyYearCode) {
        const year = programme.studyYears.find((y) => y.code.toUpperCase() === values.studyYearCode.toUpperCase());
        if (!year) reasons.push({ key: 'students.import.reasons.unknownYear', params: { code: values.studyYearCode, programme: programme.code } });
        else if (!hasCentreRight(actor, year.centreId, 'WRITE')) reasons.push({ key: 'students.import.reasons.yearNotWritable', params: { year: year.name } });
        else studyYear = { id: year.id, name: year.name, programmeId: programme.id };
      }
    }

    const found = values.studentNumber ? existingByNumber.get(values.studentNumber) : undefined;
    if (found && !hasCentreRight(actor, found.studyYear?.centreId, 'WRITE')) reasons.push({ key: 'students.import.reasons.studentNotWritable' });
    const holder = values.email ? userByEmail.get(values.email) : undefined;
    if (holder && holder.id !== found?.userId) reasons.push({ key: 'students.import.reasons.emailTaken' });

    const changes: Change[] = [];
    if (found && !reasons.length) {
      if (found.user.lastName !== values.lastName) changes.push({ field: 'lastName', from: found.user.lastName, to: values.lastName });
      if (found.user.firstName !== values.firstName) changes.push({ field: 'firstName', from: found.user.firstName, to: values.firstName });
      if (found.user.email !== values.email) changes.push({ field: 'email', from: found.user.email, to: values.email });
      if (found.studyYearId !== studyYear!.id) changes.push({ field: 'studyYear', from: found.studyYear?.name ?? '', to: studyYear!.name });
    }
    const outcome: Outcome = reasons.length ? 'REFUSED' : found ? (changes.length ? 'UPDATE' : 'UNCHANGED') : 'CREATE';
    return { line, values, outcome, reasons, changes, studyYear, existing: found ? { profileId: found.id, userId: found.userId } : undefined };
  });

  const counts: Record<Outcome, number> = { CREATE: 0, UPDATE: 0, UNCHANGED: 0, REFUSED: 0 };
  for (const r of rows) counts[r.outcome]++;
  return { institution, rows, counts, canConfirm: counts.REFUSED === 0 && counts.CREATE + counts.UPDATE > 0 };
}

