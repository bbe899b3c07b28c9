// The label's daily reminders (issue 14): each person is reminded of the steps due soon or late for
// them, on the days the step table says (LABEL_STEPS' `remind`: days after the step became ready, then
// every `lateEvery` days once it is late), until the step is done. One digest a day listing
// everything, or one mail per step (User.reminderMode). Exactly once: the StepReminder rows (their key
// is the person, the internship, the step and the day) and the mails commit together, so a second run
// the same day, or a run after a crash, finds the rows and mails nothing again.
import { Service, type Act, type SystemAct } from '../../act.js';
import { reminderModeOf, type Actor } from '../../authz/actor.js';
import { audit } from '../../audit/audit.js';
import type { Db } from '../../db/client.js';
import type { Prisma } from '../../generated/prisma/client.js';
import type { ReminderMode } from '../../generated/prisma/enums.js';
import { isLocale, translate, type LocaleCode } from '../../i18n/index.js';
import { queueEmails, type QueueEmail } from '../../mail/outbox.js';
import { todayIn, type CalendarDate } from '../../time/calendar.js';
import { agreementNumber } from '../agreements/agreement.types.js';
import { factsOf, followingLabel, LABEL_STEPS, stepStates, type LabelStep, type StepActor, type StepFacts, type StepView } from './label.steps.js';

/** Internships read at once (one statement per kind of fact for each chunk). */
const CHUNK = 5_000;
/**
 * Internships that ended longer ago than this are not reminded any more: every step of the table is
 * due within it (the defence 60 days after the end, the student's evaluation two weeks after the
 * grade), and agreements of past years, validated before the follow-up existed, would otherwise be
 * reminded weekly for ever.
 */
export const REMIND_DAYS_AFTER_END = 180;
/**
 * People whose rows and mails are written in one transaction. Each person's rows and mails are always
 * in the same transaction (never split), so the exactly-once guarantee is the same as with one
 * transaction per person; grouping them only saves the round trips of thousands of commits.
 */
export const PEOPLE_PER_TRANSACTION = 200;

/** One step of one internship to remind a person of. */
export interface ReminderLine {
  agreementId: number;
  step: string;
  anchor: string;
  number: string;
  student: string;
  dueOn: CalendarDate | null;
  late: boolean;
}

interface Person {
  id: number;
  email: string;
  firstName: string;
  locale: LocaleCode;
  mode: ReminderMode;
  lines: ReminderLine[];
}

export interface RunOptions {
  /** Called after each transaction commits, with its people (tests: a crash half-way). */
  afterCommit?: (userIds: number[]) => void | Promise<void>;
  peoplePerTransaction?: number;
}

const REMIND = new Map(LABEL_STEPS.filter((s) => s.remind).map((s) => [s.code, s.remind!] as const));

/**
 * Whether a step to do is reminded today: `days` after the day it became ready, or every
 * `lateEvery` days once late, counted from the day after its due day.
 */
export function remindedOn(remind: NonNullable<LabelStep['remind']>, v: StepView, today: CalendarDate): boolean {
  if (v.state !== 'todo' && v.state !== 'late') return false;
  const t = dayNumber(today);
  if (v.readyOn && remind.days.includes(t - dayNumber(v.readyOn))) return true;
  if (v.state !== 'late' || !remind.lateEvery || !v.dueOn) return false;
  const sinceLate = t - dayNumber(v.dueOn) - 1;
  return sinceLate >= 0 && sinceLate % remind.lateEvery === 0;
}

/** Days since 1970-01-01: the job compares a few days for each of 100,000 internships, without making dates. */
const dayNumber = (d: CalendarDate) => Date.UTC(d.year, d.month - 1, d.day) / 86_400_000;

