import { describe, expect, it } from 'vitest';
import { hasKey, translate } from '../../src/i18n/index.js';
import { columnOf, COLUMN_GROUPS, EXPORT_COLUMNS } from '../../src/modules/agreements/export/export.columns.js';
import { BUILTIN_PRESETS, parseChoice } from '../../src/modules/agreements/export/export.presets.js';
import { CELL_MAX, fitCell, rowReader, sqlFor } from '../../src/modules/agreements/export/export.query.js';
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

  it('selects exactly the paths its columns read, each relation joined once', () => {
    const cols = ['student.lastName', 'student.number', 'service.city', 'agreement.number'].map((k) => columnOf(k)!);
    expect(sqlFor(cols)).toBe(
      'SELECT a."id" AS "id", r2."lastName" AS "student.user.lastName", r1."studentNumber" AS "student.studentNumber", r3."id" AS "service.id", r3."sameAddress" AS "service.sameAddress", r3."city" AS "service.city", r4."city" AS "organisation.city", a."academicYear" AS "academicYear", a."seq" AS "seq" ' +
        'FROM "Agreement" a LEFT JOIN "StudentProfile" r1 ON r1."id" = a."studentId" LEFT JOIN "User" r2 ON r2."id" = r1."userId" LEFT JOIN "Service" r3 ON r3."id" = a."serviceId" LEFT JOIN "Organisation" r4 ON r4."id" = a."organisationId" WHERE a."id" = ANY($1::int[])',
    );
    // Every column's paths are known relations and plain names.
    expect(() => sqlFor(EXPORT_COLUMNS)).not.toThrow();
  });

  it('reads a missing relation as an empty cell and a service without its own address at its host\'s', () => {
    const cells = rowReader(['service.city', 'companyTutor.lastName', 'agreement.confidential', 'figures.stipendDue'].map((k) => columnOf(k)!), read, '…');
    // A row as the batch's statement gives it: one value per path, null for a relation missing (LEFT JOIN).
    const row = (o: Record<string, unknown>) => ({ 'service.id': null, 'service.sameAddress': null, 'service.city': null, 'organisation.city': 'Lyon', 'companyTutor.lastName': null, confidential: false, stipendDue: null, ...o });
    expect(cells(row({}))).toEqual([null, null, 'Non', null]);
    expect(cells(row({ 'service.id': 1, 'service.sameAddress': true, 'companyTutor.lastName': 'Martin', confidential: true, stipendDue: true }))).toEqual(['Lyon', 'Martin', 'Oui', 'Oui']);
    expect(cells(row({ 'service.id': 1, 'service.sameAddress': false, 'service.city': 'Paris' }))[0]).toBe('Paris');
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
