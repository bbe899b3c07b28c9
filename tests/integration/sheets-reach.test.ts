import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/time/clock.js';
import { makeUser } from '../factories/index.js';
import { makeSheetWorld, sheetForm } from '../factories/sheets.js';
import { agent, useApp } from '../helpers/app.js';

// Who reaches a sheet: its student; the year manager of the student's study year and WRITE staff
// of the student's centre (who decide); READ staff of that centre (who only see it); everyone else
// gets a 404 — the same page for a sheet that does not exist.
const clock = new FixedClock('2027-02-01T10:00:00Z');

describe('internship sheet reach', () => {
  const t = useApp({}, { clock });

  async function sentSheet() {
    const w = await makeSheetWorld(t.db);
    const lea = await agent(t.app, w.lea.user.email);
    const res = await lea.a.post('/sheets/new').type('form').send({ _csrf: lea.csrf, ...sheetForm(), organisationId: String(w.acme.id), intent: 'send' });
    expect(res.status).toBe(303);
    const sheet = await t.db.internshipSheet.findFirstOrThrow();
    const otherYearManager = await makeUser(t.db, { email: 'year.l2@test.example' });
    await t.db.academicRole.create({ data: { userId: otherYearManager.id, kind: 'YEAR_MANAGER', studyYearId: w.l2.id } });
    const programmeManager = await makeUser(t.db, { email: 'prog.info@test.example' });
    await t.db.academicRole.create({ data: { userId: programmeManager.id, kind: 'PROGRAMME_MANAGER', programmeId: w.info.id } });
    return { w, lea, sheet, otherYearManager, programmeManager };
  }

  const decisionButtons = /action="\/sheets\/\d+\/(validate|return)"/;

  it('shows the sheet to its student, its managers and READ staff of the centre; a 404 to everyone else', async () => {
    const { w, lea, sheet, otherYearManager, programmeManager } = await sentSheet();
    const page = (s: Awaited<ReturnType<typeof agent>>) => s.a.get(`/sheets/${sheet.id}`);

    const own = await page(lea);
    expect(own.status).toBe(200);
    expect(own.text).not.toMatch(decisionButtons);
    for (const email of [w.yearManager.email, w.write.email, w.admin.email, w.platformAdmin.email]) {
      const res = await page(await agent(t.app, email));
      expect(res.status, email).toBe(200);
      expect(res.text, email).toMatch(decisionButtons);
    }
    for (const email of [w.read.email, w.mixed.email]) {
      const res = await page(await agent(t.app, email));
      expect(res.status, email).toBe(200);
      expect(res.text, email).not.toMatch(decisionButtons);
    }
    for (const email of [w.hugo.user.email, w.writeB.email, otherYearManager.email, programmeManager.email, w.acmeAdmin.email, w.acmeContact.email]) {
      expect((await page(await agent(t.app, email))).status, email).toBe(404);
    }
    expect((await page(lea)).status).toBe(200);
    expect((await lea.a.get('/sheets/999999')).status).toBe(404);
  });

  it('lets only its managers decide: READ staff get a 403, those out of reach a 404, nothing changes', async () => {
    const { w, sheet, otherYearManager } = await sentSheet();
    const post = async (email: string, action: string) => {
      const s = await agent(t.app, email);
      return s.a.post(`/sheets/${sheet.id}/${action}`).type('form').send({ _csrf: s.csrf, comment: 'À revoir' });
    };
    expect((await post(w.read.email, 'return')).status).toBe(403);
    expect((await post(w.mixed.email, 'validate')).status).toBe(403);
    expect((await post(w.writeB.email, 'validate')).status).toBe(404);
    expect((await post(otherYearManager.email, 'return')).status).toBe(404);
    expect((await t.db.internshipSheet.findUniqueOrThrow({ where: { id: sheet.id } })).status).toBe('SUBMITTED');
    expect(await t.db.agreement.count()).toBe(0);
    expect((await post(w.write.email, 'return')).status).toBe(303);
  });

  it('lets only its student edit it, in DRAFT and RETURNED only', async () => {
    const { w, lea, sheet } = await sentSheet();
    const hugo = await agent(t.app, w.hugo.user.email);
    expect((await hugo.a.get(`/sheets/${sheet.id}/edit`)).status).toBe(404);
    expect((await hugo.a.post(`/sheets/${sheet.id}/edit`).type('form').send({ _csrf: hugo.csrf, intent: 'save', subject: 'x' })).status).toBe(404);
    // A manager has no student form.
    const manager = await agent(t.app, w.yearManager.email);
    expect((await manager.a.get(`/sheets/${sheet.id}/edit`)).status).toBe(403);
    // Sent: its page says it can no longer be changed.
    expect((await lea.a.get(`/sheets/${sheet.id}/edit`)).status).toBe(422);
  });

  it('lists for each manager the sheets awaiting their decision, within their reach', async () => {
    const { w, otherYearManager } = await sentSheet();
    const list = async (email: string, query = '') => (await (await agent(t.app, email)).a.get(`/sheets/review${query}`)).text;
    expect(await list(w.yearManager.email)).toContain('Léa Dubois');
    expect(await list(w.write.email)).toContain('Léa Dubois');
    expect(await list(w.platformAdmin.email)).toContain('Léa Dubois');
    // READ staff decide nothing: nothing awaits them, though they see the sent sheets of their centre.
    expect(await list(w.read.email)).not.toContain('Léa Dubois');
    expect(await list(w.read.email, '?status=SUBMITTED')).toContain('Léa Dubois');
    expect(await list(w.writeB.email, '?status=SUBMITTED')).not.toContain('Léa Dubois');
    expect(await list(otherYearManager.email)).not.toContain('Léa Dubois');
    // The student's own list.
    const lea = await agent(t.app, w.lea.user.email);
    const own = await lea.a.get('/sheets');
    expect(own.text).toContain('Envoyée pour validation');
    expect(own.text).toContain('ACME Lyon');
  });
});
