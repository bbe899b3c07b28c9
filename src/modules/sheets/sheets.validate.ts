import type { Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import type { Civility, InsuranceAffiliation } from '../../generated/prisma/enums.js';
import { parse } from '../../http/validate.js';
import { CalendarDate } from '../../time/calendar.js';
import { createAgreement } from '../agreements/agreements.create.js';
import { departmentOf, normalizeName } from '../organisations/identifiers.js';
import { createOrganisation } from '../organisations/organisations.core.js';
import { organisationSchema } from '../organisations/organisations.schemas.js';
import { newOrganisationFields, scheduleOf, type SheetContent } from './sheets.fields.js';

/** The sheet being validated, as read in the validation's transaction. */
export interface ValidatedSheet {
  id: number;
  studentId: number;
  organisationId: number | null;
  offerId: number | null;
  content: SheetContent;
  student: { userId: number; centreId: number | null };
}

export interface Created {
  organisationId: number;
  serviceId: number;
  companyTutorId: number;
  signatoryId: number;
  agreementId: number;
  agreementNumber: string;
}

/**
 * What a validated sheet becomes, in the validation's transaction (SheetService.validate): the
 * host (chosen in the directory, or the one typed — created unverified, in the verification queue
 * of the student's centre; a SIRET already in the directory is that organisation), its service and
 * the tutor and signatory contacts (reused when the directory already has them by name), the
 * student's own data copied to their profile, and the DRAFT agreement (agreements module).
 */
export async function materialise(tx: Tx, act: Act<Actor>, sheet: ValidatedSheet): Promise<Created> {
  const d = sheet.content.data;
  const organisationId = sheet.organisationId ?? (await newOrganisation(tx, act, sheet));
  const org = await tx.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { country: true } });
  const serviceId = await serviceOf(tx, act, organisationId, d);
  const companyTutorId = await contactOf(tx, act, organisationId, serviceId, d, 'tutor');
  const signatoryId = await contactOf(tx, act, organisationId, serviceId, d, 'signatory');
  await copyStudentData(tx, act, sheet, d);

  const agreement = await createAgreement(tx, act, {
    studentId: sheet.studentId,
    offerId: sheet.offerId,
    sheetId: sheet.id,
    organisationId,
    serviceId,
    companyTutorId,
    signatoryId,
    // The sheet does not ask the internship's type: staff set it on the agreement.
    type: 'MANDATORY',
    subject: d.subject,
    activities: d.activities ?? null,
    skills: d.skills ?? null,
    startDate: CalendarDate.parse(d.startDate)!,
    endDate: CalendarDate.parse(d.endDate)!,
    interruptions: sheet.content.pauses.map((p) => ({ from: CalendarDate.parse(p.from)!, to: CalendarDate.parse(p.to)! })),
    schedule: scheduleOf(sheet.content),
    payAmount: d.payAmount ? Number(d.payAmount) : null,
    payUnit: d.payUnit ?? null,
    currency: d.payCurrency ?? 'EUR',
    rulesCountry: org.country,
    holidaysCountry: d.serviceCountry || org.country,
  });
  return { organisationId, serviceId, companyTutorId, signatoryId, agreementId: agreement.id, agreementNumber: agreement.number };
}

/** The organisation typed on the sheet: the directory's own (same SIRET), or a new unverified one in the student's centre's queue. */
async function newOrganisation(tx: Tx, act: Act<Actor>, sheet: ValidatedSheet): Promise<number> {
  const input = parse(organisationSchema, newOrganisationFields(sheet.content.data));
  if (input.siret) {
    const same = await tx.organisation.findFirst({ where: { siret: input.siret }, select: { id: true }, orderBy: { id: 'asc' } });
    if (same) return same.id;
  }
  // Typed by a student: it waits for a centre's verification, whoever validates the sheet.
  const org = await createOrganisation(tx, act, input, { verified: false, centreId: sheet.student.centreId });
  return org.id;
}

async function serviceOf(tx: Tx, act: Act<Actor>, organisationId: number, d: Record<string, string>): Promise<number> {
  const normalizedName = normalizeName(d.serviceName);
  const found = await tx.service.findFirst({ where: { organisationId, normalizedName }, select: { id: true }, orderBy: { id: 'asc' } });
  if (found) return found.id;
  const own = !!d.serviceAddressLine1;
  const service = await tx.service.create({
    data: {
      organisationId,
      name: d.serviceName,
      normalizedName,
      sameAddress: !own,
      addressLine1: own ? d.serviceAddressLine1 : null,
      postalCode: own ? d.servicePostalCode : null,
      city: own ? d.serviceCity : null,
      country: own ? d.serviceCountry : null,
      department: own ? departmentOf(d.servicePostalCode, d.serviceCountry) : null,
    },
  });
  await audit(tx, { actorId: act.actor.id, action: 'service.create', entityType: 'Service', entityId: service.id, after: service, requestId: act.requestId });
  return service.id;
}

/** The tutor or the signatory: a contact of the organisation with the same name (in the service, or in none), else a new one. */
async function contactOf(tx: Tx, act: Act<Actor>, organisationId: number, serviceId: number, d: Record<string, string>, who: 'tutor' | 'signatory'): Promise<number> {
  const firstName = d[`${who}FirstName`];
  const lastName = d[`${who}LastName`];
  const found = await tx.contact.findFirst({
    where: { organisationId, firstName: { equals: firstName, mode: 'insensitive' }, lastName: { equals: lastName, mode: 'insensitive' }, OR: [{ serviceId }, { serviceId: null }] },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  if (found) return found.id;
  const contact = await tx.contact.create({
    data: {
      organisationId,
      serviceId,
      civility: (d[`${who}Civility`] as Civility | undefined) ?? 'NONE',
      firstName,
      lastName,
      function: d[`${who}Function`] ?? null,
      email: d[`${who}Email`] ?? null,
      phone: d[`${who}Phone`] ?? null,
    },
  });
  await audit(tx, { actorId: act.actor.id, action: 'contact.create', entityType: 'Contact', entityId: contact.id, after: contact, requestId: act.requestId });
  return contact.id;
}

/** The student's own data of the sheet goes to their file: address, phone, social-security affiliation, health fund. */
async function copyStudentData(tx: Tx, act: Act<Actor>, sheet: ValidatedSheet, d: Record<string, string>) {
  const before = await tx.studentProfile.findUniqueOrThrow({
    where: { id: sheet.studentId },
    select: { addressLine1: true, addressLine2: true, postalCode: true, city: true, country: true, insurance: true, healthFund: true, user: { select: { phone: true } } },
  });
  const after = {
    addressLine1: d.addressLine1,
    addressLine2: d.addressLine2 ?? null,
    postalCode: d.postalCode,
    city: d.city,
    country: d.country,
    insurance: d.insurance as InsuranceAffiliation,
    healthFund: d.healthFund,
  };
  await tx.studentProfile.update({ where: { id: sheet.studentId }, data: after });
  await tx.user.update({ where: { id: sheet.student.userId }, data: { phone: d.phone } });
  const { user, ...profile } = before;
  await audit(tx, {
    actorId: act.actor.id,
    action: 'student.profile.fromSheet',
    entityType: 'StudentProfile',
    entityId: sheet.studentId,
    before: { ...profile, phone: user.phone },
    after: { ...after, phone: d.phone, sheetId: sheet.id },
    requestId: act.requestId,
  });
}
