import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { makeApplicationWorld } from '../factories/applications.js';
import { minimalPdf } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

// Issue 8, item 15: pages with personal data were sent without Cache-Control. Every dynamic
// response is now `no-store` (src/http/cache.ts); the static assets keep their caching.
describe('Cache-Control', () => {
  const t = useApp();

  it('is no-store on every page, file and redirect with personal data, for every party; static assets keep their max-age', async () => {
    const w = await makeApplicationWorld(t.db);
    const student = await agent(t.app, 'lea.dubois@etu.test');
    expect((await student.a.post('/profile/cv').field('_csrf', student.csrf).attach('cv', minimalPdf(), 'cv.pdf')).status).toBe(303);
    const sent = await student.a
      .post(`/applications/new?offer=${w.offer.id}`)
      .field('_csrf', student.csrf)
      .field('title', 'Ma candidature')
      .field('message', 'Bonjour')
      .attach('cv', minimalPdf(), 'cv.pdf')
      .attach('letter', minimalPdf(), 'lettre.pdf');
    expect(sent.status).toBe(303);
    const a = await t.db.application.findFirstOrThrow();
    const company = await agent(t.app, 'admin@acme.test');
    const staff = await agent(t.app, 'a.write@test.example');

    const seen: [string, request.Response][] = [
      ['POST /applications/new (redirect)', sent],
      ['student /account', await student.a.get('/account')],
      ['student /profile', await student.a.get('/profile')],
      ['student /profile/cv', await student.a.get('/profile/cv')],
      ['student /applications', await student.a.get('/applications')],
      ['student /applications/:id', await student.a.get(`/applications/${a.id}`)],
      ['company /applications/:id', await company.a.get(`/applications/${a.id}`)],
      ['company CV download', await company.a.get(`/applications/${a.id}/files/${a.cvFileId}`)],
      ['company letter download', await company.a.get(`/applications/${a.id}/files/${a.letterFileId}`)],
      ['company /cvbook', await company.a.get('/cvbook')],
      ['staff /students/:id', await staff.a.get(`/students/${w.lea.profile.id}`)],
      ['staff 404', await staff.a.get('/applications/999999')],
      ['anonymous /login', await request(t.app).get('/login')],
    ];
    for (const [label, res] of seen) {
      expect(res.status, label).toBeLessThan(500);
      expect(res.headers['cache-control'], label).toBe('no-store');
    }
    expect(seen.find(([l]) => l === 'company CV download')![1].status).toBe(200);

    const css = await request(t.app).get('/static/css/app.css');
    expect(css.status).toBe(200);
    // express.static's own header (max-age=0 outside production, a day in production).
    expect(css.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
  });
});
