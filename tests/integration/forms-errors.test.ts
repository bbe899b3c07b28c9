import type { Test } from 'supertest';
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../../prisma/seed-data.js';
import type { Db } from '../../src/db/client.js';
import { agent, csrfFrom, useApp } from '../helpers/app.js';

/**
 * Issue 10, "Forms": every form of the app, sent as a browser sends it when nothing is typed (its
 * text fields emptied, its lists on "Choisir", its boxes as rendered, no file), answers 422 with
 * every message beside its field and an error summary that names each field ("Titre : Ce champ
 * est obligatoire."), so that two "required" lines are told apart (error-summary.ts).
 */

type Client = Awaited<ReturnType<typeof agent>>;

interface Form {
  action: string;
  multipart: boolean;
  fields: [string, string][];
}

const attr = (tag: string, name: string) => tag.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1] ?? null;
const unescape = (s: string) => s.replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The page's main POST form (the one with the most fields) as a browser would send it untouched but emptied. */
function emptiedForm(html: string): Form {
  // The page's own forms, not the header's (language, sign-out).
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].filter((m) => /method="post"/i.test(m[1]) && !/action="\/(lang|logout)"/.test(m[1]));
  const parsed = forms.map((m) => {
    const fields: [string, string][] = [];
    for (const tag of m[2].match(/<input\b[^>]*>/g) ?? []) {
      const name = attr(tag, 'name');
      const type = attr(tag, 'type') ?? 'text';
      if (!name || type === 'file' || type === 'submit') continue;
      if (type === 'hidden') fields.push([name, unescape(attr(tag, 'value') ?? '')]);
      else if (type === 'checkbox' || type === 'radio') {
        if (/\schecked\b/.test(tag)) fields.push([name, unescape(attr(tag, 'value') ?? 'on')]);
      } else fields.push([name, '']);
    }
    for (const sel of m[2].matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attr(sel[1], 'name');
      if (!name) continue;
      const options = [...sel[2].matchAll(/<option\b([^>]*)>/g)].map((o) => attr(o[1], 'value') ?? '');
      fields.push([name, options.includes('') ? '' : (options[0] ?? '')]);
    }
    for (const ta of m[2].matchAll(/<textarea\b([^>]*)>/g)) {
      const name = attr(ta[1], 'name');
      if (name) fields.push([name, '']);
    }
    return { action: unescape(attr(m[1], 'action') ?? ''), multipart: /multipart\/form-data/.test(m[1]), fields };
  });
  const main = parsed.sort((a, b) => b.fields.length - a.fields.length)[0];
  if (!main) throw new Error('no POST form on the page');
  return main;
}

function send(c: Client, form: Form): Test {
  if (!form.multipart) return c.a.post(form.action).type('form').send(new URLSearchParams(form.fields).toString());
  let req = c.a.post(form.action);
  for (const [k, v] of form.fields) req = req.field(k, v);
  return req;
}

/** The summary's entries, as read, and the fields whose messages are shown beside them. */
function errorsOf(html: string) {
  const box = html.match(/<div class="error-summary"[\s\S]*?<\/ul>/)?.[0] ?? '';
  const entries = [...box.matchAll(/<li><a href="#f-([^"]+)">([\s\S]*?)<\/a><\/li>/g)].map((m) => ({ field: m[1], text: unescape(m[2]) }));
  const beside = [...html.matchAll(/<p class="error-message" id="f-([^"]+)-error">/g)].map((m) => m[1]);
  return { entries, beside };
}

async function demoIds(db: Db) {
  const org = await db.organisation.findFirstOrThrow({ where: { legalName: 'Auvergne Logiciels SAS' } });
  const centre = await db.managementCentre.findFirstOrThrow({ where: { name: 'UFR Sciences et Technologies' } });
  return {
    org,
    centre,
    institution: await db.institution.findFirstOrThrow(),
    programme: await db.programme.findFirstOrThrow({ orderBy: { id: 'asc' } }),
    studyYear: await db.studyYear.findFirstOrThrow({ orderBy: { id: 'asc' } }),
    academicYear: await db.academicYear.findFirstOrThrow({ orderBy: { id: 'asc' } }),
    service: await db.service.findFirstOrThrow({ where: { organisationId: org.id } }),
    contact: await db.contact.findFirstOrThrow({ where: { organisationId: org.id } }),
    staff: await db.centreStaff.findFirstOrThrow({ where: { centreId: centre.id } }),
    student: await db.studentProfile.findFirstOrThrow({ orderBy: { id: 'asc' } }),
    offer: await db.offer.findFirstOrThrow({ where: { status: 'PUBLISHED' } }),
  };
}

