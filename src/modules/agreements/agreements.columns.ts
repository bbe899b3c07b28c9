// From what an agreement is made of (agreement.types.ts) to its columns, and the checks that its
// parties belong together: shared by its creation and its edits.
import type { Tx } from '../../db/client.js';
import { ValidationError } from '../../errors.js';
import { Prisma } from '../../generated/prisma/client.js';
import { WEEKDAYS } from '../../legal/types.js';
import type { AgreementParties, InternshipDetails } from './agreement.types.js';

type Parties = Pick<AgreementParties, 'organisationId' | 'serviceId' | 'companyTutorId' | 'signatoryId' | 'academicTutorId'> & Pick<InternshipDetails, 'startDate' | 'endDate'>;

/**
 * Checks that the parties exist and belong together (a service and contacts of the organisation,
 * an active academic tutor, the last day after the first); field errors otherwise. Answers the
 * countries whose law and holidays apply by default.
 */
export async function checkParties(tx: Tx, input: Parties) {
  const errors: Record<string, string> = {};
  // One statement after the other: a transaction's connection runs one query at a time.
  const org = await tx.organisation.findUnique({ where: { id: input.organisationId }, select: { id: true, country: true } });
  const service = input.serviceId ? await tx.service.findUnique({ where: { id: input.serviceId }, select: { organisationId: true, sameAddress: true, country: true } }) : null;
  const contactIds = [input.companyTutorId, input.signatoryId].filter((v): v is number => !!v);
  const contacts = contactIds.length ? await tx.contact.findMany({ where: { id: { in: contactIds } }, select: { id: true, organisationId: true } }) : [];
  const tutor = input.academicTutorId ? await tx.user.findFirst({ where: { id: input.academicTutorId, active: true }, select: { id: true } }) : null;
  if (!org) errors.organisationId = 'agreements.errors.organisation';
  if (input.serviceId && service?.organisationId !== input.organisationId) errors.serviceId = 'agreements.errors.service';
  for (const key of ['companyTutorId', 'signatoryId'] as const) {
    const id = input[key];
    if (id && contacts.find((c) => c.id === id)?.organisationId !== input.organisationId) errors[key] = 'agreements.errors.contact';
  }
  if (input.academicTutorId && !tutor) errors.academicTutorId = 'agreements.errors.academicTutor';
  if (input.endDate.isBefore(input.startDate)) errors.endDate = 'agreements.errors.endBeforeStart';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const placeCountry = service && !service.sameAddress && service.country ? service.country : org!.country;
  return { orgCountry: org!.country, placeCountry };
}

const orNull = <T>(v: T | null | undefined) => (v === undefined ? undefined : (v ?? null));

/** The columns of the internship's details that `input` gives (undefined ones left as they are). */
export function internshipColumns(input: Partial<InternshipDetails>): Prisma.AgreementUncheckedUpdateInput {
  const data: Prisma.AgreementUncheckedUpdateInput = {
    type: input.type,
    subject: input.subject,
    theme: orNull(input.theme),
    activities: orNull(input.activities),
    skills: orNull(input.skills),
    startDate: input.startDate?.toDb(),
    endDate: input.endDate?.toDb(),
    interruptions: input.interruptions?.map((r) => ({ from: r.from.toString(), to: r.to.toString() })),
    schedule: input.schedule ? Object.fromEntries(WEEKDAYS.map((d) => [d, input.schedule![d] ?? 0])) : undefined,
    daysPerWeek: input.daysPerWeek !== undefined ? new Prisma.Decimal(input.daysPerWeek) : input.schedule ? new Prisma.Decimal(WEEKDAYS.filter((d) => input.schedule![d] > 0).length) : undefined,
    workingTime: input.workingTime,
    nightPresence: orNull(input.nightPresence),
    sundayPresence: orNull(input.sundayPresence),
    holidayPresence: orNull(input.holidayPresence),
    payAmount: input.payAmount === undefined ? undefined : input.payAmount === null ? null : new Prisma.Decimal(input.payAmount),
    payUnit: orNull(input.payUnit),
    currency: input.currency,
    paymentMethod: orNull(input.paymentMethod),
    benefitsMeals: orNull(input.benefitsMeals),
    benefitsTransport: orNull(input.benefitsTransport),
    benefitsOther: orNull(input.benefitsOther),
    leaveTerms: orNull(input.leaveTerms),
    supervisionTerms: orNull(input.supervisionTerms),
    confidential: input.confidential,
    printLanguage: input.printLanguage,
    rulesCountry: input.rulesCountry,
    holidaysCountry: input.holidaysCountry,
  };
  return Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}
