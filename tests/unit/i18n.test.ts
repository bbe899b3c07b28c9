import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue, translate } from '../../src/i18n/index.js';

describe('message catalogues', () => {
  it('have the same keys in French and English', () => {
    const fr = Object.keys(loadCatalogue('fr')).sort();
    const en = Object.keys(loadCatalogue('en')).sort();
    expect(fr.filter((k) => !en.includes(k))).toEqual([]);
    expect(en.filter((k) => !fr.includes(k))).toEqual([]);
  });

  it('interpolate parameters and fall back to French', () => {
    expect(translate('fr', 'dashboard.welcome', { name: 'Léa' })).toBe('Bienvenue, Léa.');
    expect(translate('en', 'dashboard.welcome', { name: 'Léa' })).toBe('Welcome, Léa.');
  });

  it('cover every key the views use', () => {
    const root = path.resolve(import.meta.dirname, '../../views');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith('.ejs')) files.push(path.join(d, e.name));
      }
    };
    walk(root);
    const fr = loadCatalogue('fr');
    const missing: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\('([\w.-]+)'/g)) {
        const key = m[1];
        // A key built at run time ('roles.' + role): some key must start with that prefix.
        const known = key.endsWith('.') ? Object.keys(fr).some((k) => k.startsWith(key)) : key in fr;
        if (!known) missing.push(`${path.relative(root, file)}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
