import { ROLES, type Actor, type Role } from '../authz/actor.js';
import { can, type Permission } from '../authz/policy.js';
import { PARAMETERS_PATH, SIMULATOR_PATH } from '../modules/legal/paths.js';

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

/** Who a group of the menu is for: an entry shows only to its group's audience, and only when the policy allows it. */
const STUDENTS: readonly Role[] = ['student'];
const COMPANIES: readonly Role[] = ['companyAdmin', 'companyContact'];
// Centre staff, and the platform administrator who does their work on every centre.
const CENTRE_STAFF: readonly Role[] = ['centreRead', 'platformAdmin'];
// Everyone of the school who follows students: centre staff, programme and year managers, tutors.
const SCHOOL: readonly Role[] = [...CENTRE_STAFF, 'programmeManager', 'yearManager', 'academicTutor'];
const ADMINS: readonly Role[] = ['platformAdmin'];

/** An entry's label: a catalogue key, or the key for this actor when the page shows different things to different people. */
type LabelKey = string | ((roles: readonly Role[]) => string);

interface EntryDef {
  href: string;
  labelKey: LabelKey;
  permission: Permission;
  devMailbox?: true;
  /** Narrows the group's audience for this entry (the staff's own centres: not the administrator's). */
  audience?: readonly Role[];
}

interface GroupDef {
  id: string;
  labelKey: string;
  audience: readonly Role[];
  /** Later issues add their pages here, one line each; a group with no entry for the actor is not shown. */
  entries: EntryDef[];
}

/**
 * "Mes offres" lists a company's own offers; a platform administrator's list holds every offer and a
 * centre's staff's the offers of their centres: each is named for what it shows (menu and page title).
 */
export function offersManageLabelKey(roles: readonly Role[]): string {
  if (roles.some((r) => COMPANIES.includes(r))) return 'offers.manage.title';
  return roles.includes('platformAdmin') ? 'offers.manage.titleAll' : 'offers.manage.titleCentres';
}

const OFFERS_MANAGE: EntryDef = { href: '/offers/manage', labelKey: offersManageLabelKey, permission: 'offers.manage' };

/**
 * The public stipend simulator, for every signed-in user: with the offers for companies and the
 * school (the stipend is stated in an offer, and their menus have no room for one more link on a
 * wide screen), a link of its own for the others ("Outils").
 */
const SIMULATOR: EntryDef = { href: SIMULATOR_PATH, labelKey: 'nav.stipendSimulator', permission: 'public' };

/**
 * "Documents utiles" (issue 15), for everyone signed in: in the tools of students, with the company's
 * page for companies, beside the simulator for the school (a group of its own would wrap the menu).
 */
const DOCUMENTS: EntryDef = { href: '/documents', labelKey: 'nav.documents', permission: 'documents.view' };
/** The help desk's queue (issue 15): WRITE staff with their agreements' tools, the administrator with the platform's settings. */
const TICKETS_QUEUE = { href: '/tickets/queue', labelKey: 'nav.ticketsQueue', permission: 'tickets.handle' } as const satisfies EntryDef;

/**
 * The menu, by kind of user, in display order. An actor with several roles gets the groups of each,
 * merged: an entry already shown in an earlier group is not repeated.
 */
