import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasKey } from '../../src/i18n/index.js';
import { makeProgramme, makeStaff, makeStudyYear, makeUser } from '../factories/index.js';
import { makeCentresWithStaff } from '../factories/institutions.js';
import { agent, useApp } from '../helpers/app.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

function flatKeys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? flatKeys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('admin and centre catalogues', () => {
  it('have the same keys in French and English', () => {
    for (const ns of ['admin', 'centres']) {
      const fr = flatKeys(JSON.parse(readFileSync(path.join(ROOT, `src/i18n/locales/fr/${ns}.json`), 'utf8'))).sort();
      const en = flatKeys(JSON.parse(readFileSync(path.join(ROOT, `src/i18n/locales/en/${ns}.json`), 'utf8'))).sort();
      expect(en, ns).toEqual(fr);
    }
  });

  it('hold every literal key the views and the module use', () => {
    const sources = [...files(path.join(ROOT, 'views/admin')), ...files(path.join(ROOT, 'views/centres')), ...files(path.join(ROOT, 'src/modules/institutions')), ...files(path.join(ROOT, 'src/files'))];
    const missing: string[] = [];
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/'((?:admin|centres|common|errors|rights|nav)\.[A-Za-z0-9.]+[A-Za-z0-9])'/g)) {
        if (!hasKey(m[1])) missing.push(`${path.relative(ROOT, file)}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('every admin and centre page renders in both languages', () => {
  const t = useApp();

  it('with one h1, no untranslated key and no inline script or style', async () => {
    const w = await makeCentresWithStaff(t.db);
    const prog = await makeProgramme(t.db, w.institution.id);
    const year = await makeStudyYear(t.db, prog.id, w.centreA.id);
    const ay = await t.db.academicYear.create({ data: { label: '2026-2027', startDate: new Date('2026-09-01'), endDate: new Date('2027-08-31'), isCurrent: true } });
    const member = await makeStaff(t.db, w.centreA.id, 'READ');
    await t.db.user.update({ where: { id: member.id }, data: { civility: 'MRS' } });
    const staffRow = await w.staffRow(member.id, w.centreA.id);
    await makeUser(t.db, { email: 'other@test.example' });
    const pages = [
      '/admin/institutions',
      '/admin/institutions/new',
      `/admin/institutions/${w.institution.id}`,
      `/admin/institutions/${w.institution.id}/edit`,
      `/admin/institutions/${w.institution.id}/programmes/new`,
      `/admin/programmes/${prog.id}`,
      `/admin/programmes/${prog.id}/edit`,
      `/admin/programmes/${prog.id}/study-years/new`,
      `/admin/study-years/${year.id}/edit`,
      '/admin/academic-years',
      '/admin/academic-years/new',
      `/admin/academic-years/${ay.id}/edit`,
      '/admin/centres',
      '/admin/centres/new',
      '/centres',
      `/centres/${w.centreA.id}`,
      `/centres/${w.centreA.id}/edit`,
      `/centres/${w.centreA.id}/logo`,
      `/centres/${w.centreA.id}/staff`,
      `/centres/${w.centreA.id}/staff/new`,
      `/centres/${w.centreA.id}/staff/${staffRow.id}/edit`,
    ];
    const { a, csrf } = await agent(t.app, 'platform.admin@test.example');
    for (const lang of ['fr', 'en']) {
      await a.post('/lang').type('form').send({ lang, _csrf: csrf });
      for (const p of pages) {
        const res = await a.get(p);
        expect(res.status, `${lang} ${p}`).toBe(200);
        expect(res.text.match(/<h1[ >]/g), `${lang} ${p}: one h1`).toHaveLength(1);
        expect(res.text, `${lang} ${p}: <html lang>`).toContain(`<html lang="${lang}">`);
        const raw = res.text.match(/(?<![\w/.-])(?:admin|centres|common|errors|rights)\.[a-zA-Z]+(?:\.[a-zA-Z0-9]+)*(?![\w/])/g) ?? [];
        expect(raw.filter((k) => k.split('.').length > 1 && !/\.(fr|com|example|png|jpg)$/.test(k)), `${lang} ${p}: untranslated keys`).toEqual([]);
        expect(res.text, `${lang} ${p}: inline style`).not.toMatch(/ style="|<style/);
        expect(res.text.replace(/<script src="[^"]+" defer><\/script>/g, ''), `${lang} ${p}: inline script`).not.toContain('<script');
        // Every input, select and textarea has a label.
        for (const m of res.text.matchAll(/<(?:input|select|textarea)[^>]*\bid="([^"]+)"/g)) {
          expect(res.text, `${lang} ${p}: label for ${m[1]}`).toContain(`for="${m[1]}"`);
        }
      }
    }
  });

  it('the centre list of a staff member shows their right and links to the centre', async () => {
    const w = await makeCentresWithStaff(t.db);
    const { a } = await agent(t.app, 'a.write@test.example');
    const res = await a.get('/centres');
    expect(res.text).toContain(`href="/centres/${w.centreA.id}"`);
    expect(res.text).toContain('<span class="badge">Écriture</span>');
    expect(res.text).toContain('<th scope="col">');
  });
});
