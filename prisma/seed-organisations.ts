// Demo host organisations ("établissements d'accueil"): about 220 establishments, mostly French
// (valid SIRET numbers, real NAF codes from many sections), the rest in Belgium, Switzerland,
// Morocco, Tunisia, Algeria and Canada; services and contacts for a third of them, a few
// partnership agreements, and a few unverified ones waiting in a centre's verification queue.
// Deterministic (a seeded generator) and written with a handful of bulk inserts.
import type { Tx } from '../src/db/client.js';
import type { Prisma } from '../src/generated/prisma/client.js';
import { departmentOf, isNafCode, normalizeName, withSiretKey } from '../src/modules/organisations/identifiers.js';
import { derivedColumns } from '../src/modules/organisations/organisations.core.js';

/** mulberry32: a small deterministic generator, so every seed gives the same directory. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  return { next, int, pick, chance: (p: number) => next() < p };
}

type Headcount = Prisma.OrganisationCreateManyInput['headcount'];
type Structure = Prisma.OrganisationCreateManyInput['structureType'];
type Status = Prisma.OrganisationCreateManyInput['legalStatus'];

type R = ReturnType<typeof generator>;
/** A name and the NAF code that goes with it. */
type Named = [name: string, naf: string];

interface Kind {
  sector: string;
  structure: Structure;
  status: Status[];
  headcount: Headcount[];
  /** `region`: a regional word of the country ("Auvergne", "Brabant", "Atlas"…). */
  name: (r: R, city: string, region: string) => Named;
  services: string[];
  /** [masculine, feminine] */
  functions: [string, string][];
  description: string;
  keywords: string;
}

const FAMILY_NAMES = ['Martin', 'Bernard', 'Dubois', 'Moreau', 'Laurent', 'Lefebvre', 'Garnier', 'Chevalier', 'Rousseau', 'Fontaine', 'Mercier', 'Faure'];
const of = (city: string) => (/^[AEIOUYÉÈÂÎ]/i.test(city) ? `d\u2019${city}` : `de ${city}`);

