import { describe, expect, it } from 'vitest';
import * as Enums from '../../src/generated/prisma/enums.js';
import { DATA } from '../../src/nomenclatures/data.js';
import { DOC_LOCALES, UI_LOCALES, label, nomenclatures, options, valuesOf, type NomenclatureName } from '../../src/nomenclatures/index.js';

// Each nomenclature backed by a Prisma enum, with the enum object itself (not its name), so a rename on
// either side shows here.
const ENUM_OF: Partial<Record<NomenclatureName, Record<string, string>>> = {
  civility: Enums.Civility,
  insuranceAffiliation: Enums.InsuranceAffiliation,
  academicRoleKind: Enums.AcademicRoleKind,
  companyRole: Enums.CompanyRole,
  centreRight: Enums.CentreRight,
  headcountBand: Enums.HeadcountBand,
  structureType: Enums.StructureType,
  legalStatus: Enums.LegalStatus,
  centreKind: Enums.CentreKind,
  confidentialityRule: Enums.ConfidentialityRule,
  printCondition: Enums.PrintCondition,
  offerKind: Enums.OfferKind,
  educationLevel: Enums.EducationLevel,
  workingTime: Enums.WorkingTime,
  internshipType: Enums.InternshipType,
};

// What an agreement prints, hence labelled in the five document languages.
const PRINTED = [
  'civility',
  'insuranceAffiliation',
  'headcountBand',
  'structureType',
  'legalStatus',
  'educationLevel',
  'workingTime',
  'internshipType',
  'paymentMethod',
  'payUnit',
  'country',
];

const all = nomenclatures();

describe('nomenclatures', () => {
  it('have exactly the values of their Prisma enum, in its order', () => {
    const withEnum = all.filter((n) => DATA[n.name].enum !== null).map((n) => n.name);
    expect(withEnum.sort()).toEqual(Object.keys(ENUM_OF).sort());
    for (const [name, enumObject] of Object.entries(ENUM_OF)) {
      expect(valuesOf(name as NomenclatureName), name).toEqual(Object.values(enumObject));
      expect(Object.keys(DATA[name as NomenclatureName].labels).sort(), name).toEqual(Object.values(enumObject).sort());
    }
  });

  it('print what an agreement shows', () => {
    expect(all.filter((n) => n.printed).map((n) => n.name).sort()).toEqual([...PRINTED].sort());
  });

  it('label every value in every language of the nomenclature, and no two values alike', () => {
    const problems: string[] = [];
    for (const n of all) {
      const locales: readonly string[] = n.printed ? DOC_LOCALES : UI_LOCALES;
      for (const locale of locales) {
        const seen = new Map<string, string>();
        for (const value of n.values) {
          const text = (n.labels[value] as Record<string, string | undefined>)[locale]?.trim();
          if (!text) problems.push(`${n.name}.${value}: no ${locale} label`);
          else if (seen.has(text)) problems.push(`${n.name}: ${seen.get(text)} and ${value} both read "${text}" in ${locale}`);
          else seen.set(text, value);
        }
      }
      // An interface-only nomenclature carries no half translation into the other document languages.
      for (const value of n.values) {
        const extra = Object.keys(n.labels[value]).filter((l) => !locales.includes(l));
        if (extra.length) problems.push(`${n.name}.${value}: unexpected ${extra.join(', ')} label`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('list the reference values of the platform in their given order', () => {
    expect(valuesOf('internshipType')).toEqual(['MANDATORY', 'RECOMMENDED', 'REORIENTATION', 'GAP_YEAR']);
    expect(valuesOf('paymentMethod')).toEqual(['BANK_TRANSFER', 'CHEQUE', 'CASH']);
    expect(valuesOf('payUnit')).toEqual(['HOUR', 'DAY', 'MONTH', 'LUMP_SUM']);
  });

  it('give a label in the language asked, French when it has none, the value when unknown', () => {
    expect(label('civility', 'MRS')).toBe('Mme');
    expect(label('civility', 'MR', 'en')).toBe('Mr');
    expect(label('civility', 'MR', 'de')).toBe('Herr');
    expect(label('legalStatus', 'SARL', 'it')).toBe('SARL (società a responsabilità limitata)');
    // companyRole is interface-only: a German document falls back to French.
    expect(label('companyRole', 'ADMIN', 'de')).toBe('Administrateur du compte');
    expect(label('civility', 'DR', 'en')).toBe('DR');
    expect(label('civility', 'constructor')).toBe('constructor');
    expect(label('civility', null)).toBe('');
    expect(label('civility', undefined)).toBe('');
    expect(label('civility', '')).toBe('');
  });

  it('name every ISO country in the five languages', () => {
    const countries = valuesOf('country');
    expect(countries).toHaveLength(249);
    expect(countries.every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
    expect(label('country', 'DE', 'de')).toBe('Deutschland');
    expect(label('country', 'DE', 'fr')).toBe('Allemagne');
    expect(label('country', 'DE', 'en')).toBe('Germany');
    expect(label('country', 'DE', 'es')).toBe('Alemania');
    expect(label('country', 'DE', 'it')).toBe('Germania');
    expect(label('country', 'CI', 'it')).toBe('Costa d’Avorio');
    expect(label('country', 'XK')).toBe('XK');
  });

  it('offer options in the values’ order, countries by label with France first', () => {
    expect(options('civility', 'fr')).toEqual([
      { value: 'MR', label: 'M.' },
      { value: 'MRS', label: 'Mme' },
      { value: 'NONE', label: 'Non précisée' },
    ]);
    expect(options('headcountBand', 'en').map((o) => o.value)).toEqual(Object.values(Enums.HeadcountBand));
    expect(options('companyRole', 'it').map((o) => o.label)).toEqual(['Administrateur du compte', 'Contact secondaire']);

    const fr = options('country', 'fr');
    expect(fr).toHaveLength(249);
    expect(fr[0]).toEqual({ value: 'FR', label: 'France' });
    const rest = fr.slice(1).map((o) => o.label);
    expect(rest).toEqual([...rest].sort(new Intl.Collator('fr').compare));
    // Accented initials sort with their letter: Égypte after Allemagne, before Espagne and Zambie.
    const at = (name: string) => rest.indexOf(name);
    expect(at('Allemagne')).toBeLessThan(at('Égypte'));
    expect(at('Égypte')).toBeLessThan(at('Espagne'));
    expect(at('Espagne')).toBeLessThan(at('Zambie'));
    const de = options('country', 'de');
    expect(de[0]).toEqual({ value: 'FR', label: 'Frankreich' });
    expect(de.map((o) => o.label)).toContain('Deutschland');
    // Built once per nomenclature and language.
    expect(options('country', 'fr')).toBe(fr);
  });
});
