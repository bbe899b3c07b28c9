import { describe, expect, it } from 'vitest';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { day } from '../factories/legal.js';
import { agent, useApp } from '../helpers/app.js';

// The agreement page links to the public simulator with the internship's own figures: the
// simulator then finds the same presence as the page (issue 11: "linked from … the agreement pages").
describe('the agreement page and the stipend simulator', () => {
  const t = useApp();

  it('links to the simulator prefilled with the dates, week, interruptions and countries, which finds the same hours', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w, { interruptions: [{ from: day('2026-04-06'), to: day('2026-04-10') }] });
    const { a: staff } = await agent(t.app, 'a.write@test.example');
    const page = await staff.get(`/agreements/${a.id}`);
    expect(page.status).toBe(200);
    const href = /<a href="(\/tools\/stipend\?[^"]+)" data-simulator>/.exec(page.text)![1].replace(/&amp;/g, '&');
    const q = new URL(href, 'http://x').searchParams;
    expect(q.get('start')).toBe('2026-03-02');
    expect(q.get('end')).toBe('2026-05-29');
    expect(q.getAll('pause')).toEqual(['2026-04-06/2026-04-10']);
    expect(q.get('mon')).toBe('7');
    const hours = Number(/data-legal="duration">[^<]*\(([\d\s\u202f,]+) heures\)/.exec(page.text)![1].replace(/[\s\u202f]/g, '').replace(',', '.'));
    const json = await staff.get(href).set('Accept', 'application/json');
    expect(json.status).toBe(200);
    expect(json.body.presenceHours).toBe(hours);
    expect(hours).toBeGreaterThan(0);
  });
});
