import type { Db } from '../../db/client.js';
import { Wizard, type WizardDef } from '../../http/wizard.js';
import type { OrganisationInput } from '../organisations/organisations.schemas.js';
import { adminSchema, type AdminInput, type ContactInput } from './companies.schemas.js';

/**
 * What the four registration screens have collected so far: a wizard draft (WizardDraft row),
 * never the organisation or user tables before the last screen is confirmed.
 */
export interface RegistrationState {
  /** Screen 1a: the SIRET searched (null: no SIRET, organisation abroad) and the organisation found. */
  lookup?: { siret: string | null; claimId: number | null };
  /** Screen 1b: a new organisation, or the claim of the one found. */
  organisation?: { mode: 'create'; input: OrganisationInput; centreId: number } | { mode: 'claim'; organisationId: number; centreId: number };
  /** Screen 2. */
  admin?: AdminInput;
  /** Screen 3. */
  contacts: ContactInput[];
  contactsDone?: boolean;
}

/** Shown once on the confirmation page after the last screen. */
export interface RegistrationDone {
  legalName: string;
  centreName: string;
  claimed: boolean;
  emails: string[];
}

declare module 'express-session' {
  interface SessionData {
    companyRegistrationDone?: RegistrationDone;
  }
}

export const REGISTER = {
  lookup: '/register/company',
  organisation: '/register/company/organisation',
  admin: '/register/company/admin',
  contacts: '/register/company/contacts',
  terms: '/register/company/terms',
  done: '/register/company/done',
} as const;

/** The four screens; the first one is the SIRET search until it is done, then the organisation's form. */
export const registrationWizard: WizardDef<RegistrationState> = {
  kind: 'company-registration',
  permission: 'public',
  i18n: 'companies.register',
  empty: () => ({ contacts: [] }),
  steps: [
    { key: 'organisation', path: (d) => (d.lookup ? REGISTER.organisation : REGISTER.lookup), complete: (d) => !!d.organisation },
    { key: 'admin', path: REGISTER.admin, complete: (d) => !!d.admin, schema: adminSchema, view: 'companies/register/admin' },
    { key: 'contacts', path: REGISTER.contacts, complete: (d) => !!d.contactsDone, view: 'companies/register/contacts' },
    { key: 'terms', path: REGISTER.terms, complete: () => false, view: 'companies/register/terms' },
  ],
};

export const companyRegistration = (db: Db) => new Wizard(db, registrationWizard);
