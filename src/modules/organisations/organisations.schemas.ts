import { z } from 'zod';
import { f } from '../../http/validate.js';
import { isNafCode, isValidSiret, NAF_FORMAT, NAF_SECTIONS } from './identifiers.js';

export const HEADCOUNTS = ['NONE', 'FROM_1_TO_9', 'FROM_10_TO_49', 'FROM_50_TO_249', 'FROM_250_TO_4999', 'FROM_5000'] as const;
export const STRUCTURE_TYPES = ['COMPANY', 'PUBLIC_COMPANY', 'ASSOCIATION', 'PUBLIC_ADMINISTRATION', 'PUBLIC_LAB', 'HOSPITAL', 'INTERNATIONAL', 'OTHER'] as const;
export const LEGAL_STATUSES = ['SA', 'SAS', 'SASU', 'SARL', 'EURL', 'SNC', 'SCOP', 'EI', 'ASSOCIATION', 'PUBLIC_BODY', 'FOREIGN', 'OTHER'] as const;
export const CIVILITIES = ['MR', 'MRS', 'NONE'] as const;

/** The fields of the creation and edit forms (the cross-field rules are in `organisationRules`). */
export const organisationFields = {
  legalName: f.text(200),
  siret: z
    .string()
    .trim()
    .max(40, 'errors.field.tooLong|40')
    .optional()
    .transform((v) => (v ? v : null))
    // Whatever the country, a SIRET given must be a valid one.
    .refine((v) => v === null || /^\d{14}$/.test(v), { message: 'organisations.errors.siretFormat', abort: true })
    .refine((v) => v === null || isValidSiret(v), 'organisations.errors.siretChecksum'),
  nafCode: z
    .string({ error: 'organisations.errors.nafRequired' })
    .trim()
    .toUpperCase()
    .min(1, { message: 'organisations.errors.nafRequired', abort: true })
    .max(10, { message: 'organisations.errors.nafFormat', abort: true })
    .refine((v) => NAF_FORMAT.test(v), { message: 'organisations.errors.nafFormat', abort: true })
    .refine((v) => isNafCode(v), 'organisations.errors.nafUnknown'),
  headcount: f.enumOf(HEADCOUNTS),
  structureType: f.enumOf(STRUCTURE_TYPES),
  legalStatus: f.enumOf(LEGAL_STATUSES),
  sector: f.optionalText(120),
  addressLine1: f.text(200),
  addressLine2: f.optionalText(200),
  postalCode: f.text(20),
  city: f.text(120),
  country: f.country(),
  phone: f.phone(),
  fax: f.optionalPhone(),
  email: f.optionalEmail(),
  website: f.optionalUrl(),
  description: f.optionalText(4000),
  keywords: f.optionalText(500),
};

/**
 * The rules that depend on the country: in France the SIRET is required and the postal code has
 * 5 digits. They run even when another field is wrong (`when`), so that every message shows at once.
 */
function organisationRules(v: Record<string, unknown>, ctx: z.RefinementCtx) {
  const country = typeof v.country === 'string' ? v.country.trim().toUpperCase() : '';
  if (country !== 'FR') return;
  const siret = typeof v.siret === 'string' ? v.siret.trim() : v.siret;
  if (!siret) ctx.addIssue({ code: 'custom', path: ['siret'], message: 'organisations.errors.siretRequired' });
  const postalCode = typeof v.postalCode === 'string' ? v.postalCode.trim() : '';
  if (postalCode && !/^\d{5}$/.test(postalCode)) ctx.addIssue({ code: 'custom', path: ['postalCode'], message: 'organisations.errors.postalCodeFr' });
}
const always = { when: () => true };

/**
 * A host organisation as the creation and edit forms submit it. SIRET is required in France
 * (14 digits, Luhn key, La Poste's exception); the NAF code is required everywhere and must be a
 * sub-class of the official NAF rév. 2 list. Each message names what is wrong, in French first.
 */
export const organisationSchema = z.object(organisationFields).superRefine(organisationRules, always);
export type OrganisationInput = z.infer<typeof organisationSchema>;

/** Creation: the same fields, and the box that confirms a possible duplicate is another establishment. */
export const organisationCreateSchema = z.object({ ...organisationFields, confirmDistinct: f.checkbox() }).superRefine(organisationRules, always);
export type OrganisationCreateInput = z.infer<typeof organisationCreateSchema>;

/** Edition by WRITE staff or the platform administrator: also the partnership agreement. */
export const organisationEditSchema = z.object({ ...organisationFields, partnership: f.checkbox() }).superRefine(organisationRules, always);
export type OrganisationEditInput = z.infer<typeof organisationEditSchema>;

// ───────────── search ─────────────