export const MENU: readonly GroupDef[] = [
  // Students.
  {
    id: 'search',
    labelKey: 'nav.group.search',
    audience: STUDENTS,
    entries: [
      { href: '/offers', labelKey: 'nav.offers', permission: 'offers.browse' },
      { href: '/requests', labelKey: 'nav.requests', permission: 'requests.own' },
      { href: '/applications', labelKey: 'nav.applications', permission: 'applications.apply' },
      { href: '/organisations', labelKey: 'nav.organisations', permission: 'organisations.search' },
    ],
  },
  // The internship sheet, agreement, follow-up, logs, reports, feedback and evaluations of the next issues.
  { id: 'follow', labelKey: 'nav.group.follow', audience: STUDENTS, entries: [{ href: '/sheets', labelKey: 'nav.sheets', permission: 'sheets.own' }, { href: '/agreements/mine', labelKey: 'agreementsSearch.nav.mine', permission: 'agreements.mine' }, { href: '/followup', labelKey: 'followupLists.title.mine', permission: 'followup.lists' }] },
  // "Historique de mes stages" (issue 14) beside the profile, as the student's guide has it.
  { id: 'profile', labelKey: 'nav.group.profile', audience: STUDENTS, entries: [{ href: '/profile', labelKey: 'nav.profile', permission: 'profile.self' }, { href: '/agreements/history', labelKey: 'label.history.nav', permission: 'agreements.mine' }] },
  // Companies.
  { id: 'companyOffers', labelKey: 'nav.group.companyOffers', audience: COMPANIES, entries: [OFFERS_MANAGE, SIMULATOR] },
  { id: 'companyApplications', labelKey: 'nav.group.companyApplications', audience: COMPANIES, entries: [{ href: '/applications/company', labelKey: 'nav.applicationsCompany', permission: 'applications.company' }] },
  {
    id: 'profiles',
    labelKey: 'nav.group.profiles',
    audience: COMPANIES,
    entries: [
      { href: '/cvbook', labelKey: 'nav.cvbook', permission: 'cvbook.search' },
      { href: '/matching/offers', labelKey: 'nav.matching', permission: 'cvbook.search' },
    ],
  },
  // The interns of the company, with their follow-up (next issues).
  { id: 'interns', labelKey: 'nav.group.interns', audience: COMPANIES, entries: [{ href: '/agreements/interns', labelKey: 'agreementsSearch.nav.interns', permission: 'agreements.interns' }, { href: '/followup', labelKey: 'followupLists.nav.list', permission: 'followup.lists' }] },
  { id: 'company', labelKey: 'nav.group.company', audience: COMPANIES, entries: [{ href: '/company', labelKey: 'nav.company', permission: 'company.view' }, DOCUMENTS] },
  // The school: centre staff first, then programme and year managers and tutors.
  // Agreements (conventions) of the next issues.
  {
    id: 'agreements',
    labelKey: 'nav.group.agreements',
    audience: SCHOOL,
    entries: [
      { href: '/agreements/dashboard', labelKey: 'agreementsSearch.nav.dashboard', permission: 'agreements.dashboard' },
      { href: '/agreements/search', labelKey: 'agreementsSearch.nav.search', permission: 'agreements.search' },
      { href: '/agreements/signatures', labelKey: 'signatures.nav', permission: 'agreements.dashboard' },
      { href: '/statistics', labelKey: 'nav.statistics', permission: 'statistics.view' },
      // The staff's centres, whose settings say how their agreements are validated. Here rather than
      // a link of its own: the centre staff's menu then keeps one row on a wide screen.
      { href: '/centres', labelKey: 'nav.myCentres', permission: 'centre.view', audience: ['centreRead'] },
      { ...TICKETS_QUEUE, audience: ['centreWrite'] },
      // The law's figures of an internship: with the agreements, where the school needs them.
      SIMULATOR,
      DOCUMENTS,
    ],
  },
  {
    id: 'offers',
    labelKey: 'nav.group.offers',
    audience: SCHOOL,
    entries: [
      OFFERS_MANAGE,
      { href: '/offers/moderation', labelKey: 'nav.offersModeration', permission: 'offers.moderate' },
      { href: '/offers/search', labelKey: 'nav.offersSearch', permission: 'offers.staffSearch' },
    ],
  },
  {
    id: 'organisations',
    labelKey: 'nav.group.organisations',
    audience: SCHOOL,
    entries: [
      { href: '/organisations', labelKey: 'nav.organisations', permission: 'organisations.search' },
      { href: '/organisations/queue', labelKey: 'nav.organisationsQueue', permission: 'organisations.moderate' },
    ],
  },
  {
    id: 'students',
    labelKey: 'nav.group.students',
    audience: SCHOOL,
    entries: [
      { href: '/students', labelKey: 'nav.students', permission: 'students.view' },
      { href: '/dashboard/students', labelKey: 'nav.followedStudents', permission: 'students.followed' },
      { href: '/applications/school', labelKey: 'nav.applicationsSchool', permission: 'applications.school' },
      { href: '/sheets/review', labelKey: 'nav.sheetsReview', permission: 'sheets.review' },
      { href: '/followup', labelKey: 'followupLists.nav.list', permission: 'followup.lists' },
      { href: '/followup/cohort', labelKey: 'followupLists.nav.cohort', permission: 'followup.cohort' },
    ],
  },
  // Reference data and the platform's tools. Named "Paramétrage", not "Administration": that is the administrator's dashboard beside it.
  {
    id: 'admin',
    labelKey: 'nav.group.admin',
    audience: ADMINS,
    entries: [
      { href: '/admin/institutions', labelKey: 'nav.institutions', permission: 'reference.manage' },
      { href: '/admin/academic-years', labelKey: 'nav.academicYears', permission: 'reference.manage' },
      { href: '/admin/centres', labelKey: 'nav.adminCentres', permission: 'reference.manage' },
      { href: '/admin/users', labelKey: 'nav.users', permission: 'users.manage' },
      { href: PARAMETERS_PATH, labelKey: 'nav.legalParameters', permission: 'legal.manage' },
      { href: '/admin/sso', labelKey: 'nav.sso', permission: 'sso.manage' },
      { href: '/admin/retention', labelKey: 'nav.retention', permission: 'privacy.manage' },
      TICKETS_QUEUE,
      { href: '/dev/mailbox', labelKey: 'nav.mailbox', permission: 'dev.mailbox', devMailbox: true },
    ],
  },
  // The public tools, for every signed-in user (companies and the school have the simulator with their offers already).
  { id: 'tools', labelKey: 'nav.group.tools', audience: ROLES, entries: [SIMULATOR, DOCUMENTS] },
];

