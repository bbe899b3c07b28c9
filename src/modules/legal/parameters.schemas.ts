import { z } from 'zod';
import { PARAMETER_KEYS, type ParameterKey } from '../../legal/types.js';
import { DEFAULT_COUNTRY } from '../../legal/rules.js';
import { f } from '../../http/validate.js';
import { valuesOf } from '../../nomenclatures/index.js';
import type { CalendarDate } from '../../time/calendar.js';

export const PARAMETER_KEY_LIST = Object.keys(PARAMETER_KEYS) as [ParameterKey, ...ParameterKey[]];
export type ParameterKind = (typeof PARAMETER_KEYS)[ParameterKey];

const COUNTRIES = new Set<string>(valuesOf('country'));
/** A country of the nomenclature, or '*' (the defaults of every country without a row of its own). */
export const isRulesCountry = (c: string) => c === DEFAULT_COUNTRY || COUNTRIES.has(c);

// ISO 4217 codes as ICU knows them (EUR, MAD, TND…): a typo such as "EUO" is refused.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** What each kind of value accepts: a flag is 0 or 1, a count a whole number, hours and amounts two decimals at most. */
const KIND_RULES: Record<ParameterKind, { decimals: number; max: number }> = {
  flag: { decimals: 0, max: 1 },
  count: { decimals: 0, max: 1000 },
  hours: { decimals: 2, max: 100_000 },
  amount: { decimals: 2, max: 1_000_000 },
};

/** A figure as an administrator types it: "4.50" or "4,50" (French decimal comma). */
const figure = () =>
  z
    .string({ error: 'errors.field.required' })
    .trim()
    .min(1, 'errors.field.required')
    .transform((s, ctx) => {
      const normal = s.replace(',', '.');
      if (!/^\d{1,7}(\.\d{1,4})?$/.test(normal)) {
        ctx.addIssue({ code: 'custom', message: 'legal.parameters.errors.value' });
        return z.NEVER;
      }
      return Number(normal);
    });

/** The first day a figure holds: a real day between 2000 and 2099 (the engine's range). */
const validFrom = () =>
  f.day().refine((d: CalendarDate) => d.year >= 2000 && d.year <= 2099, 'legal.parameters.errors.year');

const currency = () =>
  z
    .string()
    .trim()
    .toUpperCase()
    .optional()
    .transform((v) => (v ? v : null))
    .refine((v) => v === null || CURRENCIES.has(v), 'legal.parameters.errors.currency');

/** What a new row or a correction states; the kind of the key decides what the value and currency may be. */
function valueRules<T extends { value: number; currency: string | null }>(key: ParameterKey, v: T, ctx: z.RefinementCtx) {
  const kind = PARAMETER_KEYS[key];
  const rule = KIND_RULES[kind];
  const scaled = v.value * 10 ** rule.decimals;
  const wrongKind = Math.abs(scaled - Math.round(scaled)) > 1e-9 || (kind === 'flag' && v.value > 1);
  if (wrongKind) ctx.addIssue({ code: 'custom', path: ['value'], message: `legal.parameters.errors.kind.${kind}` });
  else if (v.value > rule.max) ctx.addIssue({ code: 'custom', path: ['value'], message: `legal.parameters.errors.max|${rule.max}` });
  if (kind === 'amount' && !v.currency) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'legal.parameters.errors.currencyRequired' });
  if (kind !== 'amount' && v.currency) ctx.addIssue({ code: 'custom', path: ['currency'], message: 'legal.parameters.errors.currencyNotAmount' });
}

/** A new row: a new figure for a country and key from a date (a new rate for 2027 is one row). */
export const parameterCreateSchema = z
  .object({
    country: z
      .string({ error: 'errors.field.required' })
      .trim()
      .toUpperCase()
      .min(1, 'errors.field.required')
      .refine(isRulesCountry, 'legal.parameters.errors.country'),
    key: f.enumOf(PARAMETER_KEY_LIST),
    value: figure(),
    currency: currency(),
    validFrom: validFrom(),
  })
  .superRefine((v, ctx) => {
    // zod runs this even when a field failed: check only what parsed.
    if (typeof v.value === 'number' && v.key in PARAMETER_KEYS) valueRules(v.key, v, ctx);
  });
export type ParameterCreateInput = z.infer<typeof parameterCreateSchema>;

/** A correction of a row: its country and key stay, its value, currency and date are stated again. */
export function parameterCorrectionSchema(key: ParameterKey) {
  return z
    .object({ value: figure(), currency: currency(), validFrom: validFrom() })
    .superRefine((v, ctx) => {
      if (typeof v.value === 'number') valueRules(key, v, ctx);
    });
}
export type ParameterCorrectionInput = z.infer<ReturnType<typeof parameterCorrectionSchema>>;
