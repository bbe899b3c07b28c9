import type { Actor } from '../../authz/actor.js';
import type { Db } from '../../db/client.js';
import { Prisma } from '../../generated/prisma/client.js';
import { AWAITING_ITEMS, entry, type AwaitingEntry } from '../dashboard/dashboard.types.js';
import { agreementNumber } from './agreement.types.js';
import { awaitingFor } from './agreements.awaiting.js';
import { AGREEMENT_WORKFLOW, type AgreementRecord } from './agreements.workflow.js';

// What of the agreements waits for a person rather than for a centre's staff: the student (their
// own to send), the academic tutor and the year manager (the pedagogical validation). The same
// rule as the centre dashboard (awaitingFor: the workflow's `awaits`, the centre's order of the
// steps), asked per centre among the agreements the person is a party to — usually one centre.

/** The agreements the actor is a party to as student, academic tutor or manager of the student's year. */
function partyScope(actor: Actor) {
  const studentId = actor.student?.profileId ?? -1;
  const years = actor.academic.filter((r) => r.kind === 'YEAR_MANAGER' && r.studyYearId !== null).map((r) => r.studyYearId!);
  return {
    sql: Prisma.sql`(a."studentId" = ${studentId} OR a."academicTutorId" = ${actor.id} OR a."studyYearId" = ANY(${years}::int[]))`,
    where: { OR: [{ studentId }, { academicTutorId: actor.id }, { studyYearId: { in: years } }] } satisfies Prisma.AgreementWhereInput,
  };
}

/** The dashboard entry "Conventions à traiter": how many await the actor, the oldest few, the list. */
export async function agreementsAwaitingPerson(db: Db, actor: Actor): Promise<AwaitingEntry[]> {
  const scope = partyScope(actor);
  const parties = Object.keys(AGREEMENT_WORKFLOW.def.parties) as (keyof typeof AGREEMENT_WORKFLOW.def.parties)[];
  const states = [...new Set(parties.flatMap((p) => AGREEMENT_WORKFLOW.awaitingStates(p)))];
  const centres = await db.$queryRaw<({ id: number } & AgreementRecord['steps'])[]>`
    SELECT c.id, c."pedagogicalStep", c."administrativeStep", c."administrativeFirst", c."signatureParties"::text[] AS "signatureParties", c."signatureAutoValidate" FROM "ManagementCentre" c
    WHERE c.id IN (SELECT DISTINCT a."centreId" FROM "Agreement" a WHERE ${scope.sql} AND a.status::text = ANY(${states}::text[]))
    ORDER BY c.id`;
  let total = 0;
  const items = [];
  for (const c of centres) {
    const found = await awaitingFor(db, actor, { sql: Prisma.sql`${scope.sql} AND a."centreId" = ${c.id}`, where: { AND: [scope.where, { centreId: c.id }] } }, c);
    total += found.total;
    items.push(...found.items);
  }
  const href = actor.student ? '/agreements/mine' : '/agreements/search';
  return entry(
    'agreements',
    total,
    href,
    items.slice(0, AWAITING_ITEMS).map((a) => ({ label: `${agreementNumber(a)} — ${a.student.user.firstName} ${a.student.user.lastName}`, note: { text: a.organisation.legalName }, href: `/agreements/${a.id}`, since: a.submittedAt ?? a.createdAt })),
  );
}
