import { beforeEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld, type AgreementWorld } from '../factories/agreements.js';
import { makeOffer } from '../factories/applications.js';
import { orgForm } from '../factories/organisations.js';
import { auditRows } from '../factories/institutions.js';
import { day } from '../factories/legal.js';
import { fieldError, SSN } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const P = '/agreements/new';

/** The internship screen's form: Léa's three months at ACME, 7 h a day Monday to Friday. */
export function internshipForm(over: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    type: 'MANDATORY', subject: 'Refonte du site web', activities: 'Développement, tests', startDate: '2026-03-02', endDate: '2026-05-29',
    mon: '7', tue: '7', wed: '7', thu: '7', fri: '7', sat: '0', sun: '0', daysPerWeek: '5', workingTime: 'FULL_TIME', payAmount: '4,50', payUnit: 'HOUR', currency: 'EUR',
    paymentMethod: 'BANK_TRANSFER', leaveTerms: '2 jours par mois', printLanguage: 'fr', pauseFrom: ['', ''], pauseTo: ['', ''], ...over,
  };
}

/** The eight screens of the wizard as a user signed in on one device. */
async function wizardAs(app: Parameters<typeof agent>[0], email: string) {
  const s = await agent(app, email);
  const post = (path: string, body: Record<string, string | string[]> = {}) => s.a.post(`${P}/${path}`).type('form').send({ ...body, _csrf: s.csrf });
  return { ...s, post, get: (path: string) => s.a.get(`${P}/${path}`) };
}

type Session = Awaited<ReturnType<typeof wizardAs>>;

/** Screens 1 to 7 with the world's parties; `over` replaces a screen's form. */
async function fillTo(s: Session, w: AgreementWorld, last: string, over: Record<string, Record<string, string | string[]>> = {}) {
  const forms: [string, Record<string, string | string[]>][] = [
    ['student', { studentId: String(w.lea.profile.id), insurance: 'GENERAL', healthFund: 'CPAM du Rhône' }],
    ['host', { organisationId: String(w.acme.id) }],
    ['place', { choice: String(w.service.id) }],
    ['company-tutor', { choice: String(w.companyTutor.id) }],
    ['internship', internshipForm()],
    ['academic-tutor', { choice: String(w.teacher.id) }],
    ['signatory', { choice: String(w.signatory.id) }],
  ];
  for (const [path, form] of forms) {
    const res = await s.post(path, over[path] ?? form);
    expect(res.status, `${path}: ${res.text.slice(0, 2000)}`).toBe(303);
    if (path === last) return res;
  }
}

