// The mid-term report (issue 14): it opens on the day half of the presence hours is reached (the
// job writes its row and mails the student that day; the page opens it too from that day, should the
// job not have run), the student fills and sends it, each tutor acknowledges it.
import { Service, type Act, type ServiceDeps, type SystemAct } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import { ValidationError, WrongStateError, forbidden } from '../../errors.js';
import { isLocale } from '../../i18n/index.js';
import { halfPresenceDay } from '../../legal/presence.js';
import { queueEmail } from '../../mail/outbox.js';
import { CalendarDate, todayIn } from '../../time/calendar.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { interruptionsOf, scheduleOf } from '../agreements/agreements.legal.js';
import type { AgreementService, Told } from '../agreements/agreements.service.js';
import type { JournalService } from './journal.service.js';
import { MIDTERM_WORKFLOW, type MidtermAction, type MidtermRecord } from './midterm.workflow.js';

type Shown = Awaited<ReturnType<AgreementService['show']>>;
export type Dated = Pick<Shown, 'startDate' | 'endDate' | 'schedule' | 'interruptions' | 'holidaysCountry'>;

/** The day the report opens: half of the presence hours (else the first day). */
export function midtermOpensOn(a: Dated): CalendarDate {
  const start = CalendarDate.fromDb(a.startDate);
  return halfPresenceDay({ start, end: CalendarDate.fromDb(a.endDate), schedule: scheduleOf(a.schedule), interruptions: interruptionsOf(a.interruptions), holidaysCountry: a.holidaysCountry }) ?? start;
}

export interface MidtermInput {
  achievements: string;
  difficulties: string | null;
  changes: string | null;
  nextSteps: string | null;
}

export class MidtermService extends Service {
  constructor(deps: ServiceDeps, private readonly agreements: AgreementService, private readonly journal: JournalService) {
    super(deps);
  }

  private async record(a: Shown, r: { status: MidtermRecord['status']; companyAckAt: Date | null; academicAckAt: Date | null }): Promise<MidtermRecord> {
    const tutor = a.companyTutor ?? null;
    return { status: r.status, studentId: a.studentId, centreId: a.centreId, companyTutorUserId: tutor?.userId ?? null, academicTutorId: a.academicTutorId, companyAckAt: r.companyAckAt, academicAckAt: r.academicAckAt };
  }

  /** What the follow-up page shows: when it opens, the report, the actor's actions. */
  async state(actor: Actor, a: Shown, now: Date, kept?: boolean) {
    const opensOn = midtermOpensOn(a);
    kept ??= await this.journal.isOpen(a);
    const report = await this.db.midtermReport.findUnique({ where: { agreementId: a.id }, include: { companyAckBy: { select: { firstName: true, lastName: true } }, academicAckBy: { select: { firstName: true, lastName: true } } } });
    const open = kept && !todayIn(now).isBefore(opensOn);
    const record = await this.record(a, report ?? { status: 'OPEN', companyAckAt: null, academicAckAt: null });
    return { kept, opensOn, open, report, actions: open ? MIDTERM_WORKFLOW.availableActions(actor, record) : [] };
  }

  /** The student sends the report (it opens now if the job has not opened it yet). */
  async submit(act: Act, agreementId: number, input: MidtermInput) {
    return this.act(act, agreementId, 'submit', { ...input, submittedAt: act.now });
  }

  /** A tutor acknowledges the sent report, with an optional comment. */
  async acknowledge(act: Act, agreementId: number, action: 'acknowledgeCompany' | 'acknowledgeAcademic', comment: string | null) {
    const data = action === 'acknowledgeCompany' ? { companyAckAt: act.now, companyAckById: act.actor.id, companyComment: comment } : { academicAckAt: act.now, academicAckById: act.actor.id, academicComment: comment };
    return this.act(act, agreementId, action, data);
  }

