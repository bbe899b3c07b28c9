import { beforeEach, describe, expect, it } from 'vitest';
import { makeRoleAccounts } from '../factories/index.js';
import { fieldError, minimalPdf } from '../factories/students.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';
import request from 'supertest';

type Accounts = Awaited<ReturnType<typeof makeRoleAccounts>>;
type Session = Awaited<ReturnType<typeof agent>>;

// Field names the forms below read: each is sent with values that are not strings.
const FIELDS = ['email', 'password', 'title', 'name', 'legalName', 'siret', 'code', 'domain', 'city', 'place', 'sector', 'country', 'postalCode', 'phone', 'message', 'description', 'startDate', 'endDate', 'availableFrom', 'birthDate', 'firstName', 'lastName', 'civility', 'right', 'kind', 'organisationId', 'useProfileCv', 'missions'];
const SHAPES: [string, unknown][] = [
  ['object with toString', { toString: 1 }],
  ['object with valueOf', { valueOf: 'x', length: 3 }],
  ['nested object', { a: { b: ['c'] } }],
  ['array of objects', ['x', { y: 1 }]],
  ['number', 42],
  ['boolean', true],
  ['null', null],
];

describe('bodies of any shape (issue 8, item 8)', () => {
  const t = useApp();
  let acc: Accounts;
  beforeEach(async () => {
    acc = await makeRoleAccounts(t.db);
  });

  /** The form routes, each with who posts to it. */
  const routes = (): [string, keyof Accounts['users'] | null][] => [
    ['/login', null],
    ['/password/forgot', null],
    ['/register/student', null],
    ['/register/company', null],
    ['/register/company/no-siret', null],
    ['/requests/new', 'student'],
    ['/profile', 'student'],
    [`/applications/spontaneous/${acc.organisation.id}`, 'student'],
    ['/offers/manage/new', 'companyAdmin'],
    [`/company/${acc.organisation.id}/edit`, 'companyAdmin'],
    [`/company/${acc.organisation.id}/contacts/new`, 'companyAdmin'],
    ['/organisations/new', 'centreWrite'],
    ['/students/new', 'centreWrite'],
    ['/admin/institutions/new', 'platformAdmin'],
    ['/admin/academic-years/new', 'platformAdmin'],
    [`/centres/${acc.centre.id}/staff/new`, 'platformAdmin'],
  ];

  async function sessionFor(who: keyof Accounts['users'] | null): Promise<Session> {
    if (who) return agent(t.app, acc.users[who].email);
    const a = request.agent(t.app);
    return { a, csrf: csrfFrom((await a.get('/login')).text) };
  }

  it('answers JSON bodies with object values as an ordinary answer (a refusal, a form shown again), never a 500', async () => {
    const failures: string[] = [];
    for (const [path, who] of routes()) {
      const s = await sessionFor(who);
      for (const [shape, value] of SHAPES) {
        const body = Object.fromEntries(FIELDS.map((f) => [f, value]));
        const res = await s.a.post(path).set('x-csrf-token', s.csrf).set('Content-Type', 'application/json').send(JSON.stringify(body));
        // No route takes JSON: the body is not read, the form is refused (or re-rendered) as empty.
        if (res.status >= 500) failures.push(`${who ?? 'anonymous'} POST ${path} JSON ${shape} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('re-renders forms posted with bracketed or repeated fields (strings only) with 422, never a 500', async () => {
    const failures: string[] = [];
    for (const [path, who] of routes()) {
      const s = await sessionFor(who);
      const form = new URLSearchParams({ _csrf: s.csrf });
      for (const f of FIELDS) {
        form.append(`${f}[toString]`, '1');
        form.append(f, 'a');
        form.append(f, 'b');
      }
      const res = await s.a.post(path).type('form').send(form.toString());
      if (res.status >= 500) failures.push(`${who ?? 'anonymous'} POST ${path} form → ${res.status}`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('turns multipart fields named like objects (a[b]) into empty values: the form is shown again (422)', async () => {
    const s = await sessionFor('student');
    const res = await s.a
      .post(`/applications/spontaneous/${acc.organisation.id}`)
      .field('_csrf', s.csrf)
      .field('title[toString]', '1')
      .field('message[a][b]', 'x')
      .field('useProfileCv[x]', 'on')
      .attach('cv', minimalPdf(), 'cv.pdf')
      .attach('letter', minimalPdf(), 'l.pdf');
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'title')).toBe('Ce champ est obligatoire.');
    expect(await t.db.application.count()).toBe(0);
  });
});

describe('control characters in query strings and bodies (issue 8, item 9)', () => {
  const t = useApp();
  let acc: Accounts;
  beforeEach(async () => {
    acc = await makeRoleAccounts(t.db);
  });

  it('answers every search with a NUL or another control character in each field with 200', async () => {
    // A valid value of each field, the character put in its middle.
    const VALUES: Record<string, string> = { department: '6{}3', place: 'Cler{}mont', country: 'F{}R', number: '1{}2', academicYear: '20{}26', level: 'L{}3' };
    const pages: [keyof Accounts['users'], string, string[]][] = [
      ['student', '/offers', ['q', 'title', 'organisation', 'domain', 'place', 'country']],
      ['platformAdmin', '/offers/search', ['q', 'title', 'organisation', 'domain', 'place', 'city', 'sector', 'country', 'number', 'academicYear']],
      ['companyAdmin', '/cvbook', ['domain', 'sector', 'place', 'level']],
      ['student', '/organisations?name=Acme', ['name', 'department']],
      ['student', '/organisations?by=address', ['street', 'complement', 'city', 'country']],
      ['student', '/organisations?by=service&service=Acme', ['service', 'department']],
      ['platformAdmin', '/students', ['q', 'name', 'email', 'studentNumber']],
      ['platformAdmin', `/organisations/${acc.organisation.id}/merge`, ['q']],
    ];
    const failures: string[] = [];
    for (const [who, page, fields] of pages) {
      const s = await agent(t.app, acc.users[who].email);
      for (const field of fields) {
        for (const bad of ['%00', '%01', '%1B', '%7F', '%C2%85']) {
          const value = (VALUES[field] ?? 'Info{}rmatique').replace('{}', bad);
          const url = `${page}${page.includes('?') ? '&' : '?'}${field}=${value}`;
          const res = await s.a.get(url);
          if (res.status !== 200) failures.push(`${who} GET ${url} → ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('drops control characters from the search field as shown back, and from a form body as stored', async () => {
    const s = await agent(t.app, acc.users.platformAdmin.email);
    const search = await s.a.get('/offers/search?city=Cler%00mont&sector=Info%01rmatique');
    expect(search.status).toBe(200);
    expect(search.text).toContain('value="Clermont"');
    expect(search.text).toContain('value="Informatique"');
    const created = await s.a
      .post('/admin/academic-years/new')
      .type('form')
      .send(`_csrf=${encodeURIComponent(s.csrf)}&label=2031%00-2032&startDate=2031-09-01&endDate=2032-08-31`);
    expect(created.status).toBe(303);
    expect((await t.db.academicYear.findFirstOrThrow({ where: { startDate: new Date('2031-09-01') } })).label).toBe('2031-2032');
  });
});

describe('malformed multipart bodies (issue 8, item 10)', () => {
  const t = useApp();
  let acc: Accounts;
  beforeEach(async () => {
    acc = await makeRoleAccounts(t.db);
  });

  /** A multipart body written by hand: the fields, then one file part whose header holds `filename` as is. */
  function multipart(fields: Record<string, string>, file: { field: string; filename: string }) {
    const b = '----stages-test-boundary';
    const parts = Object.entries(fields).map(([k, v]) => `--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    const head = `--${b}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: application/pdf\r\n\r\n`;
    const body = Buffer.concat([Buffer.from(parts.join('') + head, 'utf8'), minimalPdf(), Buffer.from(`\r\n--${b}--\r\n`)]);
    return { type: `multipart/form-data; boundary=${b}`, body };
  }

  it('answers a NUL in a file name with 400 and the form, the message beside the file field, nothing stored', async () => {
    const s = await agent(t.app, acc.users.student.email);
    // A form page (formPage): the application form.
    const apply = multipart({ _csrf: s.csrf, title: 'Candidature', message: 'Bonjour' }, { field: 'cv', filename: 'cv\u0000.pdf' });
    const res = await s.a.post(`/applications/spontaneous/${acc.organisation.id}`).set('Content-Type', apply.type).send(apply.body);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<form');
    expect(fieldError(res.text, 'cv')).toBe("Le fichier n'a pas pu être reçu (envoi incomplet ou mal formé) : joignez-le à nouveau.");
    expect(res.text).toContain('value="Candidature"'); // what was read is kept
    // A detail page's action (detailAction): the profile's CV.
    const cv = multipart({ _csrf: s.csrf }, { field: 'cv', filename: 'mon\u0000cv.pdf' });
    const res2 = await s.a.post('/profile/cv').set('Content-Type', cv.type).send(cv.body);
    expect(res2.status).toBe(400);
    expect(res2.text).toContain("Le fichier n&#39;a pas pu être reçu");
    // A truncated body is the same.
    const truncated = Buffer.from(`------stages-test-boundary\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${s.csrf}\r\n------stages-test-boundary\r\nContent-Disposition: form-data; name="cv"; filename="cv.pdf"\r\n\r\n%PDF-1.4`);
    const res3 = await s.a.post('/profile/cv').set('Content-Type', cv.type).send(truncated);
    expect(res3.status).toBe(400);
    expect(await t.db.storedFile.count()).toBe(0);
    expect(await t.db.application.count()).toBe(0);
    // The same file, well formed, is taken.
    const good = multipart({ _csrf: s.csrf }, { field: 'cv', filename: 'moncv.pdf' });
    expect((await s.a.post('/profile/cv').set('Content-Type', good.type).send(good.body)).status).toBe(303);
    expect(await t.db.storedFile.count()).toBe(1);
  });

  it('checks the CSRF token first: a malformed body without it is a 403', async () => {
    const s = await agent(t.app, acc.users.platformAdmin.email);
    const logo = multipart({ _csrf: 'wrong' }, { field: 'logo', filename: 'lo\u0000go.png' });
    const res = await s.a.post(`/centres/${acc.centre.id}/logo`).set('Content-Type', logo.type).send(logo.body);
    expect(res.status).toBe(403);
  });
});
