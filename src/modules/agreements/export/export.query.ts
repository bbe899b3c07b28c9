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

type Select = Record<string, true | { select: Select }>;

/** The Prisma select of the columns' paths ('student.user.lastName' → student: { select: { user: { select: { lastName: true } } } }). */
export function selectFor(columns: readonly ExportColumn[]): Prisma.AgreementSelect {
  const root: Select = { id: true };
  for (const path of columns.flatMap((c) => c.paths)) {
    const parts = path.split('.');
    let node = root;
    for (const rel of parts.slice(0, -1)) {
      const next = node[rel];
      if (next === undefined || next === true) node[rel] = { select: {} };
      node = (node[rel] as { select: Select }).select;
    }
    node[parts.at(-1)!] = true;
  }
  return root as Prisma.AgreementSelect;
}

/** The value at a path of a row read with selectFor (null where a relation is missing). */
function valueAt(row: unknown, parts: string[]): unknown {
  let v = row;
  for (const p of parts) {
    if (v === null || v === undefined) return null;
    v = (v as Record<string, unknown>)[p];
  }
  return v ?? null;
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
  const paths = columns.map((col) => col.paths.map((p) => p.split('.')));
  return (row: unknown): Cell[] =>
    columns.map((col, i) => {
      const cell = col.cell(
        paths[i].map((p) => valueAt(row, p)),
        c,
      );
      // Line breaks as a spreadsheet cell holds them (LF): an XML reader would turn a CR into one anyway.
      return typeof cell === 'string' ? fitCell(cell.replace(NOT_XML, '').replace(/\r\n?/g, '\n'), mark) : cell;
    });
}

export interface ExportSource {
  total: number;
  /** The rows, a batch at a time, in the search's order. */
  batches: () => AsyncGenerator<unknown[]>;
}

/**
 * The agreements to export. Their ids come first, in the search's order (the sort may be by a
 * related row's column, the student's name or the host's: a keyset on those would need the same
 * joins in every batch), a few bytes each; then the rows, BATCH_SIZE ids at a time, with the
 * criteria and the reach asked again so that a row changed in between is left out rather than shown.
 */
export async function exportSource(db: DbOrTx, actor: Actor, criteria: AgreementSearchInput, order: Prisma.AgreementOrderByWithRelationInput[], select: Prisma.AgreementSelect, size = BATCH_SIZE): Promise<ExportSource> {
  const where: Prisma.AgreementWhereInput = { AND: [agreementReachWhere(actor), criteriaWhere(criteria)] };
  const ids = (await db.agreement.findMany({ where, select: { id: true }, orderBy: order })).map((r) => r.id);
  return {
    total: ids.length,
    batches: async function* () {
      for (let i = 0; i < ids.length; i += size) {
        const slice = ids.slice(i, i + size);
        const rows = await db.agreement.findMany({ where: { AND: [where, { id: { in: slice } }] }, select });
        const byId = new Map(rows.map((r) => [(r as { id: number }).id, r]));
        yield slice.map((id) => byId.get(id)).filter((r) => r !== undefined);
      }
    },
  };
}
