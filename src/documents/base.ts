// The base of every printed document (pdfkit): A4, the DejaVu fonts embedded (every Latin, Greek
// and Cyrillic letter prints, and the text stays selectable and extractable), the managing
// centre's logo, name and address at the top of every page, "page X / Y" and the agreement's
// number at the bottom of every page. The output is deterministic: the same input gives the same
// bytes (the signature phase keeps the SHA-256 of the PDF shown to each signer), so nothing here
// reads the clock — the dates pdfkit would take from it are given.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { PrintLanguage } from '../modules/agreements/agreement.types.js';
import { CATALOGUES, fill, type CatalogueKey } from './catalogues/index.js';
import { docFormat, type DocFormat } from './format.js';

const require = createRequire(import.meta.url);
// pdfkit's own fontkit (the one it would parse the files with): a font parsed once is handed to every
// document, which then only lays out and subsets the glyphs it uses. Parsing the three files for
// each document (their OpenType tables) was most of a document's time.
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(buffer: Buffer): object };

type FontSet = { regular: object; bold: object; italic: object };
let fonts: FontSet | null = null;
export function loadedFonts(): FontSet {
  const open = (name: string) => withSharedLayouts(fontkit.create(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${name}`))));
  fonts ??= { regular: open('DejaVuSans.ttf'), bold: open('DejaVuSans-Bold.ttf'), italic: open('DejaVuSans-Oblique.ttf') };
  return fonts;
}

interface GlyphRun {
  positions: object[];
}
const LAYOUTS_KEPT = 10_000;

/**
 * The font with its layouts kept across documents. pdfkit lays out each word once per document
 * (its own cache), through the font's OpenType rules — most of a document's time once the font is
 * parsed; the agreements repeat the same words. A run is handed out as a copy (pdfkit scales its
 * positions in place); the oldest runs are forgotten beyond LAYOUTS_KEPT words, so memory stays bounded.
 */
function withSharedLayouts<F extends object>(font: F): F {
  const real = font as F & { layout(text: string, features?: unknown): GlyphRun };
  const kept = new Map<string, GlyphRun>();
  const copy = (run: GlyphRun): GlyphRun => Object.assign(Object.create(Object.getPrototypeOf(run)), run, { positions: run.positions.map((p) => Object.assign(Object.create(Object.getPrototypeOf(p)), p)) });
  const layout = (text: string, features?: unknown) => {
    if (features !== undefined) return real.layout(text, features);
    let run = kept.get(text);
    if (run) {
      // Most recently used last: Map keeps insertion order, the first key is the oldest.
      kept.delete(text);
    } else {
      run = real.layout(text);
      if (kept.size >= LAYOUTS_KEPT) kept.delete(kept.keys().next().value!);
    }
    kept.set(text, run);
    return copy(run);
  };
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'layout') return layout;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const MARGIN = { top: 92, bottom: 56, left: 50, right: 50 };
const GREY = '#555555';
const RULE = '#999999';
const LABEL_WIDTH = 170;

/** What the header shows of the managing centre. */
export interface Letterhead {
  name: string;
  addressLine1?: string | null;
  addressLine2?: string | null;
  postalCode?: string | null;
  city?: string | null;
  phone?: string | null;
  email?: string | null;
}

export interface WriterOptions {
  language: PrintLanguage;
  title: string;
  subject: string;
  author: string;
  /** CreationDate and ModDate of the file (and, through them, its ID). */
  generatedAt: Date;
  letterhead: Letterhead;
  logo?: Buffer | null;
  /** The footer of page `page` of `pages`. */
  footer: (page: number, pages: number) => string;
}

/** A key's text in the document's language, with its {placeholders} filled. */
export type Say = (key: CatalogueKey, params?: Record<string, string | number>) => string;

/**
 * Writes one document: headings, paragraphs, label–value rows, tables and signature boxes, flowing
 * from page to page; `finish` then draws the header and footer of every page and gives the bytes.
 */
export class PdfWriter {
  readonly doc: PDFKit.PDFDocument;
  readonly say: Say;
  readonly fmt: DocFormat;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  private readonly logo: OpenedImage | null;

  constructor(private readonly opts: WriterOptions) {
    const info = { Title: opts.title, Subject: opts.subject, Author: opts.author, Creator: 'Stages', Producer: 'Stages (PDFKit)', CreationDate: opts.generatedAt, ModDate: opts.generatedAt };
    this.doc = new PDFDocument({ size: 'A4', margins: MARGIN, bufferPages: true, autoFirstPage: true, info, lang: opts.language, displayTitle: true });
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => this.chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
    // pdfkit takes a parsed font where it takes a file (its typings only say files). Registered by
    // name, each is opened once per document (a font given as the document's default would be
    // opened again at every switch to it: pdfkit caches that one under no name).
    const f = loadedFonts() as unknown as Record<keyof FontSet, Buffer>;
    this.doc.registerFont('Body', f.regular);
    this.doc.registerFont('Bold', f.bold);
    this.doc.registerFont('Italic', f.italic);
    this.doc.font('Body').fontSize(10);
    const catalogue = CATALOGUES[opts.language];
    this.say = (key, params) => fill(catalogue[key], params);
    this.fmt = docFormat(opts.language);
    this.logo = openLogo(this.doc, opts.logo);
  }

  get width() {
    return this.doc.page.width - MARGIN.left - MARGIN.right;
  }

  /** A new page when less than `height` points are left on this one. */
  ensureSpace(height: number) {
    if (this.doc.y + height > this.doc.page.height - MARGIN.bottom) this.doc.addPage();
  }

  title(text: string, sub?: string) {
    this.doc.font('Bold').fontSize(17).text(text, MARGIN.left, this.doc.y, { width: this.width, align: 'center' });
    if (sub) this.doc.font('Body').fontSize(10).fillColor(GREY).text(sub, { width: this.width, align: 'center' }).fillColor('black');
    this.doc.moveDown(0.6);
  }

  /** A section heading, kept with at least a few lines of what follows. */
  heading(text: string, level: 1 | 2 = 1) {
    this.ensureSpace(level === 1 ? 70 : 50);
    this.doc.moveDown(level === 1 ? 0.6 : 0.3);
    this.doc.font('Bold').fontSize(level === 1 ? 12 : 10.5).text(text, MARGIN.left, this.doc.y, { width: this.width });
    if (level === 1) {
      const y = this.doc.y + 1;
      this.doc.moveTo(MARGIN.left, y).lineTo(MARGIN.left + this.width, y).lineWidth(0.5).strokeColor(RULE).stroke();
      this.doc.y = y + 4;
    } else this.doc.moveDown(0.15);
    this.doc.font('Body').fontSize(10);
  }

  paragraph(text: string, opts: { italic?: boolean; size?: number } = {}) {
    this.doc.font(opts.italic ? 'Italic' : 'Body').fontSize(opts.size ?? 10).text(text, MARGIN.left, this.doc.y, { width: this.width, align: 'justify', lineGap: 1 });
    this.doc.moveDown(0.35).font('Body').fontSize(10);
  }

  /** A label and its value side by side (the value wraps in its column); an empty value reads "not specified". */
  field(label: string, value: string | null | undefined, opts: { small?: boolean } = {}) {
    const text = value === null || value === undefined || value.trim() === '' ? this.say('notSpecified') : value;
    const valueWidth = this.width - LABEL_WIDTH - 8;
    // Small: a 64-digit hash keeps to one line (and is extracted whole).
    const valueSize = opts.small ? 7.5 : 9.5;
    const height = Math.max(this.doc.font('Bold').fontSize(9.5).heightOfString(label, { width: LABEL_WIDTH }), this.doc.font('Body').fontSize(valueSize).heightOfString(text, { width: valueWidth }));
    // A value longer than a page flows on (pdfkit breaks it); a short one is not split from its label.
    if (height < 300) this.ensureSpace(height + 2);
    const y = this.doc.y;
    this.doc.font('Bold').fontSize(9.5).fillColor(GREY).text(label, MARGIN.left, y, { width: LABEL_WIDTH });
    const afterLabel = this.doc.y;
    const page = this.currentPage();
    this.doc.font('Body').fontSize(valueSize).fillColor('black').text(text, MARGIN.left + LABEL_WIDTH + 8, y, { width: valueWidth });
    const sameSheet = this.currentPage() === page;
    this.doc.x = MARGIN.left;
    this.doc.y = (sameSheet ? Math.max(afterLabel, this.doc.y) : this.doc.y) + 2;
    this.doc.fontSize(10);
  }

  /** A table of plain cells; numeric columns are right-aligned; `total` is a last row in bold. */
  table(columns: { label: string; width: number; right?: boolean }[], rows: string[][], total?: string[]) {
    const scale = this.width / columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => c.width * scale);
    const row = (cells: string[], bold: boolean) => {
      this.doc.font(bold ? 'Bold' : 'Body').fontSize(9);
      const h = Math.max(...cells.map((c, i) => this.doc.heightOfString(c, { width: widths[i] - 6 }))) + 4;
      this.ensureSpace(h);
      const y = this.doc.y;
      let x = MARGIN.left;
      cells.forEach((c, i) => {
        this.doc.text(c, x + 3, y + 2, { width: widths[i] - 6, align: columns[i].right ? 'right' : 'left' });
        x += widths[i];
      });
      this.doc.moveTo(MARGIN.left, y + h).lineTo(MARGIN.left + this.width, y + h).lineWidth(0.3).strokeColor(RULE).stroke();
      this.doc.x = MARGIN.left;
      this.doc.y = y + h;
    };
    row(columns.map((c) => c.label), true);
    for (const r of rows) row(r, false);
    if (total) row(total, true);
    this.doc.moveDown(0.5).font('Body').fontSize(10);
  }

  /** Boxes to sign in, two a row: who signs, their name, "date and signature". */
  signatureBoxes(boxes: { role: string; name: string }[]) {
    const gap = 14;
    const w = (this.width - gap) / 2;
    const h = 92;
    for (let i = 0; i < boxes.length; i += 2) {
      this.ensureSpace(h + 8);
      const y = this.doc.y;
      boxes.slice(i, i + 2).forEach((b, j) => {
        const x = MARGIN.left + j * (w + gap);
        this.doc.rect(x, y, w, h).lineWidth(0.5).strokeColor(RULE).stroke();
        this.doc.font('Bold').fontSize(9.5).fillColor('black').text(b.role, x + 6, y + 6, { width: w - 12 });
        this.doc.font('Body').text(b.name, x + 6, this.doc.y + 1, { width: w - 12 });
        this.doc.font('Italic').fontSize(8.5).fillColor(GREY).text(this.say('signHere'), x + 6, y + h - 16, { width: w - 12 }).fillColor('black');
      });
      this.doc.x = MARGIN.left;
      this.doc.y = y + h + 8;
    }
    this.doc.font('Body').fontSize(10);
  }

  newPage() {
    this.doc.addPage();
  }

  /** Header and footer on every page, then the file's bytes. */
  async finish(): Promise<Buffer> {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      this.header();
      this.footer(this.opts.footer(i - range.start + 1, range.count));
    }
    this.doc.end();
    return this.done;
  }

  private currentPage() {
    return this.doc.page;
  }

  private header() {
    const { doc } = this;
    const top = 30;
    let x = MARGIN.left;
    if (this.logo) {
      // pdfkit draws an opened image like a buffer (its typings only know the buffer).
      doc.image(this.logo as unknown as Buffer, MARGIN.left, top, { fit: [90, 44] });
      x += 100;
    }
    const l = this.opts.letterhead;
    const width = MARGIN.left + this.width - x;
    doc.font('Bold').fontSize(10).fillColor('black').text(l.name, x, top, { width, lineBreak: false, ellipsis: true });
    const place = [l.addressLine1, l.addressLine2, [l.postalCode, l.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
    const contact = [l.phone ? `${this.say('phoneShort')} ${l.phone}` : '', l.email ?? ''].filter(Boolean).join(' — ');
    doc.font('Body').fontSize(8.5).fillColor(GREY);
    if (place) doc.text(place, x, doc.y + 1, { width, lineBreak: false, ellipsis: true });
    if (contact) doc.text(contact, x, doc.y + 1, { width, lineBreak: false, ellipsis: true });
    doc.moveTo(MARGIN.left, MARGIN.top - 14).lineTo(MARGIN.left + this.width, MARGIN.top - 14).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.fillColor('black');
  }

  private footer(text: string) {
    const { doc } = this;
    // Below the bottom margin: pdfkit would start a new page for text there unless the margin is lifted.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN.bottom + 18;
    doc.moveTo(MARGIN.left, y - 6).lineTo(MARGIN.left + this.width, y - 6).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.font('Body').fontSize(8.5).fillColor(GREY).text(text, MARGIN.left, y, { width: this.width, align: 'center', lineBreak: false });
    doc.fillColor('black');
    doc.page.margins.bottom = bottom;
  }
}

/** An image pdfkit has read (its typings do not name it). */
type OpenedImage = { width: number; height: number };

/** The centre's logo, or none when there is none or its bytes are no image pdfkit reads (the document prints without it). */
function openLogo(doc: PDFKit.PDFDocument, logo: Buffer | null | undefined): OpenedImage | null {
  if (!logo?.length) return null;
  try {
    // Opened once, drawn on every page as one image object of the file.
    return (doc as unknown as { openImage(src: Buffer): OpenedImage }).openImage(logo);
  } catch {
    return null;
  }
}
