// What the agreement creation wizard reads and finally writes: who may create (WRITE staff of a
// centre, a student when their centre allows it), the searches of its screens within the
// creator's reach, the centre's rules, the law on the internship, and the creation itself.
import { Service, type Act } from '../../../act.js';
import type { Actor } from '../../../authz/actor.js';
import { centresWith, hasCentreRight } from '../../../authz/centres.js';
import type { DbOrTx, Tx } from '../../../db/client.js';
import { notFound, ValidationError } from '../../../errors.js';
import type { Prisma } from '../../../generated/prisma/client.js';
import type { Civility, InsuranceAffiliation, InternshipType, WorkingTime } from '../../../generated/prisma/enums.js';
import { computeInternship } from '../../../legal/engine.js';
import { WEEKDAYS, type WeeklySchedule } from '../../../legal/types.js';
import { CalendarDate, todayIn } from '../../../time/calendar.js';
import { academicYearAt } from '../../institutions/academic-years.js';
import { loadParameters } from '../../legal/parameters.service.js';
import { reachWhere } from '../../offers/offers.reach.js';
import { departmentOf, normalizeName } from '../../organisations/identifiers.js';
import type { AgreementCreateInput, PrintLanguage } from '../agreement.types.js';
import { databaseChecks } from '../agreements.checks.js';
import { createAgreement } from '../agreements.create.js';
import { previousHoursWithHost, type LegalSubject } from '../agreements.legal.js';
import { hostId, type AgreementWizardState, type PersonChoice, type PlaceChoice } from './wizard.state.js';
import { createOrganisation, findPossibleDuplicates } from '../../organisations/organisations.core.js';
import type { OrganisationInput } from '../../organisations/organisations.schemas.js';
import { lockIdentity } from '../../organisations/organisations.service.js';
import type { InternshipForm } from './wizard.schemas.js';

const RESULTS = 20;

export const ORG_QUERY_KEYS = ['name', 'department', 'siret', 'naf', 'phone', 'city', 'service'] as const;
export type OrgQuery = Record<(typeof ORG_QUERY_KEYS)[number], string>;

export const CENTRE_RULES = {
  id: true,
  name: true,
  academicTutorRequired: true,
  companyTutorRequired: true,
  studentsMayEnterTutor: true,
  studentsMayCreateAgreements: true,
  agreementOverlapAllowed: true,
  yearChoiceMonthBefore: true,
  yearChoiceMonthAfter: true,
} as const;

export class AgreementWizardService extends Service {
  /** Whether the actor may open the wizard at all: WRITE somewhere, or a student whose centre allows it. */
  async mayCreate(actor: Actor): Promise<boolean> {
    if (actor.isPlatformAdmin || centresWith(actor, 'WRITE').length) return true;
    if (!actor.student?.studyYearId) return false;
    const year = await this.db.studyYear.findUnique({ where: { id: actor.student.studyYearId }, select: { centre: { select: { studentsMayCreateAgreements: true } } } });
    return !!year?.centre.studentsMayCreateAgreements;
  }

  /** Students within reach (WRITE staff of their year's centre) by number or name. */
  async searchStudents(actor: Actor, q: string) {
    const words = q.trim().split(/\s+/).filter(Boolean).slice(0, 4);
    if (!words.length) return [];
    const reach = actor.isPlatformAdmin ? {} : { studyYear: { centreId: { in: centresWith(actor, 'WRITE') } } };
    return this.db.studentProfile.findMany({
      where: {
        ...reach,
        AND: words.map((w) => ({ OR: [{ studentNumber: w }, { user: { lastName: { contains: w, mode: 'insensitive' as const } } }, { user: { firstName: { contains: w, mode: 'insensitive' as const } } }] })),
      },
      select: { id: true, studentNumber: true, user: { select: { firstName: true, lastName: true } }, studyYear: { select: { name: true } } },
      orderBy: [{ user: { lastName: 'asc' } }, { id: 'asc' }],
      take: RESULTS,
    });
  }

  /** A student the actor may create an agreement for (themselves, or within their WRITE centres); 404 otherwise. */
  async student(actor: Actor, studentId: number) {
    const s = await this.db.studentProfile.findUnique({
      where: { id: studentId },
      select: {
        id: true, userId: true, studentNumber: true, institutionId: true, insurance: true, healthFund: true, ssn: true,
        user: { select: { firstName: true, lastName: true } },
        studyYear: { select: { name: true, centre: { select: CENTRE_RULES } } },
        programme: { select: { name: true } },
      },
    });
    const centre = s?.studyYear?.centre;
    if (!s || !centre) throw notFound();
    const own = actor.student?.profileId === s.id && centre.studentsMayCreateAgreements;
    if (!own && !hasCentreRight(actor, centre.id, 'WRITE')) throw notFound();
    return { ...s, centre };
  }