export class ReminderService extends Service {
  /** The daily job. Returns how many people were reminded, and the mails and reminder rows written. */
  async runDaily(act: SystemAct, opts: RunOptions = {}): Promise<{ people: number; mails: number; reminders: number }> {
    const today = todayIn(act.now);
    const due = await this.dueToday(today);
    const people = await this.people(due);
    const size = opts.peoplePerTransaction ?? PEOPLE_PER_TRANSACTION;
    let mails = 0;
    let reminders = 0;
    for (let i = 0; i < people.length; i += size) {
      const batch = people.slice(i, i + size);
      await this.db.$transaction(async (tx) => {
        const rows = batch.flatMap((p) => p.lines.map((l) => [p.id, l.agreementId, l.step] as const));
        // One statement for the batch (a quarter of the time of createManyAndReturn); the primary key
        // keeps out the rows already written today, and RETURNING gives the new ones only.
        const fresh = await tx.$queryRaw<{ userId: number; agreementId: number; step: string }[]>`
          INSERT INTO "StepReminder" ("userId", "agreementId", step, day, "sentAt")
          SELECT u, a, s, ${today.toString()}::date, ${act.now} FROM unnest(${rows.map((r) => r[0])}::int[], ${rows.map((r) => r[1])}::int[], ${rows.map((r) => r[2])}::text[]) AS x(u, a, s)
          ON CONFLICT DO NOTHING
          RETURNING "userId", "agreementId", step`;
        reminders += fresh.length;
        // Only the rows written now are mailed: those already there were mailed by an earlier run.
        const isNew = new Set(fresh.map((r) => `${r.userId}:${r.agreementId}:${r.step}`));
        mails += await queueEmails(tx, batch.flatMap((p) => this.mailsOf(p, p.lines.filter((l) => isNew.has(`${p.id}:${l.agreementId}:${l.step}`)), today)));
      }, { timeout: 60_000 });
      await opts.afterCommit?.(batch.map((p) => p.id));
    }
    return { people: people.length, mails, reminders };
  }

