import { createHash } from 'node:crypto';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditRows, JPEG_HEAD, makeCentresWithStaff, PNG_1PX } from '../factories/institutions.js';
import { agent, useApp } from '../helpers/app.js';

function fieldError(html: string, field: string): string | null {
  const m = html.match(new RegExp(`<p class="error-message" id="f-${field}-error">(?:<span[^>]*>[^<]*</span>)?([^<]*)</p>`));
  return m ? m[1] : null;
}

describe('centre logo upload', () => {
  const t = useApp();
  let w: Awaited<ReturnType<typeof makeCentresWithStaff>>;
  let s: Awaited<ReturnType<typeof agent>>;
  beforeEach(async () => {
    w = await makeCentresWithStaff(t.db);
    s = await agent(t.app, 'a.admin@test.example');
  });
  const logoUrl = () => `/centres/${w.centreA.id}/logo`;

  it('accepts a real PNG, stores it with its hash, size and sniffed type, and serves it back', async () => {
    const form = await s.a.get(logoUrl());
    expect(form.status).toBe(200);
    expect(form.text).toContain('enctype="multipart/form-data"');
    expect(form.text).toContain('type="file" id="f-logo" name="logo"');

    const res = await s.a.post(logoUrl()).field('_csrf', s.csrf).attach('logo', PNG_1PX, { filename: 'logo été.png', contentType: 'application/octet-stream' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(logoUrl());
    const centre = await t.db.managementCentre.findUniqueOrThrow({ where: { id: w.centreA.id } });
    expect(centre.logoFileId).not.toBeNull();
    const file = await t.db.storedFile.findUniqueOrThrow({ where: { id: centre.logoFileId! } });
    expect(file).toMatchObject({
      originalName: 'logo été.png',
      mimeType: 'image/png',
      extension: 'png',
      size: PNG_1PX.length,
      sha256: createHash('sha256').update(PNG_1PX).digest('hex'),
      uploadedById: w.admin.id,
    });
    expect(Buffer.from(file.data).equals(PNG_1PX)).toBe(true);
    const [row] = await auditRows(t.db, 'centre.logo');
    expect(row.after).toMatchObject({ logoFileId: file.id, mimeType: 'image/png' });
    expect(JSON.stringify(row.after)).not.toContain('iVBOR');

    const page = await s.a.get(logoUrl());
    expect(page.text).toContain('Le logo a été enregistré.');
    expect(page.text).toContain(`src="/centres/${w.centreA.id}/logo/image?v=${file.id}"`);

    // Every member of the centre sees it.
    const reader = await agent(t.app, 'a.read@test.example');
    const img = await reader.a.get(`/centres/${w.centreA.id}/logo/image`).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.headers['x-content-type-options']).toBe('nosniff');
    expect(img.headers['content-disposition']).toMatch(/^inline; filename="logo _t_\.png"; filename\*=UTF-8''logo%20%C3%A9t%C3%A9\.png$/);
    expect(Buffer.compare(img.body as Buffer, PNG_1PX)).toBe(0);
    const again = await reader.a.get(`/centres/${w.centreA.id}/logo/image`).set('If-None-Match', img.headers.etag);
    expect(again.status).toBe(304);

    // Out of reach: 404, like the centre itself.
    const other = await agent(t.app, 'b.admin@test.example');
    expect((await other.a.get(`/centres/${w.centreA.id}/logo/image`)).status).toBe(404);
    expect((await request(t.app).get(`/centres/${w.centreA.id}/logo/image`)).status).toBe(303);
  });

  it('accepts a JPEG, and a replacement becomes the logo', async () => {
    await s.a.post(logoUrl()).field('_csrf', s.csrf).attach('logo', PNG_1PX, 'a.png');
    const res = await s.a.post(logoUrl()).field('_csrf', s.csrf).attach('logo', JPEG_HEAD, 'photo.jpeg');
    expect(res.status).toBe(303);
    const centre = await t.db.managementCentre.findUniqueOrThrow({ where: { id: w.centreA.id }, include: { logoFile: true } });
    expect(centre.logoFile).toMatchObject({ mimeType: 'image/jpeg', extension: 'jpg' });
    const img = await s.a.get(`/centres/${w.centreA.id}/logo/image`);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(img.headers['content-disposition']).toContain('filename="photo.jpg"');
  });

  it('refuses a text file named logo.png (422, nothing stored)', async () => {
    const res = await s.a.post(logoUrl()).field('_csrf', s.csrf).attach('logo', Buffer.from('hello, I am not an image\n'), { filename: 'logo.png', contentType: 'image/png' });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'logo')).toBe('Le fichier doit être de type PNG, JPEG.');
    expect(res.text).toContain('href="#f-logo"');
    expect(await t.db.storedFile.count()).toBe(0);
    expect((await t.db.managementCentre.findUniqueOrThrow({ where: { id: w.centreA.id } })).logoFileId).toBeNull();
    expect(await auditRows(t.db, 'centre.logo')).toHaveLength(0);
  });

  it('refuses other content types (a PDF, an SVG) whatever their name', async () => {
    const pdf = await s.a.post(logoUrl()).field('_csrf', s.csrf).attach('logo', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1'), 'logo.jpg');
    expect(pdf.status).toBe(422);
    const svg = await s.a.post(logoUrl()).field('_csrf', s.csrf).attach('logo', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'logo.png');
    expect(svg.status).toBe(422);
    expect(await t.db.storedFile.count()).toBe(0);
  });

  it('refuses a file over 1 MB (422) and a form without a file (422)', async () => {
    const big = Buffer.concat([PNG_1PX, Buffer.alloc(1024 * 1024)]);
    const res = await s.a.post(logoUrl()).field('_csrf', s.csrf).attach('logo', big, 'big.png');
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'logo')).toBe('Le fichier est trop volumineux.');
    const none = await s.a.post(logoUrl()).field('_csrf', s.csrf);
    expect(none.status).toBe(422);
    expect(fieldError(none.text, 'logo')).toBe('Choisissez un fichier.');
    expect(await t.db.storedFile.count()).toBe(0);
  });

  it('refuses an upload without a valid CSRF token (403, nothing stored)', async () => {
    const missing = await s.a.post(logoUrl()).attach('logo', PNG_1PX, 'logo.png');
    expect(missing.status).toBe(403);
    const wrong = await s.a.post(logoUrl()).field('_csrf', 'x'.repeat(256)).attach('logo', PNG_1PX, 'logo.png');
    expect(wrong.status).toBe(403);
    // A file too large without a token: the forgery is what is reported, nothing is kept.
    const boundary = 'stagesboundary42';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="logo"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`),
      PNG_1PX,
      Buffer.alloc(1024 * 1024 + 10),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const bigForged = await s.a.post(logoUrl()).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body);
    expect(bigForged.status).toBe(403);
    // The same body with the token first is a well-formed upload, refused for its size only.
    const first = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${s.csrf}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="logo"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`),
      PNG_1PX,
      Buffer.alloc(1024 * 1024 + 10),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const sized = await s.a.post(logoUrl()).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(first);
    expect(sized.status).toBe(422);
    expect(await t.db.storedFile.count()).toBe(0);
  });

  it('refuses the upload to READ and WRITE members (403) and to another centre\'s ADMIN (404)', async () => {
    for (const email of ['a.read@test.example', 'a.write@test.example']) {
      const m = await agent(t.app, email);
      expect((await m.a.get(logoUrl())).status).toBe(403);
      expect((await m.a.post(logoUrl()).field('_csrf', m.csrf).attach('logo', PNG_1PX, 'logo.png')).status).toBe(403);
    }
    const other = await agent(t.app, 'b.admin@test.example');
    expect((await other.a.get(logoUrl())).status).toBe(404);
    expect((await other.a.post(logoUrl()).field('_csrf', other.csrf).attach('logo', PNG_1PX, 'logo.png')).status).toBe(404);
    expect(await t.db.storedFile.count()).toBe(0);
  });

  it('answers 404 for the image of a centre without a logo', async () => {
    expect((await s.a.get(`/centres/${w.centreA.id}/logo/image`)).status).toBe(404);
  });

  it('does not let a multipart body slip past CSRF on routes that take no file', async () => {
    const row = await w.staffRow(w.read.id, w.centreA.id);
    const res = await s.a.post(`/centres/${w.centreA.id}/staff/${row.id}/remove`).field('x', '1');
    expect(res.status).toBe(403);
    const edit = await s.a.post(`/centres/${w.centreA.id}/edit`).field('name', 'Piraté');
    expect(edit.status).toBe(403);
    expect(await t.db.centreStaff.findUnique({ where: { id: row.id } })).not.toBeNull();
  });
});
