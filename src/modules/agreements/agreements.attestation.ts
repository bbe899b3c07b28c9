// The attestation de stage (issue 13; art. D124-9): issued at the end of the internship from the
// agreement's own copy and its computed figures, once the host has confirmed (or corrected) the
// stipend actually paid — the host's company administrator or the company tutor with an account,
// or the centre's WRITE staff on the host's behalf (a paper form). Audited; the PDF is then
// printable by everyone who sees the agreement.
import { z } from 'zod';
import { Service, type Act, type ServiceDeps } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import { hasCentreRight } from '../../authz/centres.js';
import { renderAttestationPdf } from '../../documents/index.js';
import { forbidden, notFound, ValidationError, WrongStateError } from '../../errors.js';
import { CalendarDate, todayIn } from '../../time/calendar.js';
import { agreementNumber } from './agreement.types.js';
import { isPrintLanguage } from './agreements.print.js';
import type { AgreementService } from './agreements.service.js';
import { isCompanyTutor } from './agreements.reach.js';

/** The amount paid in total: euros and cents, a comma or a point, 0 when nothing was paid. */
export const attestationSchema = z.object({
  stipendPaid: z
    .string({ error: 'errors.field.required' })
    .trim()
    .min(1, 'errors.field.required')
    .regex(/^\d{1,7}([.,]\d{1,2})?$/, 'attestation.errors.amount')
    .transform((v) => Number(v.replace(',', '.'))),
});

export type Shown = Awaited<ReturnType<AgreementService['show']>>;

export class AttestationService extends Service {
  constructor(deps: ServiceDeps, private readonly agreements: AgreementService) {
    super(deps);
  }

  /** The host's side (its company administrator, the company tutor's account) or the centre's WRITE staff. */
  async mayConfirm(actor: Actor, a: Shown): Promise<boolean> {
    if (hasCentreRight(actor, a.centreId, 'WRITE')) return true;
    if (actor.companies.some((c) => c.organisationId === a.organisationId && c.role === 'ADMIN')) return true;
    return isCompanyTutor(this.db, actor, a);
  }

  /** Open once the agreement is validated and its last day has come (the Paris day). */
  isOpen(a: Pick<Shown, 'status' | 'endDate'>, now: Date): boolean {
    return a.status === 'VALIDATED' && !todayIn(now).isBefore(CalendarDate.fromDb(a.endDate));
  }

  /** What the agreement page shows: the form (prefilled with the computed stipend) or the issued attestation. */
  async panel(actor: Actor, a: Shown, now: Date) {
    const open = this.isOpen(a, now);
    return {
      open,
      may: open && (await this.mayConfirm(actor, a)),
      confirmedAt: a.attestationConfirmedAt,
      paid: a.attestationStipendPaid === null ? null : Number(a.attestationStipendPaid),
      prefill: a.stipendTotal === null ? '0' : Number(a.stipendTotal).toFixed(2),
      // The centre may send a tutor without an account the link to confirm it (agreements.attestation-link.ts).
      mayLink: open && !a.attestationConfirmedAt && hasCentreRight(actor, a.centreId, 'WRITE') && !!a.companyTutorId && !!(await this.db.contact.findFirst({ where: { id: a.companyTutorId, userId: null, email: { not: null } }, select: { id: true } })),
    };
  }

  /** Confirms (or corrects) the stipend paid; may be corrected again later by the same people, audited each time. */
  async confirm(act: Act, id: number, stipendPaid: number) {
    const a = await this.agreements.show(act.actor, id);
    if (!this.isOpen(a, act.now)) throw new WrongStateError('attestation', a.status);
    if (!(await this.mayConfirm(act.actor, a))) throw forbidden();
    if (stipendPaid > 10_000_000) throw new ValidationError({ stipendPaid: 'attestation.errors.amount' });
    await this.db.$transaction((tx) => record(tx, act, a, stipendPaid));
  }

  /** The attestation's PDF, in the agreement's print language, once confirmed (404 before). */
  async pdf(actor: Actor, id: number, now: Date) {
    return this.pdfOf(await this.agreements.show(actor, id), now);
  }

  /** The PDF of an agreement already read (the agreement's page, or an attestation link). */
  async pdfOf(a: Shown, now: Date) {
    if (!a.attestationConfirmedAt) throw notFound();
    const logoId = (await this.db.managementCentre.findUniqueOrThrow({ where: { id: a.centreId }, select: { logoFileId: true } })).logoFileId;
    const logo = logoId ? (await this.db.storedFile.findUnique({ where: { id: logoId }, select: { data: true } }))?.data : null;
    const bytes = await renderAttestationPdf({
      snapshot: await this.agreements.view(a, now),
      language: isPrintLanguage(a.printLanguage) ? a.printLanguage : 'fr',
      logo: logo ? Buffer.from(logo) : null,
      stipendPaid: a.attestationStipendPaid === null ? null : Number(a.attestationStipendPaid),
      issuedOn: todayIn(a.attestationConfirmedAt).toString(),
      generatedAt: a.attestationConfirmedAt,
    });
    return { bytes, number: agreementNumber(a) };
  }
}

/** The stipend paid, confirmed (by a person, or from a link: actor null), audited with what it replaced. */
export async function record(tx: Tx, act: Act<Actor | null>, a: Pick<Shown, 'id' | 'attestationStipendPaid'>, stipendPaid: number) {
  await tx.agreement.update({ where: { id: a.id }, data: { attestationStipendPaid: stipendPaid, attestationConfirmedAt: act.now, attestationConfirmedById: act.actor?.id ?? null } });
  await audit(tx, { actorId: act.actor?.id ?? null, action: 'agreement.attestation', entityType: 'Agreement', entityId: a.id, before: { stipendPaid: a.attestationStipendPaid === null ? null : Number(a.attestationStipendPaid) }, after: { stipendPaid, ...(act.actor ? {} : { via: 'link' }) }, requestId: act.requestId });
}
