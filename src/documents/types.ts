// What the document renderers are given. The agreement's own copy (AgreementSnapshot) carries the
// parties, the internship, the labels of its reference values in the five print languages and the
// legal engine's result: a document prints that copy, never the live directory.
import type { PrintLanguage } from '../modules/agreements/agreement.types.js';
import type { AgreementSnapshot } from '../modules/agreements/agreements.snapshot.js';

/** Who signs an agreement (the centre chooses which of them and in which order). */
export type SignatureParty = 'student' | 'hostSignatory' | 'companyTutor' | 'academicTutor' | 'institution';
export const SIGNATURE_PARTIES: readonly SignatureParty[] = ['student', 'hostSignatory', 'companyTutor', 'academicTutor', 'institution'];

export type SignatureChannel = 'ACCOUNT' | 'LINK' | 'PAPER';

/** One signature and its record, as the signature page of the final PDF lists it. */
export interface SignatureLine {
  party: SignatureParty;
  name: string;
  signedAt: Date;
  channel: SignatureChannel;
  ip?: string | null;
  userAgent?: string | null;
  /** SHA-256 (hex) of the exact PDF the signer was shown. */
  pdfSha256?: string | null;
}

export interface DocumentInput {
  snapshot: AgreementSnapshot;
  language: PrintLanguage;
  /** The managing centre's logo (PNG or JPEG bytes); none: no image. */
  logo?: Buffer | null;
  /**
   * The file's creation date. Default: the day the legal figures were computed (the submission's),
   * else a constant — never the clock, so that the same input gives the same bytes.
   */
  generatedAt?: Date;
}

export interface AgreementPdfInput extends DocumentInput {
  /** Given: a last page lists each signature and its record (the final PDF). */
  signatures?: SignatureLine[];
  /** Who signs, in the signature block's order. Default: all five. */
  signers?: readonly SignatureParty[];
}

export interface SummaryPdfInput extends DocumentInput {
  /** AgreementStatus. */
  status: string;
  submittedAt?: Date | null;
  validatedAt?: Date | null;
}

export interface AttestationPdfInput extends DocumentInput {
  /** The total stipend actually paid, as the host confirms it; null: none paid. */
  stipendPaid: number | null;
  /** The day it is issued ("done on"); default: the internship's last day. */
  issuedOn?: string | null;
  /** Where it is issued ("done at"); default: the town of the internship's place. */
  place?: string | null;
  /** The law's units the duration is counted in (default the French ones: 7 h a day, 22 days a month). */
  units?: { hoursPerDay: number; daysPerMonth: number };
}

/** What an amendment changes (issue 13): each kind prints its new values against the old ones. */
export type AmendmentKind = 'subject' | 'period' | 'pay' | 'place' | 'companyTutor' | 'academicTutor' | 'other';
export const AMENDMENT_KINDS: readonly AmendmentKind[] = ['subject', 'period', 'pay', 'place', 'companyTutor', 'academicTutor', 'other'];

export interface AmendmentPdfInput extends DocumentInput {
  // `snapshot` (from DocumentInput): the agreement's copy WITH the amendment applied (the new values,
  // and the legal engine's new figures in snapshot.legal). `before`: the agreement's copy as it stood before.
  before: AgreementSnapshot;
  amendment: {
    /** "Avenant n° 2": numbered per agreement. */
    seq: number;
    /** Why the agreement is amended: required, printed. */
    reason: string;
    /** The changes, printed in AMENDMENT_KINDS order (whatever the order given). */
    kinds: AmendmentKind[];
    /** The free text of the 'other' change. */
    otherText: string | null;
    /** An early end of the internship: its last day (YYYY-MM-DD) and a comment. */
    termination: { on: string; comment: string | null } | null;
  };
  /** Who signs, in order (default: all five). A tutor who changes signs twice: the former and the new one. */
  signers?: readonly SignatureParty[];
  /** Given: a last page records each signature (the final PDF), as for the agreement. */
  signatures?: SignatureLine[];
  // generatedAt default: the amended snapshot's legal.signedOn (defaultGeneratedAt) — deterministic.
}
