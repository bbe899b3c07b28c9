// Labels of every reference value, in each language. Printed nomenclatures (what an agreement shows)
// carry the five document languages; the others the two interface languages. Checked by a parity test.
import type { NomenclatureData } from './types.js';

export const DATA = {
  civility: {
    enum: 'Civility',
    printed: true,
    labels: {
      MR: { fr: "M.", en: "Mr" },
      MRS: { fr: "Mme", en: "Ms" },
      NONE: { fr: "Non précisée", en: "Not specified" },
    },
  },
  insuranceAffiliation: {
    enum: 'InsuranceAffiliation',
    printed: true,
    labels: {
      GENERAL: { fr: "Régime général (CPAM)", en: "General scheme (CPAM)" },
      AGRICULTURAL: { fr: "Mutualité sociale agricole (MSA)", en: "Agricultural scheme (MSA)" },
      SPECIAL: { fr: "Régime spécial (SNCF, RATP, marins, militaires…)", en: "Special scheme (SNCF, RATP, seafarers, armed forces…)" },
      FOREIGN: { fr: "Régime étranger ou assurance privée", en: "Foreign scheme or private insurance" },
      OTHER: { fr: "Autre", en: "Other" },
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
  centreRight: {
    enum: 'CentreRight',
    printed: false,
    labels: {
      READ: { fr: "Lecture", en: "Read" },
      WRITE: { fr: "Écriture", en: "Write" },
      ADMIN: { fr: "Administration", en: "Admin" },
    },
  },
  centreKind: {
    enum: 'CentreKind',
    printed: false,
    labels: {
      INSTITUTION: { fr: "Établissement", en: "Institution" },
      UFR: { fr: "UFR", en: "UFR (faculty)" },
      COMPANY_CENTRE: { fr: "Centre entreprise", en: "Company centre" },
    },
  },
  confidentialityRule: {
    enum: 'ConfidentialityRule',
    printed: false,
    labels: {
      FREE: { fr: "Confidentialité libre", en: "Confidentiality chosen freely" },
      ALWAYS: { fr: "Toujours confidentiel", en: "Always confidential" },
      NEVER: { fr: "Jamais confidentiel", en: "Never confidential" },
    },
  },
  printCondition: {
    enum: 'PrintCondition',
    printed: false,
    labels: {
      ALWAYS: { fr: "à tout moment", en: "at any time" },
      AFTER_VALIDATION: { fr: "une fois la convention validée", en: "once the agreement is validated" },
    },
  },
  headcountBand: {
    enum: 'HeadcountBand',
    printed: true,
    labels: {
      NONE: { fr: "0 salarié", en: "No employees" },
      FROM_1_TO_9: { fr: "1 à 9 salariés", en: "1 to 9 employees" },
      FROM_10_TO_49: { fr: "10 à 49 salariés", en: "10 to 49 employees" },
      FROM_50_TO_249: { fr: "50 à 249 salariés", en: "50 to 249 employees" },
      FROM_250_TO_4999: { fr: "250 à 4 999 salariés", en: "250 to 4,999 employees" },
      FROM_5000: { fr: "5 000 salariés et plus", en: "5,000 employees or more" },
    },
  },
  structureType: {
    enum: 'StructureType',
    printed: true,
    labels: {
      COMPANY: { fr: "Entreprise privée", en: "Private company" },
      PUBLIC_COMPANY: { fr: "Entreprise publique", en: "Public company" },
      ASSOCIATION: { fr: "Association", en: "Non-profit association" },
      PUBLIC_ADMINISTRATION: { fr: "Administration ou collectivité", en: "Public administration or local authority" },
      PUBLIC_LAB: { fr: "Établissement d'enseignement ou de recherche", en: "Teaching or research establishment" },
      HOSPITAL: { fr: "Établissement de santé", en: "Healthcare establishment" },
      INTERNATIONAL: { fr: "Organisation internationale ou ONG", en: "International organisation or NGO" },
      OTHER: { fr: "Autre", en: "Other" },
    },
  },
  legalStatus: {
    enum: 'LegalStatus',
    printed: true,
    labels: {
      SA: { fr: "Société anonyme (SA)", en: "Public limited company (SA)" },
      SAS: { fr: "Société par actions simplifiée (SAS)", en: "Simplified joint-stock company (SAS)" },
      SASU: { fr: "SAS unipersonnelle (SASU)", en: "Single-shareholder SAS (SASU)" },
      SARL: { fr: "Société à responsabilité limitée (SARL)", en: "Limited liability company (SARL)" },
      EURL: { fr: "Entreprise unipersonnelle à responsabilité limitée (EURL)", en: "Single-member limited liability company (EURL)" },
      SNC: { fr: "Société en nom collectif (SNC)", en: "General partnership (SNC)" },
      SCOP: { fr: "Société coopérative (SCOP)", en: "Cooperative (SCOP)" },
      EI: { fr: "Entreprise individuelle ou micro-entreprise", en: "Sole proprietorship or micro-enterprise" },
      ASSOCIATION: { fr: "Association", en: "Non-profit association" },
      PUBLIC_BODY: { fr: "Établissement public ou collectivité", en: "Public body or local authority" },
      FOREIGN: { fr: "Société de droit étranger", en: "Company under foreign law" },
      OTHER: { fr: "Autre", en: "Other" },
    },
  },
  offerKind: {
    enum: 'OfferKind',
    printed: false,
    labels: {
      INTERNSHIP: { fr: "Stage", en: "Internship" },
      JOB: { fr: "Emploi", en: "Job" },
      WORK_STUDY: { fr: "Alternance", en: "Work-study" },
      VIE_VIA: { fr: "VIE / VIA", en: "VIE / VIA" },
    },
  },
  educationLevel: {
    enum: 'EducationLevel',
    printed: true,
    labels: {
      BAC: { fr: "Niveau bac", en: "Baccalaureate" },
      BAC_2: { fr: "Bac+2", en: "2 years of higher education" },
      BAC_3: { fr: "Bac+3 (licence)", en: "Bachelor's degree" },
      BAC_5: { fr: "Bac+5 (master)", en: "Master's degree" },
      BAC_8: { fr: "Bac+8 (doctorat)", en: "Doctorate" },
      ANY: { fr: "Tous niveaux", en: "Any level" },
    },
  },
  workingTime: {
    enum: 'WorkingTime',
    printed: true,
    labels: {
      FULL_TIME: { fr: "Temps plein", en: "Full time" },
      PART_TIME: { fr: "Temps partiel", en: "Part time" },
    },
  },
} satisfies Record<string, NomenclatureData>;
