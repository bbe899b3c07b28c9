// The certificate of the quality label (issue 14): who earned it, where, when, in which programme,
// the day it was awarded and by which institution, with the verification code and a QR code of the
// public page that confirms it (/label/verify/<code>). In the reader's language (French, or
// English), from the site's catalogues (src/i18n/locales/*/label.json). Deterministic: the same
// award gives the same bytes (nothing reads the clock; the file's dates are the award's).
import QRCode from 'qrcode';
import { formatters } from '../i18n/format.js';
import { translate, type LocaleCode, type Params } from '../i18n/index.js';
import { PdfWriter, type Letterhead } from './base.js';

export interface LabelCertificateInput {
  locale: LocaleCode;
  student: string;
  organisation: string;
  startDate: Date;
  endDate: Date;
  programme: string | null;
  /** The awarding institution: its name heads the page. */
  institution: Letterhead;
  awardedAt: Date;
  code: string;
  verifyUrl: string;
}

/** The QR code's side on the page (points) and its quiet zone (modules), as the standard asks. */
const QR_SIDE = 120;
const QUIET = 4;

export async function renderLabelCertificatePdf(input: LabelCertificateInput): Promise<Buffer> {
  const say = (key: string, params?: Params) => translate(input.locale, `label.certificate.${key}`, params);
  const fmt = formatters(input.locale);
  const w = new PdfWriter({
    language: input.locale,
    title: say('title'),
    subject: `${input.student} — ${input.organisation}`,
    author: input.institution.name,
    generatedAt: input.awardedAt,
    letterhead: input.institution,
    footer: (page, pages) => say('footer', { code: input.code, page, pages }),
  });
  w.doc.moveDown(1.5);
  w.title(say('title'), input.institution.name);
  w.doc.moveDown(0.5);
  w.paragraph(say('intro', { institution: input.institution.name }));
  w.doc.moveDown(0.5);
  w.field(say('student'), input.student);
  w.field(say('programme'), input.programme);
  w.field(say('organisation'), input.organisation);
  w.field(say('dates'), say('datesValue', { from: fmt.date(input.startDate), to: fmt.date(input.endDate) }));
  w.field(say('awardedOn'), fmt.day(input.awardedAt));
  w.field(say('institution'), input.institution.name);
  w.field(say('code'), input.code);

  w.heading(say('verifyTitle'));
  w.ensureSpace(QR_SIDE + 10);
  const top = w.doc.y;
  const left = w.doc.page.margins.left;
  drawQr(w.doc, input.verifyUrl, left, top);
  const textLeft = left + QR_SIDE + 16;
  const width = w.width - QR_SIDE - 16;
  w.doc.font('Body').fontSize(10).fillColor('black').text(say('verifyText'), textLeft, top + 8, { width });
  w.doc.moveDown(0.4).font('Bold').text(input.verifyUrl, { width });
  w.doc.moveDown(0.4).font('Body').text(say('verifyCode', { code: input.code }), { width });
  w.doc.x = left;
  w.doc.y = Math.max(w.doc.y, top + QR_SIDE) + 8;
  return w.finish();
}

/** The QR code of `text` (error correction M): each dark module a filled square, inside a quiet zone of 4 modules. */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number) {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const m = QR_SIDE / (size + 2 * QUIET);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) if (data[r * size + c]) doc.rect(x + (c + QUIET) * m, y + (r + QUIET) * m, m, m);
  }
  doc.fillColor('black').fill();
}
