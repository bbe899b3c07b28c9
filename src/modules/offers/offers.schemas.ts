import { refineAddress } from '../../http/address.js';
import { z } from 'zod';
import { OfferStatus } from '../../generated/prisma/enums.js';
import { f } from '../../http/validate.js';
import { valuesOf } from '../../nomenclatures/index.js';
import { STRUCTURE_TYPES } from '../organisations/organisations.schemas.js';

const OFFER_KINDS = valuesOf('offerKind');
const EDUCATION_LEVELS = valuesOf('educationLevel');
const WORKING_TIMES = valuesOf('workingTime');

const yesNo = () => f.enumOf(['yes', 'no'] as const).transform((v) => v === 'yes');

/** Several values of one field (checkboxes, multiple select): absent, one string or an array. */
const idList = () =>
  z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().regex(/^\d{1,9}$/, 'errors.field.choice').transform(Number)).max(200, 'errors.field.invalid'))
    .transform((ids) => [...new Set(ids)]);

/** "FR; BE ;ch" → ["FR","BE","CH"] */
const countryList = () =>
  z
    .string()
    .trim()
    .max(200, 'errors.field.tooLong|200')
    .optional()
    .transform((s) => [...new Set((s ?? '').split(/[;,\s]+/).map((c) => c.trim().toUpperCase()).filter(Boolean))])
    .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'offers.errors.countries')));

const optionalInt = (min: number, max: number) =>
  z
    .union([z.literal(''), z.coerce.number({ error: 'errors.field.invalid' }).int('errors.field.invalid').min(min, 'errors.field.invalid').max(max, 'errors.field.invalid')])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v));

/** Who owns the offer and which centre manages it: both forms start with this. */
const ownerFields = {
  organisationId: f.id(),
  centreId: f.id(),
};

/** Targeting and diffusion (both forms). */
const targetingFields = {
  targetAll: yesNo(),
  targetCountries: countryList(),
  targetInstitutionIds: idList(),
  targetProgrammeIds: idList(),
  diffusionCentreIds: idList(),
};

/*
 * The cross-field rules run even when another field is wrong (`always`), so that every message
 * shows at the first submit: they receive what was parsed, or the raw value of a field that was
 * refused, and only judge values of the right type (the refused field has its own message).
 */
const always = { when: () => true };
const list = (x: unknown) => (Array.isArray(x) ? x : []);

function refineTargeting(v: Record<string, unknown>, ctx: z.RefinementCtx) {
  if (v.targetAll === false && !list(v.targetCountries).length && !list(v.targetInstitutionIds).length && !list(v.targetProgrammeIds).length) {
    ctx.addIssue({ code: 'custom', path: ['targetAll'], message: 'offers.errors.targetEmpty' });
  }
}

function refineOffer(v: Record<string, unknown>, ctx: z.RefinementCtx) {
  if (v.paid === true && !v.payDetails) ctx.addIssue({ code: 'custom', path: ['payDetails'], message: 'offers.errors.payDetails' });
  if (!v.applyByPost && !v.applyByEmail && !v.applyByPhone) ctx.addIssue({ code: 'custom', path: ['applyByEmail'], message: 'offers.errors.applyHow' });
  const monthOrNone = (x: unknown) => x === null || typeof x === 'number';
  if (monthOrNone(v.startMonth) && monthOrNone(v.startYear) && (v.startMonth === null) !== (v.startYear === null)) {
    ctx.addIssue({ code: 'custom', path: ['startMonth'], message: 'offers.errors.startBoth' });
  }
  refineAddress(v, ctx);
  refineTargeting(v, ctx);
}

/** The full form. */
export const offerSchema = z
  .object({
    ...ownerFields,
    title: f.text(200),
    reference: f.optionalText(100),
    kind: f.enumOf(OFFER_KINDS),
    domain: f.text(120),
    missions: f.text(5000),
    postalCode: f.text(10),
    city: f.text(120),
    country: f.country(),
    paid: yesNo(),
    payDetails: f.optionalText(500),
    startMonth: optionalInt(1, 12),
    startYear: optionalInt(2000, 2100),
    startPrecision: f.optionalText(200),
    // Empty is "required" (coerced, it would be 0: "not a valid value").
    durationMonths: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number({ error: 'errors.field.required' }).int('errors.field.invalid').min(1, 'errors.field.invalid').max(36, 'errors.field.invalid')),
    travel: f.checkbox(),
    drivingLicence: f.checkbox(),
    workingTime: f.enumOf(WORKING_TIMES),
    workingTimeComment: f.optionalText(500),
    benefits: f.optionalText(2000),
    educationLevel: f.enumOf(EDUCATION_LEVELS),
    skills: f.optionalText(2000),
    applyByPost: f.checkbox(),
    applyByEmail: f.checkbox(),
    applyByPhone: f.checkbox(),
    comments: f.optionalText(2000),
    applicationContactId: f.id(),
    infoContactId: f.optionalId(),
    showCompany: yesNo(),
    ...targetingFields,
  })
  .superRefine(refineOffer, always);
