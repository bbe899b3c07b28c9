// The legal parameter table in a test database: the tests start from empty tables, so a test that
// runs the simulator or the administration first writes the seeded rows (the migration's).
import type { Db } from '../../src/db/client.js';
import { SEEDED_PARAMETERS } from './legal.js';

/** Writes SEEDED_PARAMETERS into LegalParameter (what the legal_parameters migration inserts). */
export async function seedLegalParameters(db: Db) {
  await db.legalParameter.createMany({
    data: SEEDED_PARAMETERS.map((r) => ({ country: r.country, key: r.key, value: r.value, currency: r.currency ?? null, validFrom: r.validFrom.toDb() })),
  });
}