  /**
   * The offer an agreement follows, by its number or its title: one the actor manages or follows
   * (reachWhere: their centres' offers, for staff) or one the student applied to — never any offer
   * of the platform, so that the wizard cannot reveal an offer out of reach.
   */
  async findOffer(actor: Actor, studentId: number, q: string) {
    const n = /^\d{1,9}$/.test(q) ? Number(q) : null;
    // A title is searched from 5 characters on, as the guide says (fewer would match anything).
    if (n === null && q.trim().length < 5) return null;
    const within: Prisma.OfferWhereInput = { OR: [reachWhere(actor), { applications: { some: { studentId } } }] };
    return this.db.offer.findFirst({
      where: { AND: [within, n ? { id: n } : { title: { contains: q, mode: 'insensitive' } }] },
      select: { id: true, title: true, organisationId: true, serviceId: true },
      orderBy: { id: 'desc' },
    });
  }

  /** What the offer followed says of the internship: its title and missions ("Fonction et tâches"). */
  async offerPrefill(offerId: number) {
    const o = await this.db.offer.findUnique({ where: { id: offerId }, select: { title: true, missions: true } });
    return o ? { subject: o.title, activities: o.missions ?? '' } : {};
  }

  /** The directory's organisations by name (and département), SIRET, activity (NAF), phone, city or a service's name: the criteria given, all of them. */
  async searchOrganisations(q: OrgQuery) {
    const and: Prisma.OrganisationWhereInput[] = [];
    const siret = q.siret.replace(/\s/g, '');
    const name = normalizeName(q.name);
    const phone = q.phone.replace(/\D/g, '');
    if (siret) and.push({ siret });
    if (name) and.push({ normalizedName: { contains: name } });
    if (q.department.trim()) and.push({ department: q.department.trim().toUpperCase() });
    if (q.naf.trim()) and.push({ nafCode: { startsWith: q.naf.trim().toUpperCase() } });
    if (phone) and.push({ phoneDigits: { contains: phone } });
    if (q.city.trim()) and.push({ city: { contains: q.city.trim(), mode: 'insensitive' } });
    const service = normalizeName(q.service);
    if (service) and.push({ services: { some: { normalizedName: { contains: service } } } });
    // A département alone would list half the directory: it narrows a search, it is none.
    if (!siret && !name && !phone && !service && !q.naf.trim() && !q.city.trim()) return [];
    return this.db.organisation.findMany({
      where: { AND: and },
      select: { id: true, legalName: true, siret: true, nafCode: true, phone: true, addressLine1: true, postalCode: true, city: true, country: true, verified: true },
      orderBy: [{ legalName: 'asc' }, { id: 'asc' }],
      take: RESULTS,
    });
  }

  async organisation(id: number) {
    const o = await this.db.organisation.findUnique({ where: { id }, select: { id: true, legalName: true, siret: true, nafCode: true, phone: true, addressLine1: true, postalCode: true, city: true, country: true, verified: true } });
    if (!o) throw new ValidationError({ organisationId: 'agreements.errors.organisation' });
    return o;
  }

  services(organisationId: number | null) {
    if (organisationId === null) return Promise.resolve([]);
    return this.db.service.findMany({ where: { organisationId }, orderBy: [{ name: 'asc' }, { id: 'asc' }], select: { id: true, name: true, sameAddress: true, city: true } });
  }

