// The experience feedback (issue 14): the student writes it during the internship and until the
// defence; marked shareable, it waits for the programme manager's moderation, then later students
// read it — without its author's name — on the organisation's page and on its offers.
import { Service, type Act, type ServiceDeps } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import { pager } from '../../http/pagination.js';
import { CalendarDate, todayIn } from '../../time/calendar.js';
import type { AgreementService } from '../agreements/agreements.service.js';
import type { JournalService } from './journal.service.js';

type Shown = Awaited<ReturnType<AgreementService['show']>>;

export interface FeedbackInput {
  workConditions: string;
  environment: string;
  supervision: string;
  advice: string;
  recommend: boolean;
  wishKnown: string | null;
  shareable: boolean;
}

/** How many shared feedbacks an organisation's page or offer shows. */
export const SHARED_SHOWN = 5;

const managed = (actor: Actor) => actor.academic.filter((r) => r.kind === 'PROGRAMME_MANAGER' && r.programmeId !== null).map((r) => r.programmeId!);

export class FeedbackService extends Service {
  constructor(deps: ServiceDeps, private readonly agreements: AgreementService, private readonly journal: JournalService) {
    super(deps);
  }

  /** What the follow-up page shows: the feedback, and whether the actor (the student) writes it now. */
  async state(actor: Actor, a: Shown, now: Date, kept?: boolean) {
    const row = await this.db.experienceFeedback.findUnique({ where: { agreementId: a.id } });
    const mine = actor.student?.profileId === a.studentId;
    const open = (kept ?? (await this.journal.isOpen(a))) && !todayIn(now).isBefore(CalendarDate.fromDb(a.startDate));
    return { row, mayWrite: mine && open, open };
  }

  /** The student's feedback, written or rewritten; shareable, it goes (back) to moderation. */
  async save(act: Act, agreementId: number, input: FeedbackInput) {
    const a = await this.agreements.show(act.actor, agreementId);
    const s = await this.state(act.actor, a, act.now);
    if (act.actor.student?.profileId !== a.studentId) throw forbidden();
    if (!s.mayWrite) throw new ValidationError({ _form: 'followup.feedback.errors.closed' });
    const data = { ...input, moderation: input.shareable ? ('PENDING' as const) : null, moderatedAt: null, moderatedById: null, moderationNote: null, submittedAt: act.now };
    await this.db.$transaction(async (tx) => {
      await tx.experienceFeedback.upsert({ where: { agreementId }, create: { agreementId, ...data }, update: data });
      await audit(tx, { actorId: act.actor.id, action: 'feedback.save', entityType: 'Agreement', entityId: agreementId, after: { shareable: input.shareable, recommend: input.recommend }, requestId: act.requestId });
    });
  }

  /** The shareable feedback waiting for the actor's moderation (their programmes), oldest first. */
  async pending(actor: Actor, pageNo: number) {
    const where = { moderation: 'PENDING' as const, agreement: { programmeId: { in: managed(actor) } } };
    const total = await this.db.experienceFeedback.count({ where });
    const p = pager(pageNo, total);
    const items = await this.db.experienceFeedback.findMany({
      where,
      orderBy: [{ submittedAt: 'asc' }, { agreementId: 'asc' }],
      skip: p.skip,
      take: p.size,
      include: { agreement: { select: { id: true, academicYear: true, seq: true, organisation: { select: { legalName: true } }, student: { select: { user: { select: { firstName: true, lastName: true } } } } } } },
    });
    return { pager: p, items };
  }

  /** The programme manager's decision on a shareable feedback of their programme (404 otherwise). */
  async moderate(act: Act, agreementId: number, decision: 'APPROVED' | 'REJECTED', note: string | null) {
    const row = await this.db.experienceFeedback.findFirst({ where: { agreementId, moderation: { not: null }, agreement: { programmeId: { in: managed(act.actor) } } }, select: { agreementId: true } });
    if (!row) throw notFound();
    await this.db.$transaction(async (tx) => {
      await tx.experienceFeedback.update({ where: { agreementId }, data: { moderation: decision, moderatedAt: act.now, moderatedById: act.actor.id, moderationNote: note } });
      await audit(tx, { actorId: act.actor.id, action: 'feedback.moderate', entityType: 'Agreement', entityId: agreementId, after: { decision }, requestId: act.requestId });
    });
  }

  /** The approved feedback about an organisation, newest first, without its authors' names. */
  shared(organisationId: number) {
    return this.db.experienceFeedback.findMany({
      where: { moderation: 'APPROVED', agreement: { organisationId } },
      orderBy: [{ submittedAt: 'desc' }, { agreementId: 'desc' }],
      take: SHARED_SHOWN,
      select: { workConditions: true, environment: true, supervision: true, advice: true, recommend: true, wishKnown: true, submittedAt: true, agreement: { select: { academicYear: true, programme: { select: { name: true } } } } },
    });
  }
}
