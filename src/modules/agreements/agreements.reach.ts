import type { Actor } from '../../authz/actor.js';
import { centresWith } from '../../authz/centres.js';
import type { DbOrTx } from '../../db/client.js';
import type { Prisma } from '../../generated/prisma/client.js';

/**
 * The agreements an actor reaches (sees): the student their own; a company administrator those of
 * their organisation; a company tutor (a contact with this account) and the academic tutor those
 * they supervise; year and programme managers those of their years and programmes; centre staff
 * (READ and above) those their centres manage; a platform administrator every one. Anything else
 * is a 404. Who may act is the workflow's (agreements.workflow.ts).
 */
export function agreementReachWhere(actor: Actor): Prisma.AgreementWhereInput {
  if (actor.isPlatformAdmin) return {};
  const or: Prisma.AgreementWhereInput[] = [];
  if (actor.student) or.push({ studentId: actor.student.profileId });
  const adminOf = actor.companies.filter((c) => c.role === 'ADMIN').map((c) => c.organisationId);
  if (adminOf.length) or.push({ organisationId: { in: adminOf } });
  if (actor.companies.length) or.push({ companyTutor: { userId: actor.id } });
  or.push({ academicTutorId: actor.id });
  const years = actor.academic.filter((a) => a.kind === 'YEAR_MANAGER' && a.studyYearId !== null).map((a) => a.studyYearId!);
  if (years.length) or.push({ studyYearId: { in: years } });
  const programmes = actor.academic.filter((a) => a.kind === 'PROGRAMME_MANAGER' && a.programmeId !== null).map((a) => a.programmeId!);
  if (programmes.length) or.push({ programmeId: { in: programmes } });
  const centres = centresWith(actor, 'READ');
  if (centres.length) or.push({ centreId: { in: centres } });
  return { OR: or };
}

/**
 * Whether the actor's account is the agreement's company tutor (a contact linked to that account).
 * An agreement read by AgreementService.show comes with its tutor's account, so a page asks no
 * more; a row read otherwise is looked up.
 */
export async function isCompanyTutor(db: DbOrTx, actor: Actor, a: { companyTutorId: number | null; companyTutor?: { userId?: number | null } | null }): Promise<boolean> {
  if (a.companyTutorId === null) return false;
  if (a.companyTutor && a.companyTutor.userId !== undefined) return a.companyTutor.userId === actor.id;
  return !!(await db.contact.findFirst({ where: { id: a.companyTutorId, userId: actor.id }, select: { id: true } }));
}
