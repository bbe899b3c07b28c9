import type { Actor } from '../../authz/actor.js';
import type { Db } from '../../db/client.js';
import type { AcademicRoleKind, Prisma } from '../../generated/prisma/client.js';
import { APPLICATION_WORKFLOW } from '../applications/applications.workflow.js';
import { agreementsAwaitingPerson } from '../agreements/agreements.personal.js';
import { ownSheetsToComplete, sheetsToValidate } from '../sheets/sheets.dashboard.js';
import { instantsOf, type AcademicPeriod } from '../../time/academic-year.js';
import { AWAITING_ITEMS, entry, type AwaitingItem, type CounterGroup, type DashboardBlocks } from './dashboard.types.js';

// The dashboards of people rather than of organisations: the student, and the academic roles.

/**
 * The student's dashboard. Waiting: the applications in the states where the application workflow
 * expects the student (none today: a student only withdraws). Counters: open requests, the offers
 * matching them (the matching's own list, counted by the caller), the applications by status.
 */
export async function studentDashboard(db: Db, actor: Actor, matching: (open: number) => Promise<number>): Promise<DashboardBlocks> {
  const studentId = actor.student!.profileId;
  const awaitingStates = APPLICATION_WORKFLOW.awaitingStates('student');
  const awaitingWhere: Prisma.ApplicationWhereInput = { studentId, status: { in: awaitingStates } };
  const [open, byStatus, awaitingCount, awaitingRows, sheets, agreements] = await Promise.all([
    db.internshipRequest.count({ where: { studentId, status: 'OPEN' } }),
    db.application.groupBy({ by: ['status'], where: { studentId }, _count: { _all: true } }),
    awaitingStates.length ? db.application.count({ where: awaitingWhere }) : 0,
    awaitingStates.length ? db.application.findMany({ where: awaitingWhere, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: AWAITING_ITEMS, select: { id: true, title: true, createdAt: true } }) : [],
    // Internship sheets to complete or correct (the sheet workflow's awaiting states for the student).
    ownSheetsToComplete(db, actor),
    // Their agreements still theirs to send (the agreement workflow's awaiting states).
    agreementsAwaitingPerson(db, actor),
  ]);
  const matches = open ? await matching(open) : 0;
  const apps = new Map(byStatus.map((r) => [r.status, r._count._all]));
  return {
    awaiting: [...entry('ownApplications', awaitingCount, '/applications', awaitingRows.map((a): AwaitingItem => ({ label: a.title, href: `/applications/${a.id}`, since: a.createdAt }))), ...sheets, ...agreements],
    groups: [
      {
        key: 'requests',
        counters: [
          { key: 'openRequests', count: open, href: '/requests' },
          ...(open ? [{ key: 'matchingOffers', count: matches, href: '/matching/requests' }] : []),
        ],
      },
      {
        key: 'ownApplications',
        empty: 'noApplications',
        counters: APPLICATION_WORKFLOW.states.filter((s) => apps.get(s)).map((s) => ({ key: APPLICATION_WORKFLOW.stateLabel(s), count: apps.get(s)!, href: `/applications?status=${s}` })),
      },
    ],
  };
}

/** Whose students a year or programme manager follows: `scope` one kind of role, or both. */
export type FollowScope = 'year' | 'programme';

export function followedWhere(actor: Actor, scope: FollowScope | null): Prisma.StudentProfileWhereInput {
  const years = actor.academic.filter((a) => a.kind === 'YEAR_MANAGER' && a.studyYearId !== null).map((a) => a.studyYearId!);
  const programmes = actor.academic.filter((a) => a.kind === 'PROGRAMME_MANAGER' && a.programmeId !== null).map((a) => a.programmeId!);
  const or: Prisma.StudentProfileWhereInput[] = [];
  if (scope !== 'programme' && years.length) or.push({ studyYearId: { in: years } });
  if (scope !== 'year' && programmes.length) or.push({ programmeId: { in: programmes } });
  return or.length ? { OR: or } : { id: -1 };
}

/** Placed this academic year: an application "Satisfaite" among those sent during it. */
export function placedIn(year: AcademicPeriod): Prisma.ApplicationWhereInput {
  return { status: 'ACCEPTED', createdAt: instantsOf(year) };
}

export function placedWhere(year: AcademicPeriod, placed: boolean): Prisma.StudentProfileWhereInput {
  return placed ? { applications: { some: placedIn(year) } } : { applications: { none: placedIn(year) } };
}

const SCOPE_OF: Partial<Record<AcademicRoleKind, FollowScope>> = { YEAR_MANAGER: 'year', PROGRAMME_MANAGER: 'programme' };

/**
 * A year or programme manager's or an academic tutor's dashboard: a year manager's internship
 * sheets to validate await them (sheets.dashboard.ts), and the agreements awaiting the pedagogical
 * validation of a year manager or a tutor (agreements.personal.ts); the students of their years or
 * programmes with and without an accepted application this academic year.
 */
export async function academicDashboard(db: Db, actor: Actor, kind: AcademicRoleKind, year: AcademicPeriod): Promise<DashboardBlocks> {
  const scope = SCOPE_OF[kind];
  if (!scope) return { awaiting: kind === 'ACADEMIC_TUTOR' ? await agreementsAwaitingPerson(db, actor) : [], groups: [] };
  const where = followedWhere(actor, scope);
  const [total, placed] = await Promise.all([db.studentProfile.count({ where }), db.studentProfile.count({ where: { AND: [where, placedWhere(year, true)] } })]);
  const list = `/dashboard/students?scope=${scope}`;
  const group: CounterGroup = {
    key: 'students',
    params: { year: year.label },
    counters: [
      { key: 'placed', count: placed, href: `${list}&placed=yes` },
      { key: 'notPlaced', count: total - placed, href: `${list}&placed=no` },
      { key: 'allStudents', count: total, href: list },
    ],
  };
  // A year manager decides on the internship sheets of their years (the sheet workflow's awaiting states).
  const awaiting = kind === 'YEAR_MANAGER' ? [...(await sheetsToValidate(db, actor)), ...(await agreementsAwaitingPerson(db, actor))] : [];
  return { awaiting, groups: [group] };
}
