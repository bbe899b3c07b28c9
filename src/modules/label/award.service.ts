// The label award (issue 14): once every mandatory step of the step table is done, the programme
// manager of the agreement's programme awards the label — a certificate with a verification code
// anyone can check at /label/verify/<code> — or refuses it with a reason; an awarded label may be
// withdrawn later (the code then verifies as withdrawn). The steps are read from the step table
// (factsOf + stepStates), never listed here.
import { Service, type Act, type ServiceDeps } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { hasCentreRight } from '../../authz/centres.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { renderLabelCertificatePdf } from '../../documents/index.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import type { LocaleCode } from '../../i18n/index.js';
import { isLocale } from '../../i18n/index.js';
import { queueEmails } from '../../mail/outbox.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import type { AgreementService } from '../agreements/agreements.service.js';
import { readsAcademicRecord } from '../followup/followup.access.js';
import { stepsOf } from '../followup/label.steps.js';
import { awardStatus, LABEL_AWARD_WORKFLOW, type AwardAction } from './award.workflow.js';
import { newLabelCode } from './label.code.js';
import { isCompanyTutor } from '../agreements/agreements.reach.js';

type Shown = Awaited<ReturnType<AgreementService['show']>>;

export class LabelAwardService extends Service {
  constructor(deps: ServiceDeps, private readonly agreements: AgreementService) {
    super(deps);
  }

  /** The programme manager of the agreement's programme. */
  decides(actor: Actor, a: Pick<Shown, 'programmeId'>): boolean {
    return LABEL_AWARD_WORKFLOW.def.parties.programmeManager(actor, { status: 'PENDING', programmeId: a.programmeId });
  }

  /** Who may print the certificate: the student, the programme manager, both tutors, the centre's staff (and the platform's administrator). */
  async readsCertificate(actor: Actor, a: Shown): Promise<boolean> {
    if (actor.student?.profileId === a.studentId || actor.id === a.academicTutorId || this.decides(actor, a) || hasCentreRight(actor, a.centreId, 'READ')) return true;
    return isCompanyTutor(this.db, actor, a);
  }

  /** Whether the agreement follows the label (the award step exists only then) and the mandatory steps not done yet (their codes, in table order). */
  private async readiness(db: DbOrTx, a: Shown, now: Date): Promise<{ follows: boolean; missing: string[] }> {
    const { steps } = await stepsOf(db, a, now);
    return { follows: steps.some((s) => s.code === 'labelAward'), missing: steps.filter((s) => s.mandatory && s.state !== 'done').map((s) => s.code) };
  }

  /** What the follow-up page shows (null when the agreement neither follows the label nor has a decision). */
  async state(actor: Actor, a: Shown, now: Date) {
    if (a.status !== 'VALIDATED') return null;
    const row = await this.db.labelAward.findUnique({ where: { agreementId: a.id }, include: { decidedBy: { select: { firstName: true, lastName: true } } } });
    const { follows, missing } = await this.readiness(this.db, a, now);
    if (!follows && !row) return null;
    const status = awardStatus(row);
    const record = { status, programmeId: a.programmeId };
    const can = (action: AwardAction) => LABEL_AWARD_WORKFLOW.can(actor, record, action);
    const reasons = readsAcademicRecord(actor, a);
    return {
      status,
      tone: LABEL_AWARD_WORKFLOW.stateTone(status),
      decidedAt: row?.decidedAt ?? null,
      decidedBy: row?.decidedBy ?? null,
      withdrawnAt: row?.withdrawnAt ?? null,
      reason: reasons ? (row?.reason ?? null) : null,
      withdrawReason: reasons ? (row?.withdrawReason ?? null) : null,
      code: status === 'AWARDED' ? row!.code : null,
      missing,
      decides: this.decides(actor, a),
      mayAward: follows && missing.length === 0 && can('award'),
      mayRefuse: follows && can('refuse'),
      mayWithdraw: can('withdraw'),
      certificate: status === 'AWARDED' && (await this.readsCertificate(actor, a)),
    };
  }

  /** Awards the label: refused (422) while the agreement does not follow it or a mandatory step is missing. Returns the code. */
  async award(act: Act, agreementId: number): Promise<string> {
    return this.decide(act, agreementId, 'award', async (tx, a) => {
      const { follows, missing } = await this.readiness(tx, a, act.now);
      if (!follows) throw new ValidationError({ _form: 'label.errors.notFollowed' });
      // The page shows the missing steps by name beside this message (views/followup/_award.ejs).
      if (missing.length) throw new ValidationError({ _form: 'label.errors.missing' });
      const code = await freshCode(tx);
      await tx.labelAward.create({ data: { agreementId, decision: 'AWARDED', code, decidedAt: act.now, decidedById: act.actor.id } });
      return { code, audit: { code } };
    });
  }

  /** Refuses the label, with the reason mailed to the student. */
  async refuse(act: Act, agreementId: number, reason: string) {
    await this.decide(act, agreementId, 'refuse', async (tx, a) => {
      if (!(await this.readiness(tx, a, act.now)).follows) throw new ValidationError({ _form: 'label.errors.notFollowed' });
      await tx.labelAward.create({ data: { agreementId, decision: 'REFUSED', reason, decidedAt: act.now, decidedById: act.actor.id } });
      return { code: null, reason, audit: { reason } };
    });
  }

