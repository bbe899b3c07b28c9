// Erasure on request (issue 15): the platform administrator anonymises an account now, as the
// retention job would, with its applications; what the law still needs — the agreements within
// their period — is kept, and the page says until when.
import type { Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { notFound, ValidationError } from '../../errors.js';
import { CalendarDate } from '../../time/calendar.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { anonymiseAccounts, anonymiseAgreements } from './anonymise.js';
import { anonymisedOn, cutoffDay, readPeriods } from './retention.policy.js';

export type Refusal = 'self' | 'admin' | 'already';

function refusalOf(actor: Actor, user: { id: number; isPlatformAdmin: boolean; anonymisedAt: Date | null }): Refusal | null {
  if (user.id === actor.id) return 'self';
  if (user.isPlatformAdmin) return 'admin';
  return user.anonymisedAt ? 'already' : null;
}

/** The person's agreements as a student not yet anonymised: kept (with the day they will be) or due now. */
async function studentAgreements(db: DbOrTx, userId: number, now: Date) {
  const periods = await readPeriods(db);
  const cutoff = cutoffDay(now, periods.AGREEMENT);
  const rows = await db.agreement.findMany({
    where: { student: { userId }, anonymisedAt: null },
    orderBy: [{ endDate: 'asc' }, { id: 'asc' }],
    select: { id: true, academicYear: true, seq: true, startDate: true, endDate: true, status: true, organisation: { select: { legalName: true } } },
  });
  const all = rows.map((a) => ({
    id: a.id,
    number: agreementNumber(a),
    organisation: a.organisation.legalName,
    status: a.status,
    startDate: a.startDate,
    endDate: a.endDate,
    anonymisedOn: anonymisedOn(CalendarDate.fromDb(a.endDate), periods.AGREEMENT).toDb(),
    due: CalendarDate.fromDb(a.endDate).isBefore(cutoff),
  }));
  return { kept: all.filter((a) => !a.due), due: all.filter((a) => a.due), months: periods.AGREEMENT };
}

/** What the erasure page shows: the account, what goes, what is kept and why, or why it is refused. */
export async function erasurePreview(db: Db, actor: Actor, userId: number, now: Date) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, firstName: true, lastName: true, email: true, isPlatformAdmin: true, anonymisedAt: true, lastLoginAt: true, createdAt: true, studentProfile: { select: { id: true } } },
  });
  if (!user) throw notFound();
  const profileId = user.studentProfile?.id ?? -1;
  const [applications, requests, sheets, tickets, roles, agreements, partyOf, signatures, contactsKept] = await Promise.all([
    db.application.count({ where: { studentId: profileId, anonymisedAt: null } }),
    db.internshipRequest.count({ where: { studentId: profileId } }),
    db.internshipSheet.count({ where: { studentId: profileId } }),
    db.ticket.count({ where: { authorId: userId } }),
    db.$queryRaw<{ n: bigint }[]>`SELECT (SELECT count(*) FROM "CompanyMembership" WHERE "userId" = ${userId}) + (SELECT count(*) FROM "AcademicRole" WHERE "userId" = ${userId})
      + (SELECT count(*) FROM "CentreStaff" WHERE "userId" = ${userId}) AS n`,
    studentAgreements(db, userId, now),
    db.agreement.count({ where: { anonymisedAt: null, OR: [{ academicTutorId: userId }, { companyTutor: { userId } }, { signatory: { userId } }] } }),
    db.agreementSignature.count({ where: { signerId: userId, agreement: { anonymisedAt: null } } }),
    db.contact.count({ where: { userId, OR: [{ agreementsTutored: { some: { anonymisedAt: null } } }, { agreementsSigned: { some: { anonymisedAt: null } } }] } }),
  ]);
  return {
    user,
    refusal: refusalOf(actor, user),
    erased: { applications, requests, sheets, tickets, roles: Number(roles[0]?.n ?? 0), agreementsDue: agreements.due },
    kept: { agreements: agreements.kept, months: agreements.months, partyOf, signatures, contacts: contactsKept },
  };
}

/** Anonymises the account now (refused for oneself, an administrator, an account already erased). */
export async function erase(db: Db, act: Act, userId: number) {
  return db.$transaction(
    async (tx) => {
      const [user] = await tx.$queryRaw<{ id: number; isPlatformAdmin: boolean; anonymisedAt: Date | null }[]>`
        SELECT id, "isPlatformAdmin", "anonymisedAt" FROM "User" WHERE id = ${userId} FOR UPDATE`;
      if (!user) throw notFound();
      const refusal = refusalOf(act.actor, user);
      if (refusal) throw new ValidationError({ _form: `privacy.erase.refused.${refusal}` });
      const agreements = await studentAgreements(tx, userId, act.now);
      await anonymiseAgreements(tx, agreements.due.map((a) => a.id), act.now);
      const applications = await tx.application.count({ where: { student: { userId }, anonymisedAt: null } });
      const { keptContacts } = await anonymiseAccounts(tx, [userId], act.now);
      // Counts only: the row outlives nothing it could name.
      const counts = { applications, agreementsAnonymised: agreements.due.length, agreementsKept: agreements.kept.length, contactsKept: keptContacts };
      await audit(tx, { actorId: act.actor.id, action: 'privacy.erase', entityType: 'User', entityId: userId, after: counts, requestId: act.requestId });
      return counts;
    },
    { timeout: 60_000 },
  );
}
