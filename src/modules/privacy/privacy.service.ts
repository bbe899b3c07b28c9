// Personal data (issue 15): the privacy page's facts, one's own data as a download, the retention
// periods and their job, the erasure of an account on request.
import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { notFound } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { erase, erasurePreview } from './erasure.js';
import { collectUserData } from './export.data.js';
import { exportArchive } from './export.zip.js';
import { runRetention } from './retention.job.js';
import { periodsOf, readPeriods, RETENTION_KINDS, type Periods, type RetentionInput } from './retention.policy.js';

/** The institutions an actor belongs to: a student's, a centre's, a programme's or study year's. */
function institutionsOf(actor: Actor | null): Prisma.InstitutionWhereInput | null {
  if (!actor) return null;
  const programmes = actor.academic.map((a) => a.programmeId).filter((id): id is number => id !== null);
  const years = actor.academic.map((a) => a.studyYearId).filter((id): id is number => id !== null);
  const or: Prisma.InstitutionWhereInput[] = [];
  if (actor.student) or.push({ id: actor.student.institutionId });
  if (actor.centres.size) or.push({ centres: { some: { id: { in: [...actor.centres.keys()] } } } });
  if (programmes.length || years.length) or.push({ programmes: { some: { OR: [{ id: { in: programmes } }, { studyYears: { some: { id: { in: years } } } }] } } });
  return or.length ? { OR: or } : null;
}

export class PrivacyService extends Service {
  /**
   * The privacy page: the periods in force and whom to write to — the contact of the signed-in
   * person's own institution(s) when one is set, otherwise every institution's that is.
   */
  async page(actor: Actor | null) {
    const withContact = { dataProtectionContact: { not: null } } satisfies Prisma.InstitutionWhereInput;
    const select = { id: true, name: true, dataProtectionContact: true } as const;
    const own = institutionsOf(actor);
    const mine = own ? await this.db.institution.findMany({ where: { AND: [own, withContact] }, select, orderBy: [{ name: 'asc' }, { id: 'asc' }] }) : [];
    const contacts = mine.length ? mine : await this.db.institution.findMany({ where: withContact, select, orderBy: [{ name: 'asc' }, { id: 'asc' }] });
    return { periods: await readPeriods(this.db), contacts: contacts.filter((c) => c.dataProtectionContact?.trim()), own: mine.length > 0 };
  }

  periods(): Promise<Periods> {
    return readPeriods(this.db);
  }

  /** Saves the four periods at once, with the before and after in the audit row. */
  async savePeriods(act: Act, input: RetentionInput) {
    const after = periodsOf(input);
    await this.db.$transaction(async (tx) => {
      const before = await readPeriods(tx);
      for (const kind of RETENTION_KINDS) {
        await tx.retentionPolicy.upsert({ where: { kind }, create: { kind, months: after[kind], updatedById: act.actor.id }, update: { months: after[kind], updatedById: act.actor.id } });
      }
      await audit(tx, { actorId: act.actor.id, action: 'retention.update', entityType: 'RetentionPolicy', entityId: 'all', before, after, requestId: act.requestId });
    });
  }

  /** The signed-in person's data as a ZIP stream; the download itself is audited (who asked, when). */
  async exportData(act: Act) {
    const collected = await collectUserData(this.db, act.actor.id);
    if (!collected) throw notFound();
    await audit(this.db, { actorId: act.actor.id, action: 'privacy.export', entityType: 'User', entityId: act.actor.id, after: { files: collected.fileIds.length }, requestId: act.requestId });
    return exportArchive(this.db, { exportedAt: act.now, ...collected.data }, collected.fileIds);
  }

  erasure(act: Act, userId: number) {
    return erasurePreview(this.db, act.actor, userId, act.now);
  }

  erase(act: Act, userId: number) {
    return erase(this.db, act, userId);
  }

  /** The daily job (src/jobs/index.ts). */
  runRetention(now: Date) {
    return runRetention(this.db, now);
  }
}
