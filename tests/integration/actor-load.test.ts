import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { institutionCountryOf, loadActor, toActor } from '../../src/authz/actor.js';
import { makeCentre, makeOrganisation, makeRoleAccounts } from '../factories/index.js';
import { useApp } from '../helpers/app.js';

/** The statements sent to PostgreSQL while `run` runs (every query goes through pg.Client#query). */
async function statements<T>(run: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const sql: string[] = [];
  proto.query = function (this: unknown, ...args: unknown[]) {
    const q = args[0] as string | { text?: string };
    sql.push(typeof q === 'string' ? q : (q?.text ?? '?'));
    return original.apply(this, args);
  };
  try {
    return { result: await run(), sql };
  } finally {
    proto.query = original;
  }
}

describe('loading the actor', () => {
  const t = useApp();

  it('reads the user and every membership in one statement, as the Prisma include did', async () => {
    const w = await makeRoleAccounts(t.db);
    // Someone with several memberships of each kind.
    const u = w.users.centreWrite;
    const other = await makeCentre(t.db, w.institution.id);
    const org2 = await makeOrganisation(t.db);
    await t.db.centreStaff.create({ data: { userId: u.id, centreId: other.id, right: 'ADMIN' } });
    await t.db.companyMembership.create({ data: { userId: u.id, organisationId: w.organisation.id, role: 'CONTACT' } });
    await t.db.companyMembership.create({ data: { userId: u.id, organisationId: org2.id, role: 'ADMIN', canPublishOffers: true } });
    await t.db.academicRole.create({ data: { userId: u.id, kind: 'YEAR_MANAGER', studyYearId: w.studyYear.id } });
    await t.db.academicRole.create({ data: { userId: u.id, kind: 'ACADEMIC_TUTOR', programmeId: w.programme.id } });
    await t.db.studentProfile.create({ data: { userId: u.id, studentNumber: 'S9', institutionId: w.institution.id } });

    for (const user of [...Object.values(w.users), u]) {
      const { result: actor, sql } = await statements(() => loadActor(t.db, user.id));
      expect(sql).toHaveLength(1);
      const viaInclude = await t.db.user.findUnique({
        where: { id: user.id },
        include: { studentProfile: true, companyMembers: { orderBy: { id: 'asc' } }, academicRoles: { orderBy: { id: 'asc' } }, centreStaff: { orderBy: { id: 'asc' } } },
      });
      expect(actor).toEqual(toActor(viaInclude!));
      expect(institutionCountryOf(actor!)).toBe(viaInclude!.studentProfile ? 'FR' : undefined);
    }
    const many = (await loadActor(t.db, u.id))!;
    expect(many.roles).toEqual(['student', 'companyAdmin', 'companyContact', 'academicTutor', 'yearManager', 'centreRead', 'centreWrite', 'centreAdmin']);
    expect([...many.centres]).toEqual([[w.centre.id, 'WRITE'], [other.id, 'ADMIN']]);
  });

  it('is null for a missing or deactivated user, and reads the institution country afresh', async () => {
    const w = await makeRoleAccounts(t.db);
    expect(await loadActor(t.db, 999_999)).toBeNull();
    await t.db.user.update({ where: { id: w.users.companyAdmin.id }, data: { active: false } });
    expect(await loadActor(t.db, w.users.companyAdmin.id)).toBeNull();
    await t.db.institution.update({ where: { id: w.institution.id }, data: { country: 'BE' } });
    expect(institutionCountryOf((await loadActor(t.db, w.users.student.id))!)).toBe('BE');
  });
});
