import { z } from 'zod';
import { f } from '../../http/validate.js';
import { CalendarDate } from '../../time/calendar.js';
import { valuesOf } from '../../nomenclatures/index.js';

/** The education levels (the educationLevel nomenclature), in display order. */
export const LEVELS = valuesOf('educationLevel');
export type Level = (typeof LEVELS)[number];

/** A student keeps at most this many OPEN requests. */
export const MAX_OPEN_REQUESTS = 3;

const optionalLevel = () =>
  z
    .union([z.literal(''), f.enumOf(LEVELS)])
    .optional()
    .transform((v) => (v ? v : null));

const optionalMonths = () =>
  z
    .union([z.literal(''), z.coerce.number({ error: 'requests.errors.duration' }).int('requests.errors.duration').min(1, 'requests.errors.duration').max(24, 'requests.errors.duration')])
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v));

// "75005; Lyon; 69" — postal codes, départements or cities, ";"-separated.
const PLACE_ENTRY = /^(\d{2,3}|\d{5}|[\p{L}][\p{L}' .-]{0,79})$/u;

/** Splits a place field into its trimmed, non-empty entries. */
export function placeEntries(place: string | null | undefined): string[] {
  return (place ?? '')
    .split(/[;,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const place = () =>
  f
    .optionalText(200)
    .refine((v) => v === null || placeEntries(v).every((e) => PLACE_ENTRY.test(e)), 'requests.errors.place')
    .transform((v) => (v === null ? null : placeEntries(v).join('; ') || null));

export const requestSchema = z.object({
  title: f.text(200),
  level: optionalLevel(),
  durationMonths: optionalMonths(),
  positionType: f.optionalText(100),
  domain: f.optionalText(100),
  sector: f.optionalText(100),
  description: f.optionalText(4000),
  availableFrom: f.optionalDate(),
  place: place(),
});
export type RequestInput = z.infer<typeof requestSchema>;

/**
 * The new-request form: an availability in the past is refused beside its field with the other
 * messages, at the first submit (the service keeps the rule, and on an edit lets a request keep
 * the past day it already had).
 */
export const newRequestSchema = (today: CalendarDate) =>
  requestSchema.superRefine(
    (v, ctx) => {
      if (v.availableFrom instanceof Date && CalendarDate.fromDb(v.availableFrom).isBefore(today)) {
        ctx.addIssue({ code: 'custom', path: ['availableFrom'], message: 'requests.errors.pastDate' });
      }
    },
    { when: () => true },
  );
