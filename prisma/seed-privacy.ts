// Demo data of personal data (issue 15): the demo university's data-protection contact, which the
// privacy page (/privacy) shows to its members and, to anyone else, in the list of institutions.
// The retention periods are the migration's rows (24, 60, 12, 12 months).
import type { Tx } from '../src/db/client.js';

export async function seedPrivacy(tx: Tx) {
  await tx.institution.updateMany({
    where: { code: 'UDEMO' },
    data: { dataProtectionContact: 'Délégué à la protection des données\n1 place de l\u2019Université, 63000 Clermont-Ferrand\ndpo@univ-demo.test' },
  });
}
