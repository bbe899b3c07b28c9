import { describe, expect, it } from 'vitest';
import { makeApplicationWorld } from '../factories/applications.js';
import { fieldError, makeStudentWorld, minimalPdf } from '../factories/students.js';
import { agent, useApp } from '../helpers/app.js';

// Issue 10: "A message over the body limit gives a full-page 413 and everything typed is lost".
// A text longer than its field allows is refused beside that field, the form shown again (422)
// with what was typed; the page states each long text's limit, and forms.js counts it live.
const textarea = (html: string, name: string) => {
  const m = html.match(new RegExp(`<textarea id="f-${name}"[^>]*>([\\s\\S]*?)</textarea>`));
  return m ? m[1] : null;
};
const summary = (html: string) => [...(html.match(/<div class="error-summary"[\s\S]*?<\/ul>/)?.[0] ?? '').matchAll(/<li><a href="#f-[^"]+">([^<]*)<\/a><\/li>/g)].map((m) => m[1].replace(/&#39;/g, "'"));

describe('long texts: refused beside their field with what was typed kept, their limit stated', () => {
  const t = useApp();

  it('the application form (multipart): over the schema limit, and far over what multipart reads', async () => {
    const w = await makeApplicationWorld(t.db);
    const s = await agent(t.app, 'lea.dubois@etu.test');
    const form = await s.a.get(`/applications/new?offer=${w.offer.id}`);
    // The limit, from the schema: in the hint without JavaScript, and for the counter.
    expect(form.text).toMatch(/<p class="hint" id="f-message-hint"><span class="char-limit">5\u202f000 caractères au maximum\.<\/span><\/p>/);
    expect(form.text).toMatch(/<textarea id="f-message" name="message"[^>]* aria-describedby="f-message-hint"[^>]* data-maxlength="5000" data-count="\{count\} \/ \{max\} caractères"/);

    const post = (message: string) =>
      s.a
        .post(`/applications/new?offer=${w.offer.id}`)
        .field('_csrf', s.csrf)
        .field('title', 'Ma candidature')
        .field('message', message)
        .attach('cv', minimalPdf(), 'cv.pdf')
        .attach('letter', minimalPdf(), 'lettre.pdf');

    const long = 'Très motivée. '.repeat(430); // 6,020 characters, 6,450 bytes
    const over = await post(long);
    expect(over.status).toBe(422);
    expect(fieldError(over.text, 'message')).toBe('Ce champ ne doit pas dépasser 5000 caractères.');
    expect(textarea(over.text, 'message')).toBe(long);
    expect(summary(over.text)).toEqual(['Message : Ce champ ne doit pas dépasser 5000 caractères.']);

    // 300 KB: beyond what a multipart field may carry (MULTIPART_FIELD_BYTES) — still the form, not a 413.
    const huge = await post('x'.repeat(300 * 1024));
    expect(huge.status).toBe(422);
    expect(fieldError(huge.text, 'message')).toMatch(/^Ce texte est bien trop long pour être lu/);
    expect(huge.text).toContain('value="Ma candidature"'); // what came before it is kept

    expect(await t.db.application.count()).toBe(0);
    expect(await t.db.storedFile.count()).toBe(0);

    // A line break counts for one character, as the page's counter shows it (browsers send CR LF).
    const exact = `${'a'.repeat(2500)}\r\n${'b'.repeat(2499)}`; // 5,001 characters sent, 5,000 counted
    expect((await post(exact)).status).toBe(303);
    expect((await t.db.application.findFirstOrThrow()).message).toBe(`${'a'.repeat(2500)}\n${'b'.repeat(2499)}`);
  });

  it('a request (URL-encoded): a description of 200 KB is the form again, not a 413 page', async () => {
    await makeStudentWorld(t.db);
    const s = await agent(t.app, 'lea.dubois@etu.test');
    expect((await s.a.get('/requests/new')).text).toMatch(/<span class="char-limit">4\u202f000 caractères au maximum\.<\/span>/);
    const description = 'Je cherche un stage en développement web. '.repeat(5000); // 210,000 characters
    const res = await s.a.post('/requests/new').type('form').send({ _csrf: s.csrf, title: 'Stage développeur', description });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'description')).toBe('Ce champ ne doit pas dépasser 4000 caractères.');
    expect(textarea(res.text, 'description')).toBe(description);
    expect(summary(res.text)).toEqual(['Description : Ce champ ne doit pas dépasser 4000 caractères.']);
    expect(await t.db.internshipRequest.count()).toBe(0);
  });

  it('states the limit in English too', async () => {
    await makeStudentWorld(t.db);
    const s = await agent(t.app, 'lea.dubois@etu.test');
    await s.a.post('/lang').type('form').send({ lang: 'en', _csrf: s.csrf });
    const page = (await s.a.get('/requests/new')).text;
    expect(page).toContain('<span class="char-limit">4,000 characters at most.</span>');
    expect(page).toContain('data-count-over="{count} / {max} characters: {over} too many"');
  });
});
