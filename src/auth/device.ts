import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DAY_MS } from '../time/clock.js';

/**
 * A device cookie: given to a browser when it signs in to an account (or resets its password), it
 * lets that browser past the throttles that strangers can fill for an account (README, Decisions:
 * "Sign-in throttling"). It names a random device id, its date of issue and a MAC binding both to
 * the account, so it is worth nothing for another account and cannot be forged without the secret.
 */
export const DEVICE_COOKIE = 'stages.device';
export const DEVICE_TTL_MS = 180 * DAY_MS;

function mac(secret: string, account: string, id: string, issued: string) {
  return createHmac('sha256', secret).update(`device\u0000${account.trim().toLowerCase()}\u0000${id}\u0000${issued}`).digest('base64url');
}

export function issueDevice(secret: string, account: string, now: Date): string {
  const id = randomBytes(16).toString('base64url');
  const issued = now.getTime().toString(36);
  return `${id}.${issued}.${mac(secret, account, id, issued)}`;
}

/** The device id of a cookie issued for this account and not expired; null otherwise. */
export function verifiedDevice(secret: string, account: string, value: string | null | undefined, now: Date): string | null {
  const [id, issued, given, ...rest] = (value ?? '').split('.');
  if (rest.length || !id || !issued || !given || !/^[\w-]{22}$/.test(id) || !/^[0-9a-z]{1,12}$/.test(issued)) return null;
  const expected = Buffer.from(mac(secret, account, id, issued));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null;
  const age = now.getTime() - parseInt(issued, 36);
  return age >= 0 && age < DEVICE_TTL_MS ? id : null;
}
