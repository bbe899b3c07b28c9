import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { auditRows } from '../factories/institutions.js';
import { fieldError } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

/** The internship screen's form as the agreement's factory made it, with `over`. */
function form(over: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    type: 'MANDATORY', subject: 'Refonte du site web', activities: 'Développement, tests', startDate: '2026-03-02', endDate: '2026-05-29',
    mon: '7', tue: '7', wed: '7', thu: '7', fri: '7', sat: '0', sun: '0', daysPerWeek: '5', workingTime: 'FULL_TIME', payAmount: '4,50', payUnit: 'HOUR', currency: 'EUR',
    paymentMethod: 'BANK_TRANSFER', leaveTerms: '2 jours par mois', printLanguage: 'fr', pauseFrom: ['', ''], pauseTo: ['', ''], ...over,
  };
}

describe('the pages editing an agreement', () => {
  const clock = new FixedClock('2026-02-01T10:00:00Z');
  const t = useApp({}, { clock });
  const as = async (email: string) => {
    const s = await agent(t.app, email);
    return { ...s, post: (id: number, body: Record<string, string | string[]>) => s.a.post(`/agreements/${id}/edit/internship`).type('form').send({ ...body, _csrf: s.csrf }) };
  };
  const subjectOf = async (id: number) => (await t.db.agreement.findUniqueOrThrow({ where: { id } })).subject;

  it('lets the student edit their DRAFT from its page, with its values loaded, and writes the audit row', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    const s = await as('lea.dubois@etu.test');
    expect((await s.a.get(`/agreements/${a.id}`)).text).toContain(`href="/agreements/${a.id}/edit"`);
    expect((await s.a.get(`/agreements/${a.id}/edit`)).headers.location).toBe(`/agreements/${a.id}/edit/internship`);
    const page = await s.a.get(`/agreements/${a.id}/edit/internship`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="Refonte du site web"');
    expect(page.text).toContain('value="2026-05-29"');

    const res = await s.post(a.id, form({ subject: 'Nouveau sujet', endDate: '2026-05-22' }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/agreements/${a.id}`);
    expect(await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ subject: 'Nouveau sujet', endDate: new Date('2026-05-22T00:00:00Z') });
    expect((await auditRows(t.db, 'agreement.update'))[0]).toMatchObject({ before: { subject: 'Refonte du site web' }, after: { subject: 'Nouveau sujet' } });
  });

  it('keeps the values typed on a 422, messages beside the fields, and refuses a blocking check of the law', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    const s = await as('a.write@test.example');
    const bad = await s.post(a.id, form({ subject: 'Sujet gardé', endDate: '2026-02-01' }));
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'endDate')).toBeTruthy();
    expect(bad.text).toContain('value="Sujet gardé"');
    const blocked = await s.post(a.id, form({ subject: 'Trop long', mon: '12' }));
    expect(blocked.status).toBe(422);
    expect(blocked.text).toContain('value="Trop long"');
    expect(blocked.text).toContain('Un contrôle bloquant empêche de continuer.');
    expect(await subjectOf(a.id)).toBe('Refonte du site web');
  });

  it('stops the student after the first validation step, staff at VALIDATED (undo it first), and hides it out of reach', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w, {}, { status: 'PEDAGOGICAL_DONE', pedagogicalAt: new Date() });
    const lea = await as('lea.dubois@etu.test');
    expect((await lea.a.get(`/agreements/${a.id}`)).text).not.toContain(`/agreements/${a.id}/edit`);
    expect((await lea.a.get(`/agreements/${a.id}/edit/internship`)).status).toBe(403);
    expect((await lea.post(a.id, form({ subject: 'x' }))).status).toBe(403);

    const hugo = await as('hugo.bernard@etu.test');
    expect((await hugo.a.get(`/agreements/${a.id}/edit/internship`)).status).toBe(404);
    expect((await hugo.post(a.id, form({ subject: 'x' }))).status).toBe(404);

    const staff = await as('a.write@test.example');
    expect((await staff.a.get(`/agreements/${a.id}`)).text).toContain(`href="/agreements/${a.id}/edit"`);
    expect((await staff.post(a.id, form({ subject: 'Sujet du centre' }))).status).toBe(303);

    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'VALIDATED', validatedAt: new Date() } });
    expect((await staff.a.get(`/agreements/${a.id}`)).text).not.toContain(`/agreements/${a.id}/edit`);
    const refused = await staff.post(a.id, form({ subject: 'x' }));
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('annulez d&#39;abord sa validation');
    expect(await subjectOf(a.id)).toBe('Sujet du centre');
  });

  it("changes the academic tutor on the wizard's screen 6, as the centre's rules say", async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    const staff = await as('a.write@test.example');
    const post = (s: typeof staff, choice: string) => s.a.post(`/agreements/${a.id}/edit/academic-tutor`).type('form').send({ choice, _csrf: s.csrf });
    const page = await staff.a.get(`/agreements/${a.id}/edit/academic-tutor`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(new RegExp(`value="${w.teacher.id}"[^>]*checked`));

    await t.db.managementCentre.update({ where: { id: a.centreId }, data: { academicTutorRequired: false } });
    expect((await post(staff, 'none')).status).toBe(303);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).academicTutorId).toBeNull();
    expect((await auditRows(t.db, 'agreement.update'))[0]).toMatchObject({ before: { academicTutorId: w.teacher.id }, after: { academicTutorId: null } });

    await t.db.managementCentre.update({ where: { id: a.centreId }, data: { academicTutorRequired: true } });
    const required = await post(staff, 'none');
    expect(required.status).toBe(422);
    expect(fieldError(required.text, 'choice')).toBeTruthy();
    expect((await post(staff, '999999')).status).toBe(422);
    expect((await post(staff, String(w.teacher.id))).status).toBe(303);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).academicTutorId).toBe(w.teacher.id);

    // A student whose centre chooses the tutor has nothing to edit here.
    await t.db.managementCentre.update({ where: { id: a.centreId }, data: { studentsMayEnterTutor: false } });
    const lea = await as('lea.dubois@etu.test');
    expect((await lea.a.get(`/agreements/${a.id}/edit/academic-tutor`)).status).toBe(403);
    expect((await post(lea, 'none')).status).toBe(403);
  });

  it("changes the company tutor and the signatory among the host's contacts (screens 4 and 7)", async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    const other = await t.db.contact.create({ data: { organisationId: w.acme.id, firstName: 'Inès', lastName: 'Morel' } });
    const elsewhere = await t.db.contact.create({ data: { organisationId: w.globex.id, firstName: 'G', lastName: 'H' } });
    const lea = await as('lea.dubois@etu.test');
    const post = (slug: string, choice: string) => lea.a.post(`/agreements/${a.id}/edit/${slug}`).type('form').send({ choice, _csrf: lea.csrf });
    const page = await lea.a.get(`/agreements/${a.id}/edit/company-tutor`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(new RegExp(`value="${w.companyTutor.id}"[^>]*checked`));
    expect(page.text).toContain('Inès Morel');
    expect(page.text).toContain('value="new"');

    expect((await post('company-tutor', String(elsewhere.id))).status).toBe(422);
    await t.db.managementCentre.update({ where: { id: a.centreId }, data: { companyTutorRequired: true } });
    const required = await post('company-tutor', 'none');
    expect(required.status).toBe(422);
    expect(fieldError(required.text, 'choice')).toBeTruthy();
    expect((await post('company-tutor', String(other.id))).status).toBe(303);
    expect((await post('signatory', 'none')).status).toBe(303);
    expect(await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ companyTutorId: other.id, signatoryId: null });
    expect((await auditRows(t.db, 'agreement.update')).map((r) => r.after)).toEqual([{ companyTutorId: other.id }, { signatoryId: null }]);

    const hugo = await as('hugo.bernard@etu.test');
    expect((await hugo.a.get(`/agreements/${a.id}/edit/signatory`)).status).toBe(404);
  });

  it("changes the service among the host's, or none (screen 3)", async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    const staff = await as('a.write@test.example');
    const post = (choice: string) => staff.a.post(`/agreements/${a.id}/edit/place`).type('form').send({ choice, _csrf: staff.csrf });
    const page = await staff.a.get(`/agreements/${a.id}/edit/place`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(new RegExp(`value="${w.service.id}"[^>]*checked`));
    expect(page.text).toContain('value="new"');
    const elsewhere = await t.db.service.create({ data: { organisationId: w.globex.id, name: 'Ailleurs', normalizedName: 'ailleurs' } });
    const refused = await post(String(elsewhere.id));
    expect(refused.status).toBe(422);
    expect(fieldError(refused.text, 'choice')).toBeTruthy();
    expect((await post('none')).status).toBe(303);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).serviceId).toBeNull();
  });

  it('adds a new service, company tutor or signatory to the host with the edit, in one transaction (screens 3, 4 and 7)', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    const staff = await as('a.write@test.example');
    const post = (slug: string, form: Record<string, string>) => staff.a.post(`/agreements/${a.id}/edit/${slug}`).type('form').send({ ...form, _csrf: staff.csrf });
    const contacts = () => t.db.contact.count({ where: { organisationId: w.acme.id } });
    const before = await contacts();

    // A new person without the required fields: refused beside them, what was typed kept, nothing added.
    const missing = await post('company-tutor', { choice: 'new', firstName: 'Nora', lastName: '', function: '' });
    expect(missing.status).toBe(422);
    expect(fieldError(missing.text, 'lastName')).toBeTruthy();
    expect(missing.text).toContain('value="Nora"');
    expect(await contacts()).toBe(before);

    // A new service at its own address, then a new tutor: both in the host, the tutor in that service.
    expect((await post('place', { choice: 'new', name: 'Atelier Lyon', addressLine1: '3 rue Neuve', postalCode: '69002', city: 'Lyon', country: 'FR' })).status).toBe(303);
    const service = await t.db.service.findFirstOrThrow({ where: { organisationId: w.acme.id, name: 'Atelier Lyon' } });
    expect(service).toMatchObject({ sameAddress: false, city: 'Lyon', department: '69' });
    expect((await post('company-tutor', { choice: 'new', civility: 'MRS', firstName: 'Nora', lastName: 'Petit', function: 'Cheffe d\'atelier', email: 'nora@acme.test' })).status).toBe(303);
    const tutor = await t.db.contact.findFirstOrThrow({ where: { email: 'nora@acme.test' } });
    expect(tutor).toMatchObject({ organisationId: w.acme.id, serviceId: service.id, lastName: 'Petit' });
    // A new signatory in the internship's service.
    expect((await post('signatory', { choice: 'new', firstName: 'Paul', lastName: 'Roy', function: 'Directeur', service: 'place' })).status).toBe(303);
    const signatory = await t.db.contact.findFirstOrThrow({ where: { lastName: 'Roy' } });
    expect(signatory.serviceId).toBe(service.id);
    expect(await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ serviceId: service.id, companyTutorId: tutor.id, signatoryId: signatory.id });
    expect((await auditRows(t.db, 'agreement.update')).map((r) => r.after)).toEqual([{ serviceId: service.id }, { companyTutorId: tutor.id }, { signatoryId: signatory.id }]);

    // An edit the law then refuses (a sent agreement is computed again; another one of the student's now
    // overlaps it): refused, and the new contact is not left behind in the directory.
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'SUBMITTED', submittedAt: new Date() } });
    await makeAgreement(t.db, w, {}, { status: 'SUBMITTED' });
    const total = await contacts();
    const refused = await post('company-tutor', { choice: 'new', firstName: 'Zoé', lastName: 'Lang', function: 'Ingénieure' });
    expect(refused.status).toBe(422);
    expect(await contacts()).toBe(total);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).companyTutorId).toBe(tutor.id);
  });

  it("changes the host organisation, searched in the directory, which takes the old host's service and contacts away (screen 2)", async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    const lea = await as('lea.dubois@etu.test');
    const page = await lea.a.get(`/agreements/${a.id}/edit/host`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(new RegExp(`value="${w.acme.id}"[^>]*checked`));
    const found = await lea.a.get(`/agreements/${a.id}/edit/host?name=${encodeURIComponent(w.globex.legalName)}`);
    expect(found.text).toContain(`value="${w.globex.id}"`);

    const post = (organisationId: string) => lea.a.post(`/agreements/${a.id}/edit/host`).type('form').send({ organisationId, _csrf: lea.csrf });
    const unknown = await post('999999');
    expect(unknown.status).toBe(422);
    expect(fieldError(unknown.text, 'organisationId')).toBeTruthy();
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).organisationId).toBe(w.acme.id);

    const moved = await post(String(w.globex.id));
    expect(moved.status).toBe(303);
    expect(moved.headers.location).toBe(`/agreements/${a.id}/edit/place`);
    expect(await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ organisationId: w.globex.id, serviceId: null, companyTutorId: null, signatoryId: null });
    const [row] = await auditRows(t.db, 'agreement.update');
    expect(row.after).toMatchObject({ organisationId: w.globex.id, serviceId: null, companyTutorId: null });
    // The service's screen now offers the new host's services only.
    const place = await lea.a.get(`/agreements/${a.id}/edit/place`);
    expect(place.text).not.toContain(`value="${w.service.id}"`);

    const hugo = await as('hugo.bernard@etu.test');
    expect((await hugo.a.get(`/agreements/${a.id}/edit/host`)).status).toBe(404);
  });
});
