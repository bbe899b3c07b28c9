import { hasCentreRight } from '../../authz/centres.js';
import type { Actor } from '../../authz/actor.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { SheetContent, Pause } from './sheets.fields.js';
import { SHEET_WORKFLOW, type SheetParty, type SheetRecord } from './sheets.workflow.js';

// What the sheets service reads of a sheet: for the workflow's rules, the pages and the mails.

export const recordSelect = {
  id: true,
  status: true,
  studentId: true,
  student: { select: { studyYearId: true, studyYear: { select: { centreId: true } } } },
} satisfies Prisma.InternshipSheetSelect;

type RecordRow = Prisma.InternshipSheetGetPayload<{ select: typeof recordSelect }>;

export function recordOf(s: RecordRow): SheetRecord & { id: number } {
  return { id: s.id, status: s.status, studentId: s.studentId, studyYearId: s.student.studyYearId, centreId: s.student.studyYear?.centreId ?? null };
}

/**
 * How the actor sees a sheet: as its student, as a manager who acts on it, or as a 'viewer' (READ
 * staff of the student's centre: they see it, without acting); null when out of reach (a 404).
 */
export type SheetSide = SheetParty | 'viewer';

export function sideOf(actor: Actor, s: SheetRecord): SheetSide | null {
  for (const p of ['student', 'manager'] as const) if (SHEET_WORKFLOW.def.parties[p](actor, s)) return p;
  return hasCentreRight(actor, s.centreId, 'READ') ? 'viewer' : null;
}

/** The sheets a manager reaches: the study years they manage and the centres they belong to (every one for the platform administrator). */
export function reviewWhere(actor: Actor): Prisma.InternshipSheetWhereInput {
  if (actor.isPlatformAdmin) return {};
  const years = actor.academic.filter((a) => a.kind === 'YEAR_MANAGER' && a.studyYearId).map((a) => a.studyYearId!);
  const centres = [...actor.centres.keys()];
  return { student: { OR: [{ studyYearId: { in: years } }, { studyYear: { centreId: { in: centres } } }] } };
}

/** The sheets that await this actor's decision: sent, of their years, or of the centres where they hold WRITE. */
export function awaitingWhere(actor: Actor): Prisma.InternshipSheetWhereInput {
  const states = SHEET_WORKFLOW.awaitingStates('manager');
  if (actor.isPlatformAdmin) return { status: { in: states } };
  const years = actor.academic.filter((a) => a.kind === 'YEAR_MANAGER' && a.studyYearId).map((a) => a.studyYearId!);
  const centres = [...actor.centres.entries()].filter(([, r]) => r !== 'READ').map(([id]) => id);
  return { status: { in: states }, student: { OR: [{ studyYearId: { in: years } }, { studyYear: { centreId: { in: centres } } }] } };
}

const person = { select: { firstName: true, lastName: true, email: true } } as const;

export const listSelect = {
  id: true,
  status: true,
  data: true,
  sentAt: true,
  updatedAt: true,
  createdAt: true,
  applicationId: true,
  organisation: { select: { id: true, legalName: true } },
  student: { select: { id: true, studentNumber: true, user: person, studyYear: { select: { name: true } } } },
} satisfies Prisma.InternshipSheetSelect;

export const detailSelect = {
  ...listSelect,
  studentId: true,
  organisationId: true,
  sentData: true,
  returnComment: true,
  returnedAt: true,
  validatedAt: true,
  validatedBy: { select: { firstName: true, lastName: true } },
  application: { select: { id: true, title: true, offer: { select: { id: true, title: true } } } },
  organisation: { select: { id: true, legalName: true, siret: true, addressLine1: true, postalCode: true, city: true, country: true, verified: true } },
  student: { select: { id: true, studentNumber: true, studyYearId: true, user: person, studyYear: { select: { name: true, centreId: true, centre: { select: { name: true } } } } } },
} satisfies Prisma.InternshipSheetSelect;

export type SheetDetail = Prisma.InternshipSheetGetPayload<{ select: typeof detailSelect }>;

/** A sheet's content as stored (`data` JSON: the fields and the interruptions); anything else in it is ignored. */
export function contentOf(json: unknown): SheetContent {
  const raw = (json && typeof json === 'object' ? json : {}) as { fields?: unknown; pauses?: unknown };
  const data: Record<string, string> = {};
  if (raw.fields && typeof raw.fields === 'object') for (const [k, v] of Object.entries(raw.fields)) if (typeof v === 'string') data[k] = v;
  const pauses: Pause[] = Array.isArray(raw.pauses) ? raw.pauses.filter((p): p is Pause => !!p && typeof p.from === 'string' && typeof p.to === 'string') : [];
  return { data, pauses };
}

/** What is stored of a content. */
export function jsonOf(c: SheetContent): Prisma.InputJsonObject {
  return { fields: c.data, pauses: c.pauses.map((p) => ({ from: p.from, to: p.to })) };
}
