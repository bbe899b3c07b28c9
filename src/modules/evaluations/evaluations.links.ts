// The company tutor's evaluation from an e-mailed link (issue 14), for a tutor who does not sign in:
// a single-use link bound to the tutor's address, valid 30 days (the token's hash only is stored, as
// the attestation's links do: agreements.attestation-link.ts). An expired link is renewed — a new link
// to the same address, never another. The daily job mails the tutor the day the evaluation opens.
import { Service, type Act, type ServiceDeps, type SystemAct } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { hashToken, newToken } from '../../auth/tokens.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import { isLocale } from '../../i18n/index.js';
import { queueEmail } from '../../mail/outbox.js';
import { DAY_MS, MINUTE_MS } from '../../time/clock.js';
import { todayIn } from '../../time/calendar.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { factsOf, stepStates } from '../followup/label.steps.js';
import { evaluationRoles, maskEmail } from './evaluations.access.js';
import { readInput, type EvaluationService, type Shown } from './evaluations.service.js';
import { currentForm } from './forms.js';

/** A link is valid this many days. */
export const EVALUATION_LINK_DAYS = 30;
/** At most one new link per agreement this often (a button pressed twice, a renewal page reloaded). */
const RESEND_EVERY_MS = 10 * MINUTE_MS;

/**
 * What a link leads to: the form (valid); already used (the evaluation sent from it); expired
 * (renewable); sent by other means (signed in, another link); closed (the tutor or the address
 * changed, the follow-up is not kept); not yet open.
 */
export type LinkState =
  | { kind: 'valid'; a: Shown; linkId: number }
  | { kind: 'used' | 'sent'; a: Shown; sentAt: Date }
  | { kind: 'expired'; a: Shown; to: string }
  | { kind: 'closed' | 'notYet'; a: Shown };

type Mailed = Pick<Shown, 'id' | 'academicYear' | 'seq' | 'printLanguage' | 'organisation' | 'student' | 'endDate'>;

export class EvaluationLinkService extends Service {
  constructor(deps: ServiceDeps, private readonly evaluations: EvaluationService) {
    super(deps);
  }

  private get agreements() {
    return this.evaluations.agreements;
  }

  /** The agreement's company tutor: the contact's address and name, and whether they have an account. */
  private async tutor(db: DbOrTx, companyTutorId: number | null) {
    if (!companyTutorId) return null;
    const c = await db.contact.findUnique({ where: { id: companyTutorId }, select: { email: true, firstName: true, user: { select: { email: true, firstName: true, locale: true, active: true } } } });
    return c ? { email: c.email, firstName: c.firstName, user: c.user?.active ? c.user : null } : null;
  }

  /** Writes a new link for `email` and its mail, in `tx`. */
  private async mailLink(tx: Tx, a: Mailed, to: { email: string; firstName: string }, now: Date) {
    const { token, hash } = newToken();
    await tx.evaluationLink.create({ data: { agreementId: a.id, email: to.email, tokenHash: hash, createdAt: now, expiresAt: new Date(now.getTime() + EVALUATION_LINK_DAYS * DAY_MS) } });
    await queueEmail(tx, {
      to: to.email,
      template: 'evaluation-link',
      // The tutor's best-known language: the agreement's print language when the site speaks it.
      locale: isLocale(a.printLanguage) ? a.printLanguage : 'fr',
      data: { firstName: to.firstName, number: agreementNumber(a), student: `${a.student.user.firstName} ${a.student.user.lastName}`, organisation: a.organisation.legalName, due: a.endDate, link: `${this.baseUrl}/evaluate/${token}`, days: EVALUATION_LINK_DAYS },
    });
  }

  /** Refuses a new link when one went to the agreement a moment ago. */
  private async notTooSoon(tx: Tx, agreementId: number, now: Date) {
    const last = await tx.evaluationLink.findFirst({ where: { agreementId }, orderBy: { createdAt: 'desc' }, select: { createdAt: true } });
    if (last && now.getTime() - last.createdAt.getTime() < RESEND_EVERY_MS) throw new ValidationError({ _form: 'evaluations.errors.tooSoon' });
  }