const KINDS: Kind[] = [
  {
    sector: 'Informatique et numérique',
    structure: 'COMPANY',
    status: ['SAS', 'SARL', 'SASU'],
    headcount: ['FROM_1_TO_9', 'FROM_10_TO_49', 'FROM_50_TO_249'],
    name: (r, _city, region) =>
      r.pick<Named>([
        [`${region} Logiciels`, '58.29C'],
        [`${region} Informatique`, '62.02A'],
        [`${region} Numérique`, '62.01Z'],
        [`${region} Data`, '63.11Z'],
        [`${region} Web Services`, '62.01Z'],
        [`${region} Systèmes`, '62.03Z'],
        [`${region} Cloud`, '63.11Z'],
      ]),
    services: ['Direction technique', 'Pôle développement', 'Service support', 'Équipe data', 'Bureau d\u2019études logicielles'],
    functions: [['Chef de projet', 'Cheffe de projet'], ['Directeur technique', 'Directrice technique'], ['Développeur senior', 'Développeuse senior'], ['Responsable des ressources humaines', 'Responsable des ressources humaines'], ['Architecte logiciel', 'Architecte logiciel']],
    description: 'Conception et développement de logiciels et de services numériques.',
    keywords: 'développement, logiciel, web, données',
  },
  {
    sector: 'Conseil et ingénierie',
    structure: 'COMPANY',
    status: ['SAS', 'SARL', 'SA'],
    headcount: ['FROM_1_TO_9', 'FROM_10_TO_49', 'FROM_50_TO_249', 'FROM_250_TO_4999'],
    name: (r) => {
      const family = r.pick(FAMILY_NAMES);
      return r.pick<Named>([
        [`Cabinet ${family} Expertise comptable`, '69.20Z'],
        [`Cabinet ${family} Avocats`, '69.10Z'],
        [`${family} Conseil`, '70.22Z'],
        [`Bureau d\u2019études ${family}`, '71.12B'],
        [`Agence ${family} Communication`, '73.11Z'],
        [`Atelier ${family} Design`, '74.10Z'],
        [`${family} Architectes associés`, '71.11Z'],
      ]);
    },
    services: ['Bureau d\u2019études', 'Service comptable', 'Direction commerciale', 'Pôle conseil'],
    functions: [['Ingénieur d\u2019études', 'Ingénieure d\u2019études'], ['Expert-comptable', 'Experte-comptable'], ['Consultant senior', 'Consultante senior'], ['Directeur associé', 'Directrice associée']],
    description: 'Études, conseil et accompagnement des entreprises et des collectivités.',
    keywords: 'conseil, études, ingénierie',
  },
  {
    sector: 'Industrie',
    structure: 'COMPANY',
    status: ['SA', 'SAS', 'SARL', 'SCOP'],
    headcount: ['FROM_10_TO_49', 'FROM_50_TO_249', 'FROM_250_TO_4999', 'FROM_5000'],
    name: (r, city, region) =>
      r.pick<Named>([
        [`Boulangerie ${r.pick(FAMILY_NAMES)}`, '10.71C'],
        [`Laboratoires pharmaceutiques ${region}`, '21.20Z'],
        [`Manufacture de pneumatiques ${of(city)}`, '22.11Z'],
        [`${region} Électronique`, '26.11Z'],
        [`Constructions automobiles ${region}`, '29.10Z'],
        [`Parfums et cosmétiques ${region}`, '20.42Z'],
        [`Ateliers de mécanique ${of(city)}`, '25.62B'],
        [`Fromagerie ${of(city)}`, '10.51C'],
      ]),
    services: ['Service qualité', 'Laboratoire de contrôle', 'Maintenance', 'Production', 'Ressources humaines'],
    functions: [['Responsable qualité', 'Responsable qualité'], ['Ingénieur de production', 'Ingénieure de production'], ['Technicien de laboratoire', 'Technicienne de laboratoire'], ['Directeur d\u2019usine', 'Directrice d\u2019usine']],
    description: 'Production industrielle, contrôle qualité et maintenance des équipements.',
    keywords: 'production, qualité, industrie, maintenance',
  },
  {
    sector: 'Commerce',
    structure: 'COMPANY',
    status: ['SAS', 'SARL', 'EURL', 'EI'],
    headcount: ['FROM_1_TO_9', 'FROM_10_TO_49', 'FROM_50_TO_249'],
    name: (r, city, region) =>
      r.pick<Named>([
        [`Librairie ${r.pick(['des Arts', 'du Centre', 'Saint-Pierre', 'de la Halle'])} ${city}`, '47.61Z'],
        [`Hypermarché ${region} ${city}`, '47.11F'],
        [`${region} Distribution informatique`, '46.51Z'],
        [`Garage ${r.pick(FAMILY_NAMES)} Automobiles`, '45.11Z'],
        [`Pharmacie du Marché ${of(city)}`, '47.73Z'],
      ]),
    services: ['Magasin', 'Service client', 'Logistique', 'Achats'],
    functions: [['Gérant', 'Gérante'], ['Responsable de magasin', 'Responsable de magasin'], ['Acheteur', 'Acheteuse'], ['Responsable logistique', 'Responsable logistique']],
    description: 'Commerce de détail et de gros.',
    keywords: 'commerce, vente, clientèle',
  },
  {
    sector: 'Banque et assurance',
    structure: 'COMPANY',
    status: ['SA', 'SAS'],
    headcount: ['FROM_50_TO_249', 'FROM_250_TO_4999', 'FROM_5000'],
    name: (r, city, region) =>
      r.pick<Named>([
        [`Banque populaire ${region}`, '64.19Z'],
        [`Caisse de crédit mutuel ${of(city)}`, '64.19Z'],
        [`Mutuelle ${region} Santé`, '65.12Z'],
        [`Assurances ${region}`, '65.12Z'],
        [`Courtage ${r.pick(FAMILY_NAMES)} Assurances`, '66.22Z'],
      ]),
    services: ['Direction des risques', 'Agence centrale', 'Service juridique', 'Direction financière'],
    functions: [['Conseiller clientèle', 'Conseillère clientèle'], ['Analyste risques', 'Analyste risques'], ['Juriste', 'Juriste'], ['Directeur d\u2019agence', 'Directrice d\u2019agence']],
    description: 'Banque de détail, crédit et assurance.',
    keywords: 'banque, finance, assurance',
  },
  {
    sector: 'Administration publique',
    structure: 'PUBLIC_ADMINISTRATION',
    status: ['PUBLIC_BODY'],
    headcount: ['FROM_50_TO_249', 'FROM_250_TO_4999'],
    name: (r, city) =>
      r.pick<Named>([
        [`Mairie ${of(city)}`, '84.11Z'],
        [`Communauté d\u2019agglomération ${of(city)}`, '84.11Z'],
        [`Préfecture ${of(city)}`, '84.11Z'],
        [`Agence régionale de santé — ${city}`, '84.12Z'],
        [`Base de défense ${of(city)}`, '84.22Z'],
        [`Tribunal judiciaire ${of(city)}`, '84.23Z'],
      ]),
    services: ['Direction des ressources humaines', 'Service urbanisme', 'Service communication', 'Direction des systèmes d\u2019information', 'Service culture'],
    functions: [['Directeur général des services', 'Directrice générale des services'], ['Chargé de communication', 'Chargée de communication'], ['Responsable urbanisme', 'Responsable urbanisme'], ['Attaché territorial', 'Attachée territoriale']],
    description: 'Collectivité et services de l\u2019État.',
    keywords: 'service public, collectivité',
  },
  {
    sector: 'Santé et action sociale',
    structure: 'HOSPITAL',
    status: ['PUBLIC_BODY', 'ASSOCIATION'],
    headcount: ['FROM_250_TO_4999', 'FROM_5000', 'FROM_50_TO_249'],
    name: (r, city) =>
      r.pick<Named>([
        [`Centre hospitalier ${of(city)}`, '86.10Z'],
        [`Clinique Saint-Joseph ${of(city)}`, '86.10Z'],
        [`EHPAD Les Tilleuls — ${city}`, '87.10A'],
        [`Centre médico-social ${of(city)}`, '88.99B'],
        [`Cabinet de kinésithérapie ${r.pick(FAMILY_NAMES)}`, '86.90E'],
      ]),
    services: ['Service des urgences', 'Pharmacie', 'Direction des soins', 'Service de pédiatrie', 'Service social'],
    functions: [['Cadre de santé', 'Cadre de santé'], ['Pharmacien', 'Pharmacienne'], ['Directeur des soins', 'Directrice des soins'], ['Assistant social', 'Assistante sociale']],
    description: 'Soins, hébergement et accompagnement des patients et des résidents.',
    keywords: 'santé, soins, hôpital',
  },
  {
    sector: 'Enseignement et recherche',
    structure: 'PUBLIC_LAB',
    status: ['PUBLIC_BODY', 'ASSOCIATION'],
    headcount: ['FROM_50_TO_249', 'FROM_250_TO_4999'],
    name: (r, city) =>
      r.pick<Named>([
        [`Laboratoire de physique ${of(city)}`, '72.19Z'],
        [`Institut de chimie ${of(city)}`, '72.19Z'],
        [`Institut de recherche en biologie — ${city}`, '72.11Z'],
        [`Lycée Blaise-Pascal ${of(city)}`, '85.31Z'],
        [`École d\u2019ingénieurs ${of(city)}`, '85.42Z'],
      ]),
    services: ['Équipe de recherche', 'Plateforme technique', 'Service administratif', 'Cellule valorisation'],
    functions: [['Directeur de recherche', 'Directrice de recherche'], ['Ingénieur de recherche', 'Ingénieure de recherche'], ['Maître de conférences', 'Maître de conférences'], ['Proviseur adjoint', 'Proviseure adjointe']],
    description: 'Enseignement, recherche et transfert de technologie.',
    keywords: 'recherche, enseignement, laboratoire',
  },
  {
    sector: 'Culture, sport et associations',
    structure: 'ASSOCIATION',
    status: ['ASSOCIATION'],
    headcount: ['NONE', 'FROM_1_TO_9', 'FROM_10_TO_49'],
    name: (r, city) =>
      r.pick<Named>([
        [`Médiathèque ${of(city)}`, '91.01Z'],
        [`Théâtre municipal ${of(city)}`, '90.04Z'],
        [`Compagnie des Arts vivants — ${city}`, '90.01Z'],
        [`Association sportive ${of(city)}`, '93.12Z'],
        [`Maison des associations ${of(city)}`, '94.99Z'],
        [`Musée des beaux-arts ${of(city)}`, '91.02Z'],
      ]),
    services: ['Action culturelle', 'Accueil des publics', 'Administration', 'Éducation populaire'],
    functions: [['Médiateur culturel', 'Médiatrice culturelle'], ['Coordinateur', 'Coordinatrice'], ['Président', 'Présidente'], ['Chargé de projets', 'Chargée de projets']],
    description: 'Action culturelle, sportive et associative.',
    keywords: 'culture, association, animation',
  },
  {
    sector: 'Services et infrastructures',
    structure: 'COMPANY',
    status: ['SA', 'SAS', 'SARL', 'SCOP'],
    headcount: ['FROM_10_TO_49', 'FROM_50_TO_249', 'FROM_250_TO_4999'],
    name: (r, city, region) =>
      r.pick<Named>([
        [`Transports ${region}`, '49.41A'],
        [`Messagerie express ${region}`, '52.29A'],
        [`Hôtel du Parc ${of(city)}`, '55.10Z'],
        [`Restaurant Le ${r.pick(['Bistrot', 'Comptoir', 'Relais'])} ${of(city)}`, '56.10A'],
        [`Maisons ${region} Construction`, '41.20A'],
        [`${region} Électricité Bâtiment`, '43.21A'],
        [`Énergies renouvelables ${region}`, '35.11Z'],
        [`${region} Recyclage`, '38.11Z'],
        [`Régie des eaux ${of(city)}`, '36.00Z'],
        [`Domaine viticole ${r.pick(FAMILY_NAMES)}`, '01.21Z'],
        [`Agence immobilière ${r.pick(FAMILY_NAMES)}`, '68.31Z'],
        [`${region} Intérim`, '78.20Z'],
      ]),
    services: ['Exploitation', 'Direction régionale', 'Service travaux', 'Accueil', 'Ressources humaines'],
    functions: [['Chef d\u2019exploitation', 'Cheffe d\u2019exploitation'], ['Conducteur de travaux', 'Conductrice de travaux'], ['Responsable d\u2019agence', 'Responsable d\u2019agence'], ['Chargé de recrutement', 'Chargée de recrutement']],
    description: 'Services aux entreprises et aux particuliers, infrastructures.',
    keywords: 'services, exploitation, travaux',
  },
];

