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
/** One queue: how many wait, and the oldest few. */
type Queue = { n: number; rows: Item[] | null };
type ModerationRow = { moderate: Queue; verify: Queue; claim: Queue; sheets: Queue };

/**
 * A queue as one JSON column: its count (a window count over the matches, so that they are read
 * once, not once to count and again for the oldest) and its oldest AWAITING_ITEMS rows; `fields`
 * (on the page's rows `t` only, after the LIMIT) names, labels and dates them.
 */
function queue(columns: Prisma.Sql, from: Prisma.Sql, order: Prisma.Sql, fields: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object('n', coalesce(max(t.n), 0), 'rows', json_agg(${fields} ORDER BY t.ord))
    FROM (SELECT ${columns}, count(*) OVER () AS n, row_number() OVER (ORDER BY ${order}) AS ord ${from} ORDER BY ${order} LIMIT ${AWAITING_ITEMS}) t)`;
}

/**
 * What waits for a moderator, as columns of one statement (each queue's count and oldest few, as
 * JSON): the offers the offer workflow puts in the hands of WRITE staff of their centre, the
 * organisations to verify and the claims to decide (the verification queue), the internship sheets
 * sent by the students of their centres or of the study years they manage (the sheet workflow's
 * manager, sheets.records.ts awaitingWhere). A platform administrator holds every right:
 * everything, as their lists show.
 */
function moderationColumns(actor: Actor): Prisma.Sql {
  const all = actor.isPlatformAdmin;
  const ids = all ? [] : centresWith(actor, 'WRITE');
  const mine = (col: Prisma.Sql) => (all ? Prisma.sql`TRUE` : Prisma.sql`${col} = ANY(${ids})`);
  const states = OFFER_WORKFLOW.awaitingStates('centreWriter');
  const years = actor.academic.filter((a) => a.kind === 'YEAR_MANAGER' && a.studyYearId !== null).map((a) => a.studyYearId!);
  const offers = queue(
    Prisma.sql`o.id, o.title, o."organisationId", o."updatedAt"`,
    Prisma.sql`FROM "Offer" o WHERE o.status::text = ANY(${states}) AND ${mine(Prisma.sql`o."centreId"`)}`,
    Prisma.sql`o."updatedAt", o.id`,
    Prisma.sql`json_build_object('id', t.id, 'label', t.title, 'note', (SELECT legal."legalName" FROM "Organisation" legal WHERE legal.id = t."organisationId"), 'since', t."updatedAt")`,
  );
  const orgs = queue(
    Prisma.sql`g.id, g."legalName", g.city, g."createdAt"`,
    Prisma.sql`FROM "Organisation" g WHERE NOT g.verified AND ${mine(Prisma.sql`g."centreId"`)}`,
    Prisma.sql`g."createdAt", g.id`,
    Prisma.sql`json_build_object('id', t.id, 'label', t."legalName", 'note', t.city, 'since', t."createdAt")`,
  );
  const claims = queue(
    Prisma.sql`m.id, g."legalName", m."createdAt"`,
    Prisma.sql`FROM "CompanyMembership" m JOIN "Organisation" g ON g.id = m."organisationId"
      WHERE m.status = 'PENDING' AND m.role = 'ADMIN' AND ${mine(Prisma.sql`g."centreId"`)}`,
    Prisma.sql`m."createdAt", m.id`,
    Prisma.sql`json_build_object('id', t.id, 'label', t."legalName", 'note', NULL, 'since', t."createdAt")`,
  );
  const sheets = queue(
    Prisma.sql`s.id, sp."userId", s."organisationId", s.data->'fields'->>'orgLegalName' AS "typedName", COALESCE(s."sentAt", s."updatedAt") AS since`,
    Prisma.sql`FROM "InternshipSheet" s JOIN "StudentProfile" sp ON sp.id = s."studentId" LEFT JOIN "StudyYear" sy ON sy.id = sp."studyYearId"
      WHERE s.status::text = ANY(${SHEET_WORKFLOW.awaitingStates('manager')}) AND (${mine(Prisma.sql`sy."centreId"`)} OR sp."studyYearId" = ANY(${years}))`,
    Prisma.sql`s."sentAt", s.id`,
    Prisma.sql`json_build_object('id', t.id, 'label', (SELECT u."firstName" || ' ' || u."lastName" FROM "User" u WHERE u.id = t."userId"),
      'note', COALESCE((SELECT h."legalName" FROM "Organisation" h WHERE h.id = t."organisationId"), t."typedName"), 'since', t.since)`,
  );
  return Prisma.sql`${offers} AS moderate, ${orgs} AS verify, ${claims} AS claim, ${sheets} AS sheets`;
}

function moderationEntries(row: ModerationRow): AwaitingEntry[] {
  // JSON writes timestamps without their zone: they are UTC, as Prisma stores them.
  const since = (s: string) => new Date(`${s}Z`);
  const { moderate, verify, claim, sheets } = row;
  return [
    ...entry('offersToModerate', moderate.n, '/offers/moderation', (moderate.rows ?? []).map((o): AwaitingItem => ({ label: o.label, note: { text: o.note ?? '' }, href: `/offers/manage/${o.id}`, since: since(o.since) }))),
    ...entry('organisationsToVerify', verify.n, '/organisations/queue', (verify.rows ?? []).map((o): AwaitingItem => ({ label: o.label, note: { text: o.note ?? '' }, href: `/organisations/${o.id}`, since: since(o.since) }))),
    ...entry('claims', claim.n, '/organisations/queue', (claim.rows ?? []).map((m): AwaitingItem => ({ label: m.label, href: '/organisations/queue', since: since(m.since) }))),
    ...entry('sheetsToValidate', sheets.n, '/sheets/review', (sheets.rows ?? []).map((s): AwaitingItem => ({ label: s.label, note: { text: s.note ?? '' }, href: `/sheets/${s.id}`, since: since(s.since) }))),
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
  // Prepared and planned once per connection (a generic plan): planning its sub-selects was most of its cost.
  const [row] = await preparedRows<ModerationRow & { year: string; accepted: bigint | string; centres: CentreRow[] | null; tickets?: { open: number; answered: number } }>(db, Prisma.sql`
    SELECT ${moderationColumns(actor)}, y.label AS year, ${acceptedInYear(actor)} AS accepted, ${centresWithCounters(centresWith(actor, 'READ'))} AS centres
      ${tickets ? Prisma.sql`, ${tickets}` : Prisma.empty}
    FROM ${academicYearRelation(todayIn(now))} y`, { plan: 'generic' });
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
