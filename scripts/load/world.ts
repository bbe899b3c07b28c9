// The load run's own world, beside the bench volumes (bench/seed.ts): what the journeys act on.
// One institution and centre ("Université Charge", follow-up kept without the label, no middle
// steps and no signature phase: its WRITE staff validate a submitted agreement directly), and, each
// with an account (password bench/seed.ts PASSWORD):
//   STUDENTS students, each with a draft internship sheet, an internship under way (validated,
//     ended in 5 days: the journal, the mid-term report sent, the company's evaluation open) and a
//     submitted agreement for next year (for staff to validate);
//   COMPANIES organisations, each with an administrator who is also the company tutor (a contact
//     with the account) of its interns, 5 published offers and 40 applications of bench students;
//   TEACHERS academic tutors (of the internships, round robin); STAFF WRITE members of the centre.
// Agreements are made as the platform makes them (createAgreement, then the submission: the legal
// engine, the snapshot); the states the journeys start from are then written by SQL, and written
// again by `resetWorld` before each run, so that every run starts from the same states.
import pg from 'pg';
import { hashPassword } from '../../src/auth/password.js';
import { loadActor } from '../../src/authz/actor.js';
import { loadConfig } from '../../src/config/index.js';
import { createContext } from '../../src/context.js';
import { closeDb, createDb, type Db } from '../../src/db/client.js';
import { createAgreement } from '../../src/modules/agreements/agreements.create.js';
import { academicYearAt } from '../../src/modules/institutions/academic-years.js';
import { derivedColumns } from '../../src/modules/organisations/organisations.core.js';
import { draftSchema } from '../../src/modules/sheets/sheets.fields.js';
import { CalendarDate, todayIn } from '../../src/time/calendar.js';
import { systemClock } from '../../src/time/clock.js';
import { PASSWORD } from '../../bench/seed.js';

export const STUDENTS = 500;
export const COMPANIES = 100;
export const TEACHERS = 60;
export const STAFF = 100;
const OFFERS_PER_COMPANY = 5;
const APPLICATIONS_PER_COMPANY = 40;
const MARK = 'load.staff1@load.test';
const FULL = { mon: 7, tue: 7, wed: 7, thu: 7, fri: 7, sat: 0, sun: 0 };

export const email = {
  student: (i: number) => `load.student${i}@load.test`,
  company: (i: number) => `load.company${i}@load.test`,
  teacher: (i: number) => `load.teacher${i}@load.test`,
  staff: (i: number) => `load.staff${i}@load.test`,
};

/** The world is there when its last step (the staff accounts, written last) is. */
async function worldSeeded(c: pg.Client) {
  return !!(await c.query(`SELECT 1 FROM "User" WHERE email = $1`, [MARK])).rowCount;
}

export async function ensureWorld(url: string, log: (m: string) => void) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    if (await worldSeeded(c)) return log('re-using the load world (load.*@load.test accounts)');
    if ((await c.query(`SELECT 1 FROM "User" WHERE email LIKE 'load.%@load.test' LIMIT 1`)).rowCount) throw new Error('a previous seeding of the load world stopped half-way: drop the database (or its load.* rows) and run again');
    log(`seeding the load world: ${STUDENTS} students, ${COMPANIES} companies, ${TEACHERS} academic tutors, ${STAFF} staff, ${STUDENTS * 2} agreements (once)`);
    const t = performance.now();
    await seedWorld(url, c, log);
    log(`  load world seeded in ${Math.round((performance.now() - t) / 1000)} s`);
  } finally {
    await c.end();
  }
}

