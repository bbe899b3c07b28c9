import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import type { DocumentAudience } from '../../src/generated/prisma/enums.js';
import { makeCompany } from '../factories/companies.js';
import { makeStaff, makeUser } from '../factories/index.js';
import { auditRows } from '../factories/institutions.js';
import { fieldError, makeStudentWorld, minimalPdf } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';
import { seedDocuments } from '../../prisma/seed-documents.js';

type Session = Awaited<ReturnType<typeof agent>>;

/** The ids of the documents a page lists, in order. */
const listed = (html: string) => [...html.matchAll(/data-document="(\d+)"/g)].map((m) => Number(m[1]));

const DOCX_TYPES =
  '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';

async function zip(files: Record<string, string>): Promise<Buffer> {
  const z = new JSZip();
  // An ODT's "mimetype" entry comes first, stored uncompressed, as the OpenDocument format asks.
  for (const [name, text] of Object.entries(files)) z.file(name, text, name === 'mimetype' ? { compression: 'STORE' } : undefined);
  return z.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
const docx = () => zip({ '[Content_Types].xml': DOCX_TYPES, 'word/document.xml': '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p/></w:body></w:document>' });
const odt = () => zip({ mimetype: 'application/vnd.oasis.opendocument.text', 'content.xml': '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>' });

/**
 * Makes the student world (UDA: centres A and B; UDB: centre C) with a company of centre A, a
 * company with no centre yet, a tutor of UDA, an ADMIN of B, and documents for each audience.
 */
async function world(db: Db) {
  const w = await makeStudentWorld(db);
  const company = await makeCompany(db, { legalName: 'ACME Lyon', adminEmail: 'company@test.example', centreId: w.centreA.id });
  await makeCompany(db, { legalName: 'Nouvelle SARL', adminEmail: 'newcomer@test.example' });
  const tutor = await makeUser(db, { email: 'tutor@test.example' });
  await db.academicRole.create({ data: { userId: tutor.id, kind: 'ACADEMIC_TUTOR', programmeId: w.info.id } });
  await makeStaff(db, w.centreB.id, 'ADMIN', 'b.admin@test.example');
  const file = await db.storedFile.create({ data: { originalName: 'notice.pdf', mimeType: 'application/pdf', extension: 'pdf', size: minimalPdf().length, sha256: 'x', data: new Uint8Array(minimalPdf()) } });
  let position = 0;
  const doc = (centreId: number | null, title: string, audiences: DocumentAudience[], extra: { fileId?: number } = {}) =>
    db.usefulDocument.create({ data: { centreId, title, audiences, position: position++, url: extra.fileId ? null : `https://example.test/${position}`, fileId: extra.fileId ?? null } });
  const docs = {
    pStudents: await doc(null, 'Plateforme étudiants', ['STUDENTS']),
    pCompanies: await doc(null, 'Plateforme entreprises', ['COMPANIES']),
    pStaff: await doc(null, 'Plateforme gestionnaires', ['CENTRE_STAFF']),
    aStudents: await doc(w.centreA.id, 'A étudiants', ['STUDENTS'], { fileId: file.id }),
    aCompanies: await doc(w.centreA.id, 'A entreprises', ['COMPANIES']),
    aStaff: await doc(w.centreA.id, 'A gestionnaires', ['CENTRE_STAFF']),
    aAcademic: await doc(w.centreA.id, 'A enseignants', ['ACADEMIC_STAFF']),
    bStudents: await doc(w.centreB.id, 'B étudiants', ['STUDENTS']),
    cAcademic: await doc(w.centreC.id, 'C enseignants', ['ACADEMIC_STAFF']),
  };
  return { w, company, docs };
}

/** A multipart post of the document form (the CSRF token first, as the pages send it). */
function postForm(s: Session, url: string, fields: Record<string, string | string[]>, file?: { bytes: Buffer; name: string }) {
  let req = s.a.post(url).field('_csrf', s.csrf);
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) req = req.field(k, x);
  if (file) req = req.attach('file', file.bytes, file.name);
  return req;
}
const post = (s: Session, url: string, body: Record<string, string> = {}) => s.a.post(url).type('form').send({ _csrf: s.csrf, ...body });

