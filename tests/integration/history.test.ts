import { describe, expect, it } from 'vitest';
import { audit, auditMany } from '../../src/audit/audit.js';
import { formatters } from '../../src/i18n/format.js';
import { translate } from '../../src/i18n/index.js';
import { formatNir, maskNir } from '../../src/modules/students/nir.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { makeOffer } from '../factories/applications.js';
import { makeStaff } from '../factories/index.js';
import { makeContact, orgForm } from '../factories/organisations.js';
import { makeSigningAgreement, STUDENT, TEACHER, WRITE } from '../factories/signatures.js';
import { nir, SSN } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const fr = (key: string) => translate('fr', key);
const ADMIN = 'platform.admin@test.example';

/** The statuses each account gets on a page, by e-mail. */
async function statuses(app: Parameters<typeof agent>[0], url: string, emails: string[]) {
  const got: Record<string, number> = {};
  for (const email of emails) got[email] = (await (await agent(app, email)).a.get(url)).status;
  return got;
}

/** The rows of a history page, in the order shown (their audit ids). */
const rowIds = (html: string) => [...html.matchAll(/data-audit-row="(\d+)"/g)].map((m) => m[1]);

describe('audit history of a record', () => {
  const t = useApp();

  it("shows an agreement's history with its signatures' and amendments' rows, newest first, to the school staff who see it", async () => {
    const { w, a } = await makeSigningAgreement(t.app, t.db);
    await makeStaff(t.db, w.centreB.id, 'READ', 'b.read@test.example');
    // An amendment drafted and deleted since (its row is gone, its history stays), and another agreement's.
    const other = await makeAgreement(t.db, w, { subject: 'Autre stage' });
    await audit(t.db, { actorId: w.write.id, action: 'amendment.create', entityType: 'AgreementAmendment', entityId: 990001, after: { agreementId: a.id, seq: 1, kinds: ['subject'], reason: 'Sujet précisé' } });
    await audit(t.db, { actorId: w.write.id, action: 'amendment.delete', entityType: 'AgreementAmendment', entityId: 990001, before: { agreementId: a.id, seq: 1, kinds: ['subject'] } });
    await audit(t.db, { actorId: w.write.id, action: 'amendment.create', entityType: 'AgreementAmendment', entityId: 990002, after: { agreementId: other.id, seq: 1, kinds: ['pay'], reason: 'Autre avenant' } });

    const url = `/agreements/${a.id}/history`;
    expect(await statuses(t.app, url, [TEACHER, 'teacher2@uda.test', 'a.read@test.example', 'b.read@test.example', 'b.write@test.example', 'year.l3@test.example', 'prog.droit@test.example', ADMIN, STUDENT, 'admin@acme.test', 'tutor@acme.test'])).toEqual({
      [TEACHER]: 200, // the agreement's academic tutor
      'teacher2@uda.test': 404,
      'a.read@test.example': 200, // READ staff of the managing centre
      'b.read@test.example': 404, // READ staff of another centre
      'b.write@test.example': 404,
      'year.l3@test.example': 200,
      'prog.droit@test.example': 404,
      [ADMIN]: 200,
      [STUDENT]: 403, // the policy: never the student, nor the company
      'admin@acme.test': 403,
      'tutor@acme.test': 403,
    });
    expect((await (await agent(t.app, TEACHER)).a.get('/agreements/999999/history')).status).toBe(404);

    const page = await (await agent(t.app, TEACHER)).a.get(url);
    const rows = await t.db.auditLog.findMany({ where: { OR: [{ entityType: 'Agreement', entityId: String(a.id) }, { entityType: 'AgreementSignature' }, { entityType: 'AgreementAmendment', entityId: '990001' }] }, orderBy: { id: 'desc' } });
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['agreement.create', 'agreement.submit', 'agreement.openSignatures', 'signature.invite']));
    // Every row of the agreement, its signatures and its deleted amendment, newest first; nothing of the other agreement.
    expect(rowIds(page.text)).toEqual(rows.map((r) => String(r.id)));
    expect(page.text).not.toContain('Autre avenant');
    const html = page.text;
    // Who: the student, the WRITE staff member, the platform for the creation (made by the platform in the factory).
    expect(html).toContain('Léa Dubois');
    expect(html).toContain(`${w.write.firstName} ${w.write.lastName}`);
    expect(html).toContain(fr('history.who.system'));
    // When, in Paris time.
    expect(html).toContain(formatters('fr').shortDateTime(rows[0].createdAt));
    // What: the actions' labels, the part, the state before and after, an amendment's fields.
    for (const key of ['agreement.submit', 'agreement.openSignatures', 'signature.invite', 'amendment.delete']) expect(html).toContain(fr(`history.actions.${key}`));
    expect(html).toContain(fr('history.parts.AgreementSignature'));
    expect(html).toMatch(new RegExp(`${fr('agreements.status.DRAFT')} <span aria-hidden="true">→</span><span class="visually-hidden">devient</span> ${fr('agreements.status.SUBMITTED')}`));
    expect(html).toContain('Sujet précisé');
    // The agreement's page links to it for the staff, not for the student.
    expect((await (await agent(t.app, TEACHER)).a.get(`/agreements/${a.id}`)).text).toContain(`href="${url}"`);
    expect((await (await agent(t.app, STUDENT)).a.get(`/agreements/${a.id}`)).text).not.toContain(`href="${url}"`);
  });

  it("shows an offer's history to the staff of the centres that manage or receive it", async () => {
    const w = await makeAgreementWorld(t.db);
    await makeStaff(t.db, w.centreB.id, 'READ', 'b.read@test.example');
    const offer = await makeOffer(t.db, w.acme.id, { centreId: w.centreA.id, authorId: w.acmeAdmin.id });
    const write = await agent(t.app, WRITE);
    expect((await write.a.post(`/offers/manage/${offer.id}/fill`).type('form').send({ _csrf: write.csrf })).status).toBe(303);
    expect((await write.a.post(`/offers/manage/${offer.id}/archive`).type('form').send({ _csrf: write.csrf })).status).toBe(303);

    const url = `/offers/${offer.id}/history`;
    expect(await statuses(t.app, url, ['a.read@test.example', WRITE, 'b.read@test.example', TEACHER, ADMIN, STUDENT, 'admin@acme.test'])).toEqual({
      'a.read@test.example': 200,
      [WRITE]: 200,
      'b.read@test.example': 404,
      [TEACHER]: 404, // no centre: offers are the centres'
      [ADMIN]: 200,
      [STUDENT]: 403,
      'admin@acme.test': 403,
    });
    const html = (await (await agent(t.app, 'a.read@test.example')).a.get(url)).text;
    const [archived, filled] = await t.db.auditLog.findMany({ where: { entityType: 'Offer', entityId: String(offer.id) }, orderBy: { id: 'desc' } });
    expect(rowIds(html)).toEqual([archived.id, filled.id].map(String));
    expect(html).toContain(fr('history.actions.offer.fill'));
    expect(html).toContain(fr('history.actions.offer.archive'));
    expect(html).toContain(`${fr('offers.status.PUBLISHED')} <span aria-hidden="true">→</span>`);
    expect(html).toContain(`${w.write.firstName} ${w.write.lastName}`);
    // The manager's page links to it; the company's view of the same page does not.
    expect((await write.a.get(`/offers/manage/${offer.id}`)).text).toContain(`href="${url}"`);
    expect((await (await agent(t.app, 'admin@acme.test')).a.get(`/offers/manage/${offer.id}`)).text).not.toContain(`href="${url}"`);
  });

  it("shows an organisation's history, its deleted contacts included, page by page", async () => {
    const w = await makeAgreementWorld(t.db);
    const contact = await makeContact(t.db, w.acme.id, { lastName: 'Morel', phone: '04 73 99 88 77' });
    const write = await agent(t.app, WRITE);
    const edited = await write.a
      .post(`/organisations/${w.acme.id}/edit`)
      .type('form')
      .send({ ...orgForm({ legalName: 'ACME Lyon SAS', siret: '73282932000074', postalCode: '69002', city: 'Lyon', phone: '04 72 11 22 33' }), _csrf: write.csrf });
    expect(edited.status).toBe(303);
    expect((await write.a.post(`/organisations/${w.acme.id}/contacts/${contact.id}/delete`).type('form').send({ _csrf: write.csrf })).status).toBe(303);

    const url = `/organisations/${w.acme.id}/history`;
    // The directory is every staff member's: whoever may search it sees its history.
    expect(await statuses(t.app, url, ['a.read@test.example', 'b.write@test.example', TEACHER, ADMIN, STUDENT, 'admin@acme.test'])).toEqual({
      'a.read@test.example': 200,
      'b.write@test.example': 200,
      [TEACHER]: 200,
      [ADMIN]: 200,
      [STUDENT]: 403,
      'admin@acme.test': 403,
    });
    const read = await agent(t.app, 'a.read@test.example');
    let html = (await read.a.get(url)).text;
    expect(rowIds(html)).toHaveLength(2);
    expect(html).toContain(fr('history.actions.organisation.update'));
    expect(html).toMatch(/ACME Lyon <span aria-hidden="true">→<\/span><span class="visually-hidden">devient<\/span> ACME Lyon SAS/);
    expect(html).toContain(`${fr('organisations.fields.phone')} :`);
    expect(html).toContain(fr('history.actions.contact.delete'));
    expect(html).toContain('Morel');
    // Normalised columns say nothing of what changed.
    expect(html).not.toContain('acme lyon sas');
    expect((await read.a.get(`/organisations/${w.acme.id}`)).text).toContain(`href="${url}"`);

    // 30 more rows: 25 on the first page, the rest on the second, the oldest last.
    await auditMany(t.db, Array.from({ length: 30 }, (_, i) => ({ actorId: null, action: 'organisation.update', entityType: 'Organisation', entityId: w.acme.id, before: { sector: `S${i}` }, after: { sector: `S${i + 1}` } })));
    html = (await read.a.get(url)).text;
    expect(rowIds(html)).toHaveLength(25);
    expect(html).toContain(`href="${url}?page=2" rel="next"`);
    expect(html).toContain('S29');
    const second = (await read.a.get(`${url}?page=2`)).text;
    expect(rowIds(second)).toHaveLength(7);
    expect(second).toContain(fr('history.actions.contact.delete'));
    expect(second).toContain(`href="${url}?page=1" rel="prev"`);
    expect(rowIds(second).some((id) => rowIds(html).includes(id))).toBe(false);
  });

  it("shows an account's history to the platform administrator only, personal data masked and secrets never", async () => {
    const w = await makeAgreementWorld(t.db);
    const newSsn = nir('1850763120001');
    const lea = await agent(t.app, STUDENT);
    const saved = await lea.a
      .post('/profile')
      .type('form')
      .send({ _csrf: lea.csrf, country: 'FR', birthDate: '2001-05-17', phone: '06 12 34 56 78', addressLine1: '3 rue des Lilas', postalCode: '63000', city: 'Clermont-Ferrand', ssn: formatNir(newSsn) });
    expect(saved.status).toBe(303);
    // A row written before secrets were kept out of the trail (or by hand): the page still never shows them.
    await t.db.auditLog.create({
      data: { actorId: w.lea.user.id, action: 'user.passwordChanged', entityType: 'User', entityId: String(w.lea.user.id), before: { passwordHash: '$argon2id$v=19$old-secret' }, after: { passwordHash: '$argon2id$v=19$new-secret', resetToken: 'tok-abc123', ssn: SSN, birthDate: '2001-05-17T00:00:00.000Z' } },
    });
    const admin = await agent(t.app, ADMIN);
    expect((await admin.a.post(`/admin/users/${w.lea.user.id}/deactivate`).type('form').send({ _csrf: admin.csrf })).status).toBe(303);

    const url = `/admin/users/${w.lea.user.id}/history`;
    expect(await statuses(t.app, url, ['a.read@test.example', 'a.admin@test.example', TEACHER, 'admin@acme.test', 'hugo.bernard@etu.test'])).toEqual({
      'a.read@test.example': 404, // allowed by the policy, not by the record: accounts are the administrator's
      'a.admin@test.example': 404,
      [TEACHER]: 404,
      'admin@acme.test': 403,
      'hugo.bernard@etu.test': 403,
    });
    const page = await admin.a.get(url);
    expect(page.status).toBe(200);
    const html = page.text.replace(/&#39;/g, "'");
    expect(rowIds(html)).toHaveLength(3);
    expect(html).toContain(fr('history.actions.user.deactivate'));
    expect(html).toContain(`${fr('common.yes')} <span aria-hidden="true">→</span><span class="visually-hidden">devient</span> ${fr('common.no')}`);
    expect(html).toContain(fr('history.actions.student.profile_update'));
    expect(html).toContain(fr('history.parts.StudentProfile'));
    expect(html).toContain('user.passwordChanged'); // an action without a label: as recorded
    // The address and phone, which the administrator sees on the account, are shown.
    expect(html).toContain('3 rue des Lilas');
    expect(html).toContain('06 12 34 56 78');
    // The NIR masked (the old and the new), the birth date masked, secrets absent.
    expect(html).toContain(maskNir(SSN)!);
    expect(html).toContain(maskNir(newSsn)!);
    for (const secret of [SSN, formatNir(SSN), newSsn, formatNir(newSsn), '17/05/2001', 'argon2id', 'old-secret', 'tok-abc123', 'passwordHash', 'resetToken']) expect(html).not.toContain(secret);
    expect(html).toMatch(new RegExp(`${fr('students.fields.birthDate')} :\\s+${fr('history.masked')}`));
    // The user list links to each account's history.
    expect((await admin.a.get('/admin/users')).text).toContain(`href="${url}"`);
  });
});
