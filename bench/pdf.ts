// The printing scenario (issue 13, "Speed"): the PDF of one submitted agreement, over HTTP through
// the real app (reach, the centre's rule, the stored copy, the renderer) and through the renderer
// alone — p95 against the 150 ms target; then 1,000 PDFs in a row through the renderer (the five
// languages, a different subject each time: new words for the shared layouts), with the process's
// RSS and heap before and after, after a full GC when the process exposes it
// (NODE_OPTIONS=--expose-gc): the memory must stay where it was.
// BENCH_ONLY=pdf runs it alone, in BENCH_DATABASE_URL (created when missing, its public schema
// dropped and re-created) or in the bench's embedded PostgreSQL.
import type { Server } from 'node:http';
import os from 'node:os';
import pg from 'pg';
import { hashPassword } from '../src/auth/password.js';
import { loadActor } from '../src/authz/actor.js';
import { closeApp, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import type { Ctx } from '../src/context.js';
import { closeDb, createDb, type Db } from '../src/db/client.js';
import { freePort } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import { renderAgreementPdf } from '../src/documents/index.js';
import { PRINT_LANGUAGES } from '../src/modules/agreements/agreement.types.js';
import { createAgreement } from '../src/modules/agreements/agreements.create.js';
import { AgreementPrintService } from '../src/modules/agreements/agreements.print.js';
import { derivedColumns } from '../src/modules/organisations/organisations.core.js';
import { CalendarDate } from '../src/time/calendar.js';
import { Client } from './client.js';
import { PASSWORD } from './seed.js';

const RENDERS = 200;
const IN_A_ROW = 1000;
const TARGET_P95_MS = 150;

function quantile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function timed(n: number, warmup: number, run: (i: number) => Promise<unknown>) {
  for (let i = 0; i < warmup; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { n, median: quantile(times, 0.5), p95: quantile(times, 0.95) };
}

/** The database itself when missing (CREATE DATABASE from the server's `postgres`), then an empty public schema. */
async function scratch(url: string) {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  await admin.end();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  await c.end();
}

/** One centre, its WRITE staff, a student with a name in three alphabets, a host and its people, and one submitted agreement. */
async function seedOne(db: Db, ctx: Ctx) {
  const passwordHash = await hashPassword(PASSWORD);
  const inst = await db.institution.create({ data: { code: 'UPDF', name: 'Université Clermont Auvergne', country: 'FR' } });
  const centre = await db.managementCentre.create({ data: { institutionId: inst.id, name: 'UFR Sciences et Technologies', kind: 'UFR', addressLine1: '24 avenue des Landais', postalCode: '63170', city: 'Aubière', phone: '04 73 40 70 00', email: 'stages@uca.test' } });
  const programme = await db.programme.create({ data: { institutionId: inst.id, code: 'INFO', name: 'Licence Informatique' } });
  const year = await db.studyYear.create({ data: { programmeId: programme.id, centreId: centre.id, code: 'L3', name: 'L3 Informatique', level: 3 } });
  const staff = await db.user.create({ data: { email: 'staff@bench.test', firstName: 'Samuel', lastName: 'Scolarité', passwordHash } });
  await db.centreStaff.create({ data: { userId: staff.id, centreId: centre.id, right: 'WRITE' } });
  const student = await db.user.create({ data: { email: 'student@bench.test', firstName: 'Łukasz', lastName: 'Şahin-Țurcanu', passwordHash, civility: 'MR' } });
  const profile = await db.studentProfile.create({ data: { userId: student.id, institutionId: inst.id, programmeId: programme.id, studyYearId: year.id, studentNumber: '22001234', addressLine1: '5 place de Jaude', postalCode: '63000', city: 'Clermont-Ferrand', insurance: 'GENERAL', healthFund: 'CPAM du Puy-de-Dôme' } });
  const legalName = 'Société Générale des Logiciels';
  const org = await db.organisation.create({
    data: { legalName, siret: '73282932000074', nafCode: '62.01Z', headcount: 'FROM_50_TO_249', structureType: 'COMPANY', legalStatus: 'SAS', addressLine1: '10 rue de la République', city: 'Lyon', verified: true, ...derivedColumns({ legalName, phone: '04 72 00 00 00', fax: null, postalCode: '69002', country: 'FR' }), postalCode: '69002', country: 'FR', phone: '04 72 00 00 00' },
  });
  const service = await db.service.create({ data: { organisationId: org.id, name: 'Études et développement', normalizedName: 'etudes et developpement' } });
  const tutor = await db.contact.create({ data: { organisationId: org.id, serviceId: service.id, civility: 'MRS', firstName: 'Zuzana', lastName: 'Dvořáková', function: 'Cheffe de projet', email: 'tutor@bench.test' } });
  const signatory = await db.contact.create({ data: { organisationId: org.id, civility: 'MR', firstName: 'Дмитрий', lastName: 'Иванов', function: 'Directeur général' } });
  const teacher = await db.user.create({ data: { email: 'teacher@bench.test', firstName: 'Paul', lastName: 'Durand', passwordHash } });
  const actor = (await loadActor(db, staff.id))!;
  const act = { actor, requestId: null, now: new Date('2026-02-10T09:00:00Z') };
  const a = await db.$transaction((tx) =>
    createAgreement(tx, act, {
      studentId: profile.id, organisationId: org.id, serviceId: service.id, companyTutorId: tutor.id, signatoryId: signatory.id, academicTutorId: teacher.id,
      type: 'MANDATORY', subject: 'Refonte du portail des stages', activities: 'Analyse, développement, tests et documentation', skills: 'Conception web, travail en équipe',
      startDate: CalendarDate.parse('2026-03-02')!, endDate: CalendarDate.parse('2026-07-31')!, interruptions: [{ from: CalendarDate.parse('2026-04-20')!, to: CalendarDate.parse('2026-04-24')! }],
      schedule: { mon: 7, tue: 7, wed: 7, thu: 7, fri: 7, sat: 0, sun: 0 }, payAmount: 4.5, payUnit: 'HOUR', paymentMethod: 'BANK_TRANSFER', leaveTerms: '2 jours par mois de présence',
    }),
  );
  await ctx.services.agreements.perform(act, a.id, 'submit');
  return { id: a.id, actor };
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
function memory() {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

export async function pdfBench(url: string, log: (m: string) => void) {
  log(`\npdf: one agreement in ${new URL(url).pathname.slice(1)}`);
  if (process.env.BENCH_DATABASE_URL) await scratch(url);
  await migrate(url);
  const db = createDb(url);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = createApp({ config: loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'bench-secret-bench-secret', BASE_URL: base, JOBS_ENABLED: 'false', LOG_LEVEL: 'silent' }), db, databaseUrl: url });
  let server: Server | undefined;
  try {
    const ctx = app.locals.ctx as Ctx;
    const { id, actor } = await seedOne(db, ctx);
    await new Promise<void>((resolve) => {
      server = app.listen(port, '127.0.0.1', () => resolve());
    });
    const staff = new Client(base);
    await staff.signIn('staff@bench.test');
    // × healthz: on a busy machine every figure grows; the ratio to a bare SELECT 1 page says what is the PDF's own.
    const healthz = await timed(RENDERS, 10, () => staff.get('/healthz'));
    const page = await timed(RENDERS, 10, () => staff.get(`/agreements/${id}`));
    const http = await timed(RENDERS, 10, () => staff.get(`/agreements/${id}/agreement.pdf`));
    const printer = new AgreementPrintService({ db, baseUrl: base, clock: ctx.clock }, ctx.services.agreements);
    const service = await timed(RENDERS, 10, () => printer.print(actor, id, 'agreement', null, ctx.clock.now()));
    // The stored copy, as the route prints it.
    const snapshot = await ctx.services.agreements.view(await ctx.services.agreements.show(actor, id), ctx.clock.now());
    const direct = await timed(RENDERS, 10, () => renderAgreementPdf({ snapshot, language: 'fr' }));
    const bytes = (await renderAgreementPdf({ snapshot, language: 'fr' })).length;

    log(`${RENDERS} sequential runs after 10 warm-ups (a PDF of ${Math.round(bytes / 1024)} KB, 5 pages)`);
    log(`${'scenario'.padEnd(48)}  ${'median ms'.padStart(9)}  ${'p95 ms'.padStart(8)}  ${'× healthz'.padStart(9)}  target (p95)`);
    const rows = [
      ['healthz (SELECT 1)', healthz, false],
      ["the agreement's page (HTML, for comparison)", page, false],
      ['GET /agreements/:id/agreement.pdf (HTTP)', http, true],
      ['print service (reach, rule, copy, render)', service, true],
      ['renderAgreementPdf alone', direct, true],
    ] as const;
    for (const [name, r, target] of rows) {
      const verdict = target ? `< ${TARGET_P95_MS} ${r.p95 < TARGET_P95_MS ? 'ok' : 'MISSED'}` : '';
      log(`${name.padEnd(48)}  ${r.median.toFixed(1).padStart(9)}  ${r.p95.toFixed(1).padStart(8)}  ${(r.median / healthz.median).toFixed(1).padStart(9)}  ${verdict}`);
    }
    log(`machine load (1 min): ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs`);

    const gc = typeof (globalThis as { gc?: unknown }).gc === 'function';
    const before = memory();
    const half = { rss: 0, heapUsed: 0, external: 0 };
    const t0 = performance.now();
    for (let i = 0; i < IN_A_ROW; i++) {
      const language = PRINT_LANGUAGES[i % PRINT_LANGUAGES.length];
      await renderAgreementPdf({ snapshot: { ...snapshot, internship: { ...snapshot.internship, subject: `Refonte du portail des stages, lot ${i}` } }, language });
      if (i === IN_A_ROW / 2 - 1) Object.assign(half, memory());
    }
    const seconds = (performance.now() - t0) / 1000;
    const after = memory();
    const delta = (a: number, b: number) => `${b >= a ? '+' : ''}${mb(b - a)}`;
    log(`${IN_A_ROW} PDFs in a row in ${seconds.toFixed(1)} s (${gc ? 'each figure after a full GC' : 'no global.gc: run with NODE_OPTIONS=--expose-gc for exact figures'})`);
    log(`             before      after ${IN_A_ROW / 2}   after ${IN_A_ROW}   growth`);
    for (const k of ['rss', 'heapUsed', 'external'] as const) log(`  ${k.padEnd(9)} ${mb(before[k]).padStart(9)}  ${mb(half[k]).padStart(9)}  ${mb(after[k]).padStart(9)}  ${delta(before[k], after[k])}`);
  } finally {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    await closeApp(app).catch(() => undefined);
    await closeDb(db).catch(() => undefined);
  }
}
