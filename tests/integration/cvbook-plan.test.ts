// The CV book reads its page, total and facets in one statement over one table (the request's
// "visibleInCvBook" and "programmeId", kept by triggers): the same results as the nine queries over
// the joined student and account it replaced (kept here as the reference), for several filters and
// pages, before and after students opt out, accounts are deactivated and programmes change.
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import { pager } from '../../src/http/pagination.js';
import { AVAILABILITY, availabilityDate, conditions, FACETS, parseFilters, type CvBookFilters, type Facet } from '../../src/modules/requests/cvbook.service.js';
import { requestPlaceTokens } from '../../src/modules/requests/sql.js';
import { todayIn } from '../../src/time/calendar.js';
import { makeRequest } from '../factories/requests.js';
import { makeStudent, makeStudentWorld } from '../factories/students.js';
import { useApp } from '../helpers/app.js';

type CountRow = { value: string; label: string | null; n: number };

/** Who is in the CV book, from the records themselves (not from the columns the triggers keep). */
const CVBOOK_FROM = Prisma.raw(`"InternshipRequest" r
  JOIN "StudentProfile" s ON s.id = r."studentId" AND s."inCvBook"
  JOIN "User" u ON u.id = s."userId" AND u.active`);
function whereExcept(conds: Record<Facet, Prisma.Sql | null>, except: Facet | null): Prisma.Sql {
  const parts = [Prisma.sql`r.status = 'OPEN'`, ...FACETS.filter((k) => k !== except).map((k) => conds[k]).filter((c): c is Prisma.Sql => !!c)];
  return Prisma.join(parts, ' AND ');
}

/** The former plan: eight queries side by side, then the page. */
async function reference(db: Db, now: Date, f: CvBookFilters, page: number) {
  const today = todayIn(now);
  // The student's programme from the student's record.
  const conds = { ...conditions(f, today), programme: f.programme.length ? Prisma.sql`s."programmeId" = ANY(${f.programme}::int[])` : null };
  const all = whereExcept(conds, null);
  const availableBy = (d: { toString(): string }) => Prisma.sql`(r."availableFrom" IS NULL OR r."availableFrom" <= ${d.toString()}::date)`;
  const grouped = (facet: Facet, value: Prisma.Sql, extra: Prisma.Sql = Prisma.empty, labelExpr: Prisma.Sql = Prisma.sql`NULL`) =>
    db.$queryRaw<CountRow[]>`
      SELECT ${value} AS value, ${labelExpr} AS label, COUNT(DISTINCT r.id)::int AS n
      FROM ${CVBOOK_FROM} ${extra}
      WHERE ${whereExcept(conds, facet)} AND ${value} IS NOT NULL
      GROUP BY 1, 2 ORDER BY n DESC, 1 LIMIT 100`;
  const dates = AVAILABILITY.map((a) => availabilityDate(a, today));
  const [totalRows, domain, sector, level, duration, place, programme, availability] = await Promise.all([
    db.$queryRaw<{ n: number }[]>`SELECT COUNT(*)::int AS n FROM ${CVBOOK_FROM} WHERE ${all}`,
    grouped('domain', Prisma.sql`r.domain`),
    grouped('sector', Prisma.sql`r.sector`),
    grouped('level', Prisma.sql`r.level::text`),
    grouped('duration', Prisma.sql`r."durationMonths"::text`),
    grouped('place', Prisma.sql`pl.token`, Prisma.sql`CROSS JOIN LATERAL ${requestPlaceTokens} pl`),
    grouped('programme', Prisma.sql`p.id::text`, Prisma.sql`JOIN "Programme" p ON p.id = s."programmeId"`, Prisma.sql`p.name`),
    db.$queryRaw<Record<string, number>[]>`
      SELECT ${Prisma.join(AVAILABILITY.map((a, i) => Prisma.sql`COUNT(*) FILTER (WHERE ${availableBy(dates[i])})::int AS ${Prisma.raw(`"${a}"`)}`), ', ')}
      FROM ${CVBOOK_FROM} WHERE ${whereExcept(conds, 'availability')}`,
  ]);
  const pg = pager(page, totalRows[0]?.n ?? 0);
  const items = await db.$queryRaw<unknown[]>`
    SELECT r.id, r.title, r.level::text AS level, r."durationMonths", r.domain, r.sector, r.place, r."availableFrom",
           u."firstName", u."lastName", p.name AS programme
    FROM ${CVBOOK_FROM} LEFT JOIN "Programme" p ON p.id = s."programmeId"
    WHERE ${all}
    ORDER BY r."updatedAt" DESC, r.id DESC
    LIMIT ${pg.size} OFFSET ${pg.skip}`;
  return { items, pager: pg, counts: { domain, sector, level, duration, place, programme }, availability: availability[0] };
}

