// The statistics tests' world (statistics.test.ts): the student world's two centres (A: Licence
// Informatique, B: Licence Droit), three hosts of three NAF sections, and agreements written
// directly with known figures in two academic years — states, types, countries, months of presence,
// stipends in four units, sheets, the follow-up's records at every point, the label's answers —,
// and offers with their applications. The expected figures are computed from ROWS in plain JS.
import type { Db } from '../../src/db/client.js';
import type { AgreementStatus, InternshipType } from '../../src/generated/prisma/enums.js';
import { makeOrganisation, makeUser } from '../factories/index.js';
import { makeStudent, makeStudentWorld } from '../factories/students.js';

export const Y = '2025-2026';
export const P = '2024-2025';
/** 20 June 2026, 11:00 in Paris: in academic year Y. */
export const NOW = '2026-06-20T09:00:00Z';

export interface Row {
  c: 'A' | 'B';
  y: string;
  st: AgreementStatus;
  ty: InternshipType;
  org: 0 | 1 | 2;
  ctry: string;
  m: number | null;
  pay?: [number, 'HOUR' | 'DAY' | 'MONTH' | 'LUMP_SUM', string];
  due: boolean | null;
  start: string;
  end: string;
  created: string;
  validated?: string;
  sheet?: string;
  l2?: boolean;
  /** The follow-up: the mid-term report (open, sent, acknowledged), the company's evaluation (done, consulted), feedback, grade, student's evaluation. */
  mid?: 'open' | 'sent' | 'acked';
  ec?: 'done' | 'consulted';
  fb?: boolean;
  grade?: string;
  se?: boolean;
  /** The label: answers (the manager's, or null for the programme's default) and the decision. */
  label?: { manager: 'YES' | null; decision?: 'AWARDED' | 'REFUSED' };
}

const T = (d: string) => `${d}T10:00:00Z`;
/** The hosts: NAF section J (a company), C (a company), Q (a public laboratory: no label). */
export const HOSTS = [{ naf: '62.01Z', section: 'J', headcount: 'FROM_10_TO_49' }, { naf: '10.11Z', section: 'C', headcount: 'FROM_250_TO_4999' }, { naf: '86.10Z', section: 'Q', headcount: 'NONE' }] as const;

