import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeCentre, makeInstitution, makeProgramme, makeRoleAccounts, makeStaff, makeUser } from '../factories/index.js';
import { auditRows } from '../factories/institutions.js';
import { agent, useApp } from '../helpers/app.js';

const ADMIN = 'platform.admin@test.example';

/** The error message rendered beside a field (the field partial's markup). */
function fieldError(html: string, field: string): string | null {
  const m = html.match(new RegExp(`<p class="error-message" id="f-${field}-error">(?:<span[^>]*>[^<]*</span>)?([^<]*)</p>`));
  return m ? m[1] : null;
}
function inputValue(html: string, field: string): string | null {
  const m = html.match(new RegExp(`id="f-${field}" name="${field}" value="([^"]*)"`));
  return m ? m[1] : null;
}

const institutionForm = (over: Record<string, string> = {}) => ({
  code: 'uca',
  name: 'Université Clermont Auvergne',
  country: 'fr',
  addressLine1: '49 boulevard François-Mitterrand',
  addressLine2: '',
  postalCode: '63000',
  city: 'Clermont-Ferrand',
  phone: '04 73 40 63 63',
  email: 'contact@uca.example',
  website: 'https://www.uca.example',
  ...over,
});

describe('platform administration: access', () => {
  const t = useApp();

  it('refuses /admin pages to everyone but the platform administrator', async () => {
    await makeRoleAccounts(t.db);
    for (const email of ['student@test.example', 'centre.admin@test.example', 'company.admin@test.example', 'programme.manager@test.example']) {
      const { a, csrf } = await agent(t.app, email);
      for (const path of ['/admin/institutions', '/admin/institutions/new', '/admin/academic-years', '/admin/centres', '/admin/centres/new']) {
        const res = await a.get(path);
        expect(res.status, `${email} GET ${path}`).toBe(403);
      }
      const post = await a.post('/admin/institutions/new').type('form').send({ ...institutionForm(), _csrf: csrf });
      expect(post.status).toBe(403);
    }
    expect(await t.db.institution.count()).toBe(1); // the factories' one only
    const anon = await request(t.app).get('/admin/institutions');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toBe('/login?next=%2Fadmin%2Finstitutions');
    const { a } = await agent(t.app, ADMIN);
    expect((await a.get('/admin/institutions')).status).toBe(200);
  });

  it('refuses a form post without its CSRF token', async () => {
    await makeUser(t.db, { email: ADMIN, isPlatformAdmin: true });
    const { a } = await agent(t.app, ADMIN);
    const res = await a.post('/admin/institutions/new').type('form').send(institutionForm());
    expect(res.status).toBe(403);
    const multipart = await a.post('/admin/institutions/new').field('code', 'X').field('name', 'Y').field('country', 'FR');
    expect(multipart.status).toBe(403);
    expect(await t.db.institution.count()).toBe(0);
  });
});

