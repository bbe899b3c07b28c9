import type { Db } from '../../src/db/client.js';
import { makeCentre, makeInstitution, makeStaff, makeUser } from './index.js';

/** A 1×1 PNG (valid signature, IHDR, IDAT, IEND). */
export const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** The start of a JPEG/JFIF file: enough for content sniffing. */
export const JPEG_HEAD = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0', 'latin1'), Buffer.alloc(64, 0)]);

/**
 * Two centres of one institution: centre A with a READ, a WRITE and an ADMIN member, centre B
 * with its own ADMIN, and a platform administrator. Every password is the factories' PASSWORD.
 */
export async function makeCentresWithStaff(db: Db) {
  const institution = await makeInstitution(db);
  const centreA = await makeCentre(db, institution.id, { name: 'Centre A' });
  const centreB = await makeCentre(db, institution.id, { name: 'Centre B' });
  const read = await makeStaff(db, centreA.id, 'READ', 'a.read@test.example');
  const write = await makeStaff(db, centreA.id, 'WRITE', 'a.write@test.example');
  const admin = await makeStaff(db, centreA.id, 'ADMIN', 'a.admin@test.example');
  const adminB = await makeStaff(db, centreB.id, 'ADMIN', 'b.admin@test.example');
  const platformAdmin = await makeUser(db, { email: 'platform.admin@test.example', isPlatformAdmin: true });
  const staffRow = async (userId: number, centreId: number) => db.centreStaff.findUniqueOrThrow({ where: { userId_centreId: { userId, centreId } } });
  return { institution, centreA, centreB, read, write, admin, adminB, platformAdmin, staffRow };
}

export function auditRows(db: Db, action: string) {
  return db.auditLog.findMany({ where: { action }, orderBy: { id: 'asc' } });
}
