import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeCompany } from '../factories/companies.js';
import { makeRequest } from '../factories/requests.js';
import { makeStudent, makeStudentWorld, minimalPdf, type StudentWorld } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

/** The count shown inside a facet value's label, or null when the value is not listed. */
function facetCount(html: string, label: string): number | null {
  const esc = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = html.match(new RegExp(`>${esc} <span class="count">\\((\\d+) profil`));
  return m ? Number(m[1]) : null;
}
const total = (html: string) => Number(html.match(/(\d+) profil\(s\) correspondant/)?.[1]);

describe('the CV book (companies)', () => {
  const t = useApp();
  let w: StudentWorld;
  let c: Awaited<ReturnType<typeof agent>>;
  let r1: { id: number }, r2: { id: number }, r3: { id: number }, r4: { id: number }, r5: { id: number };
  beforeEach(async () => {
    w = await makeStudentWorld(t.db);
    const zoe = await makeStudent(t.db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l3.id, studentNumber: '21900789', email: 'zoe@etu.test', firstName: 'Zoé', lastName: 'Martin' });
    const pdf = minimalPdf();
    const file = await t.db.storedFile.create({ data: { originalName: 'cv-hugo.pdf', mimeType: 'application/pdf', extension: 'pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest("hex"), data: new Uint8Array(pdf) } });
    await t.db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { inCvBook: true, skills: 'TypeScript, SQL', languages: 'Anglais B2' } });
    await t.db.studentProfile.update({ where: { id: w.hugo.profile.id }, data: { inCvBook: true, cvFileId: file.id } });
    r1 = await makeRequest(t.db, w.lea.profile.id, { title: 'Développeuse web', domain: 'Informatique', sector: 'Logiciel', level: 'BAC_3', durationMonths: 3, place: '63000; Lyon' });
    r2 = await makeRequest(t.db, w.lea.profile.id, { title: 'Chargée de marketing', domain: 'Marketing', sector: 'Logiciel', level: 'BAC_5', durationMonths: 6, place: '75', availableFrom: new Date('2099-01-01') });
    r3 = await makeRequest(t.db, w.hugo.profile.id, { title: 'Juriste du numérique', domain: 'Informatique', sector: 'Conseil', level: 'BAC_5', durationMonths: 3, place: '69002' });
    // Never counted: a student out of the CV book, a closed request.
    r4 = await makeRequest(t.db, zoe.profile.id, { title: 'Zoé en informatique', domain: 'Informatique', level: 'BAC_3', durationMonths: 3 });
    r5 = await makeRequest(t.db, w.lea.profile.id, { title: 'Close', domain: 'Informatique', status: 'CLOSED' });
    await makeCompany(t.db, { legalName: 'Acme', adminEmail: 'rh@acme.test' });
    c = await agent(t.app, 'rh@acme.test');
  });

  it('lists only open requests of students in the CV book, with facet counts', async () => {
    const res = await c.a.get('/cvbook');
    expect(res.status).toBe(200);
    expect(total(res.text)).toBe(3);
    for (const r of [r1, r2, r3]) expect(res.text).toContain(`href="/cvbook/${r.id}"`);
    for (const r of [r4, r5]) expect(res.text).not.toContain(`href="/cvbook/${r.id}"`);
    expect(res.text).not.toContain('Zoé');
    expect(facetCount(res.text, 'Informatique')).toBe(2);
    expect(facetCount(res.text, 'Marketing')).toBe(1);
    expect(facetCount(res.text, 'Bac+3 (licence)')).toBe(1);
    expect(facetCount(res.text, 'Bac+5 (master)')).toBe(2);
    expect(facetCount(res.text, '3 mois')).toBe(2);
    expect(facetCount(res.text, 'Département 69')).toBe(1);
    expect(facetCount(res.text, 'Lyon')).toBe(1);
    expect(facetCount(res.text, 'Licence Informatique')).toBe(2);
    expect(facetCount(res.text, 'Licence Droit')).toBe(1);
    expect(facetCount(res.text, 'Disponible dès maintenant')).toBe(2);
    expect(facetCount(res.text, 'Disponible d&#39;ici six mois')).toBe(2);
  });

  it('counts each facet with the other filters applied', async () => {
    const one = await c.a.get('/cvbook?domain=Informatique');
    expect(total(one.text)).toBe(2);
    // The domain facet ignores its own filter; the others apply it.
    expect(facetCount(one.text, 'Informatique')).toBe(2);
    expect(facetCount(one.text, 'Marketing')).toBe(1);
    expect(facetCount(one.text, 'Bac+3 (licence)')).toBe(1);
    expect(facetCount(one.text, 'Bac+5 (master)')).toBe(1);
    expect(facetCount(one.text, 'Logiciel')).toBe(1);
    expect(facetCount(one.text, 'Conseil')).toBe(1);
    expect(one.text).toMatch(/id="facet-domain-\d+" name="domain" value="Informatique" checked/);

    const two = await c.a.get('/cvbook?domain=Informatique&level=BAC_5');
    expect(total(two.text)).toBe(1);
    expect(two.text).toContain(`href="/cvbook/${r3.id}"`);
    expect(facetCount(two.text, 'Informatique')).toBe(1);
    expect(facetCount(two.text, 'Marketing')).toBe(1);
    expect(facetCount(two.text, 'Bac+3 (licence)')).toBe(1);
    expect(facetCount(two.text, 'Bac+5 (master)')).toBe(1);
    expect(facetCount(two.text, 'Licence Droit')).toBe(1);
    expect(facetCount(two.text, 'Licence Informatique')).toBe(null);

    // Several values of one facet: either; a place filter by département; availability.
    expect(total((await c.a.get('/cvbook?domain=Informatique&domain=Marketing')).text)).toBe(3);
    expect(total((await c.a.get('/cvbook?place=69')).text)).toBe(1);
    expect(total((await c.a.get('/cvbook?place=63')).text)).toBe(1);
    const now = await c.a.get('/cvbook?availability=now');
    expect(total(now.text)).toBe(2);
    expect(facetCount(now.text, 'Marketing')).toBe(null);
    // Garbage is ignored, never an error.
    expect((await c.a.get('/cvbook?level=NOPE&duration=abc&programme=-1&availability=x&page=zz')).status).toBe(200);
  });

  it('shows a profile with its requests and the CV as an attachment; opting out hides the student at once', async () => {
    const page = await c.a.get(`/cvbook/${r1.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Léa Dubois');
    expect(page.text).toContain('TypeScript, SQL');
    expect(page.text).toContain('Chargée de marketing'); // her other open request
    expect(page.text).not.toContain('>Close<');
    expect((await c.a.get(`/cvbook/${r1.id}/cv`)).status).toBe(404); // no CV uploaded
    const cv = await c.a.get(`/cvbook/${r3.id}/cv`);
    expect(cv.status).toBe(200);
    expect(cv.headers['content-disposition']).toMatch(/^attachment/);

    expect((await c.a.get(`/cvbook/${r4.id}`)).status).toBe(404);
    expect((await c.a.get(`/cvbook/${r5.id}`)).status).toBe(404);

    await t.db.studentProfile.update({ where: { id: w.hugo.profile.id }, data: { inCvBook: false } });
    expect((await c.a.get(`/cvbook/${r3.id}`)).status).toBe(404);
    expect((await c.a.get(`/cvbook/${r3.id}/cv`)).status).toBe(404);
    const list = await c.a.get('/cvbook');
    expect(total(list.text)).toBe(2);
    expect(list.text).not.toContain('Hugo');
    expect(facetCount(list.text, 'Licence Droit')).toBe(null);
  });

  it('is for companies only', async () => {
    const s = await agent(t.app, 'lea.dubois@etu.test');
    expect((await s.a.get('/cvbook')).status).toBe(403);
    expect((await s.a.get(`/cvbook/${r1.id}`)).status).toBe(403);
  });
});
