import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/modules/agreements/export/export.columns.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { agent, useApp } from '../helpers/app.js';
import { download, parseCsv } from '../helpers/spreadsheets.js';

// A download cancelled half-way (the user closes the tab) stops the export where it is: no error
// escapes (an unhandled one would end the process and the run), and the app serves the next one.
describe('a cancelled agreement export', () => {
  const t = useApp();
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('stops without harm, for both formats', async () => {
    const w = await makeAgreementWorld(t.db);
    const x = await makeAgreement(t.db, w, { activities: 'Développement, tests, documentation. '.repeat(40) });
    await t.db.$executeRawUnsafe(`INSERT INTO "Agreement" ("institutionId", "academicYear", seq, "centreId", "studentId", "organisationId", "serviceId", "companyTutorId", "signatoryId", type, subject, activities, "startDate", "endDate", schedule, "updatedAt")
      SELECT "institutionId", '2030-2031', g, "centreId", "studentId", "organisationId", "serviceId", "companyTutorId", "signatoryId", type, 'Lot ' || g, activities, "startDate", "endDate", schedule, now() FROM "Agreement", generate_series(1, 3000) g WHERE id = ${x.id}`);
    const admin = await agent(t.app, 'platform.admin@test.example');
    await admin.a.post('/agreements/export/columns').type('form').send({ columns: EXPORT_COLUMNS.map((c) => c.key), _csrf: admin.csrf });

    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The agent's session, for a client that can hang up.
    const cookie = (await admin.a.get('/agreements/export')).request.getHeader('Cookie') as string;
    for (const format of ['xlsx', 'csv']) {
      const stop = new AbortController();
      const res = await fetch(`${base}/agreements/export.${format}`, { headers: { cookie }, signal: stop.signal });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read();
      stop.abort();
      await reader.read().catch(() => undefined);
    }
    await sleep(1000);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const full = parseCsv((await download(admin.a, '/agreements/export.csv?academicYear=2030-2031')).body);
    expect(full).toHaveLength(3001);
  }, 120_000);
});
