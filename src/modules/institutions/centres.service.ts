import { audit } from '../../audit/audit.js';
import type { Actor } from '../../authz/actor.js';
import { centreRight, centresWith, hasCentreRight, rightsFrom } from '../../authz/centres.js';
import type { Tx } from '../../db/client.js';
import { queueInvitation } from '../../auth/invitations.js';
import { fileSummary, storeFile, type CheckedFile } from '../../files/upload.js';
import { queueEmail } from '../../mail/outbox.js';
import type { CentreRight } from '../../generated/prisma/client.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import type { CentreUpdateInput, StaffAddInput, StaffUpdateInput } from './institutions.schemas.js';
import { pager } from '../../http/pagination.js';
import { label } from '../../nomenclatures/index.js';
import { uniqueAs } from '../../db/unique.js';
import { Service, type Act } from '../../act.js';

const staffUserSelect = { id: true, email: true, civility: true, firstName: true, lastName: true, active: true } as const;

/**
 * Management centres as their staff see them. Record-level reach lives here, in one place:
 * a centre where the actor holds no right is a 404; a right too low for the action is a 403.
 * The platform administrator reaches every centre with every right.
 */
export class CentreService extends Service {

  /** The centre if the actor reaches it with at least `min`; 404 when out of reach, 403 when the right is too low. */
  async findCentreForActor(actor: Actor, id: number, min: CentreRight = 'READ') {
    if (!hasCentreRight(actor, id, 'READ')) throw notFound();
    if (!hasCentreRight(actor, id, min)) throw forbidden();
    const centre = await this.db.managementCentre.findUnique({
      where: { id },
      include: {
        institution: { select: { id: true, code: true, name: true } },
        logoFile: { select: { id: true, originalName: true, mimeType: true, size: true, sha256: true } },
      },
    });
    if (!centre) throw notFound();
    return { centre, right: centreRight(actor, id), canManage: hasCentreRight(actor, id, 'ADMIN') };
  }

