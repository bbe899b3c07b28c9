// "Demandes de stage": a student's own internship requests. At most MAX_OPEN_REQUESTS are OPEN at
// once; the limit is checked inside the transaction that creates (or reopens) one, with the
// student's profile row locked so two concurrent submissions cannot both pass.
import { CalendarDate, dayOf, todayIn } from '../../time/calendar.js';
import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import type { Tx } from '../../db/client.js';
import { notFound, ValidationError } from '../../errors.js';
import { MAX_OPEN_REQUESTS, type RequestInput } from './requests.schemas.js';

export class RequestsService extends Service {

  private studentId(actor: Actor): number {
    if (!actor.student) throw notFound();
    return actor.student.profileId;
  }

  /** The student's requests, open ones first, newest first; each with the (Paris) day it was made. */
  async listOwn(actor: Actor) {
    const studentId = this.studentId(actor);
    const rows = await this.db.internshipRequest.findMany({ where: { studentId }, orderBy: [{ status: 'asc' }, { createdAt: 'desc' }, { id: 'desc' }] });
    const items = rows.map((r) => ({ ...r, createdOn: dayOf(r.createdAt) }));
    const open = items.filter((r) => r.status === 'OPEN').length;
    return { items, open, max: MAX_OPEN_REQUESTS, full: open >= MAX_OPEN_REQUESTS };
  }

  async openCount(actor: Actor) {
    return this.db.internshipRequest.count({ where: { studentId: this.studentId(actor), status: 'OPEN' } });
  }

  /** One of the student's own requests; anyone else's is a 404. */
  async getOwn(actor: Actor, id: number) {
    const row = await this.db.internshipRequest.findFirst({ where: { id, studentId: this.studentId(actor) } });
    if (!row) throw notFound();
    return row;
  }

  private async lockAndCheckLimit(tx: Tx, studentId: number) {
    await tx.$queryRaw`SELECT id FROM "StudentProfile" WHERE id = ${studentId} FOR UPDATE`;
    const open = await tx.internshipRequest.count({ where: { studentId, status: 'OPEN' } });
    if (open >= MAX_OPEN_REQUESTS) throw new ValidationError({ _form: `requests.errors.limit|${MAX_OPEN_REQUESTS}` });
  }

  async create(act: Act, input: RequestInput) {
    const studentId = this.studentId(act.actor);
    return this.db.$transaction(async (tx) => {
      await this.lockAndCheckLimit(tx, studentId);
      refusePastAvailability(input.availableFrom, null, act.now);
      const created = await tx.internshipRequest.create({ data: { ...input, studentId, createdAt: act.now } });
      await audit(tx, { actorId: act.actor.id, action: 'request.create', entityType: 'InternshipRequest', entityId: created.id, after: created, requestId: act.requestId });
      return created;
    });
  }

  async update(act: Act, id: number, input: RequestInput) {
    const studentId = this.studentId(act.actor);
    return this.db.$transaction(async (tx) => {
      const before = await tx.internshipRequest.findFirst({ where: { id, studentId } });
      if (!before) throw notFound();
      refusePastAvailability(input.availableFrom, before.availableFrom, act.now);
      const after = await tx.internshipRequest.update({ where: { id }, data: input });
      await audit(tx, { actorId: act.actor.id, action: 'request.update', entityType: 'InternshipRequest', entityId: id, before, after, requestId: act.requestId });
      return after;
    });
  }

  async remove(act: Act, id: number) {
    const studentId = this.studentId(act.actor);
    return this.db.$transaction(async (tx) => {
      const before = await tx.internshipRequest.findFirst({ where: { id, studentId } });
      if (!before) throw notFound();
      await tx.internshipRequest.delete({ where: { id } });
      await audit(tx, { actorId: act.actor.id, action: 'request.delete', entityType: 'InternshipRequest', entityId: id, before, requestId: act.requestId });
      return before;
    });
  }

  /** Closing frees a slot; reopening takes one (and is refused when none is left). */
  async setStatus(act: Act, id: number, status: 'OPEN' | 'CLOSED') {
    const studentId = this.studentId(act.actor);
    return this.db.$transaction(async (tx) => {
      const before = await tx.internshipRequest.findFirst({ where: { id, studentId } });
      if (!before) throw notFound();
      if (before.status === status) return before;
      if (status === 'OPEN') await this.lockAndCheckLimit(tx, studentId);
      const after = await tx.internshipRequest.update({ where: { id }, data: { status } });
      await audit(tx, {
        actorId: act.actor.id,
        action: status === 'OPEN' ? 'request.reopen' : 'request.close',
        entityType: 'InternshipRequest',
        entityId: id,
        before: { status: before.status },
        after: { status },
        requestId: act.requestId,
      });
      return after;
    });
  }
}

/**
 * An availability date is a day to come: a past day is refused (not silently read as "now"),
 * unless it is the one the request already had (an old request edited for something else).
 */
function refusePastAvailability(day: Date | null, current: Date | null, now: Date) {
  if (!day || (current && current.getTime() === day.getTime())) return;
  if (CalendarDate.fromDb(day).isBefore(todayIn(now))) throw new ValidationError({ availableFrom: 'requests.errors.pastDate' });
}