  /** Withdraws an awarded label (its code then verifies as withdrawn), with the reason mailed to the student. */
  async withdraw(act: Act, agreementId: number, reason: string) {
    await this.decide(act, agreementId, 'withdraw', async (tx) => {
      const row = await tx.labelAward.update({ where: { agreementId }, data: { withdrawnAt: act.now, withdrawReason: reason } });
      return { code: row.code, reason, audit: { reason } };
    });
  }

  /**
   * One decision in one transaction: the agreement within reach (404), its programme's manager (403),
   * the state (422), then `write`, the audit row and the student's mail — all or nothing.
   */
  private async decide(act: Act, agreementId: number, action: AwardAction, write: (tx: Tx, a: Shown) => Promise<{ code: string | null; reason?: string; audit: Record<string, unknown> }>): Promise<string> {
    const a = await this.agreements.show(act.actor, agreementId);
    if (!this.decides(act.actor, a)) throw forbidden();
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${agreementId} FOR UPDATE`;
      const row = await tx.labelAward.findUnique({ where: { agreementId }, select: { decision: true, withdrawnAt: true } });
      const record = { status: awardStatus(row), programmeId: a.programmeId };
      const transition = LABEL_AWARD_WORKFLOW.require(act.actor, record, action);
      const done = await write(tx, a);
      const to = LABEL_AWARD_WORKFLOW.target(transition, record);
      await audit(tx, { actorId: act.actor.id, action: `label.${action}`, entityType: 'Agreement', entityId: agreementId, before: { status: record.status }, after: { status: to, ...done.audit }, requestId: act.requestId });
      await this.tell(tx, a, transition.tell ?? [], { code: done.code, reason: done.reason ?? null, on: act.now });
      return done.code ?? '';
    });
  }

  /** The mails of the transition's `tell` (the student), once each (dedupe key). */
  private async tell(tx: Tx, a: Shown, tell: readonly { to: 'student' | 'companyTutor' | 'academicTutor'; template: string }[], d: { code: string | null; reason: string | null; on: Date }) {
    const base = this.baseUrl;
    for (const { to, template } of tell) {
      const people = await this.agreements.recipients(tx, to, a);
      await queueEmails(tx, people.map((u) => ({
        to: u.email,
        template,
        locale: isLocale(u.locale) ? u.locale : 'fr',
        data: {
          firstName: u.firstName,
          number: agreementNumber(a),
          organisation: a.organisation.legalName,
          institution: a.institution.name,
          code: d.code,
          reason: d.reason,
          on: d.on,
          link: `${base}/agreements/${a.id}/follow-up#award`,
          certificate: `${base}/agreements/${a.id}/label/certificate.pdf`,
          verify: d.code ? `${base}/label/verify/${d.code}` : null,
        },
        dedupeKey: `${template}:${a.id}:${u.email}`,
      })));
    }
  }

  /** The certificate's PDF in the reader's language: awarded and not withdrawn (404 otherwise). */
  async certificate(actor: Actor, agreementId: number, locale: LocaleCode) {
    const a = await this.agreements.show(actor, agreementId);
    if (!(await this.readsCertificate(actor, a))) throw forbidden();
    const row = await this.db.labelAward.findUnique({ where: { agreementId } });
    if (awardStatus(row) !== 'AWARDED' || !row?.code) throw notFound();
    const bytes = await renderLabelCertificatePdf({
      locale,
      student: `${a.student.user.firstName} ${a.student.user.lastName}`,
      organisation: a.organisation.legalName,
      startDate: a.startDate,
      endDate: a.endDate,
      programme: a.programme?.name ?? null,
      institution: a.institution,
      awardedAt: row.decidedAt,
      code: row.code,
      verifyUrl: `${this.baseUrl}/label/verify/${row.code}`,
    });
    return { bytes, filename: `label-${agreementNumber(a)}.pdf` };
  }

  /** What the public page confirms of a code: the facts of a valid label, the day of a withdrawn one, or nothing. */
  async verify(code: string | null) {
    const row = code
      ? await this.db.labelAward.findUnique({
          where: { code },
          select: {
            decision: true, code: true, decidedAt: true, withdrawnAt: true,
            agreement: { select: { startDate: true, endDate: true, student: { select: { user: { select: { firstName: true, lastName: true } } } }, organisation: { select: { legalName: true } }, programme: { select: { name: true } }, institution: { select: { name: true } } } },
          },
        })
      : null;
    const status = row ? awardStatus(row) : 'PENDING';
    if (!row || (status !== 'AWARDED' && status !== 'WITHDRAWN')) return { kind: 'unknown' as const };
    if (status === 'WITHDRAWN') return { kind: 'withdrawn' as const, code: row.code!, withdrawnAt: row.withdrawnAt! };
    const g = row.agreement;
    return {
      kind: 'valid' as const,
      code: row.code!,
      facts: { student: `${g.student.user.firstName} ${g.student.user.lastName}`, organisation: g.organisation.legalName, startDate: g.startDate, endDate: g.endDate, programme: g.programme?.name ?? null, institution: g.institution.name, awardedAt: row.decidedAt },
    };
  }
}

/** A code no label has yet (60 random bits: a clash is all but impossible, and checked). */
async function freshCode(tx: Tx): Promise<string> {
  for (;;) {
    const code = newLabelCode();
    if (!(await tx.labelAward.findUnique({ where: { code }, select: { agreementId: true } }))) return code;
  }
}