describe('platform administration: institutions', () => {
  const t = useApp();
  let s: Awaited<ReturnType<typeof agent>>;
  beforeEach(async () => {
    await makeUser(t.db, { email: ADMIN, isPlatformAdmin: true });
    s = await agent(t.app, ADMIN);
  });

  it('creates an institution, writes its audit row and shows it', async () => {
    const form = await s.a.get('/admin/institutions/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('novalidate');
    expect(inputValue(form.text, 'country')).toBe('FR');

    const res = await s.a.post('/admin/institutions/new').type('form').send({ ...institutionForm(), _csrf: s.csrf });
    expect(res.status).toBe(303);
    const inst = await t.db.institution.findUniqueOrThrow({ where: { code: 'UCA' } });
    expect(res.headers.location).toBe(`/admin/institutions/${inst.id}`);
    expect(inst).toMatchObject({ name: 'Université Clermont Auvergne', country: 'FR', addressLine2: null, city: 'Clermont-Ferrand', email: 'contact@uca.example', website: 'https://www.uca.example' });
    const [row] = await auditRows(t.db, 'institution.create');
    expect(row).toMatchObject({ entityType: 'Institution', entityId: String(inst.id) });
    expect((row.after as { code: string }).code).toBe('UCA');

    const page = await s.a.get(res.headers.location);
    expect(page.status).toBe(200);
    expect(page.text).toContain("L&#39;établissement Université Clermont Auvergne a été créé.");
    expect(page.text.match(/<h1>/g)).toHaveLength(1);
    const list = await s.a.get('/admin/institutions');
    expect(list.text).toContain('Université Clermont Auvergne');
    expect(list.text).toContain('<caption>');
  });

  it('re-renders with 422, the values kept and the messages beside the fields', async () => {
    const res = await s.a
      .post('/admin/institutions/new')
      .type('form')
      .send({ ...institutionForm({ name: '', country: 'France', email: 'not-an-email', website: 'javascript:alert(1)' }), _csrf: s.csrf });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'name')).toBe('Ce champ est obligatoire.');
    expect(fieldError(res.text, 'country')).toContain('deux lettres');
    expect(fieldError(res.text, 'email')).toContain('adresse électronique valide');
    expect(fieldError(res.text, 'website')).toContain('http');
    expect(fieldError(res.text, 'code')).toBeNull();
    expect(inputValue(res.text, 'code')).toBe('uca');
    expect(inputValue(res.text, 'city')).toBe('Clermont-Ferrand');
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toContain('href="#f-name"');
    expect(await t.db.institution.count()).toBe(0);
  });

  it('drops NUL bytes (src/http/input.ts) and refuses over-long values', async () => {
    const res = await s.a
      .post('/admin/institutions/new')
      .type('form')
      .send({ ...institutionForm({ name: 'Uni\u0000versité', city: 'x'.repeat(101) }), _csrf: s.csrf });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'name')).toBeNull();
    expect(res.text).toContain('value="Université"');
    expect(fieldError(res.text, 'city')).toContain('100 caractères');
  });

  it('answers a duplicate code with 422 beside the field, never a 500', async () => {
    await makeInstitution(t.db, { code: 'UCA' });
    const res = await s.a.post('/admin/institutions/new').type('form').send({ ...institutionForm({ code: 'uca' }), _csrf: s.csrf });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'code')).toBe('Cette valeur est déjà utilisée.');
    expect(await t.db.institution.count()).toBe(1);
    expect(await auditRows(t.db, 'institution.create')).toHaveLength(0);
  });

  it('edits an institution (before and after in the audit row) and refuses a clash on edit', async () => {
    const inst = await makeInstitution(t.db, { code: 'OLD', name: 'Ancien nom' });
    await makeInstitution(t.db, { code: 'TAKEN' });
    const form = await s.a.get(`/admin/institutions/${inst.id}/edit`);
    expect(form.status).toBe(200);
    expect(inputValue(form.text, 'name')).toBe('Ancien nom');

    const res = await s.a.post(`/admin/institutions/${inst.id}/edit`).type('form').send({ ...institutionForm({ code: 'NEW', name: 'Nouveau nom' }), _csrf: s.csrf });
    expect(res.status).toBe(303);
    expect(await t.db.institution.findUniqueOrThrow({ where: { id: inst.id } })).toMatchObject({ code: 'NEW', name: 'Nouveau nom' });
    const [row] = await auditRows(t.db, 'institution.update');
    expect(row.before).toMatchObject({ code: 'OLD', name: 'Ancien nom' });
    expect(row.after).toMatchObject({ code: 'NEW', name: 'Nouveau nom' });

    const clash = await s.a.post(`/admin/institutions/${inst.id}/edit`).type('form').send({ ...institutionForm({ code: 'taken' }), _csrf: s.csrf });
    expect(clash.status).toBe(422);
    expect(fieldError(clash.text, 'code')).toBe('Cette valeur est déjà utilisée.');
  });

  it('answers 404 for an unknown or malformed id', async () => {
    expect((await s.a.get('/admin/institutions/999')).status).toBe(404);
    expect((await s.a.get('/admin/institutions/abc')).status).toBe(404);
    expect((await s.a.post('/admin/institutions/999/edit').type('form').send({ ...institutionForm(), _csrf: s.csrf })).status).toBe(404);
  });

  it('paginates the list 25 per page', async () => {
    for (let i = 0; i < 30; i++) await makeInstitution(t.db, { code: `I${String(i).padStart(2, '0')}`, name: `Établissement ${String(i).padStart(2, '0')}` });
    const p1 = await s.a.get('/admin/institutions');
    expect(p1.text.match(/<tr>/g)).toHaveLength(26); // header + 25
    expect(p1.text).toContain('<nav aria-label="Pagination">');
    expect(p1.text).toContain('href="/admin/institutions?page=2"');
    const p2 = await s.a.get('/admin/institutions?page=2');
    expect(p2.text.match(/<tr>/g)).toHaveLength(6);
    expect(p2.text).toContain('Page 2 sur 2');
    const beyond = await s.a.get('/admin/institutions?page=99');
    expect(beyond.status).toBe(200);
    expect(beyond.text).toContain('Page 2 sur 2');
  });

  it('renders in English too', async () => {
    await s.a.post('/lang').type('form').send({ lang: 'en', _csrf: s.csrf });
    const res = await s.a.get('/admin/institutions/new');
    expect(res.text).toContain('Add an institution');
    const bad = await s.a.post('/admin/institutions/new').type('form').send({ ...institutionForm({ code: '' }), _csrf: s.csrf });
    expect(bad.status).toBe(422);
  });
});

