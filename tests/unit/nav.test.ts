import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../prisma/seed-data.js';
import { ROLES, type Actor, type Role } from '../../src/authz/actor.js';
import { currentEntry, MENU, navFor, type Nav } from '../../src/http/nav.js';
import { translate } from '../../src/i18n/index.js';

/** The roles each demo account holds (prisma/seed-data.ts; a centre ADMIN also holds WRITE and READ). */
const DEMO_ROLES: Record<(typeof DEMO_ACCOUNTS)[number]['email'], Role[]> = {
  'admin@demo.test': ['platformAdmin'],
  'gestionnaire@demo.test': ['centreRead', 'centreWrite'],
  'resp.centre@demo.test': ['centreRead', 'centreWrite', 'centreAdmin'],
  'resp.filiere@demo.test': ['programmeManager'],
  'resp.annee@demo.test': ['yearManager'],
  'enseignant@demo.test': ['academicTutor'],
  'entreprise@demo.test': ['companyAdmin'],
  'tuteur@demo.test': ['companyContact'],
  'etudiant@demo.test': ['student'],
};

function actor(roles: Role[], extra: Partial<Actor> = {}): Actor {
  return {
    id: 1,
    email: 'x@test.example',
    firstName: 'X',
    lastName: 'Y',
    locale: 'fr',
    isPlatformAdmin: roles.includes('platformAdmin'),
    roles,
    centres: new Map(),
    companies: [],
    academic: [],
    student: null,
    ...extra,
  };
}

const fr = (key: string) => translate('fr', key);

/** The menu as a reader sees it: a link's French label, or a group's label and its entries' hrefs. */
function shape(nav: Nav) {
  return nav.sections.map((s) => (s.kind === 'link' ? `${s.item.href} ${fr(s.item.labelKey)}` : { [fr(s.labelKey)]: s.items.map((i) => i.href) }));
}
const hrefs = (nav: Nav) => nav.items.map((i) => i.href);
const labelOf = (nav: Nav, href: string) => fr(nav.items.find((i) => i.href === href)!.labelKey);
const demo = (email: keyof typeof DEMO_ROLES, devMailbox = true) => navFor(actor(DEMO_ROLES[email]), { devMailbox });

