import { withImplied, type Actor, type Role } from './actor.js';

/**
 * The role × resource × action matrix. Routes declare one permission each (see guard.ts); views
 * ask the same `can()` to show or hide actions. Record-level reach (which centre, which company)
 * is checked by the scoped queries of each module: a record out of reach is a 404.
 */
export const POLICY = {
  // Open to everyone, signed in or not.
  'public': 'anyone',
  // Any signed-in user.
  'account.self': 'authenticated',

  'dashboard.student': ['student'],
  'dashboard.company': ['companyAdmin'],
  'dashboard.contact': ['companyContact'],
  'dashboard.academicTutor': ['academicTutor'],
  'dashboard.yearManager': ['yearManager'],
  'dashboard.programmeManager': ['programmeManager'],
  'dashboard.centre': ['centreRead'],
  'dashboard.admin': ['platformAdmin'],

  // Reference data: institutions, programmes, study years, academic years, centres.
  'reference.manage': ['platformAdmin'],
  // A management centre's page and staff list (READ and above in that centre, or platform admin).
  'centre.view': ['centreRead', 'platformAdmin'],
  // Centre details, settings, logo and staff rights: ADMIN of that centre, or platform admin.
  'centre.manage': ['centreAdmin', 'platformAdmin'],

  'dev.mailbox': ['platformAdmin'],
} as const satisfies Record<string, 'anyone' | 'authenticated' | readonly Role[]>;

export type Permission = keyof typeof POLICY;

export function roleCan(role: Role | 'anonymous', permission: Permission): boolean {
  const rule = POLICY[permission];
  if (rule === 'anyone') return true;
  if (role === 'anonymous') return false;
  if (rule === 'authenticated') return true;
  return withImplied(role).some((r) => (rule as readonly Role[]).includes(r));
}

export function can(actor: Actor | null | undefined, permission: Permission): boolean {
  const rule = POLICY[permission];
  if (rule === 'anyone') return true;
  if (!actor) return false;
  if (rule === 'authenticated') return true;
  return (rule as readonly Role[]).some((r) => actor.roles.includes(r));
}
