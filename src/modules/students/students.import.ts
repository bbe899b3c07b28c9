import { z } from 'zod';
import { audit, auditMany } from '../../audit/audit.js';
import { queueInvitations } from '../../auth/invitations.js';
import type { Actor } from '../../authz/actor.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/unique.js';
import type { Meta } from '../../http/pagination.js';
import { auditedProfile, canWriteCentre } from './students.service.js';

// CSV import of students by WRITE staff: parse → plan (one outcome per row) → preview → confirm,
// where the plan is computed again inside the transaction that writes every row, or none.

export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 5000;

export const IMPORT_COLUMNS = ['studentNumber', 'lastName', 'firstName', 'email', 'programmeCode', 'studyYearCode'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** The header of the example file and of the page's instructions (French, as the staff use it). */
export const FRENCH_HEADERS: Record<ImportColumn, string> = {
  studentNumber: 'numero_etudiant',
  lastName: 'nom',
  firstName: 'prenom',
  email: 'email',
  programmeCode: 'code_filiere',
  studyYearCode: 'code_annee',
};
export const ENGLISH_HEADERS: Record<ImportColumn, string> = {
  studentNumber: 'student_number',
  lastName: 'last_name',
  firstName: 'first_name',
  email: 'email',
  programmeCode: 'programme_code',
  studyYearCode: 'study_year_code',
};

/** Accepted header spellings, after normalisation (lower case, no accents, "_" for spaces and dashes). */
const HEADER_ALIASES: Record<string, ImportColumn> = {
  numero_etudiant: 'studentNumber',
  num_etudiant: 'studentNumber',
  no_etudiant: 'studentNumber',
  n_etudiant: 'studentNumber',
  student_number: 'studentNumber',
  studentnumber: 'studentNumber',
  nom: 'lastName',
  nom_de_famille: 'lastName',
  last_name: 'lastName',
  lastname: 'lastName',
  prenom: 'firstName',
  first_name: 'firstName',
  firstname: 'firstName',
  email: 'email',
  e_mail: 'email',
  mail: 'email',
  courriel: 'email',
  adresse_email: 'email',
  code_filiere: 'programmeCode',
  programme_code: 'programmeCode',
  program_code: 'programmeCode',
  code_annee: 'studyYearCode',
  code_annee_formation: 'studyYearCode',
  study_year_code: 'studyYearCode',
  year_code: 'studyYearCode',
};

export function normalizeHeader(h: string): string {
  return h
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[°º.]/g, '')
    .replace(/[\s-]+/g, '_');
}

/** A problem with the file as a whole: the upload form is shown again with this message (422). */
export class ImportFileError extends Error {
  constructor(
    public key: string,
    /** The message's one parameter ({value} in the catalogue). */
    public value?: string | number,
  ) {
    super(key);
  }

  /** As a field message: "key|value" (see messageFor). */
  get fieldMessage(): string {
    return this.value === undefined ? this.key : `${this.key}|${String(this.value).replace(/\|/g, ' ')}`;
  }
}

export interface ParsedImport {
  separator: ';' | ',';
  /** Header cells that match no column (ignored). */
  ignoredColumns: string[];
  rows: { line: number; values: Record<ImportColumn, string> }[];
}

/** Decodes the bytes as UTF-8 (a byte-order mark is dropped); anything else is refused. */
export function decodeUtf8(buffer: Uint8Array): string {
  if (buffer.length > MAX_IMPORT_BYTES) throw new ImportFileError('students.import.errors.tooLarge');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    throw new ImportFileError('students.import.errors.notUtf8');
  }
  if (text.includes('\u0000')) throw new ImportFileError('students.import.errors.notText');
  return text.replace(/^\uFEFF/, '');
}

/** The separator of the header line (outside quotes): the more frequent of ";" and ",". */
function detectSeparator(text: string): ';' | ',' {
  let semi = 0;
  let comma = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch === ';') semi++;
    else if (!quoted && ch === ',') comma++;
  }
  return comma > semi ? ',' : ';';
}

