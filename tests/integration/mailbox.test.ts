import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { MAIL_HTML_CSP } from '../../src/mail/mailbox.routes.js';
import { queueEmail } from '../../src/mail/outbox.js';
import { makeRoleAccounts } from '../factories/index.js';
import { agent, useApp } from '../helpers/app.js';

const ADMIN = 'platform.admin@test.example';
const OTHERS = ['student@test.example', 'company.admin@test.example', 'tutor@test.example', 'centre.admin@test.example'];

async function makeMessages(db: Db, n: number) {
  const base = Date.UTC(2025, 0, 1, 8, 0, 0);
  for (let i = 1; i <= n; i++) {
    await db.outboxEmail.create({
      data: {
        to: `person${i}@test.example`,
        subject: `Sujet numéro ${i}`,
        html: `<p>Corps ${i}</p>`,
        text: `Corps ${i}`,
        template: 'test',
        createdAt: new Date(base + i * 60_000),
        nextAttemptAt: new Date(base + i * 60_000),
      },
    });
  }
}

/** Table rows of the list, in order: the subject of each. */
const subjects = (html: string) => [...html.matchAll(/<th scope="row"><a href="\/dev\/mailbox\/\d+">([^<]*)<\/a><\/th>/g)].map((m) => m[1]);

describe('dev mailbox (no SMTP_URL)', () => {
  const t = useApp();

  it('redirects anonymous visitors to the sign-in page', async () => {
    await makeMessages(t.db, 1);
    const { id } = await t.db.outboxEmail.findFirstOrThrow();
    for (const path of ['/dev/mailbox', `/dev/mailbox/${id}`, `/dev/mailbox/${id}/html`]) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(path)}`);
    }
  });

  it('refuses every other role (403)', async () => {
    await makeRoleAccounts(t.db);
    await makeMessages(t.db, 1);
    const { id } = await t.db.outboxEmail.findFirstOrThrow();
    for (const email of OTHERS) {
      const { a } = await agent(t.app, email);
      for (const path of ['/dev/mailbox', `/dev/mailbox/${id}`, `/dev/mailbox/${id}/html`]) {
        const res = await a.get(path);
        expect(res.status, `${email} ${path}`).toBe(403);
        expect(res.text).not.toContain('Sujet numéro 1');
      }
    }
  });

  it('lists the outbox newest first, 25 per page, with an accessible table and pagination', async () => {
    await makeRoleAccounts(t.db);
    await makeMessages(t.db, 30);
    await t.db.outboxEmail.updateMany({ where: { subject: 'Sujet numéro 30' }, data: { status: 'SENT', attempts: 1, sentAt: new Date() } });
    await t.db.outboxEmail.updateMany({ where: { subject: 'Sujet numéro 29' }, data: { status: 'FAILED', attempts: 5 } });
    const { a } = await agent(t.app, ADMIN);

    const p1 = await a.get('/dev/mailbox');
    expect(p1.status).toBe(200);
    expect(p1.text).toContain('<h1>Boîte d&#39;envoi (développement)</h1>');
    expect(p1.text).toMatch(/<caption>[^<]*Courriels de la file d&#39;envoi/);
    for (const col of ['Date', 'Destinataire', 'Objet', 'État', 'Tentatives']) expect(p1.text).toContain(`<th scope="col">${col}</th>`);
    const first = subjects(p1.text);
    expect(first).toHaveLength(25);
    expect(first[0]).toBe('Sujet numéro 30');
    expect(first[24]).toBe('Sujet numéro 6');
    expect(p1.text).toContain('person30@test.example');
    expect(p1.text).toContain('Envoyé');
    expect(p1.text).toContain('Échec');
    expect(p1.text).toContain('En attente');
    expect(p1.text).toContain('<nav aria-label="Pagination">');
    expect(p1.text).toContain('Page 1 sur 2');
    expect(p1.text).toContain('href="/dev/mailbox?page=2" rel="next"');
    expect(p1.text).not.toContain('rel="prev"');

    const p2 = await a.get('/dev/mailbox?page=2');
    expect(subjects(p2.text)).toEqual(['Sujet numéro 5', 'Sujet numéro 4', 'Sujet numéro 3', 'Sujet numéro 2', 'Sujet numéro 1']);
    expect(p2.text).toContain('href="/dev/mailbox?page=1" rel="prev"');
    expect(p2.text).not.toContain('rel="next"');

    // Out-of-range or malformed page numbers do not fail.
    expect(subjects((await a.get('/dev/mailbox?page=99')).text)[0]).toBe('Sujet numéro 5');
    expect(subjects((await a.get('/dev/mailbox?page=abc')).text)[0]).toBe('Sujet numéro 30');
  });

  it('says so when the outbox is empty', async () => {
    await makeRoleAccounts(t.db);
    const { a } = await agent(t.app, ADMIN);
    const res = await a.get('/dev/mailbox');
    expect(res.status).toBe(200);
    expect(res.text).toContain('La file d&#39;envoi est vide.');
    expect(res.text).not.toContain('<table');
  });

  it('shows a message: headers, text part, HTML part in a sandboxed frame served with a strict CSP', async () => {
    await makeRoleAccounts(t.db);
    await queueEmail(t.db, {
      to: 'dominique@test.example',
      template: 'password-reset',
      data: { firstName: 'Dominique', link: 'http://stages.test/password/reset/abc', minutes: 60 },
    });
    const row = await t.db.outboxEmail.findFirstOrThrow();
    const { a } = await agent(t.app, ADMIN);

    const list = await a.get('/dev/mailbox');
    expect(list.text).toContain(`href="/dev/mailbox/${row.id}"`);

    const res = await a.get(`/dev/mailbox/${row.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`Courriel n° ${row.id}`);
    expect(res.text).toContain('dominique@test.example');
    expect(res.text).toContain('Réinitialisation de votre mot de passe');
    expect(res.text).toContain('Stages &lt;no-reply@stages.localhost&gt;'); // From: MAIL_FROM
    expect(res.text).toMatch(/<pre class="mail-text">Bonjour Dominique,\s+Vous avez demandé/);
    expect(res.text).toContain(`<iframe class="mail-preview" sandbox src="/dev/mailbox/${row.id}/html"`);
    expect(res.text).toMatch(/<iframe[^>]* title="Aperçu de la version HTML du courriel n° \d+"/);
    // The HTML source is shown escaped, never as markup of the page.
    expect(res.text).toContain('&lt;p&gt;Bonjour Dominique,&lt;/p&gt;');
    // No inline script: every <script> has a src.
    expect(res.text.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();

    const html = await a.get(`/dev/mailbox/${row.id}/html`);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.headers['content-security-policy']).toBe(MAIL_HTML_CSP);
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    expect(html.headers['cache-control']).toBe('no-store');
    expect(html.text).toBe(row.html);
  });

  it('escapes hostile content and serves it only under the sandbox CSP', async () => {
    await makeRoleAccounts(t.db);
    const evil = await t.db.outboxEmail.create({
      data: {
        to: 'x@test.example',
        subject: '<script>alert(1)</script>',
        html: '<p>Hi</p><script>alert(2)</script><img src="https://tracker.example/p.gif">',
        text: '</pre><script>alert(3)</script>',
        template: 'test',
      },
    });
    const { a } = await agent(t.app, ADMIN);
    const list = await a.get('/dev/mailbox');
    expect(list.text).not.toContain('<script>alert');
    expect(list.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const page = await a.get(`/dev/mailbox/${evil.id}`);
    expect(page.text).not.toContain('<script>alert');
    expect(page.text).toContain('&lt;/pre&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    const frame = await a.get(`/dev/mailbox/${evil.id}/html`);
    expect(frame.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(frame.headers['content-security-policy']).toMatch(/\bsandbox\b/);
    expect(frame.headers['content-security-policy']).not.toMatch(/script-src/);
  });

  it('answers 404 for an unknown or malformed message id', async () => {
    await makeRoleAccounts(t.db);
    const { a } = await agent(t.app, ADMIN);
    for (const path of ['/dev/mailbox/999', '/dev/mailbox/999/html', '/dev/mailbox/abc', '/dev/mailbox/0', '/dev/mailbox/1e3']) {
      expect((await a.get(path)).status, path).toBe(404);
    }
  });

  it('speaks English when the user chose English', async () => {
    await makeRoleAccounts(t.db);
    await makeMessages(t.db, 1);
    const { a, csrf } = await agent(t.app, ADMIN);
    await a.post('/lang').type('form').send({ lang: 'en', back: '/dev/mailbox', _csrf: csrf });
    const res = await a.get('/dev/mailbox');
    expect(res.text).toContain('<h1>Outbox (development)</h1>');
    expect(res.text).toContain('<th scope="col">Recipient</th>');
    expect(res.text).toContain('Pending');
  });
});

describe('dev mailbox with SMTP_URL configured', () => {
  const t = useApp({ SMTP_URL: 'smtp://127.0.0.1:2525' });

  it('does not exist (404), even for the platform admin', async () => {
    await makeRoleAccounts(t.db);
    await makeMessages(t.db, 1);
    const { id } = await t.db.outboxEmail.findFirstOrThrow();
    const { a } = await agent(t.app, ADMIN);
    for (const path of ['/dev/mailbox', `/dev/mailbox/${id}`, `/dev/mailbox/${id}/html`]) {
      const res = await a.get(path);
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('Sujet numéro 1');
    }
  });
});
