import type { ApplicationStatus, Prisma } from '../../generated/prisma/client.js';

/**
 * What a student may see of an offer's company, decided here only. An offer published with
 * "don't show the company" (`Offer.showCompany` false) names neither its organisation nor its
 * contacts to students — offer page, application form, their applications, their e-mails — until
 * the company answers one of the student's applications to it (an interview or an acceptance):
 * from then on that student sees who they deal with for that application and its offer. A
 * refusal is not an answer that names the company. A spontaneous application is sent to an
 * organisation the student chose: it is always named.
 *
 * Services strip what is hidden before the views see it (`organisation` null, contacts null), so a
 * view cannot show it by mistake; views read `companyShown` to say "company not disclosed".
 */

/** The statuses by which the company answers a student (only the company reaches them). */
export const ANSWERED: ApplicationStatus[] = ['INTERVIEW', 'ACCEPTED'];

/** What to read of an application's history to know whether the company answered (an `events` select). */
export const answeredEvents = { where: { toStatus: { in: ANSWERED } }, select: { toStatus: true }, take: 1 } as const satisfies Prisma.Application$eventsArgs;

/** The history of an application, or part of it: enough to tell whether the company answered. */
type History = { events: { toStatus: ApplicationStatus }[] };

/**
 * May the student see the company of this offer? `application`: the student's application to it,
 * with its `answeredEvents`. No offer (a spontaneous application): yes.
 */
export function companyShown(offer: { showCompany: boolean } | null | undefined, application?: History | null): boolean {
  if (!offer || offer.showCompany) return true;
  return !!application && application.events.some((e) => ANSWERED.includes(e.toStatus));
}

/** An offer as a student may see it: its organisation and contacts removed while the company is hidden. */
export function offerForStudent<T extends { showCompany: boolean; organisation: unknown; applicationContact?: unknown; infoContact?: unknown }>(
  offer: T,
  application?: History | null,
) {
  const shown = companyShown(offer, application);
  if (shown) return { ...offer, companyShown: true };
  return { ...offer, organisation: null, applicationContact: null, infoContact: null, companyShown: false };
}

/** An application as its student may see it: the organisation removed while the company is hidden. */
export function applicationForStudent<T extends History & { organisation: unknown; offer: { showCompany: boolean } | null }>(application: T) {
  const shown = companyShown(application.offer, application);
  return { ...application, organisation: shown ? application.organisation : null, companyShown: shown };
}
