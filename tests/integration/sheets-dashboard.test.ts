import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../src/time/clock.js';
import { makeSheetWorld, sheetForm } from '../factories/sheets.js';
import { agent, useApp } from '../helpers/app.js';

// The sheets on the dashboards, from the workflow's awaiting states: a draft or a returned sheet
// awaits its student, a sent one its year manager; each count is its list's total.
const clock = new FixedClock('2027-02-01T10:00:00Z');

const awaitingCount = (html: string, key: string) => {
  const m = html.match(new RegExp(`data-awaiting="${key}"[\\s\\S]*?<span class="badge dash-count">(\\d+)</span>`));
  return m ? Number(m[1]) : 0;
};
const captionTotal = (html: string) => Number(html.match(/<caption>[^<(]*\((\d+)\)<\/caption>/)?.[1] ?? 0);

describe('internship sheets on the dashboards', () => {
  const t = useApp({}, { clock });

  it('puts a draft in its student\'s "à traiter", a sent sheet in its year manager\'s, each count its list\'s total', async () => {
    const w = await makeSheetWorld(t.db);
    const lea = await agent(t.app, w.lea.user.email);
    const manager = await agent(t.app, w.yearManager.email);
    await lea.a.post('/sheets/new').type('form').send({ _csrf: lea.csrf, intent: 'save', subject: 'Brouillon' });
    const student = (await lea.a.get('/dashboard/student')).text;
    expect(awaitingCount(student, 'ownSheets')).toBe(1);
    expect(student).toContain('Vos fiches de stage à compléter');
    expect(awaitingCount((await manager.a.get('/dashboard/year-manager')).text, 'sheetsToValidate')).toBe(0);

    const sheet = await t.db.internshipSheet.findFirstOrThrow();
    await lea.a.post(`/sheets/${sheet.id}/edit`).type('form').send({ _csrf: lea.csrf, ...sheetForm(), organisationId: String(w.acme.id), intent: 'send' });
    expect(awaitingCount((await lea.a.get('/dashboard/student')).text, 'ownSheets')).toBe(0);
    const dash = (await manager.a.get('/dashboard/year-manager')).text;
    expect(awaitingCount(dash, 'sheetsToValidate')).toBe(1);
    expect(dash).toContain(`href="/sheets/${sheet.id}"`);
    expect(captionTotal((await manager.a.get('/sheets/review')).text)).toBe(1);
    // WRITE staff of the student's centre decide too; READ staff do not; another centre's staff do not see it.
    expect(awaitingCount((await (await agent(t.app, w.write.email)).a.get('/dashboard/centre')).text, 'sheetsToValidate')).toBe(1);
    expect(awaitingCount((await (await agent(t.app, w.read.email)).a.get('/dashboard/centre')).text, 'sheetsToValidate')).toBe(0);
    expect(awaitingCount((await (await agent(t.app, w.writeB.email)).a.get('/dashboard/centre')).text, 'sheetsToValidate')).toBe(0);
    // The platform administrator holds every centre's rights: the sent sheet waits for them too.
    const admin = await agent(t.app, w.platformAdmin.email);
    expect(awaitingCount((await admin.a.get('/dashboard/admin')).text, 'sheetsToValidate')).toBe(1);
    expect(captionTotal((await admin.a.get('/sheets/review')).text)).toBe(1);
  });
});
