import { audit } from '../../audit/audit.js';
import { queueInvitation } from '../../auth/invitations.js';
import type { Actor } from '../../authz/actor.js';
import { centreRight, RIGHT_RANK, } from '../../authz/centres.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/unique.js';
import { fileSummary, storeFile, type CheckedFile } from '../../files/upload.js';
import type { CentreRight, Locale, Prisma } from '../../generated/prisma/client.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import { pager, type Meta } from '../../http/pagination.js';
import { formatNir, maskNir } from './nir.js';
import type { ListFilters, ProfileInput, RegistrationInput, StaffStudentInput } from './students.schemas.js';
import { Service } from '../../act.js';

/** Can the actor create or change students of this centre? (WRITE or ADMIN there, or platform admin.) */
export function canWriteCentre(actor: Actor, centreId: number | null | undefined): boolean {
  if (actor.isPlatformAdmin) return true;
  if (!centreId) return false;
  const right = centreRight(actor, centreId);
  return !!right && RIGHT_RANK[right] >= RIGHT_RANK.WRITE;
}

/** The centre ids whose students the actor reaches with at least `min` (null: every centre). */
export function centreIdsFor(actor: Actor, min: CentreRight = 'READ'): number[] | null {
  if (actor.isPlatformAdmin) return null;
  return [...actor.centres.entries()].filter(([, r]) => RIGHT_RANK[r] >= RIGHT_RANK[min]).map(([id]) => id);
}

/** The profile as the audit trail records it: the social-security number is masked. */
export function auditedProfile(p: Record<string, unknown> | null | undefined) {
  if (!p) return p;
  const { ssn, ...rest } = p;
  return { ...rest, ssn: maskNir(ssn as string | null) };
}

const studentInclude = {
  user: { select: { id: true, email: true, civility: true, firstName: true, lastName: true, phone: true, active: true, passwordHash: true } },
  institution: { select: { id: true, code: true, name: true } },
  programme: { select: { id: true, code: true, name: true } },
  studyYear: { select: { id: true, code: true, name: true, centreId: true, centre: { select: { id: true, name: true, email: true } } } },
  cvFile: { select: { id: true, originalName: true, extension: true, mimeType: true, size: true, createdAt: true } },
} as const satisfies Prisma.StudentProfileInclude;

type StudentRow = Prisma.StudentProfileGetPayload<{ include: typeof studentInclude }>;

/** What a view may show of a student: no password hash, and the SSN only when allowed. */
function present(row: StudentRow, showSsn: boolean) {
  const { passwordHash, ...user } = row.user;
  const { ssn, ...rest } = row;
  return {
    ...rest,
    user: { ...user, activated: passwordHash !== null },
    ssnDisplay: ssn ? (showSsn ? formatNir(ssn) : maskNir(ssn)) : null,
    ssnMasked: !!ssn && !showSsn,
  };
}
export type PresentedStudent = ReturnType<typeof present>;

/** A unique clash on a student's user or profile: which field it concerns. */
function uniqueField(err: unknown): 'email' | 'studentNumber' {
  // Prisma 7 with the pg adapter: meta.modelName, and the constraint under meta.driverAdapterError.
  const meta = (err as { meta?: { modelName?: string } }).meta;
  return meta?.modelName === 'User' || /User_email_key/.test(JSON.stringify(meta ?? {})) ? 'email' : 'studentNumber';
}

const UNIQUE_KEYS = { email: 'students.errors.emailTaken', studentNumber: 'students.errors.numberTaken' } as const;

/**
 * Students: self-registration, the staff's lists and records (scoped by the centre that manages
 * the student's study year), and the student's own profile and CV.
 *
 * Reach: a student whose study year is managed by a centre where the actor holds no right is a
 * 404; READ there sees, WRITE (or ADMIN) also changes the record and sees the social-security
 * number in clear. The platform administrator reaches every student with every right.
 */
export class StudentService extends Service {

  // ───────────── reference options ─────────────

