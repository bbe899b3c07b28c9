import type { Actor, Role } from '../authz/actor.js';
import { can, type Permission } from '../authz/policy.js';

/** Each role's dashboard, in the order used to choose where `/` lands. */
export const DASHBOARDS: { role: Role; path: string; permission: Permission; labelKey: string }[] = [
  { role: 'platformAdmin', path: '/dashboard/admin', permission: 'dashboard.admin', labelKey: 'nav.dashboard.admin' },
  { role: 'centreRead', path: '/dashboard/centre', permission: 'dashboard.centre', labelKey: 'nav.dashboard.centre' },
  { role: 'programmeManager', path: '/dashboard/programme-manager', permission: 'dashboard.programmeManager', labelKey: 'nav.dashboard.programmeManager' },
  { role: 'yearManager', path: '/dashboard/year-manager', permission: 'dashboard.yearManager', labelKey: 'nav.dashboard.yearManager' },
  { role: 'academicTutor', path: '/dashboard/academic-tutor', permission: 'dashboard.academicTutor', labelKey: 'nav.dashboard.academicTutor' },
  { role: 'companyAdmin', path: '/dashboard/company', permission: 'dashboard.company', labelKey: 'nav.dashboard.company' },
  { role: 'companyContact', path: '/dashboard/contact', permission: 'dashboard.contact', labelKey: 'nav.dashboard.contact' },
  { role: 'student', path: '/dashboard/student', permission: 'dashboard.student', labelKey: 'nav.dashboard.student' },
];

/** The first dashboard of the actor's roles; a claimant awaiting their centre, the page that says so. */
export function homeFor(actor: Actor): string {
  return DASHBOARDS.find((d) => actor.roles.includes(d.role))?.path ?? (actor.pendingClaims?.length ? CLAIM_PAGE : '/account');
}

/** Where a claim of an organisation awaiting its centre's confirmation is shown to the claimant. */
export const CLAIM_PAGE = '/company/claim';

/** The menu: every entry is shown only when the policy lets the actor use it. */
const MENU: { href: string; labelKey: string; permission: Permission; devMailbox?: true }[] = [
  { href: '/admin/institutions', labelKey: 'nav.institutions', permission: 'reference.manage' },
  { href: '/admin/academic-years', labelKey: 'nav.academicYears', permission: 'reference.manage' },
  { href: '/admin/centres', labelKey: 'nav.adminCentres', permission: 'reference.manage' },
  { href: '/centres', labelKey: 'nav.myCentres', permission: 'centre.view' },
  { href: '/organisations', labelKey: 'nav.organisations', permission: 'organisations.search' },
  { href: '/organisations/queue', labelKey: 'nav.organisationsQueue', permission: 'organisations.moderate' },
  { href: '/students', labelKey: 'nav.students', permission: 'students.view' },
  { href: '/company', labelKey: 'nav.company', permission: 'company.view' },
  { href: '/profile', labelKey: 'nav.profile', permission: 'profile.self' },
  { href: '/offers', labelKey: 'nav.offers', permission: 'offers.browse' },
  { href: '/offers/manage', labelKey: 'nav.offersManage', permission: 'offers.manage' },
  { href: '/offers/moderation', labelKey: 'nav.offersModeration', permission: 'offers.moderate' },
  { href: '/offers/search', labelKey: 'nav.offersSearch', permission: 'offers.staffSearch' },
  { href: '/requests', labelKey: 'nav.requests', permission: 'requests.own' },
  { href: '/applications', labelKey: 'nav.applications', permission: 'applications.apply' },
  { href: '/cvbook', labelKey: 'nav.cvbook', permission: 'cvbook.search' },
  { href: '/matching/offers', labelKey: 'nav.matching', permission: 'cvbook.search' },
  { href: '/applications/company', labelKey: 'nav.applicationsCompany', permission: 'applications.company' },
  { href: '/applications/school', labelKey: 'nav.applicationsSchool', permission: 'applications.school' },
  { href: '/dev/mailbox', labelKey: 'nav.mailbox', permission: 'dev.mailbox', devMailbox: true },
];

export interface NavItem {
  href: string;
  labelKey: string;
}

/** `devMailbox`: the development mailbox exists only while no SMTP server is configured. */
export function navFor(actor: Actor | null, opts: { devMailbox: boolean } = { devMailbox: true }): NavItem[] {
  if (!actor) return [];
  const dashboards = DASHBOARDS.filter((d) => can(actor, d.permission)).map((d) => ({ href: d.path, labelKey: d.labelKey }));
  if (actor.pendingClaims?.length) dashboards.push({ href: CLAIM_PAGE, labelKey: 'nav.claim' });
  const menu = MENU.filter((m) => can(actor, m.permission) && (!m.devMailbox || opts.devMailbox)).map(({ href, labelKey }) => ({ href, labelKey }));
  return [...dashboards, ...menu, { href: '/account', labelKey: 'nav.account' }];
}
