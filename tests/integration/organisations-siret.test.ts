import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { makeDirectoryWorld, orgForm } from '../factories/organisations.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

/** One SIRET field (siretField): spaces, dots and dashes between the digits are ignored everywhere. */
describe('a SIRET typed with spaces', () => {
  const t = useApp();
  const spaced = '732 829 320 00074';

  it('is accepted by the registration search and by the directory form, and stored as 14 digits', async () => {
    const v = request.agent(t.app);
    const csrf = csrfFrom((await v.get('/register/company')).text);
    const looked = await v.post('/register/company').type('form').send({ siret: spaced, _csrf: csrf });
    expect(looked.status).toBe(303);
    expect(looked.headers.location).toBe('/register/company/organisation');
    expect((await v.get('/register/company/organisation')).text).toContain('value="73282932000074"');

    await makeDirectoryWorld(t.db);
    // The directory's demo world holds this number: the form is to create it.
    await t.db.organisation.updateMany({ where: { siret: '73282932000074' }, data: { siret: null } });
    const { a, csrf: staffCsrf } = await agent(t.app, 'a.write@test.example');
    const created = await a.post('/organisations/new').type('form').send({ ...orgForm({ siret: spaced }), _csrf: staffCsrf });
    expect(created.status).toBe(303);
    expect(await t.db.organisation.findFirst({ where: { siret: '73282932000074' } })).not.toBeNull();

    const found = await a.get('/organisations?by=siret&siret=732.829.320-00074');
    expect(found.status).toBe(200);
    expect(found.text).toContain(created.headers.location);
  });
});
