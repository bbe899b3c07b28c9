import { describe, expect, it } from 'vitest';
import { closeDb, createDb } from '../../src/db/client.js';
import { ValidationError } from '../../src/errors.js';
import { agreementNumber } from '../../src/modules/agreements/agreement.types.js';
import { createAgreement } from '../../src/modules/agreements/agreements.create.js';
import { agreementInput, makeAgreementWorld } from '../factories/agreements.js';
import { auditRows } from '../factories/institutions.js';
import { day } from '../factories/legal.js';
import { useApp } from '../helpers/app.js';

describe('agreement numbers', () => {
  const t = useApp();
  const system = { actor: null, requestId: null, now: new Date('2026-02-01T10:00:00Z') };

  it('gives 100 parallel creations 100 consecutive numbers, without gap or duplicate', async () => {
    const w = await makeAgreementWorld(t.db);
    const input = agreementInput(w);
    // A client of its own whose pool waits for a free connection as long as the 100 take on a busy
    // machine (the app's gives up after 5 s: a 503 there, a false failure here).
    const db = createDb(t.url, { max: 10, timeouts: { connectMs: 90_000, statementMs: 90_000 } });
    const made = await Promise.all(
      Array.from({ length: 100 }, () => db.$transaction((tx) => createAgreement(tx, system, input), { timeout: 90_000, maxWait: 90_000 })),
    ).finally(() => closeDb(db));
    const seqs = made.map((a) => a.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(made.map((a) => a.number)).size).toBe(100);
    const rows = await t.db.agreement.findMany({ select: { academicYear: true, seq: true, institutionId: true } });
    expect(rows).toHaveLength(100);
    expect(rows.every((r) => r.academicYear === '2025-2026' && r.institutionId === w.uda.id)).toBe(true);
    expect(await auditRows(t.db, 'agreement.create')).toHaveLength(100);
  }, 120_000);

  it('gives a rolled-back number back, and counts per institution and academic year', async () => {
    const w = await makeAgreementWorld(t.db);
    const first = await t.db.$transaction((tx) => createAgreement(tx, system, agreementInput(w)));
    await expect(
      t.db.$transaction(async (tx) => {
        await createAgreement(tx, system, agreementInput(w));
        throw new Error('the sheet validation failed after the agreement');
      }),
    ).rejects.toThrow('the sheet validation failed');
    const second = await t.db.$transaction((tx) => createAgreement(tx, system, agreementInput(w)));
    expect([first.number, second.number]).toEqual(['2025-00001', '2025-00002']);
    // The next academic year starts again at 1 (the year of the first day, September to August).
    const next = await t.db.$transaction((tx) => createAgreement(tx, system, agreementInput(w, { startDate: day('2026-09-01'), endDate: day('2026-11-27') })));
    expect(next.number).toBe('2026-00001');
    // Another institution has its own sequence.
    const hugoAtUdb = await t.db.studentProfile.create({ data: { userId: (await t.db.user.create({ data: { email: 'x@udb.test', firstName: 'X', lastName: 'Y' } })).id, studentNumber: '1', institutionId: w.udb.id, studyYearId: w.l3B.id, programmeId: w.infoB.id } });
    const other = await t.db.$transaction((tx) => createAgreement(tx, system, agreementInput(w, { studentId: hugoAtUdb.id })));
    expect(other.number).toBe('2025-00001');
    expect(agreementNumber({ academicYear: '2026-2027', seq: 42 })).toBe('2026-00042');
  });

  it('copies the study year, programme and centre, and refuses parties that do not belong together', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await t.db.$transaction((tx) => createAgreement(tx, system, agreementInput(w)));
    expect(await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ status: 'DRAFT', centreId: w.centreA.id, studyYearId: w.l3.id, programmeId: w.info.id, rulesCountry: 'FR', holidaysCountry: 'FR' });
    const err = await t.db.$transaction((tx) => createAgreement(tx, system, agreementInput(w, { organisationId: w.globex.id }))).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.fields).toMatchObject({ serviceId: 'agreements.errors.service', companyTutorId: 'agreements.errors.contact', signatoryId: 'agreements.errors.contact' });
    // Nothing was numbered by the refused creation.
    const again = await t.db.$transaction((tx) => createAgreement(tx, system, agreementInput(w)));
    expect(again.seq).toBe(2);
  });
});
