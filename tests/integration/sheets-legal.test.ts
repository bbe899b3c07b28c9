import { describe, expect, it } from 'vitest';
import { systemAct } from '../../src/act.js';
import { createAgreement } from '../../src/modules/agreements/agreements.create.js';
import { CalendarDate } from '../../src/time/calendar.js';
import { FixedClock } from '../../src/time/clock.js';
import { makeOrganisation } from '../factories/index.js';
import { makeSheetWorld, sheetForm } from '../factories/sheets.js';
import { fieldError } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

// Sending runs the legal engine with what only the database knows: the presence hours the student
// already has with the same host (same organisation or same SIRET) this academic year, from their
// other agreements; the rules of the host's country and the holidays of the internship's place.
const clock = new FixedClock('2027-02-01T10:00:00Z');
const day = (s: string) => CalendarDate.parse(s)!;

describe('internship sheet: the legal engine at sending', () => {
  const t = useApp({}, { clock });

  /** An earlier agreement of Léa with `organisationId` in 2026-2027, whose submission counted `hours`. */
  async function earlierAgreement(w: Awaited<ReturnType<typeof makeSheetWorld>>, organisationId: number, hours: number) {
    const a = await t.db.$transaction((tx) =>
      createAgreement(tx, systemAct(clock), { studentId: w.lea.profile.id, organisationId, type: 'MANDATORY', subject: 'Stage précédent', startDate: day('2026-09-07'), endDate: day('2027-01-29'), schedule: { mon: 7, tue: 7, wed: 7, thu: 7, fri: 7, sat: 0, sun: 0 } }),
    );
    await t.db.agreement.update({ where: { id: a.id }, data: { presenceHours: hours } });
  }

  it('counts the hours of the student\'s earlier agreements with the same host this year: over 924 h, the sending is refused', async () => {
    const w = await makeSheetWorld(t.db);
    await earlierAgreement(w, w.acme.id, 700);
    const lea = await agent(t.app, w.lea.user.email);
    // About 420 hours from April to June: 700 + 420 > 924.
    const res = await lea.a.post('/sheets/new').type('form').send({ _csrf: lea.csrf, ...sheetForm(), organisationId: String(w.acme.id), intent: 'send' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'endDate')).toMatch(/924/);
    expect(await t.db.internshipSheet.count()).toBe(0);
  });

  it('does not count another host\'s hours, but counts the same SIRET typed as a new organisation', async () => {
    const w = await makeSheetWorld(t.db);
    const other = await makeOrganisation(t.db, { legalName: 'Autre hôte', siret: '73282932000074' });
    await earlierAgreement(w, other.id, 700);
    const lea = await agent(t.app, w.lea.user.email);
    const ok = await lea.a.post('/sheets/new').type('form').send({ _csrf: lea.csrf, ...sheetForm(), organisationId: String(w.acme.id), intent: 'send' });
    expect(ok.status).toBe(303);

    const sameSiret = await lea.a.post('/sheets/new').type('form').send({
      _csrf: lea.csrf,
      ...sheetForm(),
      orgLegalName: 'Autre hôte (établissement)',
      orgSiret: '732 829 320 00074',
      orgNafCode: '62.01Z',
      orgHeadcount: 'FROM_10_TO_49',
      orgStructureType: 'COMPANY',
      orgLegalStatus: 'SAS',
      orgAddressLine1: '1 rue du Port',
      orgPostalCode: '69002',
      orgCity: 'Lyon',
      orgCountry: 'FR',
      orgPhone: '04 78 00 00 00',
      intent: 'send',
    });
    expect(sameSiret.status).toBe(422);
    expect(fieldError(sameSiret.text, 'endDate')).toMatch(/924/);
  });
});
