import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/time/clock.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { auditRows } from '../factories/institutions.js';
import request from 'supertest';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

const clock = new FixedClock('2026-02-10T09:00:00Z');
const binary = (res: import('supertest').Request) => res.buffer(true).parse((r, cb) => { const c: Buffer[] = []; r.on('data', (d: Buffer) => c.push(d)); r.on('end', () => cb(null, Buffer.concat(c))); });
const hasPdftotext = (() => { try { execFileSync('pdftotext', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; } })();

describe('the attestation de stage', () => {
  const t = useApp({}, { clock });

  it('is issued once the host confirms the stipend paid, from the last day of a validated internship', async () => {
    clock.set('2026-02-10T09:00:00Z');
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    const student = await agent(t.app, 'lea.dubois@etu.test');
    expect((await student.a.post(`/agreements/${a.id}/submit`).type('form').send({ _csrf: student.csrf })).status).toBe(303);
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'VALIDATED', pedagogicalAt: new Date(), administrativeAt: new Date(), validatedAt: new Date() } });
    const computed = Number((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).stipendTotal);
    expect(computed).toBeGreaterThan(0);

    // The day before the last day (29 May 2026, Paris): not yet.
    clock.set('2026-05-28T21:59:00Z');
    // Signed in now: a session does not outlive the months the clock moved.
    const host = await agent(t.app, 'admin@acme.test');
    const lea = await agent(t.app, 'lea.dubois@etu.test');
    expect((await host.a.get(`/agreements/${a.id}`)).text).not.toContain('data-attestation-form');
    expect((await host.a.post(`/agreements/${a.id}/attestation`).type('form').send({ _csrf: host.csrf, stipendPaid: '100' })).status).toBe(422);
    // The last day: the host's form, prefilled with the computed stipend.
    clock.set('2026-05-28T22:00:00Z');
    const page = await host.a.get(`/agreements/${a.id}`);
    expect(page.text).toContain('data-attestation-form');
    expect(page.text).toContain(`value="${computed.toFixed(2)}"`);
    expect((await host.a.get(`/agreements/${a.id}/attestation.pdf`)).status).toBe(404);
    const bad = await host.a.post(`/agreements/${a.id}/attestation`).type('form').send({ _csrf: host.csrf, stipendPaid: 'beaucoup' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Indiquez un montant en euros');
    expect(bad.text).toContain('value="beaucoup"');
    // Corrected: less was paid than computed.
    expect((await host.a.post(`/agreements/${a.id}/attestation`).type('form').send({ _csrf: host.csrf, stipendPaid: '1234,50' })).status).toBe(303);
    expect(Number((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).attestationStipendPaid)).toBe(1234.5);
    expect((await auditRows(t.db, 'agreement.attestation'))[0].after).toEqual({ stipendPaid: 1234.5 });

    // The student downloads it; the amount paid and the law's units are in it.
    const pdf = await binary(lea.a.get(`/agreements/${a.id}/attestation.pdf`));
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    if (hasPdftotext) {
      const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf.body as Buffer }).toString();
      expect(text).toMatch(/1\s?234,50\s?€/);
      expect(text).toContain('Léa');
    }
    // Who may not: the student (no such right), the academic tutor (not the host), another company (out of reach).
    expect((await lea.a.post(`/agreements/${a.id}/attestation`).type('form').send({ _csrf: lea.csrf, stipendPaid: '1' })).status).toBe(403);
    const globex = await agent(t.app, 'admin@globex.test');
    expect((await globex.a.post(`/agreements/${a.id}/attestation`).type('form').send({ _csrf: globex.csrf, stipendPaid: '1' })).status).toBe(404);
    // The company tutor with an account may correct it too.
    const tutor = await agent(t.app, 'tutor@acme.test');
    expect((await tutor.a.post(`/agreements/${a.id}/attestation`).type('form').send({ _csrf: tutor.csrf, stipendPaid: '0' })).status).toBe(303);
    expect(Number((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).attestationStipendPaid)).toBe(0);
  });

  it('is confirmed from a link mailed to a tutor without an account when the internship ends, once; the centre may send a new one', async () => {
    clock.set('2026-02-10T09:00:00Z');
    const w = await makeAgreementWorld(t.db);
    // The tutor has no account: Claire, at her address.
    const claire = await t.db.contact.create({ data: { organisationId: w.acme.id, firstName: 'Claire', lastName: 'Roux', email: 'claire@acme.test' } });
    const a = await makeAgreement(t.db, w, { companyTutorId: claire.id });
    const student = await agent(t.app, 'lea.dubois@etu.test');
    expect((await student.a.post(`/agreements/${a.id}/submit`).type('form').send({ _csrf: student.csrf })).status).toBe(303);
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'VALIDATED', validatedAt: new Date() } });
    const job = (at: string) => { clock.set(at); return t.ctx.services.attestationLinks.sendDue({ actor: null, requestId: null, now: clock.now() }); };
    const mails = () => t.db.outboxEmail.findMany({ where: { to: 'claire@acme.test', template: 'attestation-link' }, orderBy: { id: 'asc' } });

    // The day before the last day (29 May 2026 in Paris): nothing; on it: one link; a second run: none.
    expect(await job('2026-05-28T21:59:00Z')).toBe(0);
    expect(await job('2026-05-28T22:00:00Z')).toBe(1);
    expect(await job('2026-05-29T09:00:00Z')).toBe(0);
    const sent = await mails();
    expect(sent).toHaveLength(1);
    const token = sent[0].text.match(/\/attest\/([A-Za-z0-9_-]{20,})/)![1];

    const anon = request.agent(t.app);
    const page = await anon.get(`/attest/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-attestation-form');
    expect((await anon.get(`/attest/${token}/attestation.pdf`)).status).toBe(404);
    const bad = await anon.post(`/attest/${token}`).type('form').send({ _csrf: csrfFrom(page.text), stipendPaid: 'beaucoup' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('value="beaucoup"');
    const ok = await anon.post(`/attest/${token}`).type('form').send({ _csrf: csrfFrom(page.text), stipendPaid: '1 234,50'.replace(' ', '') });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('data-attestation-confirmed');
    const x = await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } });
    expect(Number(x.attestationStipendPaid)).toBe(1234.5);
    expect(x.attestationConfirmedById).toBeNull();
    expect((await auditRows(t.db, 'agreement.attestation')).at(-1)!.after).toEqual({ stipendPaid: 1234.5, via: 'link' });
    // Once: a second confirmation is refused; the attestation downloads from the link.
    const twice = await anon.post(`/attest/${token}`).type('form').send({ _csrf: csrfFrom(page.text), stipendPaid: '1' });
    expect(twice.status).toBe(422);
    expect(twice.text).toContain('Ce lien ne permet plus de confirmer');
    expect(Number((await t.db.agreement.findUniqueOrThrow({ where: { id: a.id } })).attestationStipendPaid)).toBe(1234.5);
    const pdf = await binary(anon.get(`/attest/${token}/attestation.pdf`));
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((await anon.get('/attest/not-a-token')).status).toBe(404);
    // Expired after 30 days.
    clock.set('2026-06-28T22:00:01Z');
    expect((await anon.get(`/attest/${token}`)).text).toContain('data-link-state="expired"');

    // The centre sends a new link by hand (while it is open and not confirmed), not twice in ten minutes.
    await t.db.agreement.update({ where: { id: a.id }, data: { attestationConfirmedAt: null, attestationStipendPaid: null } });
    const staff = await agent(t.app, 'a.write@test.example');
    expect((await staff.a.get(`/agreements/${a.id}`)).text).toContain('data-attestation-link');
    expect((await staff.a.post(`/agreements/${a.id}/attestation/link`).type('form').send({ _csrf: staff.csrf })).status).toBe(303);
    expect((await staff.a.post(`/agreements/${a.id}/attestation/link`).type('form').send({ _csrf: staff.csrf })).status).toBe(422);
    expect(await mails()).toHaveLength(2);
    // Not the host's company administrator's to send (staff only), not out of reach.
    const host = await agent(t.app, 'admin@acme.test');
    expect((await host.a.post(`/agreements/${a.id}/attestation/link`).type('form').send({ _csrf: host.csrf })).status).toBe(403);
  });
});
