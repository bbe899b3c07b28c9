import type { Response } from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditRows } from '../factories/institutions.js';
import { HTML_AS_PDF, makeApplicationWorld, makeOffer, type ApplicationWorld } from '../factories/applications.js';
import { fieldError, mailsTo, minimalPdf } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

const binary = (r: Response['request']) =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

describe('applying to an offer', () => {
  const t = useApp();
  let w: ApplicationWorld;
  let s: Awaited<ReturnType<typeof agent>>;
  beforeEach(async () => {
    w = await makeApplicationWorld(t.db);
    s = await agent(t.app, 'lea.dubois@etu.test');
  });

  const send = (offerId: number, opts: { title?: string; cv?: Buffer | null; cvName?: string; letter?: Buffer | null; others?: Buffer[]; useProfileCv?: boolean } = {}) => {
    let req = s.a
      .post(`/applications/new?offer=${offerId}`)
      .field('_csrf', s.csrf)
      .field('title', opts.title ?? 'Candidature au stage développeur')
      .field('message', 'Madame, Monsieur,\nje souhaite effectuer mon stage chez vous.');
    if (opts.useProfileCv) req = req.field('useProfileCv', 'on');
    if (opts.cv !== null) req = req.attach('cv', opts.cv ?? minimalPdf(), opts.cvName ?? 'CV Léa Dubois.pdf');
    if (opts.letter !== null) req = req.attach('letter', opts.letter ?? minimalPdf(), 'lettre.pdf');
    for (const [i, o] of (opts.others ?? []).entries()) req = req.attach('others', o, `annexe-${i + 1}.pdf`);
    return req;
  };

  it('shows the form for a visible offer and 404 for one the student cannot see', async () => {
    const page = await s.a.get(`/applications/new?offer=${w.offer.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Stage développeur web');
    expect(page.text).toContain('enctype="multipart/form-data"');
    const draft = await makeOffer(t.db, w.acme.id, { status: 'DRAFT' });
    const expired = await makeOffer(t.db, w.acme.id, { publishUntil: new Date(Date.now() - 1000) });
    const other = await makeOffer(t.db, w.acme.id, { targetAll: false, targetInstitutions: { create: { institutionId: w.udb.id } } });
    for (const o of [draft, expired, other]) {
      expect((await s.a.get(`/applications/new?offer=${o.id}`)).status).toBe(404);
      expect((await send(o.id)).status).toBe(404);
    }
    expect(await t.db.application.count()).toBe(0);
  });

  it('stores the application, its files, a SENT event, an audit row and mails the author and the administrator', async () => {
    const res = await send(w.offer.id, { others: [minimalPdf(), minimalPdf()] });
    expect(res.status).toBe(303);
    const a = await t.db.application.findFirstOrThrow({ include: { cvFile: true, letterFile: true, files: true, events: true } });
    expect(res.headers.location).toBe(`/applications/${a.id}`);
    expect(a).toMatchObject({ studentId: w.lea.profile.id, offerId: w.offer.id, organisationId: w.acme.id, status: 'SENT', title: 'Candidature au stage développeur' });
    expect(a.cvFile).toMatchObject({ originalName: 'CV Léa Dubois.pdf', mimeType: 'application/pdf', extension: 'pdf' });
    expect(a.letterFile?.originalName).toBe('lettre.pdf');
    expect(a.files).toHaveLength(2);
    expect(a.events).toMatchObject([{ fromStatus: null, toStatus: 'SENT', actorId: w.lea.user.id }]);
    const [row] = await auditRows(t.db, 'application.create');
    expect(row.entityId).toBe(String(a.id));
    for (const to of ['admin@acme.test', 'contact@acme.test']) {
      const mails = await mailsTo(t.db, to);
      expect(mails).toHaveLength(1);
      expect(mails[0].template).toBe('application-received');
      expect(mails[0].text).toContain('Léa Dubois');
    }
    expect(await mailsTo(t.db, 'admin@globex.test')).toHaveLength(0);
    // The student receives a receipt, in the same transaction.
    const receipt = await mailsTo(t.db, w.lea.user.email);
    expect(receipt.map((m) => m.template)).toEqual(['application-sent']);
    expect(receipt[0].subject).toBe('Candidature envoyée : Candidature au stage développeur');
    expect(receipt[0].text).toContain('a bien été envoyée');
    expect(receipt[0].text).toContain('ACME Lyon');
    // The student sees it in their list.
    const list = await s.a.get('/applications');
    expect(list.text).toContain('Candidature au stage développeur');
    expect(list.text).toContain('En cours');
  });

  it('shows every error of an empty form at once, each naming its field', async () => {
    const res = await s.a.post(`/applications/new?offer=${w.offer.id}`).field('_csrf', s.csrf).field('title', '').field('message', '');
    expect(res.status).toBe(422);
    for (const label of ['Titre', 'Message', 'CV', 'Lettre de motivation']) expect(res.text, label).toMatch(new RegExp(`<li><a href="#f-[a-z]+">${label} : `));
    expect(res.text).toContain('href="#f-cv"');
    expect(res.text).toContain('href="#f-letter"');
    expect(await t.db.application.count()).toBe(0);
  });

  it('says on the offer page that the student already applied, with a link, instead of offering to apply', async () => {
    const before = await s.a.get(`/offers/${w.offer.id}`);
    expect(before.text).toContain(`href="/applications/new?offer=${w.offer.id}"`);
    expect(before.text).not.toContain('Vous avez déjà postulé');
    expect((await send(w.offer.id)).status).toBe(303);
    const a = await t.db.application.findFirstOrThrow();
    const after = await s.a.get(`/offers/${w.offer.id}`);
    expect(after.text).toContain('Vous avez déjà postulé à cette offre le');
    expect(after.text).toContain('(statut : En cours)');
    expect(after.text).toContain(`href="/applications/${a.id}"`);
    expect(after.text).not.toContain(`href="/applications/new?offer=${w.offer.id}"`);
  });

  it('refuses a second application to the same offer (422), also when sent at the same time', async () => {
    expect((await send(w.offer.id)).status).toBe(303);
    const again = await send(w.offer.id);
    expect(again.status).toBe(422);
    expect(again.text).toContain('Vous avez déjà postulé à cette offre.');
    const other = await makeOffer(t.db, w.acme.id);
    const results = await Promise.all([send(other.id), send(other.id), send(other.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 422, 422]);
    expect(await t.db.application.count({ where: { offerId: other.id } })).toBe(1);
    expect(await t.db.applicationEvent.count()).toBe(2);
  });

  it('checks the files by content and size, and requires a CV and a letter', async () => {
    const html = await send(w.offer.id, { cv: HTML_AS_PDF, cvName: 'cv.pdf' });
    expect(html.status).toBe(422);
    expect(fieldError(html.text, 'cv')).toBe('Le fichier doit être de type PDF, DOC, DOCX, ODT.');
    const big = Buffer.concat([minimalPdf(), Buffer.alloc(8 * 1024 * 1024)]);
    const tooBig = await send(w.offer.id, { letter: big });
    expect(tooBig.status).toBe(422);
    expect(fieldError(tooBig.text, 'letter')).toBe('Le fichier est trop volumineux.');
    const missing = await send(w.offer.id, { cv: null, letter: null });
    expect(missing.status).toBe(422);
    expect(fieldError(missing.text, 'cv')).toBe('Joignez votre CV, ou reprenez celui de votre profil.');
    expect(fieldError(missing.text, 'letter')).toBe('Joignez votre lettre de motivation.');
    const tooMany = await send(w.offer.id, { others: [minimalPdf(), minimalPdf(), minimalPdf(), minimalPdf()] });
    expect(tooMany.status).toBe(422);
    expect(fieldError(tooMany.text, 'others')).toBe('Vous avez joint trop de fichiers.');
    expect(await t.db.application.count()).toBe(0);
    expect(await t.db.storedFile.count()).toBe(0);
  });

  it('reuses the profile CV when asked', async () => {
    const noCv = await send(w.offer.id, { cv: null, useProfileCv: true });
    expect(noCv.status).toBe(422);
    expect(fieldError(noCv.text, 'cv')).toBe('Votre profil ne contient pas de CV : joignez-en un.');
    const up = await s.a.post('/profile/cv').field('_csrf', s.csrf).attach('cv', minimalPdf(), 'mon-cv.pdf');
    expect(up.status).toBe(303);
    expect((await s.a.get(`/applications/new?offer=${w.offer.id}`)).text).toContain('mon-cv.pdf');
    expect((await send(w.offer.id, { cv: null, useProfileCv: true })).status).toBe(303);
    const p = await t.db.studentProfile.findUniqueOrThrow({ where: { id: w.lea.profile.id } });
    const a = await t.db.application.findFirstOrThrow();
    expect(a.cvFileId).toBe(p.cvFileId);
  });

  it('refuses a multipart post without its CSRF token', async () => {
    const res = await s.a.post(`/applications/new?offer=${w.offer.id}`).field('title', 'x').field('message', 'y').attach('cv', minimalPdf(), 'cv.pdf').attach('letter', minimalPdf(), 'l.pdf');
    expect(res.status).toBe(403);
    expect(await t.db.application.count()).toBe(0);
  });

  it('lets the company download the files as attachments with their names; a foreign company gets 404', async () => {
    await send(w.offer.id, { cvName: 'CV Léa Dubois.pdf' });
    const a = await t.db.application.findFirstOrThrow();
    const admin = await agent(t.app, 'admin@acme.test');
    const dl = await binary(admin.a.get(`/applications/${a.id}/files/${a.cvFileId}`));
    expect(dl.status).toBe(200);
    expect(dl.headers['content-type']).toBe('application/pdf');
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="CV L_a Dubois.pdf"; filename\*=UTF-8''CV%20L%C3%A9a%20Dubois\.pdf$/);
    expect(Buffer.compare(dl.body as Buffer, minimalPdf())).toBe(0);
    const globex = await agent(t.app, 'admin@globex.test');
    expect((await globex.a.get(`/applications/${a.id}`)).status).toBe(404);
    expect((await globex.a.get(`/applications/${a.id}/files/${a.cvFileId}`)).status).toBe(404);
    expect((await globex.a.post(`/applications/${a.id}/status`).type('form').send({ _csrf: globex.csrf, status: 'ACCEPTED' })).status).toBe(404);
    // A file id that is not the application's is a 404 even for its company.
    const foreign = await t.db.storedFile.create({ data: { originalName: 'x.pdf', mimeType: 'application/pdf', extension: 'pdf', size: 1, sha256: 'x', data: new Uint8Array([1]) } });
    expect((await admin.a.get(`/applications/${a.id}/files/${foreign.id}`)).status).toBe(404);
    // Another student neither.
    const hugo = await agent(t.app, 'hugo.bernard@etu.test');
    expect((await hugo.a.get(`/applications/${a.id}`)).status).toBe(404);
    expect((await hugo.a.get(`/applications/${a.id}/files/${a.cvFileId}`)).status).toBe(404);
  });
});

describe('spontaneous applications', () => {
  const t = useApp();
  let w: ApplicationWorld;
  beforeEach(async () => {
    w = await makeApplicationWorld(t.db);
  });

  it('reach the company administrator with an e-mail and appear in the spontaneous tab', async () => {
    const s = await agent(t.app, 'lea.dubois@etu.test');
    expect((await s.a.get(`/applications/spontaneous/${w.globex.id}`)).status).toBe(200);
    const res = await s.a
      .post(`/applications/spontaneous/${w.globex.id}`)
      .field('_csrf', s.csrf)
      .field('title', 'Candidature spontanée')
      .field('message', 'Bonjour')
      .attach('cv', minimalPdf(), 'cv.pdf')
      .attach('letter', minimalPdf(), 'lettre.pdf');
    expect(res.status).toBe(303);
    const a = await t.db.application.findFirstOrThrow();
    expect(a).toMatchObject({ offerId: null, organisationId: w.globex.id, status: 'SENT' });
    const mails = await mailsTo(t.db, 'admin@globex.test');
    expect(mails).toHaveLength(1);
    expect(mails[0].text).toContain('candidature spontanée à Globex');
    const admin = await agent(t.app, 'admin@globex.test');
    const tab = await admin.a.get('/applications/company?tab=spontaneous');
    expect(tab.status).toBe(200);
    expect(tab.text).toContain('Dubois Léa');
    expect((await admin.a.get('/applications/company?tab=current')).text).not.toContain('Dubois Léa');
    // An organisation without administrator has nobody to receive it.
    expect((await s.a.get('/applications/spontaneous/999999')).status).toBe(404);
  });
});

describe('spontaneous application link on the organisation page', () => {
  const t = useApp();

  it('is offered to a student only where a company administrator can receive it', async () => {
    const { makeRoleAccounts, makeOrganisation } = await import('../factories/index.js');
    const accounts = await makeRoleAccounts(t.db);
    const lonely = await makeOrganisation(t.db);
    const { a } = await agent(t.app, accounts.users.student.email);
    const withAdmin = await a.get(`/organisations/${accounts.organisation.id}`);
    expect(withAdmin.status).toBe(200);
    expect(withAdmin.text).toContain(`href="/applications/spontaneous/${accounts.organisation.id}"`);
    const without = await a.get(`/organisations/${lonely.id}`);
    expect(without.text).not.toContain('/applications/spontaneous/');
  });
});
