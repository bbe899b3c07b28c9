import fc from 'fast-check';
import { minimalPdf } from '../factories/students.js';

/**
 * The values a fuzz case puts in fields, query strings and paths. A generated value is a small
 * descriptor ("the field's second option", "an impossible date", "100 kB of é"), resolved against
 * the field it lands in: descriptors shrink well, and the request they make is what a failure shows.
 */

export const IMPOSSIBLE_DATES = [
  '2026-02-30', '2026-02-29', '2025-13-01', '2026-00-10', '2026-04-31', '0000-00-00', '0001-01-01', '9999-12-31', '99999-01-01',
  '-2026-01-01', '2026-1-1', '31/02/2026', '30/02/2026', '2026-02-30T25:61:00Z', '2026/02/28', '1900-01-01', '1582-10-10',
  '275760-09-14', '2026-06-15T00:00:00+14:00', 'today', '2026-W05', '2026-02', '20260215', '2026-02-15 ', '2026-２-15',
];

export const NUMBERS = [
  '-1', '0', '-0', '1e309', '1e3', '9999999999999999999999', '2147483647', '2147483648', '-2147483649', '9007199254740993', 'NaN',
  'Infinity', '-Infinity', '0x1F', '1.5', '1,5', ' 42 ', '4 2', '١٢٣', '+1', '00012', '1_000', '.5', '5.', '1e-400', '0.0000001',
  '999999.999', '-0.01', '1 000,50', '12€',
];

export const WEIRD = [
  '\u202Eevil\u202C', 'مرحبا بالعالم', 'שלום עולם', '👩‍👩‍👧‍👦🎉', 'e\u0301\u0301\u0301\u0301\u0301', 'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324',
  '\u200B\u200D\uFEFF', '\uFFFD', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢', 'ﬁ', 'İı', 'ß', '\uD800', '\uDFFFa', '<script>alert(1)</script>', "' OR 1=1 --",
  '"; DROP TABLE "User"; --', '%', '_', '\\', '../../etc/passwd', '${7*7}', '<%= 7*7 %>', '{{7*7}}', 'null', 'undefined', 'true',
  '[]', '{}', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a\u0000b', '\u0000', '\u0007\u001b[31m', '\r\n\r\nX-Injected: 1',
  '   ', '\t', '\n', 'CON', '=HYPERLINK("http://x")', '+33 6 12 34 56 78', 'a@b', 'a@b.c', 'admin@demo.test', '73282932000074',
  '62.01Z', 'FR', 'XX', 'fr', 'en', 'zz', 'on', 'off', 'yes', '1', 'DRAFT', 'VALIDATED', 'foo', 'FOO', 'asc', 'desc', 'sideways',
];

const HUGE_UNITS = ['x', 'é', '€', '😀', 'e\u0301', '\u202E', '<'];

export type ValueDesc =
  | { k: 'hint'; i: number }
  | { k: 'hintMut'; i: number; how: number }
  | { k: 'raw'; s: string }
  | { k: 'id'; i: number }
  | { k: 'huge'; unit: number };

/** About 100 kB (UTF-8) of one character. */
export const huge = (unit: number) => {
  const u = HUGE_UNITS[unit % HUGE_UNITS.length];
  return u.repeat(Math.ceil(100_000 / Buffer.byteLength(u)));
};

const controls = fc.string({ unit: fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 6 });
const day = fc.date({ min: new Date('1950-01-01'), max: new Date('2040-12-31'), noInvalidDate: true });

export const valueArb: fc.Arbitrary<ValueDesc> = fc.oneof(
  { weight: 8, arbitrary: fc.nat(40).map((i) => ({ k: 'hint' as const, i })) },
  { weight: 3, arbitrary: fc.record({ i: fc.nat(40), how: fc.nat(5) }).map((r) => ({ k: 'hintMut' as const, ...r })) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map((s) => ({ k: 'raw' as const, s })) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => ({ k: 'raw' as const, s })) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((s) => ({ k: 'raw' as const, s })) },
  { weight: 1, arbitrary: controls.map((s) => ({ k: 'raw' as const, s })) },
  { weight: 3, arbitrary: fc.constantFrom(...IMPOSSIBLE_DATES).map((s) => ({ k: 'raw' as const, s })) },
  { weight: 2, arbitrary: day.map((d) => ({ k: 'raw' as const, s: d.toISOString().slice(0, 10) })) },
  { weight: 1, arbitrary: day.map((d) => ({ k: 'raw' as const, s: d.toISOString().slice(0, 10).split('-').reverse().join('/') })) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS).map((s) => ({ k: 'raw' as const, s })) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double()).map((n) => ({ k: 'raw' as const, s: String(n) })) },
  { weight: 3, arbitrary: fc.constantFrom(...WEIRD).map((s) => ({ k: 'raw' as const, s })) },
  { weight: 1, arbitrary: fc.nat(HUGE_UNITS.length - 1).map((unit) => ({ k: 'huge' as const, unit })) },
  { weight: 3, arbitrary: fc.nat(400).map((i) => ({ k: 'id' as const, i })) },
);