/** RFC 4180 records: quoted fields may hold the separator, line breaks and doubled quotes. */
export function splitRecords(text: string, sep: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let atFieldStart = true;
  let line = 1;
  let recordLine = 1;
  const endCell = () => {
    cells.push(cell);
    cell = '';
    atFieldStart = true;
  };
  const endRecord = () => {
    endCell();
    if (cells.some((c) => c.trim() !== '')) records.push({ line: recordLine, cells });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && atFieldStart && cell.trim() === '') {
      quoted = true;
      cell = '';
      atFieldStart = false;
    } else if (ch === sep) {
      endCell();
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += ch;
      atFieldStart = false;
    }
  }
  if (quoted) throw new ImportFileError('students.import.errors.unterminatedQuote', recordLine);
  if (cell !== '' || cells.length) endRecord();
  return records;
}

/** Reads the file: header required (French or English column names, any order), at most 5000 rows. */
export function parseImport(buffer: Uint8Array): ParsedImport {
  const text = decodeUtf8(buffer);
  const separator = detectSeparator(text);
  const records = splitRecords(text, separator);
  if (!records.length) throw new ImportFileError('students.import.errors.empty');
  const [header, ...data] = records;
  const index = new Map<ImportColumn, number>();
  const ignoredColumns: string[] = [];
  header.cells.forEach((raw, i) => {
    const col = HEADER_ALIASES[normalizeHeader(raw)];
    if (!col) {
      if (raw.trim()) ignoredColumns.push(raw.trim());
      return;
    }
    if (index.has(col)) throw new ImportFileError('students.import.errors.duplicateColumn', raw.trim());
    index.set(col, i);
  });
  const missing = IMPORT_COLUMNS.filter((c) => !index.has(c));
  if (missing.length) throw new ImportFileError('students.import.errors.missingColumns', missing.map((c) => FRENCH_HEADERS[c]).join(', '));
  if (!data.length) throw new ImportFileError('students.import.errors.noRows');
  if (data.length > MAX_IMPORT_ROWS) throw new ImportFileError('students.import.errors.tooManyRows', MAX_IMPORT_ROWS);
  const rows = data.map((r) => {
    const values = {} as Record<ImportColumn, string>;
    for (const col of IMPORT_COLUMNS) values[col] = (r.cells[index.get(col)!] ?? '').trim();
    values.email = values.email.toLowerCase();
    values.studentNumber = values.studentNumber.toUpperCase();
    return { line: r.line, values };
  });
  return { separator, ignoredColumns, rows };
}

// ───────────── plan ─────────────

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
        else if (!canWriteCentre(actor, year.centreId)) reasons.push({ key: 'students.import.reasons.yearNotWritable', params: { year: year.name } });
        else studyYear = { id: year.id, name: year.name, programmeId: programme.id };
      }
    }

    const found = values.studentNumber ? existingByNumber.get(values.studentNumber) : undefined;
    if (found && !canWriteCentre(actor, found.studyYear?.centreId)) reasons.push({ key: 'students.import.reasons.studentNotWritable' });
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

/** Thrown inside the confirmation's transaction (which then rolls back) when a row is refused. */
export class ImportRefused extends Error {
  constructor(public plan: ImportPlan) {
    super('import refused');
  }
}

/**
 * Writes every row of the plan, or nothing: accounts (no password) and profiles for new students
 * with their invitation e-mails, changes of known students, one audit row per student and one for
 * the import. The plan is computed again inside the transaction; imports into one institution are
 * serialised by an advisory lock.
 */
