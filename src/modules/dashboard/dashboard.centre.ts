import type { Actor } from '../../authz/actor.js';
import { centreRight, centresWith } from '../../authz/centres.js';
import { preparedRows, type Db } from '../../db/client.js';
import { Prisma, type CentreKind } from '../../generated/prisma/client.js';
import { schoolScope } from '../applications/applications.records.js';
import { academicYearRelation } from '../institutions/academic-years.js';
import { OFFER_WORKFLOW } from '../offers/offers.workflow.js';
import { SHEET_WORKFLOW } from '../sheets/sheets.workflow.js';
import { todayIn } from '../../time/calendar.js';
import { ticketCountColumns } from '../helpdesk/helpdesk.queue.js';
import { AWAITING_ITEMS, entry, type AwaitingEntry, type AwaitingItem, type DashboardBlocks } from './dashboard.types.js';

type Item = { id: number; label: string; note: string | null; since: string };
type ModerationRow = { moderate: bigint | string; verify: bigint | string; claim: bigint | string; sheets: bigint | string; moderateRows: Item[] | null; verifyRows: Item[] | null; claimRows: Item[] | null; sheetRows: Item[] | null };

/**
 * What waits for a moderator, as columns of one statement (three counts and the oldest few of
 * each, as JSON): the offers the offer workflow puts in the hands of WRITE staff of their centre,
 * the organisations to verify and the claims to decide (the verification queue), the internship
 * sheets sent by the students of their centres or of the study years they manage (the sheet
 * workflow's manager, sheets.records.ts awaitingWhere). A platform administrator holds every
 * right: everything, as their lists show.
 */
function moderationColumns(actor: Actor): Prisma.Sql {
  const all = actor.isPlatformAdmin;
  const ids = all ? [] : centresWith(actor, 'WRITE');
  const mine = (col: Prisma.Sql) => (all ? Prisma.sql`TRUE` : Prisma.sql`${col} = ANY(${ids})`);
  const states = OFFER_WORKFLOW.awaitingStates('centreWriter');
  const offers = Prisma.sql`FROM "Offer" o WHERE o.status::text = ANY(${states}) AND ${mine(Prisma.sql`o."centreId"`)}`;
  const orgs = Prisma.sql`FROM "Organisation" g WHERE NOT g.verified AND ${mine(Prisma.sql`g."centreId"`)}`;
  const claims = Prisma.sql`FROM "CompanyMembership" m JOIN "Organisation" g ON g.id = m."organisationId"
    WHERE m.status = 'PENDING' AND m.role = 'ADMIN' AND ${mine(Prisma.sql`g."centreId"`)}`;
  const years = actor.academic.filter((a) => a.kind === 'YEAR_MANAGER' && a.studyYearId !== null).map((a) => a.studyYearId!);
  const sheets = Prisma.sql`FROM "InternshipSheet" s JOIN "StudentProfile" sp ON sp.id = s."studentId" LEFT JOIN "StudyYear" sy ON sy.id = sp."studyYearId"
    WHERE s.status::text = ANY(${SHEET_WORKFLOW.awaitingStates('manager')}) AND (${mine(Prisma.sql`sy."centreId"`)} OR sp."studyYearId" = ANY(${years}))`;
  return Prisma.sql`(SELECT count(*) ${offers}) AS moderate, (SELECT count(*) ${orgs}) AS verify, (SELECT count(*) ${claims}) AS claim, (SELECT count(*) ${sheets}) AS sheets,
      (SELECT json_agg(t) FROM (SELECT o.id, o.title AS label, (SELECT legal."legalName" FROM "Organisation" legal WHERE legal.id = o."organisationId") AS note, o."updatedAt" AS since
        ${offers} ORDER BY o."updatedAt", o.id LIMIT ${AWAITING_ITEMS}) t) AS "moderateRows",
      (SELECT json_agg(t) FROM (SELECT g.id, g."legalName" AS label, g.city AS note, g."createdAt" AS since ${orgs} ORDER BY g."createdAt", g.id LIMIT ${AWAITING_ITEMS}) t) AS "verifyRows",
      (SELECT json_agg(t) FROM (SELECT m.id, g."legalName" AS label, NULL AS note, m."createdAt" AS since ${claims} ORDER BY m."createdAt", m.id LIMIT ${AWAITING_ITEMS}) t) AS "claimRows",
      (SELECT json_agg(t) FROM (SELECT s.id, (SELECT u."firstName" || ' ' || u."lastName" FROM "User" u WHERE u.id = sp."userId") AS label,
          COALESCE((SELECT h."legalName" FROM "Organisation" h WHERE h.id = s."organisationId"), s.data->'fields'->>'orgLegalName') AS note, COALESCE(s."sentAt", s."updatedAt") AS since
        ${sheets} ORDER BY s."sentAt", s.id LIMIT ${AWAITING_ITEMS}) t) AS "sheetRows"`;
}

