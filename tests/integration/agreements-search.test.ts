import { describe, expect, it } from 'vitest';
import { agreementNumber } from '../../src/modules/agreements/agreement.types.js';
import { makeAgreement, makeAgreementWorld, type AgreementWorld } from '../factories/agreements.js';
import { day } from '../factories/legal.js';
import { agent, useApp } from '../helpers/app.js';

/** The agreement numbers a search page lists, in its order. */
function listed(html: string): string[] {
  return [...html.matchAll(/<th scope="row"><a href="\/agreements\/\d+">([^<]+)<\/a><\/th>/g)].map((m) => m[1]);
}

/**
 * Two agreements that differ in every criterion: Léa's at ACME (centre A, L3, her tutor Paul) and
 * Hugo's at Globex (centre B, L3 Droit, another teacher), each with its own internship details.
 */
async function twoAgreements(t: ReturnType<typeof useApp>, w: AgreementWorld) {
  await t.db.organisation.update({
    where: { id: w.globex.id },
    data: { siret: '55210055400013', city: 'Bruxelles', postalCode: '1000', country: 'BE', structureType: 'ASSOCIATION', headcount: 'FROM_250_TO_4999', sector: 'Santé', normalizedName: 'globex' },
  });
  await t.db.organisation.update({ where: { id: w.acme.id }, data: { sector: 'Informatique' } });
  const x = await makeAgreement(t.db, w, { subject: 'Refonte du site web', theme: 'Web', printLanguage: 'fr' });
  const y = await makeAgreement(
    t.db,
    w,
    {
      studentId: w.hugo.profile.id,
      organisationId: w.globex.id,
      serviceId: null,
      companyTutorId: null,
      signatoryId: null,
      academicTutorId: w.otherTeacher.id,
      type: 'RECOMMENDED',
      subject: 'Étude de marché',
      theme: 'Marketing',
      startDate: day('2026-04-06'),
      endDate: day('2026-06-26'),
      daysPerWeek: 4,
      workingTime: 'PART_TIME',
      payAmount: null,
      payUnit: null,
      paymentMethod: null,
      printLanguage: 'en',
    },
    { status: 'VALIDATED' },
  );
  return { x: agreementNumber(x), y: agreementNumber(y), xRow: x, yRow: y };
}