export const ROWS: Row[] = [
  { c: 'A', y: Y, st: 'VALIDATED', ty: 'MANDATORY', org: 0, ctry: 'FR', m: 3, pay: [4.35, 'HOUR', 'EUR'], due: true, start: '2025-10-06', end: '2026-01-09', created: T('2025-09-01'), validated: T('2025-09-20'), sheet: T('2025-09-10'), mid: 'acked', ec: 'consulted', fb: true, grade: T('2026-02-20'), se: true, label: { manager: 'YES', decision: 'AWARDED' } },
  { c: 'A', y: Y, st: 'VALIDATED', ty: 'MANDATORY', org: 1, ctry: 'DE', m: 4, pay: [600, 'MONTH', 'EUR'], due: true, start: '2025-11-03', end: '2026-02-27', created: T('2025-09-15'), validated: T('2025-10-15'), sheet: T('2025-10-01'), mid: 'open', label: { manager: null } },
  { c: 'A', y: Y, st: 'VALIDATED', ty: 'MANDATORY', org: 1, ctry: 'FR', m: 3, pay: [4.5, 'HOUR', 'EUR'], due: true, start: '2025-11-10', end: '2026-02-13', created: T('2025-09-16'), validated: T('2025-10-20') },
  { c: 'A', y: Y, st: 'VALIDATED', ty: 'RECOMMENDED', org: 0, ctry: 'FR', m: 2, pay: [30, 'DAY', 'EUR'], due: true, start: '2026-01-05', end: '2026-03-06', created: T('2025-11-02'), validated: T('2025-11-30'), mid: 'sent', ec: 'done', fb: true, label: { manager: 'YES', decision: 'REFUSED' } },
  { c: 'A', y: Y, st: 'VALIDATED', ty: 'MANDATORY', org: 2, ctry: 'BE', m: 5, due: false, start: '2025-09-15', end: '2026-02-13', created: T('2025-08-20'), validated: T('2025-09-05'), sheet: T('2025-08-25'), mid: 'acked', ec: 'consulted', fb: true, label: { manager: 'YES' } },
  { c: 'A', y: Y, st: 'VALIDATED', ty: 'MANDATORY', org: 1, ctry: 'FR', m: 6, pay: [700, 'LUMP_SUM', 'EUR'], due: true, start: '2025-12-01', end: '2026-05-29', created: T('2025-10-01'), validated: T('2025-11-05'), sheet: T('2025-10-20'), mid: 'acked', ec: 'consulted', fb: true, grade: T('2026-06-01') },
  { c: 'A', y: Y, st: 'SUBMITTED', ty: 'MANDATORY', org: 0, ctry: 'FR', m: 2, pay: [4.5, 'HOUR', 'EUR'], due: true, start: '2026-05-04', end: '2026-07-03', created: T('2026-03-01') },
  { c: 'A', y: Y, st: 'DRAFT', ty: 'GAP_YEAR', org: 1, ctry: 'DE', m: null, pay: [5, 'HOUR', 'CHF'], due: null, start: '2026-07-06', end: '2026-08-28', created: T('2026-05-10') },
  { c: 'A', y: Y, st: 'VALIDATED', ty: 'REORIENTATION', org: 0, ctry: 'FR', m: 1, pay: [4.35, 'HOUR', 'EUR'], due: false, start: '2026-06-01', end: '2026-07-10', created: T('2026-05-01'), validated: T('2026-05-15'), sheet: T('2026-05-05'), l2: true },
  { c: 'B', y: Y, st: 'VALIDATED', ty: 'MANDATORY', org: 0, ctry: 'FR', m: 3, pay: [4.35, 'HOUR', 'EUR'], due: true, start: '2025-10-06', end: '2026-01-09', created: T('2025-09-05'), validated: T('2025-09-25'), sheet: T('2025-09-12'), label: { manager: null } },
  { c: 'B', y: Y, st: 'DRAFT', ty: 'MANDATORY', org: 1, ctry: 'FR', m: null, due: null, start: '2026-07-01', end: '2026-08-28', created: T('2026-05-20') },
  { c: 'A', y: P, st: 'VALIDATED', ty: 'MANDATORY', org: 0, ctry: 'FR', m: 3, pay: [4.2, 'HOUR', 'EUR'], due: true, start: '2024-10-07', end: '2025-01-10', created: T('2024-09-01'), validated: T('2024-09-15'), label: { manager: 'YES', decision: 'AWARDED' } },
  { c: 'A', y: P, st: 'VALIDATED', ty: 'RECOMMENDED', org: 1, ctry: 'DE', m: 2, due: false, start: '2025-01-06', end: '2025-03-07', created: T('2024-11-01'), validated: T('2024-11-20') },
  { c: 'B', y: P, st: 'VALIDATED', ty: 'MANDATORY', org: 0, ctry: 'FR', m: 4, pay: [4.35, 'HOUR', 'EUR'], due: true, start: '2024-11-04', end: '2025-02-28', created: T('2024-09-10'), validated: T('2024-10-01') },
];

/** The offers: [centre, status, diffusion from, applications (the first accepted when `accepted`)]. */
export const OFFERS: ['A' | 'B', 'PUBLISHED' | 'EXPIRED' | 'FILLED' | 'DRAFT', string | null, number, boolean][] = [
  ['A', 'PUBLISHED', T('2025-10-01'), 3, true],
  ['A', 'EXPIRED', T('2026-01-15'), 1, false],
  ['A', 'FILLED', T('2026-02-01'), 0, false],
  ['A', 'DRAFT', null, 0, false],
  ['B', 'PUBLISHED', T('2025-11-01'), 2, false],
  ['A', 'PUBLISHED', T('2024-10-01'), 1, true],
];