  /** The organisation's contacts, those of the chosen service first (the signatory may be in another). */
  contacts(organisationId: number | null) {
    if (organisationId === null) return Promise.resolve([]);
    return this.db.contact.findMany({
      where: { organisationId },
      orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }],
      select: { id: true, civility: true, firstName: true, lastName: true, function: true, email: true, serviceId: true, service: { select: { name: true } } },
    });
  }

  /** The institution's teachers (users holding an academic role on one of its programmes or study years), by name when `q` is given. */
  teachers(institutionId: number, q = '') {
    const words = q.trim().split(/\s+/).filter(Boolean).slice(0, 3);
    return this.db.user.findMany({
      where: {
        active: true,
        AND: words.map((w) => ({ OR: [{ lastName: { contains: w, mode: 'insensitive' as const } }, { firstName: { contains: w, mode: 'insensitive' as const } }] })),
        academicRoles: { some: { OR: [{ programme: { institutionId } }, { studyYear: { programme: { institutionId } } }] } },
      },
      select: { id: true, firstName: true, lastName: true, email: true },
      orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }],
    });
  }

  /** The academic years the internship may count for: the one it starts in, and the neighbour the centre allows near the year's start. */
  async yearChoices(db: DbOrTx, centre: { yearChoiceMonthBefore: boolean; yearChoiceMonthAfter: boolean }, start: CalendarDate): Promise<string[]> {
    const own = await academicYearAt(db, start);
    const years = [own.label];
    // Within the year's first month: the previous year too; within the month before the next year: that one.
    if (centre.yearChoiceMonthAfter && start.isBefore(own.start.addMonths(1))) years.unshift((await academicYearAt(db, own.start.addDays(-1))).label);
    const nextStart = own.end.addDays(1);
    if (centre.yearChoiceMonthBefore && !start.isBefore(nextStart.addMonths(-1))) years.push((await academicYearAt(db, nextStart)).label);
    return years;
  }

  /** The legal engine on the internship as typed, with the host's country (the agreement's page recomputes it at submission). */
  async legal(draft: AgreementWizardState, i: InternshipForm, now: Date) {
    const id = hostId(draft);
    const org = id ? await this.db.organisation.findUnique({ where: { id }, select: { country: true } }) : null;
    const country = org?.country ?? (draft.host && 'create' in draft.host ? draft.host.create.country : 'FR');
    const start = CalendarDate.parse(i.startDate)!;
    // The hours already spent with this host this academic year (a new host has none).
    const previousHours = id && draft.student
      ? await previousHoursWithHost(this.db, { id: 0, studentId: draft.student.studentId, organisationId: id, academicYear: i.academicYear || (await academicYearAt(this.db, start)).label, startDate: start.toDb() } as LegalSubject)
      : 0;
    return computeInternship({
      start,
      end: CalendarDate.parse(i.endDate)!,
      schedule: scheduleOf(i),
      interruptions: i.pauses.map((p) => ({ from: CalendarDate.parse(p.from)!, to: CalendarDate.parse(p.to)! })),
      rulesCountry: country,
      holidaysCountry: country,
      signedOn: todayIn(now),
      previousHours,
      parameters: await loadParameters(this.db),
    });
  }

  /** The checks on the other agreements (overlaps, tutors' and host's loads), as if this one existed. */
  async otherChecks(draft: AgreementWizardState, overlapAllowed: boolean) {
    const i = draft.internship!;
    return databaseChecks(this.db, {
      id: 0,
      studentId: draft.student!.studentId,
      // A new host has no other interns yet (id 0 matches nothing).
      organisationId: hostId(draft) ?? 0,
      companyTutorId: draft.companyTutor && 'contactId' in draft.companyTutor ? draft.companyTutor.contactId : null,
      academicTutorId: draft.academicTutor && 'userId' in draft.academicTutor ? draft.academicTutor.userId : null,
      startDate: CalendarDate.parse(i.startDate)!.toDb(),
      endDate: CalendarDate.parse(i.endDate)!.toDb(),
    }, overlapAllowed);
  }

  /** "Créer": the new service and contacts, then the DRAFT agreement with its number, in one transaction. */
  async create(act: Act, draft: AgreementWizardState, discard: (tx: Tx) => Promise<void>) {
    const s = await this.student(act.actor, draft.student!.studentId);
    return this.db.$transaction(async (tx) => {
      const organisationId = hostId(draft) ?? (await this.createHost(tx, act, draft, s.centre.id));
      const serviceId = await this.placeId(tx, organisationId, draft.place!);
      const companyTutorId = await this.contactId(tx, organisationId, serviceId, draft.companyTutor);
      const signatoryId = await this.contactId(tx, organisationId, signatoryService(draft.signatory, serviceId), draft.signatory);
      await tx.studentProfile.update({ where: { id: s.id }, data: { insurance: draft.student!.insurance as InsuranceAffiliation, healthFund: draft.student!.healthFund, ...(draft.student!.ssn ? { ssn: draft.student!.ssn } : {}) } });
      const created = await createAgreement(tx, act, {
        studentId: s.id,
        centreId: s.centre.id,
        offerId: draft.student!.offerId,
        organisationId,
        serviceId,
        companyTutorId,
        signatoryId,
        academicTutorId: draft.academicTutor && 'userId' in draft.academicTutor ? draft.academicTutor.userId : null,
        ...detailsOf(draft.internship!),
        academicYear: draft.internship!.academicYear ?? undefined,
      });
      await discard(tx);
      return created;
    });
  }

  /** A new host: unverified, in the verification queue of the student's centre; refused if its SIRET was taken meanwhile. */
  private async createHost(tx: Tx, act: Act, draft: AgreementWizardState, centreId: number) {
    const input = (draft.host as { create: OrganisationInput }).create;
    await lockIdentity(tx, [input.siret ? `siret:${input.siret}` : null, `name:${normalizeName(input.legalName)}|${input.postalCode}`]);
    const same = (await findPossibleDuplicates(tx, input)).filter((c) => input.siret && c.siret === input.siret);
    if (same.length) throw new ValidationError({ _form: 'agreementWizard.errors.hostTaken' });
    return (await createOrganisation(tx, act, input, { verified: false, centreId })).id;
  }

  /** The duplicates of a new host (same SIRET: refused; same name in the postal code: to confirm). */
  duplicates(input: OrganisationInput) {
    return findPossibleDuplicates(this.db, input);
  }

  /** Screen 3's choice as a service id: the one chosen, none, or the new one added to the organisation (in `tx`). */
  async placeId(tx: Tx, organisationId: number, p: PlaceChoice) {
    if ('serviceId' in p) return p.serviceId;
    if ('none' in p) return null;
    const c = p.create;
    const service = await tx.service.create({
      data: { organisationId, name: c.name, normalizedName: normalizeName(c.name), sameAddress: c.sameAddress, addressLine1: c.addressLine1, postalCode: c.postalCode, city: c.city, country: c.country, department: c.sameAddress ? null : departmentOf(c.postalCode ?? '', c.country ?? 'FR') },
      select: { id: true },
    });
    return service.id;
  }

  /** Screens 4 and 7's choice as a contact id: the one chosen, none, or the new contact of the organisation (in `tx`). */
  async contactId(tx: Tx, organisationId: number, serviceId: number | null, choice: PersonChoice | undefined) {
    if (!choice || 'none' in choice) return null;
    if ('contactId' in choice) return choice.contactId;
    const c = choice.create;
    const created = await tx.contact.create({ data: { organisationId, serviceId, civility: (c.civility ?? 'NONE') as Civility, firstName: c.firstName, lastName: c.lastName, function: c.function, email: c.email, phone: c.phone }, select: { id: true } });
    return created.id;
  }
}

