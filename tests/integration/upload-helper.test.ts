import { describe, expect, it } from 'vitest';
import { cleanFileName, contentDisposition, DOCUMENT_UPLOAD, LOGO_UPLOAD, sniff, typesLabel } from '../../src/files/upload.js';
import { PNG_1PX } from '../factories/institutions.js';

/** A ZIP archive with stored (uncompressed) entries: enough for content sniffing. */
function zip(entries: [string, string][]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, content] of entries) {
    const n = Buffer.from(name);
    const data = Buffer.from(content);
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt32LE(data.length, 18);
    h.writeUInt32LE(data.length, 22);
    h.writeUInt16LE(n.length, 26);
    parts.push(h, n, data);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  return Buffer.concat([...parts, eocd]);
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');
const CFB = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]);
const ODT = zip([
  ['mimetype', 'application/vnd.oasis.opendocument.text'],
  ['content.xml', '<office:document-content/>'],
]);
const DOCX = zip([
  ['[Content_Types].xml', '<Types><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
  ['word/document.xml', '<w:document/>'],
]);

describe('upload helper: content sniffing', () => {
  it('recognises the logo kinds by content only', async () => {
    expect(await sniff(PNG_1PX, LOGO_UPLOAD.types, 'x.jpg')).toEqual({ extension: 'png', mimeType: 'image/png' });
    expect(await sniff(Buffer.from('not an image'), LOGO_UPLOAD.types, 'x.png')).toBeNull();
    expect(await sniff(Buffer.alloc(0), LOGO_UPLOAD.types, 'x.png')).toBeNull();
    expect(await sniff(PDF, LOGO_UPLOAD.types, 'x.png')).toBeNull();
  });

  it('recognises the document kinds later issues need (CV, letters: pdf, doc, docx, odt)', async () => {
    expect(await sniff(PDF, DOCUMENT_UPLOAD.types, 'cv.pdf')).toEqual({ extension: 'pdf', mimeType: 'application/pdf' });
    expect(await sniff(ODT, DOCUMENT_UPLOAD.types, 'cv.odt')).toEqual({ extension: 'odt', mimeType: 'application/vnd.oasis.opendocument.text' });
    expect(await sniff(DOCX, DOCUMENT_UPLOAD.types, 'cv.docx')).toEqual({ extension: 'docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    // A compound file is a Word 97 document only when its name says so (not a spreadsheet or an installer).
    expect(await sniff(CFB, DOCUMENT_UPLOAD.types, 'cv.doc')).toEqual({ extension: 'doc', mimeType: 'application/msword' });
    expect(await sniff(CFB, DOCUMENT_UPLOAD.types, 'tableau.xls')).toBeNull();
    expect(await sniff(PNG_1PX, DOCUMENT_UPLOAD.types, 'cv.pdf')).toBeNull();
    expect(await sniff(zip([['a.txt', 'hello']]), DOCUMENT_UPLOAD.types, 'cv.docx')).toBeNull();
    expect(typesLabel(DOCUMENT_UPLOAD.types)).toBe('PDF, DOC, DOCX, ODT');
    expect(DOCUMENT_UPLOAD.maxBytes).toBe(8 * 1024 * 1024);
  });
});

describe('upload helper: names', () => {
  it('keeps the last path segment and drops control characters', () => {
    expect(cleanFileName('C:\\Users\\moi\\logo.png', 'png')).toBe('logo.png');
    expect(cleanFileName('../../etc/passwd', 'png')).toBe('passwd');
    expect(cleanFileName('lo\u0000go\r\n.png', 'png')).toBe('logo.png');
    expect(cleanFileName('', 'pdf')).toBe('file.pdf');
    expect(cleanFileName('..', 'pdf')).toBe('file.pdf');
    expect(cleanFileName('a'.repeat(300) + '.pdf', 'pdf')).toHaveLength(200);
  });

  it('writes a Content-Disposition header that cannot be broken out of', () => {
    expect(contentDisposition('inline', 'logo.png')).toBe(`inline; filename="logo.png"; filename*=UTF-8''logo.png`);
    expect(contentDisposition('attachment', 'a"b;c\\d é.pdf')).toBe(`attachment; filename="a_b_c_d _.pdf"; filename*=UTF-8''a%22b%3Bc%5Cd%20%C3%A9.pdf`);
  });
});