describe('the menu (src/http/nav.ts)', () => {
  it('knows the roles of every demo account', () => {
    expect(Object.keys(DEMO_ROLES).sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.email).sort());
  });

  it('groups a student\'s entries: "Rechercher mon stage", then the profile', () => {
    expect(shape(demo('etudiant@demo.test'))).toEqual([
      '/dashboard/student Mon espace étudiant',
      { 'Rechercher mon stage': ['/offers', '/requests', '/applications', '/organisations'] },
      { 'Suivre mon stage': ['/sheets', '/agreements/mine', '/followup'] },
      { 'Mon profil': ['/profile', '/agreements/history'] },
      { Outils: ['/tools/stipend', '/documents'] },
      '/account Mon compte',
    ]);
  });

  it('gives a company its offers, applications, profiles (one French word: CVthèque) and company', () => {
    for (const email of ['entreprise@demo.test', 'tuteur@demo.test'] as const) {
      const nav = demo(email);
      expect(shape(nav).slice(1)).toEqual([
        { 'Mes offres': ['/offers/manage', '/tools/stipend'] },
        '/applications/company Candidatures reçues',
        { Profils: ['/cvbook', '/matching/offers'] },
        { 'Mes stagiaires': ['/agreements/interns', '/followup'] },
        { 'Mon entreprise': ['/company', '/documents'] },
        '/account Mon compte',
      ]);
      expect(labelOf(nav, '/cvbook')).toBe('CVthèque');
      expect(translate('en', nav.items.find((i) => i.href === '/cvbook')!.labelKey)).toBe('CV book');
    }
  });

  it('gives centre staff their offers, host organisations, students and centres', () => {
    for (const email of ['gestionnaire@demo.test', 'resp.centre@demo.test'] as const) {
      const nav = demo(email);
      expect(shape(nav)).toEqual([
        '/dashboard/centre Tableau de bord du centre',
        { Conventions: ['/agreements/dashboard', '/agreements/search', '/agreements/signatures', '/statistics', '/centres', '/tickets/queue', '/tools/stipend', '/documents'] },
        { Offres: ['/offers/manage', '/offers/moderation', '/offers/search'] },
        { "Établissements d'accueil": ['/organisations', '/organisations/queue'] },
        { Étudiants: ['/students', '/applications/school', '/sheets/review', '/followup'] },
        '/account Mon compte',
      ]);
      // Their list holds the offers of their centres, not "mine".
      expect(labelOf(nav, '/offers/manage')).toBe('Offres de mes centres');
      expect(labelOf(nav, '/organisations/queue')).toBe("Établissements d'accueil à vérifier");
    }
  });

  it('gives programme and year managers and tutors what the policy lets them open', () => {
    // The agreement search and the simulator: their "Conventions" group.
    expect(hrefs(demo('resp.filiere@demo.test'))).toEqual(['/dashboard/programme-manager', '/agreements/search', '/statistics', '/tools/stipend', '/documents', '/organisations', '/dashboard/students', '/followup', '/followup/cohort', '/account']);
    expect(hrefs(demo('enseignant@demo.test'))).toEqual(['/dashboard/academic-tutor', '/agreements/search', '/tools/stipend', '/documents', '/organisations', '/followup', '/account']);
    expect(shape(demo('resp.annee@demo.test'))).toEqual([
      '/dashboard/year-manager Responsable d\'année',
      { Conventions: ['/agreements/search', '/tools/stipend', '/documents'] },
      "/organisations Établissements d'accueil",
      { Étudiants: ['/dashboard/students', '/applications/school', '/sheets/review', '/followup'] },
      '/account Mon compte',
    ]);
  });

  it('names each of the administrator\'s entries for what it shows, one entry per page', () => {
    const nav = demo('admin@demo.test');
    expect(shape(nav)).toEqual([
      '/dashboard/admin Administration',
      { Conventions: ['/agreements/dashboard', '/agreements/search', '/agreements/signatures', '/statistics', '/tools/stipend', '/documents'] },
      { Offres: ['/offers/manage', '/offers/moderation', '/offers/search'] },
      { "Établissements d'accueil": ['/organisations', '/organisations/queue'] },
      { Étudiants: ['/students', '/applications/school', '/sheets/review', '/followup'] },
      { Paramétrage: ['/admin/institutions', '/admin/academic-years', '/admin/centres', '/admin/users', '/admin/legal-parameters', '/admin/sso', '/admin/retention', '/tickets/queue', '/dev/mailbox'] },
      '/account Mon compte',
    ]);
    expect(labelOf(nav, '/offers/manage')).toBe('Toutes les offres');
    expect(labelOf(nav, '/admin/centres')).toBe('Tous les centres de gestion');
    // Every centre is under "Tous les centres de gestion": no second entry that lists them again.
    expect(hrefs(nav)).not.toContain('/centres');
    const labels = nav.items.map((i) => fr(i.labelKey));
    expect(new Set(labels).size).toBe(labels.length);
    // The section labels differ too (the dashboard is not a second "Administration").
    const sectionLabels = nav.sections.map((s) => fr(s.kind === 'link' ? s.item.labelKey : s.labelKey));
    expect(new Set(sectionLabels).size).toBe(sectionLabels.length);
  });

  it('leaves the development mailbox out when an SMTP server is configured', () => {
    expect(hrefs(demo('admin@demo.test', false))).not.toContain('/dev/mailbox');
    // One entry fewer, and the group stays a group.
    expect(shape(demo('admin@demo.test', false))[5]).toEqual({ Paramétrage: ['/admin/institutions', '/admin/academic-years', '/admin/centres', '/admin/users', '/admin/legal-parameters', '/admin/sso', '/admin/retention', '/tickets/queue'] });
  });

  it('merges the groups of several roles without repeating an entry', () => {
    const nav = navFor(actor(['student', 'companyContact', 'centreRead', 'yearManager']));
    const all = hrefs(nav);
    expect(new Set(all).size).toBe(all.length);
    // The directory stays in the student's group, the first where it appears.
    expect(shape(nav)).toContainEqual({ 'Rechercher mon stage': ['/offers', '/requests', '/applications', '/organisations'] });
    expect(all).toEqual(expect.arrayContaining(['/cvbook', '/students', '/applications/school', '/centres', '/offers/search']));
    // A company member who is also platform administrator keeps "Mes offres" once.
    const both = navFor(actor(['companyAdmin', 'platformAdmin']));
    expect(hrefs(both).filter((h) => h === '/offers/manage')).toHaveLength(1);
    expect(labelOf(both, '/offers/manage')).toBe('Mes offres');
  });

  it('shows no group without entries, and a group as soon as a later issue adds one line to it', () => {
    const groupIds = (nav: Nav) => nav.sections.flatMap((s) => (s.kind === 'group' ? [s.id] : []));
    const company = actor(['companyAdmin']);
    // The interns' group, emptied for the test (its entries are put back after).
    const interns = MENU.find((g) => g.id === 'interns')!;
    const kept = interns.entries.splice(0);
    expect(groupIds(navFor(company))).not.toContain('interns');
    interns.entries.push({ href: '/interns', labelKey: 'nav.company', permission: 'company.view' }, { href: '/interns/logbooks', labelKey: 'nav.company', permission: 'company.view' });
    try {
      const nav = navFor(company);
      expect(nav.sections.find((s) => s.kind === 'group' && s.id === 'interns')).toMatchObject({ labelKey: 'nav.group.interns', items: [{ href: '/interns' }, { href: '/interns/logbooks' }] });
      // Entries the policy refuses are not shown: a student gets no company group.
      expect(groupIds(navFor(actor(['student'])))).not.toContain('interns');
    } finally {
      interns.entries.splice(0, interns.entries.length, ...kept);
    }
  });

  it('offers the public stipend simulator to every signed-in role, once', () => {
    for (const role of ROLES) {
      const nav = navFor(actor([role]));
      expect(hrefs(nav).filter((h) => h === '/tools/stipend'), role).toHaveLength(1);
    }
    // Students: in their tools, with the useful documents; companies: with their offers; the school: with the agreements.
    expect(navFor(actor(['student'])).sections.at(-2)).toEqual({ kind: 'group', id: 'tools', labelKey: 'nav.group.tools', items: [{ href: '/tools/stipend', labelKey: 'nav.stipendSimulator' }, { href: '/documents', labelKey: 'nav.documents' }] });
    for (const [role, group] of [['companyAdmin', 'companyOffers'], ['companyContact', 'companyOffers'], ['centreRead', 'agreements'], ['platformAdmin', 'agreements']] as const) {
      expect(navFor(actor([role])).sections.find((s) => s.kind === 'group' && s.id === group), role).toMatchObject({ items: expect.arrayContaining([{ href: '/tools/stipend', labelKey: 'nav.stipendSimulator' }]) });
    }
    expect(translate('en', 'nav.stipendSimulator')).toBe('Stipend simulator');
    // The parameter table behind it is the administrator's only.
    expect(hrefs(demo('admin@demo.test'))).toContain('/admin/legal-parameters');
    for (const role of ROLES.filter((r) => r !== 'platformAdmin')) expect(hrefs(navFor(actor([role]))), role).not.toContain('/admin/legal-parameters');
  });

  it('sends a claimant to the claim page, and nobody signed out gets a menu', () => {
    expect(hrefs(navFor(actor([], { pendingClaims: [3] })))).toEqual(['/company/claim', '/account']);
    expect(navFor(null)).toEqual({ sections: [], items: [] });
  });
});

