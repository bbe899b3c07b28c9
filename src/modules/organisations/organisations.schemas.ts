import { refineAddress } from '../../http/address.js';
import { z } from 'zod';
import { f } from '../../http/validate.js';
import { valuesOf } from '../../nomenclatures/index.js';
import { isNafCode, isValidSiret, NAF_FORMAT, NAF_SECTIONS } from './identifiers.js';

/** The offers' search filters on it (their schema imports it from here). */
export const STRUCTURE_TYPES = valuesOf('structureType');

/** What people type between a SIRET's digits ("732 829 320 00074", "732.829.320-00074"): ignored. */
const SIRET_SEPARATORS = /[\s.-]/g;

interface SiretMessages {
  required: string;
  format: string;
  checksum: string;
}

/**
 * The one SIRET field (registration search, directory forms, search by SIRET): spaces, dots and
 * dashes are dropped, then 14 digits with a valid key (La Poste's exception included). Required:
 * a string; otherwise an empty field gives null. Each message names what is wrong.
 */
export function siretField(opts: { required: true; messages?: Partial<SiretMessages> }): z.ZodType<string, string | undefined>;
export function siretField(opts: { required: false; messages?: Partial<SiretMessages> }): z.ZodType<string | null, string | undefined>;
export function siretField({ required, messages }: { required: boolean; messages?: Partial<SiretMessages> }): z.ZodType<string | null, string | undefined> {
  const m: SiretMessages = { required: 'errors.field.required', format: 'organisations.errors.siretFormat', checksum: 'organisations.errors.siretChecksum', ...messages };
  const digits = z
    .string({ error: m.required })
    .optional()
    .transform((v) => (v ?? '').replace(SIRET_SEPARATORS, ''))
    .superRefine((v, ctx) => {
      if (v === '') {
        if (required) ctx.addIssue({ code: 'custom', message: m.required });
      } else if (!/^\d{14}$/.test(v)) ctx.addIssue({ code: 'custom', message: m.format });
      else if (!isValidSiret(v)) ctx.addIssue({ code: 'custom', message: m.checksum });
    });
  return required ? digits : digits.transform((v) => v || null);
}

/** The fields of the creation and edit forms (the cross-field rules are in `organisationRules`). */
export const organisationFields = {
  legalName: f.text(200),
  // Whatever the country, a SIRET given must be a valid one (required in France: organisationRules).
  siret: siretField({ required: false }),
  nafCode: z
    .string({ error: 'organisations.errors.nafRequired' })
    .trim()
    .toUpperCase()
    .min(1, { message: 'organisations.errors.nafRequired', abort: true })
    .max(10, { message: 'organisations.errors.nafFormat', abort: true })
    .refine((v) => NAF_FORMAT.test(v), { message: 'organisations.errors.nafFormat', abort: true })
    .refine((v) => isNafCode(v), 'organisations.errors.nafUnknown'),
  headcount: f.enumOf(valuesOf('headcountBand')),
  structureType: f.enumOf(valuesOf('structureType')),
  legalStatus: f.enumOf(valuesOf('legalStatus')),
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
  refineAddress(v, ctx);
  const country = typeof v.country === 'string' ? v.country.trim().toUpperCase() : '';
  if (country !== 'FR') return;
  const siret = typeof v.siret === 'string' ? v.siret.trim() : v.siret;
  if (!siret) ctx.addIssue({ code: 'custom', path: ['siret'], message: 'organisations.errors.siretRequired' });
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
    siret: siretField({ required: true, messages: { required: 'organisations.search.errors.siret', format: 'organisations.search.errors.siret' } }),
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
    refineAddress(v, ctx);
  })
  .transform((v) => (v.sameAddress ? { ...v, addressLine1: null, addressLine2: null, postalCode: null, city: null, country: null } : v));
export type ServiceInput = z.infer<typeof serviceSchema>;

export const contactSchema = z.object({
  civility: f.enumOf(valuesOf('civility')),
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
