// Agreements in their signature phase for tests: the agreement world (agreements.ts), its signatory
// given an address (a link goes there), an agreement sent and checked, then "Envoyer pour signature".
import { createHash } from 'node:crypto';
import type { Express } from 'express';
import type { Db } from '../../src/db/client.js';
import type { SignatureParty } from '../../src/generated/prisma/enums.js';
import { agent } from '../helpers/app.js';
import { makeAgreement, makeAgreementWorld, type AgreementWorld } from './agreements.js';

export const STUDENT = 'lea.dubois@etu.test';
export const TEACHER = 'teacher@uda.test';
export const WRITE = 'a.write@test.example';
export const TUTOR = 'tutor@acme.test';
export const SIGNATORY = 'sophie@acme.test';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The world, the centre's signature settings, and Léa's agreement sent, checked, and open for signature. */
export async function makeSigningAgreement(app: Express, db: Db, settings: { parties?: SignatureParty[]; inSequence?: boolean; autoValidate?: boolean } = {}) {
  const w: AgreementWorld = await makeAgreementWorld(db);
  await db.contact.update({ where: { id: w.signatory.id }, data: { email: SIGNATORY } });
  await db.managementCentre.update({
    where: { id: w.centreA.id },
    data: {
      ...(settings.parties ? { signatureParties: settings.parties } : {}),
      signatureInSequence: settings.inSequence ?? true,
      signatureAutoValidate: settings.autoValidate ?? false,
    },
  });
  const a = await makeAgreement(db, w);
  const student = await agent(app, STUDENT);
  const sent = await student.a.post(`/agreements/${a.id}/submit`).type('form').send({ _csrf: student.csrf });
  if (sent.status !== 303) throw new Error(`submission refused (${sent.status})`);
  await db.agreement.update({ where: { id: a.id }, data: { status: 'ADMINISTRATIVE_DONE', pedagogicalAt: new Date('2026-01-20T10:00:00Z'), administrativeAt: new Date('2026-01-21T10:00:00Z') } });
  const staff = await agent(app, WRITE);
  const opened = await staff.a.post(`/agreements/${a.id}/openSignatures`).type('form').send({ _csrf: staff.csrf });
  if (opened.status !== 303) throw new Error(`signatures not opened (${opened.status}): ${opened.text.slice(0, 300)}`);
  return { w, a, staff, student };
}

/** The token of the last signing link mailed to `to` (from the mail's text). */
export async function lastLinkToken(db: Db, to: string): Promise<string> {
  const mails = await db.outboxEmail.findMany({ where: { to }, orderBy: { id: 'desc' }, take: 1 });
  const m = mails[0]?.text.match(/\/sign\/([A-Za-z0-9_-]{20,})/);
  if (!m) throw new Error(`no signing link mailed to ${to}`);
  return m[1];
}

/** The hash the agreement page put in its signing form for this user. */
export function shownHash(html: string): string {
  const m = html.match(/name="pdfSha256" value="([0-9a-f]{64})"/);
  if (!m) throw new Error('no signing form on the page');
  return m[1];
}