/** A descriptor's value in a field whose known values are `hints`; `ids` are real record ids of every kind. */
export function resolve(v: ValueDesc, hints: string[], ids: string[]): string {
  switch (v.k) {
    case 'hint':
      return hints.length ? hints[v.i % hints.length] : '';
    case 'hintMut': {
      const h = hints.length ? hints[v.i % hints.length] : 'a';
      return [`${h} `, ` ${h}`, h.toLowerCase(), h.toUpperCase(), `${h}\u0301`, `${h}${h}`][v.how % 6];
    }
    case 'raw':
      return v.s;
    case 'id':
      return ids.length ? ids[v.i % ids.length] : '1';
    case 'huge':
      return huge(v.unit);
  }
}

/** An edit of a form as found: change, drop, repeat a field, send it with brackets, or add one. */
export type Edit =
  | { op: 'set' | 'dup'; f: number; v: ValueDesc }
  | { op: 'drop' | 'bracket'; f: number }
  | { op: 'add'; name: number | string; v: ValueDesc };

export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('set' as const), f: fc.nat(60), v: valueArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drop' as const), f: fc.nat(60) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('dup' as const), f: fc.nat(60), v: valueArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bracket' as const), f: fc.nat(60) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('add' as const), name: fc.oneof(fc.nat(1000), fc.constantFrom('__proto__', 'constructor', 'a[b]', 'x.y', '_csrf', '', 'id', 'page', 'toString'), fc.string({ maxLength: 12 })), v: valueArb }) },
);

export type FileDesc = { field: number; content: 'pdf' | 'png' | 'jpg' | 'csv' | 'random' | 'empty' | 'text' | 'big' | 'html'; bytes: Uint8Array; name: string; type: string };

export const fileArb: fc.Arbitrary<FileDesc> = fc.record({
  field: fc.nat(5),
  content: fc.constantFrom('pdf', 'png', 'jpg', 'csv', 'random', 'empty', 'text', 'big', 'html'),
  bytes: fc.uint8Array({ maxLength: 600 }),
  name: fc.oneof(
    fc.constantFrom('cv.pdf', 'logo.png', 'photo.jpg', 'import.csv', 'lettre.docx', 'x.exe', '../../etc/passwd', 'a\u0000b.pdf', 'é\u202Ecod.pdf', '', '.pdf', 'CON.pdf', '😀.pdf', `${'n'.repeat(300)}.pdf`),
    fc.string({ maxLength: 20 }),
  ),
  type: fc.constantFrom('application/pdf', 'image/png', 'image/jpeg', 'text/csv', 'application/octet-stream', 'text/html', 'application/x-msdownload', ''),
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e4f1e90000000049454e44ae426082', 'hex');
const JPG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffd9', 'hex');

export function fileBytes(f: FileDesc): Buffer {
  switch (f.content) {
    case 'pdf':
      return minimalPdf();
    case 'png':
      return PNG;
    case 'jpg':
      return JPG;
    case 'csv':
      return Buffer.from(`numero;nom;prenom;email\n${Buffer.from(f.bytes).toString('latin1')};Dubois;Léa;x@y.z\n`, 'utf8');
    case 'random':
      return Buffer.from(f.bytes);
    case 'empty':
      return Buffer.alloc(0);
    case 'text':
      return Buffer.from('hello\u0000world\n', 'utf8');
    case 'big':
      // Beyond the logo's (1 MB) and the offer attachment's (500 KB) limits, a PDF's header first.
      return Buffer.concat([minimalPdf(), Buffer.alloc(1_100_000, 0x20)]);
    case 'html':
      return Buffer.from('%PDF-1.4\n<html><script>alert(1)</script></html>', 'utf8');
  }
}

/** Percent-encodes a string's UTF-8 bytes (a lone surrogate becomes U+FFFD, as a browser sends it). */
export function enc(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** Path segments that are no record: not numbers, too large, encoded NUL or slash, an unfinished escape… */
export const JUNK_IDS = ['999999', '0', '-1', 'abc', '1e3', '2147483648', '99999999999999999999', '1.5', '%00', '%E2%80%AE', '..', '%2F', '%20', '01', '%', '%ZZ', '%C3', 'NaN', '__proto__', 'ＡＢ'];
