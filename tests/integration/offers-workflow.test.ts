import { formatters } from '../../src/i18n/format.js';
import { describe, expect, it } from 'vitest';
import { jobDefinitions, runJob } from '../../src/jobs/index.js';
import type { Ctx } from '../../src/context.js';
import { systemAct } from '../../src/act.js';
import { outboxFor } from '../factories/companies.js';
import { makeOffer, makeOfferWorld, offerForm, type OfferWorld } from '../factories/offers.js';
import { minimalPdf } from '../factories/students.js';
import { agent, testContext, useApp } from '../helpers/app.js';

describe('offers: creation and workflow', () => {
  const t = useApp();
  const as = (email: string) => agent(t.app, email);
  const post = async (s: Awaited<ReturnType<typeof as>>, path: string, body: Record<string, string | string[]> = {}) => s.a.post(path).type('form').send({ _csrf: s.csrf, ...body });
  const status = async (id: number) => (await t.db.offer.findUniqueOrThrow({ where: { id } })).status;
  const audits = (id: number) => t.db.auditLog.findMany({ where: { entityType: 'Offer', entityId: String(id) }, orderBy: { id: 'asc' } });

  async function createAs(w: OfferWorld, email: string, overrides: Record<string, string | string[]> = {}) {
    const s = await as(email);
    const res = await post(s, '/offers/manage/new', offerForm(w, overrides));
    expect(res.status, res.text.slice(0, 2000)).toBe(303);
    const id = Number(res.headers.location.split('/').pop());
    return { s, id };
  }

  it('checks the postal code by country and the commune, every message at once, what was typed kept', async () => {
    const w = await makeOfferWorld(t.db);
    const s = await as('admin@volcans.example');
    const res = await post(s, '/offers/manage/new', offerForm(w, { postalCode: 'ABC', city: '12345', country: 'FR' }));
    expect(res.status).toBe(422);
    expect(res.text).toContain('Un code postal français comporte 5 chiffres');
    expect(res.text).toContain('commune s&#39;écrit en lettres');
    expect(res.text).toContain('value="ABC"');
    expect(await t.db.offer.count()).toBe(0);
    const be = await post(s, '/offers/manage/new', offerForm(w, { postalCode: '1000', city: 'Bruxelles', country: 'BE' }));
    expect(be.status).toBe(303);
  });

  it('a contact allowed to publish → company admin → school moderation → published, each step audited and mailed', async () => {
    const w = await makeOfferWorld(t.db);
    const { s: contact, id } = await createAs(w, 'publisher@volcans.example');
    const created = await t.db.offer.findUniqueOrThrow({ where: { id } });
    expect(created).toMatchObject({ status: 'DRAFT', fromCompany: true, centreId: w.centreA.id, authorId: w.company.contacts[0].user.id, paid: true });
    const page = await contact.a.get(`/offers/manage/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`/offers/manage/${id}/submit`);

    expect((await post(contact, `/offers/manage/${id}/submit`)).status).toBe(303);
    expect(await status(id)).toBe('PENDING_COMPANY');
    expect((await outboxFor(t.db, 'admin@volcans.example')).map((m) => m.template)).toContain('offer-awaiting');

    // The contact cannot approve their own offer: 403, nothing changes.
    expect((await post(contact, `/offers/manage/${id}/companyApprove`)).status).toBe(403);
    expect(await status(id)).toBe('PENDING_COMPANY');

    const admin = await as('admin@volcans.example');
    expect((await post(admin, `/offers/manage/${id}/companyApprove`)).status).toBe(303);
    expect(await status(id)).toBe('PENDING_SCHOOL');
    expect((await outboxFor(t.db, 'a.write@test.example')).map((m) => m.template)).toContain('offer-awaiting');

    // Centre B's staff do not reach the offer (404); centre A's READ staff may not moderate (403).
    expect((await post(await as('b.write@test.example'), `/offers/manage/${id}/approve`, { diffusionMonths: '3' })).status).toBe(404);
    expect((await post(await as('a.read@test.example'), `/offers/manage/${id}/approve`, { diffusionMonths: '3' })).status).toBe(403);

    const staff = await as('a.write@test.example');
    expect((await staff.a.get('/offers/moderation')).text).toContain(`/offers/manage/${id}`);
    // A period out of 1–12 months is refused with the page re-rendered.
    expect((await post(staff, `/offers/manage/${id}/approve`, { diffusionMonths: '13' })).status).toBe(422);
    expect(await status(id)).toBe('PENDING_SCHOOL');
    expect((await post(staff, `/offers/manage/${id}/approve`, { diffusionMonths: '3' })).status).toBe(303);
    const published = await t.db.offer.findUniqueOrThrow({ where: { id } });
    expect(published.status).toBe('PUBLISHED');
    expect(published.diffusionMonths).toBe(3);
    const months = (published.publishUntil!.getUTCFullYear() - published.publishFrom!.getUTCFullYear()) * 12 + published.publishUntil!.getUTCMonth() - published.publishFrom!.getUTCMonth();
    expect(months).toBe(3);
    const publishedMail = (await outboxFor(t.db, 'publisher@volcans.example')).find((m) => m.template === 'offer-published')!;
    // The end of the period in the French style of the pages ("1 mars 2027"), never an ISO date.
    expect(publishedMail.text).toContain(`diffusée jusqu'au ${formatters('fr').day(published.publishUntil)}.`);
    expect(publishedMail.text).toMatch(/jusqu'au \d{1,2} [a-zéû]+ \d{4}\./);
    expect(publishedMail.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect((await audits(id)).map((a) => a.action)).toEqual(['offer.create', 'offer.submit', 'offer.companyApprove', 'offer.approve']);

    // Approving again is a wrong state: 422, nothing changes.
    expect((await post(staff, `/offers/manage/${id}/approve`, { diffusionMonths: '6' })).status).toBe(422);
    expect((await t.db.offer.findUniqueOrThrow({ where: { id } })).diffusionMonths).toBe(3);
  });

  it('an administrator\'s offer goes straight to the school; a rejection carries a reason mailed to the author', async () => {
    const w = await makeOfferWorld(t.db);
    const { s: admin, id } = await createAs(w, 'admin@volcans.example');
    // The forms render for the administrator's only company (full and short) and for staff.
    for (const path of ['/offers/manage/new', '/offers/manage/new-short']) {
      const page = await admin.a.get(path);
      expect(page.status).toBe(200);
      expect(page.text).toContain(`name="organisationId" value="${w.company.organisation.id}"`);
    }
    expect((await (await as('a.write@test.example')).a.get(`/offers/manage/new?organisation=${w.foreign.organisation.id}`)).text).toContain('name="applicationContactId"');
    expect((await post(admin, `/offers/manage/${id}/submit`)).status).toBe(303);
    expect(await status(id)).toBe('PENDING_SCHOOL');
    const staff = await as('a.write@test.example');
    expect((await post(staff, `/offers/manage/${id}/reject`, { reason: '' })).status).toBe(422);
    expect(await status(id)).toBe('PENDING_SCHOOL');
    expect((await post(staff, `/offers/manage/${id}/reject`, { reason: 'Les missions sont trop vagues.' })).status).toBe(303);
    const o = await t.db.offer.findUniqueOrThrow({ where: { id } });
    expect(o).toMatchObject({ status: 'DRAFT', rejectionReason: 'Les missions sont trop vagues.' });
    const mail = (await outboxFor(t.db, 'admin@volcans.example')).find((m) => m.template === 'offer-rejected')!;
    expect(mail.text).toContain('Les missions sont trop vagues.');
  });

  it('refuses who may not create, and hides other companies\' offers (404)', async () => {
    const w = await makeOfferWorld(t.db);
    const nopub = await as('nopublish@volcans.example');
    const form = await nopub.a.get('/offers/manage/new');
    expect(form.status).toBe(200);
    expect(form.text).toContain('droit de publier');
    expect((await post(nopub, '/offers/manage/new', offerForm(w))).status).toBe(422);
    // Staff of centre B cannot create an offer for centre A.
    expect((await post(await as('b.write@test.example'), '/offers/manage/new', offerForm(w))).status).toBe(422);
    expect(await t.db.offer.count()).toBe(0);

    const offer = await makeOffer(t.db, w);
    const other = await as('admin@autre.example');
    expect((await other.a.get(`/offers/manage/${offer.id}`)).status).toBe(404);
    expect((await post(other, `/offers/manage/${offer.id}/fill`)).status).toBe(404);
    expect((await other.a.get(`/offers/manage/${offer.id}/edit`)).status).toBe(404);
    expect(await status(offer.id)).toBe('PUBLISHED');
    // A contact who did not write it may not act on it.
    expect((await post(await as('publisher@volcans.example'), `/offers/manage/${offer.id}/fill`)).status).toBe(403);
    expect(await status(offer.id)).toBe('PUBLISHED');
  });

  it('fill, archive, cancel, renew, duplicate; wrong states are 422 that change nothing', async () => {
    const w = await makeOfferWorld(t.db);
    const admin = await as('admin@volcans.example');
    const a = await makeOffer(t.db, w);
    expect((await post(admin, `/offers/manage/${a.id}/archive`)).status).toBe(422);
    expect((await post(admin, `/offers/manage/${a.id}/fill`)).status).toBe(303);
    expect(await status(a.id)).toBe('FILLED');
    expect((await post(admin, `/offers/manage/${a.id}/renew`, { diffusionMonths: '2' })).status).toBe(422);
    expect((await post(admin, `/offers/manage/${a.id}/archive`)).status).toBe(303);
    expect(await status(a.id)).toBe('ARCHIVED');
    expect((await post(admin, `/offers/manage/${a.id}/cancel`)).status).toBe(422);
    expect(await status(a.id)).toBe('ARCHIVED');

    const b = await makeOffer(t.db, w, { status: 'EXPIRED', publishUntil: new Date(Date.now() - 1000) });
    expect((await post(admin, `/offers/manage/${b.id}/renew`, { diffusionMonths: '12' })).status).toBe(303);
    const renewed = await t.db.offer.findUniqueOrThrow({ where: { id: b.id } });
    expect(renewed.status).toBe('PUBLISHED');
    expect(renewed.publishUntil!.getTime()).toBeGreaterThan(Date.now() + 360 * 24 * 3600 * 1000);

    const dup = await post(admin, `/offers/manage/${b.id}/duplicate`);
    expect(dup.status).toBe(303);
    const copyId = Number(dup.headers.location.split('/').pop());
    expect(copyId).not.toBe(b.id);
    expect(await t.db.offer.findUniqueOrThrow({ where: { id: copyId } })).toMatchObject({ status: 'DRAFT', title: b.title, visits: 0, authorId: w.company.admin.id });

    expect((await post(admin, `/offers/manage/${copyId}/cancel`)).status).toBe(303);
    expect(await status(copyId)).toBe('CANCELLED');
    // A company may not use the school's transitions.
    expect((await post(admin, `/offers/manage/${b.id}/approve`, { diffusionMonths: '1' })).status).toBe(403);
  });

  it('a published offer edited by the company goes back to moderation; edited by the centre it stays published', async () => {
    const w = await makeOfferWorld(t.db);
    const offer = await makeOffer(t.db, w, { applicationContactId: w.adminCard.id });
    const admin = await as('admin@volcans.example');
    expect((await admin.a.get(`/offers/manage/${offer.id}/edit`)).status).toBe(200);
    const res = await post(admin, `/offers/manage/${offer.id}/edit`, offerForm(w, { title: 'Nouvel intitulé' }));
    expect(res.status).toBe(303);
    expect(await t.db.offer.findUniqueOrThrow({ where: { id: offer.id } })).toMatchObject({ status: 'PENDING_SCHOOL', title: 'Nouvel intitulé' });
    // Nothing to edit while it is being moderated.
    expect((await post(admin, `/offers/manage/${offer.id}/edit`, offerForm(w, { title: 'Encore' }))).status).toBe(422);
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: offer.id } })).title).toBe('Nouvel intitulé');

    const school = await makeOffer(t.db, w, { fromCompany: false, authorId: w.writeA.id });
    const staff = await as('a.write@test.example');
    expect((await post(staff, `/offers/manage/${school.id}/edit`, offerForm(w, { title: 'Par le centre' }))).status).toBe(303);
    expect(await t.db.offer.findUniqueOrThrow({ where: { id: school.id } })).toMatchObject({ status: 'PUBLISHED', title: 'Par le centre' });
    expect((await audits(school.id)).map((a) => a.action)).toEqual(['offer.edit']);
  });

  it('centre staff create a school offer for any organisation, publish it and transfer it', async () => {
    const w = await makeOfferWorld(t.db);
    const foreignCard = await t.db.contact.findFirstOrThrow({ where: { organisationId: w.foreign.organisation.id } });
    // The application contact must belong to the organisation.
    const s = await as('a.write@test.example');
    expect((await post(s, '/offers/manage/new', offerForm(w, { organisationId: String(w.foreign.organisation.id) }))).status).toBe(422);
    const { s: staff, id } = await createAs(w, 'a.write@test.example', { organisationId: String(w.foreign.organisation.id), applicationContactId: String(foreignCard.id) });
    expect(await t.db.offer.findUniqueOrThrow({ where: { id } })).toMatchObject({ fromCompany: false, centreId: w.centreA.id, status: 'DRAFT' });
    // A school offer is not submitted: the centre publishes it itself.
    expect((await post(staff, `/offers/manage/${id}/submit`)).status).toBe(403);
    expect((await post(staff, `/offers/manage/${id}/publish`, { diffusionMonths: '1' })).status).toBe(303);
    expect(await status(id)).toBe('PUBLISHED');
    expect((await post(staff, `/offers/manage/${id}/transfer`, { centreId: String(w.centreB.id) })).status).toBe(303);
    expect((await t.db.offer.findUniqueOrThrow({ where: { id } })).centreId).toBe(w.centreB.id);
    // Out of centre A now: a 404 for its staff, reachable by centre B's.
    expect((await staff.a.get(`/offers/manage/${id}`)).status).toBe(404);
    expect((await (await as('b.write@test.example')).a.get(`/offers/manage/${id}`)).status).toBe(200);
    expect((await audits(id)).map((a) => a.action)).toEqual(['offer.create', 'offer.publish', 'offer.transfer']);
  });
});

