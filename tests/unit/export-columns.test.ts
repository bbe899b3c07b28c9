import { describe, expect, it } from 'vitest';
import { hasKey, translate } from '../../src/i18n/index.js';
import { columnOf, COLUMN_GROUPS, EXPORT_COLUMNS } from '../../src/modules/agreements/export/export.columns.js';
import { BUILTIN_PRESETS, parseChoice } from '../../src/modules/agreements/export/export.presets.js';
import { CELL_MAX, fitCell, rowReader, selectFor } from '../../src/modules/agreements/export/export.query.js';
import { csvField } from '../../src/modules/agreements/export/export.writers.js';
import { ValidationError } from '../../src/errors.js';

const read = { locale: 'fr' as const, t: (k: string) => translate('fr', k) };

describe('the export column registry', () => {
  it('labels every column, once, in a known group; the built-in presets name known columns', () => {
    const keys = EXPORT_COLUMNS.map((c) => c.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const c of EXPORT_COLUMNS) {
      expect(hasKey(c.labelKey), c.key).toBe(true);
      expect(COLUMN_GROUPS).toContain(c.group);
    }
    for (const p of BUILTIN_PRESETS) {
      expect(hasKey(p.labelKey)).toBe(true);
      for (const k of p.columns) expect(columnOf(k), `${p.key}: ${k}`).toBeDefined();
    }
    // The guide's two lists: "Critères Convention", "Critères Etablissement".
    expect(BUILTIN_PRESETS.map((p) => translate('fr', p.labelKey))).toEqual(['Critères convention', 'Critères établissement']);
  });

  it('selects exactly the paths its columns read, relations nested', () => {
    const cols = ['student.lastName', 'student.number', 'service.city', 'agreement.number'].map((k) => columnOf(k)!);
    expect(selectFor(cols)).toEqual({
      id: true,
      student: { select: { user: { select: { lastName: true } }, studentNumber: true } },
      service: { select: { id: true, sameAddress: true, city: true } },
      organisation: { select: { city: true } },
      academicYear: true,
      seq: true,
    });
  });

  it('reads a missing relation as an empty cell and a service without its own address at its host\'s', () => {
    const cells = rowReader(['service.city', 'companyTutor.lastName', 'agreement.confidential', 'figures.stipendDue'].map((k) => columnOf(k)!), read, '…');
    expect(cells({ service: null, organisation: { city: 'Lyon' }, companyTutor: null, confidential: false, stipendDue: null })).toEqual([null, null, 'Non', null]);
    expect(cells({ service: { id: 1, sameAddress: true, city: null }, organisation: { city: 'Lyon' }, companyTutor: { lastName: 'Martin' }, confidential: true, stipendDue: true })).toEqual(['Lyon', 'Martin', 'Oui', 'Oui']);
    expect(cells({ service: { id: 1, sameAddress: false, city: 'Paris' }, organisation: { city: 'Lyon' }, companyTutor: null, confidential: true, stipendDue: false })[0]).toBe('Paris');
  });

  it('cuts a text at 32,767 characters with its mark, never inside a surrogate pair', () => {
    expect(fitCell('abc', '…')).toBe('abc');
    const cut = fitCell('a'.repeat(CELL_MAX + 1), '…[tronqué]');
    expect(cut).toHaveLength(CELL_MAX);
    expect(cut.endsWith('a…[tronqué]')).toBe(true);
    // An emoji (two UTF-16 units) across the cut is dropped whole.
    const s = 'a'.repeat(CELL_MAX - 2) + '😀' + 'b'.repeat(10);
    const m = fitCell(s, '!');
    expect(m.endsWith('a!')).toBe(true);
    expect(m.length).toBeLessThanOrEqual(CELL_MAX);
  });

  it('writes CSV fields as RFC 4180 and French Excel read them', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(4.35)).toBe('4,35');
    expect(csvField(new Date(Date.UTC(2026, 2, 2)))).toBe('02/03/2026');
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvField('il a dit "oui"')).toBe('"il a dit ""oui"""');
    expect(csvField('deux\nlignes')).toBe('"deux\nlignes"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('Dupont')).toBe('Dupont');
  });

  it('orders the chosen columns by their numbers, then in the page\'s order; refuses what it does not know', () => {
    expect(parseChoice({ columns: ['host.name', 'agreement.number', 'student.lastName'], 'pos.host.name': '1', 'pos.student.lastName': '' }).columns).toEqual(['host.name', 'agreement.number', 'student.lastName']);
    expect(parseChoice({ columns: ['host.name', 'agreement.number', 'host.name'] }).columns).toEqual(['agreement.number', 'host.name']);
    const fields = (body: Record<string, string | string[]>) => {
      try {
        parseChoice(body);
        return null;
      } catch (e) {
        return (e as ValidationError).fields;
      }
    };
    expect(fields({})).toEqual({ columns: 'exports.errors.noColumn' });
    expect(fields({ columns: ['host.name', '__proto__'] })).toEqual({ columns: 'exports.errors.unknownColumn|__proto__' });
    expect(fields({ columns: 'host.name', 'pos.host.name': '0' })).toEqual({ 'pos.host.name': 'exports.errors.position' });
    expect(fields({ columns: 'host.name', action: 'preset', presetName: ' ' })).toEqual({ presetName: 'errors.field.required' });
    expect(fields({ columns: 'host.name', action: 'preset', presetName: 'x'.repeat(61) })).toEqual({ presetName: 'errors.field.tooLong|60' });
  });
});