async function seedWorld(url: string, c: pg.Client, log: (m: string) => void) {
  const hash = await hashPassword(PASSWORD);
  const q = async (label: string, sql: string, params: unknown[] = []) => {
    const t = performance.now();
    const r = await c.query(sql, params);
    log(`  world ${label}: ${Math.round(performance.now() - t)} ms`);
    return r;
  };
  const inst = (await q('institution', `INSERT INTO "Institution" (code, name, city, "updatedAt") VALUES ('LOAD', 'Université Charge', 'Clermont-Ferrand', now()) RETURNING id`)).rows[0].id as number;
  const centre = (await q('centre', `INSERT INTO "ManagementCentre" ("institutionId", name, kind, "addressLine1", "postalCode", city, phone, email, "pedagogicalStep", "administrativeStep", "signatureParties", "followUpWithoutLabel", "updatedAt")
    VALUES ($1, 'UFR Charge', 'UFR', '1 rue des Écoles', '63000', 'Clermont-Ferrand', '04 73 00 00 00', 'stages@load.test', false, false, '{}', true, now()) RETURNING id`, [inst])).rows[0].id as number;
  const prog = (await q('programme', `INSERT INTO "Programme" ("institutionId", code, name, "updatedAt") VALUES ($1, 'LINFO', 'Licence Informatique (charge)', now()) RETURNING id`, [inst])).rows[0].id as number;
  const year = (await q('study year', `INSERT INTO "StudyYear" ("programmeId", code, name, level, "centreId", "updatedAt") VALUES ($1, 'L3C', 'L3 Informatique (charge)', 3, $2, now()) RETURNING id`, [prog, centre])).rows[0].id as number;
  await q('students', `WITH u AS (INSERT INTO "User" (email, "passwordHash", "firstName", "lastName", "updatedAt")
      SELECT 'load.student' || g || '@load.test', $1, (ARRAY['Léa','Hugo','Emma','Louis','Chloé','Jules'])[1 + g % 6], 'Charge' || g, now() FROM generate_series(1, ${STUDENTS}) g RETURNING id)
    INSERT INTO "StudentProfile" ("userId", "studentNumber", "institutionId", "programmeId", "studyYearId", "addressLine1", "postalCode", city, "updatedAt")
      SELECT id, 'LC' || id, $2, $3, $4, '5 place de Jaude', '63000', 'Clermont-Ferrand', now() FROM u`, [hash, inst, prog, year]);
  await q('teachers', `WITH u AS (INSERT INTO "User" (email, "passwordHash", "firstName", "lastName", "updatedAt")
      SELECT 'load.teacher' || g || '@load.test', $1, 'Paul', 'Enseignant' || g, now() FROM generate_series(1, ${TEACHERS}) g RETURNING id)
    INSERT INTO "AcademicRole" ("userId", kind, "programmeId") SELECT id, 'ACADEMIC_TUTOR', $2 FROM u`, [hash, prog]);

  // Companies through Prisma (the derived columns of the directory's search), then their people.
  const db = createDb(url);
  try {
    for (let k = 1; k <= COMPANIES; k++) {
      const legalName = `Charge Logiciels ${k}`;
      const org = await db.organisation.create({
        data: { legalName, siret: String(80000000000000 + k * 7).padStart(14, '0'), nafCode: '62.01Z', headcount: 'FROM_10_TO_49', structureType: 'COMPANY', legalStatus: 'SAS', addressLine1: `${k} rue de la République`, city: 'Lyon', postalCode: '69002', country: 'FR', phone: '04 72 00 00 00', verified: true, ...derivedColumns({ legalName, phone: '04 72 00 00 00', fax: null, postalCode: '69002', country: 'FR' }) },
      });
      const user = await db.user.create({ data: { email: email.company(k), passwordHash: hash, firstName: 'Claire', lastName: `Entreprise${k}` } });
      await db.companyMembership.create({ data: { userId: user.id, organisationId: org.id, role: 'ADMIN', canPublishOffers: true } });
      const service = await db.service.create({ data: { organisationId: org.id, name: 'Études', normalizedName: 'etudes' } });
      await db.contact.create({ data: { organisationId: org.id, serviceId: service.id, firstName: 'Claire', lastName: `Entreprise${k}`, email: email.company(k), userId: user.id, function: 'Responsable technique' } });
      await db.contact.create({ data: { organisationId: org.id, firstName: 'Sophie', lastName: `Directrice${k}`, function: 'Directrice' } });
    }
    log(`  world companies: ${COMPANIES}`);
    await q('offers', `INSERT INTO "Offer" (kind, status, title, domain, missions, skills, "postalCode", city, country, paid, "durationMonths", "educationLevel", "organisationId", "centreId", "fromCompany", "authorId",
        "publishFrom", "publishUntil", "diffusionMonths", "targetAll", "updatedAt")
      SELECT 'INTERNSHIP', 'PUBLISHED', 'Développeur web ' || o.id || '-' || g, 'Informatique', 'Développement d''une application web.', 'TypeScript, SQL', '69002', 'Lyon', 'FR', true, 6, 'BAC_3',
             o.id, $1, true, m."userId", now() - interval '10 days', now() + interval '300 days', 3, true, now()
      FROM "Organisation" o JOIN "CompanyMembership" m ON m."organisationId" = o.id JOIN "User" u ON u.id = m."userId" AND u.email LIKE 'load.company%@load.test'
      CROSS JOIN generate_series(1, ${OFFERS_PER_COMPANY}) g`, [centre]);
    // Applications of bench students to those offers (one letter, a real small PDF, shared).
    const pdf = Buffer.from(minimalPdf());
    const file = (await q('letter file', `INSERT INTO "StoredFile" ("originalName", "mimeType", extension, size, sha256, data) VALUES ('lettre.pdf', 'application/pdf', 'pdf', $1, encode(sha256($2::bytea), 'hex'), $2) RETURNING id`, [pdf.length, pdf])).rows[0].id as number;
    await q('applications', `INSERT INTO "Application" ("studentId", "offerId", "organisationId", title, message, "letterFileId", "cvFileId", status, "updatedAt")
      SELECT s.id, o.id, o."organisationId", 'Candidature ' || o.title, 'Madame, Monsieur, je souhaite rejoindre votre équipe.', $1, $1, 'SENT', now()
      FROM "Offer" o JOIN "Organisation" org ON org.id = o."organisationId" AND org."legalName" LIKE 'Charge Logiciels %'
      CROSS JOIN generate_series(1, ${APPLICATIONS_PER_COMPANY / OFFERS_PER_COMPANY}) g
      JOIN "StudentProfile" s ON s.id = 1 + (o.id * 13 + g * 101) % 40000`, [file]);

    // Staff (WRITE), written after the agreements below would be too late for the marker: the
    // agreements are submitted by one of them, so they come first and the marker row last.
    const staffUser = await db.user.create({ data: { email: email.staff(2), passwordHash: hash, firstName: 'Samuel', lastName: 'Scolarité2' } });
    await db.centreStaff.create({ data: { userId: staffUser.id, centreId: centre, right: 'WRITE' } });
    await agreements(db, url, { centre, staffUserId: staffUser.id, log });
    await q('staff', `WITH u AS (INSERT INTO "User" (email, "passwordHash", "firstName", "lastName", "updatedAt")
        SELECT 'load.staff' || g || '@load.test', $1, 'Samuel', 'Scolarité' || g, now() FROM generate_series(1, ${STAFF}) g WHERE g <> 2 ORDER BY g DESC RETURNING id)
      INSERT INTO "CentreStaff" ("userId", "centreId", "right", "updatedAt") SELECT id, $2, 'WRITE', now() FROM u`, [hash, centre]);
    await q('vacuum analyze', 'VACUUM ANALYZE');
  } finally {
    await closeDb(db);
  }
}

