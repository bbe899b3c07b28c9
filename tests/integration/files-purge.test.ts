import { describe, expect, it } from 'vitest';
import type { Ctx } from '../../src/context.js';
import { ORPHAN_FILE_DAYS, purgeOrphanFiles } from '../../src/files/purge.js';
import { jobDefinitions, runJob } from '../../src/jobs/index.js';
import { makeCompany } from '../factories/companies.js';
import { makeOffer } from '../factories/requests.js';
import { makeStudentWorld } from '../factories/students.js';
import { testContext, useApp } from '../helpers/app.js';

describe('purge of replaced files', () => {
  const t = useApp();

  it('deletes old files nothing points to, and keeps recent or linked ones whatever the table', async () => {
    const w = await makeStudentWorld(t.db);
    const acme = await makeCompany(t.db, { legalName: 'Acme', adminEmail: 'rh@acme.test' });
    const old = new Date(Date.now() - (ORPHAN_FILE_DAYS + 1) * 86_400_000);
    const file = (name: string, createdAt = old) =>
      t.db.storedFile.create({ data: { originalName: name, mimeType: 'application/pdf', extension: 'pdf', size: 4, sha256: 'x', data: Buffer.from('%PDF'), createdAt } });

    const formerCv = await file('ancien-cv.pdf');
    const recentOrphan = await file('remplace-hier.pdf', new Date(Date.now() - 86_400_000));
    const currentCv = await file('cv.pdf');
    await t.db.studentProfile.update({ where: { id: w.lea.profile.id }, data: { cvFileId: currentCv.id } });
    const offerFile = await file('offre.pdf');
    const offer = await makeOffer(t.db, acme.organisation.id, { shortForm: true, attachmentFileId: offerFile.id });
    const letter = await file('lettre.pdf');
    const other = await file('annexe.pdf');
    const application = await t.db.application.create({ data: { studentId: w.lea.profile.id, offerId: offer.id, organisationId: acme.organisation.id, title: 'Candidature', message: 'Bonjour', letterFileId: letter.id } });
    await t.db.applicationFile.create({ data: { applicationId: application.id, fileId: other.id } });

    const job = jobDefinitions().find((j) => j.name === 'purge-files')!;
    expect(await runJob(testContext(t.db), job)).toBe(true);
    const left = (await t.db.storedFile.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((f) => f.id);
    expect(left).toEqual([recentOrphan.id, currentCv.id, offerFile.id, letter.id, other.id]);
    expect(left).not.toContain(formerCv.id);
    expect(await purgeOrphanFiles(t.db, new Date())).toBe(0);
  });
});