export const SEARCH_MODES = ['name', 'siret', 'activity', 'phone', 'address', 'service'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** The query-string fields of each mode: the form is "submitted" as soon as one is present. */
export const SEARCH_FIELDS: Record<SearchMode, readonly string[]> = {
  name: ['name', 'department'],
  siret: ['siret'],
  activity: ['section', 'division', 'nafClass'],
  phone: ['phone'],
  address: ['street', 'complement', 'city', 'place', 'country'],
  service: ['service', 'department'],
};

/** A query-string value: the first one, trimmed, at most `max` characters kept to the check. */
const q = (max = 200) =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (Array.isArray(v) ? v[0] : v ?? '').trim())
    .refine((s) => s.length <= max, `errors.field.tooLong|${max}`)
    .refine((s) => !s.includes('\u0000'), 'errors.field.invalidChars');

/** A French département: 2 digits, 2A/2B (Corsica) or 3 digits (overseas). */
export const DEPARTMENT = /^(\d{2,3}|2[AB])$/;
const department = () =>
  q(10)
    .transform((s) => s.toUpperCase())
    .refine((s) => s === '' || DEPARTMENT.test(s), 'organisations.search.errors.department');

/** At least two letters or digits: shorter would match most of the directory. */
const twoChars = (s: string) => s.replace(/[^\p{L}\p{N}]/gu, '').length >= 2;

export const searchSchemas = {
  name: z.object({
    name: q().refine(twoChars, 'organisations.search.errors.name'),
    department: department(),
  }),
  siret: z.object({
    siret: q(40)
      .transform((s) => s.replace(/[\s.]/g, ''))
      .refine((s) => /^\d{14}$/.test(s), 'organisations.search.errors.siret'),
  }),
  activity: z
    .object({
      section: q(1)
        .transform((s) => s.toUpperCase())
        .refine((s) => s === '' || NAF_SECTIONS.some((x) => x.code === s), 'errors.field.choice'),
      division: q(2).refine((s) => s === '' || /^\d{2}$/.test(s), 'errors.field.choice'),
      nafClass: q(5).refine((s) => s === '' || /^\d{2}\.\d{2}$/.test(s), 'errors.field.choice'),
    })
    .refine((v) => v.section || v.division || v.nafClass, { path: ['section'], message: 'organisations.search.errors.activity' }),
  phone: z.object({
    phone: q(40).refine((s) => /^\+?[\d\s.()/-]*$/.test(s) && s.replace(/\D/g, '').length >= 6, 'organisations.search.errors.phone'),
  }),
  address: z
    .object({
      street: q(),
      complement: q(),
      city: q(120),
      place: q(10)
        .transform((s) => s.toUpperCase().replace(/\s/g, ''))
        .refine((s) => s === '' || DEPARTMENT.test(s) || /^\d{5}$/.test(s), 'organisations.search.errors.place'),
      country: q(2)
        .transform((s) => s.toUpperCase())
        .refine((s) => s === '' || /^[A-Z]{2}$/.test(s), 'errors.field.country'),
    })
    .refine((v) => v.street || v.complement || v.city || v.place || v.country, { path: ['street'], message: 'organisations.search.errors.address' }),
  service: z.object({
    service: q().refine(twoChars, 'organisations.search.errors.service'),
    department: department(),
  }),
} satisfies Record<SearchMode, z.ZodType>;

export type SearchInput = { [M in SearchMode]: { mode: M } & z.infer<(typeof searchSchemas)[M]> }[SearchMode];

// ───────────── services and contacts ─────────────

/** A service ("service d'accueil"): at the organisation's address, or at its own. */
export const serviceSchema = z
  .object({
    name: f.text(200),
    sameAddress: f.checkbox(),
    addressLine1: f.optionalText(200),
    addressLine2: f.optionalText(200),
    postalCode: f.optionalText(20),
    city: f.optionalText(120),
    country: z
      .string()
      .trim()
      .toUpperCase()
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.string().regex(/^[A-Z]{2}$/, 'errors.field.country').nullable()),
    phone: f.optionalPhone(),
  })
  .superRefine((v, ctx) => {
    if (v.sameAddress) return;
    for (const k of ['addressLine1', 'postalCode', 'city', 'country'] as const) {
      if (!v[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'organisations.services.errors.addressRequired' });
    }
    if (v.country === 'FR' && v.postalCode && !/^\d{5}$/.test(v.postalCode)) ctx.addIssue({ code: 'custom', path: ['postalCode'], message: 'organisations.errors.postalCodeFr' });
  })
  .transform((v) => (v.sameAddress ? { ...v, addressLine1: null, addressLine2: null, postalCode: null, city: null, country: null } : v));
export type ServiceInput = z.infer<typeof serviceSchema>;

export const contactSchema = z.object({
  civility: f.enumOf(CIVILITIES),
  firstName: f.text(100),
  lastName: f.text(100),
  function: f.optionalText(200),
  email: f.optionalEmail(),
  phone: f.optionalPhone(),
  serviceId: f.optionalId(),
});
export type ContactInput = z.infer<typeof contactSchema>;

// ───────────── moderation ─────────────

export const mergeSchema = z.object({
  targetId: f.id(),
  confirm: f.checkbox().refine((b) => b, 'organisations.merge.errors.confirm'),
});
