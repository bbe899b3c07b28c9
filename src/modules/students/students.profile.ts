import { audit } from '../../audit/audit.js';
import type { Act } from '../../act.js';
import { Service } from '../../act.js';
import type { Actor } from '../../authz/actor.js';
import { notFound } from '../../errors.js';
import { fileSummary, storeFile, type CheckedFile } from '../../files/upload.js';
import { auditedProfile, fileBytes, present, studentInclude } from './students.records.js';
import type { ProfileInput } from './students.schemas.js';

/** The student's own profile and CV: only ever their own record, everything in clear. */
export class OwnProfileService extends Service {
  private ownId(actor: Actor): number {
    if (!actor.student) throw notFound();
    return actor.student.profileId;
  }

  async ownProfile(actor: Actor) {
    const row = await this.db.studentProfile.findUnique({ where: { id: this.ownId(actor) }, include: studentInclude });
    if (!row) throw notFound();
    return { student: present(row, true), ssn: row.ssn };
  }

  async updateProfile(act: Act, input: ProfileInput) {
    const id = this.ownId(act.actor);
    const { phone, ...fields } = input;
    return this.db.$transaction(async (tx) => {
      const before = await tx.studentProfile.findUniqueOrThrow({ where: { id }, include: { user: { select: { phone: true } } } });
      const after = await tx.studentProfile.update({ where: { id }, data: fields });
      const user = await tx.user.update({ where: { id: before.userId }, data: { phone }, select: { phone: true } });
      await audit(tx, {
        actorId: act.actor.id,
        action: 'student.profile.update',
        entityType: 'StudentProfile',
        entityId: id,
        before: auditedProfile(before),
        after: { ...auditedProfile(after), user },
        requestId: act.requestId,
      });
      return after;
    });
  }

  /** Stores the (content-checked) CV and makes it the student's; the previous file row is kept. */
  async setCv(act: Act, file: CheckedFile) {
    const id = this.ownId(act.actor);
    return this.db.$transaction(async (tx) => {
      const before = await tx.studentProfile.findUniqueOrThrow({ where: { id }, select: { cvFileId: true } });
      const stored = await storeFile(tx, file, act.actor.id);
      await tx.studentProfile.update({ where: { id }, data: { cvFileId: stored.id } });
      await audit(tx, {
        actorId: act.actor.id,
        action: 'student.cv',
        entityType: 'StudentProfile',
        entityId: id,
        before,
        after: { cvFileId: stored.id, ...fileSummary(stored) },
        requestId: act.requestId,
      });
      return stored;
    });
  }

  /** Withdraws the CV from the profile (the file row stays, for the audit trail). */
  async removeCv(act: Act) {
    const id = this.ownId(act.actor);
    return this.db.$transaction(async (tx) => {
      const before = await tx.studentProfile.findUniqueOrThrow({ where: { id }, select: { cvFileId: true } });
      if (!before.cvFileId) return false;
      await tx.studentProfile.update({ where: { id }, data: { cvFileId: null } });
      await audit(tx, { actorId: act.actor.id, action: 'student.cv.remove', entityType: 'StudentProfile', entityId: id, before, after: { cvFileId: null }, requestId: act.requestId });
      return true;
    });
  }

  async ownCv(actor: Actor) {
    const row = await this.db.studentProfile.findUnique({ where: { id: this.ownId(actor) }, select: { cvFileId: true } });
    if (!row?.cvFileId) throw notFound();
    return fileBytes(this.db, row.cvFileId);
  }
}
