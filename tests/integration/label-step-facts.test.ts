import { describe, expect, it } from 'vitest';
import { factsOf } from '../../src/modules/followup/label.steps.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { useApp } from '../helpers/app.js';

// The step table's sheet steps read the internship sheet's own dates; an agreement made without a
// sheet (the centre's wizard) has them done at its validation. factsOf reads both kinds at once.
describe("the label steps' facts", () => {
  const t = useApp();

  it("take the sheet's dates from the sheet, and the validation's for an agreement without a sheet", async () => {
    const w = await makeAgreementWorld(t.db);
    const sentAt = new Date('2026-01-05T09:00:00Z');
    const sheetValidatedAt = new Date('2026-01-12T10:00:00Z');
    const validatedAt = new Date('2026-02-02T08:00:00Z');
    const sheet = await t.db.internshipSheet.create({ data: { studentId: w.lea.profile.id, data: {}, sentAt, validatedAt: sheetValidatedAt } });
    const withSheet = await makeAgreement(t.db, w, {}, { sheetId: sheet.id, validatedAt, status: 'VALIDATED' });
    const without = await makeAgreement(t.db, w, {}, { validatedAt, status: 'VALIDATED' });

    const facts = await factsOf(t.db, [withSheet, without]);
    expect(facts.get(withSheet.id)).toMatchObject({ sheetSentAt: sentAt, sheetValidatedAt, validatedAt, followsLabel: false });
    expect(facts.get(without.id)).toMatchObject({ sheetSentAt: validatedAt, sheetValidatedAt: validatedAt, followsLabel: false });
  });
});
