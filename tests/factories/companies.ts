import type { Db } from '../../src/db/client.js';
import { makeOrganisation, makeUser } from './index.js';

let seq = 0;

/** A SIRET with a valid Luhn key, different at each call (or derived from `seed`). */
export function validSiret(seed?: number): string {
  const base = String(41_000_000_000_0 + (seed ?? ++seq) * 7919).padStart(13, '0').slice(-13);
  for (let d = 0; d <= 9; d++) {
    const s = base + d;
    let sum = 0;
    for (let i = 0; i < 14; i++) {
      let n = Number(s[13 - i]);
      if (i % 2 === 1) {
        n *= 2;
        if (n > 9) n -= 9;
      }
      sum += n;
    }
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
}

/** The fields of the organisation form (registration screen 1, company edit page), valid as they are. */
export function organisationForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    legalName: 'Volcans Numériques SARL',
    siret: validSiret(),
    nafCode: '62.02A',
    headcount: 'FROM_10_TO_49',
    structureType: 'COMPANY',
    legalStatus: 'SARL',
    sector: 'Conseil en informatique',
    addressLine1: '8 rue du Port',
    addressLine2: '',
    postalCode: '63000',
    city: 'Clermont-Ferrand',
    country: 'FR',
    phone: '04 73 55 66 77',
    fax: '',
    email: 'contact@volcans-numeriques.example',
    website: 'https://volcans-numeriques.example',
    description: 'Conseil et développement pour les PME auvergnates.',
    keywords: 'conseil, développement, PME',
    ...overrides,
  };
}

/** Screen 2: the administrator. */
export function adminForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    civility: 'MRS',
    firstName: 'Nadia',
    lastName: 'Roux',
    function: 'Directrice des ressources humaines',
    email: 'nadia.roux@volcans-numeriques.example',
    phone: '04 73 55 66 78',
    ...overrides,
  };
}

/** Screen 3 and the company area: a secondary contact. */
export function contactForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    civility: 'MR',
    firstName: 'Paul',
    lastName: 'Girard',
    function: 'Chef de projet',
    email: 'paul.girard@volcans-numeriques.example',
    phone: '',
    canPublishOffers: 'yes',
    ...overrides,
  };
}

/**
 * A company with its administrator and secondary contacts (accounts with the factories' password,
 * memberships and contact cards), as registration leaves it.
 */
export async function makeCompany(
  db: Db,
  opts: { legalName?: string; adminEmail?: string; contacts?: { email: string; canPublishOffers?: boolean }[]; verified?: boolean; centreId?: number | null } = {},
) {
  const organisation = await makeOrganisation(db, {
    legalName: opts.legalName,
    siret: validSiret(),
    verified: opts.verified ?? true,
    centreId: opts.centreId ?? null,
  });
  const admin = await makeUser(db, { email: opts.adminEmail, firstName: 'Agnès', lastName: `Admin${organisation.id}` });
  const adminMembership = await db.companyMembership.create({ data: { userId: admin.id, organisationId: organisation.id, role: 'ADMIN', canPublishOffers: true } });
  await db.contact.create({ data: { organisationId: organisation.id, firstName: admin.firstName, lastName: admin.lastName, email: admin.email, function: 'Gérante', userId: admin.id } });
  const contacts = [];
  for (const [i, c] of (opts.contacts ?? []).entries()) {
    const user = await makeUser(db, { email: c.email, firstName: 'Bruno', lastName: `Contact${organisation.id}x${i}` });
    const membership = await db.companyMembership.create({ data: { userId: user.id, organisationId: organisation.id, role: 'CONTACT', canPublishOffers: c.canPublishOffers ?? false } });
    const card = await db.contact.create({ data: { organisationId: organisation.id, firstName: user.firstName, lastName: user.lastName, email: user.email, function: 'Tuteur', phone: '04 73 00 00 0' + i, userId: user.id } });
    contacts.push({ user, membership, card });
  }
  return { organisation, admin, adminMembership, contacts };
}

/** The e-mails queued for one address, oldest first. */
export function outboxFor(db: Db, to: string) {
  return db.outboxEmail.findMany({ where: { to }, orderBy: { id: 'asc' } });
}

/** The path of the single-use link of an invitation e-mail ("/password/reset/<token>"). */
export function resetPathOf(text: string): string {
  const m = text.match(/https?:\/\/[^\s"<]+(\/password\/reset\/[A-Za-z0-9_-]+)/);
  if (!m) throw new Error('no reset link in the e-mail');
  return m[1];
}
