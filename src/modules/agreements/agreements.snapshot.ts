// The agreement's own copy of what it shows and will print: the parties' names and addresses and the
// labels of the reference values, as they were at submission. Written once at submission (and again
// when staff edit a submitted agreement); later changes of the directory or the reference tables do
// not reach it. Before submission the page shows the same shape built from the live rows.
import type { Prisma } from '../../generated/prisma/client.js';
import type { EngineResult } from '../../legal/types.js';
import { DOC_LOCALES, label, type DocLocale, type NomenclatureName } from '../../nomenclatures/index.js';
import { CalendarDate } from '../../time/calendar.js';
import { agreementNumber } from './agreement.types.js';
import type { LegalOutcome } from './agreements.legal.js';
import { interruptionsOf, scheduleOf } from './agreements.legal.js';

const address = { addressLine1: true, addressLine2: true, postalCode: true, city: true, country: true } as const;
const person = { civility: true, firstName: true, lastName: true, function: true, email: true, phone: true } as const;

/** Everything the page and the snapshot read of an agreement. */
export const detailInclude = {
  institution: { select: { name: true, ...address, phone: true, email: true } },
  centre: { select: { name: true, ...address, phone: true, email: true } },
  student: { select: { studentNumber: true, ...address, insurance: true, healthFund: true, user: { select: { firstName: true, lastName: true, email: true, phone: true, civility: true } } } },
  studyYear: { select: { name: true } },
  programme: { select: { name: true } },
  offer: { select: { id: true, title: true } },
  organisation: { select: { legalName: true, siret: true, nafCode: true, headcount: true, structureType: true, legalStatus: true, ...address, phone: true, email: true } },
  service: { select: { name: true, sameAddress: true, ...address, phone: true } },
  // The tutor's account (userId) tells the pages whether the actor is the tutor without asking again; not copied into the snapshot.
  companyTutor: { select: { ...person, userId: true } },
  signatory: { select: person },
  academicTutor: { select: { firstName: true, lastName: true, email: true, phone: true } },
} as const satisfies Prisma.AgreementInclude;

export type AgreementDetail = Prisma.AgreementGetPayload<{ include: typeof detailInclude }>;

/** A reference value and its label in each document language. */
export interface Labelled {
  value: string | null;
  labels: Partial<Record<DocLocale, string>>;
}

const labelled = (name: NomenclatureName, value: string | null | undefined): Labelled => ({
  value: value ?? null,
  labels: value ? Object.fromEntries(DOC_LOCALES.map((l) => [l, label(name, value, l)])) : {},
});

const str = (d: Date | null) => (d ? CalendarDate.fromDb(d).toString() : null);
const num = (d: Prisma.Decimal | null) => (d === null ? null : d.toNumber());
const contact = (c: AgreementDetail['signatory']) => (c ? { civility: labelled('civility', c.civility), firstName: c.firstName, lastName: c.lastName, function: c.function, email: c.email, phone: c.phone } : null);

/** The copy (plain JSON): parties, internship, labels, and the legal engine's result when computed. */
export function buildSnapshot(a: AgreementDetail, legal: LegalOutcome | null) {
  const placeOwn = a.service && !a.service.sameAddress;
  return {
    version: 1,
    number: agreementNumber(a),
    academicYear: a.academicYear,
    institution: a.institution,
    centre: a.centre,
    student: {
      ...a.student.user,
      civility: labelled('civility', a.student.user.civility),
      studentNumber: a.student.studentNumber,
      addressLine1: a.student.addressLine1,
      addressLine2: a.student.addressLine2,
      postalCode: a.student.postalCode,
      city: a.student.city,
      country: a.student.country,
      insurance: labelled('insuranceAffiliation', a.student.insurance),
      healthFund: a.student.healthFund,
      studyYear: a.studyYear?.name ?? null,
      programme: a.programme?.name ?? null,
    },
    offer: a.offer,
    organisation: {
      ...a.organisation,
      headcount: labelled('headcountBand', a.organisation.headcount),
      structureType: labelled('structureType', a.organisation.structureType),
      legalStatus: labelled('legalStatus', a.organisation.legalStatus),
      countryName: labelled('country', a.organisation.country),
    },
    service: a.service ? { name: a.service.name, phone: a.service.phone } : null,
    // Where the internship takes place: the service's own address, else the organisation's.
    place: placeOwn ? { addressLine1: a.service!.addressLine1, addressLine2: a.service!.addressLine2, postalCode: a.service!.postalCode, city: a.service!.city, country: a.service!.country } : { addressLine1: a.organisation.addressLine1, addressLine2: a.organisation.addressLine2, postalCode: a.organisation.postalCode, city: a.organisation.city, country: a.organisation.country },
    companyTutor: contact(a.companyTutor),
    signatory: contact(a.signatory),
    academicTutor: a.academicTutor,
    internship: {
      type: labelled('internshipType', a.type),
      subject: a.subject,
      theme: a.theme,
      activities: a.activities,
      skills: a.skills,
      startDate: str(a.startDate),
      endDate: str(a.endDate),
      interruptions: interruptionsOf(a.interruptions).map((r) => ({ from: r.from.toString(), to: r.to.toString() })),
      schedule: scheduleOf(a.schedule),
      daysPerWeek: num(a.daysPerWeek),
      workingTime: labelled('workingTime', a.workingTime),
      nightPresence: a.nightPresence,
      sundayPresence: a.sundayPresence,
      holidayPresence: a.holidayPresence,
      payAmount: num(a.payAmount),
      payUnit: labelled('payUnit', a.payUnit),
      currency: a.currency,
      paymentMethod: labelled('paymentMethod', a.paymentMethod),
      benefitsMeals: a.benefitsMeals,
      benefitsTransport: a.benefitsTransport,
      benefitsOther: a.benefitsOther,
      leaveTerms: a.leaveTerms,
      supervisionTerms: a.supervisionTerms,
      confidential: a.confidential,
      printLanguage: a.printLanguage,
      rulesCountry: labelled('country', a.rulesCountry),
      holidaysCountry: labelled('country', a.holidaysCountry),
    },
    legal: legal ? { result: legal.result, previousHours: legal.previousHours, signedOn: legal.signedOn.toString() } : null,
  };
}

export type AgreementSnapshot = ReturnType<typeof buildSnapshot>;

/** The figures stored in columns for search and dashboards, from the engine's result. */
export function legalColumns(r: EngineResult, previousHours: number) {
  return {
    presenceHours: r.presenceHours,
    presenceDays: r.days,
    presenceMonths: r.months,
    previousHours,
    stipendDue: r.stipend.due,
    hourlyMinimum: r.stipend.hourlyMinimum,
    stipendTotal: r.stipend.total,
  };
}
