import { describe, expect, it } from 'vitest';
import { hostQuota } from '../../src/modules/agreements/agreements.checks.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { makeUser } from '../factories/index.js';
import { day } from '../factories/legal.js';
import { agent, useApp } from '../helpers/app.js';

const checksOf = (html: string) => [...html.matchAll(/data-check="(\w+)"/g)].map((m) => m[1]);

describe('checks computed from the other agreements', () => {
  const t = useApp();

  it('refuses an overlap with the student\'s other agreement unless the centre allows it (then warns)', async () => {
    const w = await makeAgreementWorld(t.db);
    await makeAgreement(t.db, w, { startDate: day('2026-04-01'), endDate: day('2026-06-30') });
    const a = await makeAgreement(t.db, w);
    const s = await agent(t.app, 'lea.dubois@etu.test');
    const page = await s.a.get(`/agreements/${a.id}`);
    expect(page.text).toContain('chevauche la convention n° 2025-00001 du même étudiant (du 1 avril 2026 au 30 juin 2026)');
    const refused = await s.a.post(`/agreements/${a.id}/submit`).type('form').send({ _csrf: s.csrf });
    expect(refused.status).toBe(422);
    expect(checksOf(refused.text)).toContain('overlap');
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('DRAFT');

    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { agreementOverlapAllowed: true } });
    expect((await s.a.post(`/agreements/${a.id}/submit`).type('form').send({ _csrf: s.csrf })).status).toBe(303);
    const after = await s.a.get(`/agreements/${a.id}`);
    expect(after.text).toMatch(/simulator-check-warning" data-check="overlap"/);
  });

  it('warns when the company tutor would have more than 3 interns at once, and the host more than its quota', async () => {
    const w = await makeAgreementWorld(t.db);
    const hugo = { studentId: w.hugo.profile.id };
    // Three of Hugo's internships at ACME with the same tutor, one after the other: never two at once.
    for (const [from, to] of [['2026-03-02', '2026-03-20'], ['2026-04-01', '2026-04-17'], ['2026-05-04', '2026-05-29']]) {
      await makeAgreement(t.db, w, { ...hugo, startDate: day(from), endDate: day(to) }, { status: 'VALIDATED' });
    }
    const a = await makeAgreement(t.db, w);
    const write = await agent(t.app, 'a.write@test.example');
    expect(checksOf((await write.a.get(`/agreements/${a.id}`)).text)).not.toContain('company_tutor_load');
    // Three other students with the same tutor at the same time as Léa and Hugo's first one: five at once.
    for (let i = 0; i < 3; i++) {
      const u = await t.db.user.create({ data: { email: `s${i}@etu.test`, firstName: 'S', lastName: `${i}` } });
      const p = await t.db.studentProfile.create({ data: { userId: u.id, studentNumber: `X${i}`, institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l2.id } });
      await makeAgreement(t.db, w, { studentId: p.id, startDate: day('2026-03-09'), endDate: day('2026-04-30') }, { status: 'SUBMITTED' });
    }
    const page = await write.a.get(`/agreements/${a.id}`);
    expect(checksOf(page.text)).toEqual(expect.arrayContaining(['company_tutor_load', 'host_quota']));
    expect(page.text).toContain('Le tuteur professionnel encadrerait 5 stagiaires en même temps, au-delà de 3.');
    // Warnings do not stop the submission.
    const s = await agent(t.app, 'lea.dubois@etu.test');
    expect((await s.a.post(`/agreements/${a.id}/submit`).type('form').send({ _csrf: s.csrf })).status).toBe(303);
  });

  it('warns above 24 interns for one academic tutor', async () => {
    const w = await makeAgreementWorld(t.db);
    const u = await t.db.user.create({ data: { email: 'many@etu.test', firstName: 'M', lastName: 'N' } });
    const p = await t.db.studentProfile.create({ data: { userId: u.id, studentNumber: 'M1', institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l2.id } });
    const globex = { organisationId: w.globex.id, serviceId: null, companyTutorId: null, signatoryId: null };
    const others = [];
    for (let i = 0; i < 24; i++) others.push(await makeAgreement(t.db, w, { ...globex, studentId: p.id }, { status: 'SUBMITTED' }));
    const a = await makeAgreement(t.db, w);
    const write = await agent(t.app, 'a.write@test.example');
    expect((await write.a.get(`/agreements/${a.id}`)).text).toContain('référent suivrait 25 stagiaires en même temps, au-delà de 24.');
    await t.db.agreement.update({ where: { id: others[0].id }, data: { status: 'DRAFT' } });
    expect(checksOf((await write.a.get(`/agreements/${a.id}`)).text)).not.toContain('academic_tutor_load');
  });

  it('warns above the institution\'s own lower limit, set by the administrator on the institution\'s form, at its boundary', async () => {
    const w = await makeAgreementWorld(t.db);
    await makeUser(t.db, { email: 'root@test.example', isPlatformAdmin: true });
    const admin = await agent(t.app, 'root@test.example');
    const form = (limit: string) => ({ code: w.uda.code, name: w.uda.name, country: 'FR', academicTutorLimit: limit, _csrf: admin.csrf });
    // Out of 1..24: refused beside the field, nothing saved.
    const refused = await admin.a.post(`/admin/institutions/${w.uda.id}/edit`).type('form').send(form('25'));
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('Indiquez un nombre entier de 1 à 24, ou laissez vide.');
    expect((await t.db.institution.findUniqueOrThrow({ where: { id: w.uda.id } })).academicTutorLimit).toBeNull();
    expect((await admin.a.post(`/admin/institutions/${w.uda.id}/edit`).type('form').send(form('3'))).status).toBe(303);
    expect((await t.db.institution.findUniqueOrThrow({ where: { id: w.uda.id } })).academicTutorLimit).toBe(3);

    const u = await t.db.user.create({ data: { email: 'few@etu.test', firstName: 'F', lastName: 'W' } });
    const p = await t.db.studentProfile.create({ data: { userId: u.id, studentNumber: 'F1', institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l2.id } });
    const globex = { organisationId: w.globex.id, serviceId: null, companyTutorId: null, signatoryId: null };
    const others = [];
    for (let i = 0; i < 3; i++) others.push(await makeAgreement(t.db, w, { ...globex, studentId: p.id }, { status: 'SUBMITTED' }));
    const a = await makeAgreement(t.db, w);
    const write = await agent(t.app, 'a.write@test.example');
    // Four at once against a limit of 3: warned; three (the limit itself): not.
    expect((await write.a.get(`/agreements/${a.id}`)).text).toContain('référent suivrait 4 stagiaires en même temps, au-delà de 3.');
    await t.db.agreement.update({ where: { id: others[0].id }, data: { status: 'DRAFT' } });
    expect(checksOf((await write.a.get(`/agreements/${a.id}`)).text)).not.toContain('academic_tutor_load');
  });

  it('judges a host\'s quota on the fewest staff its band may mean', () => {
    expect([hostQuota('NONE'), hostQuota('FROM_1_TO_9'), hostQuota('FROM_10_TO_49'), hostQuota('FROM_50_TO_249'), hostQuota('FROM_250_TO_4999')]).toEqual([3, 3, 3, 7, 37]);
  });
});
