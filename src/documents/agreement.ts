// The agreement as printed, after the structure of the national model agreement (arrêté of
// 29 December 2014): the three parties, articles 1 to 13 (agreement.articles.ts), the signature
// block, and — for the final PDF — a page recording each signature.
import type { AgreementSnapshot } from '../modules/agreements/agreements.snapshot.js';
import type { PrintLanguage } from '../modules/agreements/agreement.types.js';
import { articles } from './agreement.articles.js';
import { PdfWriter } from './base.js';
import { CATALOGUES, fill, type CatalogueKey } from './catalogues/index.js';
import { addressText, contactText, defaultGeneratedAt, lbl, personName } from './present.js';
import { SIGNATURE_PARTIES, type AgreementPdfInput, type SignatureLine, type SignatureParty } from './types.js';

/** Each party's role as the signature boxes and the record page name it. */
export const PARTY_KEYS: Record<SignatureParty, CatalogueKey> = {
  student: 'partyStudent',
  hostSignatory: 'partyHostSignatory',
  companyTutor: 'partyCompanyTutor',
  academicTutor: 'partyAcademicTutor',
  institution: 'partyInstitution',
};

/** The agreement's PDF in `language`: the same input gives the same bytes. */
export async function renderAgreementPdf(input: AgreementPdfInput): Promise<Buffer> {
  const { snapshot: s, language: lang } = input;
  const w = writerFor(input, 'agreementTitle', 'agreementFooter');
  const { say } = w;
  w.title(say('agreementTitle'), say('agreementSubtitle'));
  w.doc.font('Bold').fontSize(10.5).text(`${say('agreementNumber', { number: s.number })} — ${say('academicYear', { year: s.academicYear })}`, { align: 'center' });
  w.doc.moveDown(0.5);
  parties(w, s, lang);
  articles(w, s, lang);
  signatureBlock(w, (input.signers ?? SIGNATURE_PARTIES).map((p) => ({ role: w.say(PARTY_KEYS[p]), name: signerName(s, p, lang) })));
  if (input.signatures?.length) signaturePage(w, input.signatures);
  return w.finish();
}

/**
 * A writer with the document's metadata, letterhead and footer: the renderers' common start.
 * `params` fill the title's and the footer's own placeholders (an amendment's number).
 */
export function writerFor(input: { snapshot: AgreementSnapshot; language: PrintLanguage; logo?: Buffer | null; generatedAt?: Date }, titleKey: CatalogueKey, footerKey: CatalogueKey, params: Record<string, string | number> = {}): PdfWriter {
  const s = input.snapshot;
  const text = CATALOGUES[input.language];
  return new PdfWriter({
    language: input.language,
    title: `${fill(text[titleKey], params)} ${s.number}`,
    subject: `${s.student.firstName} ${s.student.lastName} — ${s.organisation.legalName}`,
    author: s.centre.name,
    generatedAt: input.generatedAt ?? defaultGeneratedAt(s),
    letterhead: s.centre,
    logo: input.logo,
    footer: (page, pages) => fill(text[footerKey], { ...params, number: s.number, page, pages }),
  });
}

/** The three blocks of the model agreement: the institution, the host organisation, the intern. */
function parties(w: PdfWriter, s: AgreementSnapshot, lang: PrintLanguage) {
  const { say } = w;
  w.heading(`1. ${say('blockInstitution')}`, 2);
  w.field(say('fInstitution'), [s.institution.name, addressText(s.institution, lang)].filter(Boolean).join(', '));
  w.field(say('fCentre'), [s.centre.name, addressText(s.centre, lang)].filter(Boolean).join(', '));
  w.field(say('fContact'), contactText(s.centre) || contactText(s.institution));

  const o = s.organisation;
  w.heading(`2. ${say('blockHost')}`, 2);
  w.field(say('fHostName'), o.legalName);
  w.field(say('fSiret'), o.siret);
  w.field(say('fNaf'), o.nafCode);
  w.field(say('fLegalStatus'), lbl(o.legalStatus, lang));
  w.field(say('fStructureType'), lbl(o.structureType, lang));
  w.field(say('fHeadcount'), lbl(o.headcount, lang));
  w.field(say('fAddress'), addressText(o, lang));
  w.field(say('fRepresentative'), [personName(s.signatory, lang, true), contactText(s.signatory)].filter(Boolean).join(' — '));
  w.field(say('fService'), [s.service?.name, s.service?.phone].filter(Boolean).join(' — '));
  w.field(say('fPlace'), addressText(s.place, lang));

  const st = s.student;
  w.heading(`3. ${say('blockStudent')}`, 2);
  w.field(say('fName'), personName(st, lang));
  w.field(say('fStudentNumber'), st.studentNumber);
  w.field(say('fProgramme'), st.programme);
  w.field(say('fStudyYear'), st.studyYear);
  w.field(say('fAddress'), addressText(st, lang));
  w.field(say('fContact'), contactText(st));
  w.field(say('fInsurance'), lbl(st.insurance, lang));
  w.field(say('fHealthFund'), st.healthFund);
}

/** The name each party signs under. */
export function signerName(s: AgreementSnapshot, party: SignatureParty, lang: PrintLanguage): string {
  switch (party) {
    case 'student':
      return personName(s.student, lang);
    case 'hostSignatory':
      return personName(s.signatory, lang, true) || s.organisation.legalName;
    case 'companyTutor':
      return personName(s.companyTutor, lang, true);
    case 'academicTutor':
      return s.academicTutor ? `${s.academicTutor.firstName} ${s.academicTutor.lastName}` : '';
    case 'institution':
      return `${s.institution.name} — ${s.centre.name}`;
  }
}

/** The signature block: a box for each signer, in order (a name missing prints as a dash). */
export function signatureBlock(w: PdfWriter, boxes: { role: string; name: string }[]) {
  // The heading, its sentence and the first row of boxes on one page.
  w.ensureSpace(190);
  w.heading(w.say('signaturesTitle'));
  w.paragraph(w.say('signaturesText'));
  w.signatureBoxes(boxes.map((b) => ({ role: b.role, name: b.name || '—' })));
}

/** The final PDF's last page: each signature with its record (when, how, from where, what was shown). */
export function signaturePage(w: PdfWriter, signatures: SignatureLine[]) {
  const { say, fmt } = w;
  w.newPage();
  w.title(say('recordTitle'));
  w.paragraph(say('recordIntro'));
  for (const sig of signatures) {
    w.heading(`${say(PARTY_KEYS[sig.party])} — ${sig.name}`, 2);
    w.field(say('recordSignedAt'), fmt.dateTime(sig.signedAt));
    w.field(say('recordChannel'), say(`channel${sig.channel}`));
    w.field(say('recordIp'), sig.ip ?? '—');
    w.field(say('recordUserAgent'), sig.userAgent ?? '—');
    w.field(say('recordHash'), sig.pdfSha256 ?? '—', { small: true });
  }
}
