// The reminders scenario (issue 14, "E-mails and reminders"): 100,000 validated internships under way
// or about to start, at every point of the label's steps (mid-term report not yet open, sent, waiting
// for each acknowledgement, the company's evaluation due or late, feedback written, grade recorded…),
// in a database of their own on the bench's server (`<name>_reminders`), written with set-based SQL;
// then one run of the daily reminder job (ReminderService.runDaily) on a fixed day, timed against the
// 10 s target, and a second run the same day (it finds every reminder already written and mails nothing).
// BENCH_ONLY=reminders runs it alone.
import { seedingClient, siblingDatabase } from './sql.js';
import { systemAct } from '../src/act.js';
import { closeDb, createDb } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { ReminderService } from '../src/modules/followup/reminders.js';
import { FixedClock } from '../src/time/clock.js';
import { recreate } from './agreements.js';

export const INTERNSHIPS = 100_000;
const TARGET_MS = 10_000;
const CENTRES = 20;
const TEACHERS = 1_000;
const ORGS = 5_000;
const TUTORS = 10_000;
/** The day the job runs (8:00 in Paris); the internships start up to 190 days before it and up to 20 days after. */
const TODAY = '2026-04-15';

const databaseUrl = (url: string) => siblingDatabase(url, 'reminders');