/** A new signatory's service: the internship's ('place'), another of the organisation's, or none. */
export function signatoryService(choice: PersonChoice | undefined, placeServiceId: number | null): number | null {
  if (!choice || !('create' in choice) || !choice.create.service) return null;
  return choice.create.service === 'place' ? placeServiceId : Number(choice.create.service);
}

export function scheduleOf(i: InternshipForm): WeeklySchedule {
  return Object.fromEntries(WEEKDAYS.map((d) => [d, Number(i[d]) || 0])) as WeeklySchedule;
}

/** The internship as typed, in the agreement's types. */
export function detailsOf(i: InternshipForm): Omit<AgreementCreateInput, 'studentId' | 'organisationId'> {
  return {
    type: i.type as InternshipType,
    subject: i.subject,
    theme: i.theme,
    activities: i.activities,
    skills: i.skills,
    startDate: CalendarDate.parse(i.startDate)!,
    endDate: CalendarDate.parse(i.endDate)!,
    interruptions: i.pauses.map((p) => ({ from: CalendarDate.parse(p.from)!, to: CalendarDate.parse(p.to)! })),
    schedule: scheduleOf(i),
    daysPerWeek: Number(i.daysPerWeek),
    workingTime: i.workingTime as WorkingTime,
    nightPresence: i.nightPresence,
    sundayPresence: i.sundayPresence,
    holidayPresence: i.holidayPresence,
    payAmount: i.payAmount === null ? null : Number(i.payAmount),
    payUnit: i.payUnit,
    currency: i.currency,
    paymentMethod: i.paymentMethod,
    benefitsMeals: i.benefitsMeals,
    benefitsTransport: i.benefitsTransport,
    benefitsOther: i.benefitsOther,
    leaveTerms: i.leaveTerms,
    supervisionTerms: i.supervisionTerms,
    confidential: i.confidential,
    printLanguage: i.printLanguage as PrintLanguage,
  };
}