  /** WRITE staff of the managing centre or the academic tutor send the tutor a (new) link, while the evaluation is open and not sent. */
  async send(act: Act<Actor>, agreementId: number): Promise<{ to: string }> {
    const a = await this.agreements.show(act.actor, agreementId);
    const roles = await evaluationRoles(this.db, act.actor, a);
    if (!roles.centreWrite && !roles.academicTutor) throw forbidden();
    if (!(await this.evaluations.isOpen(a, 'COMPANY', act.now))) throw new ValidationError({ _form: 'evaluations.errors.notOpen' });
    const to = await this.tutor(this.db, a.companyTutorId);
    if (!to?.email) throw new ValidationError({ _form: 'evaluations.errors.noTutorAddress' });
    const email = to.email;
    await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${agreementId} FOR UPDATE`;
      if (await tx.evaluation.findUnique({ where: { agreementId_kind: { agreementId, kind: 'COMPANY' } }, select: { id: true } })) throw new ValidationError({ _form: 'evaluations.errors.alreadySent' });
      await this.notTooSoon(tx, agreementId, act.now);
      await this.mailLink(tx, a, { email, firstName: to.firstName }, act.now);
      await audit(tx, { actorId: act.actor.id, action: 'evaluation.link', entityType: 'Agreement', entityId: agreementId, after: { to: maskEmail(email) }, requestId: act.requestId });
    });
    return { to: maskEmail(email) };
  }

  /**
   * The job: each internship whose company tutor's evaluation has opened (its step no longer waiting)
   * and is not sent: the tutor is mailed once — a sign-in link with an account, else a fresh
   * single-use link to the contact's address. Returns how many were mailed.
   */
  async openDue(act: SystemAct): Promise<number> {
    const today = todayIn(act.now);
    // Opened (10 days before the end) and not past the last link's validity after the end.
    const candidates = await this.db.agreement.findMany({
      where: { status: 'VALIDATED', companyTutorId: { not: null }, endDate: { lte: today.addDays(10).toDb(), gte: today.addDays(-EVALUATION_LINK_DAYS).toDb() }, evaluations: { none: { kind: 'COMPANY' } } },
      select: { id: true, sheetId: true, validatedAt: true, status: true, programmeId: true, organisationId: true, startDate: true, endDate: true, schedule: true, interruptions: true, holidaysCountry: true },
    });
    const facts = await factsOf(this.db, candidates);
    let mailed = 0;
    for (const c of candidates) {
      const step = stepStates(facts.get(c.id)!, today).steps.find((s) => s.code === 'companyEvaluation');
      if (!step || (step.state !== 'todo' && step.state !== 'late')) continue;
      mailed += await this.db.$transaction((tx) => this.openOne(tx, c.id, act.now));
    }
    return mailed;
  }

  private async openOne(tx: Tx, agreementId: number, now: Date): Promise<number> {
    await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${agreementId} FOR UPDATE`;
    if (await tx.evaluation.findUnique({ where: { agreementId_kind: { agreementId, kind: 'COMPANY' } }, select: { id: true } })) return 0;
    const a = await this.agreements.byLink(agreementId);
    if (!(await this.evaluations.isOpen(a, 'COMPANY', now))) return 0;
    const to = await this.tutor(tx, a.companyTutorId);
    if (!to) return 0;
    if (to.user) {
      const sent = await queueEmail(tx, {
        to: to.user.email,
        template: 'evaluation-open',
        locale: isLocale(to.user.locale) ? to.user.locale : 'fr',
        data: { firstName: to.user.firstName, number: agreementNumber(a), student: `${a.student.user.firstName} ${a.student.user.lastName}`, due: a.endDate, link: `${this.baseUrl}/agreements/${a.id}/evaluations/company` },
        dedupeKey: `evaluation-open:${agreementId}`,
      });
      return sent ? 1 : 0;
    }
    // Without an account: a link, unless one already went (by the job or the centre).
    if (!to.email || (await tx.evaluationLink.findFirst({ where: { agreementId }, select: { id: true } }))) return 0;
    await this.mailLink(tx, a, { email: to.email, firstName: to.firstName }, now);
    return 1;
  }