/** Regional words of each country, for company names. */
const REGIONS: Record<string, string[]> = {
  FR: ['Auvergne', 'Volcans', 'Arverne', 'Dôme', 'Rhône', 'Garonne', 'Loire', 'Atlantique', 'Alpes', 'Provence', 'Armor', 'Vosges', 'Cévennes', 'Sologne', 'Morvan', 'Limousin'],
  BE: ['Brabant', 'Meuse', 'Ardenne', 'Escaut', 'Hainaut'],
  CH: ['Léman', 'Jura', 'Helvetia', 'Romandie', 'Lavaux'],
  MA: ['Atlas', 'Maghreb', 'Souss', 'Rif', 'Chaouia'],
  TN: ['Carthage', 'Cap Bon', 'Sahel', 'Hannibal', 'Djerba'],
  DZ: ['Djurdjura', 'Hoggar', 'Tassili', 'Mitidja', 'Aurès'],
  CA: ['Laurentides', 'Saint-Laurent', 'Boréal', 'Outaouais', 'Estrie'],
};

// French cities: postal code and the phone prefix of the area.
const FR_CITIES = [
  ['Clermont-Ferrand', '63000', '04 73'],
  ['Aubière', '63170', '04 73'],
  ['Riom', '63200', '04 73'],
  ['Vichy', '03200', '04 70'],
  ['Montluçon', '03100', '04 70'],
  ['Moulins', '03000', '04 70'],
  ['Le Puy-en-Velay', '43000', '04 71'],
  ['Aurillac', '15000', '04 71'],
  ['Lyon', '69002', '04 72'],
  ['Lyon', '69007', '04 78'],
  ['Saint-Étienne', '42000', '04 77'],
  ['Grenoble', '38000', '04 76'],
  ['Paris', '75002', '01 42'],
  ['Paris', '75013', '01 45'],
  ['Paris', '75015', '01 53'],
  ['Boulogne-Billancourt', '92100', '01 46'],
  ['Nanterre', '92000', '01 47'],
  ['Toulouse', '31000', '05 61'],
  ['Bordeaux', '33000', '05 56'],
  ['Limoges', '87000', '05 55'],
  ['Nantes', '44000', '02 40'],
  ['Rennes', '35000', '02 99'],
  ['Tours', '37000', '02 47'],
  ['Orléans', '45000', '02 38'],
  ['Lille', '59000', '03 20'],
  ['Strasbourg', '67000', '03 88'],
  ['Dijon', '21000', '03 80'],
  ['Marseille', '13001', '04 91'],
  ['Montpellier', '34000', '04 67'],
  ['Nice', '06000', '04 93'],
  ['Ajaccio', '20000', '04 95'],
  ['Bastia', '20200', '04 95'],
  ['Saint-Denis', '97400', '02 62'],
  ['Pointe-à-Pitre', '97110', '05 90'],
] as const;