describe('creating an agreement in 8 steps', () => {
  const clock = new FixedClock('2026-02-01T10:00:00Z');
  const t = useApp({}, { clock });
  let w: AgreementWorld;
  beforeEach(async () => {
    clock.set('2026-02-01T10:00:00Z');
    w = await makeAgreementWorld(t.db);
  });

  it('goes through the eight screens and creates the DRAFT agreement with its number, the draft gone', async () => {
    const s = await wizardAs(t.app, 'a.write@test.example');
    const found = await s.a.get(`${P}/student?q=21900123`);
    expect(found.status).toBe(200);
    expect(found.text).toContain('Dubois Léa');
    await fillTo(s, w, 'student');
    expect((await s.a.get(`${P}/host?name=acme`)).text).toContain('ACME Lyon');
    expect((await s.a.get(`${P}/host?name=acme&department=75`)).text).not.toContain('ACME Lyon');
    expect((await s.a.get(`${P}/host?siret=73282932000074`)).text).toContain('ACME Lyon');
    expect((await s.a.get(`${P}/host?naf=62.01&city=lyon`)).text).toContain('ACME Lyon');
    expect((await s.a.get(`${P}/host?phone=0472000000`)).text).toContain('ACME Lyon');
    expect((await s.a.get(`${P}/host?department=69`)).text).not.toContain('ACME Lyon');
    expect((await s.a.get(`${P}/host?service=etudes`)).text).toContain('ACME Lyon');
    await fillTo(s, w, 'signatory');
    const summary = await s.get('summary');
    expect(summary.status).toBe(200);
    expect(summary.text).toContain('Refonte du site web');
    expect(summary.text).toContain('data-section="legal"');
    const done = await s.post('summary');
    expect(done.status).toBe(303);
    const a = await t.db.agreement.findFirstOrThrow();
    expect(done.headers.location).toBe(`/agreements/${a.id}`);
    expect(a).toMatchObject({ status: 'DRAFT', seq: 1, academicYear: '2025-2026', studentId: w.lea.profile.id, organisationId: w.acme.id, serviceId: w.service.id, companyTutorId: w.companyTutor.id, signatoryId: w.signatory.id, academicTutorId: w.teacher.id, centreId: w.centreA.id, workingTime: 'FULL_TIME' });
    expect(Number(a.daysPerWeek)).toBe(5);
    expect(Number(a.payAmount)).toBe(4.5);
    expect(await auditRows(t.db, 'agreement.create')).toHaveLength(1);
    expect(await t.db.wizardDraft.count()).toBe(0);
    expect((await s.a.get(`/agreements/${a.id}`)).text).toContain('2025-00001');
    expect(await t.db.studentProfile.findUniqueOrThrow({ where: { id: w.lea.profile.id } })).toMatchObject({ insurance: 'GENERAL', healthFund: 'CPAM du Rhône' });
  });

  it('refuses each screen with its message beside the field, the values kept (422)', async () => {
    const s = await wizardAs(t.app, 'a.write@test.example');
    await t.db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { ssn: null } });
    let res = await s.post('student', { studentId: String(w.lea.profile.id), insurance: 'GENERAL', healthFund: 'CPAM' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'ssn')).toBeTruthy();
    res = await s.post('student', { studentId: String(w.lea.profile.id), insurance: 'GENERAL', healthFund: 'CPAM', ssn: '294037512000592' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'ssn')).toBeTruthy();
    await t.db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { ssn: SSN } });
    res = await s.post('student', { insurance: 'GENERAL', healthFund: '' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'healthFund')).toBeTruthy();
    res = await s.post('student', { studentId: String(w.lea.profile.id), insurance: 'GENERAL', healthFund: 'CPAM', offer: 'no such offer' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'offer')).toBeTruthy();
    expect(res.text).toContain('value="CPAM"');
    await fillTo(s, w, 'student');
    expect((await s.post('host', { organisationId: 'x' })).status).toBe(422);
    await fillTo(s, w, 'host');
    res = await s.post('place', { choice: 'new', name: 'Lab', addressLine1: '' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'city')).toBeTruthy();
    // A service of another organisation is not a choice.
    const other = await t.db.service.create({ data: { organisationId: w.globex.id, name: 'Autre', normalizedName: 'autre' } });
    expect((await s.post('place', { choice: String(other.id) })).status).toBe(422);
    await fillTo(s, w, 'place');
    res = await s.post('company-tutor', { choice: 'new', firstName: 'Jean' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'lastName')).toBeTruthy();
    await fillTo(s, w, 'company-tutor');
    res = await s.post('internship', internshipForm({ endDate: '2026-02-01', mon: '25' }));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'endDate')).toBeTruthy();
    expect(fieldError(res.text, 'mon')).toBeTruthy();
    expect(res.text).toContain('value="Refonte du site web"');
    // Beyond two months of presence the leave terms are required (the engine's leave_required).
    res = await s.post('internship', internshipForm({ leaveTerms: '' }));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'leaveTerms')).toBeTruthy();
    expect(res.text).toContain('data-check="leave_required"');
    // No presence at all: the engine's blocking check stops the screen.
    res = await s.post('internship', internshipForm({ mon: '0', tue: '0', wed: '0', thu: '0', fri: '0' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-check="no_presence"');
    expect(await t.db.wizardDraft.findFirstOrThrow().then((d) => (d.data as Record<string, unknown>).internship)).toBeUndefined();
  });

  it('counts the hours already spent with the host this academic year (over 924 h: blocking)', async () => {
    await makeAgreement(t.db, w, { startDate: day('2025-09-01'), endDate: day('2026-02-20') }, { status: 'SUBMITTED', presenceHours: 800 });
    const s = await wizardAs(t.app, 'a.write@test.example');
    await fillTo(s, w, 'company-tutor');
    const res = await s.post('internship', internshipForm());
    expect(res.status).toBe(422);
    expect(res.text).toContain('data-check="host_year_cap"');
    // With another host, the same internship goes on.
    await s.post('host', { organisationId: String(w.globex.id) });
    await s.post('place', { choice: 'none' });
    await s.post('company-tutor', { choice: 'none' });
    expect((await s.post('internship', internshipForm())).status).toBe(303);
  });

  it('stops "Créer" on a blocking check of the summary (an overlapping agreement), and creates with it as a warning when the centre allows overlaps', async () => {
    await makeAgreement(t.db, w, { startDate: day('2026-04-01'), endDate: day('2026-06-30') }, { status: 'SUBMITTED', presenceHours: 100 });
    const s = await wizardAs(t.app, 'a.write@test.example');
    await fillTo(s, w, 'signatory', { host: { organisationId: String(w.globex.id) }, place: { choice: 'none' }, 'company-tutor': { choice: 'none' }, signatory: { choice: 'none' } });
    const summary = await s.get('summary');
    expect(summary.text).toContain('data-check="overlap"');
    const refused = await s.post('summary');
    expect(refused.status).toBe(422);
    expect(await t.db.agreement.count()).toBe(1);
    expect(await t.db.wizardDraft.count()).toBe(1);
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { agreementOverlapAllowed: true } });
    expect((await s.get('summary')).text).toContain('simulator-check-warning" data-check="overlap"');
    expect((await s.post('summary')).status).toBe(303);
    expect(await t.db.agreement.count()).toBe(2);
  });

  it('"Vérifier" shows the legal result on the internship screen without going on', async () => {
    const s = await wizardAs(t.app, 'a.write@test.example');
    await fillTo(s, w, 'company-tutor');
    const res = await s.post('internship', internshipForm({ action: 'check' }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('data-legal="duration"');
    expect(res.text).toContain('data-legal="stipend"');
    // Three months at 7 h a day: a stipend is due, month by month.
    expect(res.text).toContain('data-legal="total"');
    expect(res.text).toContain('data-month="2026-03"');
    expect((await s.get('academic-tutor')).headers.location).toBe(`${P}/internship`);
  });

  it('keeps the values going back, and resumes the draft from another session of the same user', async () => {
    const s = await wizardAs(t.app, 'a.write@test.example');
    await fillTo(s, w, 'internship', { internship: internshipForm({ subject: 'Un sujet repris', pauseFrom: ['2026-04-06', ''], pauseTo: ['2026-04-10', ''] }) });
    // The teachers searched by name: the institution's only.
    const found = await s.a.get(`${P}/academic-tutor?q=paul`);
    expect(found.text).toContain(`value="${w.teacher.id}"`);
    expect(found.text).not.toContain(`value="${w.otherTeacher.id}"`);
    expect((await s.a.get(`${P}/academic-tutor`)).text).toContain(`value="${w.otherTeacher.id}"`);
    const back = await s.get('internship');
    expect(back.text).toContain('value="Un sujet repris"');
    expect(back.text).toContain('value="2026-04-06"');
    expect((await s.get('student')).text).toMatch(new RegExp(`value="${w.lea.profile.id}" checked`));

    const other = await wizardAs(t.app, 'a.write@test.example');
    expect((await other.a.get(P)).headers.location).toBe(`${P}/academic-tutor`);
    expect((await other.get('internship')).text).toContain('value="Un sujet repris"');
    // Someone else does not see it.
    const admin = await wizardAs(t.app, 'a.admin@test.example');
    expect((await admin.get('internship')).headers.location).toBe(`${P}/student`);
  });

  it('sends a screen reached too early back to the first one missing', async () => {
    const s = await wizardAs(t.app, 'a.write@test.example');
    expect((await s.get('summary')).headers.location).toBe(`${P}/student`);
    expect((await s.post('summary')).headers.location).toBe(`${P}/student`);
    expect(await t.db.agreement.count()).toBe(0);
  });

  it('lets the offer fill the host, and creates the new service and contacts with the agreement', async () => {
    const offer = await makeOffer(t.db, w.acme.id, { title: 'Développeur web', missions: 'Écrire les écrans du portail', centreId: w.centreA.id });
    // An offer out of the staff's reach (another centre's, no application of the student) is not found.
    const foreign = await makeOffer(t.db, w.globex.id, { title: 'Poste confidentiel', centreId: w.centreB.id });
    await t.db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { ssn: null } });
    const s = await wizardAs(t.app, 'a.write@test.example');
    expect((await s.post('student', { studentId: String(w.lea.profile.id), insurance: 'GENERAL', healthFund: 'CPAM', ssn: SSN, offer: String(foreign.id) })).status).toBe(422);
    expect((await s.post('student', { studentId: String(w.lea.profile.id), insurance: 'GENERAL', healthFund: 'CPAM', ssn: SSN, offer: 'confidentiel' })).status).toBe(422);
    // A title is searched from five characters on.
    expect((await s.post('student', { studentId: String(w.lea.profile.id), insurance: 'GENERAL', healthFund: 'CPAM', ssn: SSN, offer: 'Dév' })).status).toBe(422);
    expect((await s.post('student', { studentId: String(w.lea.profile.id), insurance: 'GENERAL', healthFund: 'CPAM', ssn: SSN, offer: 'développeur' })).status).toBe(303);
    await s.post('student', { studentId: String(w.lea.profile.id), insurance: 'GENERAL', healthFund: 'CPAM', ssn: SSN, offer: String(offer.id) });
    expect((await s.get('host')).text).toMatch(new RegExp(`value="${w.acme.id}" checked`));
    await s.post('host', { organisationId: String(w.acme.id) });
    await s.post('place', { choice: 'new', name: 'Laboratoire', sameAddress: 'on' });
    await s.post('company-tutor', { choice: 'new', civility: 'MR', firstName: 'Jean', lastName: 'Neuf', function: 'Chef de projet', email: 'jean@acme.test' });
    const prefilled = await s.get('internship');
    expect(prefilled.text).toContain('value="Développeur web"');
    expect(prefilled.text).toContain('Écrire les écrans du portail');
    await s.post('internship', internshipForm());
    await s.post('academic-tutor', { choice: String(w.teacher.id) });
    // The signatory in another service of the organisation (one of another organisation is refused).
    const direction = await t.db.service.create({ data: { organisationId: w.acme.id, name: 'Direction', normalizedName: 'direction' } });
    const globexService = await t.db.service.create({ data: { organisationId: w.globex.id, name: 'Ailleurs', normalizedName: 'ailleurs' } });
    expect((await s.post('signatory', { choice: 'new', firstName: 'Anne', lastName: 'Signe', function: 'Gérante', service: String(globexService.id) })).status).toBe(422);
    await s.post('signatory', { choice: 'new', firstName: 'Anne', lastName: 'Signe', function: 'Gérante', service: String(direction.id) });
    expect(await t.db.contact.count({ where: { lastName: 'Neuf' } })).toBe(0);
    expect((await s.post('summary')).status).toBe(303);
    const a = await t.db.agreement.findFirstOrThrow({ include: { service: true, companyTutor: true, signatory: true } });
    expect(a.offerId).toBe(offer.id);
    expect(a.service).toMatchObject({ name: 'Laboratoire', organisationId: w.acme.id, sameAddress: true });
    expect(a.companyTutor).toMatchObject({ lastName: 'Neuf', serviceId: a.serviceId, organisationId: w.acme.id });
    expect(a.signatory).toMatchObject({ lastName: 'Signe', organisationId: w.acme.id, serviceId: direction.id });
    expect((await t.db.studentProfile.findUniqueOrThrow({ where: { id: w.lea.profile.id } })).ssn).toBe(SSN);
  });

  it('creates a new host with the agreement, unverified, in the queue of the student\'s centre', async () => {
    const s = await wizardAs(t.app, 'a.write@test.example');
    await fillTo(s, w, 'student');
    expect((await s.a.get(`${P}/host/create`)).status).toBe(200);
    let res = await s.post('host/create', orgForm({ nafCode: '' }));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'nafCode')).toBeTruthy();
    res = await s.post('host/create', orgForm({ siret: '73282932000074' }));
    expect(res.status).toBe(422);
    // ACME's SIRET: the directory's rule, refused with the candidate shown.
    expect(fieldError(res.text, 'siret')).toBeTruthy();
    expect(res.text).toContain('ACME Lyon');
    res = await s.post('host/create', orgForm());
    expect(res.headers.location).toBe(`${P}/place`);
    expect(await t.db.organisation.count({ where: { legalName: 'Volcans Numériques' } })).toBe(0);
    expect((await s.get('host')).text).toContain('data-new-host');
    expect((await s.get('host/create')).text).toContain('value="Volcans Numériques"');
    await s.post('place', { choice: 'new', name: 'Atelier', sameAddress: 'on' });
    await s.post('company-tutor', { choice: 'new', firstName: 'Jean', lastName: 'Neuf', function: 'Chef' });
    await s.post('internship', internshipForm());
    await s.post('academic-tutor', { choice: String(w.teacher.id) });
    await s.post('signatory', { choice: 'new', firstName: 'Anne', lastName: 'Signe', function: 'Gérante' });
    expect((await s.get('summary')).text).toContain('Volcans Numériques');
    expect((await s.post('summary')).status).toBe(303);
    const a = await t.db.agreement.findFirstOrThrow({ include: { organisation: true, service: true } });
    expect(a.organisation).toMatchObject({ legalName: 'Volcans Numériques', verified: false, centreId: w.centreA.id, siret: '44306184100047' });
    expect(a.service?.organisationId).toBe(a.organisationId);
    expect(await auditRows(t.db, 'organisation.create')).toHaveLength(1);
  });

  it('follows the centre: tutors required or optional', async () => {
    const s = await wizardAs(t.app, 'a.write@test.example');
    await fillTo(s, w, 'place');
    expect((await s.get('company-tutor')).text).toContain('value="none"');
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { companyTutorRequired: true, academicTutorRequired: true } });
    expect((await s.get('company-tutor')).text).not.toContain('value="none"');
    let res = await s.post('company-tutor', { choice: 'none' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'choice')).toBeTruthy();
    await fillTo(s, w, 'internship');
    res = await s.post('academic-tutor', { choice: 'none' });
    expect(res.status).toBe(422);
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { companyTutorRequired: false, academicTutorRequired: false } });
    expect((await s.post('academic-tutor', { choice: 'none' })).status).toBe(303);
    expect((await s.post('company-tutor', { choice: 'none' })).status).toBe(303);
    // The signatory may be told later.
    expect((await s.post('signatory', { choice: 'none' })).status).toBe(303);
    await s.post('summary');
    expect(await t.db.agreement.findFirstOrThrow()).toMatchObject({ companyTutorId: null, academicTutorId: null, signatoryId: null });
  });

  it('lets a student create their own agreement only when the centre allows it, and the tutor entry follows the centre', async () => {
    let s = await wizardAs(t.app, 'lea.dubois@etu.test');
    expect((await s.get('student')).status).toBe(404);
    expect((await s.post('student', { insurance: 'GENERAL', healthFund: 'CPAM' })).status).toBe(404);
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { studentsMayCreateAgreements: true, studentsMayEnterTutor: false, academicTutorRequired: true } });
    s = await wizardAs(t.app, 'lea.dubois@etu.test');
    await t.db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { healthFund: 'CPAM de Lyon' } });
    const page = await s.get('student');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('name="q"');
    expect(page.text).toContain('value="CPAM de Lyon"');
    // Another student's id is ignored: a student is always themselves.
    await fillTo(s, w, 'internship', { student: { studentId: String(w.hugo.profile.id), insurance: 'GENERAL', healthFund: 'CPAM' } });
    expect((await s.get('academic-tutor')).text).not.toContain(`value="${w.teacher.id}"`);
    expect((await s.post('academic-tutor', { choice: String(w.teacher.id) })).status).toBe(422);
    expect((await s.post('academic-tutor', { choice: 'none' })).status).toBe(303);
    await s.post('signatory', { choice: String(w.signatory.id) });
    expect((await s.post('summary')).status).toBe(303);
    expect(await t.db.agreement.findFirstOrThrow()).toMatchObject({ studentId: w.lea.profile.id, academicTutorId: null, createdById: w.lea.user.id });
  });

  it('keeps staff to their centres\' students (404 for another centre\'s)', async () => {
    const s = await wizardAs(t.app, 'a.write@test.example');
    expect((await s.a.get(`${P}/student?q=Bernard`)).text).not.toContain('21900456');
    expect((await s.post('student', { studentId: String(w.hugo.profile.id), insurance: 'GENERAL', healthFund: 'CPAM' })).status).toBe(404);
    expect((await s.a.get('/agreements/dashboard')).text).toContain('href="/agreements/new"');
    expect((await (await wizardAs(t.app, 'a.read@test.example')).a.get('/agreements/dashboard')).text).not.toContain('href="/agreements/new"');
    const b = await wizardAs(t.app, 'b.write@test.example');
    expect((await b.a.get(`${P}/student?q=Bernard`)).text).toContain('21900456');
    // READ staff hold no WRITE right anywhere: 403 by the policy.
    expect((await (await wizardAs(t.app, 'a.read@test.example')).get('student')).status).toBe(403);
  });

  it('offers the neighbouring academic year only as the centre allows, near the year\'s start', async () => {
    const s = await wizardAs(t.app, 'a.write@test.example');
    await fillTo(s, w, 'company-tutor');
    const late = internshipForm({ startDate: '2026-08-17', endDate: '2026-10-30' });
    let res = await s.post('internship', { ...late, action: 'check' });
    expect(res.text).toContain('value="2026-2027"');
    expect(res.text).toContain('value="2025-2026"');
    expect((await s.post('internship', { ...late, academicYear: '2024-2025' })).status).toBe(422);
    expect((await s.post('internship', { ...late, academicYear: '2026-2027' })).status).toBe(303);
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { yearChoiceMonthBefore: false } });
    res = await s.post('internship', { ...late, academicYear: '2026-2027' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'academicYear')).toBeTruthy();
    await s.post('internship', { ...late, academicYear: '' });
    // A start in the year's first month: the previous year, when allowed.
    res = await s.post('internship', { ...internshipForm({ startDate: '2026-09-14', endDate: '2026-11-27' }), action: 'check' });
    expect(res.text).toContain('value="2025-2026"');
    await fillTo(s, w, 'signatory', { student: { studentId: String(w.lea.profile.id), insurance: 'GENERAL', healthFund: 'CPAM' }, internship: { ...internshipForm({ startDate: '2026-09-14', endDate: '2026-11-27' }), academicYear: '2025-2026' } });
    await s.post('summary');
    expect(await t.db.agreement.findFirstOrThrow()).toMatchObject({ academicYear: '2025-2026' });
  });
});
