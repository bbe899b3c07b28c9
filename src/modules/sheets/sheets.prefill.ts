import type { DbOrTx } from '../../db/client.js';
import type { Offer } from '../../generated/prisma/client.js';
import { CalendarDate } from '../../time/calendar.js';
import { DEFAULT_HOURS, type SheetContent } from './sheets.fields.js';

/** The sheet's organisation type from the directory's structure type: a company, a public laboratory, or another host. */
const ORG_TYPE: Record<string, string> = { COMPANY: 'COMPANY', PUBLIC_COMPANY: 'COMPANY', PUBLIC_LAB: 'PUBLIC_LAB' };

/**
 * A new sheet's first values: the default week (7 h Monday to Friday) and the euro, what the
 * student's profile already holds (address, phone, insurance, health fund), and for an accepted
 * application its organisation's type and what the offer says (subject, missions, skills, service,
 * the start month and the duration, the information contact as tutor). Everything stays editable.
 */
export async function prefillFrom(db: DbOrTx, studentId: number, offer: Offer | null, organisationId: number | null = offer?.organisationId ?? null): Promise<SheetContent> {
  const data: Record<string, string> = { ...DEFAULT_HOURS, payCurrency: 'EUR' };
  const p = await db.studentProfile.findUniqueOrThrow({
    where: { id: studentId },
    select: { addressLine1: true, addressLine2: true, postalCode: true, city: true, country: true, insurance: true, healthFund: true, user: { select: { phone: true } } },
  });
  const put = (k: string, v: string | number | null | undefined) => {
    if (v !== null && v !== undefined && v !== '') data[k] = String(v);
  };
  put('addressLine1', p.addressLine1);
  put('addressLine2', p.addressLine2);
  put('postalCode', p.postalCode);
  put('city', p.city);
  put('country', p.country);
  put('insurance', p.insurance);
  put('healthFund', p.healthFund);
  put('phone', p.user.phone);
  if (organisationId) {
    const org = await db.organisation.findUnique({ where: { id: organisationId }, select: { structureType: true } });
    put('orgType', org ? (ORG_TYPE[org.structureType] ?? 'OTHER') : null);
  }
  if (!offer) return { data, pauses: [] };
  put('subject', offer.title);
  put('activities', offer.missions);
  put('skills', offer.skills);
  if (offer.serviceId) {
    const s = await db.service.findUnique({ where: { id: offer.serviceId }, select: { name: true } });
    put('serviceName', s?.name);
  }
  if (offer.infoContactId) {
    const c = await db.contact.findUnique({ where: { id: offer.infoContactId }, select: { civility: true, firstName: true, lastName: true, function: true, email: true, phone: true } });
    if (c) for (const [k, v] of Object.entries({ Civility: c.civility, FirstName: c.firstName, LastName: c.lastName, Function: c.function, Email: c.email, Phone: c.phone })) put(`tutor${k}`, v);
  }
  const start = offer.startYear && offer.startMonth ? CalendarDate.of(offer.startYear, offer.startMonth, 1) : null;
  if (start) {
    put('startDate', start.toString());
    if (offer.durationMonths) put('endDate', start.addMonths(offer.durationMonths).addDays(-1).toString());
  }
  return { data, pauses: [] };
}
