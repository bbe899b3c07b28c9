// Confirming the attestation de stage from a link (issue 13): a company tutor without an account is
// mailed, when the internship ends (the job) or when the centre asks, a link to confirm or correct
// the stipend actually paid. The link is bound to the tutor's address, valid 30 days, confirms once;
// the attestation then downloads from it until it expires.
import { Service, type Act, type ServiceDeps, type SystemAct } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import { hasCentreRight } from '../../authz/centres.js';
import { hashToken, newToken } from '../../auth/tokens.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import { isLocale } from '../../i18n/index.js';
import { queueEmail } from '../../mail/outbox.js';
import { todayIn } from '../../time/calendar.js';
import { agreementNumber } from './agreement.types.js';
import { record, type AttestationService, type Shown } from './agreements.attestation.js';
import type { AgreementService } from './agreements.service.js';

/** A link is valid this many days. */
export const ATTESTATION_LINK_DAYS = 30;
const DAY_MS = 86_400_000;
/** The centre sends a new link at most this often per agreement. */
const RESEND_EVERY_MS = 10 * 60_000;

export type AttestationLinkState = { kind: 'valid' | 'confirmed'; a: Shown } | { kind: 'expired' | 'closed'; number: string };

export class AttestationLinkService extends Service {
  constructor(deps: ServiceDeps, private readonly agreements: AgreementService, private readonly attestations: AttestationService) {
    super(deps);
  }

  /** The tutor to write to: a contact without an account, with an address (a tutor with an account confirms signed in). */
  private async tutorAddress(db: DbOrTx, companyTutorId: number | null) {
    if (!companyTutorId) return null;
    const c = await db.contact.findUnique({ where: { id: companyTutorId }, select: { email: true, firstName: true, userId: true } });
    return c?.email && !c.userId ? { email: c.email, firstName: c.firstName } : null;
  }

  /** Writes a new link and its mail in `tx`. */
  private async mail(tx: Tx, a: Pick<Shown, 'id' | 'academicYear' | 'seq' | 'printLanguage' | 'organisation' | 'student'>, to: { email: string; firstName: string }, now: Date) {
    const { token, hash } = newToken();
    await tx.attestationLink.create({ data: { agreementId: a.id, tokenHash: hash, email: to.email, createdAt: now, expiresAt: new Date(now.getTime() + ATTESTATION_LINK_DAYS * DAY_MS) } });
    await queueEmail(tx, {
      to: to.email,
      template: 'attestation-link',
      // The tutor's best-known language: the agreement's print language when the site speaks it.
      locale: isLocale(a.printLanguage) ? a.printLanguage : 'fr',
      data: { firstName: to.firstName, number: agreementNumber(a), student: `${a.student.user.firstName} ${a.student.user.lastName}`, organisation: a.organisation.legalName, link: `${this.baseUrl}/attest/${token}`, days: ATTESTATION_LINK_DAYS },
    });
  }

  /**
   * The job: agreements validated whose last day has come (within the link's validity), not yet
   * confirmed, whose tutor has no account and was never written to: one link each. Returns how many.
   */
  async sendDue(act: SystemAct): Promise<number> {
    const today = todayIn(act.now);
    const due = await this.db.agreement.findMany({
      where: { status: 'VALIDATED', attestationConfirmedAt: null, endDate: { lte: today.toDb(), gte: today.addDays(-ATTESTATION_LINK_DAYS).toDb() }, companyTutor: { userId: null, email: { not: null } }, attestationLinks: { none: {} } },
      select: { id: true },
    });
    let sent = 0;
    for (const { id } of due) {
      sent += await this.db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${id} FOR UPDATE`;
        // Read again under the lock: two runs (or two instances) write once.
        if (await tx.attestationLink.findFirst({ where: { agreementId: id }, select: { id: true } })) return 0;
        const a = await this.agreements.byLink(id);
        const to = await this.tutorAddress(tx, a.companyTutorId);
        if (!to || a.attestationConfirmedAt) return 0;
        await this.mail(tx, a, to, act.now);
        return 1;
      });
    }
    return sent;
  }

  /** The centre sends the tutor a (new) link: WRITE staff of the managing centre, once the attestation is open. */
  async send(act: Act<Actor>, agreementId: number) {
    const a = await this.agreements.show(act.actor, agreementId);
    if (!hasCentreRight(act.actor, a.centreId, 'WRITE')) throw forbidden();
    if (!this.attestations.isOpen(a, act.now)) throw new ValidationError({ _form: 'attestation.errors.notOpen' });
    const to = await this.tutorAddress(this.db, a.companyTutorId);
    if (!to) throw new ValidationError({ _form: 'attestation.errors.noTutorAddress' });
    await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${agreementId} FOR UPDATE`;
      const last = await tx.attestationLink.findFirst({ where: { agreementId }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
      if (last && act.now.getTime() - last.createdAt.getTime() < RESEND_EVERY_MS) throw new ValidationError({ _form: 'attestation.errors.tooSoon' });
      await this.mail(tx, a, to, act.now);
    });
    return { email: to.email };
  }

  /** What a link leads to now; an unknown token is a 404. */
  async state(token: string, now: Date, db: DbOrTx = this.db): Promise<AttestationLinkState> {
    const link = await db.attestationLink.findUnique({ where: { tokenHash: hashToken(token) }, select: { agreementId: true, email: true, expiresAt: true, usedAt: true } });
    if (!link) throw notFound();
    const a = await this.agreements.byLink(link.agreementId);
    const number = agreementNumber(a);
    if (link.expiresAt <= now) return { kind: 'expired', number };
    if (link.usedAt) return { kind: 'confirmed', a };
    // The tutor changed (or got an account) since: the link no longer speaks for the host.
    const to = await this.tutorAddress(db, a.companyTutorId);
    if (!to || to.email !== link.email || !this.attestations.isOpen(a, now)) return { kind: 'closed', number };
    return a.attestationConfirmedAt ? { kind: 'closed', number } : { kind: 'valid', a };
  }

  /** Confirms from the link, once. */
  async confirm(token: string, now: Date, stipendPaid: number, requestId: string | null) {
    if (stipendPaid > 10_000_000) throw new ValidationError({ stipendPaid: 'attestation.errors.amount' });
    await this.db.$transaction(async (tx) => {
      const link = await tx.attestationLink.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, agreementId: true } });
      if (!link) throw notFound();
      await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${link.agreementId} FOR UPDATE`;
      // Read under the lock: two clicks confirm once.
      const s = await this.state(token, now, tx);
      if (s.kind !== 'valid') throw new ValidationError({ _form: 'attestation.errors.linkClosed' });
      await tx.attestationLink.update({ where: { id: link.id }, data: { usedAt: now } });
      await record(tx, { actor: null, requestId, now }, s.a, stipendPaid);
    });
  }

  /** The attestation from the link, once confirmed and while the link is valid. */
  async pdf(token: string, now: Date) {
    const s = await this.state(token, now);
    if (s.kind !== 'confirmed') throw notFound();
    return this.attestations.pdfOf(s.a, now);
  }
}
