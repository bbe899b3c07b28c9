import { describe, expect, it } from 'vitest';
import { loadActor } from '../../src/authz/actor.js';
import { AppError, ValidationError } from '../../src/errors.js';
import type { AgreementSnapshot } from '../../src/modules/agreements/agreements.snapshot.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { auditRows } from '../factories/institutions.js';
import { day } from '../factories/legal.js';
import { agent, useApp } from '../helpers/app.js';

describe('editing an agreement', () => {
  const t = useApp();
  const actOf = async (email: string) => {
    const u = await t.db.user.findUniqueOrThrow({ where: { email } });
    return { actor: (await loadActor(t.db, u.id))!, requestId: null, now: new Date() };
  };
  const edit = async (email: string, id: number, changes: Parameters<(typeof t.ctx.services.agreements)['update']>[2]) => t.ctx.services.agreements.update(await actOf(email), id, changes);
  const statusOf = (e: unknown) => (e instanceof AppError ? e.status : e);

  it('lets the student edit until the first validation step, staff until VALIDATED, and says why after', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    await edit('lea.dubois@etu.test', a.id, { subject: 'Nouveau sujet', theme: null });
    expect(await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({ subject: 'Nouveau sujet', theme: null });
    expect((await auditRows(t.db, 'agreement.update'))[0]).toMatchObject({ before: { subject: 'Refonte du site web' }, after: { subject: 'Nouveau sujet' } });

    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'PEDAGOGICAL_DONE', pedagogicalAt: new Date() } });
    expect(statusOf(await edit('lea.dubois@etu.test', a.id, { subject: 'x' }).catch((e) => e))).toBe(403);
    expect(statusOf(await edit('hugo.bernard@etu.test', a.id, { subject: 'x' }).catch((e) => e))).toBe(404);
    await edit('a.write@test.example', a.id, { subject: 'Sujet du centre' });

    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'VALIDATED', validatedAt: new Date() } });
    const refused = await edit('a.write@test.example', a.id, { subject: 'x' }).catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.fields._form).toBe('agreements.errors.editValidated');
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).subject).toBe('Sujet du centre');
  });

  it('checks the parties, and computes a sent agreement again: figures and copy follow, a blocking check refuses', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    const wrong = await edit('a.write@test.example', a.id, { signatoryId: (await t.db.contact.create({ data: { organisationId: w.globex.id, firstName: 'G', lastName: 'H' } })).id }).catch((e) => e);
    expect(wrong.fields).toEqual({ signatoryId: 'agreements.errors.contact' });

    const s = await agent(t.app, 'lea.dubois@etu.test');
    expect((await s.a.post(`/agreements/${a.id}/submit`).type('form').send({ _csrf: s.csrf })).status).toBe(303);
    await t.db.organisation.update({ where: { id: w.acme.id }, data: { legalName: 'ACME Renamed' } });
    await edit('a.write@test.example', a.id, { endDate: day('2026-03-27') });
    const after = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(after.presenceHours?.toNumber()).toBe(140);
    expect(after.stipendDue).toBe(false);
    // The copy is written again from the directory as it is now.
    expect((after.snapshot as unknown as AgreementSnapshot).organisation.legalName).toBe('ACME Renamed');
    expect((after.snapshot as unknown as AgreementSnapshot).internship.endDate).toBe('2026-03-27');

    const blocked = await edit('a.write@test.example', a.id, { schedule: { mon: 12, tue: 7, wed: 7, thu: 7, fri: 7, sat: 0, sun: 0 } }).catch((e) => e);
    expect(blocked.fields._form).toBe('agreements.errors.blockingChecks');
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).presenceHours?.toNumber()).toBe(140);
  });
});
