// Reference values about people: civility, health insurance, roles and rights.
import type { NomenclatureData } from './types.js';

export const PEOPLE = {
  // The short forms an agreement prints before a name ("M. Jean Dupont", "Herr Jean Dupont").
  civility: {
    enum: 'Civility',
    printed: true,
    labels: {
      MR: { fr: "M.", en: "Mr", de: "Herr", es: "Sr.", it: "Sig." },
      MRS: { fr: "Mme", en: "Ms", de: "Frau", es: "Sra.", it: "Sig.ra" },
      NONE: { fr: "Non précisée", en: "Not specified", de: "Keine Angabe", es: "Sin especificar", it: "Non specificato" },
    },
  },
  // The student's health-insurance scheme, printed on the agreement (the French bodies keep their acronyms).
  insuranceAffiliation: {
    enum: 'InsuranceAffiliation',
    printed: true,
    labels: {
      GENERAL: {
        fr: "Régime général (CPAM)",
        en: "General scheme (CPAM)",
        de: "Allgemeines System (CPAM)",
        es: "Régimen general (CPAM)",
        it: "Regime generale (CPAM)",
      },
      AGRICULTURAL: {
        fr: "Mutualité sociale agricole (MSA)",
        en: "Agricultural scheme (MSA)",
        de: "Landwirtschaftliche Sozialversicherung (MSA)",
        es: "Régimen agrícola (MSA)",
        it: "Regime agricolo (MSA)",
      },
      SPECIAL: {
        fr: "Régime spécial (SNCF, RATP, marins, militaires…)",
        en: "Special scheme (SNCF, RATP, seafarers, armed forces…)",
        de: "Sondersystem (SNCF, RATP, Seeleute, Soldaten …)",
        es: "Régimen especial (SNCF, RATP, marinos, militares…)",
        it: "Regime speciale (SNCF, RATP, marittimi, militari…)",
      },
      FOREIGN: {
        fr: "Régime étranger ou assurance privée",
        en: "Foreign scheme or private insurance",
        de: "Ausländisches System oder private Versicherung",
        es: "Régimen extranjero o seguro privado",
        it: "Regime estero o assicurazione privata",
      },
      OTHER: { fr: "Autre", en: "Other", de: "Sonstiges", es: "Otro", it: "Altro" },
    },
  },
  academicRoleKind: {
    enum: 'AcademicRoleKind',
    printed: false,
    labels: {
      PROGRAMME_MANAGER: { fr: "Responsable de filière", en: "Programme manager" },
      YEAR_MANAGER: { fr: "Responsable d'année de formation", en: "Study-year manager" },
      ACADEMIC_TUTOR: { fr: "Tuteur universitaire", en: "Academic tutor" },
    },
  },
  companyRole: {
    enum: 'CompanyRole',
    printed: false,
    labels: {
      ADMIN: { fr: "Administrateur du compte", en: "Account administrator" },
      CONTACT: { fr: "Contact secondaire", en: "Secondary contact" },
    },
  },
  // "Administration" in both languages: the centre staff form's hint explains the rights under that name.
  centreRight: {
    enum: 'CentreRight',
    printed: false,
    labels: {
      READ: { fr: "Lecture", en: "Read" },
      WRITE: { fr: "Écriture", en: "Write" },
      ADMIN: { fr: "Administration", en: "Administration" },
    },
  },
} satisfies Record<string, NomenclatureData>;
