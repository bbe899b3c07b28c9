import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../src/db/client.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { detailInclude } from '../../src/modules/agreements/agreements.snapshot.js';
import { jobDefinitions, runJob } from '../../src/jobs/index.js';
import { log } from '../../src/log.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld, type AgreementWorld } from '../factories/agreements.js';
import { minimalPdf } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const clock = new FixedClock('2026-12-01T10:00:00Z');
const job = jobDefinitions().find((j) => j.name === 'retention')!;
/** Noon in Paris (10:00 or 11:00 UTC): the day is the same whatever the season. */
const on = (day: string) => clock.set(`${day}T10:00:00Z`);

function file(db: Db, name: string, uploadedById: number | null = null) {
  const data = new Uint8Array(minimalPdf());
  return db.storedFile.create({ data: { originalName: name, mimeType: 'application/pdf', extension: 'pdf', size: data.length, sha256: name, data, uploadedById } });
}

/**
 * Léa: signed in last on 10 January 2026, an agreement of 2 March – 29 May 2026 with its copy, final
 * PDF, a paper scan, a journal entry and evaluations; an application to an offer diffused until
 * 30 June 2026. Hugo: signed in last on 10 January 2026 too, no agreement, a CV and a spontaneous
 * application of 1 March 2026.
 */
async function world(db: Db) {
  const w = await makeAgreementWorld(db);
  const lastLogin = new Date('2026-01-10T10:00:00Z');
  await db.user.updateMany({ where: { id: { in: [w.lea.user.id, w.hugo.user.id] } }, data: { lastLoginAt: lastLogin, phone: '06 12 34 56 78' } });
  const pdf = await file(db, 'convention-signee.pdf');
  const scan = await file(db, 'scan-papier.pdf', w.write.id);
  const a = await makeAgreement(db, w, {}, {
    status: 'VALIDATED',
    presenceHours: 420,
    stipendTotal: 1890,
    finalPdfFileId: pdf.id,
    snapshot: { number: 'x', student: { firstName: 'Léa', lastName: 'Dubois', email: 'lea.dubois@etu.test', studentNumber: '21900123' }, companyTutor: { firstName: 'Bruno', lastName: 'Martin' }, academicTutor: null, internship: { subject: 'Refonte du site web', startDate: '2026-03-02' } },
  });
  await db.agreementSignature.create({ data: { agreementId: a.id, party: 'STUDENT', position: 0, status: 'SIGNED', signerName: 'Léa Dubois', signerEmail: 'lea.dubois@etu.test', signerId: w.lea.user.id, channel: 'PAPER', paperFileId: scan.id, clientIp: '10.0.0.1' } });
  await db.journalEntry.create({ data: { agreementId: a.id, day: new Date('2026-03-10'), done: 'Première semaine chez ACME' } });
  const form = await db.evaluationForm.create({ data: { kind: 'STUDENT', version: 1, definition: {} } });
  await db.evaluation.create({ data: { agreementId: a.id, kind: 'STUDENT', formId: form.id, answers: { ambiance: 4, recommend: 'yes', remarks: 'Mon tuteur Bruno était présent' }, submittedAt: new Date('2026-06-01T10:00:00Z'), submittedById: w.lea.user.id } });
  await db.internshipGrade.create({ data: { agreementId: a.id, defenceOn: new Date('2026-06-20'), grade: 15, comment: 'Très bon stage de Léa', recordedAt: new Date('2026-06-20T10:00:00Z') } });

  const offer = await db.offer.create({ data: { kind: 'INTERNSHIP', status: 'PUBLISHED', title: 'Stage web', domain: 'Informatique', organisationId: w.acme.id, publishUntil: new Date('2026-06-30T10:00:00Z') } });
  const letter = await file(db, 'lettre-lea.pdf', w.lea.user.id);
  const leaApp = await db.application.create({ data: { studentId: w.lea.profile.id, offerId: offer.id, organisationId: w.acme.id, title: 'Stage web', message: 'Bonjour, je suis Léa', letterFileId: letter.id, createdAt: new Date('2026-02-01T10:00:00Z') } });
  const cv = await file(db, 'cv-hugo.pdf', w.hugo.user.id);
  await db.studentProfile.update({ where: { id: w.hugo.profile.id }, data: { cvFileId: cv.id, birthDate: new Date('2004-05-06'), addressLine1: '3 rue des Lilas', healthFund: 'CPAM 69', skills: 'Droit' } });
  const hugoApp = await db.application.create({ data: { studentId: w.hugo.profile.id, organisationId: w.globex.id, title: 'Candidature spontanée', message: 'Bonjour, je suis Hugo', cvFileId: cv.id, createdAt: new Date('2026-03-01T10:00:00Z') } });
  return { w, a, pdf, scan, letter, cv, leaApp, hugoApp };
}