  private async act(act: Act, agreementId: number, action: MidtermAction, data: Record<string, unknown>) {
    const a = await this.agreements.show(act.actor, agreementId);
    const opensOn = midtermOpensOn(a);
    if (!(await this.journal.isOpen(a))) throw new ValidationError({ _form: 'followup.midterm.errors.notKept' });
    if (todayIn(act.now).isBefore(opensOn)) throw new ValidationError({ _form: 'followup.midterm.errors.notYet' });
    await this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${agreementId} FOR UPDATE`;
      const row = (await tx.midtermReport.findUnique({ where: { agreementId } })) ?? (await tx.midtermReport.create({ data: { agreementId, opensOn: opensOn.toDb(), openedAt: act.now } }));
      const record = await this.record(a, row);
      if (!MIDTERM_WORKFLOW.can(act.actor, record, action)) {
        // The right person at the wrong moment (already sent, already acknowledged) is a 422; anyone else a 403.
        const party = action === 'submit' ? 'student' : action === 'acknowledgeCompany' ? 'companyTutor' : 'academicTutor';
        const { parties } = MIDTERM_WORKFLOW.def;
        // The centre's WRITE staff speak for a company tutor without an account.
        const forTutor = action === 'acknowledgeCompany' && record.companyTutorUserId === null && parties.centreWriter(act.actor, record);
        if (parties[party](act.actor, record) || forTutor) throw new WrongStateError(action, record.status);
        throw forbidden();
      }
      await MIDTERM_WORKFLOW.apply(tx, {
        act,
        record,
        id: agreementId,
        action,
        write: (status) => tx.midtermReport.update({ where: { agreementId }, data: { ...data, status } }),
        recipients: (who) => this.agreements.recipients(tx, who as Told, a),
        mail: (_t, u) => ({ firstName: u.firstName, number: agreementNumber(a), student: `${a.student.user.firstName} ${a.student.user.lastName}`, action, link: `${this.baseUrl}/agreements/${a.id}/follow-up#midterm` }),
        audit: { before: { agreementId } },
      });
    });
  }

  /**
   * The job: each internship under way whose half-way day has come, kept in follow-up and without a
   * report yet, gets its report opened and its student mailed, once (the row is the mark). Returns how many.
   */
  async openDue(act: SystemAct): Promise<number> {
    const today = todayIn(act.now);
    const candidates = await this.db.agreement.findMany({
      where: { status: 'VALIDATED', startDate: { lte: today.toDb() }, endDate: { gte: today.toDb() }, midtermReport: { is: null } },
      select: { id: true, startDate: true, endDate: true, schedule: true, interruptions: true, holidaysCountry: true },
    });
    let opened = 0;
    for (const c of candidates) {
      const opensOn = midtermOpensOn(c);
      if (today.isBefore(opensOn)) continue;
      opened += await this.db.$transaction((tx) => this.openOne(tx, c.id, opensOn, act.now));
    }
    return opened;
  }

  private async openOne(tx: Tx, agreementId: number, opensOn: CalendarDate, now: Date): Promise<number> {
    await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${agreementId} FOR UPDATE`;
    if (await tx.midtermReport.findUnique({ where: { agreementId }, select: { agreementId: true } })) return 0;
    const a = await this.agreements.byLink(agreementId);
    // Kept in follow-up: the centre keeps it for all, or the agreement follows the label.
    if (!(await this.journal.isOpen(a))) return 0;
    const student = await tx.studentProfile.findUniqueOrThrow({ where: { id: a.studentId }, select: { user: { select: { id: true, email: true, firstName: true, locale: true, active: true } } } });
    await tx.midtermReport.create({ data: { agreementId, opensOn: opensOn.toDb(), openedAt: now } });
    if (student.user.active) {
      await queueEmail(tx, {
        to: student.user.email,
        template: 'midterm-open',
        locale: isLocale(student.user.locale) ? student.user.locale : 'fr',
        data: { firstName: student.user.firstName, number: agreementNumber(a), link: `${this.baseUrl}/agreements/${a.id}/follow-up#midterm` },
        dedupeKey: `midterm-open:${agreementId}`,
      });
    }
    return 1;
  }
}
