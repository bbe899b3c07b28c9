import { audit } from '../../audit/audit.js';
import { warnAddressTaken } from '../../auth/address-taken.js';
import { queueInvitation } from '../../auth/invitations.js';
import type { Actor } from '../../authz/actor.js';
import { centreRight, centresWith, hasCentreRight } from '../../authz/centres.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { isUniqueViolation } from '../../db/unique.js';
import type { CentreRight, Civility, Locale, Prisma } from '../../generated/prisma/client.js';
import { forbidden, notFound, ValidationError } from '../../errors.js';
import { pager } from '../../http/pagination.js';
import { Service, type Act, type ServiceDeps } from '../../act.js';
import { applyImport } from './students.import.js';
import type { ParsedImport } from './students.import-file.js';
import { planImport } from './students.import-plan.js';
import { OwnProfileService } from './students.profile.js';
import { auditedProfile, fileBytes, present, studentInclude } from './students.records.js';
import type { ListFilters, RegistrationInput, StaffStudentInput } from './students.schemas.js';

/** The study years of the centres where the actor holds at least `min` (a platform administrator: every year). */
function yearsWith(actor: Actor, min: CentreRight): Prisma.StudyYearWhereInput {
  return actor.isPlatformAdmin ? {} : { centreId: { in: centresWith(actor, min) } };
}

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
  /** The student's own profile and CV. */
  readonly own: OwnProfileService;

  constructor(deps: ServiceDeps) {
    super(deps);
    this.own = new OwnProfileService(deps);
  }

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
    const years = await this.db.studyYear.findMany({
      where: yearsWith(actor, min),
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
    return this.db.institution.findMany({
      where: actor.isPlatformAdmin ? {} : { centres: { some: { id: { in: centresWith(actor, 'WRITE') } } } },
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
      civility: Civility;
      firstName: string;
      lastName: string;
      locale: Locale;
      studentNumber: string;
      institutionId: number;
      programmeId: number;
      studyYearId: number;
    },
    act: Act<Actor | null>,
    audited: { action: string; reasonKey: string; reasonParams: Record<string, string> },
  ) {
    const user = await tx.user.create({
      data: { email: data.email, civility: data.civility, firstName: data.firstName, lastName: data.lastName, locale: data.locale, passwordHash: null },
    });
    const profile = await tx.studentProfile.create({
      data: { userId: user.id, studentNumber: data.studentNumber, institutionId: data.institutionId, programmeId: data.programmeId, studyYearId: data.studyYearId },
    });
    await audit(tx, {
      // Self-registration: the new account is its own author.
      actorId: act.actor?.id ?? user.id,
      action: audited.action,
      entityType: 'StudentProfile',
      entityId: profile.id,
      after: {
        ...auditedProfile(profile),
        user: { id: user.id, email: user.email, civility: user.civility, firstName: user.firstName, lastName: user.lastName },
      },
      requestId: act.requestId,
    });
    const invitedBy = act.actor ? `${act.actor.firstName} ${act.actor.lastName}` : '';
    await queueInvitation(tx, user, { baseUrl: this.baseUrl, now: act.now, reasonKey: audited.reasonKey, reasonParams: audited.reasonParams, invitedBy });
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
   * An address that already has an account creates nothing: its owner is mailed instead, and the
   * visitor sees the same confirmation as for a new address (the form tells no one who has an account).
   */
  async register(act: Act<Actor | null>, input: RegistrationInput, locale: Locale): Promise<void> {
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

    const once = () =>
      this.db.$transaction(async (tx) => {
        const holder = await tx.user.findUnique({ where: { email: input.email }, select: { id: true, email: true, firstName: true, locale: true } });
        if (holder) return warnAddressTaken(tx, holder, { baseUrl: this.baseUrl, now: act.now, requestId: act.requestId, form: 'student' });
        await this.assertFree(tx, input.email, institution!.id, input.studentNumber);
        await this.createStudent(
          tx,
          { ...input, locale, institutionId: institution!.id, programmeId: programme!.id, studyYearId: year!.id },
          // Anonymous, whoever may be signed in on this browser.
          { ...act, actor: null },
          { action: 'student.register', reasonKey: 'students.mail.registered', reasonParams: { institution: institution!.name, year: year!.name } },
        );
      });
    return this.uniqueAsField(async () => {
      try {
        return await once();
      } catch (err) {
        // The same address registered at the same moment: once the other has committed, it is a taken address.
        if (isUniqueViolation(err) && uniqueField(err) === 'email') return once();
        throw err;
      }
    });
  }

  /** A study year the actor may put students in, with its programme and institution; 422 otherwise. */
  private async writableYear(db: DbOrTx, actor: Actor, studyYearId: number) {
    const year = await db.studyYear.findUnique({
      where: { id: studyYearId },
      select: { id: true, name: true, centreId: true, programmeId: true, programme: { select: { institutionId: true, institution: { select: { name: true } } } } },
    });
    if (!year) throw new ValidationError({ studyYearId: 'errors.field.choice' });
    if (!hasCentreRight(actor, year.centreId, 'WRITE')) throw new ValidationError({ studyYearId: 'students.errors.yearNotWritable' });
    return year;
  }

  /** Staff (WRITE in the year's centre) create a student, who receives the link to choose a password. */
  async create(act: Act, input: StaffStudentInput) {
    const year = await this.writableYear(this.db, act.actor, input.studyYearId);
    return this.uniqueAsField(() =>
      this.db.$transaction(async (tx) => {
        await this.assertFree(tx, input.email, year.programme.institutionId, input.studentNumber);
        return this.createStudent(
          tx,
          { ...input, locale: 'fr', institutionId: year.programme.institutionId, programmeId: year.programmeId, studyYearId: year.id },
          act,
          { action: 'student.create', reasonKey: 'students.mail.createdByStaff', reasonParams: { institution: year.programme.institution.name, year: year.name } },
        );
      }),
    );
  }

  /** Staff (WRITE in the student's centre and in the new year's) change the identity or the year. */
  async update(act: Act, id: number, input: StaffStudentInput) {
    const { student } = await this.findForActor(act.actor, id, 'WRITE');
    const year = await this.writableYear(this.db, act.actor, input.studyYearId);
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
          actorId: act.actor.id,
          action: 'student.update',
          entityType: 'StudentProfile',
          entityId: id,
          before: { ...auditedProfile(before) },
          after: { ...auditedProfile(profile), user },
          requestId: act.requestId,
        });
        return profile;
      }),
    );
  }

  // ───────────── staff: list and record ─────────────

  /** One page of the students in reach, in `order` (see LIST_SORT; by name by default). */
  async list(actor: Actor, filters: ListFilters, page: number, order?: Prisma.StudentProfileOrderByWithRelationInput[] | null) {
    const and: Prisma.StudentProfileWhereInput[] = [actor.isPlatformAdmin ? {} : { studyYear: yearsWith(actor, 'READ') }];
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
      orderBy: order ?? [{ user: { lastName: 'asc' } }, { user: { firstName: 'asc' } }, { id: 'asc' }],
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
    if (!hasCentreRight(actor, centreId, 'READ')) throw notFound();
    if (!hasCentreRight(actor, centreId, min)) throw forbidden();
    const canManage = hasCentreRight(actor, centreId, 'WRITE');
    return { student: present(row, canManage), right: centreId ? centreRight(actor, centreId) : null, canManage };
  }

  /** The student's CV for staff of their centre (READ and above). */
  async cvForStaff(actor: Actor, id: number) {
    const { student } = await this.findForActor(actor, id, 'READ');
    if (!student.cvFileId) throw notFound();
    return fileBytes(this.db, student.cvFileId);
  }

  // ───────────── staff: CSV import ─────────────

  /** What the import would do (the preview): one outcome per row. */
  planImport(actor: Actor, institutionId: number, parsed: ParsedImport) {
    return planImport(this.db, actor, institutionId, parsed);
  }

  /** Writes every row of the plan, or nothing (ImportRefused when a row is refused). */
  applyImport(act: Act, institutionId: number, parsed: ParsedImport, file: { name: string; sha256: string }) {
    return applyImport(this.db, this.baseUrl, act, institutionId, parsed, file);
  }
}