  /** Every institution with its programmes and their study years (registration form). */
  async registrationOptions() {
    return this.db.institution.findMany({
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        name: true,
        programmes: {
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
          select: { id: true, code: true, name: true, studyYears: { orderBy: [{ level: 'asc' }, { name: 'asc' }, { id: 'asc' }], select: { id: true, code: true, name: true } } },
        },
      },
    });
  }

  /** The study years the actor may put students in (WRITE centres), or see (READ), grouped by programme. */
  async yearGroups(actor: Actor, min: CentreRight) {
    const ids = centreIdsFor(actor, min);
    const years = await this.db.studyYear.findMany({
      where: ids === null ? {} : { centreId: { in: ids } },
      orderBy: [{ programme: { institution: { name: 'asc' } } }, { programme: { name: 'asc' } }, { level: 'asc' }, { name: 'asc' }, { id: 'asc' }],
      select: { id: true, code: true, name: true, programme: { select: { id: true, code: true, name: true, institution: { select: { id: true, name: true } } } } },
    });
    const groups: { label: string; options: { value: number; label: string }[] }[] = [];
    for (const y of years) {
      const label = `${y.programme.institution.name} — ${y.programme.name}`;
      let g = groups[groups.length - 1];
      if (!g || g.label !== label) groups.push((g = { label, options: [] }));
      g.options.push({ value: y.id, label: y.name });
    }
    return groups;
  }

  /** The institutions where the actor may import students (those of their WRITE centres). */
  async importInstitutions(actor: Actor) {
    const ids = centreIdsFor(actor, 'WRITE');
    return this.db.institution.findMany({
      where: ids === null ? {} : { centres: { some: { id: { in: ids } } } },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
      select: { id: true, code: true, name: true },
    });
  }

  // ───────────── creation ─────────────

  /** Creates the account (no password), the profile, the audit row and the invitation e-mail. */
  private async createStudent(
    tx: Tx,
    data: {
      email: string;
      civility: 'MR' | 'MRS' | 'NONE';
      firstName: string;
      lastName: string;
      locale: Locale;
      studentNumber: string;
      institutionId: number;
      programmeId: number;
      studyYearId: number;
    },
    audited: { actorId: number | null; action: string; reasonKey: string; reasonParams: Record<string, string>; invitedBy: string; requestId?: string | null; source?: string },
  ) {
    const user = await tx.user.create({
      data: { email: data.email, civility: data.civility, firstName: data.firstName, lastName: data.lastName, locale: data.locale, passwordHash: null },
    });
    const profile = await tx.studentProfile.create({
      data: { userId: user.id, studentNumber: data.studentNumber, institutionId: data.institutionId, programmeId: data.programmeId, studyYearId: data.studyYearId },
    });
    await audit(tx, {
      actorId: audited.actorId ?? user.id,
      action: audited.action,
      entityType: 'StudentProfile',
      entityId: profile.id,
      after: {
        ...auditedProfile(profile),
        user: { id: user.id, email: user.email, civility: user.civility, firstName: user.firstName, lastName: user.lastName },
        ...(audited.source ? { source: audited.source } : {}),
      },
      requestId: audited.requestId,
    });
    await queueInvitation(tx, user, { baseUrl: this.baseUrl, now: this.clock.now(), reasonKey: audited.reasonKey, reasonParams: audited.reasonParams, invitedBy: audited.invitedBy });
    return { user, profile };
  }

  /** Refuses an e-mail held by another account and a number already used in the institution (422). */
  private async assertFree(tx: DbOrTx, email: string, institutionId: number, studentNumber: string, except?: { userId: number; profileId: number }) {
    const errors: Record<string, string> = {};
    const user = await tx.user.findUnique({ where: { email }, select: { id: true } });
    if (user && user.id !== except?.userId) errors.email = UNIQUE_KEYS.email;
    const profile = await tx.studentProfile.findUnique({ where: { institutionId_studentNumber: { institutionId, studentNumber } }, select: { id: true } });
    if (profile && profile.id !== except?.profileId) errors.studentNumber = UNIQUE_KEYS.studentNumber;
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }

  /** Two requests racing past assertFree: the database's unique constraint answers, as a field error. */
  private async uniqueAsField<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (isUniqueViolation(err)) {
        const field = uniqueField(err);
        throw new ValidationError({ [field]: UNIQUE_KEYS[field] });
      }
      throw err;
    }
  }

  /**
   * Self-registration (anonymous): institution, programme and year must agree. The account has no
   * password: the e-mailed single-use link lets its owner choose one, which also proves the address.
   */
  async register(input: RegistrationInput, locale: Locale, meta: Meta = {}) {
    const year = await this.db.studyYear.findUnique({
      where: { id: input.studyYearId },
      select: { id: true, name: true, programmeId: true, programme: { select: { institutionId: true, institution: { select: { name: true } } } } },
    });
    const programme = await this.db.programme.findUnique({ where: { id: input.programmeId }, select: { id: true, institutionId: true } });
    const institution = await this.db.institution.findUnique({ where: { id: input.institutionId }, select: { id: true, name: true } });
    const errors: Record<string, string> = {};
    if (!institution) errors.institutionId = 'errors.field.choice';
    if (!programme) errors.programmeId = 'errors.field.choice';
    else if (institution && programme.institutionId !== institution.id) errors.programmeId = 'students.errors.programmeMismatch';
    if (!year) errors.studyYearId = 'errors.field.choice';
    else if (programme && year.programmeId !== programme.id) errors.studyYearId = 'students.errors.yearMismatch';
    if (Object.keys(errors).length) throw new ValidationError(errors);

    return this.uniqueAsField(() =>
      this.db.$transaction(async (tx) => {
        await this.assertFree(tx, input.email, institution!.id, input.studentNumber);
        return this.createStudent(
          tx,
          { ...input, locale, institutionId: institution!.id, programmeId: programme!.id, studyYearId: year!.id },
          {
            actorId: null,
            action: 'student.register',
            reasonKey: 'students.mail.registered',
            reasonParams: { institution: institution!.name, year: year!.name },
            invitedBy: '',
            requestId: meta.requestId,
          },
        );
      }),
    );
  }

  /** A study year the actor may put students in, with its programme and institution; 422 otherwise. */
  private async writableYear(db: DbOrTx, actor: Actor, studyYearId: number) {
    const year = await db.studyYear.findUnique({
      where: { id: studyYearId },
      select: { id: true, name: true, centreId: true, programmeId: true, programme: { select: { institutionId: true, institution: { select: { name: true } } } } },
    });
    if (!year) throw new ValidationError({ studyYearId: 'errors.field.choice' });
    if (!canWriteCentre(actor, year.centreId)) throw new ValidationError({ studyYearId: 'students.errors.yearNotWritable' });
    return year;
  }

  /** Staff (WRITE in the year's centre) create a student, who receives the link to choose a password. */
  async create(actor: Actor, input: StaffStudentInput, meta: Meta = {}) {
    const year = await this.writableYear(this.db, actor, input.studyYearId);
    return this.uniqueAsField(() =>
      this.db.$transaction(async (tx) => {
        await this.assertFree(tx, input.email, year.programme.institutionId, input.studentNumber);
        return this.createStudent(
          tx,
          { ...input, locale: 'fr', institutionId: year.programme.institutionId, programmeId: year.programmeId, studyYearId: year.id },
          {
            actorId: actor.id,
            action: 'student.create',
            reasonKey: 'students.mail.createdByStaff',
            reasonParams: { institution: year.programme.institution.name, year: year.name },
            invitedBy: `${actor.firstName} ${actor.lastName}`,
            requestId: meta.requestId,
          },
        );
      }),
    );
  }

  /** Staff (WRITE in the student's centre and in the new year's) change the identity or the year. */
  async update(actor: Actor, id: number, input: StaffStudentInput, meta: Meta = {}) {
    const { student } = await this.findForActor(actor, id, 'WRITE');
    const year = await this.writableYear(this.db, actor, input.studyYearId);
    return this.uniqueAsField(() =>
      this.db.$transaction(async (tx) => {
        const before = await tx.studentProfile.findUniqueOrThrow({ where: { id }, include: { user: { select: { email: true, civility: true, firstName: true, lastName: true } } } });
        await this.assertFree(tx, input.email, year.programme.institutionId, input.studentNumber, { userId: student.userId, profileId: id });
        const user = await tx.user.update({
          where: { id: student.userId },
          data: { email: input.email, civility: input.civility, firstName: input.firstName, lastName: input.lastName },
          select: { email: true, civility: true, firstName: true, lastName: true },
        });
        const profile = await tx.studentProfile.update({
          where: { id },
          data: { studentNumber: input.studentNumber, institutionId: year.programme.institutionId, programmeId: year.programmeId, studyYearId: year.id },
        });
        await audit(tx, {
          actorId: actor.id,
          action: 'student.update',
          entityType: 'StudentProfile',
          entityId: id,
          before: { ...auditedProfile(before) },
          after: { ...auditedProfile(profile), user },
          requestId: meta.requestId,
        });
        return profile;
      }),
    );
  }

  // ───────────── staff: list and record ─────────────

  async list(actor: Actor, filters: ListFilters, page: number) {
    const ids = centreIdsFor(actor, 'READ');
    const and: Prisma.StudentProfileWhereInput[] = [ids === null ? {} : { studyYear: { centreId: { in: ids } } }];
    if (filters.studyYearId) and.push({ studyYearId: filters.studyYearId });
    for (const word of filters.q.split(/\s+/).filter(Boolean).slice(0, 5)) {
      const contains = { contains: word, mode: 'insensitive' as const };
      and.push({ OR: [{ studentNumber: contains }, { user: { lastName: contains } }, { user: { firstName: contains } }, { user: { email: contains } }] });
    }
    const where: Prisma.StudentProfileWhereInput = { AND: and };
    const total = await this.db.studentProfile.count({ where });
    const p = pager(page, total);
    const items = await this.db.studentProfile.findMany({
      where,
      orderBy: [{ user: { lastName: 'asc' } }, { user: { firstName: 'asc' } }, { id: 'asc' }],
      skip: p.skip,
      take: p.size,
      select: {
        id: true,
        studentNumber: true,
        user: { select: { firstName: true, lastName: true, email: true } },
        studyYear: { select: { name: true, centre: { select: { name: true } } } },
        institution: { select: { name: true } },
      },
    });
    return { items, pager: p };
  }

  /**
   * The student if the actor reaches them with at least `min`: 404 when the student's year is
   * managed by a centre where the actor holds no right, 403 when the right is too low.
   */
  async findForActor(actor: Actor, id: number, min: CentreRight = 'READ') {
    const row = await this.db.studentProfile.findUnique({ where: { id }, include: studentInclude });
    if (!row) throw notFound();
    const centreId = row.studyYear?.centreId ?? null;
    const right = centreId ? centreRight(actor, centreId) : null;
    if (!actor.isPlatformAdmin) {
      if (!right) throw notFound();
      if (RIGHT_RANK[right] < RIGHT_RANK[min]) throw forbidden();
    }
    const canManage = canWriteCentre(actor, centreId);
    return { student: present(row, canManage), right, canManage };
  }

  /** The student's CV for staff of their centre (READ and above). */
  async cvForStaff(actor: Actor, id: number) {
    const { student } = await this.findForActor(actor, id, 'READ');
    if (!student.cvFileId) throw notFound();
    return this.fileBytes(student.cvFileId);
  }

  private async fileBytes(fileId: number) {
    const file = await this.db.storedFile.findUnique({ where: { id: fileId }, select: { data: true, mimeType: true, extension: true, originalName: true, sha256: true } });
    if (!file) throw notFound();
    return file;
  }

  // ───────────── the student's own profile ─────────────

  private ownId(actor: Actor): number {
    if (!actor.student) throw notFound();
    return actor.student.profileId;
  }

  /** The student's own profile: everything in clear, it is theirs. */
  async ownProfile(actor: Actor) {
    const row = await this.db.studentProfile.findUnique({ where: { id: this.ownId(actor) }, include: studentInclude });
    if (!row) throw notFound();
    return { student: present(row, true), ssn: row.ssn };
  }

  async updateProfile(actor: Actor, input: ProfileInput, meta: Meta = {}) {
    const id = this.ownId(actor);
    const { phone, ...fields } = input;
    return this.db.$transaction(async (tx) => {
      const before = await tx.studentProfile.findUniqueOrThrow({ where: { id }, include: { user: { select: { phone: true } } } });
      const after = await tx.studentProfile.update({ where: { id }, data: fields });
      const user = await tx.user.update({ where: { id: before.userId }, data: { phone }, select: { phone: true } });
      await audit(tx, {
        actorId: actor.id,
        action: 'student.profile.update',
        entityType: 'StudentProfile',
        entityId: id,
        before: auditedProfile(before),
        after: { ...auditedProfile(after), user },
        requestId: meta.requestId,
      });
      return after;
    });
  }

  /** Stores the (content-checked) CV and makes it the student's; the previous file row is kept. */
  async setCv(actor: Actor, file: CheckedFile, meta: Meta = {}) {
    const id = this.ownId(actor);
    return this.db.$transaction(async (tx) => {
      const before = await tx.studentProfile.findUniqueOrThrow({ where: { id }, select: { cvFileId: true } });
      const stored = await storeFile(tx, file, actor.id);
      await tx.studentProfile.update({ where: { id }, data: { cvFileId: stored.id } });
      await audit(tx, {
        actorId: actor.id,
        action: 'student.cv',
        entityType: 'StudentProfile',
        entityId: id,
        before,
        after: { cvFileId: stored.id, ...fileSummary(stored) },
        requestId: meta.requestId,
      });
      return stored;
    });
  }

  /** Withdraws the CV from the profile (the file row stays, for the audit trail). */
  async removeCv(actor: Actor, meta: Meta = {}) {
    const id = this.ownId(actor);
    return this.db.$transaction(async (tx) => {
      const before = await tx.studentProfile.findUniqueOrThrow({ where: { id }, select: { cvFileId: true } });
      if (!before.cvFileId) return false;
      await tx.studentProfile.update({ where: { id }, data: { cvFileId: null } });
      await audit(tx, { actorId: actor.id, action: 'student.cv.remove', entityType: 'StudentProfile', entityId: id, before, after: { cvFileId: null }, requestId: meta.requestId });
      return true;
    });
  }

  async ownCv(actor: Actor) {
    const row = await this.db.studentProfile.findUnique({ where: { id: this.ownId(actor) }, select: { cvFileId: true } });
    if (!row?.cvFileId) throw notFound();
    return this.fileBytes(row.cvFileId);
  }
}