const STREETS = [
  'rue de la République',
  'avenue Jean-Jaurès',
  'boulevard Gambetta',
  'rue Pasteur',
  'place de la Victoire',
  'rue du Général-Leclerc',
  'chemin des Vignes',
  'allée des Tilleuls',
  'rue de l\u2019Église',
  'quai Saint-Antoine',
  'cours Lafayette',
  'impasse des Acacias',
  'avenue des Landais',
  'rue Blaise-Pascal',
  'boulevard Côte-Blatin',
  'rue Émile-Zola',
];
const COMPLEMENTS = ['Bâtiment A', 'Zone industrielle du Brézet', 'Parc technologique', '2e étage', 'BP 42', 'Immeuble Le Carré', 'Campus des Cézeaux'];

// Abroad: city, postal code, phone prefix, street names of the country.
const ABROAD: Record<string, { cities: [string, string, string][]; streets: string[] }> = {
  BE: { cities: [['Bruxelles', '1000', '+32 2'], ['Liège', '4000', '+32 4'], ['Namur', '5000', '+32 81'], ['Gand', '9000', '+32 9']], streets: ['rue Royale', 'avenue Louise', 'boulevard d\u2019Avroy', 'rue de Fer'] },
  CH: { cities: [['Genève', '1201', '+41 22'], ['Lausanne', '1003', '+41 21'], ['Neuchâtel', '2000', '+41 32'], ['Fribourg', '1700', '+41 26']], streets: ['rue du Rhône', 'avenue de la Gare', 'rue de Lausanne', 'quai Wilson'] },
  MA: { cities: [['Casablanca', '20000', '+212 5 22'], ['Rabat', '10000', '+212 5 37'], ['Marrakech', '40000', '+212 5 24'], ['Tanger', '90000', '+212 5 39']], streets: ['boulevard Mohammed-V', 'avenue Hassan-II', 'rue Allal-Ben-Abdellah', 'boulevard Zerktouni'] },
  TN: { cities: [['Tunis', '1000', '+216 71'], ['Sfax', '3000', '+216 74'], ['Sousse', '4000', '+216 73'], ['Ariana', '2080', '+216 70']], streets: ['avenue Habib-Bourguiba', 'rue de Marseille', 'avenue de la Liberté', 'rue Ibn-Khaldoun'] },
  DZ: { cities: [['Alger', '16000', '+213 21'], ['Oran', '31000', '+213 41'], ['Constantine', '25000', '+213 31'], ['Annaba', '23000', '+213 38']], streets: ['boulevard Didouche-Mourad', 'rue Larbi-Ben-M\u2019hidi', 'boulevard Zighout-Youcef', 'avenue de l\u2019ALN'] },
  CA: { cities: [['Montréal', 'H3B 1A7', '+1 514'], ['Québec', 'G1R 4P5', '+1 418'], ['Sherbrooke', 'J1H 1Z3', '+1 819'], ['Gatineau', 'J8X 3Y9', '+1 819']], streets: ['rue Sainte-Catherine', 'boulevard René-Lévesque', 'rue Saint-Jean', 'avenue du Parc'] },
};