export type OfferInput = z.infer<typeof offerSchema>;

/** Approve, publish, renew: the diffusion period, from today or from a later day (a Paris day). */
export const periodSchema = z.object({
  diffusionMonths: z.coerce.number({ error: 'errors.field.required' }).int('offers.errors.period').min(1, 'offers.errors.period').max(12, 'offers.errors.period'),
  publishFrom: f.optionalDay(),
});
export type PeriodInput = z.infer<typeof periodSchema>;

export const reasonSchema = z.object({ reason: f.text(2000) });
export const transferSchema = z.object({ centreId: f.id() });

/** Student search. Every field optional; wrong values are ignored rather than refused. */
export const browseSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  title: z.string().trim().max(200).optional().catch(undefined),
  organisation: z.string().trim().max(200).optional().catch(undefined),
  kind: z.enum(OFFER_KINDS).optional().catch(undefined),
  domain: z.string().trim().max(120).optional().catch(undefined),
  place: z.string().trim().max(200).optional().catch(undefined),
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/).optional().catch(undefined),
  educationLevel: z.enum(EDUCATION_LEVELS).optional().catch(undefined),
  paid: z.enum(['yes', 'no']).optional().catch(undefined),
});
export type BrowseInput = z.infer<typeof browseSchema>;

const box = () => z.literal('on').optional().catch(undefined);

/** Staff search, simple and advanced (seed: "Rechercher une offre"). */
export const staffSearchSchema = browseSchema.extend({
  number: z.string().trim().regex(/^\d{1,9}$/).transform(Number).optional().catch(undefined),
  academicYear: z.string().trim().regex(/^\d{4}$/).transform(Number).optional().catch(undefined),
  city: z.string().trim().max(120).optional().catch(undefined),
  structureType: z.enum(STRUCTURE_TYPES).optional().catch(undefined),
  sector: z.string().trim().max(120).optional().catch(undefined),
  fromCompany: z.enum(['yes', 'no']).optional().catch(undefined),
  // "Rechercher sur les offres : diffusées / terminées / historisées" (none ticked: all).
  diffused: box(),
  ended: box(),
  archived: box(),
  status: z.enum(OfferStatus).optional().catch(undefined),
});
export type StaffSearchInput = z.infer<typeof staffSearchSchema>;
/** The managers' list ("Mes offres"): a status, and the offers whose diffusion ends within `expiring` days. */
export const manageListSchema = z.object({
  status: z.enum(OfferStatus).optional().catch(undefined),
  expiring: z.coerce.number().int().min(1).max(365).optional().catch(undefined),
});
export type ManageListInput = z.infer<typeof manageListSchema>;
export const MANAGE_LIST_KEYS = ['status', 'expiring'] as const;

/** The staff search's fields under "Recherche avancée" (the section opens when one is used). */
export const ADVANCED_SEARCH_FIELDS = ['sector', 'educationLevel', 'organisation', 'paid', 'status'] as const;

/** The short form: the essentials, then a file (checked by the upload middleware) or a link. */
export const shortOfferSchema = z
  .object({
    ...ownerFields,
    title: f.text(200),
    kind: f.enumOf(OFFER_KINDS),
    domain: f.text(120),
    postalCode: f.text(10),
    city: f.text(120),
    country: f.country(),
    link: f.optionalUrl(),
    ...targetingFields,
  })
  .superRefine((v, ctx) => {
    refineAddress(v, ctx);
    refineTargeting(v, ctx);
  }, always);
export type ShortOfferInput = z.infer<typeof shortOfferSchema>;

/**
 * The short form with what the upload middleware made of its file: a file or a link, not both, said
 * with the other fields' messages at the first submit (the service checks again, and on an edit
 * also accepts the offer's current file or link).
 */
export const shortOfferFormSchema = (file: { sent: boolean; refused: boolean }, creating: boolean) =>
  shortOfferSchema.superRefine((v, ctx) => {
    const link = typeof v.link === 'string' && v.link !== '';
    if (file.sent && link) ctx.addIssue({ code: 'custom', path: ['link'], message: 'offers.errors.fileAndLink' });
    if (creating && !file.sent && !file.refused && v.link === null) ctx.addIssue({ code: 'custom', path: ['attachment'], message: 'offers.errors.fileOrLink' });
  }, always);
