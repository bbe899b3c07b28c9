// The renderers themselves, as the document worker (worker.ts) runs them: each takes plain data
// (structured-clone safe: objects, strings, numbers, Dates, bytes) and gives the PDF's bytes.
import { renderAgreementPdf } from './agreement.js';
import { renderAmendmentPdf } from './amendment.js';
import { renderAttestationPdf } from './attestation.js';
import { renderLabelCertificatePdf } from './label-certificate.js';
import { renderSummaryPdf } from './summary.js';

export const RENDERERS = {
  agreement: renderAgreementPdf,
  amendment: renderAmendmentPdf,
  attestation: renderAttestationPdf,
  summary: renderSummaryPdf,
  labelCertificate: renderLabelCertificatePdf,
};

export type DocumentKind = keyof typeof RENDERERS;
export type RenderInput<K extends DocumentKind> = Parameters<(typeof RENDERERS)[K]>[0];
