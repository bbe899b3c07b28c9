import { beforeEach, describe, expect, it } from 'vitest';
import type { Agreement } from '../../src/generated/prisma/client.js';
import { agreementInput, makeAgreement, makeAgreementWorld, type AgreementWorld } from '../factories/agreements.js';
import { auditRows } from '../factories/institutions.js';
import { day, schedule } from '../factories/legal.js';
import { mailsTo } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

type Agent = Awaited<ReturnType<typeof agent>>;

describe('agreement workflow', () => {
  const t = useApp();
  let w: AgreementWorld;
  let a: Agreement;
  const as: Record<string, Agent> = {};
  const who = async (email: string) => (as[email] ??= await agent(t.app, email));
  const post = async (email: string, action: string, id = a.id) => {
    const s = await who(email);
    return s.a.post(`/agreements/${id}/${action}`).type('form').send({ _csrf: s.csrf });
  };
  const state = async (id = a.id) => (await t.db.agreement.findUniqueOrThrow({ where: { id } })).status;
  const STUDENT = 'lea.dubois@etu.test';
  const TEACHER = 'teacher@uda.test';
  const WRITE = 'a.write@test.example';

  beforeEach(async () => {
    for (const k of Object.keys(as)) delete as[k];
    w = await makeAgreementWorld(t.db);
    a = await makeAgreement(t.db, w);
    // These are the validation steps of issue 12: centres without a signature phase (its own tests:
    // signatures*.test.ts), where the centre validates once the steps are done.
    await t.db.managementCentre.updateMany({ data: { signatureParties: [] } });
  });

  it('goes DRAFT → SUBMITTED → pedagogical → administrative → VALIDATED, each by its person, audited and mailed', async () => {
    expect((await post(STUDENT, 'submit')).status).toBe(303);
    const sent = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(sent).toMatchObject({ status: 'SUBMITTED', submittedById: w.lea.user.id, stipendDue: true, presenceDays: 60 });
    expect(sent.presenceHours?.toNumber()).toBe(420);
    expect(sent.snapshot).toMatchObject({ number: '2025-00001', organisation: { legalName: 'ACME Lyon' } });
    // The academic tutor is told; the student acted and is not.
    expect(await mailsTo(t.db, TEACHER)).toHaveLength(1);
    expect(await mailsTo(t.db, STUDENT)).toHaveLength(0);

    // Administrative verification waits for the pedagogical validation (the default order): 422.
    expect((await post(WRITE, 'verifyAdministrative')).status).toBe(422);
    // The year manager of another year does not reach it; a READ member reaches it but may not act.
    expect((await post('year.l2@test.example', 'validatePedagogical')).status).toBe(404);
    expect((await post('a.read@test.example', 'validatePedagogical')).status).toBe(403);
    // WRITE staff are not the pedagogical validators.
    expect((await post(WRITE, 'validatePedagogical')).status).toBe(403);
    expect((await post(TEACHER, 'validatePedagogical')).status).toBe(303);
    expect(await state()).toBe('PEDAGOGICAL_DONE');
    // Undo while the next step is not done, then again.
    expect((await post('year.l3@test.example', 'unvalidatePedagogical')).status).toBe(303);
    expect(await state()).toBe('SUBMITTED');
    expect((await post('year.l3@test.example', 'validatePedagogical')).status).toBe(303);

    expect((await post(WRITE, 'verifyAdministrative')).status).toBe(303);
    expect(await state()).toBe('ADMINISTRATIVE_DONE');
    // The pedagogical step can no longer be undone: the next one is done.
    expect((await post(TEACHER, 'unvalidatePedagogical')).status).toBe(422);
    expect((await post(STUDENT, 'validate')).status).toBe(403);
    expect((await post(WRITE, 'validate')).status).toBe(303);
    expect(await state()).toBe('VALIDATED');
    expect((await post(WRITE, 'unverifyAdministrative')).status).toBe(422);

    expect((await auditRows(t.db, 'agreement.validate')).map((r) => r.after)).toEqual([{ status: 'VALIDATED' }]);
    expect(await auditRows(t.db, 'agreement.unvalidatePedagogical')).toHaveLength(1);
    // The student was told of each change made by others (5 changes after the submission), the company tutor of the validation.
    const studentMails = await mailsTo(t.db, STUDENT);
    expect(studentMails).toHaveLength(5);
    expect(studentMails.at(-1)!.subject).toBe('Convention de stage n° 2025-00001 : Validée');
    expect((await mailsTo(t.db, 'tutor@acme.test')).map((m) => m.template)).toEqual(['agreement-status']);
  });

  it('writes to a company tutor without an account at the contact\'s address, in the language the agreement prints in', async () => {
    await t.db.contact.update({ where: { id: w.companyTutor.id }, data: { userId: null, email: 'bruno.paper@acme.test' } });
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'ADMINISTRATIVE_DONE', submittedAt: new Date(), pedagogicalAt: new Date(), administrativeAt: new Date(), printLanguage: 'en' } });
    expect((await post(WRITE, 'validate')).status).toBe(303);
    const [mail] = await mailsTo(t.db, 'bruno.paper@acme.test');
    expect(mail.subject).toBe('Internship agreement no. 2025-00001: Validated');
    // Printed in German, which the site does not speak: French.
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'ADMINISTRATIVE_DONE', validatedAt: null, printLanguage: 'de' } });
    expect((await post(WRITE, 'validate')).status).toBe(303);
    expect((await mailsTo(t.db, 'bruno.paper@acme.test')).at(-1)!.subject).toBe('Convention de stage n° 2025-00001 : Validée');
  });

  it('is un-validated back to the last step done, audited and mailed in each person\'s language, and never deleted while VALIDATED', async () => {
    await t.db.user.update({ where: { id: w.teacher.id }, data: { locale: 'en' } });
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'VALIDATED', submittedAt: new Date(), pedagogicalAt: new Date('2026-02-01'), administrativeAt: new Date('2026-02-02'), validatedAt: new Date() } });
    const refused = await post(WRITE, 'delete');
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Une convention validée ne peut pas être supprimée');
    expect(await t.db.agreement.count()).toBe(1);

    expect((await post(WRITE, 'unvalidate')).status).toBe(303);
    expect(await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: 'ADMINISTRATIVE_DONE', validatedAt: null });
    expect(await auditRows(t.db, 'agreement.unvalidate')).toHaveLength(1);
    expect((await mailsTo(t.db, TEACHER))[0].subject).toBe('Internship agreement no. 2025-00001: Checked by the administration');
    expect(await mailsTo(t.db, STUDENT)).toHaveLength(1);

    // Now it can be deleted, by the managing centre's WRITE staff only.
    expect((await post('b.write@test.example', 'delete')).status).toBe(404);
    expect((await post(TEACHER, 'delete')).status).toBe(403);
    const del = await post(WRITE, 'delete');
    expect(del.status).toBe(303);
    expect(await t.db.agreement.count()).toBe(0);
    expect((await auditRows(t.db, 'agreement.delete'))[0].before).toMatchObject({ number: '2025-00001', status: 'ADMINISTRATIVE_DONE' });
  });

  it('follows the centre: administrative first, or steps disabled', async () => {
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { administrativeFirst: true } });
    expect((await post(WRITE, 'submit')).status).toBe(303);
    expect((await post(TEACHER, 'validatePedagogical')).status).toBe(422);
    expect((await post(WRITE, 'verifyAdministrative')).status).toBe(303);
    expect((await post(WRITE, 'validate')).status).toBe(422);
    expect((await post(TEACHER, 'validatePedagogical')).status).toBe(303);
    expect(await state()).toBe('PEDAGOGICAL_DONE');
    // Undoing the pedagogical step (the last one) goes back to the administrative one.
    expect((await post(TEACHER, 'unvalidatePedagogical')).status).toBe(303);
    expect(await state()).toBe('ADMINISTRATIVE_DONE');

    const b = await makeAgreement(t.db, w, { startDate: day('2026-06-01'), endDate: day('2026-06-26') });
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { pedagogicalStep: false, administrativeStep: false } });
    expect((await post(STUDENT, 'submit', b.id)).status).toBe(303);
    expect((await post(TEACHER, 'validatePedagogical', b.id)).status).toBe(422);
    expect((await post(WRITE, 'validate', b.id)).status).toBe(303);
    expect((await post(WRITE, 'unvalidate', b.id)).status).toBe(303);
    expect(await state(b.id)).toBe('SUBMITTED');
  });

  it('refuses a submission that a blocking check stops, and counts the hours already spent with the host (same SIRET)', async () => {
    // Several internships of Léa's on the same weeks: overlaps are not the subject here.
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { agreementOverlapAllowed: true } });
    const long = await makeAgreement(t.db, w, { schedule: schedule({ mon: 11, tue: 7, wed: 7, thu: 7, fri: 7 }) });
    const res = await post(STUDENT, 'submit', long.id);
    expect(res.status).toBe(422);
    expect(res.text).toContain('au moins une vérification la bloque');
    expect(res.text).toContain('data-check="daily_hours_cap"');
    expect(await state(long.id)).toBe('DRAFT');

    // An earlier internship this academic year at ACME's establishment entered again under another name (same SIRET): 510 h.
    const twin = await t.db.organisation.update({ where: { id: w.globex.id }, data: { siret: '73282932000074' } });
    await makeAgreement(t.db, w, { organisationId: twin.id, serviceId: null, companyTutorId: null, signatoryId: null, startDate: day('2025-10-01'), endDate: day('2025-12-19') }, { status: 'VALIDATED', presenceHours: 510 });
    // 510 + 420 h > 924 h: refused.
    expect((await post(STUDENT, 'submit')).status).toBe(422);
    expect(await state()).toBe('DRAFT');
    // A shorter one passes, and the stipend is due over 308 h with the host although it is short.
    const short = await makeAgreement(t.db, w, { startDate: day('2026-03-02'), endDate: day('2026-03-13') });
    expect((await post(STUDENT, 'submit', short.id)).status).toBe(303);
    const stored = await t.db.agreement.findUniqueOrThrow({ where: { id: short.id } });
    expect(stored.previousHours?.toNumber()).toBe(510);
    expect(stored.stipendDue).toBe(true);
    // Without the earlier internship, 70 h alone owe nothing.
    await t.db.organisation.update({ where: { id: twin.id }, data: { siret: null } });
    const alone = await makeAgreement(t.db, w, { startDate: day('2026-03-16'), endDate: day('2026-03-27') });
    expect((await post(STUDENT, 'submit', alone.id)).status).toBe(303);
    expect(await t.db.agreement.findUniqueOrThrow({ where: { id: alone.id } })).toMatchObject({ stipendDue: false });
  });

  it('keeps its copy from submission: a renamed host does not change the page', async () => {
    const before = await (await who(WRITE)).a.get(`/agreements/${a.id}`);
    expect(before.text).toContain('ACME Lyon');
    expect((await post(STUDENT, 'submit')).status).toBe(303);
    await t.db.organisation.update({ where: { id: w.acme.id }, data: { legalName: 'ACME Renamed' } });
    await t.db.contact.update({ where: { id: w.companyTutor.id }, data: { lastName: 'Autre' } });
    const page = await (await who(WRITE)).a.get(`/agreements/${a.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('ACME Lyon');
    expect(page.text).not.toContain('ACME Renamed');
    expect(page.text).toContain('Bruno Martin');
    // A draft shows the live rows.
    const draft = await makeAgreement(t.db, w);
    expect((await (await who(WRITE)).a.get(`/agreements/${draft.id}`)).text).toContain('ACME Renamed');
  });

  it('gives the right buttons: the student submits a draft, the teacher validates, staff verify', async () => {
    const student = await (await who(STUDENT)).a.get(`/agreements/${a.id}`);
    expect(student.text).toContain('Envoyer pour validation</button>');
    expect(student.text).not.toContain('Supprimer la convention');
    await post(STUDENT, 'submit');
    const teacher = await (await who(TEACHER)).a.get(`/agreements/${a.id}`);
    expect(teacher.text).toContain('Valider pédagogiquement</button>');
    const staff = await (await who(WRITE)).a.get(`/agreements/${a.id}`);
    expect(staff.text).not.toContain('Vérifier administrativement</button>');
    expect(staff.text).toContain('Supprimer la convention</button>');
    expect(agreementInput(w).subject).toBe('Refonte du site web');
  });
});