export async function applyImport(
  db: Db,
  actor: Actor,
  institutionId: number,
  parsed: ParsedImport,
  file: { name: string; sha256: string },
  { baseUrl, now }: { baseUrl: string; now: Date },
  meta: Meta = {},
) {
  const run = () =>
    db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${'students.import:' + institutionId}))`;
        const plan = await planImport(tx, actor, institutionId, parsed);
        if (!plan.canConfirm) throw new ImportRefused(plan);
        const invitedBy = `${actor.firstName} ${actor.lastName}`;
        // New students: accounts and profiles in two statements, then one audit row and one
        // invitation each.
        const creates = plan.rows.filter((r) => r.outcome === 'CREATE');
        if (creates.length) {
          const users = await tx.user.createManyAndReturn({
            data: creates.map(({ values: v }) => ({ email: v.email, firstName: v.firstName, lastName: v.lastName, civility: 'NONE' as const, locale: 'fr' as const, passwordHash: null })),
            select: { id: true, email: true, firstName: true, lastName: true, locale: true },
          });
          const userByEmail = new Map(users.map((u) => [u.email, u]));
          const profiles = await tx.studentProfile.createManyAndReturn({
            data: creates.map(({ values: v, studyYear }) => ({
              userId: userByEmail.get(v.email)!.id,
              studentNumber: v.studentNumber,
              institutionId,
              programmeId: studyYear!.programmeId,
              studyYearId: studyYear!.id,
            })),
          });
          const profileByUser = new Map(profiles.map((p) => [p.userId, p]));
          // Two statements for all the new accounts' audit rows and invitations, not two per row.
          await auditMany(
            tx,
            creates.map((row) => {
              const user = userByEmail.get(row.values.email)!;
              const profile = profileByUser.get(user.id)!;
              return {
                actorId: actor.id,
                action: 'student.create',
                entityType: 'StudentProfile',
                entityId: profile.id,
                after: { ...auditedProfile(profile), user: { id: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName }, source: 'import', line: row.line },
                requestId: meta.requestId,
              };
            }),
          );
          await queueInvitations(
            tx,
            creates.map((row) => ({
              user: userByEmail.get(row.values.email)!,
              opts: { baseUrl, now, reasonKey: 'students.mail.createdByStaff', reasonParams: { institution: plan.institution.name, year: row.studyYear!.name }, invitedBy },
            })),
          );
        }
        for (const row of plan.rows.filter((r) => r.outcome === 'UPDATE')) {
          const v = row.values;
          const year = row.studyYear!;
          const { profileId, userId } = row.existing!;
          const before = await tx.studentProfile.findUniqueOrThrow({ where: { id: profileId }, include: { user: { select: { email: true, firstName: true, lastName: true } } } });
          const user = await tx.user.update({ where: { id: userId }, data: { email: v.email, firstName: v.firstName, lastName: v.lastName }, select: { email: true, firstName: true, lastName: true } });
          const profile = await tx.studentProfile.update({ where: { id: profileId }, data: { programmeId: year.programmeId, studyYearId: year.id } });
          await audit(tx, {
            actorId: actor.id,
            action: 'student.update',
            entityType: 'StudentProfile',
            entityId: profileId,
            before: auditedProfile(before),
            after: { ...auditedProfile(profile), user, source: 'import', line: row.line },
            requestId: meta.requestId,
          });
        }
        await audit(tx, {
          actorId: actor.id,
          action: 'student.import',
          entityType: 'Institution',
          entityId: institutionId,
          after: { fileName: file.name, sha256: file.sha256, rows: plan.rows.length, ...plan.counts },
          requestId: meta.requestId,
        });
        return plan;
      },
      { timeout: 5 * 60 * 1000, maxWait: 30_000 },
    );
  try {
    return await run();
  } catch (err) {
    // A concurrent change slipped in between the plan and a write: show the preview again.
    if (isUniqueViolation(err)) throw new ImportRefused(await planImport(db, actor, institutionId, parsed));
    throw err;
  }
}

/** The example file offered for download (UTF-8 with a byte-order mark, so that spreadsheets read the accents). */
export function exampleCsv(): string {
  const header = IMPORT_COLUMNS.map((c) => FRENCH_HEADERS[c]).join(';');
  const rows = ['21901234;Martin;Chloé;chloe.martin@etu.univ.example;INFO;L3', '21905678;N\u2019Diaye;Moussa;moussa.ndiaye@etu.univ.example;INFO;L2'];
  return `\uFEFF${header}\r\n${rows.join('\r\n')}\r\n`;
}
