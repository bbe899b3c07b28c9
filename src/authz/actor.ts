import { preparedRows, type Db, type DbOrTx } from '../db/client.js';
import { Prisma } from '../generated/prisma/client.js';
import type { AcademicRoleKind, CentreRight, CompanyRole, Locale, MembershipStatus, ReminderMode } from '../generated/prisma/client.js';
import { isConfirmed } from './memberships.js';

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
  /** Confirmed memberships only: a pending claim grants nothing (memberships.ts). */
  companies: { organisationId: number; role: CompanyRole; canPublishOffers: boolean }[];
  /**
   * Organisations the user claims, awaiting their reference centre's confirmation. They grant
   * nothing: they only tell where a claimant lands after signing in (http/nav.ts).
   */
  pendingClaims?: number[];
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

/** The user row and its memberships, as toActor reads them. */
export interface UserWithMemberships extends Pick<Actor, 'id' | 'email' | 'firstName' | 'lastName' | 'locale' | 'isPlatformAdmin'> {
  active: boolean;
  reminderMode?: ReminderMode;
  studentProfile: { id: number; institutionId: number; programmeId: number | null; studyYearId: number | null; institutionCountry?: string | null } | null;
  companyMembers: { organisationId: number; role: CompanyRole; canPublishOffers: boolean; status: MembershipStatus }[];
  academicRoles: { kind: AcademicRoleKind; programmeId: number | null; studyYearId: number | null }[];
  centreStaff: { centreId: number; right: CentreRight }[];
}

/**
 * The user and every membership in ONE statement (Prisma's `include` runs one query per relation:
 * five for this actor), for the user whose id `id` gives: a value, or an SQL expression when the
 * session look-up reads the actor with the session (src/http/session.ts). Memberships come in id
 * order, as they were created.
 */
export function actorRowSql(id: Prisma.Sql | number): Prisma.Sql {
  return Prisma.sql`
    SELECT u.id, u.email, u."firstName", u."lastName", u.locale::text AS locale, u."isPlatformAdmin", u.active, u."reminderMode"::text AS "reminderMode",
      (SELECT json_build_object('id', sp.id, 'institutionId', sp."institutionId", 'programmeId', sp."programmeId", 'studyYearId', sp."studyYearId",
                               'institutionCountry', (SELECT i.country FROM "Institution" i WHERE i.id = sp."institutionId"))
         FROM "StudentProfile" sp WHERE sp."userId" = u.id) AS "studentProfile",
      COALESCE((SELECT json_agg(json_build_object('organisationId', m."organisationId", 'role', m.role, 'canPublishOffers', m."canPublishOffers", 'status', m.status) ORDER BY m.id)
         FROM "CompanyMembership" m WHERE m."userId" = u.id), '[]'::json) AS "companyMembers",
      COALESCE((SELECT json_agg(json_build_object('kind', a.kind, 'programmeId', a."programmeId", 'studyYearId', a."studyYearId") ORDER BY a.id)
         FROM "AcademicRole" a WHERE a."userId" = u.id), '[]'::json) AS "academicRoles",
      COALESCE((SELECT json_agg(json_build_object('centreId', c."centreId", 'right', c."right") ORDER BY c.id)
         FROM "CentreStaff" c WHERE c."userId" = u.id), '[]'::json) AS "centreStaff"
    FROM "User" u WHERE u.id = ${id}`;
}

async function fetchUser(db: DbOrTx, id: number): Promise<UserWithMemberships | null> {
  const rows = await preparedRows<UserWithMemberships>(db, actorRowSql(id));
  return rows[0] ?? null;
}

export function toActor(u: UserWithMemberships): Actor {
  const roles = new Set<Role>();
  if (u.studentProfile) roles.add('student');
  // Only a confirmed membership gives a role and a company: a pending claim gives nothing.
  const confirmed = u.companyMembers.filter(isConfirmed);
  for (const m of confirmed) roles.add(m.role === 'ADMIN' ? 'companyAdmin' : 'companyContact');
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
    companies: confirmed.map((m) => ({ organisationId: m.organisationId, role: m.role, canPublishOffers: m.canPublishOffers })),
    pendingClaims: u.companyMembers.filter((m) => !isConfirmed(m)).map((m) => m.organisationId),
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

/**
 * The country of a student actor's institution, read with the actor by loadActor (so as fresh as
 * the actor itself): the offers a student may see depend on it. Undefined when the actor was not
 * built by loadActor (then the caller reads it).
 */
const institutionCountries = new WeakMap<Actor, string | null>();
export function institutionCountryOf(actor: Actor): string | null | undefined {
  return institutionCountries.get(actor);
}

/**
 * The person's choice for the label's reminders, read with the actor by loadActor: the account page
 * shows it on every visit, and a query of its own there cost a third of that page's throughput.
 */
const reminderModes = new WeakMap<Actor, ReminderMode>();
export function reminderModeOf(actor: Actor): ReminderMode | undefined {
  return reminderModes.get(actor);
}

/** Loads the acting user with every membership in one query; null when missing or deactivated. */
export async function loadActor(db: Db, id: number): Promise<Actor | null> {
  return actorFromRow(await fetchUser(db, id));
}

/** The actor of a row read by actorRowSql; null when missing or deactivated. */
export function actorFromRow(u: UserWithMemberships | null | undefined): Actor | null {
  if (!u || !u.active) return null;
  const actor = toActor(u);
  if (u.studentProfile) institutionCountries.set(actor, u.studentProfile.institutionCountry ?? null);
  if (u.reminderMode) reminderModes.set(actor, u.reminderMode);
  return actor;
}

export function hasRole(actor: Actor | null | undefined, role: Role): boolean {
  return !!actor && actor.roles.includes(role);
}