/** The internships: createAgreement and the submission, as the platform does, four at a time. */
async function agreements(db: Db, url: string, o: { centre: number; staffUserId: number; log: (m: string) => void }) {
  const ctx = createContext({ config: loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'load-secret-load-secret-load', BASE_URL: 'http://127.0.0.1', JOBS_ENABLED: 'false', LOG_LEVEL: 'silent' }), db, databaseUrl: url });
  const actor = (await loadActor(db, o.staffUserId))!;
  const students = await db.studentProfile.findMany({ where: { user: { email: { startsWith: 'load.student' } } }, select: { id: true }, orderBy: { id: 'asc' } });
  const orgs = await db.organisation.findMany({ where: { legalName: { startsWith: 'Charge Logiciels ' } }, select: { id: true, services: { select: { id: true } }, contacts: { select: { id: true, userId: true } } }, orderBy: { id: 'asc' } });
  const teachers = await db.user.findMany({ where: { email: { startsWith: 'load.teacher' } }, select: { id: true }, orderBy: { id: 'asc' } });
  const today = todayIn(systemClock.now());
  // Made a year ahead (a submission checks dates to come), the one under way then moved to today.
  const ahead = today.addDays(400);
  const currentYear = (await academicYearAt(db, today)).label;
  const make = async (i: number, kind: 'current' | 'next') => {
    const org = orgs[i % orgs.length];
    const tutor = org.contacts.find((x) => x.userId !== null)!;
    const signatory = org.contacts.find((x) => x.userId === null)!;
    const start = kind === 'current' ? ahead : ahead.addDays(120);
    const now = systemClock.now();
    const act = { actor, requestId: null, now };
    const a = await db.$transaction((tx) =>
      createAgreement(tx, act, {
        studentId: students[i].id, organisationId: org.id, serviceId: org.services[0].id, companyTutorId: tutor.id, signatoryId: signatory.id, academicTutorId: teachers[i % teachers.length].id,
        type: 'MANDATORY', subject: `Développement d'une application web (${i + 1})`, activities: 'Développement, tests, documentation', startDate: start, endDate: start.addDays(74),
        schedule: FULL, payAmount: 4.5, payUnit: 'HOUR', paymentMethod: 'BANK_TRANSFER', leaveTerms: '2 jours par mois', ...(kind === 'current' ? { academicYear: currentYear } : {}),
      }),
    );
    await ctx.services.agreements.perform(act, a.id, 'submit');
    return a.id;
  };
  const current: number[] = [];
  const next: number[] = [];
  let done = 0;
  for (const [kind, list] of [['current', current], ['next', next]] as const) {
    const queue = students.map((_, i) => i);
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        list.push(await make(i, kind));
        if (++done % 200 === 0) o.log(`  world agreements: ${done} / ${students.length * 2}`);
      }
    }));
  }
  // Under way: started 70 days ago, ends in 5 days; validated; the mid-term report sent.
  const start = today.addDays(-70);
  await db.$executeRawUnsafe(`UPDATE "Agreement" SET "startDate" = $1::date, "endDate" = $2::date, status = 'VALIDATED', "validatedAt" = now(), "validatedById" = $3 WHERE id = ANY($4::int[])`, start.toDb(), start.addDays(75).toDb(), o.staffUserId, current);
  await db.$executeRawUnsafe(`INSERT INTO "MidtermReport" ("agreementId", status, "opensOn", achievements, "submittedAt", "updatedAt") SELECT id, 'SUBMITTED', $1::date, 'Première version de l''application livrée.', now(), now() FROM unnest($2::int[]) id`, today.addDays(-30).toDb(), current);
  // A draft internship sheet per student, through the service (its content as the form saves it).
  for (const s of await db.studentProfile.findMany({ where: { user: { email: { startsWith: 'load.student' } } }, select: { userId: true } })) {
    const act = { actor: (await loadActor(db, s.userId))!, requestId: null, now: systemClock.now() };
    await ctx.services.sheets.create(act, draftSchema.parse({ subject: 'Application web de gestion', startDate: ahead.addDays(240).toString(), endDate: ahead.addDays(300).toString() }), 'save');
  }
  o.log(`  world sheets: ${students.length}`);
}

