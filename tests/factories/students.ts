import type { Db } from '../../src/db/client.js';
import { nirKey } from '../../src/modules/students/nir.js';
import { makeCentre, makeInstitution, makeStaff, makeUser } from './index.js';

/** A valid NIR from its first 13 characters (the key appended). */
export function nir(first13: string): string {
  return first13 + String(nirKey(first13)).padStart(2, '0');
}

/** The NIR most tests use: 2 94 03 75 120 005 91. */
export const SSN = '294037512000591';

/**
 * A tiny but well-formed PDF (one empty page, a correct cross-reference table): what a real CV
 * starts like, for content sniffing.
 */
export function minimalPdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ];
  let body = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) body += `${String(off).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

export async function makeStudent(
  db: Db,
  data: { institutionId: number; programmeId: number; studyYearId: number; studentNumber: string; email: string; firstName?: string; lastName?: string; ssn?: string | null },
) {
  const user = await makeUser(db, { email: data.email, firstName: data.firstName ?? 'Léa', lastName: data.lastName ?? 'Dubois' });
  const profile = await db.studentProfile.create({
    data: { userId: user.id, studentNumber: data.studentNumber, institutionId: data.institutionId, programmeId: data.programmeId, studyYearId: data.studyYearId, ssn: data.ssn ?? null },
  });
  return { user, profile };
}

/**
 * Two centres of one institution and a second institution:
 *  - UDA: centre A (READ, WRITE, ADMIN members) manages INFO/L3 and INFO/L2; centre B (its WRITE
 *    member) manages DROIT/L3; a member READ in A and WRITE in B ("mixed").
 *  - UDB: its own centre, programme INFO and year L3 (the same codes as UDA's).
 *  - Students: Léa Dubois (UDA, INFO L3, with an SSN), Hugo Bernard (UDA, DROIT L3, centre B).
 * Every password is the factories' PASSWORD.
 */
export async function makeStudentWorld(db: Db) {
  const uda = await makeInstitution(db, { code: 'UDA', name: 'Université A' });
  const udb = await makeInstitution(db, { code: 'UDB', name: 'Université B' });
  const centreA = await makeCentre(db, uda.id, { name: 'UFR Sciences' });
  const centreB = await makeCentre(db, uda.id, { name: 'Faculté de droit' });
  const centreC = await makeCentre(db, udb.id, { name: 'Centre UDB' });
  const info = await db.programme.create({ data: { institutionId: uda.id, code: 'INFO', name: 'Licence Informatique' } });
  const droit = await db.programme.create({ data: { institutionId: uda.id, code: 'DROIT', name: 'Licence Droit' } });
  const infoB = await db.programme.create({ data: { institutionId: udb.id, code: 'INFO', name: 'Licence Informatique B' } });
  const l3 = await db.studyYear.create({ data: { programmeId: info.id, centreId: centreA.id, code: 'L3', name: 'L3 Informatique', level: 3 } });
  const l2 = await db.studyYear.create({ data: { programmeId: info.id, centreId: centreA.id, code: 'L2', name: 'L2 Informatique', level: 2 } });
  const droitL3 = await db.studyYear.create({ data: { programmeId: droit.id, centreId: centreB.id, code: 'L3', name: 'L3 Droit', level: 3 } });
  const l3B = await db.studyYear.create({ data: { programmeId: infoB.id, centreId: centreC.id, code: 'L3', name: 'L3 Informatique B', level: 3 } });

  const read = await makeStaff(db, centreA.id, 'READ', 'a.read@test.example');
  const write = await makeStaff(db, centreA.id, 'WRITE', 'a.write@test.example');
  const admin = await makeStaff(db, centreA.id, 'ADMIN', 'a.admin@test.example');
  const writeB = await makeStaff(db, centreB.id, 'WRITE', 'b.write@test.example');
  const mixed = await makeStaff(db, centreA.id, 'READ', 'mixed@test.example');
  await db.centreStaff.create({ data: { userId: mixed.id, centreId: centreB.id, right: 'WRITE' } });
  const platformAdmin = await makeUser(db, { email: 'platform.admin@test.example', isPlatformAdmin: true });

  const lea = await makeStudent(db, { institutionId: uda.id, programmeId: info.id, studyYearId: l3.id, studentNumber: '21900123', email: 'lea.dubois@etu.test', firstName: 'Léa', lastName: 'Dubois', ssn: SSN });
  const hugo = await makeStudent(db, { institutionId: uda.id, programmeId: droit.id, studyYearId: droitL3.id, studentNumber: '21900456', email: 'hugo.bernard@etu.test', firstName: 'Hugo', lastName: 'Bernard' });

  return { uda, udb, centreA, centreB, centreC, info, droit, infoB, l3, l2, droitL3, l3B, read, write, admin, writeB, mixed, platformAdmin, lea, hugo };
}
export type StudentWorld = Awaited<ReturnType<typeof makeStudentWorld>>;

/** The invitation e-mails queued for an address. */
export function mailsTo(db: Db, to: string) {
  return db.outboxEmail.findMany({ where: { to }, orderBy: { id: 'asc' } });
}

/** The message beside a field of a re-rendered form (entities decoded), or null. */
export function fieldError(html: string, field: string): string | null {
  const m = html.match(new RegExp(`<p class="error-message" id="f-${field}-error">(?:<span[^>]*>[^<]*</span>)?([^<]*)</p>`));
  return m ? m[1].replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&amp;/g, '&') : null;
}
