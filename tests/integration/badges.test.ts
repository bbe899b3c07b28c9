import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { STATUS_KINDS, statusBadge } from '../../src/http/status.js';
import { translate } from '../../src/i18n/index.js';
import { APPLICATION_WORKFLOW } from '../../src/modules/applications/applications.workflow.js';
import { OFFER_WORKFLOW } from '../../src/modules/offers/offers.workflow.js';
import { makeApplicationWorld, makeOffer, type ApplicationWorld } from '../factories/applications.js';
import { makeOrganisation } from '../factories/index.js';
import { makeRequest } from '../factories/requests.js';
import { agent, useApp } from '../helpers/app.js';

const TONES = ['neutral', 'info', 'success', 'warning', 'danger'];

/** The badge of a status in a page: its tone and its text. */
function badges(html: string, status: string): { tone: string; text: string }[] {
  return [...html.matchAll(new RegExp(`<span class="status status-(\\w+)" data-status="${status}">([^<]*)</span>`, 'g'))].map((m) => ({ tone: m[1], text: m[2] }));
}

// ───────────── contrast (WCAG 2.1, 1.4.3) ─────────────

const channel = (c: number) => {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};
const luminance = (hex: string) => {
  const n = parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
};
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};

describe('status badges: one label and one tone per status', () => {
  it('every status of every kind has a label in both languages and a known tone', () => {
    for (const [kind, k] of Object.entries(STATUS_KINDS)) {
      expect(k.states.length, kind).toBeGreaterThan(0);
      for (const s of k.states) {
        const b = statusBadge(kind as keyof typeof STATUS_KINDS, s);
        expect(TONES, `${kind} ${s}`).toContain(b.tone);
        for (const locale of ['fr', 'en'] as const) expect(translate(locale, b.label), `${kind} ${s} in ${locale}`).not.toBe(b.label);
      }
    }
  });

  it('the workflows declare a tone for each of their states', () => {
    for (const w of [OFFER_WORKFLOW, APPLICATION_WORKFLOW]) expect(Object.keys(w.def.tones ?? {}).sort()).toEqual([...w.states].sort());
    expect(statusBadge('offer', 'PUBLISHED')).toEqual({ label: 'offers.status.PUBLISHED', tone: 'success' });
    expect(statusBadge('application', 'CANCELLED')).toEqual({ label: 'applications.status.CANCELLED', tone: 'danger' });
  });

  it('each tone’s text and background contrast at least 4.5:1 (AA), and the tones differ', () => {
    const css = readFileSync(path.join(import.meta.dirname, '../../public/css/layout.css'), 'utf8');
    const backgrounds = new Set<string>();
    for (const tone of TONES) {
      const rule = new RegExp(`\\.status-${tone} \\{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6});`).exec(css);
      expect(rule, `.status-${tone}`).not.toBeNull();
      expect(contrast(rule![1], rule![2]), tone).toBeGreaterThanOrEqual(4.5);
      backgrounds.add(rule![1]);
    }
    expect(backgrounds.size).toBe(TONES.length);
  });
});

describe('status badges in the pages', () => {
  const t = useApp();
  let w: ApplicationWorld;
  beforeEach(async () => {
    w = await makeApplicationWorld(t.db);
  });

  it('the same status has the same badge in the student’s, the company’s and the school’s lists and on the application', async () => {
    const app = await t.db.application.create({ data: { studentId: w.lea.profile.id, offerId: w.offer.id, organisationId: w.acme.id, title: 'Candidature', message: 'Bonjour', status: 'INTERVIEW' } });
    const expected = [{ tone: 'warning', text: 'Rendez-vous' }];
    const student = await agent(t.app, 'lea.dubois@etu.test');
    expect(badges((await student.a.get('/applications')).text, 'INTERVIEW')).toEqual(expected);
    expect(badges((await student.a.get(`/applications/${app.id}`)).text, 'INTERVIEW')).toEqual(expected);
    const company = await agent(t.app, 'admin@acme.test');
    expect(badges((await company.a.get('/applications/company')).text, 'INTERVIEW')).toEqual(expected);
    const school = await agent(t.app, 'a.write@test.example');
    expect(badges((await school.a.get('/applications/school')).text, 'INTERVIEW')).toEqual(expected);
  });

  it('offers: the staff search and the company’s list show each status with its tone', async () => {
    await makeOffer(t.db, w.acme.id, { title: 'Offre annulée', status: 'CANCELLED', centreId: w.centreA.id });
    await t.db.offer.update({ where: { id: w.offer.id }, data: { centreId: w.centreA.id } });
    const staff = await agent(t.app, 'a.write@test.example');
    const found = (await staff.a.get('/offers/search?title=offre&ended=on')).text;
    expect(badges(found, 'CANCELLED')).toEqual([{ tone: 'danger', text: 'Annulée' }]);
    const all = (await staff.a.get('/offers/search?domain=informatique')).text;
    expect(badges(all, 'PUBLISHED')).toEqual([{ tone: 'success', text: 'Diffusée' }]);
    const company = await agent(t.app, 'admin@acme.test');
    const list = (await company.a.get('/offers/manage')).text;
    expect(badges(list, 'PUBLISHED')).toEqual([{ tone: 'success', text: 'Diffusée' }]);
    expect(badges((await company.a.get(`/offers/manage/${w.offer.id}`)).text, 'PUBLISHED')).toEqual([{ tone: 'success', text: 'Diffusée' }]);
  });

  it('requests and organisations: open or closed, verified or not', async () => {
    await makeRequest(t.db, w.lea.profile.id, { title: 'Ouverte', status: 'OPEN' });
    await makeRequest(t.db, w.lea.profile.id, { title: 'Fermée', status: 'CLOSED' });
    const student = await agent(t.app, 'lea.dubois@etu.test');
    const mine = (await student.a.get('/requests')).text;
    expect(badges(mine, 'OPEN')).toEqual([{ tone: 'success', text: 'Ouverte' }]);
    expect(badges(mine, 'CLOSED')).toEqual([{ tone: 'neutral', text: 'Clôturée' }]);
    const org = await makeOrganisation(t.db, { legalName: 'Eaux de Volvic', verified: false });
    const staff = await agent(t.app, 'a.write@test.example');
    expect(badges((await staff.a.get('/organisations?by=name&name=volvic')).text, 'UNVERIFIED')).toEqual([{ tone: 'warning', text: 'non vérifié' }]);
    const show = (await staff.a.get(`/organisations/${org.id}`)).text;
    expect(badges(show, 'UNVERIFIED').map((b) => b.tone)).toContain('warning');
  });
});
