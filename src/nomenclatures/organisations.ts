// Reference values about host organisations and management centres.
import type { NomenclatureData } from './types.js';

// French thousands take a no-break space ("4 999"), so a printed band never breaks inside a number.
const NBSP = '\u00a0';

export const ORGANISATIONS = {
  // INSEE's headcount bands ("tranches d'effectif salarié"), hence "0 salarié" rather than "Aucun salarié".
  headcountBand: {
    enum: 'HeadcountBand',
    printed: true,
    labels: {
      NONE: { fr: "0 salarié", en: "No employees", de: "Keine Beschäftigten", es: "Sin asalariados", it: "Nessun dipendente" },
      FROM_1_TO_9: { fr: "1 à 9 salariés", en: "1 to 9 employees", de: "1 bis 9 Beschäftigte", es: "De 1 a 9 asalariados", it: "Da 1 a 9 dipendenti" },
      FROM_10_TO_49: {
        fr: "10 à 49 salariés",
        en: "10 to 49 employees",
        de: "10 bis 49 Beschäftigte",
        es: "De 10 a 49 asalariados",
        it: "Da 10 a 49 dipendenti",
      },
      FROM_50_TO_249: {
        fr: "50 à 249 salariés",
        en: "50 to 249 employees",
        de: "50 bis 249 Beschäftigte",
        es: "De 50 a 249 asalariados",
        it: "Da 50 a 249 dipendenti",
      },
      // Spanish writes four-digit numbers without a separator (RAE); Italian and German use a dot.
      FROM_250_TO_4999: {
        fr: `250 à 4${NBSP}999 salariés`,
        en: "250 to 4,999 employees",
        de: "250 bis 4.999 Beschäftigte",
        es: "De 250 a 4999 asalariados",
        it: "Da 250 a 4.999 dipendenti",
      },
      FROM_5000: {
        fr: `5${NBSP}000 salariés et plus`,
        en: "5,000 employees or more",
        de: "5.000 Beschäftigte und mehr",
        es: "5000 asalariados o más",
        it: "5.000 dipendenti e oltre",
      },
    },
  },
  // Spanish and Italian "otro/altro" agree with "tipo" (masculine); legal status below with "forma" (feminine).
  structureType: {
    enum: 'StructureType',
    printed: true,
    labels: {
      COMPANY: { fr: "Entreprise privée", en: "Private company", de: "Privatunternehmen", es: "Empresa privada", it: "Impresa privata" },
      // "Public company" would read as a listed company in British English.
      PUBLIC_COMPANY: {
        fr: "Entreprise publique",
        en: "State-owned company",
        de: "Öffentliches Unternehmen",
        es: "Empresa pública",
        it: "Impresa pubblica",
      },
      ASSOCIATION: {
        fr: "Association",
        en: "Non-profit association",
        de: "Verein ohne Erwerbszweck",
        es: "Asociación sin ánimo de lucro",
        it: "Associazione senza scopo di lucro",
      },
      PUBLIC_ADMINISTRATION: {
        fr: "Administration ou collectivité territoriale",
        en: "Public administration or local authority",
        de: "Öffentliche Verwaltung oder Gebietskörperschaft",
        es: "Administración pública o entidad local",
        it: "Pubblica amministrazione o ente locale",
      },
      PUBLIC_LAB: {
        fr: "Établissement d'enseignement ou de recherche",
        en: "Education or research institution",
        de: "Bildungs- oder Forschungseinrichtung",
        es: "Centro de enseñanza o de investigación",
        it: "Istituto di istruzione o di ricerca",
      },
      HOSPITAL: {
        fr: "Établissement de santé",
        en: "Healthcare institution",
        de: "Gesundheitseinrichtung",
        es: "Centro sanitario",
        it: "Struttura sanitaria",
      },
      INTERNATIONAL: {
        fr: "Organisation internationale ou ONG",
        en: "International organisation or NGO",
        de: "Internationale Organisation oder NGO",
        es: "Organización internacional u ONG",
        it: "Organizzazione internazionale o ONG",
      },
      OTHER: { fr: "Autre", en: "Other", de: "Sonstige", es: "Otro", it: "Altro" },
    },
  },
  // French legal forms keep their acronym in every language (it is what registers and agreements show),
  // followed by what it means.
  legalStatus: {
    enum: 'LegalStatus',
    printed: true,
    labels: {
      SA: {
        fr: "SA (société anonyme)",
        en: "SA (public limited company)",
        de: "SA (Aktiengesellschaft)",
        es: "SA (sociedad anónima)",
        it: "SA (società per azioni)",
      },
      SAS: {
        fr: "SAS (société par actions simplifiée)",
        en: "SAS (simplified joint-stock company)",
        de: "SAS (vereinfachte Aktiengesellschaft)",
        es: "SAS (sociedad por acciones simplificada)",
        it: "SAS (società per azioni semplificata)",
      },
      SASU: {
        fr: "SASU (société par actions simplifiée unipersonnelle)",
        en: "SASU (single-shareholder simplified joint-stock company)",
        de: "SASU (vereinfachte Einpersonen-Aktiengesellschaft)",
        es: "SASU (sociedad por acciones simplificada unipersonal)",
        it: "SASU (società per azioni semplificata unipersonale)",
      },
      SARL: {
        fr: "SARL (société à responsabilité limitée)",
        en: "SARL (limited liability company)",
        de: "SARL (Gesellschaft mit beschränkter Haftung)",
        es: "SARL (sociedad de responsabilidad limitada)",
        it: "SARL (società a responsabilità limitata)",
      },
      EURL: {
        fr: "EURL (entreprise unipersonnelle à responsabilité limitée)",
        en: "EURL (single-member limited liability company)",
        de: "EURL (Einpersonen-Gesellschaft mit beschränkter Haftung)",
        es: "EURL (sociedad unipersonal de responsabilidad limitada)",
        it: "EURL (società unipersonale a responsabilità limitata)",
      },
      SNC: {
        fr: "SNC (société en nom collectif)",
        en: "SNC (general partnership)",
        de: "SNC (offene Handelsgesellschaft)",
        es: "SNC (sociedad colectiva)",
        it: "SNC (società in nome collettivo)",
      },
      // "Société coopérative et participative" since the law of 2010 (formerly "coopérative ouvrière de production").
      SCOP: {
        fr: "SCOP (société coopérative et participative)",
        en: "SCOP (workers' cooperative)",
        de: "SCOP (Produktivgenossenschaft)",
        es: "SCOP (cooperativa de trabajo asociado)",
        it: "SCOP (cooperativa di lavoro)",
      },
      EI: {
        fr: "EI (entreprise individuelle ou micro-entreprise)",
        en: "EI (sole proprietorship or micro-enterprise)",
        de: "EI (Einzelunternehmen oder Kleinstunternehmen)",
        es: "EI (empresa individual o microempresa)",
        it: "EI (impresa individuale o microimpresa)",
      },
      ASSOCIATION: {
        fr: "Association",
        en: "Non-profit association",
        de: "Verein ohne Erwerbszweck",
        es: "Asociación sin ánimo de lucro",
        it: "Associazione senza scopo di lucro",
      },
      // Wider than "établissement public": a ministry's department or a town hall is neither a company nor one.
      PUBLIC_BODY: {
        fr: "État, collectivité territoriale ou établissement public",
        en: "State, local authority or public body",
        de: "Staat, Gebietskörperschaft oder öffentliche Einrichtung",
        es: "Estado, entidad territorial u organismo público",
        it: "Stato, ente territoriale o ente pubblico",
      },
      FOREIGN: {
        fr: "Société de droit étranger",
        en: "Company under foreign law",
        de: "Gesellschaft ausländischen Rechts",
        es: "Sociedad de derecho extranjero",
        it: "Società di diritto estero",
      },
      OTHER: { fr: "Autre", en: "Other", de: "Sonstige", es: "Otra", it: "Altra" },
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
  // Lower case: it ends the sentence "Les étudiants peuvent imprimer : …" of the centre's settings.
  printCondition: {
    enum: 'PrintCondition',
    printed: false,
    labels: {
      ALWAYS: { fr: "à tout moment", en: "at any time" },
      AFTER_VALIDATION: { fr: "une fois la convention validée", en: "once the agreement is validated" },
    },
  },
} satisfies Record<string, NomenclatureData>;