const SCHEDULE = { mon: 7, tue: 7, wed: 7, thu: 7, fri: 7, sat: 0, sun: 0 };
/** Days and hours of presence of a row (22 days a month of presence, 7 hours a day). */
export const presence = (r: Row) => (r.m === null ? null : { days: r.m * 22 + 3, hours: (r.m * 22 + 3) * 7 });

export async function seedStatistics(db: Db) {
  const w = await makeStudentWorld(db);
  await db.programme.update({ where: { id: w.droit.id }, data: { labelDefault: true } });
  const pmInfo = await makeUser(db, { email: 'pm.info@test.example' });
  await db.academicRole.create({ data: { userId: pmInfo.id, kind: 'PROGRAMME_MANAGER', programmeId: w.info.id } });
  const pmDroit = await makeUser(db, { email: 'pm.droit@test.example' });
  await db.academicRole.create({ data: { userId: pmDroit.id, kind: 'PROGRAMME_MANAGER', programmeId: w.droit.id } });
  const hosts = [
    await makeOrganisation(db, { legalName: 'Numérique SA', nafCode: HOSTS[0].naf, headcount: HOSTS[0].headcount }),
    await makeOrganisation(db, { legalName: 'Conserverie SAS', nafCode: HOSTS[1].naf, headcount: HOSTS[1].headcount }),
    await makeOrganisation(db, { legalName: 'Laboratoire public', nafCode: HOSTS[2].naf, headcount: HOSTS[2].headcount, structureType: 'PUBLIC_LAB' }),
  ];
  const forms = Object.fromEntries(await Promise.all((['COMPANY', 'STUDENT'] as const).map(async (kind) => [kind, (await db.evaluationForm.create({ data: { kind, version: 800, definition: { sections: [] } } })).id])));
  const ids: number[] = [];
  for (const [i, r] of ROWS.entries()) {
    const student = r.c === 'A' ? w.lea : w.hugo;
    const p = presence(r);
    const sheet = r.sheet ? await db.internshipSheet.create({ data: { studentId: student.profile.id, status: 'VALIDATED', data: {}, sentAt: new Date(r.sheet), createdAt: new Date(r.sheet), validatedAt: new Date(r.validated ?? r.sheet) } }) : null;
    const a = await db.agreement.create({
      data: {
        institutionId: w.uda.id, academicYear: r.y, seq: i + 1, centreId: r.c === 'A' ? w.centreA.id : w.centreB.id, studentId: student.profile.id,
        studyYearId: r.c === 'B' ? w.droitL3.id : r.l2 ? w.l2.id : w.l3.id, programmeId: r.c === 'A' ? w.info.id : w.droit.id, organisationId: hosts[r.org].id,
        type: r.ty, subject: `Stage ${i + 1}`, startDate: new Date(r.start), endDate: new Date(r.end), schedule: SCHEDULE, holidaysCountry: r.ctry, status: r.st,
        presenceMonths: r.m, presenceDays: p?.days ?? null, presenceHours: p?.hours ?? null, stipendDue: r.due,
        payAmount: r.pay?.[0] ?? null, payUnit: r.pay?.[1] ?? null, currency: r.pay?.[2] ?? 'EUR',
        createdAt: new Date(r.created), validatedAt: r.validated ? new Date(r.validated) : null, sheetId: sheet?.id ?? null,
      },
    });
    ids.push(a.id);
    await followUp(db, a.id, r, forms);
  }
  const students = [w.lea.profile.id, w.hugo.profile.id];
  for (const n of [1, 2]) students.push((await makeStudent(db, { institutionId: w.uda.id, programmeId: w.info.id, studyYearId: w.l3.id, studentNumber: `2190099${n}`, email: `extra${n}@etu.test` })).profile.id);
  for (const [c, status, from, apps, accepted] of OFFERS) {
    const o = await db.offer.create({ data: { kind: 'INTERNSHIP', status, title: 'Offre', domain: 'Informatique', organisationId: hosts[0].id, centreId: c === 'A' ? w.centreA.id : w.centreB.id, publishFrom: from ? new Date(from) : null } });
    for (let k = 0; k < apps; k++) {
      await db.application.create({ data: { studentId: students[k], offerId: o.id, organisationId: hosts[0].id, title: 'Candidature', message: 'Bonjour', status: accepted && k === 0 ? 'ACCEPTED' : 'SENT' } });
    }
  }
  return { w, ids, pmInfo, pmDroit };
}