  /** What a link leads to now; an unknown token is a 404. */
  async state(token: string, now: Date, db: DbOrTx = this.db): Promise<LinkState> {
    const link = await db.evaluationLink.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, agreementId: true, email: true, expiresAt: true, usedAt: true } });
    if (!link) throw notFound();
    const a = await this.agreements.byLink(link.agreementId);
    const ev = await db.evaluation.findUnique({ where: { agreementId_kind: { agreementId: a.id, kind: 'COMPANY' } }, select: { submittedAt: true } });
    if (link.usedAt) return { kind: 'used', a, sentAt: ev?.submittedAt ?? link.usedAt };
    if (ev) return { kind: 'sent', a, sentAt: ev.submittedAt };
    // The tutor changed since (or their address): the link no longer speaks for the host.
    const to = await this.tutor(db, a.companyTutorId);
    if (!to?.email || to.email.toLowerCase() !== link.email.toLowerCase()) return { kind: 'closed', a };
    if (link.expiresAt <= now) return { kind: 'expired', a, to: maskEmail(link.email) };
    if (!(await this.evaluations.isOpen(a, 'COMPANY', now))) return (await this.evaluations.steps(a, now)).kept ? { kind: 'notYet', a } : { kind: 'closed', a };
    return { kind: 'valid', a, linkId: link.id };
  }

  /** The link's page: its state and, while valid, the form in use. */
  async page(token: string, now: Date) {
    const state = await this.state(token, now);
    return { state, form: state.kind === 'valid' ? await currentForm(this.db, state.a.centreId, 'COMPANY') : null };
  }

  /** The evaluation sent from a valid link: its version of the form, the link used, all at once. */
  async submit(token: string, now: Date, body: Record<string, unknown>, requestId: string | null) {
    const s = await this.state(token, now);
    if (s.kind !== 'valid') throw new ValidationError({ _form: 'evaluations.errors.linkClosed' });
    const form = await currentForm(this.db, s.a.centreId, 'COMPANY');
    const input = readInput(form.definition, body, true);
    await this.db.$transaction(async (tx) => {
      // Read again under the agreement's lock (record takes it first): two clicks send once.
      await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${s.a.id} FOR UPDATE`;
      const again = await this.state(token, now, tx);
      if (again.kind !== 'valid') throw new ValidationError({ _form: 'evaluations.errors.linkClosed' });
      await this.evaluations.record(tx, { actorId: null, requestId, now }, s.a, 'COMPANY', form.id, input, s.linkId);
    });
  }

  /** An expired link: a new one to the same address (never another); the page shows it masked. */
  async renew(token: string, now: Date, requestId: string | null): Promise<{ to: string }> {
    const s = await this.state(token, now);
    if (s.kind !== 'expired') throw new ValidationError({ _form: s.kind === 'valid' ? 'evaluations.errors.stillValid' : 'evaluations.errors.linkClosed' });
    const link = await this.db.evaluationLink.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, select: { email: true } });
    const to = await this.tutor(this.db, s.a.companyTutorId);
    await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${s.a.id} FOR UPDATE`;
      await this.notTooSoon(tx, s.a.id, now);
      // The old link's address, whatever is typed or changed elsewhere: state() checked it is still the tutor's.
      await this.mailLink(tx, s.a, { email: link.email, firstName: to?.firstName ?? '' }, now);
      await audit(tx, { actorId: null, action: 'evaluation.linkRenew', entityType: 'Agreement', entityId: s.a.id, after: { to: maskEmail(link.email) }, requestId });
    });
    return { to: maskEmail(link.email) };
  }
}