async function seed(url: string, log: (m: string) => void) {
  const { c, q } = await seedingClient(url, log);
  await c.query('SET synchronous_commit = off');
  await c.query('SELECT setseed(0.14)'); // the same data at every run
  await q('institution, centres, programmes, study years', `
    INSERT INTO "Institution" (code, name, city, "updatedAt") VALUES ('U1', 'Université 1', 'Clermont-Ferrand', now());
    -- Two centres keep the follow-up only for the label's internships.
    INSERT INTO "ManagementCentre" ("institutionId", name, kind, "addressLine1", "postalCode", city, phone, "followUpWithoutLabel", "updatedAt")
      SELECT 1, 'UFR ' || g, 'UFR', '1 rue des Écoles', '63000', 'Clermont-Ferrand', '0473000000', g > 2, now() FROM generate_series(1, ${CENTRES}) g;
    INSERT INTO "Programme" (code, "institutionId", name, "labelDefault", "updatedAt") SELECT 'P' || g, 1, 'Programme ' || g, g % 2 = 0, now() FROM generate_series(1, 40) g;
    INSERT INTO "StudyYear" ("programmeId", code, name, level, "centreId", "updatedAt")
      SELECT 1 + (g - 1) / 2, 'Y' || g, 'Année ' || g, 1 + g % 5, 1 + ((g - 1) / 4), now() FROM generate_series(1, ${CENTRES * 4}) g;`);
  // Users: the students (ids 1…100,000), the teachers, the company tutors' accounts, the managers; one in ten chose a mail per step.
  await q('users', `
    INSERT INTO "User" (email, "firstName", "lastName", "reminderMode", "updatedAt")
      SELECT 'student' || g || '@bench.test', 'Léa', 'Étudiante ' || g, (CASE WHEN g % 10 = 0 THEN 'PER_STEP' ELSE 'DIGEST' END)::"ReminderMode", now() FROM generate_series(1, ${INTERNSHIPS}) g;
    INSERT INTO "User" (email, "firstName", "lastName", "updatedAt") SELECT 'teacher' || g || '@bench.test', 'Paul', 'Enseignant ' || g, now() FROM generate_series(1, ${TEACHERS}) g;
    INSERT INTO "User" (email, "firstName", "lastName", "updatedAt") SELECT 'tutor' || g || '@bench.test', 'Bruno', 'Tuteur ' || g, now() FROM generate_series(1, ${TUTORS}) g;
    INSERT INTO "User" (email, "firstName", "lastName", "updatedAt") SELECT 'manager' || g || '@bench.test', 'Marie', 'Responsable ' || g, now() FROM generate_series(1, 120) g;
    INSERT INTO "AcademicRole" ("userId", kind, "programmeId") SELECT ${INTERNSHIPS + TEACHERS + TUTORS} + g, 'PROGRAMME_MANAGER', g FROM generate_series(1, 40) g;
    INSERT INTO "AcademicRole" ("userId", kind, "studyYearId") SELECT ${INTERNSHIPS + TEACHERS + TUTORS + 40} + g, 'YEAR_MANAGER', g FROM generate_series(1, 80) g;
    INSERT INTO "StudentProfile" ("userId", "studentNumber", "institutionId", "programmeId", "studyYearId", "updatedAt")
      SELECT g, 'E' || lpad(g::text, 8, '0'), 1, 1 + (g % 80) / 2, 1 + g % 80, now() FROM generate_series(1, ${INTERNSHIPS}) g;`);
  // Hosts and their tutors: seven in ten tutors have an account (the others are not reminded).
  await q('organisations, tutors', `
    INSERT INTO "Organisation" ("legalName", "normalizedName", "nafCode", headcount, "structureType", "legalStatus", "addressLine1", "postalCode", city, phone, "phoneDigits", verified, "updatedAt")
      SELECT 'Société ' || g, 'societe ' || g, '62.01Z', 'FROM_10_TO_49', 'COMPANY', 'SAS', g || ' avenue du Test', '69003', 'Lyon', '0102030405', '0102030405', true, now() FROM generate_series(1, ${ORGS}) g;
    INSERT INTO "Contact" ("organisationId", "firstName", "lastName", email, "userId", "updatedAt")
      SELECT 1 + (g - 1) % ${ORGS}, 'Bruno', 'Tuteur ' || g, 'tutor' || g || '@bench.test', CASE WHEN g % 10 < 7 THEN ${INTERNSHIPS + TEACHERS} + g END, now() FROM generate_series(1, ${TUTORS}) g;`);
  // Internship g: student g, its dates drawn around TODAY (8 to 24 weeks long).
  await q('internships', `INSERT INTO "Agreement" ("institutionId", "academicYear", seq, "centreId", "studentId", "studyYearId", "programmeId", "organisationId", "companyTutorId", "academicTutorId",
      type, subject, "startDate", "endDate", schedule, status, "submittedAt", "pedagogicalAt", "administrativeAt", "validatedAt", "updatedAt")
    SELECT 1, '2025-2026', g, sy."centreId", s.id, s."studyYearId", s."programmeId", 1 + (r.h / 11) % ${ORGS}, 1 + (r.h / 13) % ${TUTORS}, ${INTERNSHIPS} + 1 + (r.h / 17) % ${TEACHERS},
           'MANDATORY', 'Mission ' || g, d.start, d.start + 56 + (r.h / 19 % 5) * 28, '{"mon":7,"tue":7,"wed":7,"thu":7,"fri":7,"sat":0,"sun":0}',
           'VALIDATED', d.start - 40, d.start - 35, d.start - 30, d.start - 30, now()
    FROM generate_series(1, ${INTERNSHIPS}) g
    JOIN "StudentProfile" s ON s.id = g
    JOIN "StudyYear" sy ON sy.id = s."studyYearId"
    CROSS JOIN LATERAL (SELECT (random() * 1e9)::int + g * 0 AS h) r
    CROSS JOIN LATERAL (SELECT DATE '${TODAY}' + 20 - (r.h % 211) AS start) d;
    INSERT INTO "AgreementCounter" ("institutionId", "academicYear", last) VALUES (1, '2025-2026', ${INTERNSHIPS});`);
  // The label: three in ten agreed by the student and the host (the programme's default says yes for even programmes).
  await q('label enrolments', `INSERT INTO "LabelEnrolment" ("agreementId", "studentAnswer", "studentAt", "companyAnswer", "companyAt", "updatedAt")
    SELECT id, 'YES', "validatedAt", 'YES', "validatedAt", now() FROM "Agreement" WHERE id % 10 < 3`);
  // The steps done so far, each on a day drawn after the day it could be done, kept when that day has come.
  await q('steps done', `
    CREATE TEMP TABLE plan AS
      SELECT a.id, a."startDate" AS s, a."endDate" AS e, a."startDate" + (a."endDate" - a."startDate") / 2 AS half, (random() * 1e9)::int AS h FROM "Agreement" a;
    CREATE TEMP TABLE done AS
      SELECT id, s, e, half, h, half + h % 21 AS sent, half + h % 21 + h / 7 % 12 AS cack, half + h % 21 + h / 11 % 15 AS aack,
             e - 10 + h / 13 % 16 AS ceval, e - 10 + h / 13 % 16 + h / 17 % 12 AS consulted, e - 6 + h / 19 % 20 AS feedback, e + 15 + h / 23 % 50 AS grade,
             e + 15 + h / 23 % 50 + h / 29 % 25 AS seval
      FROM plan;
    INSERT INTO "MidtermReport" ("agreementId", status, "opensOn", "openedAt", "submittedAt", "companyAckAt", "academicAckAt", achievements, "updatedAt")
      SELECT id, CASE WHEN sent <= DATE '${TODAY}' THEN 'SUBMITTED' ELSE 'OPEN' END::"MidtermStatus", half, half,
             CASE WHEN sent <= DATE '${TODAY}' THEN sent + time '10:00' END, CASE WHEN cack <= DATE '${TODAY}' THEN cack + time '11:00' END,
             CASE WHEN aack <= DATE '${TODAY}' THEN aack + time '12:00' END, 'Bilan', now()
      FROM done WHERE half <= DATE '${TODAY}';
    INSERT INTO "EvaluationForm" (kind, version, definition) VALUES ('COMPANY', 1, '{}'), ('STUDENT', 1, '{}');
    INSERT INTO "Evaluation" ("agreementId", kind, "formId", answers, "submittedAt", "consultedAt")
      SELECT id, 'COMPANY', 1, '{}', ceval + time '14:00', CASE WHEN consulted <= DATE '${TODAY}' THEN consulted + time '15:00' END FROM done WHERE ceval <= DATE '${TODAY}';
    INSERT INTO "ExperienceFeedback" ("agreementId", "workConditions", environment, supervision, advice, recommend, "submittedAt", "updatedAt")
      SELECT id, 'Bien', 'Bien', 'Bien', 'Rien', true, feedback + time '16:00', now() FROM done WHERE feedback <= DATE '${TODAY}';
    INSERT INTO "InternshipGrade" ("agreementId", "defenceOn", grade, "recordedAt")
      SELECT id, grade, 14.5, grade + time '17:00' FROM done WHERE grade <= DATE '${TODAY}' AND consulted <= grade AND feedback <= grade;
    INSERT INTO "Evaluation" ("agreementId", kind, "formId", answers, "submittedAt")
      SELECT d.id, 'STUDENT', 2, '{}', seval + time '18:00' FROM done d JOIN "InternshipGrade" g ON g."agreementId" = d.id WHERE seval <= DATE '${TODAY}';`);
  await q('vacuum analyze', 'VACUUM ANALYZE');
  await c.end();
}

