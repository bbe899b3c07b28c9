import type { Request } from 'express';
import { HEADCOUNTS, LEGAL_STATUSES, STRUCTURE_TYPES } from '../organisations/organisations.schemas.js';
import { CIVILITIES } from './companies.schemas.js';

/** The choices of the organisation form, labelled in the visitor's language. */
export function organisationOptions(req: Request) {
  const t = req.t;
  return {
    headcountOptions: HEADCOUNTS.map((k) => ({ value: k, label: t(`companies.headcount.${k}`) })),
    structureTypeOptions: STRUCTURE_TYPES.map((k) => ({ value: k, label: t(`companies.structureType.${k}`) })),
    legalStatusOptions: LEGAL_STATUSES.map((k) => ({ value: k, label: t(`companies.legalStatus.${k}`) })),
  };
}

/** The choices of a person's form (administrator, secondary contact). */
export function personOptions(req: Request) {
  const t = req.t;
  return {
    civilityOptions: CIVILITIES.map((k) => ({ value: k, label: t(`companies.civility.${k}`) })),
    publishOptions: [
      { value: 'yes', label: t('common.yes') },
      { value: 'no', label: t('common.no') },
    ],
  };
}

/** Reference centres as select options: "Centre — Institution". */
export function centreOptions(centres: { id: number; name: string; institution: { name: string } }[]) {
  return centres.map((c) => ({ value: c.id, label: `${c.name} — ${c.institution.name}` }));
}

/** What was typed, echoed back into a re-rendered form (never the CSRF token). */
export function echo(body: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (body && typeof body === 'object') for (const [k, v] of Object.entries(body)) if (!/password|_csrf/i.test(k)) out[k] = v;
  return out;
}
