// Screens 1, 3, 4 and 7 of the agreement creation wizard: what each keeps in the draft from its
// form, and the form's values read back from the draft (going back shows what was chosen).
import type { Request } from 'express';
import type { z } from 'zod';
import { ValidationError } from '../../../errors.js';
import { studentSchema, type PersonForm, type PlaceForm } from './wizard.schemas.js';
import type { AgreementWizardService } from './wizard.service.js';
import { hostId, type AgreementWizardState, type PersonChoice } from './wizard.state.js';

type Choice = { choice: string } & Record<string, unknown>;

/** Screen 1: the student (searched by staff; themselves for a student), insurance, health fund, the offer followed. */
export function studentStep(svc: AgreementWizardService, isStudent: (req: Request) => boolean) {
  return {
    schema: studentSchema,
    locals: async (req: Request, d: AgreementWizardState) => {
      const self = isStudent(req);
      const q = String(req.query.q ?? '');
      const chosenId = self ? req.actor!.student!.profileId : (d.student?.studentId ?? null);
      const chosen = chosenId ? await svc.student(req.actor!, chosenId).catch(() => null) : null;
      return { self, q, results: self ? [] : await svc.searchStudents(req.actor!, q), chosen, searched: !!q.trim() };
    },
    values: async (d: AgreementWizardState, req: Request): Promise<Record<string, unknown>> => {
      if (d.student) return { studentId: d.student.studentId, ssn: d.student.ssn ?? '', insurance: d.student.insurance, healthFund: d.student.healthFund, offer: d.student.offer ?? '' };
      // A student starts from their profile's affiliation.
      if (!isStudent(req)) return {};
      const me = await svc.student(req.actor!, req.actor!.student!.profileId);
      return { insurance: me.insurance ?? '', healthFund: me.healthFund ?? '' };
    },
    store: async (req: Request, d: AgreementWizardState, data: z.infer<typeof studentSchema>) => {
      const id = isStudent(req) ? req.actor!.student!.profileId : data.studentId;
      if (!id) throw new ValidationError({ studentId: 'agreementWizard.errors.chooseStudent' });
      const s = await svc.student(req.actor!, id);
      if (!data.ssn && !s.ssn) throw new ValidationError({ ssn: 'agreementWizard.errors.ssnRequired' });
      const offer = data.offer ? await svc.findOffer(req.actor!, s.id, data.offer) : null;
      if (data.offer && !offer) throw new ValidationError({ offer: 'agreementWizard.errors.offer' });
      // Another student: another institution's teachers, another centre's rules.
      if (d.student && d.student.studentId !== s.id) delete d.academicTutor;
      // The offer fills the host (and its service) unless one was already chosen.
      if (offer && hostId(d) !== offer.organisationId) {
        for (const k of ['place', 'companyTutor', 'signatory'] as const) delete d[k];
        d.host = { organisationId: offer.organisationId };
        if (offer.serviceId) d.place = { serviceId: offer.serviceId };
      }
      d.student = { studentId: s.id, centreId: s.centre.id, ssn: data.ssn, insurance: data.insurance, healthFund: data.healthFund, offer: data.offer, offerId: offer?.id ?? null };
    },
  };
}

/** Screen 3's choice: a service id of the organisation, "none", or "new" with its fields. */
export function placeChoice(data: Choice, services: { id: number }[]): NonNullable<AgreementWizardState['place']> {
  if (data.choice === 'none') return { none: true };
  if (data.choice === 'new') {
    const p = data as unknown as PlaceForm;
    return { create: { name: p.name, sameAddress: p.sameAddress, addressLine1: p.sameAddress ? null : p.addressLine1, postalCode: p.sameAddress ? null : p.postalCode, city: p.sameAddress ? null : p.city, country: p.sameAddress ? null : p.country } };
  }
  const s = services.find((x) => String(x.id) === data.choice);
  if (!s) throw new ValidationError({ choice: 'agreementWizard.errors.choose' });
  return { serviceId: s.id };
}

export function placeValues(d: AgreementWizardState): Record<string, unknown> {
  const p = d.place;
  if (!p) return { sameAddress: 'on' };
  if ('serviceId' in p) return { choice: String(p.serviceId), sameAddress: 'on' };
  if ('none' in p) return { choice: 'none', sameAddress: 'on' };
  return { choice: 'new', ...p.create, sameAddress: p.create.sameAddress ? 'on' : '' };
}

/** Screens 4 and 7: a contact of the organisation, "new" with the person, or "none" when allowed. */
export function personChoice(data: Choice, contacts: { id: number }[], optional: boolean, services: { id: number }[] = []): PersonChoice {
  if (data.choice === 'none') {
    if (!optional) throw new ValidationError({ choice: 'agreementWizard.errors.personRequired' });
    return { none: true };
  }
  if (data.choice === 'new') {
    const p = data as unknown as PersonForm;
    const service = p.service ?? null;
    if (service && service !== 'place' && !services.some((x) => String(x.id) === service)) throw new ValidationError({ service: 'agreementWizard.errors.choose' });
    return { create: { civility: p.civility, firstName: p.firstName, lastName: p.lastName, function: p.function, email: p.email, phone: p.phone, service } };
  }
  const c = contacts.find((x) => String(x.id) === data.choice);
  if (!c) throw new ValidationError({ choice: 'agreementWizard.errors.choose' });
  return { contactId: c.id };
}

export function personValues(p: PersonChoice | undefined): Record<string, unknown> {
  if (!p) return {};
  if ('contactId' in p) return { choice: String(p.contactId) };
  if ('none' in p) return { choice: 'none' };
  return { choice: 'new', ...p.create };
}
