import { beforeEach, describe, expect, it } from 'vitest';
import { makeApplicationWorld, type ApplicationWorld } from '../factories/applications.js';
import { mailsTo, minimalPdf } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

// Issue 8, item 16: 50 spontaneous applications sent at once by one student to one organisation
// made 50 applications, 100 stored files and 50 mails. The database now lets one through.
describe('spontaneous applications sent in parallel', () => {
  const t = useApp();
  let w: ApplicationWorld;
  beforeEach(async () => {
    w = await makeApplicationWorld(t.db);
  });

  it('make exactly one application, one set of files and one mail each; the others are a 422 with a message', async () => {
    const s = await agent(t.app, 'lea.dubois@etu.test');
    const send = (i: number) =>
      s.a
        .post(`/applications/spontaneous/${w.globex.id}`)
        .field('_csrf', s.csrf)
        .field('title', `Candidature spontanée ${i}`)
        .field('message', 'Bonjour')
        .attach('cv', minimalPdf(), 'cv.pdf')
        .attach('letter', minimalPdf(), 'lettre.pdf');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => send(i)));

    const statuses = results.map((r) => r.status);
    expect(statuses.filter((x) => x === 303)).toHaveLength(1);
    expect(statuses.filter((x) => x === 422)).toHaveLength(49);
    for (const r of results.filter((x) => x.status === 422)) {
      expect(r.text).toContain('Vous avez déjà une candidature spontanée en cours auprès de cet établissement.');
    }
    expect(await t.db.application.count()).toBe(1);
    expect(await t.db.applicationEvent.count()).toBe(1);
    // The losers' files were written in their rolled-back transactions: only the winner's CV and letter stay.
    const a = await t.db.application.findFirstOrThrow();
    const files = await t.db.storedFile.findMany({ select: { id: true } });
    expect(files.map((f) => f.id).sort()).toEqual([a.cvFileId, a.letterFileId].sort());
    expect(await mailsTo(t.db, 'admin@globex.test')).toHaveLength(1);
    expect(await mailsTo(t.db, 'lea.dubois@etu.test')).toHaveLength(1);
    expect(await t.db.outboxEmail.count()).toBe(2);
    expect(await t.db.auditLog.count({ where: { action: 'application.spontaneous' } })).toBe(1);
  }, 60_000);

  it('still allows a new spontaneous application once the open one is cancelled', async () => {
    const s = await agent(t.app, 'lea.dubois@etu.test');
    const send = () =>
      s.a
        .post(`/applications/spontaneous/${w.globex.id}`)
        .field('_csrf', s.csrf)
        .field('title', 'Candidature spontanée')
        .field('message', 'Bonjour')
        .attach('cv', minimalPdf(), 'cv.pdf')
        .attach('letter', minimalPdf(), 'lettre.pdf');
    expect((await send()).status).toBe(303);
    const first = await t.db.application.findFirstOrThrow();
    await t.db.application.update({ where: { id: first.id }, data: { status: 'CANCELLED' } });
    expect((await send()).status).toBe(303);
    expect(await t.db.application.count()).toBe(2);
  });
});