  /** The steps due a reminder today, by person (user id), over every internship kept in follow-up. */
  private async dueToday(today: CalendarDate): Promise<Map<number, ReminderLine[]>> {
    const kept = new Set((await this.db.managementCentre.findMany({ where: { followUpWithoutLabel: true }, select: { id: true } })).map((c) => c.id));
    const managers = new Managers(this.db);
    const due = new Map<number, ReminderLine[]>();
    const seen = new Set<string>();
    // The next chunk is read while this one is worked on: the database and the process overlap.
    const read = (after: number) => {
      const p = this.chunk(kept, after, today.addDays(-REMIND_DAYS_AFTER_END));
      // Awaited below; should this chunk's work throw first, its failure is not left unhandled.
      p.catch(() => undefined);
      return p;
    };
    let next = read(0);
    for (;;) {
      const { rows, facts } = await next;
      if (!rows.length) break;
      next = read(rows[rows.length - 1].id);
      const wanted: { a: Candidate; v: StepView }[] = [];
      for (const a of rows) {
        const f = facts.get(a.id);
        if (!f) continue;
        for (const v of stepStates(f, today).steps) {
          const remind = REMIND.get(v.code);
          if (remind && remindedOn(remind, v, today)) wanted.push({ a, v });
        }
      }
      await managers.load(wanted.map((w) => w.a));
      for (const { a, v } of wanted) {
        const line: ReminderLine = { agreementId: a.id, step: v.code, anchor: v.anchor, number: agreementNumber(a), student: `${a.firstName} ${a.lastName}`, dueOn: v.dueOn, late: v.state === 'late' };
        for (const userId of recipientsOf(v.actor, a, managers)) {
          const key = `${userId}:${a.id}:${v.code}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const lines = due.get(userId);
          if (lines) lines.push(line);
          else due.set(userId, [line]);
        }
      }
    }
    return due;
  }

  /**
   * The validated internships after `after` (by id) that may be kept in follow-up — in a centre that
   * keeps it without the label, or agreed to the label by the student and the company — with the
   * facts of those that are (followingLabel decides the others). One flat statement for the
   * internships, then one per kind of fact (factsOf), never one per internship.
   */
  private async chunk(kept: Set<number>, after: number, endedSince: CalendarDate): Promise<{ rows: Candidate[]; facts: Map<number, StepFacts> }> {
    const rows = await this.db.$queryRaw<Candidate[]>`
      SELECT a.id, a."academicYear", a.seq, a."sheetId", a."validatedAt", a.status::text AS status, a."centreId", a."programmeId", a."studyYearId", a."organisationId",
             a."startDate", a."endDate", a.schedule, a.interruptions, a."holidaysCountry", a."academicTutorId", c."userId" AS "tutorUserId", s."userId" AS "studentUserId", u."firstName", u."lastName"
      FROM "Agreement" a
      JOIN "StudentProfile" s ON s.id = a."studentId"
      JOIN "User" u ON u.id = s."userId"
      LEFT JOIN "Contact" c ON c.id = a."companyTutorId"
      WHERE a.status = 'VALIDATED' AND a.id > ${after} AND a."endDate" >= ${endedSince.toDb()}
        AND (a."centreId" = ANY(${[...kept]}::int[]) OR EXISTS (SELECT 1 FROM "LabelEnrolment" e WHERE e."agreementId" = a.id AND e."studentAnswer" = 'YES' AND e."companyAnswer" = 'YES'))
      ORDER BY a.id
      LIMIT ${CHUNK}`;
    const follows = await followingLabel(this.db, rows.filter((a) => !kept.has(a.centreId)));
    return { rows, facts: await factsOf(this.db, rows.filter((a) => kept.has(a.centreId) || follows.has(a.id))) };
  }

  /** The active people among those due a reminder, with their address, language and preference, by id. */
  private async people(due: Map<number, ReminderLine[]>): Promise<Person[]> {
    const ids = [...due.keys()].sort((x, y) => x - y);
    const out: Person[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const users = await this.db.user.findMany({ where: { id: { in: ids.slice(i, i + CHUNK) }, active: true }, orderBy: { id: 'asc' }, select: { id: true, email: true, firstName: true, locale: true, reminderMode: true } });
      for (const u of users) out.push({ id: u.id, email: u.email, firstName: u.firstName, locale: isLocale(u.locale) ? u.locale : 'fr', mode: u.reminderMode, lines: due.get(u.id)!.sort(byUrgency) });
    }
    return out;
  }

  /** The person's mails for these lines: one digest, or one per step. */
  private mailsOf(p: Person, lines: ReminderLine[], today: CalendarDate): QueueEmail[] {
    if (!lines.length) return [];
    const base = { firstName: p.firstName, accountLink: `${this.baseUrl}/account` };
    if (p.mode === 'DIGEST') {
      return [{ to: p.email, template: 'step-digest', locale: p.locale, data: { ...base, count: lines.length, lines: lines.map((l) => this.lineData(l)) }, dedupeKey: `step-digest:${p.id}:${today}` }];
    }
    return lines.map((l) => ({
      to: p.email,
      template: 'step-reminder',
      locale: p.locale,
      data: { ...base, ...this.lineData(l), stepLabel: translate(p.locale, `followup.steps.code.${l.step}`) },
      dedupeKey: `step-reminder:${p.id}:${l.agreementId}:${l.step}:${today}`,
    }));
  }

  private lineData(l: ReminderLine) {
    return { student: l.student, number: l.number, step: l.step, due: l.dueOn?.toDb() ?? null, lateSince: l.late && l.dueOn ? l.dueOn.addDays(1).toDb() : null, link: `${this.baseUrl}/agreements/${l.agreementId}/follow-up#${l.anchor}` };
  }

  /** The person's choice (the account page): read with the actor, else from the database. */
  async modeOf(actor: Actor): Promise<ReminderMode> {
    return reminderModeOf(actor) ?? (await this.db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { reminderMode: true } })).reminderMode;
  }

  /** The person chooses a digest a day or a mail per step. */
  async setMode(act: Act, mode: ReminderMode): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const before = await tx.user.findUniqueOrThrow({ where: { id: act.actor.id }, select: { reminderMode: true } });
      await tx.user.update({ where: { id: act.actor.id }, data: { reminderMode: mode } });
      await audit(tx, { actorId: act.actor.id, action: 'account.reminders', entityType: 'User', entityId: act.actor.id, before, after: { reminderMode: mode }, requestId: act.requestId });
    });
  }
}

