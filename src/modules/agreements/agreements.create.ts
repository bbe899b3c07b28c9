import type { Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import { ValidationError } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { WEEKDAYS } from '../../legal/types.js';
import { academicYearAt } from '../institutions/academic-years.js';
import { agreementNumber, type AgreementCreateInput } from './agreement.types.js';
import { checkParties } from './agreements.columns.js';

/**
 * The next number of an institution's academic year. The counter row is created or incremented in
 * the caller's transaction and stays locked until it commits: concurrent creations wait for each
 * other and take consecutive numbers, and a creation that rolls back gives its number back (the
 * increment rolls back with it), so the sequence has no gap.
 */
export async function nextAgreementSeq(tx: Tx, institutionId: number, academicYear: string): Promise<number> {
  const rows = await tx.$queryRaw<{ last: number }[]>`
    INSERT INTO "AgreementCounter" ("institutionId", "academicYear", "last") VALUES (${institutionId}, ${academicYear}, 1)
    ON CONFLICT ("institutionId", "academicYear") DO UPDATE SET "last" = "AgreementCounter"."last" + 1
    RETURNING "last"`;
  return rows[0].last;
}

/**
 * Creates a DRAFT agreement in the caller's transaction: its number (gap-free per institution and
 * academic year, the year being the one the internship starts in), the student's study year and
 * programme copied for search, the managing centre (the study year's unless given), one audit row.
 * Used by the sheets module when a sheet is validated, and by the creation wizard.
 */
export async function createAgreement(tx: Tx, act: Act<Actor | null>, input: AgreementCreateInput) {
  const student = await tx.studentProfile.findUnique({
    where: { id: input.studentId },
    select: { institutionId: true, studyYearId: true, programmeId: true, studyYear: { select: { centreId: true } } },
  });
  if (!student) throw new ValidationError({ studentId: 'agreements.errors.student' });
  const centreId = input.centreId ?? student.studyYear?.centreId;
  if (!centreId) throw new ValidationError({ centreId: 'agreements.errors.centre' });
  const { orgCountry, placeCountry } = await checkParties(tx, input);

  const academicYear = input.academicYear || (await academicYearAt(tx, input.startDate)).label;
  const seq = await nextAgreementSeq(tx, student.institutionId, academicYear);
  const days = WEEKDAYS.filter((d) => input.schedule[d] > 0).length;
  const created = await tx.agreement.create({
    data: {
      institutionId: student.institutionId,
      academicYear,
      seq,
      centreId,
      studentId: input.studentId,
      studyYearId: student.studyYearId,
      programmeId: student.programmeId,
      offerId: input.offerId ?? null,
      sheetId: input.sheetId ?? null,
      organisationId: input.organisationId,
      serviceId: input.serviceId ?? null,
      companyTutorId: input.companyTutorId ?? null,
      signatoryId: input.signatoryId ?? null,
      academicTutorId: input.academicTutorId ?? null,
      type: input.type,
      subject: input.subject,
      theme: input.theme ?? null,
      activities: input.activities ?? null,
      skills: input.skills ?? null,
      startDate: input.startDate.toDb(),
      endDate: input.endDate.toDb(),
      interruptions: (input.interruptions ?? []).map((r) => ({ from: r.from.toString(), to: r.to.toString() })),
      schedule: Object.fromEntries(WEEKDAYS.map((d) => [d, input.schedule[d] ?? 0])),
      daysPerWeek: new Prisma.Decimal(input.daysPerWeek ?? days),
      workingTime: input.workingTime ?? 'FULL_TIME',
      nightPresence: input.nightPresence ?? null,
      sundayPresence: input.sundayPresence ?? null,
      holidayPresence: input.holidayPresence ?? null,
      payAmount: input.payAmount === null || input.payAmount === undefined ? null : new Prisma.Decimal(input.payAmount),
      payUnit: input.payUnit ?? null,
      currency: input.currency ?? 'EUR',
      paymentMethod: input.paymentMethod ?? null,
      benefitsMeals: input.benefitsMeals ?? null,
      benefitsTransport: input.benefitsTransport ?? null,
      benefitsOther: input.benefitsOther ?? null,
      leaveTerms: input.leaveTerms ?? null,
      supervisionTerms: input.supervisionTerms ?? null,
      confidential: input.confidential ?? false,
      printLanguage: input.printLanguage ?? 'fr',
      rulesCountry: input.rulesCountry ?? orgCountry,
      holidaysCountry: input.holidaysCountry ?? placeCountry,
      createdById: act.actor?.id ?? null,
    },
    select: { id: true, academicYear: true, seq: true, status: true },
  });
  await audit(tx, {
    actorId: act.actor?.id ?? null,
    action: 'agreement.create',
    entityType: 'Agreement',
    entityId: created.id,
    after: { number: agreementNumber(created), status: created.status, sheetId: input.sheetId ?? null },
    requestId: act.requestId,
  });
  return { ...created, number: agreementNumber(created) };
}