export async function remindersBench(serverUrl: string, log: (m: string) => void) {
  const { url, name } = databaseUrl(serverUrl);
  log(`\nreminders: seeding ${INTERNSHIPS} validated internships in ${name}`);
  await recreate(serverUrl, name);
  await migrate(url);
  const t0 = performance.now();
  await seed(url, log);
  log(`  seeded in ${Math.round(performance.now() - t0)} ms`);
  const db = createDb(url);
  try {
    // 8:00 in Paris (summer time), the job's hour.
    const svc = new ReminderService({ db, baseUrl: 'http://127.0.0.1', clock: new FixedClock(`${TODAY}T06:00:00Z`) });
    const act = systemAct(new FixedClock(`${TODAY}T06:00:00Z`));
    let t = performance.now();
    // The process's own CPU time too: on a machine busy with other work the wall time grows, not this.
    const cpu = process.cpuUsage();
    const first = await svc.runDaily(act);
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    log(`\none run of the daily reminders over ${INTERNSHIPS} internships on ${TODAY}: ${Math.round(ms)} ms (target < ${TARGET_MS} ms: ${ms < TARGET_MS ? 'ok' : 'MISSED'}), ${Math.round((used.user + used.system) / 1000)} ms of CPU in this process`);
    log(`  ${first.people} people reminded, ${first.reminders} step reminders, ${first.mails} mails queued`);
    t = performance.now();
    const again = await svc.runDaily(act);
    log(`the same day again: ${Math.round(performance.now() - t)} ms, ${again.mails} mails (nothing twice)`);
  } finally {
    await closeDb(db).catch(() => undefined);
  }
}
