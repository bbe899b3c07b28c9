import type { Prisma } from '../../generated/prisma/client.js';
import { startOf, todayIn } from '../../time/calendar.js';

/** "Expiring soon" on the company's dashboard: within this many days. */
export const EXPIRING_DAYS = 15;

/**
 * The published offers whose diffusion ends within `days` Paris days of `now`: they leave the
 * students' lists on today + `days` at the latest (publishUntil, the exclusive end, is before the
 * start of the day after). Offers whose end has passed but that the daily job has not expired yet
 * are included: they are still shown as published.
 */
export function expiringWhere(now: Date, days: number): Prisma.OfferWhereInput {
  return { status: 'PUBLISHED', publishUntil: { lt: startOf(todayIn(now).addDays(days + 1)) } };
}
