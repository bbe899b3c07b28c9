// The internship journal ("journal de stage", issue 14): the student writes dated entries during the
// internship (what was done, what was hard); both tutors read them and may comment; an entry flagged
// "difficulté" mails both tutors at once. Open on a validated agreement that follows the label, or on
// any validated one when its centre keeps the follow-up without the label.
import { Service, type Act, type ServiceDeps } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { hasCentreRight } from '../../authz/centres.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import { pager } from '../../http/pagination.js';
import { isLocale } from '../../i18n/index.js';
import { queueEmails } from '../../mail/outbox.js';
import { CalendarDate, todayIn } from '../../time/calendar.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import type { AgreementService } from '../agreements/agreements.service.js';
import type { LabelEnrolmentService } from './label.enrolment.js';
import { isCompanyTutor } from '../agreements/agreements.reach.js';

type Shown = Awaited<ReturnType<AgreementService['show']>>;
export const JOURNAL_PAGE = 10;

export interface JournalRoles {
  /** The student writes. */
  writes: boolean;
  /** The company tutor's account and the academic tutor comment. */
  comments: boolean;
  /** The tutors, the student, the centre's staff and the managers read; a company's other accounts do not. */
  reads: boolean;
}

export class JournalService extends Service {
  constructor(deps: ServiceDeps, private readonly agreements: AgreementService, private readonly label: LabelEnrolmentService) {
    super(deps);
  }

  /** Who the actor is for this journal. */
  async roles(actor: Actor, a: Shown): Promise<JournalRoles> {
    const writes = actor.student?.profileId === a.studentId;
    const companyTutor = await isCompanyTutor(this.db, actor, a);
    const comments = companyTutor || (a.academicTutorId !== null && a.academicTutorId === actor.id);
    const manager = actor.academic.some((r) => (r.kind === 'PROGRAMME_MANAGER' && r.programmeId === a.programmeId) || (r.kind === 'YEAR_MANAGER' && r.studyYearId === a.studyYearId));
    return { writes, comments, reads: writes || comments || manager || hasCentreRight(actor, a.centreId, 'READ') || actor.isPlatformAdmin };
  }

  /** The journal is kept: the agreement validated, and following the label or its centre keeping the follow-up anyway. */
  async isOpen(a: Shown): Promise<boolean> {
    if (a.status !== 'VALIDATED') return false;
    return a.centre.followUpWithoutLabel || (await this.label.follows(a));
  }

  /** One page of entries, newest day first, with their comments. */
  async page(a: Shown, pageNo: number) {
    const total = await this.db.journalEntry.count({ where: { agreementId: a.id } });
    const p = pager(pageNo, total, JOURNAL_PAGE);
    const entries = await this.db.journalEntry.findMany({
      where: { agreementId: a.id },
      orderBy: [{ day: 'desc' }, { id: 'desc' }],
      skip: p.skip,
      take: p.size,
      include: { comments: { orderBy: { createdAt: 'asc' }, include: { author: { select: { firstName: true, lastName: true } } } } },
    });
    return { pager: p, entries };
  }

  /** The student's entry: a day of the internship not in the future; a difficulty mails both tutors in the same transaction. */
  async add(act: Act, agreementId: number, input: { day: CalendarDate; done: string; hard: string | null; difficulty: boolean }) {
    const a = await this.agreements.show(act.actor, agreementId);
    if (!(await this.roles(act.actor, a)).writes) throw forbidden();
    if (!(await this.isOpen(a))) throw new ValidationError({ _form: 'followup.journal.errors.closed' });
    const start = CalendarDate.fromDb(a.startDate);
    const end = CalendarDate.fromDb(a.endDate);
    if (input.day.isBefore(start) || end.isBefore(input.day)) throw new ValidationError({ day: 'followup.journal.errors.outside' });
    if (todayIn(act.now).isBefore(input.day)) throw new ValidationError({ day: 'followup.journal.errors.future' });
    return this.db.$transaction(async (tx) => {
      const e = await tx.journalEntry.create({ data: { agreementId, day: input.day.toDb(), done: input.done, hard: input.hard, difficulty: input.difficulty, createdAt: act.now } });
      await audit(tx, { actorId: act.actor.id, action: 'journal.entry', entityType: 'Agreement', entityId: agreementId, after: { entryId: e.id, difficulty: input.difficulty }, requestId: act.requestId });
      if (input.difficulty) {
        const tutors = [...(await this.agreements.recipients(tx, 'companyTutor', a)), ...(await this.agreements.recipients(tx, 'academicTutor', a))];
        await queueEmails(tx, tutors.map((u) => ({
          to: u.email,
          template: 'journal-difficulty',
          locale: isLocale(u.locale) ? u.locale : 'fr',
          data: { firstName: u.firstName, student: `${a.student.user.firstName} ${a.student.user.lastName}`, number: agreementNumber(a), day: input.day.toDb(), hard: input.hard ?? '', link: `${this.baseUrl}/agreements/${a.id}/follow-up#entry-${e.id}` },
          dedupeKey: `journal-difficulty:${e.id}:${u.email}`,
        })));
      }
      return e;
    });
  }

  /** A tutor's comment on an entry of the agreement (404 for an entry of another one). */
  async comment(act: Act, agreementId: number, entryId: number, text: string) {
    const a = await this.agreements.show(act.actor, agreementId);
    if (!(await this.roles(act.actor, a)).comments) throw forbidden();
    const entry = await this.db.journalEntry.findFirst({ where: { id: entryId, agreementId }, select: { id: true } });
    if (!entry) throw notFound();
    await this.db.$transaction(async (tx) => {
      const c = await tx.journalComment.create({ data: { entryId, authorId: act.actor.id, text, createdAt: act.now } });
      await audit(tx, { actorId: act.actor.id, action: 'journal.comment', entityType: 'Agreement', entityId: agreementId, after: { entryId, commentId: c.id }, requestId: act.requestId });
    });
  }
}