describe('platform administration: programmes and study years', () => {
  const t = useApp();
  let s: Awaited<ReturnType<typeof agent>>;
  beforeEach(async () => {
    await makeUser(t.db, { email: ADMIN, isPlatformAdmin: true });
    s = await agent(t.app, ADMIN);
  });

  it('creates and edits a programme; codes are unique per institution only', async () => {
    const inst = await makeInstitution(t.db);
    const other = await makeInstitution(t.db);
    await t.db.programme.create({ data: { institutionId: other.id, code: 'L3INFO', name: 'Ailleurs' } });
    expect((await s.a.get(`/admin/institutions/${inst.id}/programmes/new`)).status).toBe(200);

    const res = await s.a.post(`/admin/institutions/${inst.id}/programmes/new`).type('form').send({ code: 'l3info', name: 'Licence informatique', _csrf: s.csrf });
    expect(res.status).toBe(303);
    const prog = await t.db.programme.findUniqueOrThrow({ where: { institutionId_code: { institutionId: inst.id, code: 'L3INFO' } } });
    expect(res.headers.location).toBe(`/admin/programmes/${prog.id}`);
    expect(await auditRows(t.db, 'programme.create')).toHaveLength(1);

    const dup = await s.a.post(`/admin/institutions/${inst.id}/programmes/new`).type('form').send({ code: 'L3INFO', name: 'Doublon', _csrf: s.csrf });
    expect(dup.status).toBe(422);
    expect(fieldError(dup.text, 'code')).toBe('Cette valeur est déjà utilisée.');
    expect(inputValue(dup.text, 'name')).toBe('Doublon');

    const bad = await s.a.post(`/admin/institutions/${inst.id}/programmes/new`).type('form').send({ code: 'L3 INFO!', name: '', _csrf: s.csrf });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'code')).toContain('lettres, des chiffres');
    expect(fieldError(bad.text, 'name')).toBe('Ce champ est obligatoire.');

    const edit = await s.a.post(`/admin/programmes/${prog.id}/edit`).type('form').send({ code: 'L3INFO', name: 'Licence 3 informatique', _csrf: s.csrf });
    expect(edit.status).toBe(303);
    expect((await t.db.programme.findUniqueOrThrow({ where: { id: prog.id } })).name).toBe('Licence 3 informatique');
    const [row] = await auditRows(t.db, 'programme.update');
    expect(row.before).toMatchObject({ name: 'Licence informatique' });

    const detail = await s.a.get(`/admin/institutions/${inst.id}`);
    expect(detail.text).toContain('Licence 3 informatique');
    expect((await s.a.get(`/admin/institutions/999/programmes/new`)).status).toBe(404);
  });

  it('creates and edits a study year attached to a centre of the same institution', async () => {
    const inst = await makeInstitution(t.db);
    const centre = await makeCentre(t.db, inst.id, { name: 'Scolarité Sciences' });
    const foreign = await makeCentre(t.db);
    const prog = await makeProgramme(t.db, inst.id);
    const form = await s.a.get(`/admin/programmes/${prog.id}/study-years/new`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('Scolarité Sciences');
    expect(form.text).not.toContain(foreign.name);

    const res = await s.a.post(`/admin/programmes/${prog.id}/study-years/new`).type('form').send({ code: 'l3', name: 'Licence 3', level: '3', centreId: String(centre.id), _csrf: s.csrf });
    expect(res.status).toBe(303);
    const year = await t.db.studyYear.findUniqueOrThrow({ where: { programmeId_code: { programmeId: prog.id, code: 'L3' } } });
    expect(year).toMatchObject({ name: 'Licence 3', level: 3, centreId: centre.id });
    expect(await auditRows(t.db, 'studyYear.create')).toHaveLength(1);

    const wrongCentre = await s.a.post(`/admin/programmes/${prog.id}/study-years/new`).type('form').send({ code: 'M1', name: 'Master 1', level: '4', centreId: String(foreign.id), _csrf: s.csrf });
    expect(wrongCentre.status).toBe(422);
    expect(fieldError(wrongCentre.text, 'centreId')).toContain("établissement de cette filière");
    expect(inputValue(wrongCentre.text, 'code')).toBe('M1');

    const badLevel = await s.a.post(`/admin/programmes/${prog.id}/study-years/new`).type('form').send({ code: 'M3', name: 'Trop haut', level: '9', centreId: String(centre.id), _csrf: s.csrf });
    expect(badLevel.status).toBe(422);
    expect(fieldError(badLevel.text, 'level')).toBe('Indiquez un niveau de 1 à 8.');

    const dup = await s.a.post(`/admin/programmes/${prog.id}/study-years/new`).type('form').send({ code: 'L3', name: 'Encore', level: '3', centreId: String(centre.id), _csrf: s.csrf });
    expect(dup.status).toBe(422);
    expect(fieldError(dup.text, 'code')).toBe('Cette valeur est déjà utilisée.');
    expect(await t.db.studyYear.count()).toBe(1);

    const centre2 = await makeCentre(t.db, inst.id);
    const edit = await s.a.post(`/admin/study-years/${year.id}/edit`).type('form').send({ code: 'L3', name: 'Licence 3 (parcours)', level: '3', centreId: String(centre2.id), _csrf: s.csrf });
    expect(edit.status).toBe(303);
    expect(edit.headers.location).toBe(`/admin/programmes/${prog.id}`);
    expect(await t.db.studyYear.findUniqueOrThrow({ where: { id: year.id } })).toMatchObject({ name: 'Licence 3 (parcours)', centreId: centre2.id });
    const [row] = await auditRows(t.db, 'studyYear.update');
    expect(row.before).toMatchObject({ centreId: centre.id });
    expect(row.after).toMatchObject({ centreId: centre2.id });

    const page = await s.a.get(`/admin/programmes/${prog.id}`);
    expect(page.text).toContain('Licence 3 (parcours)');
  });
});

