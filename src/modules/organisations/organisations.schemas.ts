import { z } from 'zod';
import { f } from '../../http/validate.js';
import { isNafCode, isValidSiret, NAF_FORMAT } from './identifiers.js';

export const HEADCOUNTS = ['NONE', 'FROM_1_TO_9', 'FROM_10_TO_49', 'FROM_50_TO_249', 'FROM_250_TO_4999', 'FROM_5000'] as const;
export const STRUCTURE_TYPES = ['COMPANY', 'PUBLIC_COMPANY', 'ASSOCIATION', 'PUBLIC_ADMINISTRATION', 'PUBLIC_LAB', 'HOSPITAL', 'INTERNATIONAL', 'OTHER'] as const;
export const LEGAL_STATUSES = ['SA', 'SAS', 'SASU', 'SARL', 'EURL', 'SNC', 'SCOP', 'EI', 'ASSOCIATION', 'PUBLIC_BODY', 'FOREIGN', 'OTHER'] as const;

/**
 * A host organisation as the creation and edit forms submit it. SIRET is required in France
 * (14 digits, Luhn key, La Poste's exception); the NAF code is required everywhere and must be a
 * sub-class of the official NAF rév. 2 list. Each message names what is wrong, in French first.
 */
export const organisationSchema = z
  .object({
    legalName: f.text(200),
    siret: z
      .string()
      .trim()
      .max(40, 'errors.field.tooLong|40')
      .optional()
      .transform((v) => (v ? v : null)),
    nafCode: z
      .string({ error: 'organisations.errors.nafRequired' })
      .trim()
      .toUpperCase()
      .min(1, 'organisations.errors.nafRequired')
      .max(10, 'organisations.errors.nafFormat'),
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
  })
  .superRefine((v, ctx) => {
    if (v.country === 'FR') {
      if (!v.siret) ctx.addIssue({ code: 'custom', path: ['siret'], message: 'organisations.errors.siretRequired' });
      else if (!/^\d{14}$/.test(v.siret)) ctx.addIssue({ code: 'custom', path: ['siret'], message: 'organisations.errors.siretFormat' });
      else if (!isValidSiret(v.siret)) ctx.addIssue({ code: 'custom', path: ['siret'], message: 'organisations.errors.siretChecksum' });
      if (!/^\d{5}$/.test(v.postalCode)) ctx.addIssue({ code: 'custom', path: ['postalCode'], message: 'organisations.errors.postalCodeFr' });
    } else if (v.siret && !(/^\d{14}$/.test(v.siret) && isValidSiret(v.siret))) {
      ctx.addIssue({ code: 'custom', path: ['siret'], message: 'organisations.errors.siretChecksum' });
    }
    if (v.nafCode && !NAF_FORMAT.test(v.nafCode)) ctx.addIssue({ code: 'custom', path: ['nafCode'], message: 'organisations.errors.nafFormat' });
    else if (v.nafCode && !isNafCode(v.nafCode)) ctx.addIssue({ code: 'custom', path: ['nafCode'], message: 'organisations.errors.nafUnknown' });
  });

export type OrganisationInput = z.infer<typeof organisationSchema>;
