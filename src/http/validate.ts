import { z } from 'zod';
import { hasKey } from '../i18n/index.js';
import { ValidationError } from '../errors.js';
import { CalendarDate } from '../time/calendar.js';

/**
 * Field builders shared by every form. They trim, refuse NUL bytes (none comes from a request:
 * src/http/input.ts drops control characters; other callers may parse other input) and over-long
 * values, and carry i18n keys as messages so errors render in the user's language.
 */
const noNul = (s: string) => !s.includes('\u0000');

/** A string that must be a real day ("2026-07-01"): 2027-02-30 is refused, never moved to March. */
function toDay(s: string, ctx: z.RefinementCtx): CalendarDate {
  const day = CalendarDate.parse(s);
  if (!day) {
    ctx.addIssue({ code: 'custom', message: 'errors.field.date' });
    return z.NEVER;
  }
  return day;
}

// A line break counts for one character, as the page's counter shows it (browsers send CR LF).
const oneBreak = (s: string) => s.replace(/\r\n?/g, '\n');

export const f = {
  text: (max = 200) =>
    z
      .string({ error: 'errors.field.required' })
      .overwrite(oneBreak)
      .trim()
      .min(1, 'errors.field.required')
      .max(max, `errors.field.tooLong|${max}`)
      .refine(noNul, 'errors.field.invalidChars'),
  optionalText: (max = 200) =>
    z
      .string()
      .overwrite(oneBreak)
      .trim()
      .max(max, `errors.field.tooLong|${max}`)
      .refine(noNul, 'errors.field.invalidChars')
      .optional()
      .transform((v) => (v ? v : null)),
  email: () =>
    z
      .string({ error: 'errors.field.required' })
      .trim()
      .toLowerCase()
      .min(1, 'errors.field.required')
      .max(254, 'errors.field.tooLong|254')
      .refine(noNul, 'errors.field.invalidChars')
      .pipe(z.email('errors.field.email')),
  optionalEmail: () =>
    z
      .string()
      .trim()
      .toLowerCase()
      .max(254, 'errors.field.tooLong|254')
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.email('errors.field.email').nullable()),
  phone: () =>
    z
      .string({ error: 'errors.field.required' })
      .trim()
      .min(1, 'errors.field.required')
      .max(30, 'errors.field.tooLong|30')
      .regex(/^\+?[0-9 .()-]{6,30}$/, 'errors.field.phone'),
  optionalPhone: () =>
    z
      .string()
      .trim()
      .max(30, 'errors.field.tooLong|30')
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.string().regex(/^\+?[0-9 .()-]{6,30}$/, 'errors.field.phone').nullable()),
  optionalUrl: () =>
    z
      .string()
      .trim()
      .max(500, 'errors.field.tooLong|500')
      .optional()
      .transform((v) => (v ? v : null))
      .pipe(z.string().regex(/^https?:\/\/[^\s]+$/i, 'errors.field.url').nullable()),
  country: () => z.string({ error: 'errors.field.required' }).trim().toUpperCase().regex(/^[A-Z]{2}$/, 'errors.field.country'),
  /** An HTML checkbox: present ("on"/"true"/"1") or absent. */
  checkbox: () =>
    z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) => {
        const s = Array.isArray(v) ? v[v.length - 1] : v;
        return s === 'on' || s === 'true' || s === '1' || s === 'yes';
      }),
  id: () => z.coerce.number({ error: 'errors.field.required' }).int('errors.field.required').positive('errors.field.required'),
  optionalId: () =>
    z
      .union([z.literal(''), z.coerce.number().int().positive()])
      .optional()
      .transform((v) => (v === '' || v === undefined ? null : v)),
  /**
   * Every date field is one of these four (a day of the calendar, as a date input sends it):
   * `day`/`optionalDay` give the CalendarDate, `date`/`optionalDate` the value of a `@db.Date`
   * column. An impossible day is refused beside its field (422), whichever the form.
   */
  day: () => z.string({ error: 'errors.field.required' }).trim().min(1, 'errors.field.required').transform(toDay),
  optionalDay: () =>
    z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => (v ? toDay(v, ctx) : null)),
  date: () => f.day().transform((d) => d.toDb()),
  optionalDate: () => f.optionalDay().transform((d) => d?.toDb() ?? null),
  enumOf: <T extends readonly [string, ...string[]]>(values: T) => z.enum(values, { error: 'errors.field.choice' }),
  /** A grade out of 20, with a comma or a point and at most two decimals ("14,5"), as a string for a Decimal column. */
  grade: () =>
    z
      .string({ error: 'errors.field.required' })
      .trim()
      .min(1, 'errors.field.required')
      .regex(/^(\d{1,2})([.,]\d{1,2})?$/, 'errors.field.grade')
      .transform((v) => v.replace(',', '.'))
      .refine((v) => Number(v) <= 20, 'errors.field.grade'),
};

/** Turns zod issues into { field: messageKey } (first issue per field); params ride after a "|". */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.') || '_form';
    if (out[field]) continue;
    let message = issue.message;
    // Our schemas carry catalogue keys; zod's own English messages are replaced by generic keys.
    if (!hasKey(message.split('|')[0])) {
      message = issue.code === 'invalid_type' ? 'errors.field.required' : issue.code === 'too_big' ? 'errors.field.tooLong|' + String((issue as { maximum?: unknown }).maximum ?? '') : 'errors.field.invalid';
    }
    out[field] = message;
  }
  return out;
}

// What wraps a field's string schema without changing its length: optional(), default(), transforms…
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);
type Def = { type: string; shape?: Record<string, z.ZodType>; in?: z.ZodType; innerType?: z.ZodType };
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } })?._zod?.def;

function maxLengthOf(s: z.ZodType): number | null {
  const def = defOf(s);
  if (!def) return null;
  if (def.type === 'string') return (s as z.ZodString).maxLength ?? null;
  if (def.type === 'pipe' && def.in) return maxLengthOf(def.in);
  if (WRAPPERS.has(def.type) && def.innerType) return maxLengthOf(def.innerType);
  return null;
}

const limitsCache = new WeakMap<z.ZodType, Record<string, number>>();

/**
 * The longest text each field of a form's schema accepts ({ message: 5000 }), read from the schema
 * itself so that the page states the limit the server applies (field.ejs: the hint and the
 * character count of a textarea).
 */
export function textLimits(schema: z.ZodType): Record<string, number> {
  let out = limitsCache.get(schema);
  if (out) return out;
  out = {};
  const shape = defOf(schema)?.shape ?? {};
  for (const [name, field] of Object.entries(shape)) {
    const max = maxLengthOf(field);
    if (max !== null) out[name] = max;
  }
  limitsCache.set(schema, out);
  return out;
}

/** Parses input with a schema or throws ValidationError (→ 422 with the form re-rendered). */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw new ValidationError(fieldErrors(r.error));
  return r.data;
}

/** Renders a message key that may carry one parameter after "|" (e.g. "errors.field.tooLong|200"). */
export function messageFor(t: (k: string, p?: Record<string, string>) => string, key: string): string {
  const [k, param] = key.split('|');
  return t(k, param !== undefined ? { max: param, value: param } : undefined);
}
