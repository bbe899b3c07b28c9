import type { DbOrTx } from '../../db/client.js';
import { notFound } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { formatNir, maskNir } from './nir.js';

// A student's record as the pages read it, shared by the staff's side and the student's own.

/** The profile as the audit trail records it: the social-security number is masked. */
export function auditedProfile(p: Record<string, unknown> | null | undefined) {
  if (!p) return p;
  const { ssn, ...rest } = p;
  return { ...rest, ssn: maskNir(ssn as string | null) };
}

export const studentInclude = {
  user: { select: { id: true, email: true, civility: true, firstName: true, lastName: true, phone: true, active: true, passwordHash: true } },
  institution: { select: { id: true, code: true, name: true } },
  programme: { select: { id: true, code: true, name: true } },
  studyYear: { select: { id: true, code: true, name: true, centreId: true, centre: { select: { id: true, name: true, email: true } } } },
  cvFile: { select: { id: true, originalName: true, extension: true, mimeType: true, size: true, createdAt: true } },
} as const satisfies Prisma.StudentProfileInclude;

type StudentRow = Prisma.StudentProfileGetPayload<{ include: typeof studentInclude }>;

/** What a view may show of a student: no password hash, and the SSN only when allowed. */
export function present(row: StudentRow, showSsn: boolean) {
  const { passwordHash, ...user } = row.user;
  const { ssn, ...rest } = row;
  return {
    ...rest,
    user: { ...user, activated: passwordHash !== null },
    ssnDisplay: ssn ? (showSsn ? formatNir(ssn) : maskNir(ssn)) : null,
    ssnMasked: !!ssn && !showSsn,
  };
}
export type PresentedStudent = ReturnType<typeof present>;

/** A stored file's bytes (a CV), 404 when it is gone. */
export async function fileBytes(db: DbOrTx, fileId: number) {
  const file = await db.storedFile.findUnique({ where: { id: fileId }, select: { data: true, mimeType: true, extension: true, originalName: true, sha256: true } });
  if (!file) throw notFound();
  return file;
}
