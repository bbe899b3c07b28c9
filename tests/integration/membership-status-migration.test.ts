import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js';

const MIGRATION = '20261202010000_membership_status';
const serverUrl = inject('serverUrl');
const dbName = `stages_test_memberships_w${process.env.VITEST_POOL_ID ?? 0}_${process.pid}`;

/** A folder with copies of the migrations up to `last` (included or not). */
const folders: string[] = [];
function migrationsUpTo(last: string, included: boolean): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'migs-'));
  folders.push(dir);
  for (const name of readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
    if (name < last || (included && name === last)) cpSync(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
  }
  return dir;
}

afterAll(async () => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await c.end();
});

describe(`migration ${MIGRATION}`, () => {
  it('puts back in the queue the claims registered before it that no centre has verified since, and keeps every other membership', async () => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${dbName}`;
    const url = u.toString();

    await migrate(url, { dir: migrationsUpTo(MIGRATION, false) });
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const one = async (sql: string, params: unknown[] = []) => (await c.query<{ id: number }>(sql, params)).rows[0].id;
      const user = (email: string) => one(`INSERT INTO "User" (email, "firstName", "lastName", "updatedAt") VALUES ($1, 'P', 'N', now()) RETURNING id`, [email]);
      const org = (name: string, verified: boolean) =>
        one(
          `INSERT INTO "Organisation" ("legalName", verified, "updatedAt", "addressLine1", headcount, "legalStatus", "nafCode", "normalizedName", "phoneDigits", "structureType", "postalCode", city, phone)
           VALUES ($1, $2, now(), '1 rue', 'FROM_10_TO_49', 'SAS', '62.01Z', lower($1), '', 'COMPANY', '63000', 'Clermont', '') RETURNING id`,
          [name, verified],
        );
      const member = (userId: number, orgId: number, role: string) => one(`INSERT INTO "CompanyMembership" ("userId", "organisationId", role) VALUES ($1, $2, $3::"CompanyRole") RETURNING id`, [userId, orgId, role]);
      const registered = (orgId: number, mode: string, adminMembershipId: number, contacts: number[]) =>
        c.query(`INSERT INTO "AuditLog" (action, "entityType", "entityId", after) VALUES ('company.register', 'Organisation', $1, $2)`, [
          String(orgId),
          JSON.stringify({ mode, adminMembershipId, contacts: contacts.map((membershipId) => ({ membershipId })) }),
        ]);

      // Claimed, never verified since: the administrator and the contact named wait again.
      const claimed = await org('Laiterie', false);
      const claimAdmin = await member(await user('a@x.test'), claimed, 'ADMIN');
      const claimContact = await member(await user('b@x.test'), claimed, 'CONTACT');
      await registered(claimed, 'claim', claimAdmin, [claimContact]);
      // Claimed, then verified by its centre: kept.
      const verified = await org('Fromagerie', true);
      const verifiedAdmin = await member(await user('c@x.test'), verified, 'ADMIN');
      await registered(verified, 'claim', verifiedAdmin, []);
      // A new organisation of the registrant, not verified yet: its own, kept.
      const created = await org('Nouvelle', false);
      const createdAdmin = await member(await user('d@x.test'), created, 'ADMIN');
      await registered(created, 'create', createdAdmin, []);
      // A membership that no registration names (added by staff, the seed…): kept.
      const other = await member(await user('e@x.test'), claimed, 'CONTACT');

      expect((await migrate(url, { dir: migrationsUpTo(MIGRATION, true) })).applied).toEqual([MIGRATION]);
      const { rows } = await c.query<{ id: number; status: string }>('SELECT id, status::text FROM "CompanyMembership" ORDER BY id');
      expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({
        [claimAdmin]: 'PENDING',
        [claimContact]: 'PENDING',
        [verifiedAdmin]: 'CONFIRMED',
        [createdAdmin]: 'CONFIRMED',
        [other]: 'CONFIRMED',
      });
    } finally {
      await c.end();
    }
  });
});
