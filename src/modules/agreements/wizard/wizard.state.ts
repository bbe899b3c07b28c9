// The agreement creation wizard's draft and its table of eight screens (issue 12). The draft is a
// WizardDraft row (src/http/wizard.ts): nothing of the domain is written before "Créer", and the
// owner finds the draft again from another device. New service and contacts stay in the draft as
// typed and are created with the agreement, in its transaction.
import type { Db } from '../../../db/client.js';
import { Wizard, type WizardDef } from '../../../http/wizard.js';
import { academicTutorSchema, companyTutorSchema, internshipSchema, placeSchema, signatorySchema, studentSchema } from './wizard.schemas.js';
import type { InternshipForm, PersonForm, PlaceForm, StudentForm } from './wizard.schemas.js';
import type { OrganisationInput } from '../../organisations/organisations.schemas.js';

export const BASE = '/agreements/new';

export const WIZARD_PATHS = {
  student: `${BASE}/student`,
  host: `${BASE}/host`,
  place: `${BASE}/place`,
  companyTutor: `${BASE}/company-tutor`,
  internship: `${BASE}/internship`,
  academicTutor: `${BASE}/academic-tutor`,
  signatory: `${BASE}/signatory`,
  summary: `${BASE}/summary`,
} as const;

/** A contact chosen among the organisation's, typed as a new one, or (when optional) none. */
export type PersonChoice = { contactId: number } | { create: PersonForm } | { none: true };
export type PlaceChoice = { serviceId: number } | { create: PlaceForm } | { none: true };

export interface AgreementWizardState {
  /** 1: the student (StudentProfile id), their insurance, and the offer it follows, if any. */
  student?: StudentForm & { studentId: number; centreId: number };
  /** 2: the host organisation, from the directory, or a new one (created unverified with the agreement, in the centre's verification queue). */
  host?: { organisationId: number } | { create: OrganisationInput };
  /** 3: an existing service, a new one, or none (the organisation's own address). */
  place?: PlaceChoice;
  /** 4. */
  companyTutor?: PersonChoice;
  /** 5: the internship as typed (strings), turned into the agreement's types at creation. */
  internship?: InternshipForm;
  /** 6: a teacher of the institution, or none when the centre does not require one. */
  academicTutor?: { userId: number } | { none: true };
  /** 7. */
  signatory?: PersonChoice;
}

/** The chosen host's id; null for a new one (it has no services nor contacts yet). */
export const hostId = (d: AgreementWizardState): number | null => (d.host && 'organisationId' in d.host ? d.host.organisationId : null);

export const agreementWizardDef: WizardDef<AgreementWizardState> = {
  kind: 'agreement-create',
  permission: 'agreements.create',
  i18n: 'agreementWizard',
  empty: () => ({}),
  steps: [
    { key: 'student', path: WIZARD_PATHS.student, complete: (d) => !!d.student, schema: studentSchema, view: 'agreements/wizard/student' },
    { key: 'host', path: WIZARD_PATHS.host, complete: (d) => !!d.host, view: 'agreements/wizard/host' },
    { key: 'place', path: WIZARD_PATHS.place, complete: (d) => !!d.place, schema: placeSchema, view: 'agreements/wizard/place' },
    { key: 'companyTutor', path: WIZARD_PATHS.companyTutor, complete: (d) => !!d.companyTutor, schema: companyTutorSchema, view: 'agreements/wizard/person' },
    { key: 'internship', path: WIZARD_PATHS.internship, complete: (d) => !!d.internship, schema: internshipSchema, view: 'agreements/wizard/internship' },
    { key: 'academicTutor', path: WIZARD_PATHS.academicTutor, complete: (d) => !!d.academicTutor, schema: academicTutorSchema, view: 'agreements/wizard/academic-tutor' },
    { key: 'signatory', path: WIZARD_PATHS.signatory, complete: (d) => !!d.signatory, schema: signatorySchema, view: 'agreements/wizard/person' },
    { key: 'summary', path: WIZARD_PATHS.summary, complete: () => false, view: 'agreements/wizard/summary' },
  ],
};

export const agreementWizard = (db: Db) => new Wizard(db, agreementWizardDef);
