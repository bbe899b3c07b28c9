// Printing an agreement (issue 13): the centre's print rule, and the PDF of the agreement or of its
// summary from its own copy (AgreementService.view), with the centre's logo, in a print language.
import { Service, type ServiceDeps } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import { renderAgreementPdf, renderSummaryPdf } from '../../documents/index.js';
import type { PrintCondition } from '../../generated/prisma/enums.js';
import { agreementNumber, PRINT_LANGUAGES, type PrintLanguage } from './agreement.types.js';
import { DOC_PARTY } from '../signatures/signatures.signers.js';
import type { AgreementService } from './agreements.service.js';

export type PrintKind = 'agreement' | 'summary';

/** What the centre says of students printing (ManagementCentre.studentsMayPrint, printCondition). */
export interface PrintRule {
  studentsMayPrint: boolean;
  printCondition: PrintCondition;
}

export function isPrintLanguage(v: unknown): v is PrintLanguage {
  return typeof v === 'string' && (PRINT_LANGUAGES as readonly string[]).includes(v);
}

/**
 * Whether the actor may print this agreement (which they already reach): its student only as the
 * centre allows — never, at any time, or once the agreement is validated; every other party and
 * the staff who reach it, always (a company, a tutor or the office prints what it must sign or file).
 */
export function mayPrint(actor: Actor, agreement: { studentId: number; status: string }, rule: PrintRule): boolean {
  if (actor.student?.profileId !== agreement.studentId) return true;
  if (!rule.studentsMayPrint) return false;
  return rule.printCondition === 'ALWAYS' || agreement.status === 'VALIDATED';
}

export type PrintOutcome =
  | { refused: false; pdf: Buffer; number: string }
  | { refused: true; reason: 'never' | 'afterValidation'; number: string; id: number };

export class AgreementPrintService extends Service {
  constructor(
    deps: ServiceDeps,
    private readonly agreements: AgreementService,
  ) {
    super(deps);
  }

  /** The centre's print rule for an agreement's student (the agreement page hides its links when it says no). */
  rule(centreId: number): Promise<PrintRule> {
    return this.db.managementCentre.findUniqueOrThrow({ where: { id: centreId }, select: { studentsMayPrint: true, printCondition: true } });
  }

  /**
   * The PDF of an agreement the actor reaches (404 otherwise), in `language` (default: the
   * agreement's print language), or why its student may not print it.
   */
  async print(actor: Actor, id: number, kind: PrintKind, language: PrintLanguage | null, now: Date): Promise<PrintOutcome> {
    const a = await this.agreements.show(actor, id);
    const number = agreementNumber(a);
    const centre = await this.db.managementCentre.findUniqueOrThrow({ where: { id: a.centreId }, select: { studentsMayPrint: true, printCondition: true, logoFileId: true, signatureParties: true } });
    if (!mayPrint(actor, a, centre)) return { refused: true, reason: centre.studentsMayPrint ? 'afterValidation' : 'never', number, id };
    const snapshot = await this.agreements.view(a, now);
    const logo = centre.logoFileId ? ((await this.db.storedFile.findUnique({ where: { id: centre.logoFileId }, select: { data: true } }))?.data ?? null) : null;
    const input = { snapshot, language: language ?? (isPrintLanguage(a.printLanguage) ? a.printLanguage : 'fr'), logo: logo ? Buffer.from(logo) : null };
    // The centre's signers, as the signature phase prints them: in the agreement's language, the same bytes as the signers are shown.
    // The agreement prints as it was signed (its copy before any amendment); the summary, as it stands (amendments applied).
    const original = a.originalSnapshot ? (a.originalSnapshot as unknown as typeof snapshot) : snapshot;
    const pdf =
      kind === 'agreement'
        ? await renderAgreementPdf({ ...input, snapshot: original, signers: centre.signatureParties.map((p) => DOC_PARTY[p]) })
        : await renderSummaryPdf({ ...input, status: a.status, submittedAt: a.submittedAt, validatedAt: a.validatedAt });
    return { refused: false, pdf, number };
  }
}