describe('the retention job', () => {
  const t = useApp({}, { clock });
  afterEach(() => vi.restoreAllMocks());
  const run = async () => expect(await runJob(t.ctx, job)).toBe(true);
  const files = async () => (await t.db.storedFile.findMany({ select: { originalName: true } })).map((f) => f.originalName).sort();

  it('anonymises each kind of record the day after its period, keeps it the day before, and logs counts only', async () => {
    const { w, a, leaApp, hugoApp } = await world(t.db);
    const auditAt = new Date('2026-02-01T10:00:00Z');
    await t.db.auditLog.createMany({ data: [
      { action: 'offer.update', entityType: 'Offer', entityId: '1', after: { title: 'x' }, createdAt: auditAt },
      { action: 'agreement.submit', entityType: 'Agreement', entityId: String(a.id), after: { student: 'Léa Dubois' }, createdAt: auditAt },
    ] });
    const info = vi.spyOn(log, 'info');

    // Audit rows of other records: 12 months after they were written.
    on('2027-02-01');
    await run();
    expect(await t.db.auditLog.count({ where: { entityType: 'Offer' } })).toBe(1);
    on('2027-02-02');
    await run();
    expect(await t.db.auditLog.count({ where: { entityType: 'Offer' } })).toBe(0);
    expect(await t.db.auditLog.count({ where: { entityType: 'Agreement', action: 'agreement.submit' } })).toBe(1);

    // A spontaneous application: 12 months after it was sent.
    on('2027-03-01');
    await run();
    expect((await t.db.application.findUniqueOrThrow({ where: { id: hugoApp.id } })).anonymisedAt).toBeNull();
    on('2027-03-02');
    await run();
    const hugoAfter = await t.db.application.findUniqueOrThrow({ where: { id: hugoApp.id } });
    expect(hugoAfter).toMatchObject({ message: '', cvFileId: null, title: 'Candidature spontanée', status: 'SENT' });
    expect(hugoAfter.anonymisedAt).not.toBeNull();
    // Hugo's CV is still his profile's: it stays while his account does.
    expect(await files()).toContain('cv-hugo.pdf');

    // An application to an offer: 12 months after the offer's diffusion ended.
    on('2027-06-30');
    await run();
    expect((await t.db.application.findUniqueOrThrow({ where: { id: leaApp.id } })).message).toBe('Bonjour, je suis Léa');
    on('2027-07-01');
    await run();
    expect(await t.db.application.findUniqueOrThrow({ where: { id: leaApp.id } })).toMatchObject({ message: '', letterFileId: null });
    expect(await files()).not.toContain('lettre-lea.pdf');

    // Student accounts without an agreement: 24 months after the last sign-in. Léa has one: kept.
    on('2028-01-10');
    await run();
    expect((await t.db.user.findUniqueOrThrow({ where: { id: w.hugo.user.id } })).anonymisedAt).toBeNull();
    on('2028-01-11');
    await run();
    const hugo = await t.db.user.findUniqueOrThrow({ where: { id: w.hugo.user.id }, include: { studentProfile: true } });
    expect(hugo).toMatchObject({ firstName: 'Anonyme', lastName: 'Anonyme', email: `anonymised-${hugo.id}@invalid`, phone: null, passwordHash: null, active: false });
    expect(hugo.studentProfile).toMatchObject({ birthDate: null, addressLine1: null, healthFund: null, skills: null, ssn: null, cvFileId: null, studentNumber: `ANON-${hugo.studentProfile!.id}` });
    expect(await files()).not.toContain('cv-hugo.pdf');
    const lea = await t.db.user.findUniqueOrThrow({ where: { id: w.lea.user.id } });
    expect(lea).toMatchObject({ firstName: 'Léa', lastName: 'Dubois', anonymisedAt: null, active: true });

    // Agreements: 60 months after the internship's end (29 May 2026).
    on('2031-05-29');
    await run();
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).anonymisedAt).toBeNull();
    expect(await t.db.journalEntry.count()).toBe(1);
    on('2031-05-30');
    await run();
    const after = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(after.anonymisedAt).not.toBeNull();
    // The figures stay for statistics; the people and the documents go.
    expect(after).toMatchObject({ type: 'MANDATORY', organisationId: w.acme.id, startDate: new Date('2026-03-02'), endDate: new Date('2026-05-29'), companyTutorId: null, academicTutorId: null, signatoryId: null, finalPdfFileId: null });
    expect(Number(after.presenceHours)).toBe(420);
    expect(Number(after.stipendTotal)).toBe(1890);
    expect(Number(after.payAmount)).toBe(4.5);
    const copy = after.snapshot as Record<string, Record<string, unknown>>;
    expect(copy.student).toMatchObject({ firstName: 'Anonyme', lastName: 'Anonyme', email: null, studentNumber: null });
    expect(copy.companyTutor).toMatchObject({ firstName: 'Anonyme', lastName: 'Anonyme' });
    expect(copy.internship).toEqual({ subject: 'Refonte du site web', startDate: '2026-03-02' });
    expect(await files()).toEqual([]);
    expect(await t.db.agreementSignature.findFirstOrThrow()).toMatchObject({ signerName: 'Anonyme', signerEmail: null, signerId: null, clientIp: null, paperFileId: null, status: 'SIGNED' });
    expect(await t.db.journalEntry.count()).toBe(0);
    expect((await t.db.evaluation.findFirstOrThrow()).answers).toEqual({ ambiance: 4, recommend: 'yes' });
    expect(await t.db.internshipGrade.findFirstOrThrow()).toMatchObject({ comment: null });
    expect(Number((await t.db.internshipGrade.findFirstOrThrow()).grade)).toBe(15);
    expect((await t.db.auditLog.findFirstOrThrow({ where: { action: 'agreement.submit' } })).after).toBeNull();
    // Léa's account, held back by the agreement only, goes the same night.
    expect(await t.db.user.findUniqueOrThrow({ where: { id: w.lea.user.id } })).toMatchObject({ firstName: 'Anonyme', active: false });

    // Idempotent: nothing left to do.
    expect(await t.ctx.services.privacy.runRetention(clock.now())).toEqual({ agreements: 0, applications: 0, accounts: 0, auditRows: 0 });
    // The log: counts only, never a name or an address.
    const logged = JSON.stringify(info.mock.calls.filter((c) => c[0] === 'retention done'));
    expect(logged).toContain('"agreements":1');
    expect(logged).not.toMatch(/Léa|Dubois|Hugo|Bernard|@/);
  });

  it('an anonymised agreement still shows and prints, without its people', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w, {}, { status: 'VALIDATED' });
    const detail = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id }, include: detailInclude });
    const snapshot = await t.ctx.services.agreements.view(detail, clock.now());
    await t.db.agreement.update({ where: { id: a.id }, data: { snapshot: snapshot as unknown as Prisma.InputJsonValue } });
    on('2031-06-01');
    await run();
    const s = await agent(t.app, 'platform.admin@test.example');
    const page = await s.a.get(`/agreements/${a.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Anonyme');
    expect(page.text).toContain('ACME Lyon');
    for (const name of ['Dubois', 'lea.dubois', 'Bruno', 'Leroy', 'teacher@uda.test']) expect(page.text).not.toContain(name);
    const pdf = await s.a.get(`/agreements/${a.id}/agreement.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
  });

  it('reads the administrator\'s periods', async () => {
    const { w } = await world(t.db);
    await t.db.retentionPolicy.createMany({ data: [{ kind: 'STUDENT_ACCOUNT', months: 6 }, { kind: 'AGREEMENT', months: 60 }, { kind: 'APPLICATION', months: 12 }, { kind: 'AUDIT', months: 12 }] });
    on('2026-07-10');
    await run();
    expect((await t.db.user.findUniqueOrThrow({ where: { id: w.hugo.user.id } })).anonymisedAt).toBeNull();
    on('2026-07-11');
    await run();
    expect((await t.db.user.findUniqueOrThrow({ where: { id: w.hugo.user.id } })).anonymisedAt).not.toBeNull();
    // Staff and company accounts are never student accounts, however old their sign-in.
    expect(await t.db.user.count({ where: { anonymisedAt: { not: null } } })).toBe(1);
  });
});
