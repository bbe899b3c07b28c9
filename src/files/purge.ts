// Stored files that nothing points to any more: a replaced centre logo, a student's former CV, the
// file of a short-form offer given a new one. Every file is stored in the transaction that links it
// to its record, so an unlinked file is a replaced one; it is kept ORPHAN_FILE_DAYS (the audit rows
// describe it, someone may ask) and then deleted: a CV is personal data.
import type { Db, DbOrTx } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';

export const ORPHAN_FILE_DAYS = 30;

/**
 * The columns that point to "StoredFile", read from PostgreSQL's foreign keys so that a table
 * added later (convention PDFs, attachments…) protects its files without anyone remembering to.
 */
export async function fileReferences(db: DbOrTx): Promise<{ table: string; column: string }[]> {
  return db.$queryRaw<{ table: string; column: string }[]>`
    SELECT c.conrelid::regclass::text AS "table", a.attname AS "column"
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
    WHERE c.contype = 'f' AND c.confrelid = '"StoredFile"'::regclass
    ORDER BY 1, 2`;
}

/** Deletes the stored files no record points to, older than ORPHAN_FILE_DAYS. Returns how many. */
export async function purgeOrphanFiles(db: Db, now: Date): Promise<number> {
  const refs = await fileReferences(db);
  const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
  // regclass::text is already quoted where needed; the column name is quoted here.
  const used = refs.map((r) => Prisma.raw(`SELECT ${quote(r.column)} FROM ${r.table} WHERE ${quote(r.column)} IS NOT NULL`));
  const cutoff = new Date(now.getTime() - ORPHAN_FILE_DAYS * 86_400_000);
  const notUsed = used.length ? Prisma.sql`AND f.id NOT IN (${Prisma.join(used, ' UNION ')})` : Prisma.empty;
  return db.$executeRaw`DELETE FROM "StoredFile" f WHERE f."createdAt" < ${cutoff} ${notUsed}`;
}
