import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/time/clock.js';
import { makeSheetWorld, newOrganisationFields, sheetForm } from '../factories/sheets.js';
import { fieldError } from '../factories/students.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

// The internship sheet (issue 12): a draft keeps any subset, sending asks every required field
// and the legal engine, the manager returns (comment, mailed) or validates (agreement, directory,
// student's data), the student's corrections are shown to the manager field by field.
const clock = new FixedClock('2027-02-01T10:00:00Z');

describe('internship sheet', () => {
  const t = useApp({}, { clock });

  const sheetOf = (id: number) => t.db.internshipSheet.findUniqueOrThrow({ where: { id } });
  const mails = (to: string, template: string) => t.db.outboxEmail.findMany({ where: { to, template }, orderBy: { id: 'asc' } });

  async function newSheet(s: Awaited<ReturnType<typeof agent>>, body: Record<string, string | string[]>) {
    return s.a.post('/sheets/new').type('form').send({ _csrf: s.csrf, ...body });
  }

  it('keeps a draft with any subset of the fields, each checked in its format', async () => {
    const w = await makeSheetWorld(t.db);
    const lea = await agent(t.app, w.lea.user.email);
    const res = await newSheet(lea, { intent: 'save', subject: 'Un sujet', pauseFrom: ['', ''], pauseTo: ['', ''] });
    expect(res.status).toBe(303);
    const sheet = await t.db.internshipSheet.findFirstOrThrow({ where: { studentId: w.lea.profile.id } });
    expect(sheet.status).toBe('DRAFT');
    expect(sheet.data).toEqual({ fields: { subject: 'Un sujet' }, pauses: [] });
    expect((await lea.a.get('/sheets')).text).toContain('Fiche en cours de remplissage');

    // A wrong format is refused even in a draft, what was typed kept; nothing else changes.
    const bad = await lea.a.post(`/sheets/${sheet.id}/edit`).type('form').send({ _csrf: lea.csrf, intent: 'save', subject: 'Autre sujet', tutorEmail: 'pas-une-adresse' });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, 'tutorEmail')).toBeTruthy();
    expect(bad.text).toContain('value="Autre sujet"');
    expect((await sheetOf(sheet.id)).data).toEqual({ fields: { subject: 'Un sujet' }, pauses: [] });
  });

  it('refuses a sending without the required fields, each said beside its field (422), and keeps nothing', async () => {
    const w = await makeSheetWorld(t.db);
    const lea = await agent(t.app, w.lea.user.email);
    const res = await newSheet(lea, { intent: 'send', subject: 'Un sujet' });
    expect(res.status).toBe(422);
    for (const f of ['orgType', 'serviceName', 'tutorLastName', 'startDate', 'healthFund', 'orgLegalName']) {
      expect(fieldError(res.text, f), f).toBe('Champ requis pour demander la validation de votre fiche de stage');
    }
    expect(res.text).toContain('value="Un sujet"');
    expect(await t.db.internshipSheet.count()).toBe(0);
  });

  it('refuses a sending the legal engine blocks, with its message beside the field', async () => {
    const w = await makeSheetWorld(t.db);
    const lea = await agent(t.app, w.lea.user.email);
    // 11 hours on Mondays: over the 10 hours a day of the French rules.
    const res = await newSheet(lea, { ...sheetForm({ mon: '11' }), organisationId: String(w.acme.id), intent: 'send' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'mon')).toContain('10');
    expect(await t.db.internshipSheet.count()).toBe(0);
    // Within the rules, the same sheet is sent.
    const ok = await newSheet(lea, { ...sheetForm(), organisationId: String(w.acme.id), intent: 'send' });
    expect(ok.status).toBe(303);
    expect((await t.db.internshipSheet.findFirstOrThrow()).status).toBe('SUBMITTED');
  });

  it('goes sent → returned (comment mailed) → corrected and sent again (the manager sees what changed) → validated', async () => {
    const w = await makeSheetWorld(t.db);
    const lea = await agent(t.app, w.lea.user.email);
    const manager = await agent(t.app, w.yearManager.email);

    // "Remplir ma fiche de stage" on the accepted application: created prefilled from the offer.
    const created = await lea.a.post(`/sheets/from-application/${w.application.id}`).type('form').send({ _csrf: lea.csrf });
    expect(created.status).toBe(303);
    const sheet = await t.db.internshipSheet.findFirstOrThrow({ where: { applicationId: w.application.id } });
    expect(sheet.organisationId).toBe(w.acme.id);
    expect((sheet.data as { fields: Record<string, string> }).fields.subject).toBe(w.offer.title);

    const sent = await lea.a.post(`/sheets/${sheet.id}/edit`).type('form').send({ _csrf: lea.csrf, ...sheetForm(), organisationId: String(w.acme.id), intent: 'send' });
    expect(sent.status).toBe(303);
    expect((await sheetOf(sheet.id)).status).toBe('SUBMITTED');
    expect(await mails(w.yearManager.email, 'sheet-submitted')).toHaveLength(1);
    // Sent: the student may no longer change it.
    expect((await lea.a.post(`/sheets/${sheet.id}/edit`).type('form').send({ _csrf: lea.csrf, intent: 'save', subject: 'x' })).status).toBe(422);

    // A return needs its comment.
    const noComment = await manager.a.post(`/sheets/${sheet.id}/return`).type('form').send({ _csrf: manager.csrf, comment: '' });
    expect(noComment.status).toBe(422);
    expect((await sheetOf(sheet.id)).status).toBe('SUBMITTED');
    const returned = await manager.a.post(`/sheets/${sheet.id}/return`).type('form').send({ _csrf: manager.csrf, comment: 'Précisez le sujet.' });
    expect(returned.status).toBe(303);
    expect((await sheetOf(sheet.id)).status).toBe('RETURNED');
    const mail = await mails(w.lea.user.email, 'sheet-returned');
    expect(mail).toHaveLength(1);
    expect(mail[0].text).toContain('Précisez le sujet.');
    expect((await lea.a.get(`/sheets/${sheet.id}/edit`)).text).toContain('Précisez le sujet.');

    const again = await lea.a.post(`/sheets/${sheet.id}/edit`).type('form').send({ _csrf: lea.csrf, ...sheetForm({ subject: 'Application web de suivi des stages' }), organisationId: String(w.acme.id), intent: 'send' });
    expect(again.status).toBe(303);
    const page = await manager.a.get(`/sheets/${sheet.id}`);
    expect(page.status).toBe(200);
    const changes = page.text.match(/<tr data-change="(\w+)">.*?<\/tr>/gs) ?? [];
    expect(changes).toHaveLength(1);
    expect(changes[0]).toContain('Application web de suivi</td>');
    expect(changes[0]).toContain('Application web de suivi des stages</td>');

    const validated = await manager.a.post(`/sheets/${sheet.id}/validate`).type('form').send({ _csrf: manager.csrf });
    expect(validated.status).toBe(303);
    const after = await sheetOf(sheet.id);
    expect(after.status).toBe('VALIDATED');
    expect(after.validatedById).toBe(w.yearManager.id);
    const agreement = await t.db.agreement.findUniqueOrThrow({ where: { sheetId: sheet.id } });
    expect(agreement).toMatchObject({ studentId: w.lea.profile.id, organisationId: w.acme.id, offerId: w.offer.id, status: 'DRAFT', subject: 'Application web de suivi des stages' });
    expect(await mails(w.lea.user.email, 'sheet-validated')).toHaveLength(1);
    // The sheet's page leads to its agreement, for the student and the manager.
    for (const s of [lea, manager]) expect((await s.a.get(`/sheets/${sheet.id}`)).text).toContain(`href="/agreements/${agreement.id}"`);
    expect((await lea.a.get(`/agreements/${agreement.id}`)).status).toBe(200);
    // Validated: nothing more to decide, nothing to edit.
    expect((await manager.a.post(`/sheets/${sheet.id}/validate`).type('form').send({ _csrf: manager.csrf })).status).toBe(422);
  });

  it('validation creates the typed organisation unverified in the student\'s centre\'s queue, its service and contacts, and copies the student\'s data', async () => {
    const w = await makeSheetWorld(t.db);
    const lea = await agent(t.app, w.lea.user.email);
    const write = await agent(t.app, w.write.email);
    const res = await newSheet(lea, { ...sheetForm(), ...newOrganisationFields(), intent: 'send' });
    expect(res.status).toBe(303);
    const sheet = await t.db.internshipSheet.findFirstOrThrow();
    expect(sheet.organisationId).toBeNull();

    expect((await write.a.post(`/sheets/${sheet.id}/validate`).type('form').send({ _csrf: write.csrf })).status).toBe(303);
    const org = await t.db.organisation.findFirstOrThrow({ where: { legalName: 'Nouvelle Pousse SAS' }, include: { services: true, contacts: true } });
    expect(org).toMatchObject({ verified: false, centreId: w.centreA.id });
    expect(org.services.map((s) => s.name)).toEqual(['Études et développement']);
    expect(org.contacts.map((c) => `${c.firstName} ${c.lastName}`).sort()).toEqual(['Claire Martin', 'Paul Durand']);
    expect((await write.a.get('/organisations/queue')).text).toContain('Nouvelle Pousse SAS');
    const agreement = await t.db.agreement.findUniqueOrThrow({ where: { sheetId: sheet.id } });
    expect(agreement.organisationId).toBe(org.id);
    expect(agreement.companyTutorId).toBe(org.contacts.find((c) => c.lastName === 'Martin')!.id);
    expect((await sheetOf(sheet.id)).organisationId).toBe(org.id);
    const profile = await t.db.studentProfile.findUniqueOrThrow({ where: { id: w.lea.profile.id }, include: { user: true } });
    expect(profile).toMatchObject({ addressLine1: '3 rue des Lilas', postalCode: '69003', city: 'Lyon', insurance: 'GENERAL', healthFund: 'CPAM du Rhône' });
    expect(profile.user.phone).toBe('06 12 34 56 78');
  });

  it('one sheet per application: the button opens the existing one; only an accepted application of the student has one', async () => {
    const w = await makeSheetWorld(t.db);
    const lea = await agent(t.app, w.lea.user.email);
    const show = await lea.a.get(`/applications/${w.application.id}`);
    expect(show.text).toContain(`action="/sheets/from-application/${w.application.id}"`);
    expect(show.text).toContain('Remplir ma fiche de stage');
    const first = await lea.a.post(`/sheets/from-application/${w.application.id}`).type('form').send({ _csrf: lea.csrf });
    const second = await lea.a.post(`/sheets/from-application/${w.application.id}`).type('form').send({ _csrf: csrfFrom(show.text) });
    expect(second.headers.location).toBe(first.headers.location);
    expect(await t.db.internshipSheet.count()).toBe(1);

    const open = await t.db.application.create({ data: { studentId: w.lea.profile.id, organisationId: w.globex.id, title: 'Spontanée', message: 'Bonjour', status: 'SENT' } });
    expect((await lea.a.get(`/applications/${open.id}`)).text).not.toContain('/sheets/from-application/');
    expect((await lea.a.post(`/sheets/from-application/${open.id}`).type('form').send({ _csrf: lea.csrf })).status).toBe(404);
    const hugo = await agent(t.app, w.hugo.user.email);
    expect((await hugo.a.post(`/sheets/from-application/${w.application.id}`).type('form').send({ _csrf: hugo.csrf })).status).toBe(404);
  });
});