describe('the CV book query plan', () => {
  const t = useApp();

  it('gives the page, the total and every facet count the former nine queries gave', async () => {
    const w = await makeStudentWorld(t.db);
    const students = [w.lea.profile.id, w.hugo.profile.id];
    for (let i = 0; i < 4; i++) {
      const s = await makeStudent(t.db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l3.id, studentNumber: `2190100${i}`, email: `s${i}@etu.test` });
      students.push(s.profile.id);
    }
    await t.db.studentProfile.updateMany({ where: { id: { in: students.slice(0, 5) } }, data: { inCvBook: true } });
    const domains = ['Informatique', 'Marketing', 'Droit', null];
    const levels = ['BAC_3', 'BAC_5', null] as const;
    for (let i = 0; i < 60; i++) {
      await makeRequest(t.db, students[i % students.length], {
        title: `Demande ${i}`,
        domain: domains[i % 4],
        sector: i % 3 ? 'Numérique' : 'Conseil',
        level: levels[i % 3],
        durationMonths: i % 5 ? (i % 6) + 1 : null,
        place: i % 2 ? '69002; Lyon' : i % 3 ? '75' : null,
        availableFrom: i % 4 ? new Date(Date.UTC(2026, i % 12, 1 + (i % 27))) : null,
        status: i % 11 ? 'OPEN' : 'CLOSED',
      });
    }
    const svc = t.ctx.services.cvbook;
    const now = new Date('2026-06-15T10:00:00Z');
    const queries = [
      {}, { domain: 'Informatique' }, { level: ['BAC_5', 'BAC_3'], place: '69' }, { availability: '3m', sector: 'Numérique' }, { domain: 'Nope' },
      { duration: ['2', '3'], programme: String(w.info.id) }, { level: 'BAC_5', place: '69', sector: 'Numérique', availability: '6m' },
    ];
    const compare = async () => {
      for (const q of queries) {
        const f = parseFilters(q);
        for (const page of [1, 2, 3, 99]) {
          const got = await svc.search({ actor: null as never, requestId: null, now }, f, page);
          const want = await reference(t.db, now, f, page);
          expect(got.pager).toEqual(want.pager);
          expect(got.items).toEqual(want.items);
          for (const k of ['domain', 'sector', 'level', 'duration', 'place', 'programme'] as const) {
            expect(got.facets[k].filter((v) => v.count > 0 || !v.selected).map((v) => ({ value: v.value, label: v.label, n: v.count })).sort((a, b) => a.value.localeCompare(b.value))).toEqual(
              want.counts[k].map((r) => ({ value: r.value, label: r.label, n: r.n })).sort((a, b) => a.value.localeCompare(b.value)),
            );
          }
          expect(got.facets.domain.map((v) => v.value).slice(0, want.counts.domain.length)).toEqual(want.counts.domain.map((r) => r.value));
          expect(Object.fromEntries(got.facets.availability.map((a) => [a.value, a.count]))).toEqual(want.availability);
        }
      }
    };
    await compare();
    const total = async () => (await svc.search({ actor: null as never, requestId: null, now }, parseFilters({}), 1)).pager.total;
    const before = await total();

    // A student opts out, an account is deactivated, a student changes programme, requests close and reopen:
    // the CV book follows each change at once.
    const profiles = await t.db.studentProfile.findMany({ where: { id: { in: students } }, select: { id: true, userId: true } });
    const open = (id: number) => t.db.internshipRequest.count({ where: { studentId: id, status: 'OPEN' } });
    await t.db.studentProfile.update({ where: { id: students[0] }, data: { inCvBook: false } });
    expect(await total()).toBe(before - (await open(students[0])));
    await t.db.user.update({ where: { id: profiles.find((p) => p.id === students[1])!.userId }, data: { active: false } });
    expect(await total()).toBe(before - (await open(students[0])) - (await open(students[1])));
    await t.db.studentProfile.update({ where: { id: students[2] }, data: { programmeId: w.droit.id } });
    const some = await t.db.internshipRequest.findFirst({ where: { studentId: students[3], status: 'OPEN' } });
    await t.db.internshipRequest.update({ where: { id: some!.id }, data: { status: 'CLOSED' } });
    const closed = await t.db.internshipRequest.findFirst({ where: { studentId: students[4], status: 'CLOSED' } });
    if (closed) await t.db.internshipRequest.update({ where: { id: closed.id }, data: { status: 'OPEN' } });
    await compare();

    // …and back.
    await t.db.user.update({ where: { id: profiles.find((p) => p.id === students[1])!.userId }, data: { active: true } });
    await t.db.studentProfile.update({ where: { id: students[0] }, data: { inCvBook: true } });
    await compare();
  });
});