describe('agreement search', () => {
  const t = useApp();

  it('narrows by every criterion of the simple and the advanced search', async () => {
    const w = await makeAgreementWorld(t.db);
    const { x, y, xRow, yRow } = await twoAgreements(t, w);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const search = async (q: string) => {
      const res = await admin.a.get(`/agreements/search?${q}`);
      expect(res.status, q).toBe(200);
      return listed(res.text).sort();
    };
    const both = [x, y].sort();
    // Each criterion: [the query keeping only Léa's, the one keeping only Hugo's].
    const cases: [string, string][] = [
      [`number=${x}`, `number=${y}`],
      [`number=${xRow.seq}&academicYear=${xRow.academicYear}`, `number=${yRow.seq}&academicYear=${yRow.academicYear}`],
      ['studentNumber=21900123', 'studentNumber=21900456'],
      ['lastName=dub', 'lastName=BERN'],
      ['firstName=l%C3%A9a', 'firstName=hu'],
      ['subject=refonte', 'subject=march%C3%A9'],
      ['type=MANDATORY', 'type=RECOMMENDED'],
      ['theme=web', 'theme=marketing'],
      ['daysPerWeek=5', 'daysPerWeek=4'],
      ['paid=yes', 'paid=no'],
      ['workingTime=FULL_TIME', 'workingTime=PART_TIME'],
      ['language=fr', 'language=en'],
      ['validated=no', 'validated=yes'],
      ['status=DRAFT', 'status=VALIDATED'],
      ['startTo=2026-03-31', 'startFrom=2026-04-01'],
      [`centre=${w.centreA.id}`, `centre=${w.centreB.id}`],
      [`studyYear=${w.l3.id}`, `studyYear=${w.droitL3.id}`],
      ['teacherLastName=' + encodeURIComponent((await t.db.user.findUniqueOrThrow({ where: { id: w.teacher.id } })).lastName) + '&teacherFirstName=paul', `teacherFirstName=${encodeURIComponent((await t.db.user.findUniqueOrThrow({ where: { id: w.otherTeacher.id } })).firstName)}`],
      ['organisation=acme', 'organisation=GLOBEX'],
      ['siret=732 829 320', 'siret=55210055400013'],
      ['city=lyon', 'city=brux'],
      ['postalCode=69', 'postalCode=1000'],
      ['country=FR', 'country=BE'],
      ['structureType=COMPANY', 'structureType=ASSOCIATION'],
      ['headcount=FROM_10_TO_49', 'headcount=FROM_250_TO_4999'],
      ['sector=informatique', 'sector=sant%C3%A9'],
    ];
    for (const [onlyX, onlyY] of cases) {
      expect(await search(onlyX), onlyX).toEqual([x]);
      expect(await search(onlyY), onlyY).toEqual([y]);
    }
    // Several values of a multiple select: both centres, both agreements; criteria combine (AND).
    expect(await search(`centre=${w.centreA.id}&centre=${w.centreB.id}`)).toEqual(both);
    expect(await search('validated=yes&country=FR')).toEqual([]);
    // Names are matched folded (accents, case), from the agreement's copy, which follows a renamed student.
    expect(await search('firstName=LEA&lastName=dubo')).toEqual([x]);
    await t.db.user.update({ where: { id: w.lea.user.id }, data: { lastName: 'Lefèvre' } });
    expect(await search('lastName=lefevre')).toEqual([x]);
    expect(await search('lastName=dub')).toEqual([]);
    // The criteria stay in the form, the pager's and the sort's links; the reset button is a plain link.
    const page = await admin.a.get(`/agreements/search?lastName=lef&centre=${w.centreA.id}&centre=${w.centreB.id}`);
    expect(page.text).toContain('name="lastName" value="lef"');
    expect(page.text).toMatch(new RegExp(`<option value="${w.centreB.id}" selected>`));
    expect(page.text).toContain(`href="/agreements/search?lastName=lef&amp;centre=${w.centreA.id}%2C${w.centreB.id}&amp;sort=student&amp;dir=asc"`);
    expect(page.text).toContain('<a href="/agreements/search">Réinitialiser le formulaire</a>');
  });

  it('sorts by a whitelisted column, the latest number first by default, and pages', async () => {
    const w = await makeAgreementWorld(t.db);
    const { x, y } = await twoAgreements(t, w);
    const admin = await agent(t.app, 'platform.admin@test.example');
    const get = async (q: string) => listed((await admin.a.get(`/agreements/search?${q}`)).text);
    expect(await get('type=')).toEqual([]); // nothing asked: the form only
    expect(await get('validated=')).toEqual([]);
    expect(await get('number=')).toEqual([]);
    expect(await get('academicYear=2025-2026')).toEqual([y, x]); // created after: the higher number
    expect(await get('academicYear=2025-2026&sort=student&dir=asc')).toEqual([y, x]); // Bernard, Dubois
    expect(await get('academicYear=2025-2026&sort=student&dir=desc')).toEqual([x, y]);
    expect(await get('academicYear=2025-2026&sort=startDate&dir=desc')).toEqual([y, x]);
    expect(await get('academicYear=2025-2026&sort=nope')).toEqual([y, x]); // an unknown sort: the default
    // 30 more of Léa's: a page holds 25, the second page the rest.
    for (let i = 0; i < 30; i++) await makeAgreement(t.db, w, { subject: `Stage ${i}` });
    const first = await admin.a.get('/agreements/search?lastName=dubois');
    expect(listed(first.text)).toHaveLength(25);
    expect(first.text).toContain('Conventions trouvées : 31');
    expect(first.text).toContain('href="/agreements/search?lastName=dubois&amp;page=2"');
    expect(listed((await admin.a.get('/agreements/search?lastName=dubois&page=2')).text)).toHaveLength(6);
    // The years offered include those agreements were numbered in (none is defined here).
    expect((await admin.a.get('/agreements/search')).text).toContain('<option value="2025-2026">2025-2026</option>');
    // A page past the end shows the last one.
    expect(listed((await admin.a.get('/agreements/search?lastName=dubois&page=9')).text)).toHaveLength(6);
  });

  it('lists nothing out of the actor\'s reach, whatever the criteria; students and companies get a 403', async () => {
    const w = await makeAgreementWorld(t.db);
    const { x, y } = await twoAgreements(t, w);
    const expected: Record<string, string[] | 403> = {
      'platform.admin@test.example': [x, y],
      'a.read@test.example': [x], // centre A
      'a.write@test.example': [x],
      'b.write@test.example': [y], // centre B
      'mixed@test.example': [x, y], // READ in A, WRITE in B
      'teacher@uda.test': [x], // Léa's academic tutor
      'teacher2@uda.test': [y], // Hugo's
      'year.l3@test.example': [x],
      'year.l2@test.example': [],
      'prog.info@test.example': [x],
      'prog.droit@test.example': [y],
      'lea.dubois@etu.test': 403,
      'admin@acme.test': 403,
      'tutor@acme.test': 403,
    };
    const got: Record<string, string[] | 403> = {};
    for (const email of Object.keys(expected)) {
      const s = await agent(t.app, email);
      const res = await s.a.get(`/agreements/search?academicYear=2025-2026&centre=${w.centreA.id}&centre=${w.centreB.id}&centre=${w.centreC.id}`);
      got[email] = res.status === 403 ? 403 : listed(res.text).sort();
      // A criterion naming what is out of reach does not reach it either.
      if (res.status === 200) expect(listed((await s.a.get('/agreements/search?studentNumber=21900456')).text), email).toEqual((expected[email] as string[]).filter((n) => n === y));
    }
    expect(got).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v === 403 ? 403 : [...v].sort()])));
  });
});