const FIRST_NAMES: [string, 'MR' | 'MRS'][] = [
  ['Camille', 'MRS'], ['Julien', 'MR'], ['Nadia', 'MRS'], ['Thomas', 'MR'], ['Élodie', 'MRS'], ['Karim', 'MR'], ['Sophie', 'MRS'], ['Lucas', 'MR'],
  ['Inès', 'MRS'], ['Mathieu', 'MR'], ['Fatima', 'MRS'], ['Pierre', 'MR'], ['Chloé', 'MRS'], ['Youssef', 'MR'], ['Marion', 'MRS'], ['Antoine', 'MR'],
];
const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'Roux', 'Fournier', 'Benali', 'Haddad', 'Girard', 'Bonnet', 'Mercier', 'Chevalier'];


const slug = (s: string) => normalizeName(s).replace(/ /g, '-').slice(0, 40);
const phoneDigits = (r: ReturnType<typeof generator>, groups: number) => Array.from({ length: groups }, () => String(r.int(10, 99))).join(' ');

/** A number as the country writes it: "+1 514 555 0123" in Canada, "+41 22 345 67 89" in Switzerland… */
function foreignPhone(r: R, country: string, prefix: string): string {
  if (country === 'CA') return `${prefix} ${r.int(200, 999)} ${r.int(1000, 9999)}`;
  if (country === 'CH') return `${prefix} ${r.int(200, 999)} ${phoneDigits(r, 2)}`;
  return `${prefix} ${phoneDigits(r, 3)}`;
}

