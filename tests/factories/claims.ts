import { createHash } from 'node:crypto';
import type { Db } from '../../src/db/client.js';
import { makeOffer } from './applications.js';
import { validSiret } from './companies.js';
import { makeOrganisation, makeUser } from './index.js';
import { minimalPdf, type StudentWorld } from './students.js';

/** A PDF stored as an upload leaves it (content, hash, sniffed type). */
export async function storePdf(db: Db, name: string, uploadedById: number) {
  const data = minimalPdf();
  return db.storedFile.create({
    data: { originalName: name, mimeType: 'application/pdf', extension: 'pdf', size: data.length, sha256: createHash('sha256').update(data).digest('hex'), data: new Uint8Array(data), uploadedById },
  });
}

/**
 * What a claim of an organisation of the directory would reach: "Laiterie des Dômes" (verified,
 * no administrator, no centre), a contact card of the directory, an offer published by centre A
 * for it (a school offer), and Léa's application to that offer with her CV and letter.
 */
export async function makeClaimable(db: Db, w: StudentWorld) {
  const organisation = await makeOrganisation(db, { legalName: 'Laiterie des Dômes', siret: validSiret(), verified: true, verifiedAt: new Date() });
  const card = await db.contact.create({ data: { organisationId: organisation.id, firstName: 'Jean', lastName: 'Fromager', email: 'jean.fromager@laiterie.example', phone: '04 73 11 22 33' } });
  const offer = await makeOffer(db, organisation.id, { title: 'Stage qualité laitière', fromCompany: false, centreId: w.centreA.id, authorId: w.write.id });
  const cv = await storePdf(db, 'CV Léa Dubois.pdf', w.lea.user.id);
  const letter = await storePdf(db, 'Lettre Léa Dubois.pdf', w.lea.user.id);
  const application = await db.application.create({
    data: {
      studentId: w.lea.profile.id,
      offerId: offer.id,
      organisationId: organisation.id,
      title: 'Candidature qualité',
      message: 'Madame, Monsieur,',
      cvFileId: cv.id,
      letterFileId: letter.id,
      events: { create: { fromStatus: null, toStatus: 'SENT', actorId: w.lea.user.id } },
    },
  });
  return { organisation, card, offer, cv, letter, application };
}

/**
 * A claim as the registration leaves it, written directly: the claimant's account (the
 * factories' password), a PENDING administrator membership and its contact card, the organisation
 * sent to the queue of `centreId`.
 */
export async function makePendingClaim(db: Db, organisationId: number, centreId: number, email = 'claimant@squat.example') {
  const user = await makeUser(db, { email, firstName: 'Sam', lastName: 'Squatteur' });
  const membership = await db.companyMembership.create({ data: { userId: user.id, organisationId, role: 'ADMIN', canPublishOffers: true, status: 'PENDING' } });
  await db.contact.create({ data: { organisationId, firstName: user.firstName, lastName: user.lastName, email, userId: user.id } });
  await db.organisation.update({ where: { id: organisationId }, data: { verified: false, verifiedAt: null, centreId } });
  return { user, membership };
}
