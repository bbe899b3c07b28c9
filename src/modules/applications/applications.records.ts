import { hasCentreRight } from '../../authz/centres.js';
import type { Actor } from '../../authz/actor.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { SortSpec } from '../../http/pages.js';
import { answeredEvents } from '../offers/offers.disclosure.js';
import { partyOf, type ApplicationParty, type ApplicationRecord } from './applications.workflow.js';

// What the applications service reads of an application: for the workflow's rules, for the lists
// and the detail page, for the status mails.

export const fileSelect = { select: { id: true, originalName: true, extension: true, size: true } } as const;

/** What the workflow's parties are decided on (see ApplicationRecord). */
export const recordSelect = {
  status: true,
  studentId: true,
  organisationId: true,
  offer: { select: { authorId: true } },
  student: { select: { studyYearId: true, studyYear: { select: { centreId: true } } } },
} satisfies Prisma.ApplicationSelect;

type RecordRow = Prisma.ApplicationGetPayload<{ select: typeof recordSelect }>;

export function recordOf(a: RecordRow): ApplicationRecord {
  return {
    status: a.status,
    studentId: a.studentId,
    organisationId: a.organisationId,
    offerAuthorId: a.offer?.authorId ?? null,
    studyYearId: a.student.studyYearId,
    centreId: a.student.studyYear?.centreId ?? null,
  };
}

/**
 * How the actor sees an application: as the party they are (student, company, school), or as the
 * school when they only follow the student (READ staff of the centre, a manager of the year: they
 * see it, with no action); null when it is out of their reach (a 404).
 */
export function sideOf(actor: Actor, a: ApplicationRecord): ApplicationParty | null {
  const party = partyOf(actor, a);
  if (party) return party;
  const follows = hasCentreRight(actor, a.centreId, 'READ') || actor.academic.some((r) => r.kind === 'YEAR_MANAGER' && r.studyYearId !== null && r.studyYearId === a.studyYearId);
  return follows ? 'school' : null;
}

/** Applications the actor handles for their companies: all for an administrator, their own offers' for a contact (the workflow's `company` party). */
export function companyApplicationsWhere(actor: Actor): Prisma.ApplicationWhereInput {
  const admin = actor.companies.filter((c) => c.role === 'ADMIN').map((c) => c.organisationId);
  const contact = actor.companies.filter((c) => c.role !== 'ADMIN').map((c) => c.organisationId);
  // Only the branches the actor has: an always-false branch in an OR (Prisma's `1=0` for an empty
  // list) kept PostgreSQL from reading the applications by organisation.
  const branches: Prisma.ApplicationWhereInput[] = [];
  if (admin.length) branches.push({ organisationId: { in: admin } });
  if (contact.length) branches.push({ organisationId: { in: contact }, offer: { authorId: actor.id } });
  return branches.length === 1 ? branches[0] : { OR: branches };
}

/** Whose students' applications the school sees: those of the actor's centres and of the study years they manage. */
export function schoolScope(actor: Actor): { centres: number[]; years: number[] } {
  return {
    centres: [...actor.centres.keys()],
    years: actor.academic.filter((a) => a.kind === 'YEAR_MANAGER' && a.studyYearId).map((a) => a.studyYearId!),
  };
}

/** Applications of the students the actor follows: their centres' (staff), their years' (year manager), all (platform admin). */
export function schoolApplicationsWhere(actor: Actor): Prisma.ApplicationWhereInput {
  if (actor.isPlatformAdmin) return {};
  const { centres, years } = schoolScope(actor);
  return { OR: [{ student: { studyYear: { centreId: { in: centres } } } }, { student: { studyYearId: { in: years } } }] };
}

export const listInclude = {
  offer: { select: { id: true, title: true, status: true, authorId: true, organisationId: true, centreId: true, fromCompany: true, publishUntil: true, showCompany: true } },
  organisation: { select: { id: true, legalName: true } },
  // Whether the company answered: a hidden company is then named to the student (offers.disclosure.ts).
  events: answeredEvents,
  student: { select: { id: true, studyYearId: true, studyYear: { select: { centreId: true } }, user: { select: { firstName: true, lastName: true } } } },
  cvFile: fileSelect,
  letterFile: fileSelect,
} satisfies Prisma.ApplicationInclude;

export const detailInclude = {
  ...listInclude,
  student: {
    select: {
      id: true,
      studyYearId: true,
      user: { select: { firstName: true, lastName: true, email: true } },
      studyYear: { select: { name: true, centreId: true, centre: { select: { name: true } } } },
    },
  },
  files: { include: { file: fileSelect }, orderBy: { fileId: 'asc' } },
  events: { orderBy: { id: 'asc' }, include: { actor: { select: { id: true, firstName: true, lastName: true } } } },
} satisfies Prisma.ApplicationInclude;

/** What the status mails say of an application, read after the change. */
export const mailSelect = {
  title: true,
  organisationId: true,
  offer: { select: { title: true, authorId: true, showCompany: true } },
  events: answeredEvents,
  organisation: { select: { legalName: true } },
  student: { select: { studyYearId: true, studyYear: { select: { centreId: true } }, user: { select: { id: true, email: true, firstName: true, lastName: true, locale: true, active: true } } } },
} satisfies Prisma.ApplicationSelect;

/** The school's list's sortable columns (?sort=&dir=); newest first by default. */
export const SCHOOL_SORT: SortSpec<'date' | 'student' | 'offer' | 'organisation' | 'status', Prisma.ApplicationOrderByWithRelationInput> = {
  columns: {
    date: (dir) => [{ createdAt: dir }],
    student: (dir) => [{ student: { user: { lastName: dir } } }, { student: { user: { firstName: dir } } }],
    offer: (dir) => [{ offer: { title: dir } }],
    organisation: (dir) => [{ organisation: { normalizedName: dir } }],
    status: (dir) => [{ status: dir }],
  },
  tieBreaker: (dir) => ({ id: dir }),
  default: { column: 'date', dir: 'desc' },
};