  /**
   * Inside a write: locks the centre row (so that staff changes of one centre are serialised) and
   * re-reads the actor's right from the database rather than trusting the request's snapshot.
   */
  private async lockForAdmin(tx: Tx, actor: Actor, centreId: number) {
    const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM "ManagementCentre" WHERE id = ${centreId} FOR UPDATE`;
    if (!rows.length) throw notFound();
    if (actor.isPlatformAdmin) return;
    const own = await tx.centreStaff.findUnique({ where: { userId_centreId: { userId: actor.id, centreId } }, select: { right: true } });
    if (!own) throw notFound();
    if (!rightsFrom('ADMIN').includes(own.right)) throw forbidden();
  }

  /** Platform administrator: every centre; staff: the centres where they hold a right. */
  async listForActor(actor: Actor, page: number) {
    const where = actor.isPlatformAdmin ? {} : { id: { in: centresWith(actor, 'READ') } };
    const total = await this.db.managementCentre.count({ where });
    const p = pager(page, total);
    const items = await this.db.managementCentre.findMany({
      where,
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      skip: p.skip,
      take: p.size,
      select: { id: true, name: true, kind: true, city: true, institution: { select: { name: true } }, _count: { select: { staff: true } } },
    });
    return { items: items.map((c) => ({ ...c, right: centreRight(actor, c.id) })), pager: p };
  }

  /** Coordinates and settings (ADMIN of the centre); the kind only by the platform administrator. */
  async updateCentre(act: Act, id: number, input: CentreUpdateInput) {
    const { actor } = act;
    await this.findCentreForActor(actor, id, 'ADMIN');
    return this.db.$transaction(async (tx) => {
      await this.lockForAdmin(tx, actor, id);
      const before = await tx.managementCentre.findUniqueOrThrow({ where: { id } });
      const { kind, ...fields } = input;
      const data = actor.isPlatformAdmin && kind ? { ...fields, kind } : fields;
      const after = await tx.managementCentre.update({ where: { id }, data });
      await audit(tx, { actorId: actor.id, action: 'centre.update', entityType: 'ManagementCentre', entityId: id, before, after, requestId: act.requestId });
      return after;
    });
  }

  /** Stores the (already checked) image and makes it the centre's logo. The previous file is kept for the audit trail. */
  async setLogo(act: Act, id: number, file: CheckedFile) {
    const { actor } = act;
    await this.findCentreForActor(actor, id, 'ADMIN');
    return this.db.$transaction(async (tx) => {
      await this.lockForAdmin(tx, actor, id);
      const before = await tx.managementCentre.findUniqueOrThrow({ where: { id }, select: { logoFileId: true } });
      const stored = await storeFile(tx, file, actor.id);
      await tx.managementCentre.update({ where: { id }, data: { logoFileId: stored.id } });
      await audit(tx, {
        actorId: actor.id,
        action: 'centre.logo',
        entityType: 'ManagementCentre',
        entityId: id,
        before,
        after: { logoFileId: stored.id, ...fileSummary(stored) },
        requestId: act.requestId,
      });
      return stored;
    });
  }

  /** The logo's bytes, for anyone who may see the centre. */
  async logo(actor: Actor, id: number) {
    const { centre } = await this.findCentreForActor(actor, id, 'READ');
    if (!centre.logoFileId) throw notFound();
    const file = await this.db.storedFile.findUnique({
      where: { id: centre.logoFileId },
      select: { data: true, mimeType: true, extension: true, originalName: true, sha256: true },
    });
    if (!file) throw notFound();
    return file;
  }

  // ───────────── staff ─────────────

  async listStaff(actor: Actor, centreId: number) {
    const found = await this.findCentreForActor(actor, centreId, 'READ');
    const staff = await this.db.centreStaff.findMany({
      where: { centreId },
      include: { user: { select: staffUserSelect } },
      orderBy: [{ user: { lastName: 'asc' } }, { user: { firstName: 'asc' } }, { id: 'asc' }],
    });
    return { ...found, staff };
  }

  /** One member of the centre's staff, for the ADMIN's edit form. */
  async getStaffMember(actor: Actor, centreId: number, staffId: number) {
    const found = await this.findCentreForActor(actor, centreId, 'ADMIN');
    const member = await this.db.centreStaff.findFirst({ where: { id: staffId, centreId }, include: { user: { select: staffUserSelect } } });
    if (!member) throw notFound();
    return { ...found, member };
  }

  /**
   * Attaches a person: an existing account found by e-mail (told by e-mail), or a new account
   * (civility, names, e-mail, no password) whose owner receives a single-use link to choose one.
   */
  async addStaff(act: Act, centreId: number, input: StaffAddInput) {
    const { actor } = act;
    const { centre } = await this.findCentreForActor(actor, centreId, 'ADMIN');
    const { email, civility, firstName, lastName, ...membership } = input;
    return uniqueAs('email', () =>
      this.db.$transaction(async (tx) => {
        await this.lockForAdmin(tx, actor, centreId);
        let user = await tx.user.findUnique({ where: { email }, select: { id: true } });
        if (user) {
          const already = await tx.centreStaff.findUnique({ where: { userId_centreId: { userId: user.id, centreId } }, select: { id: true } });
          if (already) throw new ValidationError({ email: 'centres.staff.alreadyAttached' });
          const existing = await tx.user.findUniqueOrThrow({ where: { id: user.id } });
          await queueEmail(tx, {
            to: existing.email,
            template: 'centre-staff-added',
            locale: existing.locale,
            data: { firstName: existing.firstName, centre: centre.name, right: label('centreRight', membership.right, existing.locale), invitedBy: `${actor.firstName} ${actor.lastName}`, link: `${this.baseUrl}/login` },
          });
        } else {
          const missing: Record<string, string> = {};
          if (!lastName) missing.lastName = 'centres.staff.namesRequired';
          if (!firstName) missing.firstName = 'centres.staff.namesRequired';
          if (Object.keys(missing).length) throw new ValidationError(missing);
          const created = await tx.user.create({ data: { email, civility, firstName: firstName!, lastName: lastName!, passwordHash: null } });
          await audit(tx, {
            actorId: actor.id,
            action: 'user.create',
            entityType: 'User',
            entityId: created.id,
            after: { id: created.id, email: created.email, civility: created.civility, firstName: created.firstName, lastName: created.lastName },
            requestId: act.requestId,
          });
          user = { id: created.id };
          await queueInvitation(tx, created, {
            baseUrl: this.baseUrl,
            now: act.now,
            reasonKey: 'mail.account-invitation.centreStaff',
            reasonParams: { centre: centre.name, right: label('centreRight', membership.right, created.locale) },
            invitedBy: `${actor.firstName} ${actor.lastName}`,
          });
        }
        const member = await tx.centreStaff.create({ data: { ...membership, userId: user.id, centreId } });
        await audit(tx, { actorId: actor.id, action: 'centreStaff.create', entityType: 'CentreStaff', entityId: member.id, after: member, requestId: act.requestId });
        return member;
      }),
      'centres.staff.alreadyAttached',
    );
  }

  /** The last ADMIN of a centre stays, unless the platform administrator decides otherwise. */
  private async assertNotLastAdmin(tx: Tx, actor: Actor, centreId: number, member: { right: CentreRight }) {
    if (actor.isPlatformAdmin || member.right !== 'ADMIN') return;
    const admins = await tx.centreStaff.count({ where: { centreId, right: 'ADMIN' } });
    if (admins <= 1) throw new ValidationError({ right: 'centres.staff.lastAdmin' });
  }

  async updateStaff(act: Act, centreId: number, staffId: number, input: StaffUpdateInput) {
    const { actor } = act;
    await this.findCentreForActor(actor, centreId, 'ADMIN');
    return this.db.$transaction(async (tx) => {
      await this.lockForAdmin(tx, actor, centreId);
      const before = await tx.centreStaff.findFirst({ where: { id: staffId, centreId } });
      if (!before) throw notFound();
      if (input.right !== 'ADMIN') await this.assertNotLastAdmin(tx, actor, centreId, before);
      const after = await tx.centreStaff.update({ where: { id: staffId }, data: input });
      await audit(tx, { actorId: actor.id, action: 'centreStaff.update', entityType: 'CentreStaff', entityId: staffId, before, after, requestId: act.requestId });
      return after;
    });
  }

  async removeStaff(act: Act, centreId: number, staffId: number) {
    const { actor } = act;
    await this.findCentreForActor(actor, centreId, 'ADMIN');
    return this.db.$transaction(async (tx) => {
      await this.lockForAdmin(tx, actor, centreId);
      const before = await tx.centreStaff.findFirst({ where: { id: staffId, centreId } });
      if (!before) throw notFound();
      await this.assertNotLastAdmin(tx, actor, centreId, before);
      await tx.centreStaff.delete({ where: { id: staffId } });
      await audit(tx, { actorId: actor.id, action: 'centreStaff.delete', entityType: 'CentreStaff', entityId: staffId, before, requestId: act.requestId });
    });
  }
}