describe('the current entry', () => {
  const current = (nav: Nav, path: string, declared?: string | null) => currentEntry(nav, path, declared)?.href ?? null;

  it('is the longest entry the path falls under', () => {
    const staff = demo('gestionnaire@demo.test');
    expect(current(staff, '/dashboard/centre')).toBe('/dashboard/centre');
    expect(current(staff, '/organisations')).toBe('/organisations');
    expect(current(staff, '/organisations/12/services')).toBe('/organisations');
    expect(current(staff, '/organisations/queue')).toBe('/organisations/queue');
    expect(current(staff, '/students/4/edit')).toBe('/students');
    expect(current(staff, '/centres/2/staff')).toBe('/centres');
    expect(current(staff, '/account/password')).toBe('/account');
    // A path that merely starts with the same letters is not under the entry.
    expect(current(demo('etudiant@demo.test'), '/offersomething')).toBeNull();
    expect(current(staff, '/login')).toBeNull();
  });

  it('tells moderation from the management of offers', () => {
    const staff = demo('gestionnaire@demo.test');
    expect(current(staff, '/offers/moderation')).toBe('/offers/moderation');
    expect(current(staff, '/offers/manage')).toBe('/offers/manage');
    expect(current(staff, '/offers/manage/new-short')).toBe('/offers/manage');
    expect(current(staff, '/offers/manage/12')).toBe('/offers/manage');
    expect(current(staff, '/offers/manage/12/edit')).toBe('/offers/manage');
    expect(current(staff, '/offers/search/12')).toBe('/offers/search');
    // The offer's page declares it awaits this moderator: the moderation is the current entry.
    expect(current(staff, '/offers/manage/12', '/offers/moderation')).toBe('/offers/moderation');
    expect(current(demo('admin@demo.test'), '/offers/manage/12', '/offers/moderation')).toBe('/offers/moderation');
    // A declaration the actor has no entry for changes nothing (a company has no moderation).
    expect(current(demo('entreprise@demo.test'), '/offers/manage/12', '/offers/moderation')).toBe('/offers/manage');
    // A student's offer page is under "Offres de stage".
    expect(current(demo('etudiant@demo.test'), '/offers/12')).toBe('/offers');
  });

  it('maps the pages whose paths do not nest to the entry they are reached from', () => {
    expect(current(demo('etudiant@demo.test'), '/applications/7')).toBe('/applications');
    expect(current(demo('etudiant@demo.test'), '/matching/requests')).toBe('/requests');
    expect(current(demo('entreprise@demo.test'), '/applications/7')).toBe('/applications/company');
    expect(current(demo('entreprise@demo.test'), '/applications/company')).toBe('/applications/company');
    expect(current(demo('entreprise@demo.test'), '/cvbook/3')).toBe('/cvbook');
    expect(current(demo('entreprise@demo.test'), '/matching/offers/3')).toBe('/matching/offers');
    expect(current(demo('resp.annee@demo.test'), '/applications/7')).toBe('/applications/school');
    expect(current(demo('gestionnaire@demo.test'), '/applications/7')).toBe('/applications/school');
    const admin = demo('admin@demo.test');
    expect(current(admin, '/centres/3')).toBe('/admin/centres');
    expect(current(admin, '/admin/centres/new')).toBe('/admin/centres');
    expect(current(admin, '/admin/programmes/4')).toBe('/admin/institutions');
    expect(current(admin, '/admin/study-years/9/edit')).toBe('/admin/institutions');
    expect(current(admin, '/dev/mailbox/5')).toBe('/dev/mailbox');
    // Nothing to belong to: the programme manager has no application list.
    expect(current(demo('resp.filiere@demo.test'), '/applications/7')).toBeNull();
  });
});
