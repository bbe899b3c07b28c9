// The bulk data of the search scenarios (100,000 offers, 50,000 open requests of 40,000 students),
// written with set-based SQL, and the three signed-in bench accounts.
import { seedingClient } from './sql.js';
import pg from 'pg';
import { hashPassword } from '../src/auth/password.js';

export const PASSWORD = 'bench-password-1';
const OFFERS = 100_000;
const STUDENTS = 40_000;
const REQUESTS = 50_000;
const ORGS = 2_000;
const log = (m: string) => process.stdout.write(`${m}\n`);


const sqlArray = (xs: string[]) => `ARRAY[${xs.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')}]`;
const DOMAINS = ['Informatique', 'Marketing', 'Finance', 'Ressources humaines', 'Logistique', 'Santé', 'Énergie', 'Communication', 'Droit', 'Éducation', 'Chimie', 'Biologie', 'Génie civil', 'Commerce', 'Tourisme'];
const SECTORS = ['Industrie', 'Services', 'Public', 'Associatif', 'Numérique', 'Banque', 'Hôpital', 'Recherche'];
const JOBS = ['Développeur', 'Analyste', 'Chargé de mission', 'Assistant', 'Ingénieur', 'Technicien', 'Consultant', 'Chef de projet', 'Comptable', 'Juriste', 'Data scientist', 'Community manager'];
const TOPICS = ['web', 'données', 'réseau', 'qualité', 'sécurité', 'énergie renouvelable', 'marketing digital', 'logistique', 'paie', 'contrôle de gestion', 'biotechnologie', 'événementiel', 'supply chain', 'cloud', 'mobile'];
const SKILLS = ['Python', 'Java', 'TypeScript', 'SQL', 'Excel', 'anglais courant', 'SAP', 'gestion de projet', 'rédaction', 'statistiques', 'AutoCAD', 'négociation', 'Photoshop', 'comptabilité'];
const CITIES: [string, string][] = [
  ['75011', 'Paris'], ['69003', 'Lyon'], ['13001', 'Marseille'], ['31000', 'Toulouse'], ['33000', 'Bordeaux'], ['59000', 'Lille'], ['44000', 'Nantes'],
  ['67000', 'Strasbourg'], ['63000', 'Clermont-Ferrand'], ['35000', 'Rennes'], ['34000', 'Montpellier'], ['06000', 'Nice'], ['97400', 'Saint-Denis'], ['38000', 'Grenoble'],
];
const PC = sqlArray(CITIES.map((c) => c[0]));
const CITY = sqlArray(CITIES.map((c) => c[1]));
const pick = (arr: string, n: number, expr: string) => `(${arr})[1 + ((${expr}) % ${n})]`;