function moderationEntries(row: ModerationRow): AwaitingEntry[] {
  // json_agg writes timestamps without their zone: they are UTC, as Prisma stores them.
  const since = (s: string) => new Date(`${s}Z`);
  return [
    ...entry('offersToModerate', Number(row.moderate), '/offers/moderation', (row.moderateRows ?? []).map((o): AwaitingItem => ({ label: o.label, note: { text: o.note ?? '' }, href: `/offers/manage/${o.id}`, since: since(o.since) }))),
    ...entry('organisationsToVerify', Number(row.verify), '/organisations/queue', (row.verifyRows ?? []).map((o): AwaitingItem => ({ label: o.label, note: { text: o.note ?? '' }, href: `/organisations/${o.id}`, since: since(o.since) }))),
    ...entry('claims', Number(row.claim), '/organisations/queue', (row.claimRows ?? []).map((m): AwaitingItem => ({ label: m.label, href: '/organisations/queue', since: since(m.since) }))),
    ...entry('sheetsToValidate', Number(row.sheets), '/sheets/review', (row.sheetRows ?? []).map((s): AwaitingItem => ({ label: s.label, note: { text: s.note ?? '' }, href: `/sheets/${s.id}`, since: since(s.since) }))),
  ];
}

/** What waits for a moderator (moderationColumns), in one statement: the administrator's dashboard. */
export async function moderationAwaiting(db: Db, actor: Actor): Promise<AwaitingEntry[]> {
  const [row] = await db.$queryRaw<ModerationRow[]>`SELECT ${moderationColumns(actor)}`;
  return moderationEntries(row);
}

/**
 * The "Satisfaite" applications of the actor's students in the academic year `y`
 * (academicYearRelation), as the school list filters them (schoolScope: the students of their
 * centres and of the study years they manage; everything for the administrator): a SQL count.
 */
function acceptedInYear(actor: Actor): Prisma.Sql {
  const { centres, years } = schoolScope(actor);
  const whose = actor.isPlatformAdmin ? Prisma.sql`TRUE` : Prisma.sql`(sy."centreId" = ANY(${centres}) OR sp."studyYearId" = ANY(${years}))`;
  return Prisma.sql`(SELECT count(*) FROM "Application" a JOIN "StudentProfile" sp ON sp.id = a."studentId" LEFT JOIN "StudyYear" sy ON sy.id = sp."studyYearId"
      WHERE a.status = 'ACCEPTED' AND a."createdAt" >= y.gte AND a."createdAt" < y.lt AND ${whose})`;
}

/** The centres `ids` by name, each with its counters, as one JSON array. */
function centresWithCounters(ids: number[]): Prisma.Sql {
  return Prisma.sql`(SELECT json_agg(c ORDER BY c.name, c.id) FROM (SELECT c.id, c.name, c.kind::text AS kind,
      (SELECT count(*) FROM "StudyYear" sy WHERE sy."centreId" = c.id) AS "studyYears",
      (SELECT count(*) FROM "CentreStaff" s WHERE s."centreId" = c.id) AS staff,
      (SELECT count(*) FROM "StudentProfile" sp JOIN "StudyYear" sy ON sy.id = sp."studyYearId" WHERE sy."centreId" = c.id) AS students,
      (SELECT count(*) FROM "Organisation" g WHERE NOT g.verified AND g."centreId" = c.id) AS "toVerify"
    FROM "ManagementCentre" c WHERE c.id = ANY(${ids})) c)`;
}

type CentreRow = { id: number; name: string; kind: CentreKind; studyYears: number; staff: number; students: number; toVerify: number };

/**
 * The centre dashboard, in one statement (it is one of the busiest staff pages, and every
 * statement is a round trip). Waiting, in the centres where the actor may act (WRITE): moderation
 * and verification. Counters, in every centre of the actor: the applications "Satisfaite" of their
 * students this academic year, as the school list filters them. Then each centre with its counters.
 */
export async function centreDashboard(db: Db, actor: Actor, now: Date) {
  // The help desk's queue counts for those who handle tickets (WRITE staff), in the same statement.
  const tickets = ticketCountColumns(actor);
  // Prepared once per connection: planning this statement's sub-selects was most of its cost.
  const [row] = await preparedRows<ModerationRow & { year: string; accepted: bigint | string; centres: CentreRow[] | null; tickets?: { open: number; answered: number } }>(db, Prisma.sql`
    SELECT ${moderationColumns(actor)}, y.label AS year, ${acceptedInYear(actor)} AS accepted, ${centresWithCounters(centresWith(actor, 'READ'))} AS centres
      ${tickets ? Prisma.sql`, ${tickets}` : Prisma.empty}
    FROM ${academicYearRelation(todayIn(now))} y`);
  const blocks: DashboardBlocks = {
    awaiting: moderationEntries(row),
    groups: [
      {
        key: 'year',
        params: { year: row.year },
        counters: [{ key: 'acceptedThisYear', count: Number(row.accepted), href: `/applications/school?status=ACCEPTED&year=${row.year}` }],
      },
    ],
  };
  const centres = (row.centres ?? []).map(({ studyYears, staff, ...c }) => ({ ...c, _count: { studyYears, staff }, right: centreRight(actor, c.id) }));
  return { ...blocks, centres, tickets: row.tickets ?? null };
}
