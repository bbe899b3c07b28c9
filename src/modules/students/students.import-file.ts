import { AppError, ValidationError } from '../../errors.js';

// CSV import of students, first step: reading the file (UTF-8, a header of known columns, at most
// MAX_IMPORT_ROWS rows). Nothing here reads the database: see students.import-plan.ts.

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
export class ImportFileError extends AppError {
  constructor(
    public key: string,
    /** The message's one parameter ({value} in the catalogue). */
    public value?: string | number,
  ) {
    super('import_file');
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

/** The file of the upload form: parsed, or a ValidationError beside the file field ("key|value"). */
export function parseImportField(buffer: Uint8Array): ParsedImport {
  try {
    return parseImport(buffer);
  } catch (err) {
    if (err instanceof ImportFileError) throw new ValidationError({ file: err.fieldMessage });
    throw err;
  }
}

/** The example file offered for download (UTF-8 with a byte-order mark, so that spreadsheets read the accents). */
export function exampleCsv(): string {
  const header = IMPORT_COLUMNS.map((c) => FRENCH_HEADERS[c]).join(';');
  const rows = ['21901234;Martin;Chloé;chloe.martin@etu.univ.example;INFO;L3', '21905678;N\u2019Diaye;Moussa;moussa.ndiaye@etu.univ.example;INFO;L2'];
  return `\uFEFF${header}\r\n${rows.join('\r\n')}\r\n`;
}
