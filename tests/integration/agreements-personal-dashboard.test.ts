import { describe, expect, it } from 'vitest';
import { agreementNumber } from '../../src/modules/agreements/agreement.types.js';
import { makeAgreement, makeAgreementWorld } from '../factories/agreements.js';
import { agent, useApp } from '../helpers/app.js';

/** The count and the linked records of the dashboard's "Conventions de stage à traiter" entry (null: none). */
function agreementsAwaiting(html: string) {
  const start = html.indexOf('data-awaiting="agreements"');
  if (start < 0) return null;
  const end = [html.indexOf('data-awaiting=', start + 1), html.indexOf('</section>', start)].filter((i) => i > 0).sort((a, b) => a - b)[0];
  const block = html.slice(start, end);
  const count = Number(/<span class="badge dash-count">(\d+)<\/span>/.exec(block)![1]);
  return { count, hrefs: [...block.matchAll(/<li><a href="([^"]+)">/g)].map((m) => m[1]) };
}

// The personal dashboards list the agreements waiting for the person, by the workflow's rule:
// the student's draft to send, then the pedagogical validation for the academic tutor and the year
// manager of the student's year — and nothing once it is done.
describe('agreements on the personal dashboards', () => {
  const t = useApp();
  const dash = async (email: string, path: string) => {
    const res = await (await agent(t.app, email)).a.get(path);
    expect(res.status, `${email} ${path}`).toBe(200);
    return agreementsAwaiting(res.text);
  };

  it('the draft awaits its student; the sent one its academic tutor and year manager; the validated step nobody of them', async () => {
    const w = await makeAgreementWorld(t.db);
    const a = await makeAgreement(t.db, w);
    expect(await dash('lea.dubois@etu.test', '/dashboard/student')).toEqual({ count: 1, hrefs: [`/agreements/${a.id}`] });
    expect(await dash('teacher@uda.test', '/dashboard/academic-tutor')).toBeNull();

    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'SUBMITTED', submittedAt: new Date() } });
    expect(await dash('lea.dubois@etu.test', '/dashboard/student')).toBeNull();
    expect(await dash('teacher@uda.test', '/dashboard/academic-tutor')).toEqual({ count: 1, hrefs: [`/agreements/${a.id}`] });
    expect(await dash('year.l3@test.example', '/dashboard/year-manager')).toEqual({ count: 1, hrefs: [`/agreements/${a.id}`] });
    // Another tutor, the manager of another year: not theirs.
    expect(await dash('teacher2@uda.test', '/dashboard/academic-tutor')).toBeNull();
    expect(await dash('year.l2@test.example', '/dashboard/year-manager')).toBeNull();
    const page = await (await agent(t.app, 'teacher@uda.test')).a.get(`/agreements/${a.id}`);
    expect(page.text).toContain(agreementNumber(a));

    await t.db.agreement.update({ where: { id: a.id }, data: { status: 'PEDAGOGICAL_DONE', pedagogicalAt: new Date() } });
    expect(await dash('teacher@uda.test', '/dashboard/academic-tutor')).toBeNull();
    expect(await dash('year.l3@test.example', '/dashboard/year-manager')).toBeNull();
  });
});
