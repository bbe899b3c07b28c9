// Reading the agreements of an export: the ones the search finds (its criteria AND the actor's
// reach, agreements.search.ts), ALL of them, in the search's order, a batch at a time, each batch
// selecting only what the chosen columns read.
import type { Actor } from '../../../authz/actor.js';
import type { DbOrTx } from '../../../db/client.js';
import type { Prisma } from '../../../generated/prisma/client.js';
import { agreementReachWhere } from '../agreements.reach.js';
import { criteriaWhere, type AgreementSearchInput } from '../agreements.search.js';
import type { Cell, ExportColumn, ReadContext } from './export.columns.js';

export const BATCH_SIZE = 1000;
/** Excel's longest cell text. */
export const CELL_MAX = 32_767;

/**
 * The agreement's relations a column may read, by path: the table and the column of the row
 * above that points to it. Joined only when a chosen column reads them.
 */
const RELATIONS: Record<string, { table: string; key: string }> = {
  student: { table: 'StudentProfile', key: 'studentId' },
  'student.user': { table: 'User', key: 'userId' },
  organisation: { table: 'Organisation', key: 'organisationId' },
  service: { table: 'Service', key: 'serviceId' },
  companyTutor: { table: 'Contact', key: 'companyTutorId' },
  signatory: { table: 'Contact', key: 'signatoryId' },
  academicTutor: { table: 'User', key: 'academicTutorId' },
  centre: { table: 'ManagementCentre', key: 'centreId' },
  studyYear: { table: 'StudyYear', key: 'studyYearId' },
  programme: { table: 'Programme', key: 'programmeId' },
};
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * One statement for a batch of the columns' values, each selected under its path's name
 * ('student.user.lastName'), the relations LEFT JOINed (a missing one reads as nulls), the ids as
 * its one parameter. Every name comes from the registry and RELATIONS, never from a request.
 */
export function sqlFor(columns: readonly ExportColumn[]): string {
  const aliases = new Map<string, string>([['', 'a']]);
  const joins: string[] = [];
  const fields = new Set<string>(['a."id" AS "id"']);
  for (const path of columns.flatMap((c) => c.paths)) {
    const parts = path.split('.');
    let parent = '';
    for (const rel of parts.slice(0, -1)) {
      const at = parent ? `${parent}.${rel}` : rel;
      const r = RELATIONS[at];
      if (!r) throw new Error(`export: no relation ${at}`);
      if (!aliases.has(at)) {
        aliases.set(at, `r${aliases.size}`);
        joins.push(`LEFT JOIN "${r.table}" ${aliases.get(at)} ON ${aliases.get(at)}."id" = ${aliases.get(parent)}."${r.key}"`);
      }
      parent = at;
    }
    const field = parts.at(-1)!;
    if (!IDENTIFIER.test(field)) throw new Error(`export: bad field ${path}`);
    fields.add(`${aliases.get(parent)}."${field}" AS "${path}"`);
  }
  return `SELECT ${[...fields].join(', ')} FROM "Agreement" a ${joins.join(' ')} WHERE a."id" = ANY($1::int[])`;
}

// C0 controls but tab, LF and CR: XML 1.0 cannot hold them, an XLSX with one does not open.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** A text cut to Excel's limit, with a visible mark (never half of a surrogate pair). */
export function fitCell(s: string, mark: string): string {
  if (s.length <= CELL_MAX) return s;
  let end = CELL_MAX - mark.length;
  if (/[\ud800-\udbff]/.test(s[end - 1])) end--;
  return s.slice(0, end) + mark;
}

/** Turns rows into cells, the same for both formats: texts cleaned, their line breaks LF, cut with `mark`. */
export function rowReader(columns: readonly ExportColumn[], c: ReadContext, mark: string) {
  // One values array per column, refilled for each row: an export reads millions of cells, and
  // the garbage of an array per cell was a third of its time.
  const values = columns.map((col) => new Array<unknown>(col.paths.length));
  return (row: Record<string, unknown>): Cell[] => {
    const cells = new Array<Cell>(columns.length);
    for (let i = 0; i < columns.length; i++) {
      const { paths, cell } = columns[i];
      for (let j = 0; j < paths.length; j++) values[i][j] = row[paths[j]] ?? null;
      const v = cell(values[i], c);
      cells[i] = typeof v === 'string' ? textCell(v, mark) : v;
    }
    return cells;
  };
}

// Anything to clean: a control character XML refuses, or a CR.
// eslint-disable-next-line no-control-regex
const UNCLEAN = /[\u0000-\u0008\u000b-\u001f\ufffe\uffff]/;

/** A text as both formats write it: what XML refuses dropped, line breaks as a cell holds them (LF: an XML reader turns a CR into one anyway), cut to fit. */
function textCell(s: string, mark: string): string {
  const clean = UNCLEAN.test(s) ? s.replace(NOT_XML, '').replace(/\r\n?/g, '\n') : s;
  return clean.length > CELL_MAX ? fitCell(clean, mark) : clean;
}

export interface ExportSource {
  total: number;
  /** The rows (one value per path), a batch at a time, in the search's order. */
  batches: () => AsyncGenerator<Record<string, unknown>[]>;
}

/**
 * The agreements to export. Their ids first, in the search's order, with its criteria and the
 * actor's reach (a few bytes each; the order may be by the student's or the host's name, which a
 * keyset would have to join in every batch); then the rows, `size` ids at a time, each batch one
 * statement (sqlFor), the next one read while the current one is written.
 */
export async function exportSource(db: DbOrTx, actor: Actor, criteria: AgreementSearchInput, order: Prisma.AgreementOrderByWithRelationInput[], columns: readonly ExportColumn[], size = BATCH_SIZE): Promise<ExportSource> {
  const where: Prisma.AgreementWhereInput = { AND: [agreementReachWhere(actor), criteriaWhere(criteria)] };
  const ids = (await db.agreement.findMany({ where, select: { id: true }, orderBy: order })).map((r) => r.id);
  const sql = sqlFor(columns);
  const read = async (from: number) => {
    const slice = ids.slice(from, from + size);
    const rows = await db.$queryRawUnsafe<Record<string, unknown>[]>(sql, slice);
    const byId = new Map(rows.map((r) => [r.id as number, r]));
    // An agreement deleted since the ids were read is left out.
    return slice.map((id) => byId.get(id)).filter((r) => r !== undefined);
  };
  return {
    total: ids.length,
    batches: async function* () {
      let next = ids.length ? read(0) : null;
      for (let from = 0; next; from += size) {
        const current = next;
        next = from + size < ids.length ? read(from + size) : null;
        // Handled here too: a download cancelled meanwhile never awaits it.
        next?.catch(() => undefined);
        yield await current;
      }
    },
  };
}
