import { describe, expect, it } from 'vitest';
import { communeIssue, postalCodeIssue } from '../../src/http/address.js';

describe('postal codes by country and communes', () => {
  it('France: 5 digits starting with a real département (mainland, Corsica, overseas)', () => {
    for (const ok of ['63000', '01000', '20090', '75011', '95000', '97400', '97100', '98800']) expect(postalCodeIssue('FR', ok), ok).toBeNull();
    for (const bad of ['ABCDE', 'ABC', '6300', '630000', '00100', '96000', '99000', '97900', '63 000']) expect(postalCodeIssue('FR', bad), bad).toBe('errors.field.postalCodeFR');
  });

  it('Belgium 4 digits, Morocco 5, Tunisia 4; other countries free', () => {
    expect(postalCodeIssue('BE', '1000')).toBeNull();
    expect(postalCodeIssue('BE', '0999')).toBe('errors.field.postalCodeBE');
    expect(postalCodeIssue('BE', '10000')).toBe('errors.field.postalCodeBE');
    expect(postalCodeIssue('MA', '10000')).toBeNull();
    expect(postalCodeIssue('MA', '1000')).toBe('errors.field.postalCodeMA');
    expect(postalCodeIssue('TN', '1002')).toBeNull();
    expect(postalCodeIssue('TN', 'ABCD')).toBe('errors.field.postalCodeTN');
    expect(postalCodeIssue('DE', '10115')).toBeNull();
    expect(postalCodeIssue('GB', 'SW1A 1AA')).toBeNull();
    expect(postalCodeIssue('fr', '63000')).toBeNull();
  });

  it('a commune is written in letters', () => {
    for (const ok of ['Clermont-Ferrand', "L'Haÿ-les-Roses", 'Saint-Denis', 'Bruxelles (Ixelles)', 'Paris Cedex 15', 'Łódź', 'الرباط']) expect(communeIssue(ok), ok).toBeNull();
    for (const bad of ['12345', '63000 Clermont', '<b>', '-Lyon']) expect(communeIssue(bad), bad).toBe('errors.field.commune');
  });
});
