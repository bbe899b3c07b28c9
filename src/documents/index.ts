// Printed documents (issue 13): the agreement, its summary, its amendments, the attestation de stage
// and the label's certificate, as PDF bytes from the agreement's own copy, in its print language.
// Deterministic: the same input gives the same bytes (the signature phase keeps the SHA-256 of the
// PDF each signer was shown). Rendered by a worker thread (pool.ts), not the request's.
import type { LabelCertificateInput } from './label-certificate.js';
import { renderDocument } from './pool.js';
import type { AgreementPdfInput, AmendmentPdfInput, AttestationPdfInput, SummaryPdfInput } from './types.js';

export const renderAgreementPdf = (input: AgreementPdfInput) => renderDocument('agreement', input);
export const renderAmendmentPdf = (input: AmendmentPdfInput) => renderDocument('amendment', input);
export const renderAttestationPdf = (input: AttestationPdfInput) => renderDocument('attestation', input);
export const renderSummaryPdf = (input: SummaryPdfInput) => renderDocument('summary', input);
export const renderLabelCertificatePdf = (input: LabelCertificateInput) => renderDocument('labelCertificate', input);

export { changedTutors } from './amendment.js';
export { closeDocumentWorkers, configureDocumentWorkers, startDocumentWorkers } from './pool.js';
export { AMENDMENT_KINDS, SIGNATURE_PARTIES } from './types.js';
export type { LabelCertificateInput } from './label-certificate.js';
export type { AgreementPdfInput, AmendmentKind, AmendmentPdfInput, AttestationPdfInput, DocumentInput, SignatureChannel, SignatureLine, SignatureParty, SummaryPdfInput } from './types.js';
