import type { Session, SessionData } from 'express-session';
import type { OrganisationInput } from '../organisations/organisations.schemas.js';
import type { AdminInput, ContactInput } from './companies.schemas.js';

/**
 * What the four registration screens have collected so far. It lives in the session only:
 * nothing reaches the database before the last screen is confirmed.
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
    companyRegistration?: RegistrationState;
    companyRegistrationDone?: RegistrationDone;
  }
}

type Sess = Session & Partial<SessionData>;

export function registrationState(session: Sess): RegistrationState {
  session.companyRegistration ??= { contacts: [] };
  return session.companyRegistration;
}

export function peekRegistration(session: Sess): RegistrationState | undefined {
  return session.companyRegistration;
}

export function clearRegistration(session: Sess) {
  delete session.companyRegistration;
}

/** The screen a visitor must complete first (1 to 4), or null when `step` is reachable. */
export function missingStep(state: RegistrationState | undefined, step: 1 | 2 | 3 | 4): { path: string } | null {
  if (step >= 2 && !state?.organisation) return { path: state?.lookup ? '/register/company/organisation' : '/register/company' };
  if (step >= 3 && !state?.admin) return { path: '/register/company/admin' };
  if (step >= 4 && !state?.contactsDone) return { path: '/register/company/contacts' };
  return null;
}
