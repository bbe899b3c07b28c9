// The verification code of an awarded label (printed on the certificate, typed on /label/verify):
// 12 characters drawn by crypto from 32 that cannot be mistaken for one another (no I, O, 0, 1),
// grouped by four — 60 bits, far beyond guessing, short enough to read out and type.
import { randomBytes } from 'node:crypto';

/** 24 letters without I and O, 8 digits without 0 and 1: 32 signs, so a random byte & 31 is unbiased. */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 12;

/** A new code, "XXXX-XXXX-XXXX". */
export function newLabelCode(): string {
  const raw = [...randomBytes(LENGTH)].map((b) => CODE_ALPHABET[b & 31]).join('');
  return group(raw);
}

function group(raw: string): string {
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8, 12)}`;
}

/**
 * A code as typed (lower case, spaces, missing or extra dashes) in its printed form, or null when it
 * cannot be one (wrong length, a sign outside the alphabet): such a code is unknown without a lookup.
 */
export function normaliseLabelCode(typed: string | null | undefined): string | null {
  const raw = String(typed ?? '').toUpperCase().replace(/[\s-]/g, '');
  if (raw.length !== LENGTH || [...raw].some((c) => !CODE_ALPHABET.includes(c))) return null;
  return group(raw);
}
