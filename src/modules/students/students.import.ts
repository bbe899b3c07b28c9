import { audit, auditMany } from '../../audit/audit.js';
import type { Act } from '../../act.js';
import { queueInvitations } from '../../auth/invitations.js';
import type { Db } from '../../db/client.js';
import { isUniqueViolation } from '../../db/unique.js';
import { AppError } from '../../errors.js';
import type { ParsedImport } from './students.import-file.js';
import { planImport, type ImportPlan } from './students.import-plan.js';
import { auditedProfile } from './students.records.js';

// CSV import of students by WRITE staff: parse (students.import-file.ts) → plan (one outcome per
// row, students.import-plan.ts) → preview → confirm, here: the plan is computed again inside the
// transaction that writes every row, or none.

/** Thrown inside the confirmation's transaction (which then rolls back) when a row is refused. */
export class ImportRefused extends AppError {
  constructor(public plan: ImportPlan) {
    super('import_refused');
  }
}

/**
 * Writes every row of the plan, or nothing: accounts (no password) and profiles for new students
 * with their invitation e-mails, changes of known students, one audit row per student and one for
 * the import. The plan is computed again inside the transaction; imports into one institution are
 * serialised by an advisory lock.
 */
export async function applyImport(db: Db, baseUrl: string, act: Act, institutionId: number, parsed: ParsedImport, file: { name: string; sha256: string }) {
  const { actor, now } = act;
  const run = () =>
    db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${'students.import:' + institutionId}))`;
        const plan = await planImport(tx, actor, institutionId, parsed);
        if (!plan.canConfirm) throw new ImportRefused(plan);
        const invitedBy = `${actor.firstName} ${actor.lastName}`;
        // New students: accounts and profiles in two statements, then one audit row and one
        // invitation each.
        const creates = plan.rows.filter((r) => r.outcome === 'CREATE');
        if (creates.length) {
          const users = await tx.user.createManyAndReturn({
            data: creates.map(({ values: v }) => ({ email: v.email, firstName: v.firstName, lastName: v.lastName, civility: 'NONE' as const, locale: 'fr' as const, passwordHash: null })),
            select: { id: true, email: true, firstName: true, lastName: true, locale: true },
          });
          const userByEmail = new Map(users.map((u) => [u.email, u]));
          const profiles = await tx.studentProfile.createManyAndReturn({
            data: creates.map(({ values: v, studyYear }) => ({
              userId: userByEmail.get(v.email)!.id,
              studentNumber: v.studentNumber,
              institutionId,
              programmeId: studyYear!.programmeId,
              studyYearId: studyYear!.id,
            })),
          });
          const profileByUser = new Map(profiles.map((p) => [p.userId, p]));
          // Two statements for all the new accounts' audit rows and invitations, not two per row.
          await auditMany(
            tx,
            creates.map((row) => {
              const user = userByEmail.get(row.values.email)!;
              const profile = profileByUser.get(user.id)!;
              return {
                actorId: actor.id,
                action: 'student.create',
                entityType: 'StudentProfile',
                entityId: profile.id,
                after: { ...auditedProfile(profile), user: { id: user.id, email: user.email, firstName: user.firstName, lastName: user.lastName }, source: 'import', line: row.line },
                requestId: act.requestId,
              };
            }),
          );
          await queueInvitations(
            tx,
            creates.map((row) => ({
              user: userByEmail.get(row.values.email)!,
              opts: { baseUrl, now, reasonKey: 'students.mail.createdByStaff', reasonParams: { institution: plan.institution.name, year: row.studyYear!.name }, invitedBy },
            })),
          );
        }
        for (const row of plan.rows.filter((r) => r.outcome === 'UPDATE')) {
          const v = row.values;
          const year = row.studyYear!;
          const { profileId, userId } = row.existing!;
          const before = await tx.studentProfile.findUniqueOrThrow({ where: { id: profileId }, include: { user: { select: { email: true, firstName: true, lastName: true } } } });
          const user = await tx.user.update({ where: { id: userId }, data: { email: v.email, firstName: v.firstName, lastName: v.lastName }, select: { email: true, firstName: true, lastName: true } });
          const profile = await tx.studentProfile.update({ where: { id: profileId }, data: { programmeId: year.programmeId, studyYearId: year.id } });
          await audit(tx, {
            actorId: actor.id,
            action: 'student.update',
            entityType: 'StudentProfile',
            entityId: profileId,
            before: auditedProfile(before),
            after: { ...auditedProfile(profile), user, source: 'import', line: row.line },
            requestId: act.requestId,
          });
        }
        await audit(tx, {
          actorId: actor.id,
          action: 'student.import',
          entityType: 'Institution',
          entityId: institutionId,
          after: { fileName: file.name, sha256: file.sha256, rows: plan.rows.length, ...plan.counts },
          requestId: act.requestId,
        });
        return plan;
      },
      { timeout: 5 * 60 * 1000, maxWait: 30_000 },
    );
  try {
    return await run();
  } catch (err) {
    // A concurrent change slipped in between the plan and a write: show the preview again.
    if (isUniqueViolation(err)) throw new ImportRefused(await planImport(db, actor, institutionId, parsed));
    throw err;
  }
}

