import { describe, expect, it } from 'vitest';
import { checkNir, formatNir, maskNir, nirKey, normalizeNir } from '../../src/modules/students/nir.js';
import { profileSchema as profileSchemaOn } from '../../src/modules/students/students.schemas.js';
import { CalendarDate } from '../../src/time/calendar.js';

const profileSchema = profileSchemaOn(CalendarDate.parse('2026-03-01')!);

// Keys computed independently of the code under test: 97 − (number mod 97), and for Corsica the
// INSEE rule written the other way round (the number with "20" in place of 2A/2B, minus 1 000 000
// for 2A and 2 000 000 for 2B).
const independentKey = (first13: string) => {
  const dept = first13.slice(5, 7);
  const n = BigInt(first13.slice(0, 5) + (dept === '2A' || dept === '2B' ? '20' : dept) + first13.slice(7));
  const corsica = dept === '2A' ? 1_000_000n : dept === '2B' ? 2_000_000n : 0n;
  return String(97n - ((n - corsica) % 97n)).padStart(2, '0');
};

describe('French social-security number (NIR)', () => {
  it('accepts valid numbers, with or without spaces, and stores them without', () => {
    expect(checkNir('1 85 05 78 006 084 91')).toEqual({ ok: true, value: '185057800608491' });
    expect(checkNir('294037512000591')).toEqual({ ok: true, value: '294037512000591' });
    expect(checkNir('2 55 10 14 168 025 70')).toEqual({ ok: true, value: '255101416802570' });
    // Non-breaking spaces (pasted from a document) too.
    expect(checkNir('2\u00a094\u00a003 75 120 005 91')).toMatchObject({ ok: true, value: '294037512000591' });
  });

  it('agrees with the independent computation of the key', () => {
    for (const body of ['1850578006084', '2940375120005', '2551014168025', '1123456789012', '7990399123456', '269052A004123', '175082B004567']) {
      expect(String(nirKey(body)).padStart(2, '0')).toBe(independentKey(body));
    }
  });

  it('handles Corsica: 2A counts as 19 and 2B as 18 for the key', () => {
    expect(independentKey('269052A004123')).toBe('14');
    expect(independentKey('175082B004567')).toBe('80');
    expect(checkNir('2 69 05 2A 004 123 14')).toEqual({ ok: true, value: '269052A00412314' });
    expect(checkNir('1 75 08 2b 004 567 80')).toEqual({ ok: true, value: '175082B00456780' });
    // The key of the number read with "20" (old Corsica) is not the key of 2A.
    expect(checkNir('2 69 05 2A 004 123 ' + independentKey('2690520004123'))).toEqual({ ok: false, error: 'key' });
    expect(checkNir('2 69 05 2C 004 123 14')).toEqual({ ok: false, error: 'format' });
  });

  it('refuses a wrong key with its own message', () => {
    expect(checkNir('1 85 05 78 006 084 92')).toEqual({ ok: false, error: 'key' });
    expect(checkNir('1 85 05 78 006 084 00')).toEqual({ ok: false, error: 'key' });
    const r = profileSchema.safeParse({ country: 'FR', ssn: '1 85 05 78 006 084 92' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['ssn'], message: 'students.ssn.errors.key' });
  });

  it('refuses malformed numbers with the part that is wrong', () => {
    expect(checkNir('1 85 05 78 006 084')).toEqual({ ok: false, error: 'format' }); // 13 characters
    expect(checkNir('1 85 05 78 006 084 911')).toEqual({ ok: false, error: 'format' });
    expect(checkNir('1 85 05 78 0O6 084 91')).toEqual({ ok: false, error: 'format' }); // letter O
    expect(checkNir('5 85 05 78 006 084 ' + independentKey('5850578006084'))).toEqual({ ok: false, error: 'sex' });
    expect(checkNir('1 85 13 78 006 084 ' + independentKey('1851378006084'))).toEqual({ ok: false, error: 'month' });
    expect(checkNir('1 85 00 78 006 084 ' + independentKey('1850078006084'))).toEqual({ ok: false, error: 'month' });
    expect(checkNir('1 85 43 78 006 084 ' + independentKey('1854378006084'))).toEqual({ ok: false, error: 'month' });
    expect(checkNir('1 85 AB 78 006 084 91')).toEqual({ ok: false, error: 'format' });
    expect(checkNir('1 85 05 A8 006 084 91')).toEqual({ ok: false, error: 'department' });
  });

  it('accepts the special months (20–42, 50–99) and the temporary kinds 3, 4, 7, 8', () => {
    for (const body of ['1853078006084', '2855078006084', '1859978006084', '3850578006084', '4850578006084', '7850578006084', '8850578006084']) {
      expect(checkNir(body + independentKey(body))).toMatchObject({ ok: true });
    }
  });

  it('is optional on the profile, and stored without spaces', () => {
    expect(profileSchema.parse({ country: 'FR', ssn: '' }).ssn).toBeNull();
    expect(profileSchema.parse({ country: 'FR' }).ssn).toBeNull();
    expect(profileSchema.parse({ country: 'FR', ssn: ' 2 94 03 75 120 005 91 ' }).ssn).toBe('294037512000591');
  });

  it('masks everything but the first digit and the key, and formats in groups', () => {
    expect(maskNir('294037512000591')).toBe('2 ** ** ** *** *** 91');
    expect(maskNir(null)).toBeNull();
    expect(formatNir('269052A00412314')).toBe('2 69 05 2A 004 123 14');
    expect(normalizeNir(' 2 69 05 2a 004.123-14 ')).toBe('269052A00412314');
  });
});