describe('platform administration: academic years', () => {
  const t = useApp();
  let s: Awaited<ReturnType<typeof agent>>;
  beforeEach(async () => {
    await makeUser(t.db, { email: ADMIN, isPlatformAdmin: true });
    s = await agent(t.app, ADMIN);
  });
  const year = (label: string, isCurrent = false) => {
    const y = Number(label.slice(0, 4));
    return { label, startDate: `${y}-09-01`, endDate: `${y + 1}-08-31`, ...(isCurrent ? { isCurrent: 'on' } : {}) };
  };

  it('creates years, keeps a single current one and audits the change', async () => {
    expect((await s.a.post('/admin/academic-years/new').type('form').send({ ...year('2025-2026', true), _csrf: s.csrf })).status).toBe(303);
    expect((await s.a.post('/admin/academic-years/new').type('form').send({ ...year('2026-2027', true), _csrf: s.csrf })).status).toBe(303);
    const rows = await t.db.academicYear.findMany({ orderBy: { label: 'asc' } });
    expect(rows.map((r) => [r.label, r.isCurrent])).toEqual([
      ['2025-2026', false],
      ['2026-2027', true],
    ]);
    expect(rows[1].startDate.toISOString().slice(0, 10)).toBe('2026-09-01');
    expect(await auditRows(t.db, 'academicYear.create')).toHaveLength(2);
    expect(await auditRows(t.db, 'academicYear.update')).toHaveLength(1); // 2025-2026 lost the mark

    const list = await s.a.get('/admin/academic-years');
    expect(list.text).toContain('2026-2027');
    expect(list.text).toContain('<td>01/09/2026</td>'); // a table cell: digits (issue 10)

    // Editing the old one back to current.
    const form = await s.a.get(`/admin/academic-years/${rows[0].id}/edit`);
    expect(inputValue(form.text, 'startDate')).toBe('2025-09-01');
    const edit = await s.a.post(`/admin/academic-years/${rows[0].id}/edit`).type('form').send({ ...year('2025-2026', true), _csrf: s.csrf });
    expect(edit.status).toBe(303);
    const current = await t.db.academicYear.findMany({ where: { isCurrent: true } });
    expect(current.map((c) => c.label)).toEqual(['2025-2026']);
  });

  it('refuses an end before the start, a malformed label and a duplicate label with 422', async () => {
    const order = await s.a.post('/admin/academic-years/new').type('form').send({ label: '2026-2027', startDate: '2026-09-01', endDate: '2026-08-31', _csrf: s.csrf });
    expect(order.status).toBe(422);
    expect(fieldError(order.text, 'endDate')).toContain('postérieure');
    expect(inputValue(order.text, 'startDate')).toBe('2026-09-01');

    const label = await s.a.post('/admin/academic-years/new').type('form').send({ label: '2026-2028', startDate: '2026-09-01', endDate: '2027-08-31', _csrf: s.csrf });
    expect(label.status).toBe(422);
    expect(fieldError(label.text, 'label')).toContain('deux années qui se suivent');

    const date = await s.a.post('/admin/academic-years/new').type('form').send({ label: '2026-2027', startDate: '01/09/2026', endDate: '2027-08-31', _csrf: s.csrf });
    expect(date.status).toBe(422);
    expect(fieldError(date.text, 'startDate')).toContain('date valide');

    await s.a.post('/admin/academic-years/new').type('form').send({ ...year('2026-2027'), _csrf: s.csrf });
    const dup = await s.a.post('/admin/academic-years/new').type('form').send({ ...year('2026-2027'), _csrf: s.csrf });
    expect(dup.status).toBe(422);
    expect(fieldError(dup.text, 'label')).toBe('Cette valeur est déjà utilisée.');
    expect(await t.db.academicYear.count()).toBe(1);
  });
});

