import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CATALOGUES, fill } from '../../src/documents/catalogues/index.js';
import { agreementNumber, PRINT_LANGUAGES, type PrintLanguage } from '../../src/modules/agreements/agreement.types.js';
import { makeAgreement, makeAgreementWorld, type AgreementWorld } from '../factories/agreements.js';
import { flat, hasPdftotext, pdfText } from '../factories/documents.js';
import { agent, useApp, type TestContext } from '../helpers/app.js';
import { download } from '../helpers/spreadsheets.js';
import { loadActor } from '../../src/authz/actor.js';
import { agreementPdf } from '../../src/modules/signatures/signatures.pdf.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// What each language writes for Léa's internship (2 March – 29 May 2026, 420 h, 4.50 € an hour).
const EXPECTED: Record<PrintLanguage, { title: string; dates: string; hours: string; rate: string; article6: string }> = {
  fr: { title: 'Convention de stage', dates: 'du 2 mars 2026 au 29 mai 2026', hours: '(420 heures)', rate: '4,50 € par heure', article6: 'Article 6 — Protection sociale' },
  en: { title: 'Internship agreement', dates: 'from 2 March 2026 to 29 May 2026', hours: '(420 hours)', rate: '€4.50 per hour', article6: 'Article 6 — Social protection' },
  de: { title: 'Praktikumsvereinbarung', dates: 'vom 2. März 2026 bis zum 29. Mai 2026', hours: '(420 Stunden)', rate: '4,50 € pro Stunde', article6: 'Artikel 6 — Sozialversicherung' },
  es: { title: 'Convenio de prácticas', dates: 'del 2 de marzo de 2026 al 29 de mayo de 2026', hours: '(420 horas)', rate: '4,50 € por hora', article6: 'Artículo 6 — Protección social' },
  it: { title: 'Convenzione di tirocinio', dates: 'dal 2 marzo 2026 al 29 maggio 2026', hours: '(420 ore)', rate: '4,50 € all\'ora', article6: 'Articolo 6 — Protezione sociale' },
};

/** Léa renamed "Łukasz Şahin-Țurcanu", the host's signatory "Дмитрий Иванов": letters a Latin-1 font would lose. */
async function unicodeWorld(t: TestContext) {
  const w = await makeAgreementWorld(t.db);
  await t.db.user.update({ where: { id: w.lea.user.id }, data: { firstName: 'Łukasz', lastName: 'Şahin-Țurcanu' } });
  await t.db.contact.update({ where: { id: w.signatory.id }, data: { firstName: 'Дмитрий', lastName: 'Иванов' } });
  const a = await makeAgreement(t.db, w);
  return { w, a, number: agreementNumber(a) };
}

const printRule = (t: TestContext, w: AgreementWorld, studentsMayPrint: boolean, printCondition: 'ALWAYS' | 'AFTER_VALIDATION') =>
  t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { studentsMayPrint, printCondition } });

