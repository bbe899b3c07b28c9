import { describe, expect, it } from 'vitest';
import { fieldErrors } from '../../src/http/validate.js';
import { departmentOf, digitsOf, isNafCode, isValidSiret, nafLabel, nafSectionOf, normalizeName, withSiretKey } from '../../src/modules/organisations/identifiers.js';
import { organisationSchema, searchSchemas, serviceSchema } from '../../src/modules/organisations/organisations.schemas.js';
import { phoneSearchDigits } from '../../src/modules/organisations/organisations.search.js';
import { translate } from '../../src/i18n/index.js';
import { orgForm, SIRETS } from '../factories/organisations.js';

/** The message key of each wrong field, as the form would show it. */
function errorsOf(input: Record<string, string>) {
  const r = organisationSchema.safeParse(input);
  return r.success ? {} : fieldErrors(r.error);
}

describe('SIRET', () => {
  it('accepts real numbers with a valid Luhn key, and La Poste establishments', () => {
    for (const s of SIRETS.valid) expect(isValidSiret(s), s).toBe(true);
    expect(isValidSiret(SIRETS.laPoste)).toBe(true);
  });

  it('refuses a wrong key, 13 digits, spaces and letters', () => {
    expect(isValidSiret('73282932000075')).toBe(false);
    expect(isValidSiret('7328293200007')).toBe(false);
    expect(isValidSiret('732 829 320 00074')).toBe(false);
    expect(isValidSiret('7328293200007A')).toBe(false);
    // La Poste's rule (sum of digits a multiple of 5) only for its own SIREN.
    expect(isValidSiret('35600000049838')).toBe(false);
  });

  it('computes the key of 13 digits', () => {
    expect(withSiretKey('7328293200007')).toBe('73282932000074');
    expect(withSiretKey('4430618410004')).toBe('44306184100047');
    expect(isValidSiret(withSiretKey('4100000000123'))).toBe(true);
  });

  it('gives the form the right message for each wrong SIRET', () => {
    expect(errorsOf(orgForm({ siret: '73282932000075' })).siret).toBe('organisations.errors.siretChecksum');
    expect(errorsOf(orgForm({ siret: '7328293200007' })).siret).toBe('organisations.errors.siretFormat');
    // Spaces, dots and dashes between the digits are ignored (the one SIRET field, siretField).
    expect(errorsOf(orgForm({ siret: '732 829 320 00074' }))).toEqual({});
    expect(errorsOf(orgForm({ siret: '7328293200007A' })).siret).toBe('organisations.errors.siretFormat');
    expect(errorsOf(orgForm({ siret: SIRETS.laPoste }))).toEqual({});
    expect(translate('fr', 'organisations.errors.siretFormat')).toContain('14 chiffres');
    expect(translate('fr', 'organisations.errors.siretChecksum')).toContain('clé de contrôle');
  });

  it('is required in France only', () => {
    expect(errorsOf(orgForm({ siret: '' })).siret).toBe('organisations.errors.siretRequired');
    expect(errorsOf(orgForm({ siret: '', country: 'BE', postalCode: '1000', city: 'Bruxelles' }))).toEqual({});
    // Given abroad, it must still be valid.
    expect(errorsOf(orgForm({ siret: '123', country: 'BE', postalCode: '1000' })).siret).toBe('organisations.errors.siretFormat');
  });

  it('shows the SIRET and NAF messages together with the other fields', () => {
    const errors = errorsOf(orgForm({ siret: '', nafCode: '99.99Z', legalName: '', phone: '' }));
    expect(errors).toMatchObject({
      siret: 'organisations.errors.siretRequired',
      nafCode: 'organisations.errors.nafUnknown',
      legalName: 'errors.field.required',
      phone: 'errors.field.required',
    });
  });

  it('wants a 5-digit postal code in France', () => {
    expect(errorsOf(orgForm({ postalCode: '6300' })).postalCode).toBe('errors.field.postalCodeFR');
    expect(errorsOf(orgForm({ country: 'CA', siret: '', postalCode: 'H3B 1A7' }))).toEqual({});
  });
});

