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
  // Every account of the platform: search, roles, deactivate / reactivate, resend an invitation.
  'users.manage': ['platformAdmin'],
  // The dated parameter table of the legal rules (rates, thresholds, per-country rules): list, add, correct.
  'legal.manage': ['platformAdmin'],

  // Agreements: who sees one (reach) and who acts on it (its workflow) are decided per record in
  // src/modules/agreements; these let every role that may be a party reach the routes.
  'agreements.view': ['student', 'companyAdmin', 'companyContact', 'academicTutor', 'yearManager', 'programmeManager', 'centreRead', 'platformAdmin'],
  'agreements.act': ['student', 'academicTutor', 'yearManager', 'programmeManager', 'centreWrite', 'platformAdmin'],
  // The creation wizard: WRITE staff for their centres' students, a student for themselves when
  // their centre allows it (anyone else holding it: 404; src/modules/agreements/wizard).
  'agreements.create': ['student', 'centreWrite', 'platformAdmin'],
  // Finding agreements (agreements.find.routes.ts), each list within the actor's reach: the school's
  // search, the centre's agreement dashboard, the student's own list, a company's interns.
  'agreements.search': ['academicTutor', 'yearManager', 'programmeManager', 'centreRead', 'platformAdmin'],
  'agreements.dashboard': ['centreRead', 'platformAdmin'],
  'agreements.mine': ['student'],
  'agreements.interns': ['companyAdmin', 'companyContact'],
  // Signing an agreement signed in (issue 13): whoever may be a signer; the signature row decides.
  // Confirming the stipend paid for the attestation de stage: the host's side or the centre's WRITE staff (the record decides).
  'agreements.attest': ['companyAdmin', 'companyContact', 'centreWrite', 'platformAdmin'],
  // The follow-up of an internship (issue 14): answering the label, the journal and its comments, the mid-term report (WRITE staff record
  // the acknowledgement of a company tutor without an account) — the record decides who does what.
  'followup.act': ['student', 'companyAdmin', 'companyContact', 'academicTutor', 'programmeManager', 'centreWrite'],
  // Moderating the experience feedback students share (the programme manager of the student's programme).
  'followup.moderate': ['programmeManager'],
  // Awarding, refusing or withdrawing the quality label (the programme manager of the agreement's programme: src/modules/label).
  'label.decide': ['programmeManager'],
  // The follow-up dashboards: every internship within the actor's reach with its steps; the programme manager's cohort figures.
  'followup.lists': ['student', 'companyAdmin', 'companyContact', 'academicTutor', 'yearManager', 'programmeManager', 'centreRead', 'platformAdmin'],
  'followup.cohort': ['programmeManager'],
  'agreements.sign': ['student', 'companyAdmin', 'companyContact', 'academicTutor', 'yearManager', 'programmeManager', 'centreRead', 'platformAdmin'],

  // Host-organisation directory. Record-level rules (a company admin's own organisation, the
  // verification queue of the actor's centres) live in the organisations service.
  'organisations.search': ['student', 'centreRead', 'platformAdmin', 'yearManager', 'programmeManager', 'academicTutor'],
  'organisations.create': ['student', 'centreWrite', 'platformAdmin'],
  'organisations.moderate': ['centreWrite', 'platformAdmin'],
  // Services and contacts of an organisation: WRITE staff for any, a company admin for its own.
  'organisations.services': ['centreWrite', 'platformAdmin', 'companyAdmin'],

  // Company accounts: the administrator manages the company; a secondary contact sees its own part.
  'company.view': ['companyAdmin', 'companyContact'],
  'company.manage': ['companyAdmin'],

  // Students: staff of the student's centre see (READ) or manage (WRITE) them; a student their own profile.
  'students.view': ['centreRead', 'platformAdmin'],
  'students.manage': ['centreWrite', 'platformAdmin'],
  'profile.self': ['student'],
  // The students of one's study years (year manager) or programmes (programme manager), placed or not.
  'students.followed': ['yearManager', 'programmeManager'],

  // Offers. Record rules (own company, right to publish, managing centre, targeting) live in the
  // offers service and its workflow (src/modules/offers/offers.workflow.ts).
  'offers.browse': ['student'],
  'offers.manage': ['companyAdmin', 'companyContact', 'centreWrite', 'platformAdmin'],
  'offers.staffSearch': ['centreRead', 'platformAdmin'],
  'offers.moderate': ['centreWrite', 'platformAdmin'],

  // Internship requests (students), the CV book and matching (companies).
  'requests.own': ['student'],
  'cvbook.search': ['companyAdmin', 'companyContact'],

  // Applications: the student applies, the company handles them, the school follows them.
  'applications.apply': ['student'],
  'applications.company': ['companyAdmin', 'companyContact'],
  'applications.school': ['centreRead', 'platformAdmin', 'yearManager'],

  // Internship sheets: the student fills theirs; the year manager or WRITE staff of the student's
  // centre validates or returns it (READ staff see it). Record rules: src/modules/sheets.
  'sheets.own': ['student'],
  'sheets.review': ['centreRead', 'platformAdmin', 'yearManager'],

  // Running an institution (issue 15). Single sign-on: each institution's provider, set by the platform administrator.
  'sso.manage': ['platformAdmin'],
  // Statistics ("indicateurs"): centre staff for their centres, programme managers for their programmes, the administrator for all.
  'statistics.view': ['centreRead', 'programmeManager', 'platformAdmin'],
  // "Documents utiles": everyone signed in reads those for their audience; ADMIN staff edit their centre's, the administrator the platform's.
  'documents.view': 'authenticated',
  'documents.manage': ['centreAdmin', 'platformAdmin'],
  // "Signaler un problème": anyone signed in reports and follows their own tickets; WRITE staff and the administrator handle them.
  'tickets.report': 'authenticated',
  'tickets.handle': ['centreWrite', 'platformAdmin'],
  // Personal data: one's own export; retention settings and erasure by the administrator.
  'privacy.self': 'authenticated',
  'privacy.manage': ['platformAdmin'],
  // The audit history of an agreement, offer, organisation or account, for the staff who may see the record (the record decides).
  'history.view': ['academicTutor', 'yearManager', 'programmeManager', 'centreRead', 'platformAdmin'],
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
