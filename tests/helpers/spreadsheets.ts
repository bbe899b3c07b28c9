// Reading the agreement exports back in tests: the raw download, the CSV parsed by hand (RFC 4180
// with ';'), the XLSX read with exceljs, and both reduced to the same text cells to compare them.
import ExcelJS from 'exceljs';
import type request from 'supertest';
import type { Response } from 'supertest';

type Agent = ReturnType<typeof request.agent>;

/** GET `path` with the body kept as bytes (a CSV's BOM and an XLSX's zip intact). */
export async function download(a: Agent, path: string): Promise<Response & { body: Buffer }> {
  return a
    .get(path)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }) as unknown as Promise<Response & { body: Buffer }>;
}

export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The CSV's rows (after its BOM): ';' between fields, CRLF after each row, quoted fields with "" for a quote. */
export function parseCsv(buf: Buffer): string[][] {
  if (!buf.subarray(0, 3).equals(BOM)) throw new Error('no UTF-8 BOM');
  const text = buf.subarray(3).toString('utf8');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"' && field === '') {
      // A quoted field: up to the lone closing quote.
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
        else if (text[i] === '"') break;
        else field += text[i++];
      }
      i++;
      if (text[i] !== ';' && text[i] !== '\r') throw new Error(`text after a closing quote at ${i}`);
    } else if (ch === ';') {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r') {
      if (text[i + 1] !== '\n') throw new Error(`a CR without LF at ${i}`);
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (ch === '\n') {
      throw new Error(`a bare LF at ${i}`);
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || row.length) throw new Error('the last row does not end with CRLF');
  return rows;
}

export type XlsxCell = string | number | Date | null;

/** The first sheet's rows as values (a date cell is a Date, a number a number, an empty cell null). */
export async function readXlsx(buf: Buffer): Promise<XlsxCell[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  const width = ws.columnCount;
  const rows: XlsxCell[][] = [];
  ws.eachRow({ includeEmpty: true }, (r) => {
    const cells: XlsxCell[] = [];
    for (let c = 1; c <= width; c++) {
      const v = r.getCell(c).value;
      cells.push(v === undefined || v === null ? null : (v as XlsxCell));
    }
    rows.push(cells);
  });
  return rows;
}

const dmy = (d: Date) => `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;

/** An XLSX cell as the CSV writes it: a day as dd/mm/yyyy, a number with a decimal comma, nothing as ''. */
export function asCsvText(v: XlsxCell): string {
  if (v === null) return '';
  if (v instanceof Date) return dmy(v);
  if (typeof v === 'number') return String(v).replace('.', ',');
  return v;
}

/** A CSV field as typed: the apostrophe that keeps a formula-like text a text removed. */
export function unguarded(s: string): string {
  return /^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s;
}
