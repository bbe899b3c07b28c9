import { describe, expect, it } from 'vitest';
import { CATALOGUES, fill } from '../../src/documents/catalogues/index.js';
import { PRINT_LANGUAGES } from '../../src/modules/agreements/agreement.types.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

// The printed documents' texts: French is the reference, the four other print languages must say
// the same things — the same keys, none empty, the same {placeholders} in each text.
describe('document catalogues', () => {
  const reference = CATALOGUES.fr;
  const keys = Object.keys(reference).sort();

  it.each(PRINT_LANGUAGES.filter((l) => l !== 'fr'))('have the keys of the French one in %s', (lang) => {
    const mine = Object.keys(CATALOGUES[lang]).sort();
    expect(mine.filter((k) => !keys.includes(k))).toEqual([]);
    expect(keys.filter((k) => !mine.includes(k))).toEqual([]);
  });

  it.each(PRINT_LANGUAGES)('have no empty text and the reference placeholders in %s', (lang) => {
    const catalogue = CATALOGUES[lang] as Record<string, string>;
    const empty = Object.entries(catalogue).filter(([, v]) => !v.trim()).map(([k]) => k);
    expect(empty).toEqual([]);
    const differ = keys.filter((k) => placeholders(catalogue[k]).join() !== placeholders((reference as Record<string, string>)[k]).join());
    expect(differ).toEqual([]);
  });

  it('are different languages, not copies of French (the clauses)', () => {
    const clauses = keys.filter((k) => k.startsWith('art') && (reference as Record<string, string>)[k].length > 40);
    expect(clauses.length).toBeGreaterThan(20);
    for (const lang of PRINT_LANGUAGES.filter((l) => l !== 'fr')) {
      const same = clauses.filter((k) => (CATALOGUES[lang] as Record<string, string>)[k] === (reference as Record<string, string>)[k]);
      expect(same, lang).toEqual([]);
    }
  });

  it("are translated for the amendment too (its title, intro, termination, clauses and signers' roles)", () => {
    const texts = keys.filter((k) => /^(am|partyCompanyTutor.|partyAcademicTutor.)/.test(k) && (reference as Record<string, string>)[k].length > 12);
    expect(texts.length).toBeGreaterThan(15);
    for (const lang of PRINT_LANGUAGES.filter((l) => l !== 'fr')) {
      const same = texts.filter((k) => (CATALOGUES[lang] as Record<string, string>)[k] === (reference as Record<string, string>)[k]);
      expect(same, lang).toEqual([]);
    }
  });

  it('fill placeholders and leave an unknown one visible', () => {
    expect(fill('Convention n° {number} — page {page} / {pages}', { number: '2026-00001', page: 1, pages: 3 })).toBe('Convention n° 2026-00001 — page 1 / 3');
    expect(fill('{a} et {b}', { a: 'x' })).toBe('x et {b}');
  });
});