describe('NAF code', () => {
  it('accepts sub-classes of the official list', () => {
    for (const c of ['84.22Z', '62.01Z', '10.71C', '01.21Z']) {
      expect(isNafCode(c), c).toBe(true);
      expect(errorsOf(orgForm({ nafCode: c }))).toEqual({});
    }
    // Lower case is put right.
    expect(organisationSchema.parse(orgForm({ nafCode: '62.01z' })).nafCode).toBe('62.01Z');
  });

  it('refuses the wrong format and unknown codes with their own message', () => {
    expect(errorsOf(orgForm({ nafCode: '99.99Z' })).nafCode).toBe('organisations.errors.nafUnknown');
    expect(errorsOf(orgForm({ nafCode: '8422Z' })).nafCode).toBe('organisations.errors.nafFormat');
    expect(errorsOf(orgForm({ nafCode: '84.22 Z' })).nafCode).toBe('organisations.errors.nafFormat');
    expect(errorsOf(orgForm({ nafCode: '' })).nafCode).toBe('organisations.errors.nafRequired');
    expect(errorsOf(orgForm({ nafCode: '', country: 'MA', siret: '', postalCode: '20000' })).nafCode).toBe('organisations.errors.nafRequired');
  });

  it('knows the label and the section', () => {
    expect(nafLabel('84.22Z')).toBe('Défense');
    expect(nafSectionOf('84.22Z')?.code).toBe('O');
    expect(nafSectionOf('62.01Z')?.code).toBe('J');
  });
});

describe('search keys', () => {
  it('folds names for the accent- and case-insensitive search', () => {
    expect(normalizeName('Société  Générale')).toBe('societe generale');
    expect(normalizeName("L'Oréal — Île-de-France")).toBe('l oreal ile de france');
  });

  it('derives the département, Corsica and overseas included', () => {
    expect(departmentOf('63000', 'FR')).toBe('63');
    expect(departmentOf('20000', 'FR')).toBe('2A');
    expect(departmentOf('20200', 'FR')).toBe('2B');
    expect(departmentOf('97400', 'FR')).toBe('974');
    expect(departmentOf('1000', 'BE')).toBeNull();
  });

  it('compares phone numbers on their digits, the last nine when longer', () => {
    expect(digitsOf('04.73.11.22.33')).toBe('0473112233');
    expect(phoneSearchDigits('04 73 11 22 33')).toBe('473112233');
    expect(phoneSearchDigits('+33 4 73 11 22 33')).toBe('473112233');
    expect(phoneSearchDigits('11 22 33')).toBe('112233');
  });

  it('checks each search form', () => {
    expect(searchSchemas.name.safeParse({ name: 'a' }).success).toBe(false);
    expect(searchSchemas.name.parse({ name: 'Societe', department: '2a' })).toEqual({ name: 'Societe', department: '2A' });
    expect(searchSchemas.name.safeParse({ name: 'Societe', department: '123456' }).success).toBe(false);
    expect(searchSchemas.siret.parse({ siret: '732 829 320 00074' }).siret).toBe('73282932000074');
    expect(searchSchemas.activity.safeParse({}).success).toBe(false);
    expect(searchSchemas.address.safeParse({ street: '', city: '' }).success).toBe(false);
    expect(searchSchemas.address.parse({ place: '63' }).place).toBe('63');
    expect(searchSchemas.address.safeParse({ place: '6300' }).success).toBe(false);
    expect(searchSchemas.phone.safeParse({ phone: '04 73' }).success).toBe(false);
  });
});

describe('service form', () => {
  it('needs an address only when the service is not at the organisation\u2019s', () => {
    expect(serviceSchema.parse({ name: 'DSI', sameAddress: 'on', addressLine1: 'ignored' })).toMatchObject({ sameAddress: true, addressLine1: null });
    const r = serviceSchema.safeParse({ name: 'DSI' });
    expect(r.success).toBe(false);
    if (!r.success) expect(Object.keys(fieldErrors(r.error)).sort()).toEqual(['addressLine1', 'city', 'country', 'postalCode']);
    expect(serviceSchema.parse({ name: 'DSI', addressLine1: '1 rue X', postalCode: '69002', city: 'Lyon', country: 'fr' })).toMatchObject({ country: 'FR', sameAddress: false });
  });
});