/** Late first, then by due day (none last), then by agreement and step order. */
function byUrgency(x: ReminderLine, y: ReminderLine): number {
  if (x.late !== y.late) return x.late ? -1 : 1;
  if (x.dueOn && y.dueOn && !x.dueOn.equals(y.dueOn)) return x.dueOn.isBefore(y.dueOn) ? -1 : 1;
  if (!x.dueOn !== !y.dueOn) return x.dueOn ? -1 : 1;
  return x.number.localeCompare(y.number) || STEP_ORDER.get(x.step)! - STEP_ORDER.get(y.step)!;
}
const STEP_ORDER = new Map(LABEL_STEPS.map((s, i) => [s.code, i]));

/** An internship as the job reads it: the agreement's fields the facts need, its people's ids, the student's name. */
interface Candidate {
  id: number; academicYear: string; seq: number; sheetId: number | null; validatedAt: Date | null; status: string; centreId: number; programmeId: number | null; studyYearId: number | null; organisationId: number;
  startDate: Date; endDate: Date; schedule: Prisma.JsonValue; interruptions: Prisma.JsonValue; holidaysCountry: string; academicTutorId: number | null;
  tutorUserId: number | null; studentUserId: number; firstName: string; lastName: string;
}

/**
 * Who acts for a step of this internship: its student, the company tutor's account (a contact
 * without an account is not reminded: it has no address of its own here), its academic tutor, the
 * managers of its programme or study year. The centre's steps have no reminder.
 */
function recipientsOf(actor: StepActor, a: Candidate, managers: Managers): number[] {
  switch (actor) {
    case 'student': return [a.studentUserId];
    case 'companyTutor': return a.tutorUserId ? [a.tutorUserId] : [];
    case 'academicTutor': return a.academicTutorId ? [a.academicTutorId] : [];
    case 'programmeManager': return a.programmeId ? managers.programme.get(a.programmeId) ?? [] : [];
    case 'yearManager': return a.studyYearId ? managers.year.get(a.studyYearId) ?? [] : [];
    case 'centre': return [];
  }
}

/** The programme and study-year managers, read once for each programme or year met (not per internship). */
class Managers {
  readonly programme = new Map<number, number[]>();
  readonly year = new Map<number, number[]>();
  constructor(private readonly db: Db) {}

  async load(agreements: Candidate[]) {
    const programmes = [...new Set(agreements.map((a) => a.programmeId).filter((x): x is number => x !== null && !this.programme.has(x)))];
    const years = [...new Set(agreements.map((a) => a.studyYearId).filter((x): x is number => x !== null && !this.year.has(x)))];
    if (!programmes.length && !years.length) return;
    const roles = await this.db.academicRole.findMany({
      where: { OR: [{ kind: 'PROGRAMME_MANAGER', programmeId: { in: programmes } }, { kind: 'YEAR_MANAGER', studyYearId: { in: years } }] },
      select: { userId: true, kind: true, programmeId: true, studyYearId: true },
    });
    for (const id of programmes) this.programme.set(id, []);
    for (const id of years) this.year.set(id, []);
    for (const r of roles) {
      if (r.kind === 'PROGRAMME_MANAGER' && r.programmeId !== null) this.programme.get(r.programmeId)?.push(r.userId);
      if (r.kind === 'YEAR_MANAGER' && r.studyYearId !== null) this.year.get(r.studyYearId)?.push(r.userId);
    }
  }
}