describe('platform administration: management centres', () => {
  const t = useApp();
  let s: Awaited<ReturnType<typeof agent>>;
  beforeEach(async () => {
    await makeUser(t.db, { email: ADMIN, isPlatformAdmin: true });
    s = await agent(t.app, ADMIN);
  });
  const centreForm = (institutionId: number, over: Record<string, string> = {}) => ({
    institutionId: String(institutionId),
    kind: '',
    name: 'SOIE',
    addressLine1: '34 avenue Carnot',
    addressLine2: '',
    postalCode: '63000',
    city: 'Clermont-Ferrand',
    country: 'FR',
    phone: '04 73 40 62 00',
    fax: '',
    email: 'soie@uca.example',
    website: '',
    studentsMayEnterTutor: 'on',
    yearChoiceMonthBefore: 'on',
    anonymousDeposit: 'on',
    printCondition: 'AFTER_VALIDATION',
    confidentiality: 'FREE',
    ...over,
  });

  it('creates the first centre of an institution as INSTITUTION, later ones as UFR, with its settings', async () => {
    const inst = await makeInstitution(t.db);
    const form = await s.a.get(`/admin/centres/new?institutionId=${inst.id}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain(`<option value="${inst.id}" selected>`);
    expect(form.text).toMatch(/<legend>[^<]+<\/legend>/);
    expect(form.text).toContain('id="f-studentsMayEnterTutor" name="studentsMayEnterTutor" value="on" checked');

    const first = await s.a.post('/admin/centres/new').type('form').send({ ...centreForm(inst.id), _csrf: s.csrf });
    expect(first.status).toBe(303);
    const c1 = await t.db.managementCentre.findFirstOrThrow({ where: { name: 'SOIE' } });
    expect(first.headers.location).toBe(`/centres/${c1.id}`);
    expect(c1).toMatchObject({
      kind: 'INSTITUTION',
      institutionId: inst.id,
      fax: null,
      academicTutorRequired: false,
      companyTutorRequired: false,
      studentsMayEnterTutor: true,
      yearChoiceMonthBefore: true,
      yearChoiceMonthAfter: false,
      anonymousDeposit: true,
      studentsMayPrint: false,
      printCondition: 'AFTER_VALIDATION',
      confidentiality: 'FREE',
    });
    expect(await auditRows(t.db, 'centre.create')).toHaveLength(1);

    await s.a.post('/admin/centres/new').type('form').send({ ...centreForm(inst.id, { name: 'UFR Sciences' }), _csrf: s.csrf });
    await s.a.post('/admin/centres/new').type('form').send({ ...centreForm(inst.id, { name: 'Centre entreprises', kind: 'COMPANY_CENTRE' }), _csrf: s.csrf });
    const kinds = await t.db.managementCentre.findMany({ orderBy: { id: 'asc' }, select: { name: true, kind: true } });
    expect(kinds).toEqual([
      { name: 'SOIE', kind: 'INSTITUTION' },
      { name: 'UFR Sciences', kind: 'UFR' },
      { name: 'Centre entreprises', kind: 'COMPANY_CENTRE' },
    ]);

    const list = await s.a.get('/admin/centres');
    expect(list.status).toBe(200);
    expect(list.text).toContain('UFR Sciences');
    expect(list.text).toContain('Confidentialité libre');
  });

  it('requires name, address, postal code, city and phone (422, values and settings kept)', async () => {
    const inst = await makeInstitution(t.db);
    const res = await s.a
      .post('/admin/centres/new')
      .type('form')
      .send({ ...centreForm(inst.id, { phone: '', addressLine1: '', email: 'nope', printCondition: 'SOMETIMES' }), _csrf: s.csrf });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'phone')).toBe('Ce champ est obligatoire.');
    expect(fieldError(res.text, 'addressLine1')).toBe('Ce champ est obligatoire.');
    expect(fieldError(res.text, 'email')).not.toBeNull();
    expect(fieldError(res.text, 'printCondition')).toContain('Choisissez');
    expect(inputValue(res.text, 'name')).toBe('SOIE');
    expect(res.text).toContain('id="f-anonymousDeposit" name="anonymousDeposit" value="on" checked');
    expect(res.text).not.toContain('id="f-academicTutorRequired" name="academicTutorRequired" value="on" checked');
    expect(await t.db.managementCentre.count()).toBe(0);

    const noInst = await s.a.post('/admin/centres/new').type('form').send({ ...centreForm(999), _csrf: s.csrf });
    expect(noInst.status).toBe(422);
    expect(fieldError(noInst.text, 'institutionId')).not.toBeNull();
  });

  it('lets the platform administrator edit any centre, kind included', async () => {
    const centre = await makeCentre(t.db);
    await makeStaff(t.db, centre.id, 'ADMIN');
    const res = await s.a.post(`/centres/${centre.id}/edit`).type('form').send({ ...centreForm(centre.institutionId, { kind: 'COMPANY_CENTRE', name: 'Renommé' }), _csrf: s.csrf });
    expect(res.status).toBe(303);
    expect(await t.db.managementCentre.findUniqueOrThrow({ where: { id: centre.id } })).toMatchObject({ kind: 'COMPANY_CENTRE', name: 'Renommé' });
    const [row] = await auditRows(t.db, 'centre.update');
    expect(row.before).toMatchObject({ kind: 'UFR' });
    expect(row.actorId).not.toBeNull();
  });
});
