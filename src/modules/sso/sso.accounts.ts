import { z } from 'zod';
import { audit } from '../../audit/audit.js';
import type { Db, Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/unique.js';
import type { IdentityProvider, Locale } from '../../generated/prisma/client.js';
import { SsoError } from './sso.errors.js';
import { isMemberOf } from './sso.passwords.js';

/** The person as the provider describes them, read through the provider's attribute names. */
export interface ExternalPerson {
  subject: string;
  email: string | null;
  /** false only when the provider says the address is not verified (OIDC email_verified). */
  emailVerified: boolean;
  studentNumber: string | null;
  firstName: string | null;
  lastName: string | null;
}

/** What a sign-in writes besides the session: when, for which request, in which language an account is created. */
export interface SignInContext {
  now: Date;
  requestId: string | null;
  locale: Locale;
}

/** A claim or attribute's first value as text (providers send strings, numbers, or lists of them). */
function first(v: unknown): string | null {
  const x = Array.isArray(v) ? v[0] : v;
  if (typeof x === 'number') return String(x);
  return typeof x === 'string' && x.trim() ? x.trim() : null;
}

const emailSchema = z.email();
const STUDENT_NUMBER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$/;

/** Maps a provider's claims (OIDC) or attributes (CAS) by the names set for it. */
export function personFrom(p: IdentityProvider, subject: string, values: Record<string, unknown>): ExternalPerson {
  const email = first(values[p.emailAttribute])?.toLowerCase() ?? null;
  const number = p.studentNumberAttribute ? first(values[p.studentNumberAttribute]) : null;
  const name = (attr: string) => first(values[attr])?.slice(0, 100) ?? null;
  return {
    subject,
    email: email && email.length <= 254 && emailSchema.safeParse(email).success ? email : null,
    emailVerified: values.email_verified !== false && values.email_verified !== 'false',
    studentNumber: number && STUDENT_NUMBER.test(number) ? number.toUpperCase() : null,
    firstName: name(p.firstNameAttribute),
    lastName: name(p.lastNameAttribute),
  };
}

type Found = { userId: number; via: 'identity' | 'email' | 'studentNumber' };

const activeOrRefused = (user: { id: number; active: boolean }, via: Found['via']): Found => {
  if (!user.active) throw new SsoError('inactive');
  return { userId: user.id, via };
};

/** The account of the person: already linked, else by e-mail, else by student number in the institution. */
async function findAccount(tx: Tx, p: IdentityProvider, person: ExternalPerson): Promise<Found | null> {
  const linked = await tx.externalIdentity.findUnique({ where: { providerId_subject: { providerId: p.id, subject: person.subject } }, select: { user: { select: { id: true, active: true } } } });
  if (linked) return activeOrRefused(linked.user, 'identity');
  if (person.email && person.emailVerified) {
    const user = await tx.user.findUnique({ where: { email: person.email }, select: { id: true, active: true } });
    // An institution's provider speaks for the institution's members only: the same address on a
    // company's account, another institution's or the platform administrator's is not theirs to
    // open (a provider, or one of its accounts, must never take over an account of the platform).
    if (user && !(await isMemberOf(tx, user.id, p.institutionId))) throw new SsoError('conflict');
    if (user) return activeOrRefused(user, 'email');
  }
  if (person.studentNumber) {
    const profile = await tx.studentProfile.findUnique({
      where: { institutionId_studentNumber: { institutionId: p.institutionId, studentNumber: person.studentNumber } },
      select: { user: { select: { id: true, active: true } } },
    });
    if (profile) return activeOrRefused(profile.user, 'studentNumber');
  }
  return null;
}

/**
 * A student of the institution whom the platform does not know yet: their account (no password:
 * they sign in through the provider) and profile, from the provider's attributes. Only a person
 * with a student number is created: staff accounts are granted by an administrator, never here.
 */
async function createStudent(tx: Tx, p: IdentityProvider, person: ExternalPerson, c: SignInContext): Promise<number> {
  if (!person.studentNumber) throw new SsoError('noAccount');
  if (!person.email || !person.emailVerified || !person.firstName || !person.lastName) throw new SsoError('attributes');
  const user = await tx.user.create({ data: { email: person.email, firstName: person.firstName, lastName: person.lastName, locale: c.locale, passwordHash: null } });
  const profile = await tx.studentProfile.create({ data: { userId: user.id, studentNumber: person.studentNumber, institutionId: p.institutionId } });
  await audit(tx, {
    actorId: user.id,
    action: 'student.ssoCreate',
    entityType: 'StudentProfile',
    entityId: profile.id,
    after: { studentNumber: profile.studentNumber, institutionId: profile.institutionId, providerId: p.id, user: { id: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName } },
    requestId: c.requestId,
  });
  return user.id;
}

async function signInOnce(db: Db, p: IdentityProvider, person: ExternalPerson, c: SignInContext): Promise<number> {
  return db.$transaction(async (tx) => {
    const found = await findAccount(tx, p, person);
    const userId = found ? found.userId : await createStudent(tx, p, person, c);
    if (found?.via === 'identity') {
      await tx.externalIdentity.update({ where: { providerId_subject: { providerId: p.id, subject: person.subject } }, data: { lastUsedAt: c.now } });
    } else {
      // One identity per person and provider: another one claiming the same account is refused,
      // not silently added (two provider accounts sharing an address or a number).
      const other = await tx.externalIdentity.findFirst({ where: { providerId: p.id, userId }, select: { id: true } });
      if (other) throw new SsoError('conflict');
      await tx.externalIdentity.create({ data: { providerId: p.id, subject: person.subject, userId, lastUsedAt: c.now } });
      if (found) await audit(tx, { actorId: userId, action: 'user.ssoLink', entityType: 'User', entityId: userId, after: { providerId: p.id, by: found.via }, requestId: c.requestId });
    }
    await tx.user.update({ where: { id: userId }, data: { lastLoginAt: c.now } });
    await audit(tx, { actorId: userId, action: 'user.ssoSignIn', entityType: 'User', entityId: userId, after: { providerId: p.id }, requestId: c.requestId });
    return userId;
  });
}

/**
 * The account the provider's person signs in to, linked (or created) on their first sign-in; the
 * sign-in is recorded (last sign-in, audit row). Two first sign-ins of the same person at once: the
 * second finds what the first wrote.
 */
export async function accountFor(db: Db, p: IdentityProvider, person: ExternalPerson, c: SignInContext): Promise<number> {
  try {
    return await signInOnce(db, p, person, c);
  } catch (err) {
    if (isUniqueViolation(err)) return signInOnce(db, p, person, c);
    throw err;
  }
}