/**
 * Puts the journeys' records back in their starting states (a previous run moved them): the
 * companies' applications SENT, the students' own applications and journal entries removed, the
 * company evaluations removed, the mid-term reports back to sent and not acknowledged, next year's
 * agreements back to SUBMITTED.
 */
export async function resetWorld(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`
      DELETE FROM "Application" WHERE "studentId" IN (SELECT s.id FROM "StudentProfile" s JOIN "User" u ON u.id = s."userId" WHERE u.email LIKE 'load.student%@load.test');
      UPDATE "Application" SET status = 'SENT', "readAt" = NULL WHERE "organisationId" IN (SELECT id FROM "Organisation" WHERE "legalName" LIKE 'Charge Logiciels %') AND status <> 'SENT';
      DELETE FROM "JournalEntry" WHERE "agreementId" IN (SELECT id FROM "Agreement" WHERE "centreId" = (SELECT id FROM "ManagementCentre" WHERE name = 'UFR Charge'));
      DELETE FROM "Evaluation" WHERE "agreementId" IN (SELECT id FROM "Agreement" WHERE "centreId" = (SELECT id FROM "ManagementCentre" WHERE name = 'UFR Charge'));
      UPDATE "MidtermReport" SET status = 'SUBMITTED', "academicAckAt" = NULL, "academicAckById" = NULL, "academicComment" = NULL, "companyAckAt" = NULL, "companyAckById" = NULL, "companyComment" = NULL
        WHERE "agreementId" IN (SELECT id FROM "Agreement" WHERE "centreId" = (SELECT id FROM "ManagementCentre" WHERE name = 'UFR Charge')) AND (status <> 'SUBMITTED' OR "academicAckAt" IS NOT NULL OR "companyAckAt" IS NOT NULL);
      UPDATE "Agreement" SET status = 'SUBMITTED', "validatedAt" = NULL, "validatedById" = NULL
        WHERE "centreId" = (SELECT id FROM "ManagementCentre" WHERE name = 'UFR Charge') AND "startDate" > now() AND status = 'VALIDATED';
      -- The mails the journeys queued (no dispatcher runs: JOBS_ENABLED=false, no SMTP_URL).
      DELETE FROM "OutboxEmail" WHERE status = 'PENDING' AND "to" LIKE '%@load.test';`);
    // The rows the last run and this reset left dead are vacuumed now, not by autovacuum during the
    // run (its minute came in the middle of the load: 15 s of p95 above a second, on two cores).
    await c.query('VACUUM (ANALYZE)');
  } finally {
    await c.end();
  }
}

