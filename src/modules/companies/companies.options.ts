import type { Request } from 'express';
import { options } from '../../nomenclatures/index.js';

/**
 * The organisation form's choices, from the nomenclatures. The company and directory views call
 * ref.options(...) themselves; the offers' search still takes its structure-type select from here.
 */
export function organisationOptions(req: Request) {
  return {
    headcountOptions: options('headcountBand', req.locale),
    structureTypeOptions: options('structureType', req.locale),
    legalStatusOptions: options('legalStatus', req.locale),
  };
}

/** The yes/no radios of a person's right to publish offers (the civility comes from ref.options('civility')). */
export function personOptions(req: Request) {
  return {
    publishOptions: [
      { value: 'yes', label: req.t('common.yes') },
      { value: 'no', label: req.t('common.no') },
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