/** A 2×2 red PNG (a centre's logo). */
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(2, 0);
  header.writeUInt32BE(2, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.from([0, 255, 0, 0, 255, 0, 0, 0, 255, 0, 0, 255, 0, 0]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

describe('printing an agreement', () => {
  const t = useApp();

  describe.skipIf(!hasPdftotext)('the PDF text (pdftotext)', () => {
    if (!hasPdftotext) console.warn('pdftotext (poppler-utils) is missing: the PDF text tests are skipped (CI installs it)');

    it.each(PRINT_LANGUAGES)('prints the parties, the dates, the hours, the stipend and the clause titles in %s, every page numbered', async (lang) => {
      const { a, number } = await unicodeWorld(t);
      const staff = await agent(t.app, 'a.write@test.example');
      const res = await download(staff.a, `/agreements/${a.id}/agreement.pdf?lang=${lang}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toBe(`inline; filename="convention-${number}.pdf"`);
      expect(res.headers['cache-control']).toBe('no-store');
      const raw = pdfText(res.body);
      const text = flat(raw);
      const e = EXPECTED[lang];
      const say = CATALOGUES[lang];
      expect(text).toContain(e.title);
      expect(text).toContain('Łukasz Şahin-Țurcanu');
      expect(text).toContain('Дмитрий Иванов');
      expect(text).toContain('ACME Lyon');
      expect(text).toContain('Bruno Martin');
      expect(text).toContain(e.dates);
      expect(text).toContain(e.hours);
      expect(text).toContain(e.rate);
      // The minimum for the whole internship: 420 h × 4.50 €.
      expect(text).toContain(new Intl.NumberFormat({ fr: 'fr-FR', en: 'en-GB', de: 'de-DE', es: 'es-ES', it: 'it-IT' }[lang], { style: 'currency', currency: 'EUR' }).format(1890).replace(/\s/g, ' '));
      expect(text).toContain(e.article6);
      for (let n = 1; n <= 13; n++) {
        const title = say[`art${n}Title` as keyof typeof say];
        expect(text, `article ${n}`).toContain(fill(say.articleHeading, { n, title }));
      }
      // Every page carries the number and "page X / N".
      const pages = raw.split('\f').filter((p) => p.trim());
      expect(pages.length).toBeGreaterThan(2);
      pages.forEach((p, i) => expect(flat(p)).toContain(fill(say.agreementFooter, { number, page: i + 1, pages: pages.length })));
    });

    it("prints in the agreement's print language by default, and the summary", async () => {
      const { a, number } = await unicodeWorld(t);
      await t.db.agreement.update({ where: { id: a.id }, data: { printLanguage: 'it' } });
      const staff = await agent(t.app, 'a.write@test.example');
      expect(flat(pdfText((await download(staff.a, `/agreements/${a.id}/agreement.pdf`)).body))).toContain('Convenzione di tirocinio');

      const summary = await download(staff.a, `/agreements/${a.id}/summary.pdf`);
      expect(summary.status).toBe(200);
      expect(summary.headers['content-disposition']).toBe(`inline; filename="recapitulatif-${number}.pdf"`);
      const text = flat(pdfText(summary.body));
      expect(text).toContain('Riepilogo della convenzione di tirocinio');
      expect(text).toContain('Bozza');
      expect(text).toContain('Łukasz Şahin-Țurcanu');
      expect(text).toContain('Дмитрий Иванов');
      expect(text).toContain('dal 2 marzo 2026 al 29 maggio 2026');
      expect(text).toContain('(420 ore)');
      expect(text).toContain(`Riepilogo — convenzione n. ${number} — pagina 1 / `);
    });
  });

  it('gives the same bytes at every print, other bytes once the subject changes; the logo prints as an image', async () => {
    const { a } = await unicodeWorld(t);
    const staff = await agent(t.app, 'a.write@test.example');
    const url = `/agreements/${a.id}/agreement.pdf?lang=fr`;
    const first = (await download(staff.a, url)).body;
    const second = (await download(staff.a, url)).body;
    expect(first.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(sha(second)).toBe(sha(first));
    expect(first.includes('/Subtype /Image')).toBe(false);

    await t.db.agreement.update({ where: { id: a.id }, data: { subject: 'Refonte du site web, deuxième partie' } });
    const changed = (await download(staff.a, url)).body;
    expect(sha(changed)).not.toBe(sha(first));

    const logo = png();
    const file = await t.db.storedFile.create({ data: { originalName: 'logo.png', mimeType: 'image/png', extension: 'png', size: logo.length, sha256: sha(logo), data: new Uint8Array(logo) } });
    await t.db.managementCentre.update({ where: { id: a.centreId }, data: { logoFileId: file.id } });
    const withLogo = (await download(staff.a, url)).body;
    expect(withLogo.includes('/Subtype /Image')).toBe(true);
  });

  it('prints, in the agreement language, the very bytes the signature phase shows its signers', async () => {
    const { w, a } = await unicodeWorld(t);
    await t.db.managementCentre.update({ where: { id: w.centreA.id }, data: { signatureParties: ['STUDENT', 'HOST_SIGNATORY'] } });
    const actor = (await loadActor(t.db, w.write.id))!;
    await t.ctx.services.agreements.perform({ actor, requestId: null, now: new Date('2026-02-10T09:00:00Z') }, a.id, 'submit');
    const printed = (await download((await agent(t.app, 'a.write@test.example')).a, `/agreements/${a.id}/agreement.pdf`)).body;
    expect(sha(printed)).toBe((await agreementPdf(t.db, a.id)).sha256);
  });

  it("applies the centre's print rule to the student: refused when the centre says no or before validation, allowed after", async () => {
    const { w, a } = await unicodeWorld(t);
    const student = await agent(t.app, 'lea.dubois@etu.test');
    const url = `/agreements/${a.id}/agreement.pdf`;

    await printRule(t, w, false, 'ALWAYS');
    let res = await student.a.get(url);
    expect(res.status).toBe(403);
    expect(res.text).toContain('data-print-refused="never"');
    expect(res.text).toContain('ne permet pas aux étudiants');
    expect((await student.a.get(`/agreements/${a.id}/summary.pdf`)).status).toBe(403);
    // The agreement's page shows the student no print link.
    const page = await student.a.get(`/agreements/${a.id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(`/agreements/${a.id}/agreement.pdf`);
    // Staff and the host's people print whatever the students' rule.
    expect((await download((await agent(t.app, 'a.read@test.example')).a, url)).status).toBe(200);
    expect((await download((await agent(t.app, 'tutor@acme.test')).a, url)).status).toBe(200);
    const staffPage = await (await agent(t.app, 'a.read@test.example')).a.get(`/agreements/${a.id}`);
    expect(staffPage.text).toContain(`action="/agreements/${a.id}/agreement.pdf"`);
    expect(staffPage.text).toContain(`href="/agreements/${a.id}/summary.pdf"`);

    await printRule(t, w, true, 'AFTER_VALIDATION');
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'ADMINISTRATIVE_DONE' } });
    res = await student.a.get(url);
    expect(res.status).toBe(403);
    expect(res.text).toContain('data-print-refused="afterValidation"');

    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'VALIDATED' } });
    res = await download(student.a, url);
    expect(res.status).toBe(200);
    // Now the page shows the student the print links too.
    expect((await student.a.get(`/agreements/${a.id}`)).text).toContain(`action="/agreements/${a.id}/agreement.pdf"`);
    expect(res.headers['content-type']).toBe('application/pdf');

    await printRule(t, w, true, 'ALWAYS');
    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'DRAFT' } });
    expect((await download(student.a, `/agreements/${a.id}/summary.pdf`)).status).toBe(200);
  });

  it('answers 404 out of reach, for an unknown language and an unknown agreement', async () => {
    const { a } = await unicodeWorld(t);
    for (const email of ['hugo.bernard@etu.test', 'b.write@test.example', 'admin@globex.test']) {
      const other = await agent(t.app, email);
      expect((await other.a.get(`/agreements/${a.id}/agreement.pdf`)).status, email).toBe(404);
      expect((await other.a.get(`/agreements/${a.id}/summary.pdf`)).status, email).toBe(404);
    }
    const staff = await agent(t.app, 'a.write@test.example');
    for (const lang of ['xx', 'FR', 'pt', '']) expect((await staff.a.get(`/agreements/${a.id}/agreement.pdf?lang=${lang}`)).status, lang).toBe(404);
    expect((await staff.a.get(`/agreements/${a.id}/agreement.pdf?lang=fr&lang=en`)).status).toBe(404);
    expect((await staff.a.get('/agreements/999999/agreement.pdf')).status).toBe(404);
    // Signed out: the sign-in page, never the PDF.
    expect((await (await agent(t.app)).a.get(`/agreements/${a.id}/agreement.pdf`)).status).not.toBe(200);
  });
});