describe('useful documents: who reads what', () => {
  const t = useApp();

  it("shows each actor the platform's and their centres' documents of their audiences, grouped", async () => {
    const { docs } = await world(t.db);
    const ids = (keys: (keyof typeof docs)[]) => keys.map((k) => docs[k].id);
    const seen = async (email: string) => {
      const res = await (await agent(t.app, email)).a.get('/documents');
      expect(res.status).toBe(200);
      return listed(res.text);
    };
    // The student of centre A: STUDENTS of the platform and of A; not another centre's, nor the companies'.
    expect(await seen('lea.dubois@etu.test')).toEqual(ids(['pStudents', 'aStudents']));
    expect(await seen('hugo.bernard@etu.test')).toEqual(ids(['pStudents', 'bStudents']));
    // A company of centre A; a company that deals with no centre yet sees the platform's only.
    expect(await seen('company@test.example')).toEqual(ids(['pCompanies', 'aCompanies']));
    expect(await seen('newcomer@test.example')).toEqual(ids(['pCompanies']));
    // A tutor of UDA: the academic documents of UDA's centres, not UDB's.
    expect(await seen('tutor@test.example')).toEqual(ids(['aAcademic']));
    // Centre staff: the platform's for staff, and everything of their centres.
    expect(await seen('a.read@test.example')).toEqual(ids(['pStaff', 'aStudents', 'aCompanies', 'aStaff', 'aAcademic']));
    expect(await seen('platform.admin@test.example')).toHaveLength(Object.keys(docs).length);
    const page = await (await agent(t.app, 'lea.dubois@etu.test')).a.get('/documents');
    expect(page.text).toContain('Documents de la plateforme');
    expect(page.text).toContain('UFR Sciences');
  });

  it("gives a document's file to whoever reads the document, and a 404 to anyone else", async () => {
    const { docs } = await world(t.db);
    const lea = await agent(t.app, 'lea.dubois@etu.test');
    const res = await lea.a.get(`/documents/${docs.aStudents.id}/file`).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="notice\.pdf"/);
    expect(Buffer.from(res.body).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await (await agent(t.app, 'hugo.bernard@etu.test')).a.get(`/documents/${docs.aStudents.id}/file`)).status).toBe(404);
    expect((await (await agent(t.app, 'company@test.example')).a.get(`/documents/${docs.aStudents.id}/file`)).status).toBe(404);
    expect((await (await agent(t.app, 'a.read@test.example')).a.get(`/documents/${docs.aStudents.id}/file`)).status).toBe(200);
    // A link has no file.
    expect((await lea.a.get(`/documents/${docs.pStudents.id}/file`)).status).toBe(404);
  });
});

