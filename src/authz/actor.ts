import type { Db, DbOrTx } from '../db/client.js';
import type { AcademicRoleKind, CentreRight, CompanyRole, Locale } from '../generated/prisma/client.js';

/** Every role the matrix knows. Centre roles are cumulative: an ADMIN also holds WRITE and READ. */
export const ROLES = [
  'student',
  'companyAdmin',
  'companyContact',
  'academicTutor',
  'yearManager',
  'programmeManager',
  'centreRead',
  'centreWrite',
  'centreAdmin',
  'platformAdmin',
] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  id: number;
  email: string;
  firstName: string;
  lastName: string;
  locale: Locale;
  isPlatformAdmin: boolean;
  roles: Role[];
  /** Right held in each centre (centre id → right). */
  centres: Map<number, CentreRight>;
  companies: { organisationId: number; role: CompanyRole; canPublishOffers: boolean }[];
  academic: { kind: AcademicRoleKind; programmeId: number | null; studyYearId: number | null }[];
  student: { profileId: number; institutionId: number; programmeId: number | null; studyYearId: number | null } | null;
}

/** The roles one role carries with it (a centre ADMIN also has the WRITE and READ roles). */
export const IMPLIED_ROLES: Partial<Record<Role, Role[]>> = {
  centreWrite: ['centreRead'],
  centreAdmin: ['centreWrite', 'centreRead'],
};

export function withImplied(role: Role): Role[] {
  return [role, ...(IMPLIED_ROLES[role] ?? [])];
}

const actorInclude = {
  studentProfile: true,
  companyMembers: true,
  academicRoles: true,
  centreStaff: true,
} as const;

type UserWithMemberships = NonNullable<Awaited<ReturnType<typeof fetchUser>>>;

function fetchUser(db: DbOrTx, id: number) {
  return db.user.findUnique({ where: { id }, include: actorInclude });
}

export function toActor(u: UserWithMemberships): Actor {
  const roles = new Set<Role>();
  if (u.studentProfile) roles.add('student');
  for (const m of u.companyMembers) roles.add(m.role === 'ADMIN' ? 'companyAdmin' : 'companyContact');
  for (const a of u.academicRoles) {
    roles.add(a.kind === 'PROGRAMME_MANAGER' ? 'programmeManager' : a.kind === 'YEAR_MANAGER' ? 'yearManager' : 'academicTutor');
  }
  const centres = new Map<number, CentreRight>();
  for (const s of u.centreStaff) {
    centres.set(s.centreId, s.right);
    const role: Role = s.right === 'ADMIN' ? 'centreAdmin' : s.right === 'WRITE' ? 'centreWrite' : 'centreRead';
    for (const r of withImplied(role)) roles.add(r);
  }
  if (u.isPlatformAdmin) roles.add('platformAdmin');
  return {
    id: u.id,
    email: u.email,
    firstName: u.firstName,
    lastName: u.lastName,
    locale: u.locale,
    isPlatformAdmin: u.isPlatformAdmin,
    roles: ROLES.filter((r) => roles.has(r)),
    centres,
    companies: u.companyMembers.map((m) => ({ organisationId: m.organisationId, role: m.role, canPublishOffers: m.canPublishOffers })),
    academic: u.academicRoles.map((a) => ({ kind: a.kind, programmeId: a.programmeId, studyYearId: a.studyYearId })),
    student: u.studentProfile
      ? {
          profileId: u.studentProfile.id,
          institutionId: u.studentProfile.institutionId,
          programmeId: u.studentProfile.programmeId,
          studyYearId: u.studentProfile.studyYearId,
        }
      : null,
  };
}

/** Loads the acting user with every membership in one query; null when missing or deactivated. */
export async function loadActor(db: Db, id: number): Promise<Actor | null> {
  const u = await fetchUser(db, id);
  if (!u || !u.active) return null;
  return toActor(u);
}

export function hasRole(actor: Actor | null | undefined, role: Role): boolean {
  return !!actor && actor.roles.includes(role);
}
