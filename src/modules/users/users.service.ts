import { Service, type Act } from '../../act.js';
import { audit } from '../../audit/audit.js';
import { endSessions } from '../../auth/auth.service.js';
import { queueInvitation } from '../../auth/invitations.js';
import { notFound, ValidationError } from '../../errors.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { pager } from '../../http/pagination.js';
import type { UserSearchInput } from './users.schemas.js';

/** What the list shows of each account: its roles, read with the page (one query per relation, not per row). */
const listSelect = {
  id: true,
  email: true,
  firstName: true,
  lastName: true,
  active: true,
  isPlatformAdmin: true,
  lastLoginAt: true,
  createdAt: true,
  passwordHash: true,
  centreStaff: { select: { right: true, centre: { select: { id: true, name: true } } }, orderBy: { id: 'asc' } },
  academicRoles: { select: { kind: true, programme: { select: { name: true } }, studyYear: { select: { name: true } } }, orderBy: { id: 'asc' } },
  companyMembers: { select: { role: true, status: true, organisation: { select: { id: true, legalName: true } } }, orderBy: { id: 'asc' } },
  studentProfile: { select: { id: true, institution: { select: { name: true } }, studyYear: { select: { name: true } } } },
} satisfies Prisma.UserSelect;

type ListRow = Prisma.UserGetPayload<{ select: typeof listSelect }>;

/** An account as the list shows it: never its password hash, only whether one was ever chosen. */
function present({ passwordHash, ...u }: ListRow) {
  return { ...u, hasPassword: passwordHash !== null };
}
export type UserListItem = ReturnType<typeof present>;

/** Every word typed is found in the first name, the last name or the address (case ignored). */
function searchWhere(q: string | undefined): Prisma.UserWhereInput {
  const words = (q ?? '').split(/\s+/).filter(Boolean).slice(0, 5);
  if (!words.length) return {};
  const like = (w: string) => ({ contains: w, mode: 'insensitive' as const });
  return { AND: words.map((w) => ({ OR: [{ firstName: like(w) }, { lastName: like(w) }, { email: like(w) }] })) };
}

/**
 * The platform administrator's user list: search, roles, deactivation and reactivation (audited;
 * a deactivated account cannot sign in and its sessions end), a new invitation for an account
 * whose owner never chose a password.
 */
export class UserAdminService extends Service {
  async search(input: UserSearchInput, page: number) {
    const where = searchWhere(input.q);
    const total = await this.db.user.count({ where });
    const p = pager(page, total);
    const rows = await this.db.user.findMany({ where, select: listSelect, orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }], skip: p.skip, take: p.size });
    return { items: rows.map(present), pager: p };
  }

  /**
   * Deactivates (or reactivates) an account. Deactivated: sign-in is refused (auth.service), the
   * actor is no longer loaded (actor.ts), its open sessions and its outstanding links end now.
   * An administrator never deactivates themself (the platform would be left without them).
   */
  async setActive(act: Act, id: number, active: boolean) {
    if (!active && id === act.actor.id) throw new ValidationError({ _form: 'users.errors.self' });
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${id} FOR UPDATE`;
      const user = await tx.user.findUnique({ where: { id }, select: { id: true, firstName: true, lastName: true, active: true } });
      if (!user) throw notFound();
      // Asked twice (two tabs): nothing changes, nothing is recorded.
      if (user.active === active) return user;
      await tx.user.update({ where: { id }, data: { active } });
      if (!active) {
        await endSessions(tx, id);
        await tx.passwordResetToken.updateMany({ where: { userId: id, usedAt: null }, data: { usedAt: act.now } });
      }
      await audit(tx, { actorId: act.actor.id, action: active ? 'user.reactivate' : 'user.deactivate', entityType: 'User', entityId: id, before: { active: user.active }, after: { active }, requestId: act.requestId });
      return user;
    });
  }

  /** A new single-use link for an active account that never chose its password (the first one expired or was lost). */
  async resendInvitation(act: Act, id: number) {
    return this.db.$transaction(async (tx) => {
      const user = await tx.user.findUnique({ where: { id }, select: { id: true, email: true, firstName: true, lastName: true, locale: true, active: true, passwordHash: true } });
      if (!user) throw notFound();
      if (!user.active) throw new ValidationError({ _form: 'users.errors.inactive' });
      if (user.passwordHash !== null) throw new ValidationError({ _form: 'users.errors.hasPassword' });
      await queueInvitation(tx, user, { baseUrl: this.baseUrl, now: act.now, reasonKey: 'users.mail.reinvited', invitedBy: `${act.actor.firstName} ${act.actor.lastName}` });
      await audit(tx, { actorId: act.actor.id, action: 'user.invitationResent', entityType: 'User', entityId: id, requestId: act.requestId });
      return user;
    });
  }
}
