import { z } from 'zod';
import { f } from '../../http/validate.js';
import { valuesOf } from '../../nomenclatures/index.js';
import { organisationSchema, siretField } from '../organisations/organisations.schemas.js';

/** The version of the terms of use shown at registration; bump it when the text changes. */
export const TERMS_VERSION = '2026-09';
/** The articles of the terms of use (companies.terms.articles.<n>.title / .body in the catalogue). */
export const TERMS_ARTICLES = [1, 2, 3, 4, 5, 6, 7] as const;

/** At most this many secondary contacts are declared at registration (more can be added later). */
export const MAX_REGISTRATION_CONTACTS = 20;

/** Screen 1a: the SIRET the organisation is looked up by (the directory's SIRET field, required). */
export const lookupSchema = z.object({ siret: siretField({ required: true, messages: { required: 'companies.errors.siretRequired' } }) });

const centreId = () => f.id().refine((n) => n <= 2_147_483_647, 'errors.field.invalid');

/** Screen 1b, organisation found by SIRET and claimed: only the reference centre is chosen. */
export const claimSchema = z.object({ centreId: centreId() });

/** Screen 1b, new organisation: the directory's fields, the reference centre, and the duplicates' acknowledgement. */
export const newOrganisationSchema = z.intersection(organisationSchema, z.object({ centreId: centreId(), confirmDuplicates: f.checkbox() }));
export type NewOrganisationInput = z.infer<typeof newOrganisationSchema>;

/** The company's data as its administrator edits it (directory fields and reference centre). */
export const companyEditSchema = z.intersection(organisationSchema, z.object({ centreId: centreId() }));
export type CompanyEditInput = z.infer<typeof companyEditSchema>;

const personFields = {
  civility: f.enumOf(valuesOf('civility')),
  firstName: f.text(100),
  lastName: f.text(100),
  function: f.text(150),
  email: f.email(),
};

/** Screen 2: the administrator of the company's account. */
export const adminSchema = z.object({ ...personFields, phone: f.phone() });
export type AdminInput = z.infer<typeof adminSchema>;

/** Screen 3 and the company area: a secondary contact, and whether they may publish offers. */
export const contactSchema = z.object({
  ...personFields,
  phone: f.optionalPhone(),
  canPublishOffers: f.enumOf(['yes', 'no'] as const).transform((v) => v === 'yes'),
});
export type ContactInput = z.infer<typeof contactSchema>;

/** The contact fields of screen 3, all empty: "Continuer" without a contact to add. */
export function isBlankContact(body: Record<string, unknown> | undefined): boolean {
  return ['firstName', 'lastName', 'function', 'email', 'phone'].every((k) => typeof body?.[k] !== 'string' || !(body[k] as string).trim());
}

export const removeIndexSchema = z.object({ index: z.coerce.number().int().min(0).max(MAX_REGISTRATION_CONTACTS) });

export const termsSchema = z.object({
  acceptTerms: f.checkbox().refine((v) => v, 'companies.errors.termsRequired'),
});

export const publishSchema = z.object({
  canPublishOffers: f.enumOf(['yes', 'no'] as const).transform((v) => v === 'yes'),
});