describe('every form: an empty submit shows every message at once, each named in the summary', () => {
  const t = useApp();

  it('names each field of every form in its error summary', async () => {
    await seedDemo(t.db);
    const ids = await demoIds(t.db);
    const pages: Record<string, string[]> = {
      '': ['/password/forgot', '/register/student', '/register/company'],
      'admin@demo.test': [
        '/admin/institutions/new',
        `/admin/institutions/${ids.institution.id}/edit`,
        `/admin/institutions/${ids.institution.id}/programmes/new`,
        `/admin/programmes/${ids.programme.id}/edit`,
        `/admin/programmes/${ids.programme.id}/study-years/new`,
        `/admin/study-years/${ids.studyYear.id}/edit`,
        '/admin/academic-years/new',
        `/admin/academic-years/${ids.academicYear.id}/edit`,
        '/admin/centres/new',
        `/centres/${ids.centre.id}/edit`,
        `/centres/${ids.centre.id}/logo`,
        `/centres/${ids.centre.id}/staff/new`,
        '/organisations/new',
        `/organisations/${ids.org.id}/edit`,
        `/organisations/${ids.org.id}/services/new`,
        `/organisations/${ids.org.id}/services/${ids.service.id}/edit`,
        `/organisations/${ids.org.id}/contacts/new`,
        `/organisations/${ids.org.id}/contacts/${ids.contact.id}/edit`,
        '/students/new',
        '/students/import',
        `/students/${ids.student.id}/edit`,
        `/offers/manage/new?organisation=${ids.org.id}`,
        `/offers/manage/new-short?organisation=${ids.org.id}`,
        `/offers/manage/${ids.offer.id}/edit`,
        '/account/password',
      ],
      'entreprise@demo.test': [`/company/${ids.org.id}/edit`, `/company/${ids.org.id}/contacts/new`],
      'etudiant@demo.test': ['/profile', '/requests/new', `/applications/new?offer=${ids.offer.id}`, `/applications/spontaneous/${ids.org.id}`],
    };
    const problems: string[] = [];
    for (const [email, paths] of Object.entries(pages)) {
      const c = email ? await agent(t.app, email) : await agent(t.app);
      for (const path of paths) {
        const page = await c.a.get(path);
        expect(page.status, `GET ${path}`).toBe(200);
        const form = emptiedForm(page.text);
        if (!form.fields.some(([k]) => k === '_csrf')) form.fields.push(['_csrf', csrfFrom(page.text)]);
        const res = await send(c, form);
        if (res.status !== 422) {
          problems.push(`${path}: ${res.status} for an empty submit`);
          continue;
        }
        const { entries, beside } = errorsOf(res.text);
        if (!entries.length) problems.push(`${path}: 422 without an error summary`);
        for (const e of entries) if (!/^[^:]+ : /.test(e.text)) problems.push(`${path}: unnamed "${e.text}" (#f-${e.field})`);
        for (const f of beside) if (!entries.some((e) => e.field === f || e.field.startsWith(`${f}-`))) problems.push(`${path}: "${f}" has a message beside it, not in the summary`);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  // Forms whose cross-field or file checks used to wait for the rest to be right (a second submit).
  const messages = (html: string) => Object.fromEntries(errorsOf(html).entries.map((e) => [e.field, e.text.replace(/^[^:]+ : /, '')]));
  const withFields = (form: Form, values: Record<string, string | string[]>) => {
    const fields = form.fields.filter(([k]) => !(k in values));
    for (const [k, v] of Object.entries(values)) for (const x of Array.isArray(v) ? v : [v]) fields.push([k, x]);
    return { ...form, fields };
  };

  it('the full offer form: the postal code by country, how to apply and the period with an empty list', async () => {
    await seedDemo(t.db);
    const { org } = await demoIds(t.db);
    const c = await agent(t.app, 'gestionnaire@demo.test');
    const form = emptiedForm((await c.a.get(`/offers/manage/new?organisation=${org.id}`)).text);
    const filled = { title: 'Stage', domain: 'Web', missions: 'Coder', city: 'Clermont-Ferrand', country: 'FR', postalCode: 'ABC', durationMonths: '', startMonth: '4', startYear: '' };
    const res = await send(c, withFields({ ...form, fields: form.fields.filter(([k]) => !k.startsWith('applyBy')) }, filled));
    expect(res.status).toBe(422);
    expect(messages(res.text)).toMatchObject({
      kind: 'Choisissez une valeur dans la liste.', // a list left on "Choisir" no longer hides the rest
      durationMonths: 'Ce champ est obligatoire.',
      postalCode: expect.stringContaining('Un code postal français comporte 5 chiffres'),
      applyByEmail: expect.any(String),
      startMonth: expect.any(String),
    });
    expect(await t.db.offer.count({ where: { title: 'Stage' } })).toBe(0);
  });

  it('the short offer form: a file or a link, said with the other messages', async () => {
    await seedDemo(t.db);
    const { org } = await demoIds(t.db);
    const c = await agent(t.app, 'gestionnaire@demo.test');
    const form = emptiedForm((await c.a.get(`/offers/manage/new-short?organisation=${org.id}`)).text);
    const neither = await send(c, withFields(form, { title: '', kind: '' }));
    expect(neither.status).toBe(422);
    expect(messages(neither.text)).toMatchObject({ title: 'Ce champ est obligatoire.', kind: 'Choisissez une valeur dans la liste.', attachment: 'Joignez un fichier ou indiquez un lien.' });
    const both = await send(c, withFields(form, { title: '', link: 'https://example.org/offre' })).attach('attachment', Buffer.from('%PDF-1.4\n%%EOF\n'), 'offre.pdf');
    expect(both.status).toBe(422);
    expect(Object.keys(messages(both.text))).toEqual(expect.arrayContaining(['title', 'link']));
    expect(await t.db.offer.count({ where: { shortForm: true, organisationId: org.id, title: '' } })).toBe(0);
  });

  it('the student import: the institution and the missing file at once', async () => {
    await seedDemo(t.db);
    const c = await agent(t.app, 'admin@demo.test');
    const form = emptiedForm((await c.a.get('/students/import')).text);
    const res = await send(c, withFields(form, { institutionId: '' }));
    expect(res.status).toBe(422);
    expect(messages(res.text)).toEqual({ institutionId: 'Ce champ est obligatoire.', file: 'Choisissez un fichier.' });
  });

  it('a new request: a past availability with the missing title', async () => {
    await seedDemo(t.db);
    const c = await agent(t.app, 'etudiant@demo.test');
    const form = emptiedForm((await c.a.get('/requests/new')).text);
    const res = await send(c, withFields(form, { availableFrom: '2020-01-01' }));
    expect(res.status).toBe(422);
    expect(messages(res.text)).toEqual({ title: 'Ce champ est obligatoire.', availableFrom: 'La date de disponibilité ne peut pas être dans le passé.' });
  });
});
