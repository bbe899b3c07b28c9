import type { Actor } from '../../authz/actor.js';
import type { DbOrTx } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import type { AgreementStatus } from '../../generated/prisma/enums.js';
import { listSelect } from './agreements.search.js';
import { AGREEMENT_WORKFLOW, type AgreementRecord } from './agreements.workflow.js';

/** How many of the awaiting agreements a dashboard lists (the count says the rest). */
export const AWAITING_SHOWN = 20;

/** One kind of agreement as the workflow tells who it awaits: its state, its steps done, and how it stands towards the actor. */
interface Kind {
  status: AgreementStatus;
  ped: boolean;
  adm: boolean;
  own: boolean;
  tutor: boolean;
  managed: boolean;
  n: number;
}

/**
 * The agreements of one centre (`scope`: SQL conditions on `a`, and the same as a Prisma `where`)
 * that await this actor, by the workflow's own rule: its `awaits` rows, their parties and their
 * `when` (the centre's order of the steps). Whether one awaits the actor depends only on its state,
 * which steps are done, and whether the actor is its student, its academic tutor or the manager of
 * its year; so the database counts the agreements of each such kind (one statement, whatever the
 * volume), the engine is asked once per kind, and the oldest submitted of the awaiting kinds are
 * then read for the list.
 */
export async function awaitingFor(db: DbOrTx, actor: Actor, scope: { sql: Prisma.Sql; where: Prisma.AgreementWhereInput }, centre: AgreementRecord['steps'] & { id: number }) {
  const parties = Object.keys(AGREEMENT_WORKFLOW.def.parties) as (keyof typeof AGREEMENT_WORKFLOW.def.parties)[];
  const states = [...new Set(parties.flatMap((p) => AGREEMENT_WORKFLOW.awaitingStates(p)))];
  const studentId = actor.student?.profileId ?? -1;
  const years = actor.academic.filter((r) => r.kind === 'YEAR_MANAGER' && r.studyYearId !== null).map((r) => r.studyYearId!);
  const kinds = await db.$queryRaw<Kind[]>`
    SELECT a.status::text AS status, a."pedagogicalAt" IS NOT NULL AS ped, a."administrativeAt" IS NOT NULL AS adm,
      a."studentId" = ${studentId} AS own, COALESCE(a."academicTutorId" = ${actor.id}, false) AS tutor,
      COALESCE(a."studyYearId" = ANY(${years}::int[]), false) AS managed, count(*)::int AS n
    FROM "Agreement" a WHERE ${scope.sql} AND a.status::text = ANY(${states}::text[])
    GROUP BY 1, 2, 3, 4, 5, 6`;
  const awaiting = kinds.filter((k) => AGREEMENT_WORKFLOW.awaits(actor, recordOfKind(k, centre, actor, studentId, years)));
  if (!awaiting.length) return { total: 0, items: [] };
  const items = await db.agreement.findMany({
    where: { AND: [scope.where, { OR: awaiting.map((k) => kindWhere(k, actor, studentId, years)) }] },
    select: listSelect,
    orderBy: [{ submittedAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
    take: AWAITING_SHOWN,
  });
  return { total: awaiting.reduce((s, k) => s + k.n, 0), items };
}

const DONE = new Date(0);

/** A record standing for every agreement of the kind: the workflow reads nothing else of them. */
function recordOfKind(k: Kind, centre: AgreementRecord['steps'] & { id: number }, actor: Actor, studentId: number, years: number[]): AgreementRecord {
  return {
    status: k.status,
    studentId: k.own ? studentId : -1,
    centreId: centre.id,
    studyYearId: k.managed ? years[0] : -1,
    academicTutorId: k.tutor ? actor.id : -1,
    pedagogicalAt: k.ped ? DONE : null,
    administrativeAt: k.adm ? DONE : null,
    signedAt: k.status === 'SIGNED' ? DONE : null,
    steps: { pedagogicalStep: centre.pedagogicalStep, administrativeStep: centre.administrativeStep, administrativeFirst: centre.administrativeFirst, signatureParties: centre.signatureParties, signatureAutoValidate: centre.signatureAutoValidate },
  };
}

/** The agreements of a kind, as a Prisma `where`. */
function kindWhere(k: Kind, actor: Actor, studentId: number, years: number[]): Prisma.AgreementWhereInput {
  return {
    status: k.status,
    pedagogicalAt: k.ped ? { not: null } : null,
    administrativeAt: k.adm ? { not: null } : null,
    studentId: k.own ? studentId : { not: studentId },
    AND: [
      k.tutor ? { academicTutorId: actor.id } : { OR: [{ academicTutorId: null }, { academicTutorId: { not: actor.id } }] },
      k.managed ? { studyYearId: { in: years } } : { OR: [{ studyYearId: null }, { studyYearId: { notIn: years } }] },
    ],
  };
}
