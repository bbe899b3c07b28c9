// Reference values about offers and internships (what an agreement says of the internship itself).
import type { NomenclatureData } from './types.js';

export const INTERNSHIPS = {
  offerKind: {
    enum: 'OfferKind',
    printed: false,
    labels: {
      INTERNSHIP: { fr: "Stage", en: "Internship" },
      JOB: { fr: "Emploi", en: "Job" },
      WORK_STUDY: { fr: "Alternance", en: "Work-study" },
      VIE_VIA: { fr: "Volontariat international (VIE / VIA)", en: "International volunteering (VIE / VIA)" },
    },
  },
  // The French "Bac+n" is how levels are asked for in France; the other languages add the nearest degree.
  educationLevel: {
    enum: 'EducationLevel',
    printed: true,
    labels: {
      BAC: {
        fr: "Niveau bac",
        en: "Baccalaureate level",
        de: "Abiturniveau (Baccalauréat)",
        es: "Nivel de bachillerato",
        it: "Livello maturità (baccalauréat)",
      },
      BAC_2: {
        fr: "Bac+2",
        en: "Bac+2 (2 years of higher education)",
        de: "Bac+2 (2 Jahre Hochschulstudium)",
        es: "Bac+2 (2 años de estudios superiores)",
        it: "Bac+2 (2 anni di studi post-diploma)",
      },
      BAC_3: {
        fr: "Bac+3 (licence)",
        en: "Bac+3 (bachelor's degree)",
        de: "Bac+3 (Bachelor)",
        es: "Bac+3 (grado)",
        it: "Bac+3 (laurea triennale)",
      },
      BAC_5: {
        fr: "Bac+5 (master)",
        en: "Bac+5 (master's degree)",
        de: "Bac+5 (Master)",
        es: "Bac+5 (máster)",
        it: "Bac+5 (laurea magistrale)",
      },
      BAC_8: {
        fr: "Bac+8 (doctorat)",
        en: "Bac+8 (doctorate)",
        de: "Bac+8 (Promotion)",
        es: "Bac+8 (doctorado)",
        it: "Bac+8 (dottorato)",
      },
      ANY: { fr: "Tous niveaux", en: "Any level", de: "Alle Niveaus", es: "Todos los niveles", it: "Tutti i livelli" },
    },
  },
  workingTime: {
    enum: 'WorkingTime',
    printed: true,
    labels: {
      FULL_TIME: { fr: "Temps plein", en: "Full time", de: "Vollzeit", es: "Jornada completa", it: "Tempo pieno" },
      PART_TIME: { fr: "Temps partiel", en: "Part time", de: "Teilzeit", es: "Jornada parcial", it: "Tempo parziale" },
    },
  },
  // The type of internship an agreement states (Agreement.type).
  internshipType: {
    enum: 'InternshipType',
    printed: true,
    labels: {
      MANDATORY: {
        fr: "Stage obligatoire",
        en: "Compulsory internship",
        de: "Pflichtpraktikum",
        es: "Prácticas obligatorias",
        it: "Tirocinio obbligatorio",
      },
      RECOMMENDED: {
        fr: "Stage conseillé",
        en: "Recommended internship",
        de: "Empfohlenes Praktikum",
        es: "Prácticas recomendadas",
        it: "Tirocinio consigliato",
      },
      REORIENTATION: {
        fr: "Stage de réorientation",
        en: "Reorientation internship (change of course)",
        de: "Praktikum zur Studienneuorientierung",
        es: "Prácticas de reorientación",
        it: "Tirocinio di riorientamento",
      },
      GAP_YEAR: {
        fr: "Stage en année de césure",
        en: "Gap-year internship",
        de: "Praktikum im Auszeitjahr (Gap Year)",
        es: "Prácticas durante un año sabático",
        it: "Tirocinio durante l'anno di pausa (gap year)",
      },
    },
  },
  // How the host pays the internship allowance ("gratification").
  paymentMethod: {
    enum: null,
    printed: true,
    labels: {
      BANK_TRANSFER: {
        fr: "Virement bancaire",
        en: "Bank transfer",
        de: "Banküberweisung",
        es: "Transferencia bancaria",
        it: "Bonifico bancario",
      },
      CHEQUE: { fr: "Chèque", en: "Cheque", de: "Scheck", es: "Cheque", it: "Assegno" },
      CASH: { fr: "Espèces", en: "Cash", de: "Barzahlung", es: "Efectivo", it: "Contanti" },
    },
  },
  // Lower case: the unit follows an amount ("4,35 € par heure", "600 € forfait").
  payUnit: {
    enum: null,
    printed: true,
    labels: {
      HOUR: { fr: "par heure", en: "per hour", de: "pro Stunde", es: "por hora", it: "all'ora" },
      DAY: { fr: "par jour", en: "per day", de: "pro Tag", es: "por día", it: "al giorno" },
      MONTH: { fr: "par mois", en: "per month", de: "pro Monat", es: "por mes", it: "al mese" },
      LUMP_SUM: { fr: "forfait", en: "lump sum", de: "pauschal", es: "a tanto alzado", it: "forfettario" },
    },
  },
} satisfies Record<string, NomenclatureData>;