export async function seed(url: string) {
  const { c, q } = await seedingClient(url, log);
  const hash = (await hashPassword(PASSWORD)).replace(/'/g, "''");
  const D = sqlArray(DOMAINS), S = sqlArray(SECTORS), J = sqlArray(JOBS), T = sqlArray(TOPICS), K = sqlArray(SKILLS);
  const LV = `ARRAY['BAC','BAC_2','BAC_3','BAC_5','BAC_8','ANY']`;
  await c.query('SET synchronous_commit = off');
  await q('institutions', `INSERT INTO "Institution" (code, name, city, "updatedAt") SELECT 'U' || g, 'Université ' || g, 'Ville ' || g, now() FROM generate_series(1, 5) g`);
  await q('centres', `INSERT INTO "ManagementCentre" ("institutionId", name, kind, "addressLine1", "postalCode", city, phone, "updatedAt")
    SELECT 1 + (g - 1) / 2, 'Centre ' || g, 'UFR', '1 rue des Écoles', '63000', 'Clermont-Ferrand', '0473000000', now() FROM generate_series(1, 10) g`);
  await q('programmes', `INSERT INTO "Programme" ("institutionId", code, name, "updatedAt")
    SELECT 1 + (g - 1) / 10, 'P' || g, 'Programme ' || ${pick(D, DOMAINS.length, 'g')} || ' ' || g, now() FROM generate_series(1, 50) g`);
  await q('study years', `INSERT INTO "StudyYear" ("programmeId", code, name, level, "centreId", "updatedAt")
    SELECT 1 + (g - 1) / 2, 'Y' || g, 'Année ' || g, 1 + g % 5, 1 + ((1 + (g - 1) / 2 - 1) / 10) * 2 + g % 2, now() FROM generate_series(1, 100) g`);
  await q('users', `INSERT INTO "User" (email, "passwordHash", "firstName", "lastName", "updatedAt")
    SELECT 'student' || g || '@bench.test', NULL, 'Prénom' || g, 'Nom' || g, now() FROM generate_series(1, ${STUDENTS}) g`);
  await q('students', `INSERT INTO "StudentProfile" ("userId", "studentNumber", "institutionId", "programmeId", "studyYearId", "inCvBook", skills, "updatedAt")
    SELECT u.id, 'N' || u.id, 1 + (((u.id - 1) % 100) / 2) / 10, 1 + ((u.id - 1) % 100) / 2, 1 + (u.id - 1) % 100, u.id % 2 = 0,
           ${pick(K, SKILLS.length, 'u.id')} || ', ' || ${pick(K, SKILLS.length, 'u.id / 3')}, now()
    FROM "User" u WHERE u.email LIKE 'student%@bench.test'`);
  await q('organisations', `INSERT INTO "Organisation" ("legalName", "normalizedName", "nafCode", headcount, "structureType", "legalStatus", "addressLine1", "postalCode", city, department, phone, "phoneDigits", verified, "centreId", "updatedAt")
    SELECT 'Société Bench ' || g, 'societe bench ' || g, '62.01Z', 'FROM_10_TO_49', 'COMPANY', 'SAS', g || ' avenue du Test', ${pick(PC, CITIES.length, 'g')}, ${pick(CITY, CITIES.length, 'g')},
           left(${pick(PC, CITIES.length, 'g')}, 2), '0102030405', '0102030405', true, 1 + g % 10, now()
    FROM generate_series(1, ${ORGS}) g`);
  // Offers: mostly PUBLISHED inside their period; the rest spread over the other statuses.
  await q('offers', `INSERT INTO "Offer" (kind, status, title, domain, missions, skills, "postalCode", city, country, paid, "durationMonths", "educationLevel", "organisationId", "centreId", "fromCompany",
                     "publishFrom", "publishUntil", "diffusionMonths", "targetAll", "createdAt", "updatedAt")
    SELECT (ARRAY['INTERNSHIP','INTERNSHIP','INTERNSHIP','JOB','WORK_STUDY','VIE_VIA'])[1 + g % 6]::"OfferKind",
           (CASE WHEN g % 20 < 16 THEN 'PUBLISHED' ELSE (ARRAY['DRAFT','PENDING_SCHOOL','EXPIRED','FILLED'])[1 + g % 4] END)::"OfferStatus",
           ${pick(J, JOBS.length, 'g')} || ' ' || ${pick(T, TOPICS.length, 'g / 7')},
           ${pick(D, DOMAINS.length, 'g / 3')},
           'Au sein de l''équipe, vous participerez à des projets de ' || ${pick(T, TOPICS.length, 'g / 11')} || ' et de ' || ${pick(T, TOPICS.length, 'g / 13')} || '. Offre n° ' || g || '.',
           ${pick(K, SKILLS.length, 'g')} || ', ' || ${pick(K, SKILLS.length, 'g / 5')},
           ${pick(PC, CITIES.length, 'g / 2')}, ${pick(CITY, CITIES.length, 'g / 2')}, 'FR', g % 3 > 0, 1 + g % 6,
           (${LV})[1 + g % 6]::"EducationLevel", 1 + g % ${ORGS}, 1 + g % 10, g % 2 = 0,
           now() - ((g % 60) || ' days')::interval, now() + ((1 + g % 90) || ' days')::interval, 3, g % 10 <> 0,
           now() - ((g % 700) || ' days')::interval, now()
    FROM generate_series(1, ${OFFERS}) g`);
  await q('offer targets', `INSERT INTO "OfferTargetInstitution" ("offerId", "institutionId") SELECT id, 1 + id % 5 FROM "Offer" WHERE NOT "targetAll"`);
  await q('offer diffusion', `INSERT INTO "OfferDiffusionCentre" ("offerId", "centreId") SELECT id, 1 + (id + 3) % 10 FROM "Offer" WHERE id % 4 = 0`);
  // Requests: one OPEN request per student, and a second one for the first 10,000.
  await q('requests', `INSERT INTO "InternshipRequest" ("studentId", status, title, level, "durationMonths", "positionType", domain, sector, description, "availableFrom", place, "createdAt", "updatedAt")
    SELECT s.id, 'OPEN', ${pick(J, JOBS.length, 'g')} || ' ' || ${pick(T, TOPICS.length, 'g / 7')},
           (${LV})[1 + g % 6]::"EducationLevel", 1 + g % 6, 'Stage', ${pick(D, DOMAINS.length, 'g / 3')}, ${pick(S, SECTORS.length, 'g')},
           'Étudiant motivé cherchant un stage en ' || ${pick(T, TOPICS.length, 'g / 11')} || ', compétences : ' || ${pick(K, SKILLS.length, 'g / 5')} || '.',
           (now() + ((g % 200) || ' days')::interval)::date,
           ${pick(PC, CITIES.length, 'g / 2')} || '; ' || ${pick(CITY, CITIES.length, 'g / 5')},
           now() - ((g % 300) || ' days')::interval, now() - ((g % 300) || ' days')::interval
    FROM generate_series(1, ${REQUESTS}) g JOIN "StudentProfile" s ON s.id = 1 + (g - 1) % ${STUDENTS}`);
  // The signed-in users: a student (with 3 open requests), a company administrator, centre staff.
  await q('bench users', `
    WITH u AS (INSERT INTO "User" (email, "passwordHash", "firstName", "lastName", "updatedAt") VALUES
      ('student@bench.test', '${hash}', 'Élise', 'Étudiante', now()),
      ('company@bench.test', '${hash}', 'Claire', 'Entreprise', now()),
      ('staff@bench.test', '${hash}', 'Samuel', 'Scolarité', now()) RETURNING id, email),
    sp AS (INSERT INTO "StudentProfile" ("userId", "studentNumber", "institutionId", "programmeId", "studyYearId", "inCvBook", "updatedAt")
      SELECT id, 'BENCH1', 1, 1, 1, true, now() FROM u WHERE email = 'student@bench.test' RETURNING id),
    rq AS (INSERT INTO "InternshipRequest" ("studentId", status, title, level, "durationMonths", domain, description, place, "updatedAt")
      SELECT sp.id, 'OPEN', v.title, v.level::"EducationLevel", v.dur, v.domain, v.description, v.place, now() FROM sp,
        (VALUES ('Développeur web', 'BAC_5', 6, 'Informatique', 'Stage de développement web, TypeScript et SQL', '69; 75011'),
                ('Analyste données', 'BAC_5', 4, 'Informatique', 'Analyse de données, statistiques, Python', 'Lyon'),
                ('Chargé de mission énergie', 'BAC_3', 3, 'Énergie', 'Énergie renouvelable et qualité', '63')) v(title, level, dur, domain, description, place)
      RETURNING id),
    cm AS (INSERT INTO "CompanyMembership" ("userId", "organisationId", role, "canPublishOffers") SELECT id, 1, 'ADMIN', true FROM u WHERE email = 'company@bench.test' RETURNING id)
    INSERT INTO "CentreStaff" ("userId", "centreId", "right", "updatedAt") SELECT id, 1, 'READ', now() FROM u WHERE email = 'staff@bench.test'`);
  // As autovacuum leaves a long-lived database: statistics and the visibility map (index-only scans).
  await q('vacuum analyze', 'VACUUM ANALYZE');
  await c.end();
  return seeded(url);
}

/** What the database holds (also for a re-used database, BENCH_SKIP_SEED=1). */
export async function seeded(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const { rows } = await c.query<{ offers: number; requests: number; students: number; cvbook: number }>(`SELECT
    (SELECT count(*)::int FROM "Offer") AS offers, (SELECT count(*)::int FROM "InternshipRequest" WHERE status = 'OPEN') AS requests,
    (SELECT count(*)::int FROM "StudentProfile") AS students, (SELECT count(*)::int FROM "StudentProfile" WHERE "inCvBook") AS cvbook`);
  const matchOffer = await c.query<{ id: number }>(`SELECT id FROM "Offer" WHERE "organisationId" = 1 AND status = 'PUBLISHED' ORDER BY id LIMIT 1`);
  await c.end();
  return { counts: rows[0], matchOfferId: matchOffer.rows[0].id };
}