export interface NavItem {
  href: string;
  labelKey: string;
}

/** A group of one entry is shown as that entry's link: a disclosure that opens on a single link only slows the user down. */
export type NavSection = { kind: 'link'; item: NavItem } | { kind: 'group'; id: string; labelKey: string; items: NavItem[] };

export interface Nav {
  sections: NavSection[];
  /** Every entry, in display order. */
  items: NavItem[];
}

/** `devMailbox`: the development mailbox exists only while no SMTP server is configured. */
export function navFor(actor: Actor | null, opts: { devMailbox: boolean } = { devMailbox: true }): Nav {
  if (!actor) return { sections: [], items: [] };
  const link = (item: NavItem): NavSection => ({ kind: 'link', item });
  const sections = DASHBOARDS.filter((d) => can(actor, d.permission)).map((d) => link({ href: d.path, labelKey: d.labelKey }));
  if (actor.pendingClaims?.length) sections.push(link({ href: CLAIM_PAGE, labelKey: 'nav.claim' }));
  const seen = new Set<string>();
  for (const g of MENU) {
    if (!g.audience.some((r) => actor.roles.includes(r))) continue;
    const items = g.entries
      .filter((e) => can(actor, e.permission) && (!e.audience || e.audience.some((r) => actor.roles.includes(r))) && (!e.devMailbox || opts.devMailbox) && !seen.has(e.href))
      .map((e) => ({ href: e.href, labelKey: typeof e.labelKey === 'function' ? e.labelKey(actor.roles) : e.labelKey }));
    for (const i of items) seen.add(i.href);
    if (items.length === 1) sections.push(link(items[0]));
    else if (items.length > 1) sections.push({ kind: 'group', id: g.id, labelKey: g.labelKey, items });
  }
  sections.push(link({ href: '/account', labelKey: 'nav.account' }));
  return { sections, items: sections.flatMap((s) => (s.kind === 'link' ? [s.item] : s.items)) };
}

/**
 * Pages whose path falls under no entry of the menu, and the entries they belong to, the first the
 * actor has: an application's page is reached from the student's, the company's or the school's list;
 * a programme or study year from its institution; a centre's page, for an administrator, from all centres.
 */
const BELONGS_TO: readonly { under: string; hrefs: readonly string[] }[] = [
  { under: '/applications', hrefs: ['/applications', '/applications/company', '/applications/school'] },
  { under: '/sheets', hrefs: ['/sheets', '/sheets/review'] },
  { under: '/matching/requests', hrefs: ['/requests'] },
  { under: '/admin/programmes', hrefs: ['/admin/institutions'] },
  { under: '/admin/study-years', hrefs: ['/admin/institutions'] },
  { under: '/centres', hrefs: ['/centres', '/admin/centres'] },
].sort((a, b) => b.under.length - a.under.length); // the most precise first

const under = (path: string, href: string) => path === href || path.startsWith(`${href}/`);

/**
 * The menu entry of the page at `path`: the page's own choice (`declared`, when the actor has that
 * entry: an offer awaiting moderation belongs to "Offres à modérer" though its path is under "Mes
 * offres"), else the longest entry the path falls under (/organisations/queue/… is not
 * /organisations), else the entry the page belongs to (BELONGS_TO). Null when none.
 */
export function currentEntry(nav: Nav, path: string, declared?: string | null): NavItem | null {
  const byHref = (href: string) => nav.items.find((i) => i.href === href);
  const chosen = declared ? byHref(declared) : undefined;
  if (chosen) return chosen;
  const longest = nav.items.filter((i) => under(path, i.href)).sort((a, b) => b.href.length - a.href.length)[0];
  if (longest) return longest;
  for (const b of BELONGS_TO) {
    if (!under(path, b.under)) continue;
    const found = b.hrefs.map(byHref).find(Boolean);
    if (found) return found;
  }
  return null;
}