describe('offers: short form, expiry job', () => {
  const t = useApp();

  it('creates an offer with a PDF or a link; refuses a file that is not a document', async () => {
    const w = await makeOfferWorld(t.db);
    const s = await agent(t.app, 'admin@volcans.example');
    const fields = { _csrf: s.csrf, organisationId: String(w.company.organisation.id), centreId: String(w.centreA.id), title: 'Stage court', kind: 'JOB', domain: 'Web', postalCode: '63000', city: 'Clermont', country: 'FR', targetAll: 'yes' };
    const withFile = (name: string, buf: Buffer) => {
      const r = s.a.post('/offers/manage/new-short');
      for (const [k, v] of Object.entries(fields)) r.field(k, v);
      return r.attach('attachment', buf, name);
    };
    const ok = await withFile('offre.pdf', minimalPdf());
    expect(ok.status, ok.text.slice(0, 1500)).toBe(303);
    const offer = await t.db.offer.findFirstOrThrow({ include: { attachmentFile: true } });
    expect(offer).toMatchObject({ shortForm: true, status: 'DRAFT' });
    expect(offer.attachmentFile?.mimeType).toBe('application/pdf');
    // Its author downloads the file back, as an attachment with its name; others get a 404.
    const file = await s.a.get(`/offers/manage/${offer.id}/attachment`);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="offre\.pdf"/);
    expect(file.headers['x-content-type-options']).toBe('nosniff');
    expect((await s.a.get(`/offers/manage/${offer.id + 1000}/attachment`)).status).toBe(404);

    const bad = await withFile('offre.pdf', Buffer.from('plain text, not a pdf'));
    expect(bad.status).toBe(422);
    const big = await withFile('offre.pdf', Buffer.concat([minimalPdf(), Buffer.alloc(600 * 1024)]));
    expect(big.status).toBe(422);

    const r = s.a.post('/offers/manage/new-short');
    for (const [k, v] of Object.entries({ ...fields, link: 'javascript:alert(1)' })) r.field(k, v);
    expect((await r).status).toBe(422);
    const r2 = s.a.post('/offers/manage/new-short');
    for (const [k, v] of Object.entries({ ...fields, link: 'https://volcans.example/offre' })) r2.field(k, v);
    expect((await r2).status).toBe(303);
    expect(await t.db.offer.count()).toBe(2);
  });

  it('edits a short-form offer with the short form: keeps, replaces or swaps its file and link; the full form completes it', async () => {
    const w = await makeOfferWorld(t.db);
    const s = await agent(t.app, 'admin@volcans.example');
    const base = { _csrf: s.csrf, organisationId: String(w.company.organisation.id), centreId: String(w.centreA.id), kind: 'JOB', domain: 'Web', postalCode: '63000', city: 'Clermont', country: 'FR', targetAll: 'yes' };
    const post = (path: string, fields: Record<string, string>, file?: [string, Buffer]) => {
      const r = s.a.post(path);
      for (const [k, v] of Object.entries(fields)) r.field(k, v);
      return file ? r.attach('attachment', file[1], file[0]) : r;
    };
    expect((await post('/offers/manage/new-short', { ...base, title: 'Stage court' }, ['offre.pdf', minimalPdf()])).status).toBe(303);
    const created = await t.db.offer.findFirstOrThrow();
    const firstFile = created.attachmentFileId;
    const edit = `/offers/manage/${created.id}/edit-short`;

    // The offer's page leads to the short form, which shows the current file and starts empty.
    expect((await s.a.get(`/offers/manage/${created.id}`)).text).toContain(`href="${edit}"`);
    const page = await s.a.get(edit);
    expect(page.status).toBe(200);
    expect(page.text).toContain('offre.pdf');
    expect(page.text).toContain('enctype="multipart/form-data"');

    // Nothing new: the file stays.
    expect((await post(edit, { ...base, title: 'Stage court (modifié)' })).status).toBe(303);
    let offer = await t.db.offer.findUniqueOrThrow({ where: { id: created.id } });
    expect(offer).toMatchObject({ title: 'Stage court (modifié)', shortForm: true, attachmentFileId: firstFile, link: null });
    // A link replaces the file; a new file replaces the link; both at once are refused.
    expect((await post(edit, { ...base, title: 'Stage court', link: 'https://volcans.example/offre' })).status).toBe(303);
    offer = await t.db.offer.findUniqueOrThrow({ where: { id: created.id } });
    expect(offer).toMatchObject({ attachmentFileId: null, link: 'https://volcans.example/offre', shortForm: true });
    const both = await post(edit, { ...base, title: 'Stage court', link: 'https://volcans.example/x' }, ['autre.pdf', minimalPdf()]);
    expect(both.status).toBe(422);
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: created.id } })).link).toBe('https://volcans.example/offre');
    expect((await post(edit, { ...base, title: 'Stage court' }, ['nouvelle.pdf', minimalPdf()])).status).toBe(303);
    const replaced = await t.db.offer.findUniqueOrThrow({ where: { id: created.id }, include: { attachmentFile: true } });
    expect(replaced.link).toBeNull();
    expect(replaced.attachmentFile?.originalName).toBe('nouvelle.pdf');
    // A file that is not a document is refused and changes nothing.
    expect((await post(edit, { ...base, title: 'Autre titre' }, ['offre.pdf', Buffer.from('not a pdf')])).status).toBe(422);
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: created.id } })).title).toBe('Stage court');
    expect(await t.db.auditLog.count({ where: { action: 'offer.edit', entityId: String(created.id) } })).toBe(3);

    // The full form says it completes the offer; a full-form offer has no short form to edit.
    expect((await s.a.get(`/offers/manage/${created.id}/edit`)).text).toContain('formulaire court');
    const full = await makeOffer(t.db, w, { status: 'DRAFT' });
    expect((await post(`/offers/manage/${full.id}/edit-short`, { ...base, title: 'X', link: 'https://volcans.example/y' })).status).toBe(422);
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: full.id } })).shortForm).toBe(false);
    // Another company's offer: 404.
    const other = await agent(t.app, 'admin@autre.example');
    expect((await other.a.get(edit)).status).toBe(404);
  });

  it('the daily job expires offers whose period has ended, audited, under its lock', async () => {
    const w = await makeOfferWorld(t.db);
    const due = await makeOffer(t.db, w, { publishUntil: new Date(Date.now() - 60_000) });
    const live = await makeOffer(t.db, w);
    const filled = await makeOffer(t.db, w, { status: 'FILLED', publishUntil: new Date(Date.now() - 60_000) });
    const def = jobDefinitions().find((j) => j.name === 'expire-offers')!;
    const ctx = testContext(t.db);
    expect(await runJob(ctx, def)).toBe(true);
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: due.id } })).status).toBe('EXPIRED');
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: live.id } })).status).toBe('PUBLISHED');
    expect((await t.db.offer.findUniqueOrThrow({ where: { id: filled.id } })).status).toBe('FILLED');
    expect(await t.db.auditLog.count({ where: { action: 'offer.expire', entityId: String(due.id), actorId: null } })).toBe(1);
    // A second run finds nothing more to do.
    expect(await ctx.services.offers.expireDue(systemAct(ctx.clock))).toBe(0);
  });
});
