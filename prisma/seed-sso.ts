// Demo data of single sign-on (issue 15): the demo university's provider, set up but turned off
// (no identity provider runs beside the demo), so that the administrator's list and form show a
// configured institution and the sign-in page keeps its password form only. Written as
// SsoAdminService writes it, secret included (never shown again by the form).
import type { Tx } from '../src/db/client.js';

export async function seedSso(tx: Tx, institutionId: number) {
  await tx.identityProvider.create({
    data: {
      institutionId,
      protocol: 'OIDC',
      label: 'ENT de l\u2019Université de démonstration',
      enabled: false,
      issuerUrl: 'https://idp.univ-demo.test/realms/universite',
      clientId: 'stages',
      clientSecret: 'demo-client-secret-not-a-real-one',
      studentNumberAttribute: 'supannEtuId',
    },
  });
}