/** What each virtual user works on, read once the world is reset. */
export async function readPools(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const centre = `(SELECT id FROM "ManagementCentre" WHERE name = 'UFR Charge')`;
    const ongoing = (await c.query<{ id: number; student: string; company: string; teacher: string; start: Date; end: Date }>(`
      SELECT a.id, su.email AS student, cu.email AS company, tu.email AS teacher, a."startDate" AS start, a."endDate" AS end
      FROM "Agreement" a JOIN "StudentProfile" s ON s.id = a."studentId" JOIN "User" su ON su.id = s."userId"
      JOIN "Contact" ct ON ct.id = a."companyTutorId" JOIN "User" cu ON cu.id = ct."userId" JOIN "User" tu ON tu.id = a."academicTutorId"
      WHERE a."centreId" = ${centre} AND a.status = 'VALIDATED' ORDER BY a.id`)).rows;
    const toValidate = (await c.query<{ id: number }>(`SELECT id FROM "Agreement" WHERE "centreId" = ${centre} AND status = 'SUBMITTED' ORDER BY id`)).rows.map((r) => r.id);
    const sheets = (await c.query<{ id: number; email: string }>(`SELECT sh.id, u.email FROM "InternshipSheet" sh JOIN "StudentProfile" s ON s.id = sh."studentId" JOIN "User" u ON u.id = s."userId" WHERE u.email LIKE 'load.student%@load.test' AND sh.status = 'DRAFT'`)).rows;
    const applications = (await c.query<{ id: number; email: string }>(`SELECT a.id, u.email FROM "Application" a JOIN "CompanyMembership" m ON m."organisationId" = a."organisationId" JOIN "User" u ON u.id = m."userId" WHERE u.email LIKE 'load.company%@load.test' AND a.status = 'SENT' ORDER BY a.id`)).rows;
    return { ongoing, toValidate, sheets, applications };
  } finally {
    await c.end();
  }
}
export type Pools = Awaited<ReturnType<typeof readPools>>;

/** A small valid PDF (one page, one line of text): what a student's CV or letter is, in miniature. */
export function minimalPdf(text = 'Curriculum vitae'): string {
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((x) => `${String(x).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

export { CalendarDate };
