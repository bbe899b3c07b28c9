// Printed documents (issue 13): the agreement, its summary, its amendments and the attestation de stage, as PDF
// bytes from the agreement's own copy, in its print language. Deterministic: the same input gives
// the same bytes (the signature phase keeps the SHA-256 of the PDF each signer was shown).
export { renderAgreementPdf } from './agreement.js';
export { changedTutors, renderAmendmentPdf } from './amendment.js';
export { renderAttestationPdf } from './attestation.js';
export { renderSummaryPdf } from './summary.js';
export { AMENDMENT_KINDS, SIGNATURE_PARTIES } from './types.js';
export type { AgreementPdfInput, AmendmentKind, AmendmentPdfInput, AttestationPdfInput, DocumentInput, SignatureChannel, SignatureLine, SignatureParty, SummaryPdfInput } from './types.js';