describe('useful documents: editing', () => {
  const t = useApp();

  it('stores a real DOCX or ODT, refuses a file that only claims to be a PDF, keeping what was typed', async () => {
    const { w } = await world(t.db);
    const admin = await agent(t.app, 'a.admin@test.example');
    const url = `/documents/centres/${w.centreA.id}/new`;
    const form = { title: 'Fiche rubrique compétences', description: 'À lire avant la saisie.', audiences: ['STUDENTS', 'ACADEMIC_STAFF'] };
    const fake = await postForm(admin, url, form, { bytes: Buffer.from('not a pdf at all'), name: 'fiche.pdf' });
    expect(fake.status).toBe(422);
    expect(fieldError(fake.text, 'file')).toContain('PDF, ODT, DOCX');
    expect(fake.text).toContain('value="Fiche rubrique compétences"');
    expect(fake.text).toContain('À lire avant la saisie.');
    expect(fake.text).toMatch(/value="ACADEMIC_STAFF" checked/);
    expect(fake.text).not.toMatch(/value="COMPANIES" checked/);
    // A ZIP that is not a Word document, named .docx, is refused too.
    expect((await postForm(admin, url, form, { bytes: await zip({ 'word/document.xml': '<x/>' }), name: 'fiche.docx' })).status).toBe(422);
    expect(await t.db.usefulDocument.count({ where: { title: form.title } })).toBe(0);

    expect((await postForm(admin, url, form, { bytes: await docx(), name: 'fiche.docx' })).status).toBe(303);
    expect((await postForm(admin, url, { ...form, title: 'Notice ODT' }, { bytes: await odt(), name: 'notice.odt' })).status).toBe(303);
    const made = await t.db.usefulDocument.findMany({ where: { centreId: w.centreA.id, fileId: { not: null } }, include: { file: true }, orderBy: { id: 'asc' } });
    expect(made.slice(-2).map((d) => [d.title, d.file!.extension, d.file!.mimeType, d.audiences])).toEqual([
      ['Fiche rubrique compétences', 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ['STUDENTS', 'ACADEMIC_STAFF']],
      ['Notice ODT', 'odt', 'application/vnd.oasis.opendocument.text', ['STUDENTS', 'ACADEMIC_STAFF']],
    ]);
    const audits = await auditRows(t.db, 'usefulDocument.create');
    expect(audits).toHaveLength(2);
    expect(audits[0].after).toMatchObject({ centreId: w.centreA.id, title: 'Fiche rubrique compétences', file: { originalName: 'fiche.docx' } });
    // The student of A downloads it as a DOCX.
    const got = await (await agent(t.app, 'lea.dubois@etu.test')).a.get(`/documents/${made[made.length - 2].id}/file`);
    expect(got.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('asks for a title, an audience and exactly one of a link and a file (422, values kept)', async () => {
    await world(t.db);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const before = await t.db.usefulDocument.count();
    const empty = await postForm(admin, '/documents/manage/new', { title: '', description: 'Garder ce texte', url: 'ftp://nope' });
    expect(empty.status).toBe(422);
    expect(fieldError(empty.text, 'title')).toBe('Ce champ est obligatoire.');
    expect(fieldError(empty.text, 'audiences')).toBe('Cochez au moins un public.');
    expect(fieldError(empty.text, 'url')).not.toBeNull();
    expect(empty.text).toContain('Garder ce texte');
    expect(empty.text).toContain('class="error-summary"');
    const neither = await postForm(admin, '/documents/manage/new', { title: 'Guide', audiences: 'STUDENTS' });
    expect(fieldError(neither.text, 'url')).toBe("Donnez l'adresse d'un lien ou choisissez un fichier.");
    const both = await postForm(admin, '/documents/manage/new', { title: 'Guide', audiences: 'STUDENTS', url: 'https://example.test/guide' }, { bytes: minimalPdf(), name: 'guide.pdf' });
    expect(both.status).toBe(422);
    expect(fieldError(both.text, 'url')).toBe('Donnez soit un lien, soit un fichier, pas les deux.');
    expect(both.text).toContain('value="https://example.test/guide"');
    expect(await t.db.usefulDocument.count()).toBe(before);
    expect((await postForm(admin, '/documents/manage/new', { title: 'Guide', audiences: 'STUDENTS', url: 'https://example.test/guide' })).status).toBe(303);
    expect(await t.db.usefulDocument.findFirst({ where: { title: 'Guide' } })).toMatchObject({ centreId: null, url: 'https://example.test/guide', fileId: null, createdById: expect.any(Number) });
  });

  it('edits a document: a link replaces its file; a file document posted with neither keeps its file', async () => {
    const { w, docs } = await world(t.db);
    const admin = await agent(t.app, 'a.admin@test.example');
    const edit = `/documents/centres/${w.centreA.id}/${docs.aStudents.id}/edit`;
    const page = await admin.a.get(edit);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-current-file');
    expect((await postForm(admin, edit, { title: 'Notice renommée', audiences: ['STUDENTS', 'COMPANIES'] })).status).toBe(303);
    expect(await t.db.usefulDocument.findUnique({ where: { id: docs.aStudents.id } })).toMatchObject({ title: 'Notice renommée', fileId: docs.aStudents.fileId, audiences: ['STUDENTS', 'COMPANIES'] });
    expect((await postForm(admin, edit, { title: 'Notice en ligne', audiences: 'STUDENTS', url: 'https://example.test/notice' })).status).toBe(303);
    expect(await t.db.usefulDocument.findUnique({ where: { id: docs.aStudents.id } })).toMatchObject({ url: 'https://example.test/notice', fileId: null });
    // A link document emptied of its link, with no file: refused.
    expect((await postForm(admin, edit, { title: 'Notice', audiences: 'STUDENTS', url: '' })).status).toBe(422);
    const audits = await auditRows(t.db, 'usefulDocument.update');
    expect(audits.map((a) => (a.after as { url: string | null }).url)).toEqual([null, 'https://example.test/notice']);
    // Deleting writes its audit row; the document is gone.
    expect((await post(admin, `/documents/centres/${w.centreA.id}/${docs.aStudents.id}/delete`)).status).toBe(303);
    expect(await t.db.usefulDocument.findUnique({ where: { id: docs.aStudents.id } })).toBeNull();
    expect(await auditRows(t.db, 'usefulDocument.delete')).toHaveLength(1);
  });

  it('moves documents up and down within their place, and readers see that order', async () => {
    const { docs } = await world(t.db);
    // Ties (as the migration left them) are ordered by id, then renumbered at the first move.
    await t.db.usefulDocument.updateMany({ where: { centreId: null }, data: { position: 0 } });
    const admin = await agent(t.app, 'platform.admin@test.example');
    const order = async () => listed((await admin.a.get('/documents/manage')).text);
    expect(await order()).toEqual([docs.pStudents.id, docs.pCompanies.id, docs.pStaff.id]);
    expect((await post(admin, `/documents/manage/${docs.pStaff.id}/move`, { direction: 'up' })).status).toBe(303);
    expect(await order()).toEqual([docs.pStudents.id, docs.pStaff.id, docs.pCompanies.id]);
    expect((await post(admin, `/documents/manage/${docs.pStudents.id}/move`, { direction: 'down' })).status).toBe(303);
    expect(await order()).toEqual([docs.pStaff.id, docs.pStudents.id, docs.pCompanies.id]);
    // The first cannot go up: the list again with the reason (422), nothing changed.
    const refused = await post(admin, `/documents/manage/${docs.pStaff.id}/move`, { direction: 'up' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('ne peut pas aller plus loin');
    expect(await order()).toEqual([docs.pStaff.id, docs.pStudents.id, docs.pCompanies.id]);
    expect(await auditRows(t.db, 'usefulDocument.move')).toHaveLength(2);
    // A centre's document is not moved through the platform's list.
    expect((await post(admin, `/documents/manage/${docs.aStaff.id}/move`, { direction: 'up' })).status).toBe(404);
    // The reading page follows the same order (the platform administrator reads all; platform first).
    expect(listed((await admin.a.get('/documents')).text).slice(0, 3)).toEqual([docs.pStaff.id, docs.pStudents.id, docs.pCompanies.id]);
  });

  it('keeps one notice de saisie per centre, and links it in the agreement wizard and the sheet of its students', async () => {
    const { w, docs } = await world(t.db);
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { studentsMayCreateAgreements: true } });
    const admin = await agent(t.app, 'a.admin@test.example');
    const mark = (id: number, value = 'yes') => post(admin, `/documents/centres/${w.centreA.id}/${id}/instructions`, { mark: value });
    expect((await mark(docs.aCompanies.id)).status).toBe(303);
    expect((await mark(docs.aStudents.id)).status).toBe(303);
    const notices = await t.db.usefulDocument.findMany({ where: { isInstructions: true }, select: { id: true } });
    expect(notices).toEqual([{ id: docs.aStudents.id }]);
    expect(await auditRows(t.db, 'usefulDocument.instructions')).toHaveLength(2);
    // Another centre's document cannot become A's notice.
    expect((await mark(docs.bStudents.id)).status).toBe(404);

    const lea = await agent(t.app, 'lea.dubois@etu.test');
    const wizard = await lea.a.get('/agreements/new/student');
    expect(wizard.status).toBe(200);
    expect(wizard.text).toContain(`data-instructions="${docs.aStudents.id}"`);
    expect(wizard.text).toContain(`/documents/${docs.aStudents.id}/file`);
    expect((await lea.a.get('/sheets/new')).text).toContain(`data-instructions="${docs.aStudents.id}"`);
    // Hugo's centre (B) has no notice.
    expect((await (await agent(t.app, 'hugo.bernard@etu.test')).a.get('/sheets/new')).text).not.toContain('data-instructions');
    // No longer a notice: no longer linked.
    expect((await mark(docs.aStudents.id, 'no')).status).toBe(303);
    expect((await lea.a.get('/agreements/new/student')).text).not.toContain('data-instructions');
  });

  it('lets the ADMIN staff of a centre edit its documents only; the platform list is its administrator’s', async () => {
    const { w, docs } = await world(t.db);
    const a = `/documents/centres/${w.centreA.id}`;
    const bAdmin = await agent(t.app, 'b.admin@test.example');
    expect((await bAdmin.a.get(a)).status).toBe(404);
    expect((await bAdmin.a.get(`${a}/new`)).status).toBe(404);
    expect((await postForm(bAdmin, `${a}/new`, { title: 'Intrus', audiences: 'STUDENTS', url: 'https://example.test/x' })).status).toBe(404);
    expect((await post(bAdmin, `${a}/${docs.aStaff.id}/delete`)).status).toBe(404);
    // B's ADMIN cannot reach A's document through B's list either.
    expect((await post(bAdmin, `/documents/centres/${w.centreB.id}/${docs.aStaff.id}/delete`)).status).toBe(404);
    for (const email of ['a.read@test.example', 'a.write@test.example']) {
      const s = await agent(t.app, email);
      expect((await s.a.get(a)).status).toBe(403);
      expect((await post(s, `${a}/${docs.aStaff.id}/delete`)).status).toBe(403);
    }
    // A centre's ADMIN: their centres on /documents/manage, not the platform's list nor its forms.
    const aAdmin = await agent(t.app, 'a.admin@test.example');
    const manage = await aAdmin.a.get('/documents/manage');
    expect(manage.status).toBe(200);
    expect(manage.text).toContain(`href="${a}"`);
    expect(listed(manage.text)).toEqual([]);
    expect((await aAdmin.a.get('/documents/manage/new')).status).toBe(404);
    expect((await post(aAdmin, `/documents/manage/${docs.pStudents.id}/delete`)).status).toBe(404);
    const list = await aAdmin.a.get(a);
    expect(listed(list.text)).toEqual([docs.aStudents.id, docs.aCompanies.id, docs.aStaff.id, docs.aAcademic.id]);
    expect((await aAdmin.a.get(`/centres/${w.centreA.id}`)).text).toContain(`href="${a}"`);
    expect((await (await agent(t.app, 'platform.admin@test.example')).a.get(a)).status).toBe(200);
    expect(await t.db.usefulDocument.count({ where: { id: { in: [docs.aStaff.id, docs.pStudents.id] } } })).toBe(2);
  });

  it('seeds the demo documents: platform links, a real PDF and the centre notice de saisie', async () => {
    const { w } = await world(t.db);
    await t.db.$transaction((tx) => seedDocuments(tx, { centreId: w.centreB.id, centreName: w.centreB.name, createdById: null, now: new Date('2026-09-01T08:00:00Z') }));
    const notice = await t.db.usefulDocument.findFirstOrThrow({ where: { centreId: w.centreB.id, isInstructions: true }, include: { file: true } });
    expect(notice.file!.mimeType).toBe('application/pdf');
    expect(Buffer.from(notice.file!.data).subarray(0, 5).toString()).toBe('%PDF-');
    const hugo = await agent(t.app, 'hugo.bernard@etu.test');
    expect((await hugo.a.get('/sheets/new')).text).toContain(`data-instructions="${notice.id}"`);
    expect((await hugo.a.get('/documents')).text).toContain('service-public.fr');
  }, 20_000);
});
