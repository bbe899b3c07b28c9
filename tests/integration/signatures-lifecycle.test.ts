import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { systemAct } from '../../src/act.js';
import { remindDueSignatures } from '../../src/modules/signatures/signatures.waiting.js';
import { DAY_MS, FixedClock, HOUR_MS } from '../../src/time/clock.js';
import { auditRows } from '../factories/institutions.js';
import { lastLinkToken, makeSigningAgreement, shownHash, SIGNATORY, STUDENT, TEACHER, TUTOR, WRITE } from '../factories/signatures.js';
import { mailsTo } from '../factories/students.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

const START = '2026-02-10T09:00:00Z';
const clock = new FixedClock(START);

describe('the signature phase over time', () => {
  const t = useApp({}, { clock });
  const signAsStudent = async (id: number) => {
    const s = await agent(t.app, STUDENT);
    const p = await s.a.get(`/agreements/${id}`);
    return s.a.post(`/agreements/${id}/sign`).type('form').send({ _csrf: s.csrf, pdfSha256: shownHash(p.text), confirm: 'on' });
  };
  const templates = async (to: string) => (await mailsTo(t.db, to)).map((m) => m.template);

  it('voids the signatures when the printed content changes, each signer told why; an edit that prints the same keeps them', async () => {
    clock.set(START);
    const { a, staff } = await makeSigningAgreement(t.app, t.db);
    expect((await signAsStudent(a.id)).status).toBe(303);
    // The same academic tutor chosen again: nothing printed changes, the signature stays.
    const same = await staff.a.post(`/agreements/${a.id}/edit/academic-tutor`).type('form').send({ _csrf: staff.csrf, choice: String((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).academicTutorId) });
    expect(same.status).toBe(303);
    expect((await t.db.agreementSignature.findFirstOrThrow({ where: { agreementId: a.id, party: 'STUDENT' } })).status).toBe('SIGNED');
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('SIGNING');

    // Another subject: back to the administrative step, every signature voided, the signers told.
    const edit = await staff.a.get(`/agreements/${a.id}/edit/internship`);
    const form = Object.fromEntries([...edit.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2].replace(/&#39;/g, "'").replace(/&amp;/g, '&')]));
    for (const m of edit.text.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) form[m[1]] = m[2];
    for (const m of edit.text.matchAll(/<select[^>]*name="([^"]+)"[\s\S]*?<option value="([^"]*)"[^>]*selected/g)) form[m[1]] = m[2];
    const changed = await staff.a.post(`/agreements/${a.id}/edit/internship`).type('form').send({ ...form, subject: 'Un autre sujet', _csrf: staff.csrf });
    expect(changed.status, changed.text.slice(0, 2000)).toBe(303);
    const after = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(after).toMatchObject({ status: 'PEDAGOGICAL_DONE', administrativeAt: null });
    const sigs = await t.db.agreementSignature.findMany({ where: { agreementId: a.id } });
    expect(sigs.every((s) => s.status === 'VOIDED' && s.voidReason === 'contentChanged')).toBe(true);
    // Those asked or signed are told (the student signed, the signatory was asked); not those whose turn had not come.
    expect(await templates(STUDENT)).toContain('signature-voided');
    expect(await templates(SIGNATORY)).toContain('signature-voided');
    expect(await templates(TUTOR)).not.toContain('signature-voided');
    expect(await auditRows(t.db, 'agreement.reopenReview')).toHaveLength(1);
    // Checked again, then a new phase with new rows; the voided ones stay as history on the page.
    expect((await staff.a.post(`/agreements/${a.id}/verifyAdministrative`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    expect((await staff.a.post(`/agreements/${a.id}/openSignatures`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    expect(await t.db.agreementSignature.count({ where: { agreementId: a.id, status: { not: 'VOIDED' } } })).toBe(5);
    expect((await staff.a.get(`/agreements/${a.id}`)).text).toContain('Signatures annulées (historique)');
  });

  it('reminds a signer 3 and 7 days after the invitation, never twice the same day; staff remind by hand once per 24 h', async () => {
    clock.set(START);
    const { a } = await makeSigningAgreement(t.app, t.db);
    const run = async (at: string) => {
      clock.set(at);
      return remindDueSignatures(t.db, systemAct(clock), 'http://localhost');
    };
    expect(await run('2026-02-12T09:00:00Z')).toBe(0); // day 2
    expect(await run('2026-02-13T06:00:00Z')).toBe(1); // day 3 (Paris: 07:00)
    expect(await run('2026-02-13T18:00:00Z')).toBe(0); // day 3 again: not twice
    expect(await run('2026-02-16T09:00:00Z')).toBe(0); // day 6
    expect(await run('2026-02-17T09:00:00Z')).toBe(1); // day 7
    expect(await run('2026-02-18T09:00:00Z')).toBe(0); // day 8
    expect((await mailsTo(t.db, STUDENT)).filter((m) => m.template === 'signature-reminder')).toHaveLength(2);

    // By hand: 24 h after the last reminder at the earliest, the date shown.
    const sid = (await t.db.agreementSignature.findFirstOrThrow({ where: { agreementId: a.id, party: 'STUDENT' } })).id;
    clock.set(new Date(new Date('2026-02-17T09:00:00Z').getTime() + 23 * HOUR_MS));
    // Signed in now (a session does not outlive the days the clock moved).
    const staff = await agent(t.app, WRITE);
    const early = await staff.a.post(`/agreements/${a.id}/signatures/${sid}/remind`).type('form').send({ _csrf: staff.csrf });
    expect(early.status).toBe(422);
    expect(early.text).toContain('il y a moins de 24 heures');
    clock.set(new Date(new Date('2026-02-17T09:00:00Z').getTime() + DAY_MS));
    expect((await staff.a.post(`/agreements/${a.id}/signatures/${sid}/remind`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    expect((await t.db.agreementSignature.findUniqueOrThrow({ where: { id: sid } })).reminderCount).toBe(3);
    expect((await staff.a.get(`/agreements/${a.id}`)).text).toContain('Dernière relance : ');
    // Only WRITE staff remind (the teacher cannot).
    const teacher = await agent(t.app, TEACHER);
    expect((await teacher.a.post(`/agreements/${a.id}/signatures/${sid}/remind`).type('form').send({ _csrf: teacher.csrf })).status).toBe(403);
  });

  it('lets an expired link ask for a new one, sent only to the address on the agreement', async () => {
    clock.set(START);
    const { a } = await makeSigningAgreement(t.app, t.db, { parties: ['HOST_SIGNATORY', 'STUDENT'] });
    const token = await lastLinkToken(t.db, SIGNATORY);
    const anon = request.agent(t.app);
    expect((await anon.get(`/sign/${token}`)).text).toContain('data-sign-form');
    // 7 days later (to the minute): expired.
    clock.set(new Date(new Date(START).getTime() + 7 * DAY_MS));
    const expired = await anon.get(`/sign/${token}`);
    expect(expired.text).toContain('data-link-state="expired"');
    // The contact's address changed meanwhile: the new link goes there, never elsewhere.
    const w = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id }, select: { signatoryId: true } });
    await t.db.contact.update({ where: { id: w.signatoryId! }, data: { email: 'sophie.new@acme.test' } });
    const renewed = await anon.post(`/sign/${token}/renew`).type('form').send({ _csrf: csrfFrom(expired.text), email: 'attacker@evil.test' });
    expect(renewed.status).toBe(200);
    expect(renewed.text).toContain('data-renewed');
    expect(await mailsTo(t.db, 'attacker@evil.test')).toHaveLength(0);
    const fresh = await lastLinkToken(t.db, 'sophie.new@acme.test');
    expect(fresh).not.toBe(token);
    // Asked again at once: nothing more is sent.
    await anon.post(`/sign/${token}/renew`).type('form').send({ _csrf: csrfFrom(expired.text) });
    expect(await mailsTo(t.db, 'sophie.new@acme.test')).toHaveLength(1);
    // The new link works; the old address's links no longer do (bound to the address they went to).
    const page = await anon.get(`/sign/${fresh}`);
    expect(page.text).toContain('data-sign-form');
    expect((await anon.post(`/sign/${fresh}`).type('form').send({ _csrf: csrfFrom(page.text), pdfSha256: shownHash(page.text), confirm: 'on' })).status).toBe(200);
    expect((await t.db.agreementSignature.findFirstOrThrow({ where: { agreementId: a.id, party: 'HOST_SIGNATORY' } })).channel).toBe('LINK');
  });

  it('cancels the phase back to the last step done; lists the signatures awaited per signer with the days waited', async () => {
    clock.set(START);
    const { a } = await makeSigningAgreement(t.app, t.db);
    clock.set('2026-02-14T09:00:00Z');
    const staff = await agent(t.app, WRITE);
    const list = await staff.a.get('/agreements/signatures');
    expect(list.status).toBe(200);
    expect(list.text).toMatch(/data-days>4</);
    expect(list.text).toContain('Étudiant(e)');
    const other = await agent(t.app, 'b.write@test.example');
    expect((await other.a.get('/agreements/signatures')).text).toContain('Aucune signature n&#39;est attendue');
    expect((await staff.a.post(`/agreements/${a.id}/cancelSignatures`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    expect((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).status).toBe('ADMINISTRATIVE_DONE');
    expect(await t.db.agreementSignature.count({ where: { agreementId: a.id, status: { not: 'VOIDED' } } })).toBe(0);
    expect(await templates(STUDENT)).toContain('signature-voided');
    expect((await staff.a.get('/agreements/signatures')).text).toContain('Aucune signature');
  });
});