async function followUp(db: Db, agreementId: number, r: Row, forms: Record<string, number>) {
  const day = (d: string) => new Date(d.slice(0, 10));
  const half = new Date((new Date(r.start).getTime() + new Date(r.end).getTime()) / 2).toISOString().slice(0, 10);
  const sent = T(half);
  if (r.mid) {
    await db.midtermReport.create({ data: { agreementId, status: r.mid === 'open' ? 'OPEN' : r.mid === 'sent' ? 'SUBMITTED' : 'ACKNOWLEDGED', opensOn: day(half), submittedAt: r.mid === 'open' ? null : new Date(sent), companyAckAt: r.mid === 'acked' ? new Date(sent) : null, academicAckAt: r.mid === 'acked' ? new Date(sent) : null } });
  }
  if (r.ec) await db.evaluation.create({ data: { agreementId, kind: 'COMPANY', formId: forms.COMPANY, answers: {}, submittedAt: new Date(T(r.end)), consultedAt: r.ec === 'consulted' ? new Date(T(r.end)) : null } });
  if (r.fb) await db.experienceFeedback.create({ data: { agreementId, workConditions: 'Bien', environment: 'Bien', supervision: 'Bien', advice: 'Rien', recommend: true, submittedAt: new Date(T(r.end)) } });
  if (r.grade) await db.internshipGrade.create({ data: { agreementId, defenceOn: day(r.grade), grade: '14', recordedAt: new Date(r.grade) } });
  if (r.se) await db.evaluation.create({ data: { agreementId, kind: 'STUDENT', formId: forms.STUDENT, answers: {}, submittedAt: new Date(r.grade!) } });
  if (r.label) {
    await db.labelEnrolment.create({ data: { agreementId, studentAnswer: 'YES', companyAnswer: 'YES', managerAnswer: r.label.manager } });
    if (r.label.decision) await db.labelAward.create({ data: { agreementId, decision: r.label.decision, code: r.label.decision === 'AWARDED' ? `C${agreementId}` : null, reason: r.label.decision === 'REFUSED' ? 'Incomplet' : null, decidedAt: new Date(T(r.end)) } });
  }
}

// ───────────── the expected figures, in plain JS ─────────────

/** percentile_cont: linear interpolation between the two nearest ranks. */
export function percentile(values: number[], p: number): number | null {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return null;
  const pos = (s.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
export const round = (x: number | null, d: number) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
export const share = (n: number, base: number) => (base ? Math.round(((100 * n) / base) * 10) / 10 : null);

/** The hourly amount of a row: per hour as is; per day over 7 hours; per month × 12 / (52 weeks × 35 hours); a lump sum over the hours. */
export function hourly(r: Row): number | null {
  if (!r.pay) return null;
  const [amount, unit] = r.pay;
  const p = presence(r);
  if (unit === 'HOUR') return amount;
  if (!p) return null;
  if (unit === 'DAY') return (amount * p.days) / p.hours;
  if (unit === 'MONTH') return (amount * 12 * p.days) / (52 * 5 * p.hours);
  return amount / p.hours;
}

export const daysBetween = (from: string, to: string) => (new Date(to).getTime() - new Date(from).getTime()) / 86_400_000;

/** Counts of rows by a key. */
export function countBy<K extends string>(rows: Row[], key: (r: Row) => K): Map<K, number> {
  const out = new Map<K, number>();
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + 1);
  return out;
}