/** The Luhn key of a 8-digit SIREN base, so the SIREN itself is well formed too. */
function sirenOf(base8: string): string {
  for (let d = 0; d <= 9; d++) {
    const s = base8 + d;
    let sum = 0;
    for (let i = 0; i < 9; i++) {
      let n = Number(s[8 - i]);
      if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
      sum += n;
    }
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
}

export interface SeedOrganisationsOptions {
  /** The centre whose verification queue gets the unverified organisations. */
  queueCentreId?: number | null;
  /** Who "created" the unverified ones (a demo student). */
  createdById?: number | null;
}

/** Creates the demo directory inside the caller's transaction; returns how many organisations it made. */
export async function seedOrganisations(tx: Tx, opts: SeedOrganisationsOptions = {}) {
  const r = generator(20261123);
  const rows: Prisma.OrganisationCreateManyInput[] = [];
  const seen = new Set<string>();
  const verifiedAt = new Date('2026-09-01T08:00:00Z');

  const add = (row: Omit<Prisma.OrganisationCreateManyInput, 'normalizedName' | 'phoneDigits' | 'faxDigits' | 'department'>) => {
    if (!isNafCode(row.nafCode)) throw new Error(`seed: ${row.nafCode} is not a NAF sub-class`);
    const key = `${normalizeName(row.legalName)}|${row.postalCode}`;
    if (seen.has(key)) return false;
    seen.add(key);
    rows.push({ ...row, ...derivedColumns({ legalName: row.legalName, phone: row.phone, fax: row.fax ?? null, postalCode: row.postalCode, country: row.country ?? 'FR' }) });
    return true;
  };

  // France: 170 establishments, each with its own SIREN (9 digits, Luhn key) and SIRET.
  let sirenSeq = 0;
  for (let attempts = 0; rows.length < 170 && attempts < 1000; attempts++) {
    const kind = KINDS[attempts % KINDS.length];
    const [city, postalCode, prefix] = r.pick(FR_CITIES);
    const [legalName, nafCode] = kind.name(r, city, r.pick(REGIONS.FR));
    const siren = sirenOf(String(30_000_000 + (sirenSeq * 2_654_437) % 59_000_000).padStart(8, '0'));
    const siret = withSiretKey(siren + String(r.int(1, 99)).padStart(4, '0'));
    const web = slug(legalName);
    const ok = add({
      legalName,
      siret,
      nafCode,
      headcount: r.pick(kind.headcount),
      structureType: kind.structure,
      legalStatus: r.pick(kind.status),
      sector: kind.sector,
      addressLine1: `${r.int(1, 180)} ${r.pick(STREETS)}`,
      addressLine2: r.chance(0.3) ? r.pick(COMPLEMENTS) : null,
      postalCode,
      city,
      country: 'FR',
      phone: `${prefix} ${phoneDigits(r, 3)}`,
      fax: r.chance(0.25) ? `${prefix} ${phoneDigits(r, 3)}` : null,
      email: r.chance(0.7) ? `contact@${web}.example` : null,
      website: r.chance(0.6) ? `https://www.${web}.example` : null,
      description: kind.description,
      keywords: kind.keywords,
      partnership: false,
      verified: true,
      verifiedAt,
    });
    if (ok) sirenSeq++;
  }

  // Abroad: no SIRET.
  for (const [country, { cities, streets }] of Object.entries(ABROAD)) {
    for (let i = 0, made = 0; made < 9 && i < 50; i++) {
      const kind = KINDS[(i * 3 + country.charCodeAt(0)) % KINDS.length];
      const [city, postalCode, prefix] = r.pick(cities);
      const [legalName, nafCode] = kind.name(r, city, r.pick(REGIONS[country]));
      const web = slug(legalName);
      if (
        add({
          legalName,
          siret: null,
          nafCode,
          headcount: r.pick(kind.headcount),
          structureType: kind.structure === 'COMPANY' && r.chance(0.2) ? 'INTERNATIONAL' : kind.structure,
          legalStatus: kind.structure === 'COMPANY' ? 'FOREIGN' : r.pick(kind.status),
          sector: kind.sector,
          addressLine1: `${r.int(1, 250)} ${r.pick(streets)}`,
          addressLine2: null,
          postalCode,
          city,
          country,
          phone: foreignPhone(r, country, prefix),
          fax: null,
          email: r.chance(0.6) ? `info@${web}.example` : null,
          website: r.chance(0.5) ? `https://${web}.example` : null,
          description: kind.description,
          keywords: kind.keywords,
          partnership: false,
          verified: true,
          verifiedAt,
        })
      )
        made++;
    }
  }

  // A few partnership agreements, and a few establishments students created, still to verify.
  rows.forEach((row, i) => {
    if (i % 17 === 3) row.partnership = true;
  });
  const queued = opts.queueCentreId ? rows.filter((row) => row.country === 'FR').slice(-5) : [];
  for (const row of queued) Object.assign(row, { verified: false, verifiedAt: null, partnership: false, centreId: opts.queueCentreId, createdById: opts.createdById ?? null });

  // One INSERT: ids follow the order of the rows.
  const orgs = (await tx.organisation.createManyAndReturn({ data: rows, select: { id: true, legalName: true, sector: true, country: true, phone: true } })).sort((a, b) => a.id - b.id);

  // Services for a third of them (some at their own address), one or two contacts per service.
  const serviceRows: Prisma.ServiceCreateManyInput[] = [];
  const contactPlans: { organisationId: number; serviceIndex: number | null; kind: Kind; web: string }[] = [];
  orgs.forEach((org, i) => {
    if (i % 3 !== 0) return;
    const kind = KINDS.find((k) => k.sector === org.sector) ?? KINDS[0];
    const names = new Set<string>();
    const count = r.int(1, 3);
    for (let s = 0; s < count; s++) names.add(r.pick(kind.services));
    for (const name of names) {
      const own = r.chance(0.25) && org.country === 'FR';
      const [city, postalCode] = own ? r.pick(FR_CITIES) : [null, null];
      serviceRows.push({
        organisationId: org.id,
        name,
        normalizedName: normalizeName(name),
        sameAddress: !own,
        addressLine1: own ? `${r.int(1, 90)} ${r.pick(STREETS)}` : null,
        postalCode: own ? postalCode : null,
        city: own ? city : null,
        country: own ? 'FR' : null,
        department: own ? departmentOf(postalCode, 'FR') : null,
        phone: r.chance(0.5) ? org.phone.replace(/\d\d$/, String(r.int(10, 99))) : null,
      });
      contactPlans.push({ organisationId: org.id, serviceIndex: serviceRows.length - 1, kind, web: slug(org.legalName) });
    }
    // One contact of the organisation itself, attached to no service.
    contactPlans.push({ organisationId: org.id, serviceIndex: null, kind, web: slug(org.legalName) });
  });
  const services = (await tx.service.createManyAndReturn({ data: serviceRows, select: { id: true } })).sort((a, b) => a.id - b.id);

  const contactRows: Prisma.ContactCreateManyInput[] = [];
  for (const plan of contactPlans) {
    const n = plan.serviceIndex === null ? 1 : r.int(1, 2);
    for (let c = 0; c < n; c++) {
      const [firstName, civility] = r.pick(FIRST_NAMES);
      const lastName = r.pick(LAST_NAMES);
      contactRows.push({
        organisationId: plan.organisationId,
        serviceId: plan.serviceIndex === null ? null : services[plan.serviceIndex].id,
        civility,
        firstName,
        lastName,
        function: r.pick(plan.kind.functions)[civility === 'MRS' ? 1 : 0],
        email: `${slug(firstName)}.${slug(lastName)}@${plan.web}.example`,
        phone: r.chance(0.6) ? `0${r.int(1, 5)} ${phoneDigits(r, 4)}` : null,
      });
    }
  }
  await tx.contact.createMany({ data: contactRows });
  return { organisations: orgs.length, services: services.length, contacts: contactRows.length, queued: queued.length };
}
